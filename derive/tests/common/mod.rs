//! What the derive's test files share: the two decoders compared on one
//! document, the edits every test document goes through, and the round
//! trip that also checks the fast path alone takes a value's bytes.
#![allow(dead_code)] // each test file uses its own part

use luaxt_format::{DecodeOptions, Error, native};
use serde::{Deserialize, Serialize};

/// Both decoders' results for `bytes`, which must agree (a value, or an
/// error with the same class, offset and message).
pub fn both<'de, T>(bytes: &'de [u8], options: &DecodeOptions) -> Result<T, Error>
where
    T: luaxt_format::Decode<'de> + Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let serde = luaxt_format::from_slice_with::<T>(bytes, options);
    let native = native::from_slice_with::<T>(bytes, options);
    match (&native, &serde) {
        // NaN != NaN: values with a NaN compare by their debug text.
        (Ok(a), Ok(b)) => assert!(
            a == b || format!("{a:?}") == format!("{b:?}"),
            "{a:?} != {b:?}"
        ),
        (Err(a), Err(b)) => assert_eq!(
            (a.kind(), a.offset(), a.to_string()),
            (b.kind(), b.offset(), b.to_string())
        ),
        _ => panic!("native {native:?} but serde {serde:?} for {bytes:02x?}"),
    }
    native
}

pub fn lenient() -> DecodeOptions {
    DecodeOptions::new()
}

pub fn strict() -> DecodeOptions {
    DecodeOptions::new().strict(true)
}

/// Every prefix, every byte changed to a few others, each byte dropped,
/// and one byte added: none may make the two decoders disagree.
pub fn mutations(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..bytes.len() {
        out.push(bytes[..i].to_vec());
        for b in [
            0x00,
            0x01,
            0x02,
            0x03,
            0x04,
            0x06,
            0xff,
            bytes[i].wrapping_add(1),
        ] {
            let mut changed = bytes.to_vec();
            changed[i] = b;
            out.push(changed);
        }
        let mut dropped = bytes.to_vec();
        dropped.remove(i);
        out.push(dropped);
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    out.push(longer);
    out
}

/// Encodes `value` both ways (the same bytes), decodes the bytes both
/// ways in strict mode (the same value), and checks that the fast path
/// alone, with no serde behind it, takes them.
pub fn round_trip<T>(value: &T)
where
    T: Serialize + luaxt_format::Encode + for<'de> Deserialize<'de>,
    T: for<'de> luaxt_format::Decode<'de> + PartialEq + std::fmt::Debug,
{
    let bytes = native::to_vec(value).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(value).unwrap(), "{value:?}");
    assert_eq!(&both::<T>(&bytes, &strict()).unwrap(), value);
    let fast = T::decode(&mut native::Reader::new(&bytes));
    assert_eq!(
        fast.as_ref(),
        Some(value),
        "the fast path declined {bytes:02x?}"
    );
}
