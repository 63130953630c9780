//! Minimising a failing case: the smallest case that still fails the same
//! way is the one worth committing as a vector.
//!
//! Greedy: try each simplification (drop a byte edit, default limits,
//! remove an array value or hash entry, replace a nested table by an
//! integer, forget a declared count), keep the first that still fails, and
//! start again; when none does, delete runs of bytes from the written
//! document. Each step makes the case strictly smaller, so it ends.
//!
//! ```
//! use luaxt_conformance::{cases, shrink::shrink};
//! // Pretend an implementation fails on any input holding the byte 0x07.
//! let case = (0..).map(|i| cases::case(3, i)).find(|c| c.bytes().contains(&7)).unwrap();
//! let small = shrink(case, 10_000, |c| c.bytes().contains(&7));
//! assert_eq!(small.bytes(), [7]);
//! ```

use luaxt_format::Limits;

use crate::cases::Case;
use crate::raw::Node;

/// The smallest case found that `fails`, trying at most `budget`
/// candidates.
pub fn shrink(mut case: Case, budget: usize, mut fails: impl FnMut(&Case) -> bool) -> Case {
    let mut tries = 0;
    'outer: while tries < budget {
        for candidate in simpler(&case) {
            tries += 1;
            if fails(&candidate) {
                case = candidate;
                continue 'outer;
            }
            if tries >= budget {
                break 'outer;
            }
        }
        break;
    }
    // Byte runs: the tree is gone from here on.
    let mut bytes = case.bytes();
    let mut run = bytes.len().div_ceil(2).max(1);
    while run >= 1 && tries < budget {
        let mut shrunk = false;
        let mut at = 0;
        while at < bytes.len() && tries < budget {
            let mut candidate = bytes.clone();
            candidate.drain(at..(at + run).min(bytes.len()));
            let candidate_case = Case {
                limits: case.limits,
                ..Case::of_bytes(candidate.clone())
            };
            tries += 1;
            if fails(&candidate_case) {
                bytes = candidate;
                shrunk = true;
            } else {
                at += run;
            }
        }
        if !shrunk {
            run /= 2;
        }
    }
    if bytes == case.bytes() {
        return case;
    }
    Case {
        limits: case.limits,
        steps: case.steps.clone(),
        ..Case::of_bytes(bytes)
    }
}

/// Every one-step simplification of `case`, simplest first.
fn simpler(case: &Case) -> Vec<Case> {
    let mut out = Vec::new();
    for i in 0..case.edits.len() {
        let mut c = case.clone();
        c.edits.remove(i);
        out.push(c);
    }
    if case.limits != Limits::default() {
        out.push(Case {
            limits: Limits::default(),
            ..case.clone()
        });
    }
    for index in 0..case.tree.table_count() {
        let mut probe = case.tree.clone();
        let t = probe.table_at(index).expect("index < table_count");
        let (n, m) = (t.array.len(), t.hash.len());
        let counted = t.array_count.is_some() || t.hash_count.is_some();
        let with = |f: &dyn Fn(&mut crate::raw::RawTable)| {
            let mut c = case.clone();
            f(c.tree.table_at(index).expect("same tree"));
            c
        };
        for i in 0..n {
            out.push(with(&|t| {
                t.array.remove(i);
            }));
        }
        for i in 0..m {
            out.push(with(&|t| {
                t.hash.remove(i);
            }));
        }
        if counted {
            out.push(with(&|t| {
                t.array_count = None;
                t.hash_count = None;
            }));
        }
        for i in 0..n + 2 * m {
            if probe
                .table_at(index)
                .and_then(|t| nth_content(t, i))
                .is_some()
            {
                out.push(with(&|t| {
                    if let Some(content) = nth_content(t, i) {
                        content.truncate(content.len() / 2);
                    }
                }));
            }
        }
        for i in 0..n {
            if matches!(probe_child(&mut probe, index, i, true), Some(true)) {
                out.push(with(&|t| t.array[i] = Node::Int(0)));
            }
        }
        for i in 0..m {
            if matches!(probe_child(&mut probe, index, i, false), Some(true)) {
                out.push(with(&|t| t.hash[i].1 = Node::Int(0)));
            }
        }
    }
    // Only candidates that are smaller, so the loop ends.
    let size = weight(case);
    out.retain(|c| weight(c) < size);
    out
}

/// Whether the `i`-th array value (or hash value) of table `index` is a table.
fn probe_child(tree: &mut Node, index: usize, i: usize, array: bool) -> Option<bool> {
    let t = tree.table_at(index)?;
    let child = if array {
        t.array.get(i)?
    } else {
        &t.hash.get(i)?.1
    };
    Some(matches!(child, Node::Table(_)))
}

/// The content of the `i`-th item (array values, then keys and values) if
/// it is a non-empty string or byte string.
fn nth_content(t: &mut crate::raw::RawTable, i: usize) -> Option<&mut Vec<u8>> {
    match t.children_mut().nth(i)? {
        Node::Str(s) | Node::Bytes(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

fn weight(case: &Case) -> usize {
    case.tree.size()
        + case.edits.len()
        + usize::from(case.limits != Limits::default())
        + case.tree.table_count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases;

    #[test]
    fn keeps_what_fails_and_drops_the_rest() {
        // Fails when some table has a nil array value: shrinks to a table
        // holding just that nil.
        let has_hole = |c: &Case| {
            let mut tree = c.tree.clone();
            (0..tree.table_count()).any(|i| tree.table_at(i).unwrap().array.contains(&Node::Nil))
                && c.edits.is_empty()
        };
        let case = (0..)
            .map(|i| cases::case(11, i))
            .find(|c| has_hole(c) && c.tree.size() > 10)
            .unwrap();
        let small = shrink(case, 10_000, has_hole);
        assert_eq!(small.bytes(), [6, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn a_case_that_stops_failing_is_returned_whole() {
        let case = cases::case(4, 4);
        let small = shrink(case.clone(), 100, |_| false);
        assert_eq!(small, case);
    }
}
