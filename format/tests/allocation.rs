//! Decoding hostile input allocates in proportion to the input, not to the
//! lengths it declares (spec §6: lengths are checked before allocating).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use luaxt_format::{DecodeOptions, ValueRef, decode};

/// Counts the live bytes of the calling thread and remembers its peak.
///
/// Per-thread counts keep the test harness and tests running on other
/// threads out of the measurement.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn record(delta: isize) {
    // `try_with` because the allocator can run while thread locals are torn down.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size() as isize);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(-(layout.size() as isize));
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes the current thread allocated while `f` ran.
fn peak_during(f: impl FnOnce()) -> usize {
    let before = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    f();
    (PEAK.with(Cell::get) - before).max(0) as usize
}

/// Nested table headers, each declaring as many array values as there
/// are bytes left: the shape of a fuzzer finding.
fn greedy_nesting(levels: usize) -> Vec<u8> {
    let total = levels * 5 + 1;
    let mut bytes = Vec::with_capacity(total);
    for level in 0..levels {
        let left = (total - (level + 1) * 5) as u32;
        bytes.push(0x06);
        bytes.extend(left.to_le_bytes());
    }
    bytes.push(0x00);
    bytes
}

#[test]
fn nested_declared_counts_do_not_multiply_memory() {
    for input in [
        greedy_nesting(127),
        include_bytes!("../../fuzz/regressions/decode/nested-preallocation").to_vec(),
    ] {
        let bound = 64 * 1024 + 256 * input.len();
        let peak = peak_during(|| {
            let _ = decode(&input);
        });
        assert!(
            peak <= bound,
            "Value: {peak} bytes for {} input bytes",
            input.len()
        );
        let peak = peak_during(|| {
            let _ = ValueRef::decode(&input);
        });
        assert!(
            peak <= bound,
            "ValueRef: {peak} bytes for {} input bytes",
            input.len()
        );
        let peak = peak_during(|| {
            let _ = DecodeOptions::new().strict(true).decode(&input);
        });
        assert!(
            peak <= bound,
            "strict: {peak} bytes for {} input bytes",
            input.len()
        );
    }
}

#[test]
fn a_huge_declared_string_allocates_nothing() {
    let peak = peak_during(|| {
        let err = decode(&[0x04, 0, 0, 0, 0xF0]).unwrap_err();
        assert_eq!(err.kind(), luaxt_format::ErrorKind::LengthOverflow);
    });
    assert!(peak < 1024, "{peak}");
}

/// A sequence of itself: the typed decoder reads `greedy_nesting` as
/// nested `Vec`s.
#[derive(serde::Deserialize)]
struct Nest(#[allow(dead_code)] Vec<Nest>);

/// The same for typed decoding: each `Vec` preallocates from the
/// sequence's size hint, and the hints of nested sequences must not add up
/// to more than the input.
#[test]
fn typed_nested_sequences_do_not_multiply_memory() {
    let input = greedy_nesting(127);
    let bound = 64 * 1024 + 256 * input.len();
    let peak = peak_during(|| {
        let _ = luaxt_format::from_slice::<Nest>(&input);
    });
    assert!(
        peak <= bound,
        "from_slice: {peak} bytes for {} input bytes",
        input.len()
    );
}
