//! Decoding hostile input allocates in proportion to the input, not to the
//! lengths it declares (spec §6.3), and within the documented factors of
//! spec §6.6: `decode` and `decode_ref` at most 48 bytes per input byte,
//! `from_slice::<Value>` at most 96, `check` nothing for input whose keys
//! are in canonical order and otherwise 16 bytes per key of the open
//! tables.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use luaxt_format::{DecodeOptions, Value, ValueRef, decode};

/// Counts the live bytes of the calling thread and remembers its peak.
///
/// Per-thread counts keep the test harness and tests running on other
/// threads out of the measurement. A reallocation counts as its new size,
/// as in the fuzz targets (a large block grows in place or is remapped; a
/// small one may be copied, for a moment twice).
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

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            record(-(layout.size() as isize));
            record(new_size as isize);
        }
        new
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
        include_bytes!("findings/nested-preallocation").to_vec(),
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

/// A table of these array values and hash entries, written as they are.
fn table(array: &[Vec<u8>], hash: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = vec![0x06];
    bytes.extend((array.len() as u32).to_le_bytes());
    bytes.extend(array.concat());
    bytes.extend((hash.len() as u32).to_le_bytes());
    for (key, value) in hash {
        bytes.extend(key);
        bytes.extend(value);
    }
    bytes
}

