//! Arbitrary bytes into `DecodeOptions::check` and the strict decoder (and
//! the lenient one where the input is valid but noncanonical), with only
//! cheap assertions: the fast companion of `decode` (issue 16), whose rich
//! oracle (counting allocator, `Value` and `ValueRef` twins, the
//! canonicalisation fixed point, tight limits) runs at a fraction of the
//! rate.
//!
//! - Nothing panics; an error offset lies within the input.
//! - A lenient error (from `check`) is never `noncanonical`, and strict
//!   reports the same class and offset (hard errors win).
//! - Strict accepts exactly when `check` says canonical; otherwise strict
//!   reports `noncanonical` at `check`'s offset, and lenient decoding
//!   accepts.
//! - One canonical re-encode of an accepted value: equal to the input when
//!   strict accepted it, different when strict refused it as noncanonical.
//!
//! What it leaves to `decode`, to stay cheap: lenient `decode` is only run
//! on valid noncanonical input (`check` is the lenient decoder otherwise;
//! both run the same generic parser), the strict decode builds a borrowing
//! `ValueRef` (no copies of strings and byte runs), and there is no
//! allocation bound, no limit check and no decode of the re-encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use luaxt_format::{Canonicity, DecodeOptions, ErrorKind, encode};
use luaxt_fuzz::class;

const LENIENT: DecodeOptions = DecodeOptions::new();
const STRICT: DecodeOptions = DecodeOptions::new().strict(true);

fuzz_target!(|data: &[u8]| {
    match (LENIENT.check(data), STRICT.decode_ref(data)) {
        (Err(lenient), Err(strict)) => {
            assert!(
                lenient.offset().is_some_and(|at| at <= data.len()),
                "{lenient}"
            );
            assert_ne!(lenient.kind(), ErrorKind::Noncanonical);
            assert_eq!(class(&lenient), class(&strict));
        }
        (Ok(Canonicity::Canonical), Ok(value)) => {
            let canonical = encode(&value).expect("a decoded value encodes");
            assert!(canonical == data, "strict accepted noncanonical input");
        }
        (Ok(Canonicity::Noncanonical { offset }), Err(strict)) => {
            assert!(offset < data.len(), "noncanonical at {offset}");
            assert_eq!(class(&strict), ("noncanonical", Some(offset)));
            let value = LENIENT
                .decode(data)
                .expect("lenient decode accepts what check accepts");
            let canonical = encode(&value).expect("a decoded value encodes");
            assert!(canonical != data, "strict refused canonical input");
        }
        (checked, strict) => panic!("check {checked:?} but strict {strict:?}"),
    }
});
