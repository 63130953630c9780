//! `native::from_slice` gives what serde's `from_slice` gives, for every
//! input: the derived `Decode` fast path takes the canonical documents the
//! encoders write, and everything else goes to serde.

mod common;

use common::{both, lenient, mutations, strict};
use luaxt_derive::{Decode, Encode};
use luaxt_format::{DecodeOptions, Limits, Table, Value, native};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Geo {
    lat: f64,
    lon: f64,
    city: String,
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Record {
    id: i64,
    name: String,
    score: f64,
    active: bool,
    tags: Vec<String>,
    bio: String,
    readings: Vec<f64>,
    counts: Vec<i64>,
    geo: Geo,
    nickname: Option<String>,
    small: u8,
    letter: char,
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
enum Shape {
    Empty,
    Circle(f64),
    Pair(i32, i32),
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

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Borrowing<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip)]
    hidden: u8,
    #[serde(default)]
    counted: u32,
    #[serde(default = "seven", skip_serializing)]
    seven: u8,
    shapes: Vec<Shape>,
    pair: (u8, Option<bool>),
    fixed: [u16; 3],
    by_name: std::collections::BTreeMap<String, Shape>,
    hashed: std::collections::HashMap<&'a str, i64>,
    tuple: Tuple,
    newtype: Newtype,
}

fn seven() -> u8 {
    7
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Tuple(u16, String);

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Newtype(Vec<u8>);

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Unit;

fn record(id: i64) -> Record {
    Record {
        id,
        name: format!("name {id}"),
        score: id as f64 / 3.0,
        active: id % 2 == 0,
        tags: (0..id % 3).map(|i| format!("t{i}")).collect(),
        bio: "é".repeat(40),
        readings: vec![0.5, -0.0, f64::INFINITY, f64::NAN],
        counts: vec![i64::MIN, 0, i64::MAX],
        geo: Geo {
            lat: 1.5,
            lon: -2.25,
            city: "Oslo".into(),
        },
        nickname: (id % 2 == 1).then(|| "n".into()),
        small: id as u8,
        letter: 'x',
    }
}

fn borrowing() -> Borrowing<'static> {
    Borrowing {
        kind: "k",
        hidden: 0,
        counted: 3,
        seven: 7,
        shapes: vec![
            Shape::Empty,
            Shape::Circle(1.0),
            Shape::Pair(1, 2),
            Shape::Rect {
                w: 1,
                h: 2,
                label: None,
            },
            Shape::Triangle { a: 3 },
        ],
        pair: (1, None),
        fixed: [7, 8, 9],
        by_name: [
            ("circle".to_owned(), Shape::Circle(2.0)),
            ("e".to_owned(), Shape::Empty),
        ]
        .into(),
        hashed: [("x", 1), ("yy", 2), ("zzz", -3)].into(),
        tuple: Tuple(9, "nine".into()),
        newtype: Newtype(vec![1, 2, 3]),
    }
}

#[test]
fn canonical_documents_read_back_alike() {
    for id in [0, 1, 2, 300, -5] {
        let value = record(id);
        let bytes = native::to_vec(&value).unwrap();
        // NaN != NaN: compare the encodings of what came back.
        let back: Record = both(&bytes, &strict()).unwrap();
        assert_eq!(native::to_vec(&back).unwrap(), bytes);
    }
    let bytes = native::to_vec(&borrowing()).unwrap();
    let back: Borrowing<'_> = both(&bytes, &strict()).unwrap();
    // `seven` is not written and reads as its default; `hidden` as 0.
    assert_eq!(back, borrowing());
    // A unit struct is nil: a document of its own (as a field it is left
    // out, and then missing for serde and the fast path alike).
    assert_eq!(
        both::<Unit>(&native::to_vec(&Unit).unwrap(), &strict()).unwrap(),
        Unit
    );
}

#[test]
fn every_mutation_of_a_document_reads_alike() {
    let bytes = native::to_vec(&borrowing()).unwrap();
    for changed in mutations(&bytes) {
        for options in [lenient(), strict()] {
            let _ = both::<Borrowing<'_>>(&changed, &options);
        }
    }
    let mut value = record(1);
    value.readings = vec![0.5];
    value.bio = "b".into();
    let bytes = native::to_vec(&value).unwrap();
    for changed in mutations(&bytes) {
        for options in [lenient(), strict()] {
            // NaN-free record: values compare with `==`.
            let _ = both::<Record>(&changed, &options);
        }
    }
}

