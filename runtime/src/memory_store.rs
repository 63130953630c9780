//! [`MemoryStore`]: an in-memory [`Store`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use crate::array_holes::Holes;

use crate::store::{
    HOME_ID, IO_ID, Store, StoreError, StoreResult, TABLE_COST, TableData, TableId, entry_size,
    int_key, int_key_bytes,
};

/// A [`Store`] in memory, keeping each table in two parts as Lua does:
///
/// - an **array part** for the integer keys `1..=n`: a `Vec` indexed by
///   the key, so reading or writing `t[i]` is one index operation. A new
///   key `n + 1` is appended, and the integer keys after it move over from
///   the hash part;
/// - a **hash part** for every other key: a `HashMap` from encoded key to
///   encoded value answers `get` and `set` of an existing key in O(1), and
///   a `BTreeSet` of the keys gives the iteration order.
///
/// Values of up to 22 bytes (numbers, booleans, short strings) are kept
/// inline, without an allocation of their own.
///
/// - Iteration gives the array part in order, then the hash part in the
///   bytewise order of its encoded keys (the order of canonical hash
///   parts, spec §4.2); `next(after)` continues after the position of
///   `after` in the array part, or looks up the first hash key greater
///   than `after`, so deleting the current key never disturbs a traversal.
///   The array part never shrinks when a key is deleted (its slot is
///   emptied); a mostly empty one moves its keys past the border to the
///   hash part on an insert, which may change the order (spec §11.3).
/// - Adding and deleting a key are O(1) in the array part and O(log n) in
///   the hash part.
/// - The border ([`Store::len`]) is kept per table: setting key `border+1`
///   advances it over the keys that follow, deleting a key `k ≤ border`
///   sets it to `k-1`. Appending and popping at the end (what
///   `t[#t+1] = v`, `table.insert` and `table.remove` do) are O(1).
/// - Its size, as the store limit counts it (spec §6.7), is kept as it
///   changes ([`MemoryStore::size`]), so checking a quota costs nothing.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    tables: BTreeMap<TableId, MemTable>,
    next_id: TableId,
    /// The size of every table and entry (spec §6.7).
    size: u64,
    quota: Option<u64>,
}

/// Longest value kept inline in a [`Val`].
const INLINE: usize = 22;

/// An array part at least this long and less than a quarter full moves
/// its keys past the border to the hash part on the next insert.
const SPARSE_MIN: usize = 64;

/// A stored value: inline up to [`INLINE`] bytes, else on the heap.
#[derive(Clone)]
enum Val {
    Inline(u8, [u8; INLINE]),
    Heap(Box<[u8]>),
}

impl Val {
    /// Bytes that are kept as they are when they do not fit inline.
    fn from_vec(bytes: Vec<u8>) -> Val {
        if bytes.len() <= INLINE {
            return Val::new(&bytes);
        }
        Val::Heap(bytes.into_boxed_slice())
    }

    fn new(bytes: &[u8]) -> Val {
        if bytes.len() <= INLINE {
            let mut inline = [0; INLINE];
            inline[..bytes.len()].copy_from_slice(bytes);
            Val::Inline(bytes.len() as u8, inline)
        } else {
            Val::Heap(bytes.into())
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Val::Inline(len, bytes) => &bytes[..usize::from(*len)],
            Val::Heap(bytes) => bytes,
        }
    }

    fn len(&self) -> usize {
        self.bytes().len()
    }
}

impl std::fmt::Debug for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02x?}", self.bytes())
    }
}

#[derive(Debug, Clone, Default)]
struct MemTable {
    /// The value of the integer key `i` at `arr[i - 1]`, `None` where it
    /// is absent. The key `arr.len() + 1` is never in the hash part.
    arr: Vec<Option<Val>>,
    /// Keys present in `arr`.
    arr_count: usize,
    /// Positions absent from `arr`: the border and `next` find their way
    /// past a run of them, or of present ones, without walking it.
    holes: Holes,
    /// Every other key.
    entries: HashMap<Box<[u8]>, Val>,
    /// The keys of `entries`, in iteration order.
    order: BTreeSet<Box<[u8]>>,
    /// Keys of `entries` that are integers ≥ 1 ([`index_key`]).
    hash_ints: usize,
    border: u64,
}

