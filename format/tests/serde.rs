//! The serde mapping (§10): `to_vec` / `from_slice` against the spec's
//! rules, the decoder, and round trips.
#![cfg(feature = "serde")]

use std::collections::BTreeMap;

use luaxt_format::{
    DecodeOptions, ErrorKind, Limits, Table, TableId, Value, decode, encode, from_slice,
    from_slice_with, to_vec, to_vec_with,
};
use proptest::prelude::*;
use serde::de::IgnoredAny;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

fn table(entries: Vec<(Value, Value)>) -> Value {
    Value::Table(Table::from_entries(entries).unwrap())
}

fn array(values: Vec<Value>) -> Value {
    Value::Table(Table::from_array(values))
}

fn s(text: &str) -> Value {
    Value::from(text)
}

/// `to_vec(x)` is the encoding of `expected`.
#[track_caller]
fn encodes_as<T: Serialize + ?Sized>(x: &T, expected: Value) {
    assert_eq!(to_vec(x).unwrap(), encode(&expected).unwrap());
}

#[track_caller]
fn ser_err<T: Serialize + ?Sized>(x: &T) -> ErrorKind {
    to_vec(x).unwrap_err().kind()
}

/// A map given as a list of entries, keys of any type, in this order.
struct Entries<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

// ---------------------------------------------------------------- scalars

#[test]
fn scalars_map_to_their_tags() {
    encodes_as(&true, Value::Bool(true));
    encodes_as(&-5i8, Value::Int(-5));
    encodes_as(&300i16, Value::Int(300));
    encodes_as(&-70000i32, Value::Int(-70000));
    encodes_as(&i64::MIN, Value::Int(i64::MIN));
    encodes_as(&255u8, Value::Int(255));
    encodes_as(&65535u16, Value::Int(65535));
    encodes_as(&u32::MAX, Value::Int(u32::MAX.into()));
    encodes_as(&(i64::MAX as u64), Value::Int(i64::MAX));
    encodes_as(&-3i128, Value::Int(-3));
    encodes_as(&7u128, Value::Int(7));
    encodes_as(&1.5f32, Value::Float(1.5));
    encodes_as(&0.1f64, Value::Float(0.1));
    encodes_as(&-0.0f64, Value::Float(-0.0));
    encodes_as(&'é', s("é"));
    encodes_as("hi", s("hi"));
    encodes_as(&String::from("hi"), s("hi"));
    encodes_as(
        serde_bytes::Bytes::new(b"\xff\x00"),
        Value::Bytes(vec![0xff, 0]),
    );
    // Integral floats stay floats as values (only keys are normalised).
    encodes_as(&2.0f64, Value::Float(2.0));
    // The one canonical NaN (§4.3).
    let nan = f64::from_bits(0x7FF0_0000_0000_0001);
    assert_eq!(to_vec(&nan).unwrap(), [3, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F]);
}

#[test]
fn integers_outside_i64_overflow() {
    assert_eq!(ser_err(&(i64::MAX as u64 + 1)), ErrorKind::IntegerOverflow);
    assert_eq!(ser_err(&u64::MAX), ErrorKind::IntegerOverflow);
    assert_eq!(
        ser_err(&(i128::from(i64::MIN) - 1)),
        ErrorKind::IntegerOverflow
    );
    assert_eq!(ser_err(&u128::MAX), ErrorKind::IntegerOverflow);
    assert_eq!(ser_err(&vec![1u64, u64::MAX]), ErrorKind::IntegerOverflow);
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Unit;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Meters(f64);

#[test]
fn nil_like_values_and_newtypes() {
    assert_eq!(to_vec(&()).unwrap(), [0]);
    assert_eq!(to_vec(&Unit).unwrap(), [0]);
    assert_eq!(to_vec(&None::<i32>).unwrap(), [0]);
    encodes_as(&Some(5), Value::Int(5));
    encodes_as(&Meters(2.5), Value::Float(2.5));
    assert_eq!(
        from_slice::<Meters>(&to_vec(&Meters(2.5)).unwrap()).unwrap(),
        Meters(2.5)
    );
    from_slice::<()>(&[0]).unwrap();
    assert_eq!(from_slice::<Unit>(&[0]).unwrap(), Unit);
    assert_eq!(from_slice::<Option<i32>>(&[0]).unwrap(), None);
    assert_eq!(
        from_slice::<Option<i32>>(&to_vec(&7).unwrap()).unwrap(),
        Some(7)
    );
}

// ---------------------------------------------------------------- structs

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Person {
    name: String,
    id: i64,
    active: bool,
    nickname: Option<String>,
    scores: Vec<f64>,
}

#[test]
fn struct_fields_come_out_in_canonical_order_not_declaration_order() {
    let p = Person {
        name: "Ada".into(),
        id: 1,
        active: true,
        nickname: None,
        scores: vec![1.5, 2.5],
    };
    let bytes = to_vec(&p).unwrap();
    let expected = table(vec![
        (s("name"), s("Ada")),
        (s("id"), Value::Int(1)),
        (s("active"), Value::Bool(true)),
        (
            s("scores"),
            array(vec![Value::Float(1.5), Value::Float(2.5)]),
        ),
    ]);
    assert_eq!(bytes, encode(&expected).unwrap());
    assert!(luaxt_format::is_canonical(&bytes).unwrap());
    // "id" (length 2) is the first key: `06 | n=0 | m=4 | 04 02 00 00 00 'i' 'd'`.
    assert_eq!(&bytes[9..16], &[4, 2, 0, 0, 0, b'i', b'd']);
    assert_eq!(from_slice::<Person>(&bytes).unwrap(), p);
    // A present Option field is written.
    let q = Person {
        nickname: Some("A".into()),
        ..p
    };
    let back: Person = from_slice(&to_vec(&q).unwrap()).unwrap();
    assert_eq!(back, q);
}

#[test]
fn structs_deserialize_from_any_key_order() {
    // Keys written out of canonical order (noncanonical, accepted leniently).
    let mut bytes = vec![6, 0, 0, 0, 0, 2, 0, 0, 0];
    bytes.extend([4, 4, 0, 0, 0]);
    bytes.extend(b"name");
    bytes.extend([4, 1, 0, 0, 0, b'x']);
    bytes.extend([4, 1, 0, 0, 0, b'x']);
    bytes.extend([2, 9, 0, 0, 0, 0, 0, 0, 0]);
    #[derive(Deserialize, Debug, PartialEq)]
    struct P<'a> {
        x: i32,
        name: &'a str,
    }
    assert_eq!(from_slice::<P<'_>>(&bytes).unwrap(), P { x: 9, name: "x" });
    let strict = DecodeOptions::new().strict(true);
    let err = from_slice_with::<P<'_>>(&bytes, &strict).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::Noncanonical, Some(24))
    );
    assert!(decode(&bytes).is_ok());
}

