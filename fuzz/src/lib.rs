//! Shared pieces of the luaxt fuzz targets: an allocation-counting global
//! allocator, small helpers over `luaxt_format` values, and the floats the
//! typed targets compare by bits.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use luaxt_format::{Canonicity, DecodeOptions, ErrorKind, Limits, Value, encode, from_slice_with};

/// A global allocator that counts live bytes and their peak, so a target
/// can assert how much a call allocated. Install it in a target with
/// `#[global_allocator] static ALLOC: Counting = Counting;`.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call forwards to `System` with the caller's arguments; the
// counters are only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            grew(new_size);
        }
        new
    }
}

/// Runs `f` and returns its result with the peak number of bytes it had
/// allocated at once (above what was live when it started). Only
/// meaningful in a binary whose global allocator is [`Counting`].
pub fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed).saturating_sub(base))
}

/// How many tables are nested in `value` (a scalar 0, a table 1, …), the
/// depth the limits of spec §6 count.
pub fn depth(value: &Value) -> u32 {
    match value {
        Value::Table(t) => {
            let inner = t
                .array()
                .iter()
                .chain(t.hash().iter().map(|(_, v)| v))
                .map(depth)
                .max()
                .unwrap_or(0);
            inner + 1
        }
        _ => 0,
    }
}

/// The class and offset of an error, for comparing two decoders' errors.
pub fn class(err: &luaxt_format::Error) -> (&'static str, Option<usize>) {
    (err.kind().name(), err.offset())
}

/// Whether a value is a valid table key (spec §3.1).
pub fn is_key(value: &Value) -> bool {
    luaxt_format::encode_key(value).is_ok()
}

/// The cheap decode checks of `decode_lean` and `decode_cases`, with
/// `limits`: see `fuzz_targets/decode_lean.rs` for what they assert.
pub fn check_lean(data: &[u8], limits: Limits) {
    let lenient_options = DecodeOptions::new().limits(limits);
    let strict_options = lenient_options.strict(true);
    match (lenient_options.check(data), strict_options.decode_ref(data)) {
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
            let value = lenient_options
                .decode(data)
                .expect("lenient decode accepts what check accepts");
            let canonical = encode(&value).expect("a decoded value encodes");
            assert!(canonical != data, "strict refused canonical input");
        }
        (checked, strict) => panic!("check {checked:?} but strict {strict:?}"),
    }
}

/// Bytes `decode` and `decode_ref` may hold at their peak per input byte
/// (spec §6.6; `format/tests/allocation.rs` asserts the same).
pub const DECODE_BYTES_PER_INPUT_BYTE: usize = 48;

/// The same for `from_slice::<Value>` (spec §6.6).
pub const SERDE_VALUE_BYTES_PER_INPUT_BYTE: usize = 96;

/// Bytes `check` may hold per key of the open tables when some table's
/// keys are out of order: an 8-byte offset, doubled by growth (spec §6.6).
/// Every key and its value take at least 3 input bytes.
pub const CHECK_BYTES_PER_KEY: usize = 16;

/// A fixed allowance on top of the per-byte bounds.
pub const ALLOWANCE: usize = 4096;

/// What the error `check` returns may hold: an `Error` is one box (six
/// words) and, for some classes, a short message.
pub const ERROR_BYTES: usize = 128;

/// Asserts the memory bounds of spec §6.6 for every decoder of `data`
/// under `limits`, leniently and strictly; only meaningful in a binary whose
/// global allocator is [`Counting`]. `check` of input whose keys are in
/// canonical order must allocate nothing but the error it returns, and
/// nothing at all for canonical input.
pub fn check_memory(data: &[u8], limits: Limits) {
    let len = data.len();
    for strict in [false, true] {
        let options = DecodeOptions::new().limits(limits).strict(strict);
        let bound = ALLOWANCE + DECODE_BYTES_PER_INPUT_BYTE * len;
        let (_, peak) = peak_allocation(|| drop(options.decode(data)));
        assert!(peak <= bound, "decode of {len} bytes held {peak} bytes (strict={strict})");
        let (_, peak) = peak_allocation(|| drop(options.decode_ref(data)));
        assert!(peak <= bound, "decode_ref of {len} bytes held {peak} bytes (strict={strict})");
        let bound = ALLOWANCE + SERDE_VALUE_BYTES_PER_INPUT_BYTE * len;
        let (_, peak) = peak_allocation(|| drop(from_slice_with::<Value>(data, &options)));
        assert!(peak <= bound, "from_slice::<Value> of {len} bytes held {peak} bytes (strict={strict})");
        let (checked, peak) = peak_allocation(|| options.check(data));
        let bound = ERROR_BYTES + CHECK_BYTES_PER_KEY * len / 3;
        assert!(peak <= bound, "check of {len} bytes held {peak} bytes (strict={strict})");
        if checked == Ok(Canonicity::Canonical) {
            assert_eq!(peak, 0, "check of canonical input allocated (strict={strict})");
        }
    }
}

/// Floats compared as the format compares them: by bits, all NaNs equal.
/// Newtypes, so written as their float (serde and the derive alike).
macro_rules! bit_compared {
    ($($(#[$doc:meta])* $name:ident($float:ty);)*) => {$(
        $(#[$doc])*
        #[derive(
            arbitrary::Arbitrary,
            serde::Serialize,
            serde::Deserialize,
            luaxt_derive::Encode,
            luaxt_derive::Decode,
            Debug,
            Clone,
            Copy,
        )]
        pub struct $name(pub $float);

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                (self.0.is_nan() && other.0.is_nan()) || self.0.to_bits() == other.0.to_bits()
            }
        }
    )*};
}

bit_compared! {
    /// An f64 compared by bits, all NaNs equal.
    F64(f64);
    /// An f32, widened to f64 on the wire and narrowed back; compared as
    /// [`F64`].
    F32(f32);
}
