//! [`TableBuilder`]: a table's entries in the order they arrive, made
//! canonical (§4) in place when the last one is in.
//!
//! Decoding must not cost more memory than the decoded table needs: the
//! builder never stores nil (a nil array value leaves a hole, a nil hash
//! value drops its entry), puts array values after a hole straight into the
//! hash part, sorts the hash part in place (`sort_unstable`: no scratch
//! buffer; keys are distinct, so stability does not matter) and moves the
//! keys that continue the array part over without copying the rest. With
//! capacities that match the final table, it allocates nothing else.

use alloc::vec::Vec;
use core::cmp::Ordering;

use thin_vec::ThinVec;

use crate::table::{Element, Table, key_order};
use crate::{Error, ErrorKind, Tag};

/// A table under construction. Array values are pushed in position order
/// (1, 2, …), then hash entries with normalised, distinct keys.
#[derive(Debug)]
pub(crate) struct TableBuilder<V> {
    array: ThinVec<V>,
    hash: ThinVec<(V, V)>,
    /// Array positions pushed so far (values and nils).
    position: i64,
    /// A nil array value was pushed: the array part ends before it, and
    /// later array values are hash entries.
    hole: bool,
    /// The hash entries may be out of canonical order.
    unsorted: bool,
    /// A hash key may continue the array part (the key n + 1, §4.1).
    may_extend: bool,
}

impl<V: Element> TableBuilder<V> {
    /// A builder with room for `array` array values and `hash` hash entries.
    #[inline]
    pub(crate) fn with_capacity(array: usize, hash: usize) -> Self {
        TableBuilder {
            array: ThinVec::with_capacity(array),
            hash: ThinVec::with_capacity(hash),
            position: 0,
            hole: false,
            unsorted: false,
            may_extend: false,
        }
    }

    /// A builder over the values of keys 1..=`array.len()` (none nil) and
    /// `entries` in canonical order (normalised, distinct keys, none in the
    /// array's range; nil values are dropped).
    pub(crate) fn from_parts(array: Vec<V>, mut entries: Vec<(V, V)>) -> Self {
        entries.retain(|(_, v)| !is_nil(v));
        TableBuilder {
            position: array.len() as i64,
            array: array.into_iter().collect(),
            hash: entries.into_iter().collect(),
            hole: false,
            unsorted: false,
            may_extend: true,
        }
    }

    /// Room for `additional` more hash entries, exactly.
    #[inline]
    pub(crate) fn reserve_hash(&mut self, additional: usize) {
        self.hash.reserve_exact(additional);
    }

    /// The value of the next array position.
    #[inline]
    pub(crate) fn push_array(&mut self, value: V) {
        self.position += 1;
        if is_nil(&value) {
            if !self.hole {
                // The array part ends here: give back the room reserved for
                // the rest of its declared count (values after the hole are
                // hash entries).
                self.array.shrink_to_fit();
            }
            self.hole = true;
        } else if self.hole {
            self.hash.push((V::from_int(self.position), value));
            self.unsorted = true;
        } else {
            self.array.push(value);
        }
    }

    /// A hash entry; a nil value drops it.
    #[inline]
    pub(crate) fn push_hash(&mut self, key: V, value: V) {
        if !is_nil(&value) {
            self.hash.push((key, value));
        }
    }

    /// The hash entries did not arrive in canonical order.
    #[inline]
    pub(crate) fn unsorted(&mut self) {
        self.unsorted = true;
    }

    /// A hash key may be the one after the array part.
    #[inline]
    pub(crate) fn may_extend_array(&mut self) {
        self.may_extend = true;
    }

    /// The canonical table: the hash part sorted, the keys n + 1, n + 2, …
    /// moved to the array part (unless it has a hole: then they are not the
    /// next keys).
    #[inline]
    pub(crate) fn finish(mut self) -> Table<V> {
        if self.unsorted {
            self.hash.sort_unstable_by(|a, b| key_order(&a.0, &b.0));
        }
        if self.may_extend && !self.hole {
            self.extend_array();
        }
        Table::from_canonical_parts(self.array, self.hash)
    }

