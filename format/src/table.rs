//! [`Table`]: the contents of a `0x06` table, always in canonical form (§4).

use alloc::vec::Vec;
use core::cmp::Ordering;

use thin_vec::ThinVec;

use crate::key::cmp_encoded;
use crate::scalar::Scalar;
use crate::{Error, Tag};

/// What the generic table, parser and writer need from a value type.
/// Sealed: implemented by [`Value`](crate::Value) and [`ValueRef`](crate::ValueRef) only.
pub trait Element: Sized + Clone + sealed::Sealed {
    /// The tag this value encodes with.
    fn tag(&self) -> Tag;
    /// The integer value, if this is an integer.
    fn as_int(&self) -> Option<i64>;
    /// An integer value (for array positions that become hash keys).
    fn from_int(value: i64) -> Self;
    /// Nil (a placeholder while a table is rearranged in place).
    #[doc(hidden)]
    fn nil() -> Self;
    /// A borrowed view for writing.
    #[doc(hidden)]
    fn view(&self) -> View<'_, Self>;
    /// This value as a normalised key, or `invalid_key`.
    #[doc(hidden)]
    fn into_key(self) -> Result<Self, Error> {
        Ok(self.normalised_key()?.unwrap_or(self))
    }
    /// The rule of §3.2 in one place: `invalid_key` for nil, NaN and
    /// tables, the normalised key of a float (`Some`), and `None` for a
    /// key that stays as it is (so a caller need not copy it).
    #[doc(hidden)]
    fn normalised_key(&self) -> Result<Option<Self>, Error>;
    /// A view of a normalised key, for ordering.
    #[doc(hidden)]
    #[inline(always)]
    fn key_view(&self) -> Scalar<'_> {
        match self.view() {
            View::Scalar(scalar) => scalar,
            // Keys are normalised before they are viewed; nil and tables
            // never are keys. Order them first, harmlessly.
            View::Nil | View::Table(_) => Scalar::Bool(false),
        }
    }
}

/// The seal of [`Element`]: nameable in the crate (value.rs implements
/// it), not outside it.
pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A borrowed view of either value type, so one writer serves both: nil,
/// a [`Scalar`], or a table.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub enum View<'v, V> {
    Nil,
    Scalar(Scalar<'v>),
    Table(&'v Table<V>),
}

/// A table by value, kept in canonical form: keys `1..=n` in the array part,
/// every other entry in the hash part sorted by encoded key (§4.1, §4.2).
/// It never holds nil (assigning nil deletes, as in Lua).
///
/// ```
/// use luaxt_format::{Table, Value};
/// let mut t = Table::new();
/// t.insert(Value::Int(2), "b".into())?;   // hash part: 1 is missing
/// t.insert(Value::Float(1.0), "a".into())?; // 1.0 is the key 1 (§3.2)
/// assert_eq!(t.array(), &["a".into(), "b".into()]);
/// assert!(t.hash().is_empty());
/// t.remove(&Value::Int(1));              // 2 moves to the hash part
/// assert_eq!(t.hash(), &[(Value::Int(2), "b".into())]);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
///
/// Each part is a [`ThinVec`], one pointer wide with its length and
/// capacity in its allocation: a table is two words, so a [`ValueRef`]
/// takes three and a [`Value`] four (not seven and eight with `Vec`).
/// A decoded tree is mostly values, and its size is most of the time a
/// decode takes.
///
/// [`Value`]: crate::Value
/// [`ValueRef`]: crate::ValueRef
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Table<V> {
    array: ThinVec<V>,
    hash: ThinVec<(V, V)>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            array: ThinVec::new(),
            hash: ThinVec::new(),
        }
    }
}

/// A key while iterating a table: an array position or a hash-part key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TableKey<'t, V> {
    /// The integer key of an array-part entry.
    Index(i64),
    /// A hash-part key.
    Key(&'t V),
}

impl<V> Table<V> {
    /// An empty table.
    pub fn new() -> Self {
        Table::default()
    }

    /// The values for keys `1..=n`.
    pub fn array(&self) -> &[V] {
        &self.array
    }

    /// The other entries, in canonical order.
    pub fn hash(&self) -> &[(V, V)] {
        &self.hash
    }

    /// Number of entries (both parts).
    pub fn len(&self) -> usize {
        self.array.len() + self.hash.len()
    }