// ---------------------------------------------------------------- sequences

#[test]
fn sequences_use_the_array_part_and_none_makes_holes() {
    encodes_as(&vec![1, 2, 3], array(vec![1.into(), 2.into(), 3.into()]));
    encodes_as(
        &(1, "a", true),
        array(vec![1.into(), s("a"), Value::Bool(true)]),
    );
    encodes_as(&Vec::<i32>::new(), Value::Table(Table::new()));
    let holes = vec![Some(1), None, Some(3), Some(4), None];
    let expected = array(vec![1.into(), Value::Nil, 3.into(), 4.into(), Value::Nil]);
    encodes_as(&holes, expected.clone());
    // {1, [3] = 3, [4] = 4}: the array part stops at the hole.
    let t = expected.as_table().unwrap();
    assert_eq!(t.array().len(), 1);
    assert_eq!(t.hash().len(), 2);
    assert_eq!(
        from_slice::<Vec<Option<i32>>>(&to_vec(&holes).unwrap()).unwrap(),
        holes[..4]
    );
}

#[test]
fn long_sequences_with_holes_sort_their_integer_keys_bytewise() {
    // After the hole, keys 2..=600 go to the hash part; in byte order 256
    // (00 01 ..) sorts before 255 (FF 00 ..), so the writer must reorder.
    let mut values: Vec<Option<u32>> = (0..600).map(Some).collect();
    values[1] = None;
    values[400] = None;
    let expected = array(values.iter().map(|v| Value::from(*v)).collect());
    let bytes = to_vec(&values).unwrap();
    assert_eq!(bytes, encode(&expected).unwrap());
    assert!(luaxt_format::is_canonical(&bytes).unwrap());
    let mut back: Vec<Option<u32>> = from_slice(&bytes).unwrap();
    // Trailing holes are not representable: the table ends at its last key.
    back.resize(values.len(), None);
    assert_eq!(back, values);
}

#[test]
fn all_none_sequence_is_the_empty_table() {
    assert_eq!(
        to_vec(&vec![None::<i32>; 3]).unwrap(),
        encode(&array(vec![])).unwrap()
    );
}

#[test]
fn holes_in_sequences_are_bounded_by_the_input() {
    // { [2^40] = 1 } read as a sequence would need 2^40 - 1 nils.
    let huge = table(vec![(Value::Int(1 << 40), 1.into())]);
    let bytes = encode(&huge).unwrap();
    let err = from_slice::<Vec<Option<i32>>>(&bytes).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::LengthOverflow, Some(9))
    );
    // A small gap is fine.
    let small = table(vec![(Value::Int(3), 1.into())]);
    let v: Vec<Option<i32>> = from_slice(&encode(&small).unwrap()).unwrap();
    assert_eq!(v, [None, None, Some(1)]);
    // Non-integer keys are not a sequence.
    let named = table(vec![(s("a"), 1.into())]);
    let err = from_slice::<Vec<i32>>(&encode(&named).unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Custom);
}

#[test]
fn tuples_check_their_length() {
    let bytes = to_vec(&(1, 2, 3)).unwrap();
    assert_eq!(from_slice::<(i32, i32, i32)>(&bytes).unwrap(), (1, 2, 3));
    assert_eq!(
        from_slice::<(i32, i32)>(&bytes).unwrap_err().kind(),
        ErrorKind::Custom
    );
    assert_eq!(
        from_slice::<(i32, i32, i32, i32)>(&bytes)
            .unwrap_err()
            .kind(),
        ErrorKind::Custom
    );
    // Trailing `None`s of a tuple are not written; reading pads them back.
    let bytes = to_vec(&(1, None::<i32>, Some(3), None::<i32>)).unwrap();
    assert_eq!(
        bytes,
        encode(&array(vec![1.into(), Value::Nil, 3.into()])).unwrap()
    );
    assert_eq!(
        from_slice::<(i32, Option<i32>, Option<i32>, Option<i32>)>(&bytes).unwrap(),
        (1, None, Some(3), None)
    );
}

// ---------------------------------------------------------------- maps

#[test]
fn maps_follow_the_key_rules() {
    let mut m = BTreeMap::new();
    m.insert(2i64, "b");
    m.insert(1, "a");
    m.insert(10, "j");
    m.insert(-1, "m");
    // 1 and 2 form the array part.
    let expected = table(vec![
        (1.into(), s("a")),
        (2.into(), s("b")),
        (10.into(), s("j")),
        (Value::Int(-1), s("m")),
    ]);
    encodes_as(&m, expected.clone());
    assert_eq!(expected.as_table().unwrap().array().len(), 2);
    assert_eq!(
        from_slice::<BTreeMap<i64, String>>(&to_vec(&m).unwrap())
            .unwrap()
            .len(),
        4
    );
    // Float keys are normalised: 2.0 is the integer 2.
    let floats = Entries(vec![(2.0f64, "two"), (1.5, "x"), (1.0, "one")]);
    let expected = table(vec![
        (1.into(), s("one")),
        (2.into(), s("two")),
        (Value::Float(1.5), s("x")),
    ]);
    encodes_as(&floats, expected);
    // Strings, bools, bytes and references are keys; "1" is not 1.
    let mixed = Entries(vec![
        (Value::from("1"), 1),
        (Value::Int(1), 2),
        (Value::Bool(false), 3),
        (Value::Bytes(b"k".to_vec()), 4),
        (Value::Ref(3), 5),
    ]);
    let expected = table(vec![
        (s("1"), 1.into()),
        (1.into(), 2.into()),
        (Value::Bool(false), 3.into()),
        (Value::Bytes(b"k".to_vec()), 4.into()),
        (Value::Ref(3), 5.into()),
    ]);
    encodes_as(&mixed, expected);
}

