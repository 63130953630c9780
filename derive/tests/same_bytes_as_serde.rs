//! A type deriving both `Serialize` and `Encode` is written alike by
//! serde's `to_vec` and by `native::to_vec`: the derive only moves the
//! key order to compile time.

use std::collections::BTreeMap;

use luaxt_derive::Encode;
use luaxt_format::{DecodeOptions, ErrorKind, Limits, Value, native};
use proptest::prelude::*;
use serde::Serialize;

/// Both encoders' results for `value`, which must be equal.
fn both<T: Serialize + luaxt_format::Encode>(
    value: &T,
    limits: &Limits,
) -> Result<Vec<u8>, ErrorKind> {
    let serde = luaxt_format::to_vec_with(value, limits).map_err(|e| e.kind());
    let native = native::to_vec_with(value, limits).map_err(|e| e.kind());
    assert_eq!(native, serde, "native (left) and serde (right) differ");
    native
}

fn same<T: Serialize + luaxt_format::Encode>(value: &T) -> Vec<u8> {
    both(value, &Limits::DEFAULT).expect("encodes")
}

#[derive(Serialize, Encode, Debug, Clone)]
struct Geo {
    lat: f64,
    lon: f64,
    city: String,
}

#[derive(Serialize, Encode, Debug, Clone)]
struct Record {
    id: u64,
    name: String,
    score: f64,
    active: bool,
    tags: Vec<String>,
    bio: String,
    readings: Vec<f64>,
    counts: Vec<i64>,
    geo: Geo,
    nickname: Option<String>,
    parent: Option<Box<Record>>,
}

#[derive(Serialize, Encode, Debug, Clone)]
enum Shape {
    Empty,
    Circle(f64),
    Nothing(Option<u8>),
    Pair(i32, Option<i32>, i32),
    Rect {
        w: u32,
        h: u32,
        label: Option<String>,
    },
    #[serde(rename = "tri")]
    Triangle {
        a: u8,
    },
}

#[derive(Serialize, Encode, Debug)]
#[allow(dead_code)] // the skipped fields are never read
struct Renamed {
    #[serde(rename = "type")]
    kind: &'static str,
    r#match: bool,
    #[serde(skip)]
    hidden: u8,
    #[serde(skip_serializing, default)]
    also_hidden: u8,
    #[serde(alias = "z")]
    zz: (),
}

#[derive(Serialize, Encode, Debug)]
struct Newtype(Vec<Option<u8>>);