    /// Moves the run of keys n + 1, n + 2, … from the (sorted) hash part to
    /// the array part. In byte order those keys are scattered, so each is
    /// found by binary search; its value is taken out, leaving nil (never a
    /// hash value) to mark the entry for one `retain` at the end.
    fn extend_array(&mut self) {
        let first = self.array.len() as i64 + 1;
        let find = |hash: &[(V, V)], key: i64| {
            let key = V::from_int(key);
            hash.binary_search_by(|(k, _)| key_order(k, &key)).ok()
        };
        let run = (first..)
            .take_while(|&key| find(&self.hash, key).is_some())
            .count();
        if run == 0 {
            return;
        }
        self.array.reserve_exact(run);
        for key in (first..).take(run) {
            if let Some(at) = find(&self.hash, key) {
                let value = core::mem::replace(&mut self.hash[at].1, V::nil());
                self.array.push(value);
            }
        }
        self.hash.retain(|(_, v)| !is_nil(v));
    }
}

fn is_nil<V: Element>(value: &V) -> bool {
    value.tag() == crate::Tag::Nil
}

/// The constructors of [`Table`] that go through a builder (here, so that
/// table.rs does not depend on this module).
impl<V: Element> Table<V> {
    /// A table of `values` for keys 1, 2, …; a nil value leaves a hole
    /// (its key is absent, later values keep their keys).
    pub fn from_array(values: Vec<V>) -> Self {
        if !values.iter().any(|v| v.tag() == Tag::Nil) {
            return Table::from_canonical_parts(values.into_iter().collect(), ThinVec::new());
        }
        let mut builder = TableBuilder::with_capacity(values.len(), 0);
        for value in values {
            builder.push_array(value);
        }
        builder.finish()
    }

    /// The table of `array` (values for keys 1, 2, …, none nil) and
    /// `entries` (keys not yet normalised, any order), with the checks of
    /// [`Table::from_entries`]. Rearranged in place: the memory is that of
    /// the two vectors.
    pub(crate) fn from_array_and_entries(
        array: Vec<V>,
        mut entries: Vec<(V, V)>,
    ) -> Result<Self, Error> {
        for entry in &mut entries {
            let key = core::mem::replace(&mut entry.0, V::nil());
            entry.0 = key.into_key()?;
        }
        // Equal keys end up adjacent, in any order: no need for stability.
        entries.sort_unstable_by(|a, b| key_order(&a.0, &b.0));
        let n = array.len() as i64;
        let in_array = |(key, _): &(V, V)| key.as_int().is_some_and(|i| (1..=n).contains(&i));
        if entries.iter().any(in_array)
            || entries
                .windows(2)
                .any(|pair| key_order(&pair[0].0, &pair[1].0) == Ordering::Equal)
        {
            return Err(Error::with_message(
                ErrorKind::DuplicateKey,
                "two entries have the same key",
            ));
        }
        Ok(TableBuilder::from_parts(array, entries).finish())
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::Value;

    #[test]
    fn holes_move_later_values_to_the_hash_part() {
        let mut b = TableBuilder::with_capacity(4, 0);
        for v in [Value::Int(10), Value::Nil, Value::Int(30), Value::Nil] {
            b.push_array(v);
        }
        let t = b.finish();
        assert_eq!(t.array(), &[Value::Int(10)]);
        assert_eq!(t.hash(), &[(Value::Int(3), Value::Int(30))]);
    }

    #[test]
    fn keys_after_the_array_part_join_it() {
        let mut b = TableBuilder::with_capacity(1, 3);
        b.push_array(Value::Int(1));
        // 3 sorts before 2 in byte order only by accident of this test:
        // the builder finds each by value.
        b.push_hash(Value::Int(3), Value::Int(3));
        b.push_hash(Value::Int(2), Value::Int(2));
        b.push_hash(Value::Int(5), Value::Int(5));
        b.unsorted();
        b.may_extend_array();
        let t = b.finish();
        assert_eq!(t.array(), &[Value::Int(1), Value::Int(2), Value::Int(3)]);
        assert_eq!(t.hash(), &[(Value::Int(5), Value::Int(5))]);
    }

    #[test]
    fn entries_in_order_extend_the_array_and_lose_nils() {
        let entries = vec![
            (Value::Int(2), Value::Bool(false)),
            (Value::from("a"), Value::Nil),
            (Value::from("b"), Value::Int(2)),
        ];
        let t = TableBuilder::from_parts(vec![Value::Bool(true)], entries).finish();
        assert_eq!(t.array(), &[Value::Bool(true), Value::Bool(false)]);
        assert_eq!(t.hash(), &[(Value::from("b"), Value::Int(2))]);
    }
}
