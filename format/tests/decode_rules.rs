//! One test per decoding rule of the spec (§2–§6): classes and offsets.

use luaxt_format::{
    Canonicity, DecodeOptions, ErrorKind, Limits, Table, Value, ValueRef, decode, decode_strict,
    encode,
};

fn hex(s: &str) -> Vec<u8> {
    let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(digits).expect("test hex")
}

/// Asserts that lenient and strict decoding both fail with `kind` at `offset`.
#[track_caller]
fn rejects(input: &str, kind: ErrorKind, offset: usize) {
    let bytes = hex(input);
    for strict in [false, true] {
        let err = DecodeOptions::new()
            .strict(strict)
            .decode(&bytes)
            .expect_err("must be rejected");
        assert_eq!(
            (err.kind(), err.offset()),
            (kind, Some(offset)),
            "input {input} strict={strict}: {err}"
        );
        let err = DecodeOptions::new().strict(strict).decode_ref(&bytes);
        assert_eq!(err.map_err(|e| e.kind()).err(), Some(kind));
    }
}

/// Asserts that `input` is accepted leniently as `value`, refused by strict
/// mode as noncanonical at `offset`, and canonicalises to `canonical`.
#[track_caller]
fn noncanonical(input: &str, offset: usize, canonical: &str) {
    let bytes = hex(input);
    let value = decode(&bytes).expect("lenient accepts");
    let err = decode_strict(&bytes).expect_err("strict refuses");
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::Noncanonical, Some(offset))
    );
    assert_eq!(
        DecodeOptions::new().check(&bytes),
        Ok(Canonicity::Noncanonical { offset })
    );
    assert_eq!(encode(&value).expect("encodes"), hex(canonical));
    assert_eq!(decode_strict(&hex(canonical)), Ok(value));
}

#[track_caller]
fn valid(input: &str, value: Value) {
    let bytes = hex(input);
    assert_eq!(decode(&bytes), Ok(value.clone()));
    assert_eq!(decode_strict(&bytes), Ok(value.clone()));
    assert_eq!(encode(&value).expect("encodes"), bytes);
}

#[test]
fn scalars_decode_and_encode_exactly() {
    valid("00", Value::Nil);
    valid("01 00", Value::Bool(false));
    valid("01 01", Value::Bool(true));
    valid("02 00 00 00 00 00 00 00 80", Value::Int(i64::MIN));
    valid("02 ff ff ff ff ff ff ff 7f", Value::Int(i64::MAX));
    valid("03 00 00 00 00 00 00 f8 3f", Value::Float(1.5));
    valid("03 00 00 00 00 00 00 00 80", Value::Float(-0.0));
    valid("03 00 00 00 00 00 00 f0 7f", Value::Float(f64::INFINITY));
    valid(
        "03 01 00 00 00 00 00 00 00",
        Value::Float(f64::from_bits(1)),
    );
    valid("03 00 00 00 00 00 00 f8 7f", Value::Float(f64::NAN));
    valid("04 00 00 00 00", Value::from(""));
    valid("04 04 00 00 00 f4 8f bf bf", Value::from("\u{10FFFF}"));
    valid("05 00 00 00 00", Value::Bytes(vec![]));
    valid("05 02 00 00 00 68 69", Value::Bytes(b"hi".to_vec()));
    valid("07 00 00 00 00", Value::Ref(0));
    valid("07 ff ff ff ff", Value::Ref(u32::MAX));
}

#[test]
fn zero_and_negative_zero_are_different_values() {
    assert_ne!(Value::Float(0.0), Value::Float(-0.0));
    assert_eq!(Value::Float(f64::NAN), Value::Float(-f64::NAN));
}

#[test]
fn tables_decode_in_canonical_form() {
    valid("06 00 00 00 00 00 00 00 00", Value::Table(Table::new()));
    let two = Table::from_array(vec![Value::Int(10), Value::Int(20)]);
    valid(
        "06 02 00 00 00 02 0a 00 00 00 00 00 00 00 02 14 00 00 00 00 00 00 00 00 00 00 00",
        Value::Table(two),
    );
    // { "id" = true, "bio" = false }: "id" sorts first (length 2 < 3).
    let mut t = Table::new();
    t.insert("bio".into(), false.into()).unwrap();
    t.insert("id".into(), true.into()).unwrap();
    valid(
        "06 00000000 02000000 04 02000000 6964 0101 04 03000000 62696f 0100",
        Value::Table(t),
    );
}