#[derive(Serialize, Encode, Debug)]
struct Pairish(u8, Option<&'static str>, char);

#[derive(Serialize, Encode, Debug)]
struct Unit;

#[derive(Serialize, Encode, Debug)]
struct Generic<T, U> {
    first: T,
    second: Vec<U>,
}

#[derive(Serialize, Encode, Debug)]
struct WithValue {
    value: Value,
    unit: Unit,
    maybe: Option<Option<i8>>,
}

#[test]
fn structs_enums_and_attributes_match_serde() {
    let geo = Geo {
        lat: 1.5,
        lon: -0.25,
        city: "Oslo".into(),
    };
    let record = Record {
        id: 7,
        name: "seven".into(),
        score: f64::NAN,
        active: true,
        tags: vec!["a".into(), "bb".into()],
        bio: "x".repeat(300),
        readings: vec![0.5, -0.0, f64::INFINITY],
        counts: vec![i64::MIN, 0, i64::MAX],
        geo,
        nickname: None,
        parent: None,
    };
    let nested = Record {
        parent: Some(Box::new(record.clone())),
        nickname: Some("n".into()),
        ..record.clone()
    };
    same(&record);
    same(&nested);
    same(&vec![record, nested]);
    for shape in [
        Shape::Empty,
        Shape::Circle(2.0),
        Shape::Nothing(None),
        Shape::Nothing(Some(3)),
        Shape::Pair(1, None, 3),
        Shape::Pair(1, Some(2), 3),
        Shape::Rect {
            w: 1,
            h: 2,
            label: None,
        },
        Shape::Rect {
            w: 1,
            h: 2,
            label: Some("l".into()),
        },
        Shape::Triangle { a: 9 },
    ] {
        same(&shape);
    }
    let renamed = same(&Renamed {
        kind: "k",
        r#match: true,
        hidden: 1,
        also_hidden: 2,
        zz: (),
    });
    assert_eq!(
        luaxt_format::decode(&renamed).unwrap().to_string(),
        r#"{type = "k", match = true}"#
    );
    same(&Newtype(vec![Some(1), None, Some(3), None, Some(5)]));
    same(&Newtype(vec![None]));
    same(&Newtype(vec![]));
    same(&Pairish(1, None, 'é'));
    same(&Pairish(1, Some("two"), 'c'));
    same(&Unit);
    same(&Some(Unit));
    same(&Generic {
        first: "x",
        second: vec![1u16, 2],
    });
    same(&WithValue {
        value: luaxt_format::decode(&same(&Shape::Pair(1, None, 3))).unwrap(),
        unit: Unit,
        maybe: Some(None),
    });
    same(&WithValue {
        value: Value::Nil,
        unit: Unit,
        maybe: Some(Some(-1)),
    });
    same(&(1u8, "two", [3.0f32; 2], ((), Some(5i128))));
}

#[test]
fn sequences_with_holes_order_their_integer_keys_as_bytes() {
    // Indices 256 and 2 after a hole at 1: encoded keys sort as bytes, so
    // 256 (00 01 ...) comes before 2 (02 00 ...).
    let mut items = vec![None; 300];
    items[1] = Some(1u8);
    items[255] = Some(2);
    items[299] = Some(3);
    same(&items);
    let mut from_two = vec![Some(0u8); 10];
    from_two[3] = None;
    same(&from_two);
}

#[test]
fn limits_fail_alike() {
    #[derive(Serialize, Encode)]
    struct Deep {
        next: Option<Box<Deep>>,
    }
    let mut deep = Deep { next: None };
    for _ in 0..40 {
        deep = Deep {
            next: Some(Box::new(deep)),
        };
    }
    let shallow = Limits::DEFAULT.with_max_depth(8);
    assert_eq!(both(&deep, &shallow), Err(ErrorKind::DepthExceeded));
    assert_eq!(
        both(&Shape::Nothing(None), &Limits::DEFAULT.with_max_depth(0)),
        Err(ErrorKind::DepthExceeded)
    );
    let small = Limits::DEFAULT.with_max_size(40);
    assert_eq!(
        both(&"x".repeat(41), &small),
        Err(ErrorKind::LengthOverflow)
    );
    assert_eq!(both(&vec![1u8; 4], &small), Err(ErrorKind::LengthOverflow));
    assert!(both(&vec![1u8; 3], &small).is_ok());
    assert_eq!(
        both(&u64::MAX, &Limits::DEFAULT),
        Err(ErrorKind::IntegerOverflow)
    );
    // On error the output is left as it was.
    let mut out = vec![9u8];
    assert!(native::to_vec_into(&vec![u64::MAX], &mut out).is_err());
    assert_eq!(out, [9]);
}

#[test]
fn a_skipped_variant_is_an_error_as_in_serde() {
    #[derive(Serialize, Encode)]
    enum E {
        #[serde(skip)]
        #[allow(dead_code)]
        Gone(u8),
        Here,
    }
    let serde = luaxt_format::to_vec(&E::Gone(1)).unwrap_err();
    let native = native::to_vec(&E::Gone(1)).unwrap_err();
    assert_eq!(
        (native.kind(), native.to_string()),
        (serde.kind(), serde.to_string())
    );
    same(&E::Here);
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,12}", "[a-z]{0,80}"]
}

prop_compose! {
    fn geo()(lat in any::<f64>(), lon in any::<f64>(), city in text()) -> Geo {
        Geo { lat, lon, city }
    }
}

prop_compose! {
    fn record()(
        id in any::<u64>(),
        name in text(),
        score in any::<f64>(),
        active in any::<bool>(),
        tags in prop::collection::vec(text(), 0..4),
        bio in text(),
        readings in prop::collection::vec(any::<f64>(), 0..9),
        counts in prop::collection::vec(any::<i64>(), 0..5),
        geo in geo(),
        nickname in prop::option::of(text()),
    ) -> Record {
        Record { id, name, score, active, tags, bio, readings, counts, geo, nickname, parent: None }
    }
}

