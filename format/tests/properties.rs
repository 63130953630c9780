//! Property tests: round trips, canonical form, strict mode, and the table
//! API against a simple model.

use std::collections::BTreeMap;

use luaxt_format::{
    Table, TableKey, Value, ValueRef, canonicalize, decode, decode_strict, encode, encode_key,
};
use proptest::prelude::*;

fn key_strategy() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        (-3i64..40).prop_map(Value::Int),
        any::<i64>().prop_map(Value::Int),
        any::<f64>()
            .prop_filter("keys are not NaN", |f| !f.is_nan())
            .prop_map(Value::Float),
        (0u8..8).prop_map(|i| Value::Float(f64::from(i))),
        "[a-c]{0,3}".prop_map(Value::from),
        prop::collection::vec(any::<u8>(), 0..4).prop_map(Value::Bytes),
        (0u32..4).prop_map(Value::Ref),
    ]
}

fn scalar_strategy() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<f64>().prop_map(Value::Float),
        ".{0,12}".prop_map(Value::from),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
        any::<u32>().prop_map(Value::Ref),
    ]
}

fn value_strategy() -> impl Strategy<Value = Value> {
    scalar_strategy().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8)
                .prop_map(|v| Value::Table(Table::from_array(v))),
            prop::collection::vec((key_strategy(), inner), 0..8).prop_map(|entries| {
                let mut t = Table::new();
                for (k, v) in entries {
                    t.insert(k, v).expect("strategy keys are valid");
                }
                Value::Table(t)
            }),
        ]
    })
}

/// Writes a valid but possibly noncanonical encoding of `value`, choosing
/// freely where the format allows a choice (§4).
fn loose_encode(value: &Value, choices: &mut impl Iterator<Item = u8>, out: &mut Vec<u8>) {
    let mut pick = || choices.next().unwrap_or(0);
    match value {
        Value::Float(f) if f.is_nan() && pick() % 2 == 1 => {
            out.push(3);
            out.extend((0x7FF0_0000_0000_0001u64 | u64::from(pick())).to_le_bytes());
        }
        Value::Table(t) => {
            // Move a suffix of the array part into the hash part.
            let keep = t.array().len() - usize::from(pick()) % (t.array().len() + 1);
            let mut hash: Vec<(Value, &Value)> = (1i64..)
                .zip(t.array())
                .skip(keep)
                .map(|(i, v)| (Value::Int(i), v))
                .chain(t.hash().iter().map(|(k, v)| (k.clone(), v)))
                .collect();
            // A nil after the whole array part (key n + 1 is absent), and
            // after it the value of key n + 2 from the hash part, if any
            // (§4.4: a hole moves later values to the hash part).
            let hole = keep == t.array().len() && pick() % 4 == 0;
            let mut after_hole = None;
            if hole && pick() % 2 == 0 {
                let next = Value::Int(keep as i64 + 2);
                if let Some(at) = hash.iter().position(|(k, _)| *k == next) {
                    after_hole = Some(hash.remove(at).1);
                }
            }
            // An entry with a nil value, which decoding drops (§4.4); its
            // key is longer than any key of `key_strategy`.
            let nil_key = Value::Bytes(vec![0xEE; 9]);
            if pick() % 4 == 0 {
                hash.push((nil_key, &Value::Nil));
            }
            // Rotate the hash part.
            if !hash.is_empty() {
                let by = usize::from(pick()) % hash.len();
                hash.rotate_left(by);
            }
            let written = keep + usize::from(hole) + usize::from(after_hole.is_some());
            out.push(6);
            out.extend((written as u32).to_le_bytes());
            for item in &t.array()[..keep] {
                loose_encode(item, choices, out);
            }
            if hole {
                out.push(0);
            }
            if let Some(item) = after_hole {
                loose_encode(item, choices, out);
            }
            out.extend((hash.len() as u32).to_le_bytes());
            for (key, item) in hash {
                match key {
                    // Integral keys may be written as floats (§4.5).
                    Value::Int(i)
                        if i.unsigned_abs() < 1 << 52 && choices.next().unwrap_or(0) % 3 == 0 =>
                    {
                        out.push(3);
                        out.extend((i as f64).to_bits().to_le_bytes());
                    }
                    _ => out.extend(encode(&key).expect("key encodes")),
                }
                loose_encode(item, choices, out);
            }
        }
        other => out.extend(encode(other).expect("scalar encodes")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_inverts_encode(value in value_strategy()) {
        let bytes = encode(&value).unwrap();
        prop_assert_eq!(decode(&bytes).unwrap(), value.clone());
        prop_assert_eq!(decode_strict(&bytes).unwrap(), value.clone());
        prop_assert_eq!(ValueRef::decode(&bytes).unwrap().to_owned(), value);
    }

    #[test]
    fn strict_accepts_exactly_the_canonical_encoding(
        value in value_strategy(),
        choices in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut loose = Vec::new();
        loose_encode(&value, &mut choices.into_iter(), &mut loose);
        let canonical = encode(&value).unwrap();
        prop_assert_eq!(decode(&loose).unwrap(), value);
        prop_assert_eq!(decode_strict(&loose).is_ok(), loose == canonical);
        let once = canonicalize(&loose).unwrap();
        prop_assert_eq!(&once, &canonical);
        prop_assert_eq!(canonicalize(&once).unwrap(), once);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(value) = decode(&bytes) {
            let canonical = encode(&value).unwrap();
            prop_assert_eq!(decode_strict(&bytes).is_ok(), canonical == bytes);
            prop_assert_eq!(decode(&canonical).unwrap(), value);
        }
    }

    #[test]
    fn table_matches_a_map_model(ops in prop::collection::vec((key_strategy(), scalar_strategy()), 0..40)) {
        let mut table = Table::new();
        let mut model: BTreeMap<Vec<u8>, Value> = BTreeMap::new();
        for (key, value) in ops {
            let encoded = encode_key(&key).unwrap();
            if value.is_nil() { model.remove(&encoded); } else { model.insert(encoded, value.clone()); }
            table.insert(key, value).unwrap();
        }
        // Same entries, and the hash part is in the model's (bytewise) order.
        let entries: Vec<(Vec<u8>, Value)> = table.entries().map(|(k, v)| {
            let key = match k { TableKey::Index(i) => Value::Int(i), TableKey::Key(k) => k.clone() };
            (encode_key(&key).unwrap(), v.clone())
        }).collect();
        prop_assert_eq!(entries.len(), model.len());
        for (key, value) in &entries {
            prop_assert_eq!(model.get(key), Some(value));
        }
        let hash_keys: Vec<Vec<u8>> = table.hash().iter().map(|(k, _)| encode_key(k).unwrap()).collect();
        prop_assert!(hash_keys.windows(2).all(|w| w[0] < w[1]));
        // The array part is exactly the run 1..=n.
        let n = table.array().len() as i64;
        prop_assert!(!model.contains_key(&encode_key(&Value::Int(n + 1)).unwrap()));
        let bytes = encode(&Value::Table(table.clone())).unwrap();
        prop_assert_eq!(decode_strict(&bytes).unwrap(), Value::Table(table));
    }
}
