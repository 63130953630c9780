//! Generated cases for the differential run: seeded documents of every
//! shape the implementations treat specially, and their mutations.
//!
//! A case is a wire tree ([`Node`]), byte edits applied after writing it,
//! and the limits to decode with. [`case`] derives case `index` of run
//! `seed` on its own, so any case is reproduced from the two numbers.
//!
//! The documents cover both sides of every fast path the implementations
//! have (see the constants below): string lengths around the JS codec's
//! short-string and key-cache limits, runs of same-shape records around
//! its shape-cache thresholds, array counts around its preallocation limit,
//! hash parts around luaxt-format's linear duplicate check, depth around
//! the limit, and tables mixing every key kind. The mutations break one
//! rule each: key order, duplicate and array-range keys, holes, nil values,
//! integral float and -0.0 keys, NaN payloads, invalid keys, wrong counts,
//! bad UTF-8, boolean bytes, unknown tags; byte edits truncate, flip,
//! insert, delete or append bytes.
//!
//! ```
//! use luaxt_conformance::cases;
//! let a = cases::case(7, 42);
//! assert_eq!(a.bytes(), cases::case(7, 42).bytes()); // reproducible
//! println!("{}", a.description());
//! ```

use luaxt_format::{Limits, Table, Value};

use crate::generate::Generator;
use crate::raw::{Node, RawTable};

/// String lengths where implementations switch paths: the JS codec's
/// short-string loop (32), key cache (24) and shape key limit (64), and
/// word-at-a-time ASCII checks (8, 16).
pub const STRING_EDGES: [usize; 21] = [
    0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256,
];

/// Record counts around the JS codec's shape cache (compiled after 8 uses,
/// replaced after 16 misses).
pub const RECORD_EDGES: [usize; 9] = [1, 2, 7, 8, 9, 15, 16, 17, 24];

/// Array counts around the JS codec's preallocation limit (256).
pub const ARRAY_EDGES: [usize; 5] = [254, 255, 256, 257, 300];

/// Hash counts around luaxt-format's linear duplicate check (32 entries)
/// and the JS shape key limit (64).
pub const HASH_EDGES: [usize; 8] = [31, 32, 33, 34, 63, 64, 65, 66];

/// Invalid UTF-8 sequences: a stray byte, overlong forms, a surrogate,
/// a code point above U+10FFFF, a truncated sequence, a lone continuation.
pub const BAD_UTF8: [&[u8]; 8] = [
    &[0xFF],
    &[0xC0, 0x80],
    &[0xE0, 0x80, 0x80],
    &[0xED, 0xA0, 0x80],
    &[0xF4, 0x90, 0x80, 0x80],
    &[0xE2, 0x82],
    &[0x80],
    &[0xF0, 0x9F, 0x98],
];

/// NaNs other than the canonical 0x7FF8000000000000 (§4.3).
pub const OTHER_NANS: [u64; 4] = [
    0x7FF0_0000_0000_0001,
    0xFFF8_0000_0000_0000,
    0x7FFF_FFFF_FFFF_FFFF,
    0x7FF8_0000_0000_0001,
];

/// One generated case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The document before byte edits.
    pub tree: Node,
    /// Edits applied to the written tree, in order.
    pub edits: Vec<ByteEdit>,
    /// The limits to decode with.
    pub limits: Limits,
    /// What was generated and changed, for the vector's description.
    pub steps: Vec<&'static str>,
}

/// A change to the written bytes; a position past the end is clamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteEdit {
    /// Keep the first `n` bytes.
    Truncate(usize),
    /// XOR the byte at the position with a mask.
    Flip(usize, u8),
    /// Insert a byte before the position.
    Insert(usize, u8),
    /// Delete the byte at the position.
    Delete(usize),
    /// Append a byte.
    Append(u8),
}

impl ByteEdit {
    fn apply(self, bytes: &mut Vec<u8>) {
        let len = bytes.len();
        match self {
            ByteEdit::Truncate(n) => bytes.truncate(n),
            ByteEdit::Flip(at, mask) if at < len => bytes[at] ^= mask,
            ByteEdit::Insert(at, byte) => bytes.insert(at.min(len), byte),
            ByteEdit::Delete(at) if at < len => {
                bytes.remove(at);
            }
            ByteEdit::Append(byte) => bytes.push(byte),
            ByteEdit::Flip(..) | ByteEdit::Delete(..) => {}
        }
    }
}

impl Case {
    /// A case of exactly these bytes, default limits.
    pub fn of_bytes(bytes: Vec<u8>) -> Case {
        Case {
            tree: Node::Raw(bytes),
            edits: Vec::new(),
            limits: Limits::default(),
            steps: vec!["bytes"],
        }
    }