#[test]
fn map_keys_that_cannot_be_keys_are_refused() {
    assert_eq!(
        ser_err(&Entries(vec![(f64::NAN, 1)])),
        ErrorKind::InvalidKey
    );
    assert_eq!(ser_err(&Entries(vec![((), 1)])), ErrorKind::InvalidKey);
    assert_eq!(
        ser_err(&Entries(vec![(None::<i32>, 1)])),
        ErrorKind::InvalidKey
    );
    assert_eq!(ser_err(&Entries(vec![(vec![1], 1)])), ErrorKind::InvalidKey);
    assert_eq!(ser_err(&Entries(vec![(Unit, 1)])), ErrorKind::InvalidKey);
    assert_eq!(
        ser_err(&Entries(vec![(Shape::Circle(1.0), 1)])),
        ErrorKind::InvalidKey
    );
    assert_eq!(
        ser_err(&Entries(vec![(Value::Nil, 1)])),
        ErrorKind::InvalidKey
    );
    // Some(k) is the key k.
    encodes_as(
        &Entries(vec![(Some("k"), 1)]),
        table(vec![(s("k"), 1.into())]),
    );
    // A unit variant is a string key.
    encodes_as(
        &Entries(vec![(Shape::Empty, 1)]),
        table(vec![(s("Empty"), 1.into())]),
    );
}

#[test]
fn duplicate_keys_after_normalisation_are_refused() {
    assert_eq!(
        ser_err(&Entries(vec![(2.0f64, 1), (2.0, 2)])),
        ErrorKind::DuplicateKey
    );
    let mixed = Entries(vec![(Value::Float(2.0), 1), (Value::Int(2), 2)]);
    assert_eq!(ser_err(&mixed), ErrorKind::DuplicateKey);
    // Out of order too (found by the rebuild's sort).
    let unordered = Entries(vec![("bb", 1), ("a", 2), ("bb", 3)]);
    assert_eq!(ser_err(&unordered), ErrorKind::DuplicateKey);
    // A duplicate whose value is nil is still a duplicate.
    let with_nil = Entries(vec![("a", Some(1)), ("a", None)]);
    assert_eq!(ser_err(&with_nil), ErrorKind::DuplicateKey);
}

#[test]
fn nil_map_values_are_omitted() {
    let m = Entries(vec![("b", None), ("a", Some(1)), ("c", None)]);
    encodes_as(&m, table(vec![(s("a"), 1.into())]));
    let m = Entries(vec![("a", ())]);
    encodes_as(&m, table(vec![]));
    let mut by_int = BTreeMap::new();
    by_int.insert(1, Some("x"));
    by_int.insert(2, None);
    by_int.insert(3, Some("z"));
    encodes_as(&by_int, table(vec![(1.into(), s("x")), (3.into(), s("z"))]));
}

// ---------------------------------------------------------------- enums

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Shape {
    Empty,
    Circle(f64),
    Rect(f64, f64),
    Named { label: String, sides: u8 },
}

#[test]
fn enums_are_externally_tagged() {
    encodes_as(&Shape::Empty, s("Empty"));
    encodes_as(
        &Shape::Circle(1.5),
        table(vec![(s("Circle"), Value::Float(1.5))]),
    );
    encodes_as(
        &Shape::Rect(1.0, 2.0),
        table(vec![(
            s("Rect"),
            array(vec![Value::Float(1.0), Value::Float(2.0)]),
        )]),
    );
    encodes_as(
        &Shape::Named {
            label: "tri".into(),
            sides: 3,
        },
        table(vec![(
            s("Named"),
            table(vec![(s("label"), s("tri")), (s("sides"), 3.into())]),
        )]),
    );
    for shape in [
        Shape::Empty,
        Shape::Circle(1.5),
        Shape::Rect(1.0, 2.0),
        Shape::Named {
            label: "tri".into(),
            sides: 3,
        },
    ] {
        assert_eq!(
            from_slice::<Shape>(&to_vec(&shape).unwrap()).unwrap(),
            shape
        );
    }
    // A table with two entries is not an enum.
    let two = table(vec![(s("Circle"), 1.into()), (s("Rect"), 2.into())]);
    let err = from_slice::<Shape>(&encode(&two).unwrap()).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::Custom, Some(0)));
    let err = from_slice::<Shape>(&encode(&s("Square")).unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Custom);
}

// ---------------------------------------------------------------- references

#[test]
fn table_ids_are_references() {
    assert_eq!(to_vec(&TableId(7)).unwrap(), [7, 7, 0, 0, 0]);
    assert_eq!(to_vec(&TableId(0)).unwrap(), [7, 0, 0, 0, 0]);
    encodes_as(
        &vec![TableId(1), TableId(u32::MAX)],
        array(vec![Value::Ref(1), Value::Ref(u32::MAX)]),
    );
    encodes_as(
        &Entries(vec![(TableId(4), "x")]),
        table(vec![(Value::Ref(4), s("x"))]),
    );
    assert_eq!(from_slice::<TableId>(&[7, 9, 0, 0, 0]).unwrap(), TableId(9));
    assert_eq!(
        from_slice::<Value>(&[7, 9, 0, 0, 0]).unwrap(),
        Value::Ref(9)
    );
    let keyed: BTreeMap<TableId, i32> =
        from_slice(&to_vec(&Entries(vec![(TableId(4), 1)])).unwrap()).unwrap();
    assert_eq!(keyed.get(&TableId(4)), Some(&1));
    // Other types get a type error, not a number.
    let err = from_slice::<u32>(&[7, 9, 0, 0, 0]).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::Custom, Some(0)));
    assert!(err.to_string().contains("newtype struct"), "{err}");
    let err = from_slice::<TableId>(&to_vec(&9).unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Custom);
}

// ---------------------------------------------------------------- borrowing

#[derive(Deserialize, Debug, PartialEq)]
struct Borrowed<'a> {
    name: &'a str,
    #[serde(with = "serde_bytes")]
    raw: &'a [u8],
    tags: Vec<&'a str>,
}

