//! `Arbitrary` for [`Value`] (feature `arbitrary`): valid values only, so a
//! fuzzer's values always encode; tables are built through
//! [`Table::insert`], which keeps them canonical, and nesting is bounded.

use alloc::string::String;
use alloc::vec::Vec;

use arbitrary::{Arbitrary, Result, Unstructured};

use crate::{Table, Value};

/// Deepest table nesting an arbitrary value gets (well inside the default
/// depth limit, and small enough to keep inputs short).
const MAX_DEPTH: u32 = 6;
/// Most array values and most hash entries of one arbitrary table.
const MAX_ENTRIES: usize = 8;

impl<'a> Arbitrary<'a> for Value {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        value(u, 0)
    }

    fn size_hint(_depth: usize) -> (usize, Option<usize>) {
        (1, None)
    }
}

fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let kinds = if depth >= MAX_DEPTH { 7 } else { 8 };
    Ok(match u.choose_index(kinds)? {
        0 => Value::Nil,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Int(u.arbitrary()?),
        3 => Value::Float(float(u)?),
        4 => Value::Str(String::arbitrary(u)?),
        5 => Value::Bytes(Vec::<u8>::arbitrary(u)?),
        6 => Value::Ref(u.arbitrary()?),
        _ => Value::Table(table(u, depth + 1)?),
    })
}

/// Mostly raw bits (NaNs, infinities, subnormals, -0.0 included), sometimes
/// small integral values, which are interesting as keys (§3.2).
fn float(u: &mut Unstructured<'_>) -> Result<f64> {
    if u.ratio(1, 4)? {
        Ok(f64::from(u.int_in_range(-4i8..=8)?))
    } else {
        Ok(f64::from_bits(u.arbitrary()?))
    }
}

fn table(u: &mut Unstructured<'_>, depth: u32) -> Result<Table<Value>> {
    let n = u.int_in_range(0..=MAX_ENTRIES)?;
    let mut array = Vec::with_capacity(n);
    for _ in 0..n {
        array.push(value(u, depth)?);
    }
    // Nil elements leave holes (later elements move to the hash part).
    let mut table = Table::from_array(array);
    let m = u.int_in_range(0..=MAX_ENTRIES)?;
    for _ in 0..m {
        let key = if u.ratio(1, 3)? {
            // Small integers make array parts grow and shrink.
            Value::Int(u.int_in_range(-2..=12)?)
        } else {
            value(u, MAX_DEPTH)?
        };
        let item = value(u, depth)?;
        // Invalid keys (nil, NaN) are skipped; a nil value removes.
        let _ = table.insert(key, item);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, encode};

    /// splitmix64, for reproducible input bytes without a dependency.
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut state = seed;
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
        }
        out
    }

    #[test]
    fn arbitrary_values_round_trip() {
        let mut tables = 0;
        for seed in 0..3000u64 {
            let data = bytes(seed, 64 + (seed as usize % 16) * 64);
            let mut u = Unstructured::new(&data);
            let value = Value::arbitrary(&mut u).expect("enough bytes");
            let encoded = encode(&value).expect("arbitrary values are valid");
            let decoded = decode(&encoded).expect("encodings decode");
            assert_eq!(decoded, value, "seed {seed}");
            assert_eq!(encode(&decoded).unwrap(), encoded, "seed {seed}");
            assert!(crate::is_canonical(&encoded).unwrap(), "seed {seed}");
            #[cfg(feature = "serde")]
            {
                assert_eq!(crate::to_vec(&value).unwrap(), encoded, "seed {seed}");
                assert_eq!(crate::from_slice::<Value>(&encoded).unwrap(), value);
            }
            if matches!(value, Value::Table(_)) {
                tables += 1;
            }
        }
        assert!(tables > 100, "only {tables} tables");
    }
}
