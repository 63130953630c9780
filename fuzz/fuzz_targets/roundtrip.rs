//! Arbitrary `Value`s (the crate's `Arbitrary`) through the writers and back.
//!
//! - encode → decode gives an equal value; the encoding is canonical
//!   (strict accepts it) and every writer produces the same bytes.
//! - Key normalisation is idempotent: encode_key(decode(encode_key(k)))
//!   == encode_key(k), and a table finds an entry under any spelling of
//!   its key (2 and 2.0, 0 and -0.0).
#![no_main]

use libfuzzer_sys::fuzz_target;
use luaxt_format::{
    Table, Value, ValueRef, decode, decode_strict, encode, encode_key, encode_to_slice,
    encoded_len, is_canonical,
};

fuzz_target!(|input: (Value, Vec<Value>)| {
    let (value, keys) = input;
    let bytes = encode(&value).expect("an arbitrary value encodes");

    assert_eq!(decode(&bytes).unwrap(), value);
    assert_eq!(decode_strict(&bytes).unwrap(), value);
    assert_eq!(ValueRef::decode_strict(&bytes).unwrap().to_owned(), value);
    assert!(is_canonical(&bytes).unwrap());
    assert_eq!(encode(&value.as_value_ref()).unwrap(), bytes);
    assert_eq!(encoded_len(&value).unwrap(), bytes.len());
    let mut buf = vec![0u8; bytes.len()];
    assert_eq!(encode_to_slice(&value, &mut buf), Ok(bytes.len()));
    assert_eq!(buf, bytes);

    // Keys, each also in its other spellings (integral floats, -0.0).
    let spellings = keys.into_iter().flat_map(|k| {
        let other = match k {
            Value::Int(i) => Some(Value::Float(i as f64)),
            Value::Float(f) if f == 0.0 => Some(Value::Float(-f)),
            _ => None,
        };
        [Some(k), other].into_iter().flatten()
    });
    for key in spellings {
        let Ok(encoded) = encode_key(&key) else {
            let invalid = matches!(&key, Value::Nil | Value::Table(_))
                || matches!(key, Value::Float(f) if f.is_nan());
            assert!(invalid, "valid key {key:?} refused");
            continue;
        };
        let normal = decode_strict(&encoded).expect("an encoded key is canonical");
        assert_eq!(
            encode_key(&normal).unwrap(),
            encoded,
            "{key:?} → {normal:?}"
        );
        assert_eq!(encode(&normal).unwrap(), encoded);
        if let Value::Float(f) = normal {
            assert!(
                f as i64 as f64 != f || f >= 9_223_372_036_854_775_808.0,
                "{f} not normalised"
            );
        }
        let mut table = Table::new();
        table.insert(key.clone(), Value::Bool(true)).unwrap();
        assert_eq!(table.get(&normal), Some(&Value::Bool(true)));
        assert_eq!(table.get(&key), Some(&Value::Bool(true)));
    }
});