/// The integer of an integer key ≥ 1: a position the array part may hold.
fn index_key(key: &[u8]) -> Option<usize> {
    int_key(key)
        .filter(|&k| k >= 1)
        .and_then(|k| usize::try_from(k).ok())
}

/// The encoded key of the position `k` of an array part.
fn position_key(k: usize) -> [u8; 9] {
    int_key_bytes(k as i64)
}

impl MemTable {
    /// The size of the table and its entries (spec §6.7).
    fn size(&self) -> u64 {
        let array: u64 = self
            .arr
            .iter()
            .flatten()
            .map(|v| entry_size(9, v.len()))
            .sum();
        let hash: u64 = self
            .entries
            .iter()
            .map(|(k, v)| entry_size(k.len(), v.len()))
            .sum();
        TABLE_COST + array + hash
    }

    fn entry_count(&self) -> usize {
        self.arr_count + self.entries.len()
    }

    fn from_entries(mut entries: Vec<(Vec<u8>, Vec<u8>)>) -> MemTable {
        // The sequence first and in order, so that it forms the array part.
        entries.sort_by_key(|(key, _)| index_key(key).map_or((1, 0), |k| (0, k)));
        let mut table = MemTable::default();
        for (key, value) in entries {
            table.insert(&key, Val::new(&value));
        }
        table
    }

    fn get(&self, key: &[u8]) -> Option<&Val> {
        match index_key(key) {
            Some(k) if k <= self.arr.len() => self.arr[k - 1].as_ref(),
            Some(_) if self.hash_ints == 0 => None,
            _ => self.entries.get(key),
        }
    }

    fn get_mut(&mut self, key: &[u8]) -> Option<&mut Val> {
        match index_key(key) {
            Some(k) if k <= self.arr.len() => self.arr[k - 1].as_mut(),
            Some(_) if self.hash_ints == 0 => None,
            _ => self.entries.get_mut(key),
        }
    }

    /// Adds `key`, which is not in the table.
    fn insert(&mut self, key: &[u8], value: Val) {
        let k = index_key(key);
        if let Some(k) = k.filter(|&k| k <= self.arr.len()) {
            debug_assert!(self.arr[k - 1].is_none());
            self.arr[k - 1] = Some(value);
            self.arr_count += 1;
            self.holes.remove(k);
        } else {
            if self.arr.len() >= SPARSE_MIN && self.arr_count * 4 < self.arr.len() {
                self.spill();
            }
            if k == Some(self.arr.len() + 1) {
                self.arr.push(Some(value));
                self.arr_count += 1;
                self.migrate();
            } else {
                self.entries.insert(key.into(), value);
                self.order.insert(key.into());
                self.hash_ints += usize::from(k.is_some());
            }
        }
        if k.is_some_and(|k| k as u64 == self.border + 1) {
            self.advance_border();
        }
    }

    /// Removes `key`; its value, if it was there.
    fn remove(&mut self, key: &[u8]) -> Option<Val> {
        let k = index_key(key);
        let old = match k {
            Some(k) if k <= self.arr.len() => {
                let old = self.arr[k - 1].take()?;
                self.arr_count -= 1;
                self.holes.insert(k);
                old
            }
            Some(_) if self.hash_ints == 0 => return None,
            _ => {
                let old = self.entries.remove(key)?;
                self.order.remove(key);
                self.hash_ints -= usize::from(k.is_some());
                old
            }
        };
        if let Some(k) = k.filter(|&k| k as u64 <= self.border) {
            self.border = k as u64 - 1;
        }
        Some(old)
    }

    /// Whether the integer key `k` is present.
    fn has_index(&self, k: u64) -> bool {
        match usize::try_from(k) {
            Ok(k) if k <= self.arr.len() => self.arr[k - 1].is_some(),
            // The border never passes the array part, whose next key is
            // never in the hash part: a safeguard.
            _ => {
                self.hash_ints > 0
                    && i64::try_from(k)
                        .is_ok_and(|k| self.entries.contains_key(&int_key_bytes(k)[..]))
            }
        }
    }