#[test]
fn noncanonical_and_unexpected_tables_are_serde_s() {
    #[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
    struct Two {
        a: i64,
        bb: Option<i64>,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Other {
        a: i64,
        c: i64,
        bb: f64,
    }
    let key = |name: &str| luaxt_format::encode_key(&luaxt_format::Value::from(name)).unwrap();
    let int = |i: i64| luaxt_format::to_vec(&i).unwrap();
    // {bb = 2, a = 1}: keys out of order (lenient: read; strict: refused).
    let mut swapped = vec![0x06, 0, 0, 0, 0, 2, 0, 0, 0];
    for (k, v) in [("bb", 2), ("a", 1)] {
        swapped.extend(key(k));
        swapped.extend(int(v));
    }
    assert_eq!(
        both::<Two>(&swapped, &lenient()).unwrap(),
        Two { a: 1, bb: Some(2) }
    );
    assert!(both::<Two>(&swapped, &strict()).is_err());
    // An unknown key, a float where an integer goes, an integer in a float.
    let other = luaxt_format::to_vec(&Other {
        a: 1,
        c: 5,
        bb: 2.0,
    })
    .unwrap();
    assert_eq!(both::<Two>(&other, &lenient()).map(|t| t.a).ok(), None);
    let missing = luaxt_format::to_vec(&Unit).unwrap();
    assert!(both::<Two>(&missing, &lenient()).is_err());
    let only_a = native::to_vec(&Two { a: 4, bb: None }).unwrap();
    assert_eq!(
        both::<Two>(&only_a, &strict()).unwrap(),
        Two { a: 4, bb: None }
    );
    #[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
    struct Float {
        x: f64,
        y: f32,
    }
    #[derive(Serialize)]
    struct Ints {
        x: i64,
        y: i64,
    }
    let ints = luaxt_format::to_vec(&Ints { x: 3, y: -4 }).unwrap();
    assert_eq!(
        both::<Float>(&ints, &strict()).unwrap(),
        Float { x: 3.0, y: -4.0 }
    );
    // A sequence with a hole (nil inside: not the fast path's).
    let holes = native::to_vec(&vec![Some(1u8), None, Some(3)]).unwrap();
    assert_eq!(
        both::<Vec<Option<u8>>>(&holes, &lenient()).unwrap(),
        [Some(1), None, Some(3)]
    );
    // Limits are serde's: depth, size.
    let deep = native::to_vec(&vec![vec![vec![1u8]]]).unwrap();
    let shallow = DecodeOptions::new().limits(Limits::DEFAULT.with_max_depth(2));
    assert!(both::<Vec<Vec<Vec<u8>>>>(&deep, &shallow).is_err());
    let small = DecodeOptions::new().limits(Limits::DEFAULT.with_max_size(10));
    assert!(both::<Vec<Vec<Vec<u8>>>>(&deep, &small).is_err());
}

/// A type whose serde impl panics: whatever `native::from_slice` reads
/// without panicking, its fast path read.
#[derive(Encode, Decode, Debug, PartialEq)]
struct Canary {
    x: i32,
    words: Vec<String>,
    meta: Value,
    blob: serde_bytes::ByteBuf,
}

impl<'de> Deserialize<'de> for Canary {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        panic!("serde was asked");
    }
}

#[test]
fn the_fast_path_takes_canonical_documents_and_serde_the_rest() {
    let value = Canary {
        x: -3,
        words: vec!["a".into(), "bc".into()],
        meta: nested_value(),
        blob: serde_bytes::ByteBuf::from(vec![1, 2]),
    };
    let bytes = native::to_vec(&value).unwrap();
    assert_eq!(native::from_slice::<Canary>(&bytes).unwrap(), value);
    // One trailing byte: the fast path declines and serde is asked.
    let mut longer = bytes.clone();
    longer.push(0);
    let asked = std::panic::catch_unwind(|| native::from_slice::<Canary>(&longer));
    assert!(asked.is_err());
}