/// `k` nested tables, each the only array value of the one around it.
fn nested(k: usize) -> Vec<u8> {
    let mut bytes = [0x06, 1, 0, 0, 0].repeat(k - 1);
    bytes.extend([0x06, 0, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend([0u8; 4].repeat(k - 1));
    bytes
}

/// A `0x07` reference key (5 bytes: the smallest keys with room for many).
fn ref_key(id: u32) -> Vec<u8> {
    let mut key = vec![0x07];
    key.extend(id.to_le_bytes());
    key
}

/// Adversarial shapes of about `size` bytes: the smallest items of each
/// kind, where the decoded value costs the most per input byte. Those whose
/// keys are out of canonical order come last (`SORTED` of them are not).
fn shapes(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    let t = vec![0x01, 0x01];
    let nil = vec![0x00];
    let mut hole_then_values = vec![nil.clone()];
    hole_then_values.extend(vec![t.clone(); size / 2]);
    let alternating: Vec<_> = (0..size / 3)
        .map(|i| if i % 2 == 0 { nil.clone() } else { t.clone() })
        .collect();
    let mut by_ref: Vec<_> = (0..(size / 7) as u32)
        .map(|i| (ref_key(i), t.clone()))
        .collect();
    by_ref.sort();
    let nil_values: Vec<_> = by_ref
        .iter()
        .map(|(k, _)| (k.clone(), nil.clone()))
        .collect();
    let mut reversed = by_ref.clone();
    reversed.reverse();
    let int_keys: Vec<_> = (1..=(size / 11) as i64)
        .map(|i| {
            let mut key = vec![0x02];
            key.extend(i.to_le_bytes());
            (key, t.clone())
        })
        .collect();
    let mut array_and_hash: Vec<_> = vec![t.clone(); size / 4];
    array_and_hash.push(nil.clone());
    vec![
        ("array of nils", table(&vec![nil.clone(); size], &[])),
        (
            "array of empty tables",
            table(&vec![table(&[], &[]); size / 9], &[]),
        ),
        ("array of booleans", table(&vec![t.clone(); size / 2], &[])),
        ("a hole, then booleans", table(&hole_then_values, &[])),
        ("nil and boolean in turn", table(&alternating, &[])),
        ("128 nested tables", nested(128)),
        (
            "array of nested tables",
            table(&vec![nested(127); size / 1143], &[]),
        ),
        (
            "1-byte strings",
            table(&vec![vec![0x04, 1, 0, 0, 0, b'a']; size / 6], &[]),
        ),
        ("tiny hash entries", table(&[], &by_ref)),
        ("hash entries with nil values", table(&[], &nil_values)),
        (
            "array part, hole, hash part",
            table(&array_and_hash, &by_ref[..size / 14]),
        ),
        ("greedy nesting", greedy_nesting(127)),
        // Keys out of order:
        ("tiny hash entries, reversed", table(&[], &reversed)),
        ("integer keys 1..m in the hash part", table(&[], &int_keys)),
    ]
}

/// How many of [`shapes`] have their keys in canonical order.
const SORTED: usize = 12;

#[test]
fn decoding_takes_at_most_48_bytes_per_input_byte() {
    for (name, input) in shapes(64 * 1024) {
        let bound = 4096 + 48 * input.len();
        for strict in [false, true] {
            let options = DecodeOptions::new().strict(strict);
            let peak = peak_during(|| drop(options.decode(&input)));
            assert!(
                peak <= bound,
                "{name}: Value: {peak} bytes for {} input bytes",
                input.len()
            );
            let peak = peak_during(|| drop(options.decode_ref(&input)));
            assert!(
                peak <= bound,
                "{name}: ValueRef: {peak} bytes for {} input bytes",
                input.len()
            );
        }
    }
}

/// Records shaped like the benchmark's (`benches/codecs.rs`): nine fields,
/// a 200-byte text, eight floats, four integers and a nested table.
fn records(count: usize) -> Vec<u8> {
    let record = |i: i64| {
        let mut table = luaxt_format::Table::new();
        let mut set = |key: &str, value: Value| table.insert(key.into(), value).unwrap();
        let list = |values: Vec<Value>| Value::Table(luaxt_format::Table::from_array(values));
        set("id", Value::Int(i));
        set("name", format!("user_{i}").into());
        set("score", Value::Float(i as f64 + 0.5));
        set("active", Value::Bool(i % 2 == 0));
        set("tags", list(vec!["alpha".into(), "beta".into()]));
        set("bio", "lorem ipsum ".repeat(17).into());
        set(
            "readings",
            list((0..8).map(|k| Value::Float(k as f64 + 0.25)).collect()),
        );
        set("counts", list((0..4).map(Value::Int).collect()));
        let mut geo = luaxt_format::Table::new();
        geo.insert("lat".into(), Value::Float(1.5)).unwrap();
        geo.insert("lon".into(), Value::Float(2.5)).unwrap();
        geo.insert("city".into(), "city_7".into()).unwrap();
        set("geo", Value::Table(geo));
        Value::Table(table)
    };
    let all = (0..count as i64).map(record).collect();
    luaxt_format::encode(&Value::Table(luaxt_format::Table::from_array(all))).unwrap()
}

/// A decoded tree is mostly values: with two-word tables a `ValueRef` is
/// three words, and a tree of records takes less than twice its input
/// (with `Vec` parts, seven words a value, it took 3.4 times).
#[test]
#[cfg(target_pointer_width = "64")]
fn a_tree_of_records_is_smaller_than_twice_its_input() {
    let input = records(2000);
    let peak = peak_during(|| drop(ValueRef::decode(&input).unwrap()));
    assert!(
        peak < 2 * input.len(),
        "ValueRef: {peak} bytes for {} input bytes",
        input.len()
    );
}

/// A struct declared out of canonical order, nested in itself: every
/// level is reordered when it ends.
#[derive(serde::Serialize)]
struct Chain {
    zz_inner: Option<Box<Chain>>,
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
}

/// Serializing holds the output and about one more copy of it, whatever
/// the nesting: reordering a level does not keep a copy per level.
#[test]
fn nested_reordered_structs_encode_in_memory_proportional_to_the_output() {
    let mut nest = None;
    for _ in 0..60 {
        nest = Some(Box::new(Chain {
            zz_inner: nest,
            blob: vec![7; 50_000],
        }));
    }
    // A small one first, so that the big one's levels know their order.
    let first = Chain {
        zz_inner: None,
        blob: Vec::new(),
    };
    let both = (first, nest.unwrap());
    let size = luaxt_format::to_vec(&both).unwrap().len();
    let peak = peak_during(|| drop(luaxt_format::to_vec(&both).unwrap()));
    assert!(peak < 4 * size, "{peak} bytes to write {size}");
}

#[test]
fn serde_values_take_at_most_96_bytes_per_input_byte() {
    // A fuzzer finding: an array part reserved from its declared count, a
    // hole, then values (hash entries) growing beside the unused room.
    let finding = include_bytes!("findings/serde-array-reserved-then-hole");
    let mut inputs = shapes(64 * 1024);
    inputs.push(("array reserved, then a hole", finding.to_vec()));
    for (name, input) in inputs {
        let bound = 4096 + 96 * input.len();
        let peak = peak_during(|| drop(luaxt_format::from_slice::<Value>(&input)));
        assert!(
            peak <= bound,
            "{name}: {peak} bytes for {} input bytes",
            input.len()
        );
    }
}

#[test]
fn check_needs_memory_only_for_keys_out_of_order() {
    for (i, (name, input)) in shapes(64 * 1024).into_iter().enumerate() {
        for strict in [false, true] {
            let options = DecodeOptions::new().strict(strict);
            let peak = peak_during(|| drop(options.check(&input)));
            // Keys out of order somewhere: an offset per key of the open
            // tables (each key and value take 3 bytes or more), doubled by
            // growth. In order: nothing but the error it may return (a box
            // of six words, and a short message).
            let error = 128;
            let bound = if i < SORTED {
                error
            } else {
                error + 16 * input.len() / 3
            };
            assert!(
                peak <= bound,
                "{name}: {peak} bytes for {} input bytes",
                input.len()
            );
        }
    }
}

#[test]
fn check_and_decode_agree_on_the_shapes() {
    for (name, input) in shapes(4096) {
        for strict in [false, true] {
            let options = DecodeOptions::new().strict(strict);
            let decoded = options.decode(&input).map(|_| ());
            let checked = options.check(&input).map(|_| ());
            assert_eq!(decoded, checked, "{name} strict={strict}");
        }
    }
}
