//! luaxt-derive against serde, on arbitrary typed data and on arbitrary
//! edits of its bytes:
//! - `native::to_vec` (derived `Encode`) writes what serde's `to_vec`
//!   writes, or fails with the same class;
//! - maps with string or integer keys and `Value` fields are written and
//!   read alike too, and enums with `tag`, `content` or `untagged` are
//!   written alike;
//! - `native::from_slice` (derived `Decode`, serde behind it) gives what
//!   serde's `from_slice` gives for every edited document, lenient and
//!   strict: the same value, or the same error class, offset and message.
#![no_main]

use std::collections::{BTreeMap, HashMap};

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use luaxt_derive::{Decode, Encode};
use luaxt_format::{DecodeOptions, Value, from_slice_with, native, to_vec};
use luaxt_fuzz::{F32, F64};
use serde::{Deserialize, Serialize};

#[derive(Arbitrary, Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
#[serde(rename_all = "snake_case", rename_all_fields = "SCREAMING_SNAKE_CASE")]
enum Shape {
    Unit,
    #[serde(rename = "o")]
    Other,
    Newtype(i32),
    Hidden(#[serde(skip)] u8),
    Maybe(Option<u8>),
    Tuple(u8, String, F32),
    Struct {
        radius: F64,
        child: Option<Box<Shape>>,
        children: Vec<Shape>,
    },
}

#[derive(Arbitrary, Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Record {
    id: i64,
    small: (i8, u16, char, bool),
    name: String,
    note: Option<String>,
    count: Option<u32>,
    #[serde(rename = "type")]
    kind: u64,
    #[serde(default)]
    level: i16,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    floats: Vec<F64>,
    shapes: Vec<Shape>,
    holes: Vec<Option<bool>>,
    by_name: BTreeMap<String, Shape>,
    counts: HashMap<String, Option<i8>>,
    nested: Option<Box<Record>>,
    matrix: Vec<Vec<i64>>,
    meta: Value,
    values: Vec<Value>,
    by_id: BTreeMap<i16, Shape>,
    flags: HashMap<u8, Option<bool>>,
}

/// Enums serde writes with `tag`, `tag` + `content` and `untagged`: only
/// `Encode` is derived for them (serde reads them).
#[derive(Arbitrary, Serialize, Encode, Debug)]
enum Written {
    Internal(Internal),
    Adjacent(Adjacent),
    Untagged(Untagged),
}

#[derive(Arbitrary, Serialize, Encode, Debug)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Internal {
    Unit,
    TwoFields { radius: F64, child: Option<Box<Written>> },
    Listed { items: Vec<Shape> },
}

#[derive(Arbitrary, Serialize, Encode, Debug)]
#[serde(tag = "t", content = "c")]
enum Adjacent {
    Unit,
    Newtype(Option<i8>),
    Tuple(u8, Option<String>),
    Struct { x: i64, inner: Vec<Written> },
}

#[derive(Arbitrary, Serialize, Encode, Debug)]
#[serde(untagged)]
enum Untagged {
    Unit,
    Newtype(Option<Shape>),
    Tuple(bool, F32),
    Struct { name: String },
}

fn decode_alike(bytes: &[u8], options: &DecodeOptions) {
    let serde = from_slice_with::<Record>(bytes, options);
    let native = native::from_slice_with::<Record>(bytes, options);
    match (&native, &serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(
            (a.kind(), a.offset(), a.to_string()),
            (b.kind(), b.offset(), b.to_string())
        ),
        _ => panic!("native {native:?} but serde {serde:?}"),
    }
}

fuzz_target!(|input: (Record, Vec<(u16, u8)>, Option<u16>, Vec<Written>)| {
    let (record, edits, cut, written) = input;
    match (native::to_vec(&written), to_vec(&written)) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind()),
        (a, b) => panic!("native {a:?} but serde {b:?}"),
    }
    let native = native::to_vec(&record);
    match (&native, &to_vec(&record)) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind()),
        (a, b) => panic!("native {a:?} but serde {b:?}"),
    }
    let Ok(mut bytes) = native else { return };
    let strict = DecodeOptions::new().strict(true);
    decode_alike(&bytes, &DecodeOptions::new());
    for (at, byte) in edits {
        let at = usize::from(at) % bytes.len();
        bytes[at] = byte;
    }
    if let Some(cut) = cut {
        bytes.truncate(usize::from(cut) % (bytes.len() + 1));
    }
    decode_alike(&bytes, &DecodeOptions::new());
    decode_alike(&bytes, &strict);
});