/// A value of every kind: tables with an array part, a hash part and
/// both, nested, with keys of every kind a key can be.
fn nested_value() -> Value {
    let mut inner = Table::from_array(vec![Value::Float(-0.0), Value::Bytes(vec![0, 255])]);
    inner.insert(Value::Bool(true), Value::Ref(7)).unwrap();
    inner.insert(Value::Float(0.5), "half".into()).unwrap();
    let mut outer = Table::new();
    outer.insert("inner".into(), Value::Table(inner)).unwrap();
    outer.insert(Value::Int(-1), Value::Int(i64::MIN)).unwrap();
    outer.insert(Value::Int(3), Value::Float(f64::NAN)).unwrap();
    outer
        .insert("empty".into(), Value::Table(Table::new()))
        .unwrap();
    Value::Table(outer)
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Carrier {
    id: u8,
    meta: Value,
    more: Option<Value>,
    list: Vec<Value>,
}

#[test]
fn value_fields_read_alike() {
    let carrier = Carrier {
        id: 1,
        meta: nested_value(),
        more: Some(Value::Str("x".into())),
        list: vec![Value::Int(2), nested_value(), Value::Bool(false)],
    };
    let bytes = native::to_vec(&carrier).unwrap();
    assert_eq!(both::<Carrier>(&bytes, &strict()).unwrap(), carrier);
    for changed in mutations(&bytes) {
        for options in [lenient(), strict()] {
            let _ = both::<Carrier>(&changed, &options);
        }
    }
    // A whole document, nil included.
    for value in [Value::Nil, Value::Int(4), nested_value()] {
        let bytes = native::to_vec(&value).unwrap();
        assert_eq!(both::<Value>(&bytes, &strict()).unwrap(), value);
    }
    // The depth left below the struct's own table is the value's limit.
    for depth in 0..5 {
        let shallow = DecodeOptions::new().limits(Limits::DEFAULT.with_max_depth(depth));
        let _ = both::<Carrier>(&bytes, &shallow);
        let _ = both::<Value>(&native::to_vec(&carrier.meta).unwrap(), &shallow);
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,6}", "[a-z]{0,30}"]
}

prop_compose! {
    fn any_record()(
        id in any::<i64>(),
        name in text(),
        score in any::<f64>().prop_filter("NaN != NaN", |f| !f.is_nan()),
        active in any::<bool>(),
        tags in prop::collection::vec(text(), 0..3),
        bio in text(),
        readings in prop::collection::vec(-1e9f64..1e9, 0..4),
        counts in prop::collection::vec(any::<i64>(), 0..3),
        city in text(),
        nickname in prop::option::of(text()),
        small in any::<u8>(),
        letter in any::<char>(),
    ) -> Record {
        Record { id, name, score, active, tags, bio, readings, counts,
            geo: Geo { lat: 0.5, lon: 1.5, city }, nickname, small, letter }
    }
}

proptest! {
    #[test]
    fn generated_records_and_their_mutations_read_alike(
        records in prop::collection::vec(any_record(), 0..3),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let bytes = native::to_vec(&records).unwrap();
        prop_assert_eq!(both::<Vec<Record>>(&bytes, &strict()).unwrap(), records);
        let mut changed = bytes.clone();
        let i = at.index(changed.len());
        changed[i] = byte;
        let _ = both::<Vec<Record>>(&changed, &lenient());
        let _ = both::<Vec<Record>>(&changed, &strict());
        let _ = both::<Vec<Record>>(&bytes[..i], &lenient());
    }
}

#[test]
fn a_float_the_fast_path_declines_is_not_read_past() {
    // {NaN with a payload, then an integer}, declared as one value: the
    // integer is the hash count's bytes, not a second float.
    let mut bytes = vec![0x06, 1, 0, 0, 0, 0x03];
    bytes.extend(f64::from_bits(0x7FF8_0000_0000_0001).to_le_bytes());
    bytes.extend([0x02, 5, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend([0, 0, 0, 0]);
    for options in [lenient(), strict()] {
        let _ = both::<Vec<f64>>(&bytes, &options);
        let _ = both::<Vec<f32>>(&bytes, &options);
    }
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct IntMaps {
    by_id: std::collections::BTreeMap<i64, String>,
    hashed: std::collections::HashMap<u8, bool>,
}

#[test]
fn integer_key_maps_read_alike() {
    use std::collections::BTreeMap;
    let maps = IntMaps {
        by_id: [-1, 0, 1, 2, 3, 5, 256].map(|k| (k, k.to_string())).into(),
        hashed: [(1, true), (2, false), (9, true)].into(),
    };
    let bytes = native::to_vec(&maps).unwrap();
    assert_eq!(both::<IntMaps>(&bytes, &strict()).unwrap(), maps);
    for changed in mutations(&bytes) {
        for options in [lenient(), strict()] {
            let _ = both::<IntMaps>(&changed, &options);
        }
    }
    // Hand-made tables: {[2] = 1} after an array part of one value (the
    // key that continues it), {[1] = 1} after one (a duplicate), hash
    // keys out of byte order, and a key a `u8` cannot hold.
    let int = |i: i64| [&[2u8][..], &i.to_le_bytes()].concat();
    let table = |array: &[i64], hash: &[(i64, i64)]| {
        let mut t = vec![6];
        t.extend((array.len() as u32).to_le_bytes());
        array.iter().for_each(|&v| t.extend(int(v)));
        t.extend((hash.len() as u32).to_le_bytes());
        hash.iter()
            .for_each(|&(k, v)| t.extend([int(k), int(v)].concat()));
        t
    };
    for doc in [
        table(&[7], &[(2, 1)]),
        table(&[7], &[(1, 1)]),
        table(&[], &[(5, 1), (256, 1)]),
        table(&[], &[(256, 1), (5, 1)]),
        table(&[], &[(300, 1)]),
        table(&[7, 8], &[(-1, 1), (0, 2)]),
    ] {
        for options in [lenient(), strict()] {
            let _ = both::<BTreeMap<u8, i64>>(&doc, &options);
            let _ = both::<std::collections::HashMap<i64, i64>>(&doc, &options);
        }
    }
}

proptest! {
    #[test]
    fn generated_integer_maps_read_alike(
        map in prop::collection::btree_map(-3i16..12, any::<i8>(), 0..12),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let bytes = native::to_vec(&map).unwrap();
        prop_assert_eq!(both::<std::collections::BTreeMap<i16, i8>>(&bytes, &strict()).unwrap(), map);
        let mut changed = bytes.clone();
        let i = at.index(changed.len());
        changed[i] = byte;
        let _ = both::<std::collections::BTreeMap<i16, i8>>(&changed, &lenient());
        let _ = both::<std::collections::BTreeMap<i16, i8>>(&changed, &strict());
    }
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Blobs<'a> {
    owned: serde_bytes::ByteBuf,
    #[serde(borrow)]
    borrowed: &'a serde_bytes::Bytes,
    fixed: serde_bytes::ByteArray<3>,
    maybe: Option<serde_bytes::ByteBuf>,
}

#[test]
fn serde_bytes_buffers_read_alike() {
    use serde_bytes::{ByteArray, ByteBuf, Bytes};
    let blobs = Blobs {
        owned: ByteBuf::from(vec![0, 255, 7]),
        borrowed: Bytes::new(b"xy"),
        fixed: ByteArray::new([1, 2, 3]),
        maybe: Some(ByteBuf::from(vec![])),
    };
    let bytes = native::to_vec(&blobs).unwrap();
    assert_eq!(both::<Blobs<'_>>(&bytes, &strict()).unwrap(), blobs);
    for changed in mutations(&bytes) {
        for options in [lenient(), strict()] {
            let _ = both::<Blobs<'_>>(&changed, &options);
        }
    }
    // A string where bytes are expected, and bytes of another length for
    // the array: serde's answers.
    let text = luaxt_format::to_vec(&"ab").unwrap();
    let _ = both::<ByteBuf>(&text, &strict());
    let four = native::to_vec(&ByteBuf::from(vec![1, 2, 3, 4])).unwrap();
    let _ = both::<ByteArray<3>>(&four, &strict());
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Sparse {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    items: Vec<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    always: bool,
}

#[test]
fn fields_skipped_when_written_read_back_as_their_default() {
    for sparse in [
        Sparse {
            items: vec![],
            note: None,
            always: true,
        },
        Sparse {
            items: vec![1, 2],
            note: Some("n".into()),
            always: false,
        },
    ] {
        let bytes = native::to_vec(&sparse).unwrap();
        assert_eq!(both::<Sparse>(&bytes, &strict()).unwrap(), sparse);
        let fast = <Sparse as luaxt_format::Decode>::decode(&mut native::Reader::new(&bytes));
        assert_eq!(fast, Some(sparse));
    }
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Collections {
    deque: std::collections::VecDeque<i16>,
    sorted: std::collections::BTreeSet<String>,
    hashed: std::collections::HashSet<u8>,
    boxed: Box<[Option<bool>]>,
}

#[test]
fn sets_deques_and_boxed_slices_read_alike() {
    let value = Collections {
        deque: [3, -1, 2].into(),
        sorted: ["b".to_owned(), "a".to_owned()].into(),
        hashed: [9, 1, 5].into(),
        boxed: vec![Some(true), Some(false)].into_boxed_slice(),
    };
    common::round_trip(&value);
    let bytes = native::to_vec(&value).unwrap();
    for changed in mutations(&bytes) {
        for options in [lenient(), strict()] {
            let _ = both::<Collections>(&changed, &options);
        }
    }
    // A hole: the fast path declines, and serde reads it.
    let holed = Collections {
        boxed: vec![Some(true), None, Some(false)].into_boxed_slice(),
        ..value
    };
    let bytes = native::to_vec(&holed).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(&holed).unwrap());
    assert_eq!(both::<Collections>(&bytes, &strict()).unwrap(), holed);
    // A set keeps one of equal items, as serde's does.
    let twice = native::to_vec(&vec![1u8, 1, 2]).unwrap();
    let set = both::<std::collections::BTreeSet<u8>>(&twice, &strict()).unwrap();
    assert_eq!(set, [1, 2].into());
}