    /// Whether the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.array.is_empty() && self.hash.is_empty()
    }

    /// Every entry in canonical (wire) order.
    pub fn entries(&self) -> impl Iterator<Item = (TableKey<'_, V>, &V)> {
        let array = (1i64..)
            .zip(&self.array)
            .map(|(i, v)| (TableKey::Index(i), v));
        array.chain(self.hash.iter().map(|(k, v)| (TableKey::Key(k), v)))
    }

    /// The two parts, moved into `Vec`s (one allocation each, as the
    /// table keeps them in [`ThinVec`]s).
    pub fn into_parts(self) -> (Vec<V>, Vec<(V, V)>) {
        (
            self.array.into_iter().collect(),
            self.hash.into_iter().collect(),
        )
    }

    /// Builds a table from parts the caller has already made canonical.
    pub(crate) fn from_canonical_parts(array: ThinVec<V>, hash: ThinVec<(V, V)>) -> Self {
        Table { array, hash }
    }

    /// The same table with every key and value converted by `f`.
    pub(crate) fn map_values<'s, W>(&'s self, f: impl Fn(&'s V) -> W + Copy) -> Table<W> {
        Table {
            array: self.array.iter().map(f).collect(),
            hash: self.hash.iter().map(|(k, v)| (f(k), f(v))).collect(),
        }
    }
}

impl<V: Element> Table<V> {
    /// A table of `(key, value)` pairs: keys are normalised (§3.2), entries
    /// with nil values are left out, invalid keys give `invalid_key` and
    /// two equal keys give `duplicate_key`.
    ///
    /// ```
    /// use luaxt_format::{ErrorKind, Table, Value};
    /// let err = Table::from_entries([(Value::Int(1), 1.into()), (Value::Float(1.0), 2.into())])
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::DuplicateKey);
    /// ```
    pub fn from_entries(entries: impl IntoIterator<Item = (V, V)>) -> Result<Self, Error> {
        Table::from_array_and_entries(Vec::new(), entries.into_iter().collect())
    }

    /// The value for `key` (normalised first, so `1.0` finds `1`).
    pub fn get(&self, key: &V) -> Option<&V> {
        let key = key.clone().into_key().ok()?;
        if let Some(i) = self.array_slot(&key) {
            return self.array.get(i);
        }
        self.hash_search(&key).ok().map(|i| &self.hash[i].1)
    }

    /// Sets `key` to `value` and returns the old value; a nil `value`
    /// removes the entry. The table stays canonical.
    pub fn insert(&mut self, key: V, value: V) -> Result<Option<V>, Error> {
        let key = key.into_key()?;
        if value.view_is_nil() {
            return Ok(self.remove(&key));
        }
        if let Some(i) = self.array_slot(&key) {
            return Ok(Some(core::mem::replace(&mut self.array[i], value)));
        }
        if key.as_int() == Some(self.array.len() as i64 + 1) {
            self.array.push(value);
            self.absorb_following_keys();
            return Ok(None);
        }
        match self.hash_search(&key) {
            Ok(i) => Ok(Some(core::mem::replace(&mut self.hash[i].1, value))),
            Err(i) => {
                self.hash.insert(i, (key, value));
                Ok(None)
            }
        }
    }

    /// Removes `key` and returns its value. Removing an array-part key
    /// moves the keys after it to the hash part.
    pub fn remove(&mut self, key: &V) -> Option<V> {
        let key = key.clone().into_key().ok()?;
        if let Some(i) = self.array_slot(&key) {
            let tail = self.array.split_off(i + 1);
            let removed = self.array.pop();
            let first = i as i64 + 2;
            self.hash
                .extend((first..).zip(tail).map(|(k, v)| (V::from_int(k), v)));
            self.hash.sort_by(|a, b| key_order(&a.0, &b.0));
            return removed;
        }
        let i = self.hash_search(&key).ok()?;
        Some(self.hash.remove(i).1)
    }

    /// Index into the array part for an integer key in `1..=n`.
    fn array_slot(&self, key: &V) -> Option<usize> {
        let i = key.as_int()?;
        (1..=self.array.len() as i64)
            .contains(&i)
            .then(|| i as usize - 1)
    }

    fn hash_search(&self, key: &V) -> Result<usize, usize> {
        self.hash.binary_search_by(|(k, _)| key_order(k, key))
    }

    /// After the array part grew, pulls keys n+1, n+2, … out of the hash part.
    fn absorb_following_keys(&mut self) {
        loop {
            let next = V::from_int(self.array.len() as i64 + 1);
            match self.hash_search(&next) {
                Ok(i) => {
                    let (_, v) = self.hash.remove(i);
                    self.array.push(v);
                }
                Err(_) => return,
            }
        }
    }
}

/// Canonical order of two normalised keys.
pub(crate) fn key_order<V: Element>(a: &V, b: &V) -> Ordering {
    cmp_encoded(a.key_view(), b.key_view())
}

trait NilCheck {
    fn view_is_nil(&self) -> bool;
}

impl<V: Element> NilCheck for V {
    fn view_is_nil(&self) -> bool {
        matches!(self.tag(), crate::Tag::Nil)
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use core::mem::size_of;

    use super::Table;
    use crate::{Value, ValueRef};

    /// The sizes the type's doc promises: a decoded tree's memory, and so
    /// the decode's speed, follow from them.
    #[test]
    fn tables_and_values_stay_small() {
        assert_eq!(size_of::<Table<Value>>(), 16);
        assert_eq!(size_of::<ValueRef<'_>>(), 24);
        assert_eq!(size_of::<Value>(), 32);
    }
}