#[test]
fn every_truncation_point_is_reported_at_the_incomplete_field() {
    rejects("", ErrorKind::Truncated, 0);
    rejects("01", ErrorKind::Truncated, 1);
    rejects("02 01 00", ErrorKind::Truncated, 1);
    rejects("03 00 00 00 00 00 00 f8", ErrorKind::Truncated, 1);
    rejects("04 02 00", ErrorKind::Truncated, 1);
    rejects("07 01 00 00", ErrorKind::Truncated, 1);
    rejects("06 00 00 00 00", ErrorKind::Truncated, 5);
    rejects("06 01 00 00", ErrorKind::Truncated, 1);
    // A hash pair whose value is missing: the tag expected at the end.
    rejects("06 00000000 01000000 0101", ErrorKind::Truncated, 11);
    // Every strict prefix of a valid document fails: a fixed-size field
    // cut short is truncated, a count or length promising more bytes than
    // are left is length_overflow (§5). Never a panic.
    let doc = hex("06 01000000 04 02000000 6869 01000000 02 0100000000000000 0501000000ff");
    for end in 0..doc.len() {
        let err = decode(&doc[..end]).expect_err("prefix");
        assert!(
            matches!(err.kind(), ErrorKind::Truncated | ErrorKind::LengthOverflow),
            "prefix {end}: {err}"
        );
    }
}

#[test]
fn unknown_tags_are_refused_with_the_byte() {
    rejects("08", ErrorKind::UnknownTag, 0);
    rejects("ff", ErrorKind::UnknownTag, 0);
    rejects("06 01000000 09 00000000", ErrorKind::UnknownTag, 5);
    assert_eq!(
        decode(&[0x09]).unwrap_err().to_string(),
        "unknown tag 0x09 at offset 0"
    );
}

#[test]
fn booleans_are_zero_or_one() {
    rejects("01 02", ErrorKind::InvalidBool, 1);
    rejects("01 ff", ErrorKind::InvalidBool, 1);
}

#[test]
fn strings_must_be_utf8_and_the_offset_points_at_the_bad_sequence() {
    rejects("04 02000000 c0 af", ErrorKind::InvalidUtf8, 5); // overlong '/'
    rejects("04 03000000 ed a0 80", ErrorKind::InvalidUtf8, 5); // surrogate
    rejects("04 04000000 f4 90 80 80", ErrorKind::InvalidUtf8, 5); // U+110000
    rejects("04 03000000 61 e2 82", ErrorKind::InvalidUtf8, 6); // truncated sequence
    // Not at the end of the document: the offset still counts from its start.
    rejects(
        "06 02000000 04 02000000 61ff 02 0700000000000000 00000000",
        ErrorKind::InvalidUtf8,
        11,
    );
    // Bytes may hold anything.
    valid("05 02000000 c0af", Value::Bytes(vec![0xc0, 0xaf]));
}

#[test]
fn declared_lengths_are_checked_before_allocating() {
    // A 4 GiB string declared in five bytes.
    rejects("04 00 00 00 f0", ErrorKind::LengthOverflow, 1);
    rejects("05 05000000 0102", ErrorKind::LengthOverflow, 1);
    // n values need n bytes, m pairs 2m bytes.
    rejects("06 ffffffff 00", ErrorKind::LengthOverflow, 1);
    rejects(
        "06 00000000 03000000 0101 0101",
        ErrorKind::LengthOverflow,
        5,
    );
    // Limits bound declared lengths and the input itself.
    let small = DecodeOptions::new().limits(Limits::default().with_max_size(7));
    let err = small.decode(&hex("04 03000000 616263")).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::LengthOverflow, Some(0))
    );
    let small = DecodeOptions::new().limits(Limits::unbounded_size(128).with_max_size(2));
    let err = small.decode(&hex("04 03000000 616263")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LengthOverflow);
}

#[test]
fn nesting_is_bounded_without_using_the_stack() {
    let header = hex("06 01000000");
    let mut deep = header.repeat(100_000);
    deep.push(0x00);
    let err = decode(&deep).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (ErrorKind::DepthExceeded, Some(128 * 5))
    );

    // Exactly at the limit is fine: 128 tables, innermost empty.
    let mut at_limit = header.repeat(127);
    at_limit.extend(hex("06 00000000 00000000"));
    at_limit.extend(hex("00000000").repeat(127));
    let value = decode(&at_limit).expect("128 nested tables");
    assert_eq!(encode(&value).unwrap(), at_limit);

    let one = DecodeOptions::new().limits(Limits::default().with_max_depth(1));
    assert!(one.decode(&hex("06 00000000 00000000")).is_ok());
    let err = one.decode(&hex("06 01000000 06 00000000 00000000 00000000"));
    assert_eq!(err.unwrap_err().offset(), Some(5));
}