    /// Moves the border past the key `border + 1` just added.
    fn advance_border(&mut self) {
        // Up to the first hole after it, or the end of the array part.
        self.border = match self.holes.first_after(self.border as usize + 1) {
            Some(hole) => hole as u64 - 1,
            None => self.arr.len() as u64,
        };
        while self.has_index(self.border + 1) {
            self.border += 1;
        }
    }

    /// Appends the integer keys after the array part that are in the hash
    /// part.
    fn migrate(&mut self) {
        while self.hash_ints > 0 {
            let key = position_key(self.arr.len() + 1);
            let Some(value) = self.entries.remove(&key[..]) else {
                return;
            };
            self.order.remove(&key[..]);
            self.hash_ints -= 1;
            self.arr.push(Some(value));
            self.arr_count += 1;
        }
    }

    /// Moves the keys of a mostly empty array part past the border to the
    /// hash part: it keeps `1..=border`, all present.
    fn spill(&mut self) {
        let border = self.border as usize;
        for (i, slot) in self.arr.drain(border..).enumerate() {
            if let Some(value) = slot {
                let key: Box<[u8]> = position_key(border + i + 1).into();
                self.order.insert(key.clone());
                self.entries.insert(key, value);
                self.hash_ints += 1;
            }
        }
        self.arr_count = border;
        self.holes.truncate(border);
    }

    /// The entry after `after` (the first for `None`): the array part in
    /// order, then the hash part in bytewise order.
    fn next(&self, after: Option<&[u8]>) -> Option<(Vec<u8>, Vec<u8>)> {
        let start = match after {
            None => 0,
            Some(after) => match index_key(after) {
                Some(k) if k <= self.arr.len() => k,
                _ => {
                    let key = self
                        .order
                        .range::<[u8], _>((Bound::Excluded(after), Bound::Unbounded))
                        .next()?;
                    return Some((key.to_vec(), self.entries[key].bytes().to_vec()));
                }
            },
        };
        if let Some(k) = self.holes.present_after(start, self.arr.len())
            && let Some(value) = &self.arr[k - 1]
        {
            return Some((position_key(k).to_vec(), value.bytes().to_vec()));
        }
        let key = self.order.iter().next()?;
        Some((key.to_vec(), self.entries[key].bytes().to_vec()))
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::new()
    }
}

impl MemoryStore {
    /// A store holding only the empty `_home` and `_io` tables.
    pub fn new() -> MemoryStore {
        let mut tables = BTreeMap::new();
        tables.insert(HOME_ID, MemTable::default());
        tables.insert(IO_ID, MemTable::default());
        MemoryStore {
            tables,
            next_id: IO_ID + 1,
            size: 2 * TABLE_COST,
            quota: None,
        }
    }

    /// The store's size as the store limit counts it (spec §6.7): key and
    /// value bytes, plus [`ENTRY_COST`](crate::store::ENTRY_COST) per entry
    /// and [`TABLE_COST`] per table.
    pub fn size(&self) -> u64 {
        self.size
    }

    fn reserve(&self, bytes: u64) -> StoreResult<()> {
        reserve(self.size, self.quota, bytes)
    }

    /// Number of tables.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    /// Number of entries of table `id` (0 for an unknown id).
    pub fn entry_count(&self, id: TableId) -> usize {
        self.tables.get(&id).map_or(0, MemTable::entry_count)
    }

    fn table(&self, id: TableId) -> StoreResult<&MemTable> {
        self.tables.get(&id).ok_or(StoreError::NoSuchTable(id))
    }

    /// Stores the value `make` builds (`len` bytes) under `key`, within
    /// the quota: what `set` and `set_vec` share.
    fn put(
        &mut self,
        id: TableId,
        key: &[u8],
        len: usize,
        make: impl FnOnce() -> Val,
    ) -> StoreResult<()> {
        let MemoryStore {
            tables,
            size,
            quota,
            ..
        } = self;
        let table = tables.get_mut(&id).ok_or(StoreError::NoSuchTable(id))?;
        match table.get_mut(key) {
            Some(slot) => {
                let (old, new) = (slot.len() as u64, len as u64);
                reserve(*size, *quota, new.saturating_sub(old))?;
                *size = *size - old + new;
                *slot = make();
            }
            None => {
                let grow = entry_size(key.len(), len);
                reserve(*size, *quota, grow)?;
                *size += grow;
                table.insert(key, make());
            }
        }
        Ok(())
    }
}