#[test]
fn strings_and_bytes_borrow_from_the_input() {
    let input = table(vec![
        (s("name"), s("borrowed")),
        (s("raw"), Value::Bytes(vec![1, 2, 3])),
        (s("tags"), array(vec![s("x"), s("y")])),
    ]);
    let bytes = encode(&input).unwrap();
    let b: Borrowed<'_> = from_slice(&bytes).unwrap();
    assert_eq!(b.name, "borrowed");
    assert_eq!(b.raw, [1, 2, 3]);
    assert_eq!(b.tags, ["x", "y"]);
    let range = bytes.as_ptr_range();
    assert!(range.contains(&b.name.as_ptr()));
    assert!(range.contains(&b.raw.as_ptr()));
    assert!(range.contains(&b.tags[1].as_ptr()));
}

// ---------------------------------------------------------------- any

#[test]
fn deserialize_any_follows_the_table_shapes() {
    let seq = array(vec![1.into(), s("a")]);
    let json: serde_json::Value = from_slice(&encode(&seq).unwrap()).unwrap();
    assert_eq!(json, serde_json::json!([1, "a"]));
    let map = table(vec![(s("a"), Value::Float(0.5)), (s("b"), Value::Nil)]);
    let json: serde_json::Value = from_slice(&encode(&map).unwrap()).unwrap();
    assert_eq!(json, serde_json::json!({"a": 0.5}));
    // Array part plus hash part: a map whose first keys are 1..n.
    let both = table(vec![(1.into(), s("x")), (s("k"), s("y"))]);
    let any: BTreeMap<Key, String> = from_slice(&encode(&both).unwrap()).unwrap();
    assert_eq!(any.get(&Key::Int(1)).map(String::as_str), Some("x"));
    assert_eq!(
        any.get(&Key::Str("k".into())).map(String::as_str),
        Some("y")
    );
}

#[derive(Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(untagged)]
enum Key {
    Int(i64),
    Str(String),
}

// ---------------------------------------------------------------- errors

#[track_caller]
fn de_err(bytes: &[u8]) -> (ErrorKind, Option<usize>) {
    let err = from_slice::<Value>(bytes).unwrap_err();
    let expected = decode(bytes).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (expected.kind(), expected.offset()),
        "from_slice::<Value> and decode disagree on {bytes:02x?}"
    );
    let ignored = from_slice::<IgnoredAny>(bytes).unwrap_err();
    assert_eq!(
        (ignored.kind(), ignored.offset()),
        (err.kind(), err.offset())
    );
    (err.kind(), err.offset())
}

#[test]
fn format_errors_keep_their_class_and_offset() {
    use ErrorKind::*;
    assert_eq!(de_err(&[]), (Truncated, Some(0)));
    assert_eq!(de_err(&[2, 1, 2]), (Truncated, Some(1)));
    assert_eq!(de_err(&[0x08]), (UnknownTag, Some(0)));
    assert_eq!(
        de_err(&[6, 1, 0, 0, 0, 0xFF, 0, 0, 0, 0]),
        (UnknownTag, Some(5))
    );
    assert_eq!(de_err(&[1, 2]), (InvalidBool, Some(1)));
    assert_eq!(
        de_err(&[4, 3, 0, 0, 0, b'a', 0xC3, 0x28]),
        (InvalidUtf8, Some(6))
    );
    // Long text (past the short-text checks): the offset of the first bad
    // byte, for `Value` and for a typed `String` and key.
    for bad_at in [0, 31, 32, 63, 64, 70, 99] {
        let mut text = vec![b'a'; 100];
        text[bad_at] = 0xFF;
        let mut bytes = vec![4, 100, 0, 0, 0];
        bytes.extend(&text);
        assert_eq!(de_err(&bytes), (InvalidUtf8, Some(5 + bad_at)));
        let err = from_slice::<String>(&bytes).unwrap_err();
        assert_eq!((err.kind(), err.offset()), (InvalidUtf8, Some(5 + bad_at)));
        let mut table = vec![6, 0, 0, 0, 0, 1, 0, 0, 0];
        table.extend(&bytes);
        table.push(1);
        table.push(1);
        let err = from_slice::<BTreeMap<String, bool>>(&table).unwrap_err();
        assert_eq!((err.kind(), err.offset()), (InvalidUtf8, Some(14 + bad_at)));
    }
    assert_eq!(de_err(&[4, 9, 0, 0, 0, b'a']), (LengthOverflow, Some(1)));
    assert_eq!(
        de_err(&[5, 0xFF, 0xFF, 0xFF, 0xFF]),
        (LengthOverflow, Some(1))
    );
    assert_eq!(
        de_err(&[6, 0, 0, 0, 0, 5, 0, 0, 0, 0]),
        (LengthOverflow, Some(5))
    );
    assert_eq!(de_err(&[0, 0]), (TrailingBytes, Some(1)));
    // Keys: nil, table, NaN.
    assert_eq!(
        de_err(&[6, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1]),
        (InvalidKey, Some(9))
    );
    let nan_key = [
        6, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F, 1, 1,
    ];
    assert_eq!(de_err(&nan_key), (InvalidKey, Some(9)));
    // Duplicates: in order, out of order, and against the array part.
    let dup = encode_raw_table(&[], &[(&s("a"), &1.into()), (&s("a"), &2.into())]);
    assert_eq!(de_err(&dup), (DuplicateKey, Some(24)));
    let dup = encode_raw_table(
        &[],
        &[
            (&s("b"), &1.into()),
            (&s("a"), &1.into()),
            (&s("b"), &2.into()),
        ],
    );
    assert_eq!(de_err(&dup).0, DuplicateKey);
    let dup = encode_raw_table(&[&s("x")], &[(&1.into(), &2.into())]);
    assert_eq!(de_err(&dup), (DuplicateKey, Some(15)));
    // Non-normalised float key 1.0 duplicating 1.
    let dup = encode_raw_table(
        &[],
        &[(&1.into(), &1.into()), (&Value::Float(1.0), &2.into())],
    );
    assert_eq!(de_err(&dup).0, DuplicateKey);
}

