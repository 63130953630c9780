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
use luaxt_format::Limits;
use luaxt_fuzz::check_lean;

fuzz_target!(|data: &[u8]| check_lean(data, Limits::DEFAULT));
