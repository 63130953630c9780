//! Arbitrary bytes into every decoder of luaxt-format.
//!
//! - No decoder panics, and every decoder stays within the memory bounds
//!   of spec §6.6 (`luaxt_fuzz::check_memory`, with a counting global
//!   allocator): 48 bytes per input byte for `Value` and `ValueRef`, 96
//!   for `from_slice::<Value>`, nothing for `check` of canonical input.
//! - Lenient and strict, `Value` and `ValueRef` and `check` agree.
//! - A decoded value re-encodes to bytes that decode to the same value and
//!   re-encode to themselves (canonical form is a fixed point).
//! - Strict mode accepts exactly the inputs equal to their canonical
//!   re-encoding; otherwise it reports what lenient reports, or
//!   `noncanonical` where lenient accepts.
//! - Depth and size limits hold: a tight limit never lets a deeper or
//!   longer document through, and refuses nothing the default accepts that
//!   fits under it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use luaxt_format::{
    Canonicity, DecodeOptions, ErrorKind, Limits, ValueRef, canonicalize, decode, decode_strict,
    encode,
};
use luaxt_fuzz::{Counting, check_memory, class, depth};

#[global_allocator]
static ALLOC: Counting = Counting;

fuzz_target!(|data: &[u8]| {
    check_memory(data, Limits::DEFAULT);
    let lenient = decode(data);
    let lenient_ref = ValueRef::decode(data);
    let strict = decode_strict(data);
    let strict_ref = ValueRef::decode_strict(data);
    let checked = DecodeOptions::new().check(data);

    // Value and ValueRef agree, leniently and strictly.
    match (&lenient, &lenient_ref) {
        (Ok(v), Ok(r)) => assert_eq!(*v, r.to_owned()),
        (Err(a), Err(b)) => assert_eq!(class(a), class(b)),
        (a, b) => panic!("Value {a:?} but ValueRef {b:?}"),
    }
    match (&strict, &strict_ref) {
        (Ok(v), Ok(r)) => assert_eq!(*v, r.to_owned()),
        (Err(a), Err(b)) => assert_eq!(class(a), class(b)),
        (a, b) => panic!("strict Value {a:?} but ValueRef {b:?}"),
    }

    let value = match lenient {
        Err(err) => {
            // Hard errors win: strict reports the same error, `check` too;
            // `noncanonical` is never a lenient error.
            assert_ne!(err.kind(), ErrorKind::Noncanonical);
            assert!(err.offset().is_some_and(|at| at <= data.len()), "{err}");
            assert_eq!(class(&err), class(strict.as_ref().unwrap_err()));
            assert_eq!(class(&err), class(checked.as_ref().unwrap_err()));
            return;
        }
        Ok(value) => value,
    };
    assert!(depth(&value) <= Limits::DEFAULT.max_depth);

    // Re-encoding gives canonical bytes that decode to the same value.
    let canonical = encode(&value).expect("a decoded value encodes");
    assert_eq!(
        canonicalize(data).expect("valid input canonicalises"),
        canonical
    );
    let again = decode_strict(&canonical).expect("re-encoding is canonical");
    assert_eq!(again, value);
    assert_eq!(encode(&again).unwrap(), canonical);

    // Strict accepts exactly the canonical encoding.
    let is_canonical = canonical == data;
    match (&strict, checked.unwrap()) {
        (Ok(v), Canonicity::Canonical) => {
            assert!(is_canonical, "strict accepted noncanonical input");
            assert_eq!(*v, value);
        }
        (Err(err), Canonicity::Noncanonical { offset }) => {
            assert!(!is_canonical, "strict refused canonical input: {err}");
            assert_eq!(class(err), ("noncanonical", Some(offset)));
            assert!(offset < data.len());
        }
        (strict, checked) => panic!("strict {strict:?} but check {checked:?}"),
    }

    // A tight limit refuses what is too deep or too long, and nothing else.
    let tight = Limits::DEFAULT.with_max_depth(3).with_max_size(64);
    let fits = depth(&value) <= tight.max_depth && data.len() as u64 <= tight.max_size;
    match DecodeOptions::new().limits(tight).decode(data) {
        Ok(v) => {
            assert!(fits, "limits {tight:?} let through {} bytes", data.len());
            assert_eq!(v, value);
        }
        Err(err) => {
            assert!(!fits, "limits {tight:?} refused a fitting value: {err}");
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::DepthExceeded | ErrorKind::LengthOverflow
                ),
                "{err}"
            );
        }
    }
});