proptest! {
    #[test]
    fn generated_records_match_serde(records in prop::collection::vec(record(), 0..6)) {
        // u64 ids above i64::MAX fail both ways, alike.
        let _ = both(&records, &Limits::DEFAULT);
    }

    #[test]
    fn generated_sequences_with_holes_match_serde(items in prop::collection::vec(prop::option::of(any::<i16>()), 0..40)) {
        same(&items);
    }

    #[test]
    fn generated_maps_inside_values_match_serde(entries in prop::collection::btree_map(text(), any::<i32>(), 0..8)) {
        let table: BTreeMap<String, i32> = entries;
        let value = luaxt_format::decode(&luaxt_format::to_vec(&table).unwrap()).unwrap();
        same(&WithValue { value, unit: Unit, maybe: None });
    }
}

/// A hand-written `Encode` that writes nil without saying so (no
/// `is_nil`): the output is still canonical, and serde's.
#[derive(Debug, Clone, Copy)]
struct Sneaky(Option<u8>);

impl luaxt_format::Encode for Sneaky {
    fn encode(&self, w: &mut luaxt_format::Writer) -> luaxt_format::Result<()> {
        match self.0 {
            Some(v) => w.put_int(v.into()),
            None => w.put_nil(),
        }
        Ok(())
    }
}

impl Serialize for Sneaky {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(v) => serializer.serialize_u8(v),
            None => serializer.serialize_none(),
        }
    }
}

#[test]
fn a_value_that_writes_nil_unannounced_is_still_left_out() {
    #[derive(Serialize, Encode)]
    struct Holder {
        a: Sneaky,
        bb: Sneaky,
        items: Vec<Sneaky>,
    }
    #[derive(Serialize, Encode)]
    enum Wrap {
        It(Sneaky),
    }
    let (some, none) = (Sneaky(Some(1)), Sneaky(None));
    for (a, bb) in [(some, none), (none, some), (none, none)] {
        let items = vec![some, none, some, none, some];
        let bytes = same(&Holder { a, bb, items });
        assert!(DecodeOptions::new().strict(true).check(&bytes).is_ok());
    }
    same(&vec![none, some]);
    same(&vec![some, some, none]);
    let mut long = vec![none; 300];
    long[256] = some;
    long[2] = some;
    same(&long);
    same(&Wrap::It(none));
    same(&Wrap::It(some));
}

#[test]
fn maps_with_string_keys_match_serde() {
    use std::collections::HashMap;
    #[derive(Serialize, Encode)]
    struct Maps<'a> {
        by_name: BTreeMap<String, Option<i32>>,
        hashed: HashMap<&'a str, Vec<u8>>,
    }
    let long = "a".repeat(300);
    let mut by_name = BTreeMap::new();
    // A 300-byte key sorts before a 1-byte one: the length is little-endian.
    for (key, value) in [
        (long.as_str(), Some(1)),
        ("b", Some(2)),
        ("", None),
        ("cc", Some(3)),
    ] {
        by_name.insert(key.to_owned(), value);
    }
    let hashed: HashMap<&str, Vec<u8>> =
        [("x", vec![1]), ("yy", vec![]), (long.as_str(), vec![2, 3])].into();
    let bytes = same(&Maps { by_name, hashed });
    assert!(DecodeOptions::new().strict(true).check(&bytes).is_ok());
    same(&BTreeMap::<String, u8>::new());
}

proptest! {
    #[test]
    fn generated_string_maps_match_serde(map in prop::collection::btree_map(".{0,3}|[a-z]{250,260}", prop::option::of(any::<i8>()), 0..8)) {
        same(&map);
    }
}