#[test]
fn keys_are_checked() {
    rejects("06 00000000 01000000 00 0101", ErrorKind::InvalidKey, 9); // nil
    rejects(
        "06 00000000 01000000 03 000000000000f87f 0101",
        ErrorKind::InvalidKey,
        9,
    ); // NaN
    rejects(
        "06 00000000 01000000 06 00000000 00000000 0101",
        ErrorKind::InvalidKey,
        9,
    ); // table
}

#[test]
fn duplicate_keys_are_refused_at_the_later_occurrence() {
    // Two "a" keys.
    rejects(
        "06 00000000 02000000 04 01000000 61 0101 04 01000000 61 0100",
        ErrorKind::DuplicateKey,
        17,
    );
    // Array key 1 repeated in the hash part.
    rejects(
        "06 01000000 0101 01000000 02 0100000000000000 0100",
        ErrorKind::DuplicateKey,
        11,
    );
    // 3 and 3.0 are the same key after normalisation (unsorted input).
    rejects(
        "06 00000000 02000000 03 0000000000000840 0101 02 0300000000000000 0100",
        ErrorKind::DuplicateKey,
        20,
    );
    // A hard error later in the same table wins over the duplicate.
    rejects(
        "06 00000000 03000000 04 01000000 61 0101 04 01000000 61 0100 08",
        ErrorKind::UnknownTag,
        25,
    );
}

#[test]
fn trailing_bytes_are_refused() {
    rejects("00 00", ErrorKind::TrailingBytes, 1);
    rejects("02 0000000000000000 ff", ErrorKind::TrailingBytes, 9);
}

#[test]
fn noncanonical_inputs_decode_leniently_and_fail_strictly() {
    // §4.3 a NaN other than the canonical one.
    noncanonical(
        "03 01 00 00 00 00 00 f0 7f",
        0,
        "03 00 00 00 00 00 00 f8 7f",
    );
    // §4.1 key 1 in the hash part of an empty array part.
    noncanonical(
        "06 00000000 01000000 02 0100000000000000 0101",
        9,
        "06 01000000 0101 00000000",
    );
    // §4.2 hash keys out of order ("b" before "a").
    noncanonical(
        "06 00000000 02000000 04 01000000 62 0101 04 01000000 61 0100",
        17,
        "06 00000000 02000000 04 01000000 61 0100 04 01000000 62 0101",
    );
    // §4.4 a nil in the array part: key 2 is absent, 3 keeps its key.
    noncanonical(
        "06 03000000 0101 00 0100 00000000",
        7,
        "06 01000000 0101 01000000 02 0300000000000000 0100",
    );
    // §4.4 a nil hash value: the entry is dropped.
    noncanonical(
        "06 00000000 01000000 04 01000000 61 00",
        15,
        "06 00000000 00000000",
    );
    // §4.5 a float key with an integral value (2.0 → 2).
    noncanonical(
        "06 00000000 01000000 03 0000000000000040 0101",
        9,
        "06 00000000 01000000 02 0200000000000000 0101",
    );
    // -0.0 as a key is 0.
    noncanonical(
        "06 00000000 01000000 03 0000000000000080 0101",
        9,
        "06 00000000 01000000 02 0000000000000000 0101",
    );
}

#[test]
fn hard_errors_win_over_noncanonical_items() {
    // A noncanonical NaN followed by trailing bytes: trailing_bytes in both modes.
    rejects("03 01 00 00 00 00 00 f0 7f ff", ErrorKind::TrailingBytes, 9);
}

#[test]
fn value_ref_borrows_the_input() {
    let bytes = hex("06 00000000 01000000 04 01000000 6b 05 02000000 0102");
    let value = ValueRef::decode(&bytes).unwrap();
    let table = value.as_table().unwrap();
    let (key, bytes_value) = &table.hash()[0];
    let key_str = key.as_str().unwrap();
    assert!(bytes.as_ptr_range().contains(&key_str.as_ptr()));
    assert_eq!(bytes_value, &ValueRef::Bytes(&[1, 2]));
    assert_eq!(value.to_owned(), decode(&bytes).unwrap());
}
