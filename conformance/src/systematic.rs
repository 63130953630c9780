//! Systematic vector files, written from rules rather than by hand:
//!
//! - `91-key-orders.json`: every ordered pair and triple of key kinds
//!   (boolean, integer, float, string, bytes, reference) written in that
//!   wire order, in five settings that send the JS codec (and any
//!   implementation with similar fast paths) down different paths: a bare
//!   hash part, after two string keys (a plain object first), after an
//!   array part (a Map from the start); and, for the pairs, followed by 34
//!   more keys (past luaxt-format's linear duplicate check) and as the
//!   last of ten same-shape records (the shape cache, then leaving it). Whether a
//!   sequence is canonical, and where strict mode stops, is luaxt-format's
//!   verdict ([`crate::oracle`]).
//! - `92-truncations.json`: every proper prefix of every `valid` vector of
//!   the hand-written files (01–14) up to [`SHORT`] bytes long, and of a
//!   longer one the prefixes that end in its first or last [`EDGE`] bytes;
//!   each distinct prefix once.

use luaxt_format::Limits;
use serde_json::{Value as Json, json};

use crate::generate::dump;
use crate::oracle::{Judged, judge};
use crate::raw::{Node, RawTable};
use crate::{Class, vectors};

/// A key kind and three distinct keys of it (the third boolean repeats the
/// first: a triple of booleans has a duplicate).
struct Kind {
    name: &'static str,
    keys: [Node; 3],
}

fn kinds() -> Vec<Kind> {
    vec![
        Kind {
            name: "bool",
            keys: [Node::Bool(0), Node::Bool(1), Node::Bool(0)],
        },
        Kind {
            // Not 1 or 2: those are array keys in some settings.
            name: "int",
            keys: [Node::Int(5), Node::Int(300), Node::Int(-7)],
        },
        Kind {
            name: "float",
            keys: [
                Node::Float(0.5f64.to_bits()),
                Node::Float((-2.5f64).to_bits()),
                Node::Float(1e300f64.to_bits()),
            ],
        },
        Kind {
            name: "str",
            keys: [Node::str("x"), Node::str("yy"), Node::str("z")],
        },
        Kind {
            name: "bytes",
            keys: [
                Node::Bytes(vec![0]),
                Node::Bytes(vec![1, 2]),
                Node::Bytes(vec![255]),
            ],
        },
        Kind {
            name: "ref",
            keys: [Node::Ref(1), Node::Ref(2), Node::Ref(300)],
        },
    ]
}

/// Where the keys under test sit.
#[derive(Clone, Copy)]
enum Setting {
    Bare,
    AfterStrings,
    AfterArray,
    ManyKeys,
    ShapeRecords,
}

impl Setting {
    const ALL: [Setting; 5] = [
        Setting::Bare,
        Setting::AfterStrings,
        Setting::AfterArray,
        Setting::ManyKeys,
        Setting::ShapeRecords,
    ];

    fn name(self) -> &'static str {
        match self {
            Setting::Bare => "bare",
            Setting::AfterStrings => "after-strings",
            Setting::AfterArray => "after-array",
            Setting::ManyKeys => "many-keys",
            Setting::ShapeRecords => "shape-records",
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            Setting::Bare => "in a table with only these keys",
            Setting::AfterStrings => "after the string keys \"a\" and \"b\"",
            Setting::AfterArray => "in a table with an array part",
            Setting::ManyKeys => "followed by 34 reference keys (192-225)",
            Setting::ShapeRecords => {
                "after \"aa\" and \"ab\", as the tenth of ten records whose first nine have string keys only"
            }
        }
    }

    /// The document holding `keys` (values 1, 2, … in order).
    fn document(self, keys: &[Node]) -> Node {
        let entries = |prefix: Vec<Node>| -> Vec<(Node, Node)> {
            prefix
                .into_iter()
                .chain(keys.iter().cloned())
                .enumerate()
                .map(|(i, k)| (k, Node::Int(i as i64 + 1)))
                .collect()
        };
        let table = |hash| {
            Node::Table(RawTable {
                hash,
                ..RawTable::default()
            })
        };
        match self {
            Setting::Bare => table(entries(vec![])),
            Setting::AfterStrings => table(entries(vec![Node::str("a"), Node::str("b")])),
            Setting::AfterArray => Node::Table(RawTable {
                array: vec![Node::Bool(1)],
                hash: entries(vec![]),
                ..RawTable::default()
            }),
            Setting::ManyKeys => {
                let mut hash = entries(vec![]);
                hash.extend((192..226).map(|id| (Node::Ref(id), Node::Bool(1))));
                table(hash)
            }
            Setting::ShapeRecords => {
                let m = 2 + keys.len();
                let names: Vec<String> = (0..m)
                    .map(|i| format!("a{}", (b'a' + i as u8) as char))
                    .collect();
                let record = table(
                    names
                        .iter()
                        .enumerate()
                        .map(|(i, n)| (Node::str(n), Node::Int(i as i64)))
                        .collect(),
                );
                let mut array = vec![record; 9];
                array.push(table(entries(vec![Node::str("aa"), Node::str("ab")])));
                Node::Table(RawTable {
                    array,
                    ..RawTable::default()
                })
            }
        }
    }
}