#[test]
fn duplicate_struct_fields_are_duplicate_keys() {
    let dup = encode_raw_table(&[], &[(&s("id"), &1.into()), (&s("id"), &2.into())]);
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Id {
        id: i64,
    }
    let err = from_slice::<Id>(&dup).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::DuplicateKey, Some(25))
    );
    let unordered = encode_raw_table(
        &[],
        &[
            (&s("id"), &1.into()),
            (&s("a"), &1.into()),
            (&s("id"), &2.into()),
        ],
    );
    assert_eq!(
        from_slice::<Id>(&unordered).unwrap_err().kind(),
        ErrorKind::DuplicateKey
    );
}

#[test]
fn key_order_is_checked_at_every_key_length() {
    // Keys around the 8-byte boundary of the typed decoder's order check,
    // equal lengths, a non-ASCII key and the empty key, in canonical order.
    let mut keys: Vec<Value> = ["", "a", "b", "ab", "ba", "é", "abcdefg", "abcdefgh"]
        .into_iter()
        .chain([
            "abcdefgi",
            "bcdefghi",
            "abcdefghi",
            "abcdefghj",
            "bbcdefghi",
        ])
        .map(s)
        .collect();
    keys.sort_by_key(|k| encode(k).unwrap());
    let values: Vec<Value> = (0..keys.len() as i64).map(Value::Int).collect();
    let entries = |order: &[usize]| {
        let pairs: Vec<(&Value, &Value)> = order.iter().map(|&i| (&keys[i], &values[i])).collect();
        encode_raw_table(&[], &pairs)
    };
    // Where entry `n` starts: after the table header and the entries before
    // it (each value an integer, 9 bytes).
    let entry_at = |order: &[usize], n: usize| {
        9 + order[..n]
            .iter()
            .map(|&k| encode(&keys[k]).unwrap().len() + 9)
            .sum::<usize>()
    };
    let expected: BTreeMap<String, i64> = keys
        .iter()
        .zip(0..)
        .map(|(k, i)| (k.as_str().unwrap().to_owned(), i))
        .collect();
    let strict = DecodeOptions::new().strict(true);
    let canonical: Vec<usize> = (0..keys.len()).collect();
    let bytes = entries(&canonical);
    assert_eq!(
        from_slice_with::<BTreeMap<String, i64>>(&bytes, &strict).unwrap(),
        expected
    );
    for i in 0..keys.len() - 1 {
        // Two neighbours swapped: lenient reads the same map, strict refuses
        // at the key that came too early.
        let mut order = canonical.clone();
        order.swap(i, i + 1);
        let bytes = entries(&order);
        assert_eq!(
            from_slice::<BTreeMap<String, i64>>(&bytes).unwrap(),
            expected
        );
        let err = from_slice_with::<BTreeMap<String, i64>>(&bytes, &strict).unwrap_err();
        let at = entry_at(&order, i + 1);
        assert_eq!(
            (err.kind(), err.offset()),
            (ErrorKind::Noncanonical, Some(at))
        );
        // A key written twice in a row is a duplicate.
        let mut order = canonical.clone();
        order[i + 1] = order[i];
        let err = from_slice::<BTreeMap<String, i64>>(&entries(&order)).unwrap_err();
        let at = entry_at(&order, i + 1);
        assert_eq!(
            (err.kind(), err.offset()),
            (ErrorKind::DuplicateKey, Some(at))
        );
    }
}

#[test]
fn depth_is_limited() {
    let mut v = Value::Int(1);
    for _ in 0..130 {
        v = array(vec![v]);
    }
    // The encoder refuses it too; write it by hand.
    let mut bytes = Vec::new();
    for _ in 0..130 {
        bytes.extend([6, 1, 0, 0, 0]);
    }
    bytes.extend([2, 1, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend(std::iter::repeat_n([0u8; 4], 130).flatten());
    assert_eq!(de_err(&bytes), (ErrorKind::DepthExceeded, Some(128 * 5)));
    assert_eq!(ser_err(&v), ErrorKind::DepthExceeded);
    let shallow = DecodeOptions::new().limits(Limits::default().with_max_depth(1));
    let err =
        from_slice_with::<Vec<Vec<i32>>>(&to_vec(&vec![vec![1]]).unwrap(), &shallow).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::DepthExceeded, Some(5))
    );
}

#[test]
fn size_limit_applies_to_the_document() {
    let tiny = DecodeOptions::new().limits(Limits::default().with_max_size(4));
    let err = from_slice_with::<i64>(&to_vec(&1i64).unwrap(), &tiny).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::LengthOverflow, Some(0))
    );
}

/// The serializer refuses what a decoder with the same limits would: a
/// document longer than max_size, even when every count and length in it
/// is small. Dropped `None` fields do not count.
#[test]
fn the_serializer_refuses_documents_longer_than_max_size() {
    #[derive(Serialize)]
    struct Job {
        items: Vec<i64>,
        note: Option<String>,
        owner: Option<String>,
    }
    let job = Job {
        items: (0..20).collect(),
        note: None,
        owner: None,
    };
    let bytes = to_vec(&job).unwrap();
    // {items = {0, …, 19}}: table head, "items", the array, the hash count.
    assert_eq!(bytes.len(), 9 + 10 + (5 + 20 * 9 + 4));
    for max_size in [30, 100, 207, 208, 209, 1000] {
        let limits = Limits::default().with_max_size(max_size);
        let encoded = to_vec_with(&job, &limits);
        let decoded = DecodeOptions::new().limits(limits).decode(&bytes);
        assert_eq!(encoded.is_ok(), decoded.is_ok(), "max_size {max_size}");
        match encoded {
            Ok(out) => assert_eq!(out, bytes),
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::LengthOverflow);
                assert_eq!(err.kind(), decoded.unwrap_err().kind());
                assert_eq!(
                    err.to_string(),
                    format!(
                        "length overflow: the document is longer than max_size, {max_size} bytes"
                    )
                );
            }
        }
    }
    // The default limits and to_vec agree.
    assert_eq!(to_vec_with(&job, &Limits::default()).unwrap(), bytes);
}