    /// The input bytes: the tree written, then the edits.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = self.tree.to_bytes();
        for edit in &self.edits {
            edit.apply(&mut bytes);
        }
        bytes
    }

    /// `a generated …, then …` from the steps.
    pub fn description(&self) -> String {
        let mut text = format!("generated: {}", self.steps.join(", "));
        if self.limits != Limits::default() {
            text += &format!(
                " (max_depth {}, max_size {})",
                self.limits.max_depth, self.limits.max_size
            );
        }
        text
    }
}

/// Case `index` of the run with `seed`.
pub fn case(seed: u64, index: u64) -> Case {
    let mut g = Generator::new(seed ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    g.bits();
    case_from(&mut g)
}

/// The case whose choices are read from `tape` (for a structure-aware
/// fuzz target: libFuzzer's mutations of the tape change the document's
/// shape and its mutations, not just bytes).
pub fn case_from_tape(tape: &[u8]) -> Case {
    case_from(&mut Generator::from_tape(tape))
}

fn case_from(g: &mut Generator) -> Case {
    let (tree, kind) = document(g);
    let mut case = Case {
        tree,
        edits: Vec::new(),
        limits: Limits::default(),
        steps: vec![kind],
    };
    let mutations = g.pick(&[0, 0, 1, 1, 1, 2, 3]);
    for _ in 0..mutations {
        mutate(g, &mut case);
    }
    if g.below(6) == 0 {
        edit_bytes(g, &mut case);
    }
    if g.below(8) == 0 {
        tighten_limits(g, &mut case);
    }
    case
}

/// A document of one of the shapes implementations treat specially.
fn document(g: &mut Generator) -> (Node, &'static str) {
    match g.below(100) {
        0..=29 => {
            let depth = g.pick(&[1, 2, 3]);
            (
                Node::from_value(&Value::Table(g.table(depth))),
                "mixed table",
            )
        }
        30..=41 => (records(g), "same-shape records"),
        42..=47 => (long_array(g), "long array part"),
        48..=55 => (long_hash(g), "long hash part"),
        56..=69 => (key_mix(g), "keys of mixed kinds in random order"),
        70..=79 => (edge_strings(g), "strings of edge lengths"),
        80..=84 => {
            let depth = 126 + g.below(5) as usize;
            (depth_chain(g, depth), "deep nesting")
        }
        _ => (Node::from_value(&g.value(1)), "scalar or small table"),
    }
}

/// A string of `len` bytes: ASCII, or ending in a multi-byte character.
fn edge_string(g: &mut Generator, len: usize) -> String {
    let tail = match g.below(4) {
        0 if len >= 2 => "é",
        1 if len >= 3 => "€",
        2 if len >= 4 => "😀",
        _ => "",
    };
    let mut s: String = (0..len - tail.len())
        .map(|_| char::from(b'a' + g.below(26) as u8))
        .collect();
    s.push_str(tail);
    s
}

fn edge_len(g: &mut Generator) -> usize {
    g.pick(&STRING_EDGES)
}

/// An array of same-shape records: string keys of edge lengths, scalar
/// values; sometimes the last record has other keys.
fn records(g: &mut Generator) -> Node {
    let count = g.pick(&RECORD_EDGES);
    let keys: Vec<String> = (0..1 + g.below(6))
        .map(|_| {
            let len = if g.below(2) == 0 {
                edge_len(g).max(1)
            } else {
                1 + g.below(6) as usize
            };
            edge_string(g, len)
        })
        .collect();
    let mut array = Vec::with_capacity(count);
    for i in 0..count {
        let mut t = Table::new();
        for key in &keys {
            let value = g.value(0);
            let _ = t.insert(Value::from(key.as_str()), value);
        }
        if i + 1 == count && g.below(3) == 0 {
            let _ = t.insert(g.key(), g.value(0));
        }
        array.push(Value::Table(t));
    }
    Node::from_value(&Value::Table(Table::from_array(array)))
}

fn long_array(g: &mut Generator) -> Node {
    let n = g.pick(&ARRAY_EDGES);
    let strings = g.below(2) == 0;
    let array = (0..n)
        .map(|i| {
            if strings {
                Value::from(format!("v{i}"))
            } else {
                Value::Int(g.int())
            }
        })
        .collect();
    let mut t = Table::from_array(array);
    if g.below(3) == 0 {
        let _ = t.insert(g.key(), g.value(0));
    }
    Node::from_value(&Value::Table(t))
}

fn long_hash(g: &mut Generator) -> Node {
    let m = g.pick(&HASH_EDGES);
    let mut t = Table::new();
    let kind = g.below(3);
    while t.hash().len() < m {
        let key = match kind {
            0 => Value::from(format!("k{}", g.below(10_000))),
            1 => Value::Int(g.int()),
            _ => g.key(),
        };
        let _ = t.insert(key, g.value(0));
    }
    Node::from_value(&Value::Table(t))
}

/// 2-6 keys of any kind in random wire order, after an optional array
/// part or string keys (the JS codec's Map and object paths).
fn key_mix(g: &mut Generator) -> Node {
    let mut table = RawTable::default();
    match g.below(3) {
        0 => table.array = (0..1 + g.below(3)).map(|i| Node::Int(i as i64)).collect(),
        1 => {
            for s in ["a", "b"] {
                table.hash.push((Node::str(s), Node::Bool(1)));
            }
        }
        _ => {}
    }
    for _ in 0..2 + g.below(5) {
        let key = Node::from_value(&g.key());
        table.hash.push((key, Node::from_value(&g.value(0))));
    }
    Node::Table(table)
}

fn edge_strings(g: &mut Generator) -> Node {
    let mut t = Table::new();
    for _ in 0..1 + g.below(4) {
        let len = edge_len(g);
        let key = edge_string(g, len);
        let len = edge_len(g);
        let value = edge_string(g, len);
        let _ = t.insert(Value::from(key), Value::from(value));
    }
    Node::from_value(&Value::Table(t))
}

/// Tables nested `depth` deep, as array values or as hash values.
fn depth_chain(g: &mut Generator, depth: usize) -> Node {
    let in_hash = g.below(2) == 0;
    let mut node = Node::from_value(&g.value(0));
    for _ in 0..depth {
        let mut t = RawTable::default();
        if in_hash {
            t.hash.push((Node::str("a"), node));
        } else {
            t.array.push(node);
        }
        node = Node::Table(t);
    }
    node
}

/// Breaks one rule in a random table of the case.
fn mutate(g: &mut Generator, case: &mut Case) {
    let tables = case.tree.table_count();
    if tables == 0 {
        // A scalar document: make it one of the bad scalars.
        case.tree = bad_scalar(g);
        case.steps.push("a bad scalar");
        return;
    }
    let index = g.below(tables as u64) as usize;
    // A second generator for values, so the borrow of the table is simple.
    let mut values = Generator::new(g.bits());
    let t = case.tree.table_at(index).expect("index < table_count");
    let n = t.array.len();
    let m = t.hash.len();
    let step = match g.below(15) {
        0 if m >= 2 => {
            let i = g.below(m as u64 - 1) as usize;
            t.hash.swap(i, i + 1);
            "two hash entries swapped"
        }
        1 if m >= 1 => {
            let i = g.below(m as u64) as usize;
            let key = t.hash[i].0.clone();
            let at = g.below(m as u64 + 1) as usize;
            t.hash.insert(at, (key, Node::from_value(&values.value(0))));
            "a key duplicated"
        }
        2 => {
            let k = 1 + g.below(n as u64 + 1) as i64;
            let at = g.below(m as u64 + 1) as usize;
            t.hash.insert(at, (Node::Int(k), Node::Bool(1)));
            if k as usize <= n {
                "a hash key in the array range"
            } else {
                "the key n+1 in the hash part"
            }
        }
        3 if n >= 1 => {
            let i = g.below(n as u64) as usize;
            t.array[i] = Node::Nil;
            "a hole in the array part"
        }
        4 if m >= 1 => {
            let i = g.below(m as u64) as usize;
            t.hash[i].1 = Node::Nil;
            "a nil hash value"
        }
        5 => {
            let f = g.pick(&[
                0.0,
                -0.0,
                1.0,
                (n + 1) as f64,
                -1.0,
                2.0f64.powi(53),
                2.0f64.powi(63),
                -(2.0f64.powi(63)),
                0.5,
            ]);
            let at = g.below(m as u64 + 1) as usize;
            t.hash.insert(at, (Node::Float(f.to_bits()), Node::Int(1)));
            "a float key (integral, -0.0 or not)"
        }
        6 => {
            let nan = Node::Float(g.pick(&OTHER_NANS));
            if n >= 1 && g.below(2) == 0 {
                let i = g.below(n as u64) as usize;
                t.array[i] = nan;
            } else {
                t.hash.push((Node::str("nan"), nan));
            }
            "a NaN other than the canonical one"
        }
        7 => {
            let key = match g.below(3) {
                0 => Node::Nil,
                1 => Node::Float(g.pick(&[luaxt_format::CANONICAL_NAN_BITS, OTHER_NANS[1]])),
                _ => Node::Table(RawTable::default()),
            };
            let at = g.below(m as u64 + 1) as usize;
            t.hash.insert(at, (key, Node::Int(1)));
            "a nil, NaN or table key"
        }
        8 => {
            let delta = g.pick(&[-1i64, 1, 2, 1 << 20]);
            if g.below(2) == 0 {
                t.array_count = Some((n as i64 + delta).max(0) as u32);
            } else {
                t.hash_count = Some((m as i64 + delta).max(0) as u32);
            }
            "a count that disagrees with the items"
        }
        9 => {
            let mut s = b"ok".to_vec();
            s.extend(g.pick(&BAD_UTF8));
            if g.below(2) == 0 {
                s.extend(b"tail");
            }
            if g.below(2) == 0 {
                t.hash.push((Node::Str(s), Node::Int(1)));
            } else {
                t.hash.push((Node::str("s"), Node::Str(s)));
            }
            "bad UTF-8 in a string"
        }
        10 => {
            let b = g.pick(&[2u8, 0x80, 0xFF]);
            t.array.push(Node::Bool(b));
            if t.array_count.is_some() {
                t.array_count = None;
            }
            "a boolean byte other than 0 and 1"
        }
        11 => {
            let tag = 0x08 + g.below(0xF8) as u8;
            t.array.push(Node::Tag(tag));
            "an unknown tag"
        }
        12 => {
            let at = g.below(m as u64 + 1) as usize;
            let key = Node::from_value(&values.key());
            t.hash.insert(at, (key, Node::from_value(&values.value(0))));
            "an entry at a random place"
        }
        13 if m >= 2 => {
            t.hash.reverse();
            "the hash part reversed"
        }
        _ if n >= 1 => {
            let last = t.array.pop().expect("n >= 1");
            t.hash.insert(0, (Node::Int(n as i64), last));
            "the last array value moved to the hash part"
        }
        _ => {
            t.hash.push((Node::Int(1), Node::Bool(1)));
            "key 1 in the hash part"
        }
    };
    case.steps.push(step);
}

fn bad_scalar(g: &mut Generator) -> Node {
    match g.below(4) {
        0 => Node::Bool(g.pick(&[2, 0xFF])),
        1 => Node::Float(g.pick(&OTHER_NANS)),
        2 => Node::Str(g.pick(&BAD_UTF8).to_vec()),
        _ => Node::Tag(0x08 + g.below(0xF8) as u8),
    }
}

fn edit_bytes(g: &mut Generator, case: &mut Case) {
    let len = case.bytes().len();
    let at = g.below(len as u64 + 1) as usize;
    let (edit, step) = match g.below(5) {
        0 => (ByteEdit::Truncate(at), "truncated"),
        1 => (ByteEdit::Flip(at, 1 << g.below(8)), "a bit flipped"),
        2 => (ByteEdit::Insert(at, g.bits() as u8), "a byte inserted"),
        3 => (ByteEdit::Delete(at), "a byte deleted"),
        _ => (ByteEdit::Append(g.bits() as u8), "a trailing byte"),
    };
    case.edits.push(edit);
    case.steps.push(step);
}

/// Limits at the edge of the document: depth 0-4 or a size within a few
/// bytes of its length.
fn tighten_limits(g: &mut Generator, case: &mut Case) {
    let len = case.bytes().len() as u64;
    if g.below(2) == 0 {
        case.limits.max_depth = g.below(5) as u32;
    } else {
        case.limits.max_size = (len + g.below(5)).saturating_sub(2);
    }
    case.steps.push("tight limits");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_reproducible_and_differ() {
        let a: Vec<Vec<u8>> = (0..200).map(|i| case(1, i).bytes()).collect();
        let b: Vec<Vec<u8>> = (0..200).map(|i| case(1, i).bytes()).collect();
        assert_eq!(a, b);
        let other: Vec<Vec<u8>> = (0..200).map(|i| case(2, i).bytes()).collect();
        assert_ne!(a, other);
        let distinct: std::collections::BTreeSet<_> = a.iter().collect();
        assert!(distinct.len() > 150, "{} distinct of 200", distinct.len());
    }

    #[test]
    fn a_tape_steers_the_case() {
        // The first tape byte picks the document kind (below(100)): 30-41
        // are records, 80-84 deep nesting.
        let records = case_from_tape(&[35, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(records.steps[0], "same-shape records");
        let deep = case_from_tape(&[82, 4]);
        assert_eq!(deep.steps[0], "deep nesting");
        assert_eq!(deep.tree.table_count(), 130);
        assert_eq!(case_from_tape(&[82, 4]), deep);
    }

    #[test]
    fn byte_edits_clamp_positions() {
        let mut bytes = vec![1, 2, 3];
        ByteEdit::Flip(9, 1).apply(&mut bytes);
        ByteEdit::Delete(9).apply(&mut bytes);
        ByteEdit::Insert(9, 7).apply(&mut bytes);
        assert_eq!(bytes, [1, 2, 3, 7]);
        ByteEdit::Truncate(1).apply(&mut bytes);
        assert_eq!(bytes, [1]);
    }
}
