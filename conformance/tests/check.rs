//! `DecodeOptions::check` walks a document without building it (spec
//! §6.6); it must give the verdict `decode` gives, with the same class and
//! offset, on every input. Checked on every vector and on generated cases
//! (documents of every shape, mutated one rule or byte at a time), with the
//! vector's or case's limits, leniently and strictly.

use luaxt_conformance::{cases, vectors};
use luaxt_format::{Canonicity, DecodeOptions, Limits, Value, encode, from_slice_with};

/// Asserts that `check`, `decode`, `decode_ref` and `from_slice::<Value>`
/// agree on `bytes`, and that `check`'s canonicity is right.
#[track_caller]
fn agree(what: &str, bytes: &[u8], limits: Limits) {
    let class = |e: &luaxt_format::Error| (e.kind(), e.offset());
    for strict in [false, true] {
        let options = DecodeOptions::new().limits(limits).strict(strict);
        let decoded = options.decode(bytes);
        let borrowed = options.decode_ref(bytes);
        let checked = options.check(bytes);
        match (&decoded, &checked) {
            (Err(d), Err(c)) => assert_eq!(class(d), class(c), "{what} strict={strict}"),
            (Ok(value), Ok(canonicity)) => {
                let canonical = encode(value).expect("a decoded value encodes");
                let expected = if canonical == bytes {
                    Canonicity::Canonical
                } else {
                    let err = DecodeOptions::new()
                        .limits(limits)
                        .strict(true)
                        .decode(bytes)
                        .expect_err("strict refuses what is not canonical");
                    Canonicity::Noncanonical {
                        offset: err.offset().unwrap_or(usize::MAX),
                    }
                };
                assert_eq!(*canonicity, expected, "{what} strict={strict}");
            }
            _ => panic!("{what} strict={strict}: decode {decoded:?} but check {checked:?}"),
        }
        match (&decoded, &borrowed) {
            (Ok(v), Ok(r)) => assert_eq!(*v, r.to_owned(), "{what}"),
            (Err(a), Err(b)) => assert_eq!(class(a), class(b), "{what}"),
            _ => panic!("{what}: Value {decoded:?} but ValueRef {borrowed:?}"),
        }
        // The serde path reports the decoder's errors too (it has its own
        // parser): the same value, or an error of the same class.
        let typed = from_slice_with::<Value>(bytes, &options);
        match (&decoded, &typed) {
            (Ok(v), Ok(t)) => assert_eq!(v, t, "{what}"),
            (Err(a), Err(b)) => assert_eq!(class(a), class(b), "{what}: serde"),
            _ => panic!("{what}: decode {decoded:?} but from_slice {typed:?}"),
        }
    }
}

#[test]
fn check_agrees_with_decode_on_every_vector() {
    let mut count = 0;
    for vector in vectors() {
        if let Some(bytes) = &vector.bytes {
            agree(&vector.id, bytes, vector.limits);
            count += 1;
        }
    }
    assert!(count > 1000, "{count} vectors with bytes");
}

#[test]
fn check_agrees_with_decode_on_generated_cases() {
    for index in 0..20_000 {
        let case = cases::case(0x15_03, index);
        agree(
            &format!("case {index}: {}", case.description()),
            &case.bytes(),
            case.limits,
        );
    }
}
