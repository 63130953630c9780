//! Key rules (spec §3): which values may be keys, Lua's normalisation, and
//! the bytewise order of encoded keys used by canonical tables (§4.2).

use core::cmp::Ordering;

use crate::wire::Scalar;

/// The integer a float key stands for (§3.2): an exact integer in i64 range
/// (so -0.0 is 0, 2^63 stays a float). `None` keeps the float key.
///
/// ```
/// use luaxt_format::float_key_as_int;
/// assert_eq!(float_key_as_int(2.0), Some(2));
/// assert_eq!(float_key_as_int(-0.0), Some(0));
/// assert_eq!(float_key_as_int(0.5), None);
/// assert_eq!(float_key_as_int(9_223_372_036_854_775_808.0), None); // 2^63
/// ```
#[inline]
pub fn float_key_as_int(value: f64) -> Option<i64> {
    // 2^63 as f64; every integral f64 in [-2^63, 2^63) converts exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if !(-LIMIT..LIMIT).contains(&value) {
        return None; // also NaN and the infinities
    }
    // In range the cast truncates toward zero; it is exact iff integral.
    let truncated = value as i64;
    (truncated as f64 == value).then_some(truncated)
}

/// The order of two encoded keys in a canonical table (§4.2): bytewise,
/// as `a.cmp(b)` on the slices, but deciding most pairs with one 8-byte
/// word each instead of a `memcmp` call (keys are short, and the tag and
/// length come first). Every reader and writer of LXT bytes, in this crate
/// and in the runtime, orders keys with this function.
///
/// ```
/// use core::cmp::Ordering;
/// use luaxt_format::{Value, encode_key, encoded_key_order};
/// let a = encode_key(&Value::from("b"))?;   // 04 01 00 00 00 62
/// let b = encode_key(&Value::from("aa"))?;  // 04 02 00 00 00 61 61
/// assert_eq!(encoded_key_order(&a, &b), Ordering::Less); // shorter first
/// # Ok::<(), luaxt_format::Error>(())
/// ```
#[inline]
pub fn encoded_key_order(a: &[u8], b: &[u8]) -> Ordering {
    // Zero padding keeps the bytewise order of the first 8 bytes: where
    // the words differ, either real bytes differ or the shorter key ended
    // (a zero against a byte of the other that is not zero, a prefix).
    let (x, y) = (first_word(a), first_word(b));
    if x != y {
        return x.cmp(&y);
    }
    match (a.get(8..), b.get(8..)) {
        (Some(a), Some(b)) => a.cmp(b),
        // Equal words and one key of 8 bytes or fewer: it is a prefix of
        // the other, or they are equal.
        _ => a.len().cmp(&b.len()),
    }
}

/// The first 8 bytes of `bytes` as a big-endian word, zero-padded.
#[inline(always)]
fn first_word(bytes: &[u8]) -> u64 {
    if let Some(word) = bytes.first_chunk::<8>() {
        return u64::from_be_bytes(*word);
    }
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_be_bytes(word)
}

/// Compares two normalised keys by the bytewise order of their encodings,
/// without encoding them. The `to_le_bytes` below make the encodings'
/// bytes to compare; nothing is read from the wire here.
pub(crate) fn cmp_encoded(a: Scalar<'_>, b: Scalar<'_>) -> Ordering {
    let by_tag = (a.tag() as u8).cmp(&(b.tag() as u8));
    if by_tag != Ordering::Equal {
        return by_tag;
    }
    match (a, b) {
        (Scalar::Bool(x), Scalar::Bool(y)) => x.cmp(&y),
        (Scalar::Int(x), Scalar::Int(y)) => x.to_le_bytes().cmp(&y.to_le_bytes()),
        (Scalar::Float(x), Scalar::Float(y)) => {
            x.to_bits().to_le_bytes().cmp(&y.to_bits().to_le_bytes())
        }
        (Scalar::Str(x), Scalar::Str(y)) => cmp_counted(x.as_bytes(), y.as_bytes()),
        (Scalar::Bytes(x), Scalar::Bytes(y)) => cmp_counted(x, y),
        (Scalar::Ref(x), Scalar::Ref(y)) => x.to_le_bytes().cmp(&y.to_le_bytes()),
        _ => Ordering::Equal, // unreachable: the tags are equal
    }
}

/// Order of two length-prefixed byte strings: the little-endian u32 length
/// first, then the content.
fn cmp_counted(a: &[u8], b: &[u8]) -> Ordering {
    let len = |s: &[u8]| (s.len() as u32).to_le_bytes();
    len(a).cmp(&len(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_keys_normalise_like_lua() {
        assert_eq!(float_key_as_int(2.0), Some(2));
        assert_eq!(float_key_as_int(-0.0), Some(0));
        assert_eq!(
            float_key_as_int(-9_223_372_036_854_775_808.0),
            Some(i64::MIN)
        );
        assert_eq!(float_key_as_int(9_223_372_036_854_775_808.0), None);
        assert_eq!(float_key_as_int(0.5), None);
        assert_eq!(float_key_as_int(f64::INFINITY), None);
        assert_eq!(float_key_as_int(f64::NAN), None);
    }

    #[test]
    fn order_follows_encoded_bytes() {
        use Scalar::*;
        // Tag first.
        assert_eq!(cmp_encoded(Bool(true), Int(0)), Ordering::Less);
        // Little-endian bytes: 256 (00 01 ..) sorts before 3 (03 00 ..).
        assert_eq!(cmp_encoded(Int(256), Int(3)), Ordering::Less);
        assert_eq!(cmp_encoded(Int(-1), Int(1)), Ordering::Greater);
        // Length prefix first: "id" before "bio", and a 256-byte string
        // (length 00 01 00 00) before "a" (01 00 00 00).
        assert_eq!(cmp_encoded(Str("id"), Str("bio")), Ordering::Less);
        let long = "x".repeat(256);
        assert_eq!(cmp_encoded(Str(&long), Str("a")), Ordering::Less);
        assert_eq!(cmp_encoded(Str("ab"), Str("ab")), Ordering::Equal);
    }
}

#[cfg(test)]
mod order_tests {
    use super::encoded_key_order;

    /// The fast comparison agrees with the bytewise one on every pair of
    /// short byte strings over a small alphabet (prefixes, zero bytes and
    /// both sides of the 8-byte word included).
    #[test]
    fn encoded_key_order_is_bytewise() {
        let alphabet = [0x00u8, 0x01, 0x04, 0x7f, 0xff];
        let mut keys: alloc::vec::Vec<alloc::vec::Vec<u8>> = alloc::vec![alloc::vec![]];
        for len in 1..=3 {
            let mut grown = alloc::vec::Vec::new();
            for key in keys.iter().filter(|k| k.len() == len - 1) {
                for &b in &alphabet {
                    let mut k = key.clone();
                    k.push(b);
                    grown.push(k);
                }
            }
            keys.extend(grown);
        }
        // Around the 8-byte word: the same keys behind 6 and 7 shared bytes.
        let base = keys.clone();
        for prefix in [
            &[0x04u8, 2, 0, 0, 0, 0x61][..],
            &[0x04, 2, 0, 0, 0, 0x61, 0x62],
        ] {
            keys.extend(base.iter().map(|k| [prefix, k].concat()));
        }
        for a in &keys {
            for b in &keys {
                assert_eq!(encoded_key_order(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
