//! Decoding hostile input allocates in proportion to the input, not to the
//! lengths it declares (spec §6: lengths are checked before allocating).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use luaxt_format::{DecodeOptions, ValueRef, decode};

/// Counts live bytes and remembers the peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(live, Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated while `f` runs (tests in this file run one at a
/// time through a lock, so other tests do not disturb the count).
fn peak_during(f: impl FnOnce()) -> usize {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let before = LIVE.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    f();
    PEAK.load(Ordering::SeqCst) - before
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
