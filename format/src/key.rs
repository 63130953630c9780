//! Key rules (spec §3): which values may be keys, Lua's normalisation, and
//! the bytewise order of encoded keys used by canonical tables (§4.2).

use core::cmp::Ordering;

use crate::Tag;
use crate::scalar::Scalar;
use crate::utf8::short_content;

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

/// Where an encoded hash key sorts, as far as one number tells: the order
/// of [`encoded_key_order`] as an integer, for the typed decoder's fast
/// path over string keys (a test below holds the two together).
/// string keys rank by their length bytes and, up to 8 bytes, their
/// content, so that for them `a < b` in rank means `a < b` in bytes, and an
/// equal rank means the same key or (longer than 8 bytes) the same length.
/// Keys with a tag below `0x04` rank 0 (below every string key), the others
/// `u128::MAX` (above all, so no string key takes the fast path after them).
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
#[inline]
pub(crate) fn key_rank(encoded: &[u8]) -> u128 {
    match encoded.first() {
        Some(&tag) if tag == Tag::Str as u8 => {
            let len = encoded.len() - 5;
            if len > 8 {
                return string_rank(len, 0);
            }
            let mut word = [0u8; 8];
            word[..len].copy_from_slice(&encoded[5..]);
            string_rank(len, short_content(word, len))
        }
        Some(&tag) if tag < Tag::Str as u8 => 0,
        _ => u128::MAX,
    }
}

/// The rank of a string key of `len` content bytes; `content` is
/// [`short_content`] of its first 8 bytes (ignored beyond 8 bytes).
#[cfg_attr(not(feature = "serde"), allow(dead_code))]
#[inline(always)]
pub(crate) fn string_rank(len: usize, content: u64) -> u128 {
    let length_bytes = u128::from((len as u32).swap_bytes()) + 1;
    let content = if len <= 8 { content.swap_bytes() } else { 0 };
    length_bytes << 64 | u128::from(content)
}

/// Compares two normalised keys by the bytewise order of their encodings,
/// without encoding them: the encoding's head (the tag and the fixed-width
/// payload, or the tag and the length) goes through [`encoded_key_order`],
/// and equal heads (same tag, same length) leave the content bytes.
pub(crate) fn cmp_encoded(a: Scalar<'_>, b: Scalar<'_>) -> Ordering {
    let (head_a, content_a) = head_and_content(&a);
    let (head_b, content_b) = head_and_content(&b);
    encoded_key_order(head_a.bytes(), head_b.bytes()).then_with(|| content_a.cmp(content_b))
}

/// The first bytes of a scalar's encoding, on the stack.
struct Head {
    bytes: [u8; 9],
    len: usize,
}

impl Head {
    fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// A scalar's encoding split into its head and its content (empty for
/// fixed-width scalars). The little-endian bytes below are what the writer
/// puts on the wire (§2); nothing is read from the wire here.
fn head_and_content<'a>(key: &Scalar<'a>) -> (Head, &'a [u8]) {
    let mut bytes = [key.tag() as u8, 0, 0, 0, 0, 0, 0, 0, 0];
    let (payload, content): (&[u8], &'a [u8]) = match *key {
        Scalar::Bool(b) => (&[b as u8], &[]),
        Scalar::Int(i) => (&i.to_le_bytes(), &[]),
        Scalar::Float(f) => (&f.to_bits().to_le_bytes(), &[]),
        Scalar::Ref(id) => (&id.to_le_bytes(), &[]),
        Scalar::Str(s) => (&(s.len() as u32).to_le_bytes(), s.as_bytes()),
        Scalar::Bytes(b) => (&(b.len() as u32).to_le_bytes(), b),
    };
    bytes[1..1 + payload.len()].copy_from_slice(payload);
    (
        Head {
            bytes,
            len: 1 + payload.len(),
        },
        content,
    )
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

    /// The rank agrees with the order: a smaller rank is a smaller key,
    /// and an equal rank of a short string key is the same key.
    #[test]
    fn key_rank_is_encoded_key_order_as_a_number() {
        use crate::{Value, encode_key};
        let long_a = "a".repeat(9);
        let long_b = "b".repeat(9);
        let keys: alloc::vec::Vec<alloc::vec::Vec<u8>> = [
            Value::Bool(true),
            Value::Int(3),
            Value::Float(0.5),
            Value::from(""),
            Value::from("a"),
            Value::from("b"),
            Value::from("ab"),
            Value::from("id"),
            Value::from("bio"),
            Value::from("abcdefgh"),
            Value::from("abcdefgi"),
            Value::from(long_a.as_str()),
            Value::from(long_b.as_str()),
            Value::Bytes(alloc::vec![1]),
            Value::Ref(2),
        ]
        .iter()
        .map(|k| encode_key(k).unwrap())
        .collect();
        for a in &keys {
            for b in &keys {
                let (ra, rb) = (key_rank(a), key_rank(b));
                if ra < rb {
                    assert_eq!(encoded_key_order(a, b), Ordering::Less, "{a:?} {b:?}");
                }
                if ra == rb && a[0] == Tag::Str as u8 && a.len() <= 13 {
                    assert_eq!(a, b);
                }
            }
        }
    }

    /// On every pair of a spread of keys, the order is that of the
    /// encoded bytes the writer produces.
    #[test]
    fn order_is_the_writers_bytes() {
        use crate::{Value, encode_key};
        let long = "x".repeat(256);
        let keys = [
            Scalar::Bool(false),
            Scalar::Bool(true),
            Scalar::Int(0),
            Scalar::Int(1),
            Scalar::Int(256),
            Scalar::Int(-1),
            Scalar::Int(i64::MIN),
            Scalar::Float(0.5),
            Scalar::Float(-0.5),
            Scalar::Float(f64::INFINITY),
            Scalar::Str(""),
            Scalar::Str("a"),
            Scalar::Str("ab"),
            Scalar::Str("b"),
            Scalar::Str(&long),
            Scalar::Bytes(b""),
            Scalar::Bytes(b"a\0"),
            Scalar::Bytes(&[0xff]),
            Scalar::Ref(0),
            Scalar::Ref(1),
            Scalar::Ref(u32::MAX),
        ];
        let encoded = |k: &Scalar<'_>| {
            let value = match *k {
                Scalar::Bool(b) => Value::Bool(b),
                Scalar::Int(i) => Value::Int(i),
                Scalar::Float(f) => Value::Float(f),
                Scalar::Str(s) => Value::from(s),
                Scalar::Bytes(b) => Value::Bytes(b.to_vec()),
                Scalar::Ref(id) => Value::Ref(id),
            };
            encode_key(&value).unwrap()
        };
        for a in &keys {
            for b in &keys {
                assert_eq!(
                    cmp_encoded(*a, *b),
                    encoded(a).cmp(&encoded(b)),
                    "{a:?} {b:?}"
                );
            }
        }
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
