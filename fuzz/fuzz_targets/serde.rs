//! Arbitrary typed Rust data (derived `Arbitrary`) through serde:
//! `to_vec` → `from_slice` gives an equal value (NaN equals NaN, -0.0 is
//! not 0.0), and `to_vec` writes canonical LXT that strict mode accepts.
//!
//! The types use only what §10 maps without loss: `None` appears as a
//! struct field (omitted, read back as `None`), not as a sequence element
//! or map value (a hole or an omitted entry).
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use luaxt_format::{DecodeOptions, ErrorKind, TableId, from_slice, from_slice_with, to_vec};
use luaxt_fuzz::{F32, F64};
use serde::{Deserialize, Serialize};

#[derive(Arbitrary, Serialize, Deserialize, Debug, PartialEq)]
struct Newtype(i16);

/// A byte buffer (written as 0x05 bytes), usable as a map key.
#[derive(Arbitrary, Serialize, Deserialize, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Blob(#[serde(with = "serde_bytes")] Vec<u8>);

#[derive(Arbitrary, Serialize, Deserialize, Debug, PartialEq)]
enum Shape {
    Unit,
    Other,
    Newtype(i32),
    Wrapped(Newtype),
    Tuple(u8, String, F32),
    Struct {
        radius: F64,
        child: Option<Box<Shape>>,
        children: Vec<Shape>,
    },
    Bytes(#[serde(with = "serde_bytes")] Vec<u8>),
    Ref(
        #[arbitrary(with = |u: &mut arbitrary::Unstructured<'_>| Ok(TableId(u.arbitrary()?)))]
        TableId,
    ),
}

#[derive(Arbitrary, Serialize, Deserialize, Debug, PartialEq)]
struct Record {
    id: i64,
    small: (i8, u16, char, bool),
    name: String,
    note: Option<String>,
    count: Option<u32>,
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
    floats: Vec<F64>,
    shapes: Vec<Shape>,
    by_name: BTreeMap<String, Shape>,
    by_int: BTreeMap<i64, Vec<bool>>,
    by_bytes: BTreeMap<Blob, u8>,
    by_bool: BTreeMap<bool, F64>,
    nested: Option<Box<Record>>,
    matrix: Vec<Vec<i64>>,
}

fn round_trip<T>(value: &T)
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let bytes = match to_vec(value) {
        Ok(bytes) => bytes,
        Err(err) => {
            // The only lawful refusal here: nesting past the depth limit.
            assert_eq!(err.kind(), ErrorKind::DepthExceeded, "{err} for {value:?}");
            return;
        }
    };
    let strict = DecodeOptions::new().strict(true);
    assert!(
        strict.check(&bytes).is_ok(),
        "to_vec wrote noncanonical bytes for {value:?}"
    );
    let back: T = from_slice(&bytes).unwrap_or_else(|e| panic!("{e} for {value:?}"));
    assert_eq!(&back, value);
    let back: T = from_slice_with(&bytes, &strict).unwrap();
    assert_eq!(&back, value);
}

fuzz_target!(|input: (Record, Vec<Shape>, u64, i128)| {
    let (record, shapes, wide, huge) = input;
    round_trip(&record);
    round_trip(&shapes);

    // u64 and i128 outside i64 are `integer_overflow`; inside, integers.
    for (fits, result) in [
        (i64::try_from(wide).is_ok(), to_vec(&wide)),
        (i64::try_from(huge).is_ok(), to_vec(&huge)),
    ] {
        match result {
            Ok(bytes) => {
                assert!(fits);
                assert_eq!(bytes[0], 0x02);
            }
            Err(err) => {
                assert!(!fits);
                assert_eq!(err.kind(), ErrorKind::IntegerOverflow);
            }
        }
    }
    if let Ok(i) = i64::try_from(wide) {
        assert_eq!(from_slice::<u64>(&to_vec(&i).unwrap()).unwrap(), wide);
    }
});