/// Fails with [`StoreError::Quota`] if a store of `size` bytes cannot grow
/// by `bytes` under `quota`.
fn reserve(size: u64, quota: Option<u64>, bytes: u64) -> StoreResult<()> {
    match quota {
        Some(limit) if size.saturating_add(bytes) > limit => Err(StoreError::Quota { limit }),
        _ => Ok(()),
    }
}

impl Store for MemoryStore {
    fn create_table(&mut self) -> StoreResult<TableId> {
        self.reserve(TABLE_COST)?;
        let id = self.next_id;
        self.next_id = id.checked_add(1).ok_or(StoreError::IdsExhausted)?;
        self.tables.insert(id, MemTable::default());
        self.size += TABLE_COST;
        Ok(id)
    }

    fn contains_table(&self, id: TableId) -> bool {
        self.tables.contains_key(&id)
    }

    fn get(&self, id: TableId, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        Ok(self.table(id)?.get(key).map(|v| v.bytes().to_vec()))
    }

    fn read<R>(
        &self,
        id: TableId,
        key: &[u8],
        read: impl FnOnce(Option<&[u8]>) -> R,
    ) -> StoreResult<R> {
        Ok(read(self.table(id)?.get(key).map(Val::bytes)))
    }

    fn get_into(&self, id: TableId, key: &[u8], out: &mut Vec<u8>) -> StoreResult<bool> {
        out.clear();
        let Some(value) = self.table(id)?.get(key) else {
            return Ok(false);
        };
        out.extend_from_slice(value.bytes());
        Ok(true)
    }

    fn set(&mut self, id: TableId, key: &[u8], value: &[u8]) -> StoreResult<()> {
        self.put(id, key, value.len(), || Val::new(value))
    }

    fn set_vec(&mut self, id: TableId, key: &[u8], value: Vec<u8>) -> StoreResult<()> {
        self.put(id, key, value.len(), || Val::from_vec(value))
    }

    fn delete(&mut self, id: TableId, key: &[u8]) -> StoreResult<()> {
        let table = self
            .tables
            .get_mut(&id)
            .ok_or(StoreError::NoSuchTable(id))?;
        if let Some(value) = table.remove(key) {
            self.size -= entry_size(key.len(), value.len());
        }
        Ok(())
    }

    fn len(&self, id: TableId) -> StoreResult<u64> {
        Ok(self.table(id)?.border)
    }

    fn next(&self, id: TableId, after: Option<&[u8]>) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>> {
        Ok(self.table(id)?.next(after))
    }

    fn table_ids(&self) -> StoreResult<Vec<TableId>> {
        Ok(self.tables.keys().copied().collect())
    }

    fn set_quota(&mut self, limit: Option<u64>) -> StoreResult<()> {
        self.quota = limit;
        Ok(())
    }