/// The keys for a sequence of kinds: the i-th use of a kind takes its i-th
/// key, or with `descending` its keys from the last.
fn keys_for(kinds: &[&Kind], descending: bool) -> Vec<Node> {
    let mut used = [0usize; 6];
    let all = self::kinds();
    kinds
        .iter()
        .map(|k| {
            let slot = all
                .iter()
                .position(|a| a.name == k.name)
                .expect("a known kind");
            let i = used[slot];
            used[slot] += 1;
            let pick = if descending { 2 - i } else { i };
            k.keys[pick].clone()
        })
        .collect()
}

fn vector(id: String, description: String, doc: &Node) -> Json {
    match judge(&id, &description, &doc.to_bytes(), Limits::default()) {
        Ok(Judged::Vector(mut v)) => {
            v["section"] = json!("4.2");
            v
        }
        Ok(Judged::Unstatable) => unreachable!("default limits fit every systematic vector"),
        Err(e) => panic!("{id}: luaxt-format disagrees with itself: {e}"),
    }
}

/// The vectors of `91-key-orders.json`.
pub fn key_order_vectors() -> Vec<Json> {
    let all = kinds();
    let mut sequences: Vec<Vec<&Kind>> = Vec::new();
    for a in &all {
        for b in &all {
            sequences.push(vec![a, b]);
        }
    }
    for a in &all {
        for b in &all {
            for c in &all {
                sequences.push(vec![a, b, c]);
            }
        }
    }
    let mut out = Vec::new();
    for setting in Setting::ALL {
        // The two big settings take the pairs only (their vectors are ten
        // times longer; the triples run in the three small ones).
        let big = matches!(setting, Setting::ManyKeys | Setting::ShapeRecords);
        for seq in sequences.iter().filter(|s| !big || s.len() == 2) {
            let names: Vec<&str> = seq.iter().map(|k| k.name).collect();
            let repeats = (1..seq.len()).any(|i| names[..i].contains(&names[i]));
            let orders: &[bool] = if repeats { &[false, true] } else { &[false] };
            for &descending in orders {
                let keys = keys_for(seq, descending);
                let mut id = format!("keyorder.{}.{}", setting.name(), names.join("-"));
                let mut description = format!("hash keys {} in this wire order", names.join(", "));
                if repeats {
                    id += if descending { ".desc" } else { ".asc" };
                    description += if descending {
                        " (a repeated kind's keys in descending order)"
                    } else {
                        " (a repeated kind's keys in ascending order)"
                    };
                }
                description = format!("{description}, {}", setting.phrase());
                out.push(vector(id, description, &setting.document(&keys)));
            }
        }
    }
    out
}

/// Vectors up to this long have every prefix in `92-truncations.json`.
pub const SHORT: usize = 64;

/// A longer vector has the prefixes ending in its first or last EDGE bytes.
pub const EDGE: usize = 16;

/// The vectors of `92-truncations.json`.
pub fn truncation_vectors() -> Vec<Json> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for v in vectors() {
        if v.class != Class::Valid || v.file.starts_with('9') {
            continue;
        }
        let bytes = v.bytes.as_deref().unwrap_or_default();
        // Every prefix of a short vector; of a long one those that end in
        // its first or last EDGE bytes (all prefixes of all vectors would
        // be quadratic in their length: 15 MB).
        let long = bytes.len() > SHORT;
        for len in (0..bytes.len()).filter(|&l| !long || l < EDGE || l >= bytes.len() - EDGE) {
            let prefix = &bytes[..len];
            if !seen.insert((prefix.to_vec(), v.limits.max_depth, v.limits.max_size)) {
                continue;
            }
            let id = format!("truncated.{}.{len}", v.id);
            let description = format!("the first {len} bytes of {}", v.id);
            match judge(&id, &description, prefix, v.limits) {
                Ok(Judged::Vector(mut t)) => {
                    t["section"] = json!("5");
                    out.push(t);
                }
                other => panic!("{id}: {other:?}"),
            }
        }
    }
    out
}

fn file(title: &str, by: &str, vectors: &[Json]) -> String {
    let head = json!({
        "$schema": "../schema/vectors.schema.json",
        "title": title,
        "generated_by": by,
    });
    dump(&head, vectors)
}

/// The text of `vectors/91-key-orders.json`.
pub fn key_orders_json() -> String {
    file(
        "Key order: every ordered pair (five settings) and triple (three settings) of key kinds",
        "cargo run -p luaxt-conformance --bin generate-vectors",
        &key_order_vectors(),
    )
}

/// The text of `vectors/92-truncations.json`.
pub fn truncations_json() -> String {
    file(
        "Truncation: the proper prefixes of every valid hand-written vector (all of a short one, the ends of a long one)",
        "cargo run -p luaxt-conformance --bin generate-vectors",
        &truncation_vectors(),
    )
}

/// A vector file written by a generator: its name and the function that
/// writes its text.
pub type GeneratedFile = (&'static str, fn() -> String);

/// Every file `generate-vectors` writes (a test checks they are current).
pub const GENERATED_FILES: [GeneratedFile; 3] = [
    ("90-generated.json", crate::generate::generated_json),
    ("91-key-orders.json", key_orders_json),
    ("92-truncations.json", truncations_json),
];