#[test]
fn maps_with_integer_keys_match_serde() {
    use std::collections::HashMap;
    #[derive(Serialize, Encode)]
    struct Maps {
        by_id: BTreeMap<i64, String>,
        hashed: HashMap<u8, Option<u8>>,
        sneaky: BTreeMap<u16, Sneaky>,
    }
    // 1, 2, 3 run into the array part; 5 does not continue it; 0, -1,
    // 256 and 2^40 are hash keys, ordered as bytes (256 before 5).
    let by_id = [-1, 0, 1, 2, 3, 5, 256, 1 << 40]
        .map(|key| (key, key.to_string()))
        .into();
    let hashed: HashMap<u8, Option<u8>> = [(1, Some(1)), (2, None), (3, Some(3)), (7, None)].into();
    let (some, none) = (Sneaky(Some(1)), Sneaky(None));
    // A value that writes nil unannounced ends the array part at 1.
    let sneaky = [(1, some), (2, none), (3, some), (4, some), (0, none)].into();
    let bytes = same(&Maps {
        by_id,
        hashed,
        sneaky,
    });
    assert!(DecodeOptions::new().strict(true).check(&bytes).is_ok());
    same(&BTreeMap::<u32, u8>::new());
    same(&BTreeMap::from([(1u64, 'a'), (2, 'b')]));
    same(&BTreeMap::from([(2usize, 'a'), (3, 'b')]));
    // A key outside the i64 range fails as serde fails.
    let too_big = BTreeMap::from([(u64::MAX, 1u8)]);
    assert_eq!(
        both(&too_big, &Limits::DEFAULT),
        Err(ErrorKind::IntegerOverflow)
    );
}

proptest! {
    #[test]
    fn generated_integer_maps_match_serde(
        small in prop::collection::btree_map(-3i16..12, prop::option::of(any::<i8>()), 0..12),
        wide in prop::collection::hash_map(any::<i64>(), any::<bool>(), 0..6),
        sneaky in prop::collection::btree_map(0u32..10, prop::option::of(any::<u8>()).prop_map(Sneaky), 0..10),
    ) {
        same(&small);
        same(&wide);
        same(&sneaky);
    }
}

#[test]
fn serde_bytes_buffers_match_serde() {
    use serde_bytes::{ByteArray, ByteBuf, Bytes};
    #[derive(Serialize, Encode)]
    struct Blobs<'a> {
        owned: ByteBuf,
        borrowed: &'a Bytes,
        fixed: ByteArray<3>,
        maybe: Option<ByteBuf>,
        many: Vec<ByteBuf>,
    }
    let bytes = same(&Blobs {
        owned: ByteBuf::from(vec![0, 255, 7]),
        borrowed: Bytes::new(b""),
        fixed: ByteArray::new([1, 2, 3]),
        maybe: None,
        many: vec![ByteBuf::from(vec![9; 300])],
    });
    assert!(DecodeOptions::new().strict(true).check(&bytes).is_ok());
    // Longer than the size limit: the same error.
    let small = Limits::DEFAULT.with_max_size(8);
    assert_eq!(
        both(&ByteBuf::from(vec![0; 9]), &small),
        Err(ErrorKind::LengthOverflow)
    );
}

/// `skip_serializing_if`: a field the predicate skips is left out, as by
/// serde, in structs and in struct variants.
#[test]
fn skip_serializing_if_leaves_fields_out_as_serde_does() {
    fn is_zero(n: &u8) -> bool {
        *n == 0
    }
    #[derive(Serialize, Encode)]
    struct Sparse {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        items: Vec<u8>,
        #[serde(skip_serializing_if = "is_zero")]
        count: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        always: bool,
    }
    #[derive(Serialize, Encode)]
    enum Wrapped {
        Inner {
            #[serde(skip_serializing_if = "is_zero")]
            count: u8,
            other: u8,
        },
    }
    for (items, count, note) in [
        (vec![], 0, None),
        (vec![1], 0, None),
        (vec![], 3, Some("n".to_owned())),
        (vec![2, 3], 4, Some(String::new())),
    ] {
        let bytes = same(&Sparse {
            items,
            count,
            note,
            always: true,
        });
        assert!(DecodeOptions::new().strict(true).check(&bytes).is_ok());
        same(&Wrapped::Inner { count, other: 1 });
    }
}

#[test]
fn sets_and_deques_match_serde() {
    use std::collections::{BTreeSet, HashSet, VecDeque};
    // None sorts first: a hole at 1, every later item an entry.
    same(&BTreeSet::from([None, Some(1u8), Some(2)]));
    same(&HashSet::from([3u8, 1, 2]));
    let (some, none) = (Sneaky(Some(1)), Sneaky(None));
    same(&VecDeque::from([some, none, some]));
    same(&Box::<[u8]>::from([1, 2]));
}