    fn replace_all(&mut self, tables: Vec<TableData>) -> StoreResult<()> {
        let mut fresh = BTreeMap::new();
        for table in tables {
            fresh.insert(table.id, MemTable::from_entries(table.entries));
        }
        fresh.entry(HOME_ID).or_default();
        fresh.entry(IO_ID).or_default();
        let size = fresh.values().map(MemTable::size).sum();
        reserve(0, self.quota, size)?;
        self.size = size;
        let highest = fresh.keys().next_back().copied().unwrap_or(IO_ID);
        self.next_id = self.next_id.max(highest.saturating_add(1));
        self.tables = fresh;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn border_follows_appends_and_deletes() {
        let mut store = MemoryStore::new();
        let id = store.create_table().unwrap();
        for i in [1, 2, 4, 5] {
            store.set(id, &int_key_bytes(i), b"\x01\x01").unwrap();
        }
        assert_eq!(store.len(id).unwrap(), 2);
        store.set(id, &int_key_bytes(3), b"\x01\x01").unwrap();
        assert_eq!(store.len(id).unwrap(), 5);
        store.delete(id, &int_key_bytes(2)).unwrap();
        assert_eq!(store.len(id).unwrap(), 1);
        store.delete(id, &int_key_bytes(5)).unwrap();
        store.set(id, &int_key_bytes(2), b"\x01\x01").unwrap();
        assert_eq!(store.len(id).unwrap(), 4);
    }

    #[test]
    fn next_survives_deleting_the_current_key() {
        let mut store = MemoryStore::new();
        let id = store.create_table().unwrap();
        for i in 1..=5 {
            store.set(id, &int_key_bytes(i), b"\x00").unwrap();
        }
        let mut seen = 0;
        let mut at: Option<Vec<u8>> = None;
        while let Some((key, _)) = store.next(id, at.as_deref()).unwrap() {
            store.delete(id, &key).unwrap();
            at = Some(key);
            seen += 1;
        }
        assert_eq!(seen, 5);
        assert_eq!(store.entry_count(id), 0);
    }

    #[test]
    fn ids_are_never_reused_after_replace_all() {
        let mut store = MemoryStore::new();
        let a = store.create_table().unwrap();
        store.replace_all(vec![]).unwrap();
        assert!(store.create_table().unwrap() > a);
        assert!(matches!(
            store.get(a, b"x"),
            Err(StoreError::NoSuchTable(_))
        ));
    }

    /// A deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn random_key(rng: &mut Rng) -> Vec<u8> {
        match rng.below(20) {
            0..=13 => int_key_bytes(1 + rng.below(150) as i64).to_vec(),
            14 => int_key_bytes([0, -1, i64::MAX, 1 << 40][rng.below(4) as usize]).to_vec(),
            15..=18 => vec![0x04, 1, 0, 0, 0, b'a' + rng.below(20) as u8],
            _ => (0..1 + rng.below(12)).map(|_| rng.next() as u8).collect(),
        }
    }

    fn random_value(rng: &mut Rng) -> Vec<u8> {
        let len = match rng.below(4) {
            0 => 9,
            1 => 2,
            2 => rng.below(23) as usize,
            _ => rng.below(100) as usize,
        };
        (0..len).map(|_| rng.next() as u8).collect()
    }

    /// The border of a model table.
    fn model_border(model: &BTreeMap<Vec<u8>, Vec<u8>>) -> u64 {
        let mut n = 0;
        while model.contains_key(&int_key_bytes(n + 1)[..]) {
            n += 1;
        }
        n as u64
    }

