//! [`MemoryStore`]: an in-memory [`Store`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;

use crate::store::{
    HOME_ID, IO_ID, Store, StoreError, StoreResult, TABLE_COST, TableData, TableId, entry_size,
    int_key, int_key_bytes,
};

/// A [`Store`] in memory. Per table, a `HashMap` from encoded key to
/// encoded value answers `get` and `set` of an existing key in O(1), and a
/// `BTreeSet` of the keys gives the iteration order.
///
/// - Iteration follows the bytewise order of encoded keys, the order of
///   canonical hash parts (spec §4.2); `next(after)` looks up the first key
///   greater than `after`, so deleting the current key never disturbs a
///   traversal. (Integer keys therefore come in little-endian byte order,
///   not numeric order: use `ipairs` for sequences.)
/// - Adding and deleting a key are O(log n).
/// - The border ([`Store::len`]) is kept per table: setting key `border+1`
///   advances it over the keys that follow (each step one lookup), deleting
///   a key `k ≤ border` sets it to `k-1`. Appending and popping at the end
///   (what `t[#t+1] = v`, `table.insert` and `table.remove` do) are O(log n);
///   refilling a hole near the start of a long sequence rescans it once.
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

#[derive(Debug, Clone, Default)]
struct MemTable {
    entries: HashMap<Vec<u8>, Vec<u8>>,
    order: BTreeSet<Vec<u8>>,
    border: u64,
}

impl MemTable {
    /// The size of the table and its entries (spec §6.7).
    fn size(&self) -> u64 {
        let entries: u64 = self
            .entries
            .iter()
            .map(|(k, v)| entry_size(k.len(), v.len()))
            .sum();
        TABLE_COST + entries
    }

    fn from_entries(entries: Vec<(Vec<u8>, Vec<u8>)>) -> MemTable {
        let order = entries.iter().map(|(k, _)| k.clone()).collect();
        let mut table = MemTable {
            entries: entries.into_iter().collect(),
            order,
            border: 0,
        };
        table.advance_border();
        table
    }

    fn advance_border(&mut self) {
        while let Ok(next) = i64::try_from(self.border + 1) {
            if !self.entries.contains_key(&int_key_bytes(next)[..]) {
                break;
            }
            self.border += 1;
        }
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
        self.tables.get(&id).map_or(0, |t| t.entries.len())
    }

    fn table(&self, id: TableId) -> StoreResult<&MemTable> {
        self.tables.get(&id).ok_or(StoreError::NoSuchTable(id))
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
        Ok(self.table(id)?.entries.get(key).cloned())
    }

    fn set(&mut self, id: TableId, key: &[u8], value: &[u8]) -> StoreResult<()> {
        let MemoryStore {
            tables,
            size,
            quota,
            ..
        } = self;
        let table = tables.get_mut(&id).ok_or(StoreError::NoSuchTable(id))?;
        match table.entries.get_mut(key) {
            Some(slot) => {
                let (old, new) = (slot.len() as u64, value.len() as u64);
                reserve(*size, *quota, new.saturating_sub(old))?;
                *size = *size - old + new;
                slot.clear();
                slot.extend_from_slice(value);
            }
            None => {
                let grow = entry_size(key.len(), value.len());
                reserve(*size, *quota, grow)?;
                *size += grow;
                table.entries.insert(key.to_vec(), value.to_vec());
                table.order.insert(key.to_vec());
                if int_key(key).is_some_and(|k| k >= 1 && k as u64 == table.border + 1) {
                    table.advance_border();
                }
            }
        }
        Ok(())
    }

    fn delete(&mut self, id: TableId, key: &[u8]) -> StoreResult<()> {
        let table = self
            .tables
            .get_mut(&id)
            .ok_or(StoreError::NoSuchTable(id))?;
        if let Some(value) = table.entries.remove(key) {
            self.size -= entry_size(key.len(), value.len());
            table.order.remove(key);
            if let Some(k) = int_key(key).filter(|&k| k >= 1 && k as u64 <= table.border) {
                table.border = k as u64 - 1;
            }
        }
        Ok(())
    }

    fn len(&self, id: TableId) -> StoreResult<u64> {
        Ok(self.table(id)?.border)
    }

    fn next(&self, id: TableId, after: Option<&[u8]>) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>> {
        let table = self.table(id)?;
        let found = match after {
            None => table.order.iter().next(),
            Some(after) => table
                .order
                .range::<[u8], _>((Bound::Excluded(after), Bound::Unbounded))
                .next(),
        };
        Ok(found.map(|k| (k.clone(), table.entries[k].clone())))
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
}
