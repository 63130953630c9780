//! Structure-aware decoding: the input is not a document but a tape of
//! choices for the conformance kit's case generator
//! (`luaxt_conformance::cases::case_from_tape`), so libFuzzer's mutations
//! change a document's shape (records, long arrays and hash parts, key
//! kinds and order, depth, string lengths) and the rule it breaks (swapped
//! or duplicate keys, holes, counts, NaN payloads, bad UTF-8, …) instead of
//! mostly breaking the first bytes: nearly every execution reaches the
//! table rules, under the case's limits.
//!
//! Checks: those of `decode_lean` (`luaxt_fuzz::check_lean`), and the
//! memory bounds of spec §6.6 for every decoder (`luaxt_fuzz::check_memory`,
//! with a counting global allocator): the generator's holes, nil values and
//! keys out of order reach the decoder's rebuilding passes. The full
//! oracle (every decoding route of luaxt-format agreeing, `oracle::verdict`)
//! runs on the same generator in every test run's generated differential,
//! and here on one tape in 32 (those whose length is a multiple of 32), so
//! the rate stays that of a lean target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use luaxt_conformance::{cases, oracle, to_hex};
use luaxt_fuzz::{Counting, check_lean, check_memory};

#[global_allocator]
static ALLOC: Counting = Counting;

fuzz_target!(|tape: &[u8]| {
    let case = cases::case_from_tape(tape);
    let bytes = case.bytes();
    check_lean(&bytes, case.limits);
    check_memory(&bytes, case.limits);
    if tape.len() % 32 == 0 {
        if let Err(why) = oracle::verdict(&bytes, case.limits) {
            panic!(
                "luaxt-format disagrees with itself on {} ({}): {why}",
                to_hex(&bytes),
                case.description()
            );
        }
    }
});
