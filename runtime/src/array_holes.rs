//! [`Holes`]: the absent positions of a table's array part, as runs, so
//! that the border and the next present position are found in O(log n).
//!
//! Walking the slots one by one made both linear in the run of absent or
//! present positions they cross: a script that deletes and re-adds `t[1]`
//! of a table of 2^22 elements walked 2^22 slots per assignment, work the
//! instruction budget never saw.

use std::collections::BTreeMap;
use std::ops::Bound;

/// Absent positions (1-based) of an array part, kept as maximal runs
/// `first..=last` (keyed by `first`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Holes {
    runs: BTreeMap<usize, usize>,
}

impl Holes {
    /// The run that holds `k`, as `(first, last)`.
    fn run_of(&self, k: usize) -> Option<(usize, usize)> {
        let (&first, &last) = self.runs.range(..=k).next_back()?;
        (k <= last).then_some((first, last))
    }

    /// Marks `k` absent (it was present).
    pub(crate) fn insert(&mut self, k: usize) {
        debug_assert!(self.run_of(k).is_none(), "{k} is already a hole");
        let mut first = k;
        let mut last = k;
        // Joins the run that ends just before `k`…
        if let Some((&before, &end)) = self.runs.range(..k).next_back()
            && end + 1 == k
        {
            first = before;
        }
        // …and the one that starts just after it.
        if let Some(end) = self.runs.remove(&(k + 1)) {
            last = end;
        }
        self.runs.insert(first, last);
    }

    /// Marks `k` present (it was absent).
    pub(crate) fn remove(&mut self, k: usize) {
        let Some((first, last)) = self.run_of(k) else {
            debug_assert!(false, "{k} is not a hole");
            return;
        };
        self.runs.remove(&first);
        if first < k {
            self.runs.insert(first, k - 1);
        }
        if k < last {
            self.runs.insert(k + 1, last);
        }
    }

    /// The first absent position after `k`, if any.
    pub(crate) fn first_after(&self, k: usize) -> Option<usize> {
        if self.run_of(k + 1).is_some() {
            return Some(k + 1);
        }
        self.runs
            .range((Bound::Excluded(k), Bound::Unbounded))
            .next()
            .map(|(&first, _)| first)
    }

    /// The first present position after `k` (positions run to `len`).
    pub(crate) fn present_after(&self, k: usize, len: usize) -> Option<usize> {
        let next = match self.run_of(k + 1) {
            Some((_, last)) => last + 1,
            None => k + 1,
        };
        (next <= len).then_some(next)
    }

    /// Forgets the holes after `len` (the array part was cut to it).
    pub(crate) fn truncate(&mut self, len: usize) {
        if let Some((first, last)) = self.run_of(len)
            && last > len
        {
            self.runs.insert(first, len);
        }
        self.runs.split_off(&(len + 1));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Against a set of absent positions, over random changes.
    #[test]
    fn runs_answer_as_a_set_of_positions_would() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut random = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        for round in 0..200 {
            let len = 1 + random(60);
            let mut holes = Holes::default();
            let mut model = BTreeSet::new();
            for _ in 0..200 {
                let k = 1 + random(len);
                if model.contains(&k) {
                    holes.remove(k);
                    model.remove(&k);
                } else {
                    holes.insert(k);
                    model.insert(k);
                }
                for at in 0..=len {
                    let hole = model.range(at + 1..).next().copied();
                    assert_eq!(holes.first_after(at), hole, "round {round}, after {at}");
                    let present = (at + 1..=len).find(|p| !model.contains(p));
                    assert_eq!(holes.present_after(at, len), present, "round {round}");
                }
            }
            let cut = random(len + 1);
            holes.truncate(cut);
            model.retain(|&k| k <= cut);
            for at in 0..=cut {
                assert_eq!(holes.first_after(at), model.range(at + 1..).next().copied());
            }
        }
    }
}