    #[test]
    fn agrees_with_a_model_through_writes_deletes_and_traversals() {
        for seed in 1..=40u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut store = MemoryStore::new();
            let id = store.create_table().unwrap();
            let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
            for _round in 0..40 {
                // Runs of consecutive integer keys make long array parts.
                if rng.below(3) == 0 {
                    let from = 1 + rng.below(30) as i64;
                    for i in from..from + 100 {
                        let value = random_value(&mut rng);
                        store.set(id, &int_key_bytes(i), &value).unwrap();
                        model.insert(int_key_bytes(i).to_vec(), value);
                    }
                }
                for _ in 0..60 {
                    let key = random_key(&mut rng);
                    if rng.below(10) < 3 {
                        store.delete(id, &key).unwrap();
                        model.remove(&key);
                    } else {
                        let value = random_value(&mut rng);
                        store.set(id, &key, &value).unwrap();
                        model.insert(key, value);
                    }
                }
                // A queue: most of the sequence deleted from the front.
                if rng.below(6) == 0 {
                    for i in 1..=150 {
                        if rng.below(10) < 9 {
                            store.delete(id, &int_key_bytes(i)).unwrap();
                            model.remove(&int_key_bytes(i)[..]);
                        }
                    }
                }
                for (key, value) in &model {
                    assert_eq!(
                        store.get(id, key).unwrap().as_ref(),
                        Some(value),
                        "seed {seed}"
                    );
                    let mut out = vec![7];
                    assert!(store.get_into(id, key, &mut out).unwrap());
                    assert_eq!(&out, value);
                }
                let mut out = vec![7];
                assert!(!store.get_into(id, &int_key_bytes(1000), &mut out).unwrap());
                assert!(out.is_empty());
                assert_eq!(store.len(id).unwrap(), model_border(&model), "seed {seed}");
                let size: u64 = model
                    .iter()
                    .map(|(k, v)| entry_size(k.len(), v.len()))
                    .sum();
                assert_eq!(store.size(), 3 * TABLE_COST + size, "seed {seed}");
                assert_eq!(store.entry_count(id), model.len());
                // A traversal visits every key once, while the current key
                // is often deleted and visited keys overwritten.
                let mut seen = BTreeSet::new();
                let mut after: Option<Vec<u8>> = None;
                while let Some((key, value)) = store.next(id, after.as_deref()).unwrap() {
                    assert!(seen.insert(key.clone()), "seed {seed}: {key:02x?} twice");
                    assert_eq!(Some(&value), model.get(&key), "seed {seed}");
                    match rng.below(10) {
                        0..=3 => {
                            store.delete(id, &key).unwrap();
                            model.remove(&key);
                        }
                        4 => {
                            if let Some(old) =
                                seen.iter().nth(rng.below(seen.len() as u64) as usize)
                            {
                                if model.contains_key(old) {
                                    let value = random_value(&mut rng);
                                    store.set(id, old, &value).unwrap();
                                    model.insert(old.clone(), value);
                                }
                            }
                        }
                        _ => {}
                    }
                    after = Some(key);
                }
                assert!(
                    model.keys().all(|k| seen.contains(k)),
                    "seed {seed}: a key not visited"
                );
            }
            // A snapshot of the table restores the same entries and border.
            let entries: Vec<_> = model.clone().into_iter().collect();
            let mut other = MemoryStore::new();
            other.replace_all(vec![TableData { id, entries }]).unwrap();
            assert_eq!(other.len(id).unwrap(), model_border(&model));
            for (key, value) in &model {
                assert_eq!(other.get(id, key).unwrap().as_ref(), Some(value));
            }
            assert_eq!(other.size(), store.size());
        }
    }

    #[test]
    fn a_sequence_in_any_order_is_an_array_part_and_a_queue_lets_it_go() {
        let mut store = MemoryStore::new();
        let id = store.create_table().unwrap();
        for i in (1..=100).rev() {
            store.set(id, &int_key_bytes(i), b"\x01\x01").unwrap();
        }
        let table = &store.tables[&id];
        assert_eq!((table.arr.len(), table.entries.len()), (100, 0));
        for i in 101..=1000 {
            store.set(id, &int_key_bytes(i), b"\x01\x01").unwrap();
            store.delete(id, &int_key_bytes(i - 100)).unwrap();
        }
        let table = &store.tables[&id];
        assert!(table.arr.len() < 400, "{}", table.arr.len());
        assert_eq!(table.entry_count(), 100);
        // Most of a sequence deleted but its start: the start stays in the
        // array part, and refilling the rest makes it whole again.
        let id = store.create_table().unwrap();
        let fill = |store: &mut MemoryStore, range: std::ops::RangeInclusive<i64>| {
            for i in range {
                store.set(id, &int_key_bytes(i), b"\x01\x01").unwrap();
            }
        };
        fill(&mut store, 1..=100);
        for i in 3..=90 {
            store.delete(id, &int_key_bytes(i)).unwrap();
        }
        store
            .set(id, b"\x04\x01\x00\x00\x00x", b"\x01\x01")
            .unwrap();
        assert_eq!(
            (store.tables[&id].arr.len(), store.len(id).unwrap()),
            (2, 2)
        );
        fill(&mut store, 3..=90);
        let table = &store.tables[&id];
        assert_eq!((table.arr.len(), table.entries.len()), (100, 1));
        // A snapshot's sequence, whose keys come in byte order, is an array
        // part once restored.
        let entries = (1..=300)
            .map(|i| (int_key_bytes(i).to_vec(), b"\x01\x01".to_vec()))
            .collect::<BTreeMap<_, _>>();
        store
            .replace_all(vec![TableData {
                id,
                entries: entries.into_iter().collect(),
            }])
            .unwrap();
        assert_eq!(store.tables[&id].arr.len(), 300);
    }
}