#[test]
fn type_mismatches_are_custom_errors_at_the_value() {
    let bytes = to_vec(&(1, "x")).unwrap();
    let err = from_slice::<(i32, i32)>(&bytes).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::Custom, Some(14)));
    let err = from_slice::<u8>(&to_vec(&300).unwrap()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Custom);
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Needs {
        a: i32,
    }
    let err = from_slice::<Needs>(&encode(&table(vec![])).unwrap()).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (ErrorKind::Custom, Some(0)));
    assert_eq!(err.to_string(), "missing field `a` at offset 0");
    // serde's message is the whole message, with no "error:" before it.
    let err = from_slice::<Needs>(&[0x00]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: unit value, expected struct Needs at offset 0"
    );
    struct Fails;
    impl Fails {
        fn fail<S: serde::Serializer>(_: &Self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no thanks"))
        }
    }
    #[derive(Serialize)]
    struct Wrap {
        #[serde(serialize_with = "Fails::fail")]
        x: Fails,
    }
    let err = to_vec(&Wrap { x: Fails }).unwrap_err();
    assert_eq!(
        (err.kind(), err.to_string()),
        (ErrorKind::Custom, "no thanks".into())
    );
}

#[test]
fn strict_mode_rejects_noncanonical_input() {
    // Array element nil: lenient reads a hole, strict refuses.
    let bytes = [6, 2, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let v: Vec<Option<i64>> = from_slice(&bytes).unwrap();
    assert_eq!(v, [None, Some(1)]);
    assert_eq!(
        from_slice::<Value>(&bytes).unwrap(),
        decode(&bytes).unwrap()
    );
    let strict = DecodeOptions::new().strict(true);
    let err = from_slice_with::<Vec<Option<i64>>>(&bytes, &strict).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::Noncanonical, Some(5))
    );
    // Non-canonical NaN.
    let nan = [3, 1, 0, 0, 0, 0, 0, 0xF8, 0x7F];
    assert!(from_slice::<f64>(&nan).unwrap().is_nan());
    assert_eq!(
        from_slice_with::<f64>(&nan, &strict).unwrap_err().kind(),
        ErrorKind::Noncanonical
    );
}

/// Writes a table with these parts as given (no sorting, no checks).
fn encode_raw_table(array: &[&Value], hash: &[(&Value, &Value)]) -> Vec<u8> {
    let mut out = vec![6];
    out.extend((array.len() as u32).to_le_bytes());
    for v in array {
        out.extend(encode(*v).unwrap());
    }
    out.extend((hash.len() as u32).to_le_bytes());
    for (k, v) in hash {
        out.extend(encode(*k).unwrap());
        out.extend(encode(*v).unwrap());
    }
    out
}

// ---------------------------------------------------------------- Value

#[test]
fn value_serde_matches_encode_and_decode() {
    let samples = vec![
        Value::Nil,
        Value::Bool(false),
        Value::Int(-9),
        Value::Float(f64::NAN),
        s("x"),
        Value::Bytes(vec![]),
        Value::Ref(3),
        array(vec![1.into(), Value::Nil, 3.into()]),
        table(vec![
            (1.into(), s("a")),
            (2.into(), s("b")),
            (s("k"), array(vec![])),
            (Value::Float(0.5), Value::Ref(1)),
            (Value::Bool(true), Value::Bytes(vec![1])),
            (Value::Int(-7), table(vec![(s("deep"), Value::Float(-0.0))])),
        ]),
    ];
    for v in samples {
        let bytes = encode(&v).unwrap();
        assert_eq!(to_vec(&v).unwrap(), bytes, "{v:?}");
        assert_eq!(to_vec(&v.as_value_ref()).unwrap(), bytes);
        assert_eq!(from_slice::<Value>(&bytes).unwrap(), v);
    }
}

fn arb_key() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-3i64..300).prop_map(Value::Int),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        "[a-c]{0,3}".prop_map(Value::from),
        proptest::collection::vec(any::<u8>(), 0..3).prop_map(Value::Bytes),
        any::<u32>().prop_map(Value::Ref),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        ".{0,6}".prop_map(Value::from),
        proptest::collection::vec(any::<u8>(), 0..6).prop_map(Value::Bytes),
        any::<u32>().prop_map(Value::Ref),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(array),
            proptest::collection::vec((arb_key(), inner), 0..8).prop_map(|entries| {
                let mut t = Table::new();
                for (k, v) in entries {
                    let _ = t.insert(k, v);
                }
                Value::Table(t)
            }),
        ]
    })
}

proptest! {
    #[test]
    fn prop_value_round_trips_like_encode(v in arb_value()) {
        let bytes = encode(&v).unwrap();
        prop_assert_eq!(&to_vec(&v).unwrap(), &bytes);
        prop_assert_eq!(from_slice::<Value>(&bytes).unwrap(), v);
    }

    /// Mutated documents: `from_slice::<Value>` accepts exactly what
    /// `decode` accepts, with the same value or the same error class.
    #[test]
    fn prop_mutations_agree_with_decode(
        v in arb_value(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = encode(&v).unwrap();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        match (decode(&bytes), from_slice::<Value>(&bytes)) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind(), "{:02x?}", bytes),
            (a, b) => prop_assert!(false, "decode {:?} vs from_slice {:?} on {:02x?}", a, b, bytes),
        }
    }
}

// ---------------------------------------------------------------- typed round trips

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Event {
    Ping,
    Move { dx: i32, dy: Option<i32> },
    Say(String),
    Pair(u8, Option<bool>),
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Inner {
    weight: f64,
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
    event: Event,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Outer {
    id: u32,
    label: Option<String>,
    inners: Vec<Inner>,
    by_name: BTreeMap<String, Inner>,
    by_int: BTreeMap<i64, Option<i16>>,
    flags: (bool, char),
    maybe: Option<Box<Inner>>,
}

fn arb_event() -> impl Strategy<Value = Event> {
    prop_oneof![
        Just(Event::Ping),
        (any::<i32>(), any::<Option<i32>>()).prop_map(|(dx, dy)| Event::Move { dx, dy }),
        ".{0,5}".prop_map(Event::Say),
        (any::<u8>(), any::<Option<bool>>()).prop_map(|(a, b)| Event::Pair(a, b)),
    ]
}

fn arb_inner() -> impl Strategy<Value = Inner> {
    (
        any::<f64>().prop_filter("NaN != NaN", |f| !f.is_nan()),
        proptest::collection::vec(any::<u8>(), 0..8),
        arb_event(),
    )
        .prop_map(|(weight, blob, event)| Inner {
            weight,
            blob,
            event,
        })
}

fn arb_outer() -> impl Strategy<Value = Outer> {
    (
        any::<u32>(),
        proptest::option::of("[a-z]{0,4}"),
        proptest::collection::vec(arb_inner(), 0..4),
        proptest::collection::btree_map("[a-z]{0,4}", arb_inner(), 0..4),
        proptest::collection::btree_map(-3i64..600, any::<Option<i16>>(), 0..12),
        (any::<bool>(), any::<char>()),
        proptest::option::of(arb_inner().prop_map(Box::new)),
    )
        .prop_map(|(id, label, inners, by_name, by_int, flags, maybe)| Outer {
            id,
            label,
            inners,
            by_name,
            by_int,
            flags,
            maybe,
        })
}

proptest! {
    #[test]
    fn prop_typed_round_trip(x in arb_outer()) {
        let bytes = to_vec(&x).unwrap();
        // Canonical, and the same bytes as the Value it decodes to.
        prop_assert!(luaxt_format::is_canonical(&bytes).unwrap());
        let value = decode(&bytes).unwrap();
        prop_assert_eq!(&encode(&value).unwrap(), &bytes);
        let mut back: Outer = from_slice(&bytes).unwrap();
        // None map values are omitted (§10): compare without them.
        let mut expected = x.clone();
        expected.by_int.retain(|_, v| v.is_some());
        back.by_int.retain(|_, v| v.is_some());
        prop_assert_eq!(back, expected);
    }

    #[test]
    fn prop_vec_of_options_round_trips(v in proptest::collection::vec(any::<Option<i8>>(), 0..300)) {
        let bytes = to_vec(&v).unwrap();
        prop_assert!(luaxt_format::is_canonical(&bytes).unwrap());
        let mut back: Vec<Option<i8>> = from_slice(&bytes).unwrap();
        back.resize(v.len(), None);
        prop_assert_eq!(back, v);
    }
}

/// The serializer learns a struct type's field order from its first value
/// and places later values' fields by it (`struct_order.rs`): every value
/// must come out as it does alone, where nothing was learned yet.
mod learned_field_orders {
    use super::*;

    #[derive(Serialize, Debug, Clone)]
    struct Person {
        name: String,
        id: i64,
        nickname: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        active: bool,
    }

    mod other {
        use serde::Serialize;
        /// Another struct type of the same name, with other fields.
        #[derive(Serialize, Debug, Clone)]
        pub struct Person {
            pub zz: i64,
            pub a: i64,
        }
    }

    #[derive(Serialize, Debug, Clone)]
    enum Event {
        Moved { to: i64, by: String },
        Named { name: String, id: i64 },
    }

    /// `to_vec` of all of `values` in one table, element by element, is
    /// what each gives alone.
    #[track_caller]
    fn each_as_alone<T: Serialize>(values: &[T]) {
        let together = decode(&to_vec(values).unwrap()).unwrap();
        let together = together.as_table().unwrap();
        assert_eq!(together.array().len(), values.len());
        for (i, v) in values.iter().enumerate() {
            let alone = decode(&to_vec(v).unwrap()).unwrap();
            assert_eq!(together.array()[i], alone, "element {i}");
        }
        assert!(luaxt_format::is_canonical(&to_vec(values).unwrap()).unwrap());
    }

    fn person(i: i64) -> Person {
        Person {
            name: format!("p{i}"),
            id: i,
            nickname: (i % 3 == 0).then(|| format!("n{i}")),
            email: (i % 2 == 0).then(|| format!("e{i}@x")),
            active: i % 5 == 0,
        }
    }

    #[test]
    fn nil_fields_and_skipped_fields_keep_every_value_canonical() {
        // The first value has no skipped field, the second skips one in the
        // middle (the known sequence breaks there), later ones vary.
        let people: Vec<Person> = [0, 1, 2, 3, 4, 5, 6].into_iter().map(person).collect();
        each_as_alone(&people);
        // Learned from a value that skipped the field: a later value that
        // has it leaves the known sequence.
        let people: Vec<Person> = [1, 0, 3, 2].into_iter().map(person).collect();
        each_as_alone(&people);
    }

    #[test]
    fn struct_types_and_variants_that_share_a_name_are_not_confused() {
        let mixed = (
            person(0),
            other::Person { zz: 1, a: 2 },
            person(2),
            other::Person { zz: 3, a: 4 },
        );
        let together = decode(&to_vec(&mixed).unwrap()).unwrap();
        let t = together.as_table().unwrap();
        assert_eq!(t.array()[0], decode(&to_vec(&mixed.0).unwrap()).unwrap());
        assert_eq!(t.array()[1], decode(&to_vec(&mixed.1).unwrap()).unwrap());
        assert_eq!(t.array()[2], decode(&to_vec(&mixed.2).unwrap()).unwrap());
        assert_eq!(t.array()[3], decode(&to_vec(&mixed.3).unwrap()).unwrap());
        let events = [
            Event::Named {
                name: "a".into(),
                id: 1,
            },
            Event::Moved {
                to: 2,
                by: "b".into(),
            },
            Event::Named {
                name: "c".into(),
                id: 3,
            },
            Event::Moved {
                to: 4,
                by: "d".into(),
            },
        ];
        each_as_alone(&events);
    }

    #[test]
    fn equal_field_names_are_refused_every_time() {
        #[derive(Serialize)]
        struct Twice {
            a: i64,
            #[serde(rename = "a")]
            b: i64,
        }
        let twice = [Twice { a: 1, b: 2 }, Twice { a: 3, b: 4 }];
        assert_eq!(ser_err(&twice), ErrorKind::DuplicateKey);
        assert_eq!(ser_err(&twice[1]), ErrorKind::DuplicateKey);
    }

    /// Its first field sorts last, and holds structs that are reordered
    /// too: tables rearranged inside a table being rearranged.
    #[derive(Serialize, Debug, Clone)]
    struct Team {
        zzz_members: Vec<Person>,
        lead: Option<Person>,
        id: i64,
    }

    #[test]
    fn structs_out_of_declaration_order_nest() {
        let teams: Vec<Team> = (0..6)
            .map(|i| Team {
                zzz_members: (i..i + i % 3).map(person).collect(),
                lead: (i % 2 == 1).then(|| person(i)),
                id: i,
            })
            .collect();
        each_as_alone(&teams);
        each_as_alone(&[teams.clone(), teams]);
    }

    /// A struct of 70 fields named `f000`, `f001`, … declared from the last
    /// to the first: every field moves.
    struct Wide(Vec<i64>);

    fn wide_names() -> &'static [&'static str] {
        static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        NAMES.get_or_init(|| {
            (0..70)
                .rev()
                .map(|i| &*Box::leak(format!("f{i:03}").into_boxed_str()))
                .collect()
        })
    }

    impl Serialize for Wide {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut s = serializer.serialize_struct("Wide", self.0.len())?;
            for (name, value) in wide_names().iter().zip(&self.0) {
                // Every third value nil: a known field that writes nothing.
                s.serialize_field(name, &(value % 3 != 0).then_some(*value))?;
            }
            s.end()
        }
    }

    #[test]
    fn a_wide_struct_declared_in_reverse_order() {
        let wides: Vec<Wide> = (0..4).map(|k| Wide((k..k + 70).collect())).collect();
        each_as_alone(&wides);
        let bytes = to_vec(&wides[1]).unwrap();
        let value = decode(&bytes).unwrap();
        let keys: Vec<String> = value
            .as_table()
            .unwrap()
            .hash()
            .iter()
            .map(|(k, _)| k.as_str().unwrap().to_owned())
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(keys.len(), 70 - 70 / 3);
    }

    /// Fails when `fail` is set, after writing part of itself.
    struct Failing {
        fail: bool,
    }

    impl Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{Error, SerializeSeq};
            let mut seq = serializer.serialize_seq(None)?;
            seq.serialize_element("partly written")?;
            if self.fail {
                return Err(S::Error::custom("refused"));
            }
            seq.end()
        }
    }

    #[derive(Serialize)]
    struct Holder {
        zzz_last: Failing,
        a: i64,
    }

    #[test]
    fn an_error_inside_a_known_struct_leaves_the_output_as_it_was() {
        let values = [
            Holder {
                zzz_last: Failing { fail: false },
                a: 1,
            },
            Holder {
                zzz_last: Failing { fail: true },
                a: 2,
            },
        ];
        let mut out = b"kept".to_vec();
        let err = luaxt_format::to_vec_into(&values, &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Custom);
        assert_eq!(out, b"kept");
        // The same serializer state is not reused, but a fresh call works.
        luaxt_format::to_vec_into(&values[..1], &mut out).unwrap();
        assert_eq!(
            decode(&out[4..]).unwrap(),
            decode(&to_vec(&values[..1]).unwrap()).unwrap()
        );
    }

    /// Panics half-way through itself, as a `RefCell` already borrowed
    /// would.
    struct Panicking;

    impl Serialize for Panicking {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = serializer.serialize_seq(None)?;
            seq.serialize_element("partly written")?;
            panic!("a Serialize impl panicked");
        }
    }

    #[derive(Serialize)]
    struct PanicHolder {
        zzz_last: Option<Panicking>,
        a: i64,
    }

    #[test]
    fn a_panic_inside_a_known_struct_leaves_the_output_as_it_was() {
        let values = [
            PanicHolder {
                zzz_last: None,
                a: 1,
            },
            PanicHolder {
                zzz_last: Some(Panicking),
                a: 2,
            },
        ];
        let mut out = b"kept".to_vec();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            luaxt_format::to_vec_into(&values, &mut out)
        }));
        assert!(caught.is_err());
        assert_eq!(out, b"kept");
    }

    /// Goes on after an element failed, against serde's contract: the
    /// serializer must neither panic nor hand out what it wrote.
    struct GoesOn;

    impl Serialize for GoesOn {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let mut seq = serializer.serialize_seq(None)?;
            for fail in [false, true, false] {
                let _ = seq.serialize_element(&Holder {
                    zzz_last: Failing { fail },
                    a: 1,
                });
            }
            seq.end()
        }
    }

    /// A struct whose impl ignores a field's error and ends the struct
    /// anyway, its fields out of canonical order (so a known order moves
    /// them at the end, past the failed field's partial bytes).
    struct IgnoresFieldError {
        fail: bool,
    }

    impl Serialize for IgnoresFieldError {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut s = serializer.serialize_struct("IgnoresFieldError", 3)?;
            s.serialize_field("zzz", &1)?;
            let _ = s.serialize_field("middle", &Failing { fail: self.fail });
            s.serialize_field("a", &2)?;
            s.end()
        }
    }

    #[test]
    fn a_struct_that_ends_after_a_failed_field_fails_the_document() {
        // The first value teaches the order; the second fails inside it.
        let values = [
            IgnoresFieldError { fail: false },
            IgnoresFieldError { fail: true },
            IgnoresFieldError { fail: false },
        ];
        let mut out = b"kept".to_vec();
        let err = luaxt_format::to_vec_into(&values, &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Custom);
        assert_eq!(out, b"kept");
        let good = [
            IgnoresFieldError { fail: false },
            IgnoresFieldError { fail: false },
        ];
        each_as_alone(&good);
    }

    #[test]
    fn a_serialize_impl_that_goes_on_after_an_error_fails_the_document() {
        let mut out = b"kept".to_vec();
        let err = luaxt_format::to_vec_into(&GoesOn, &mut out).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Custom);
        assert_eq!(out, b"kept");
        assert_eq!(ser_err(&[GoesOn, GoesOn]), ErrorKind::Custom);
        // The encoder is not left in a state that breaks the next call.
        each_as_alone(&[Holder {
            zzz_last: Failing { fail: false },
            a: 1,
        }]);
    }

    proptest! {
        #[test]
        fn any_mix_of_present_and_absent_fields(picks in proptest::collection::vec(0i64..30, 1..40)) {
            let people: Vec<Person> = picks.into_iter().map(person).collect();
            each_as_alone(&people);
        }
    }
}
