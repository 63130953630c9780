//! The snapshot container (spec §12): the tables reachable from `_home`,
//! as bytes a host can keep anywhere (a file, IndexedDB).
//!
//! ```text
//! magic      8 bytes  "LXTSNAP" 00
//! version    u32 LE   1
//! count      u32 LE   number of tables
//! per table, ascending id:
//!   id       u32 LE
//!   entries  u32 LE
//!   per entry, ascending key bytes:
//!     key    u32 LE length + canonical LXT key
//!     value  u32 LE length + LXT value (not nil)
//! crc32      u32 LE   CRC-32 (IEEE) of every byte before it
//! ```
//!
//! [`read`] checks everything before it returns, so a caller applies a
//! snapshot only when all of it is valid.

use std::collections::{BTreeSet, VecDeque};

use luaxt_format::{DecodeOptions, ErrorKind, Limits, encode_key};

use crate::error::SnapshotError;
use crate::store::{HOME_ID, Store, StoreResult, TableData, TableId};

/// The first 8 bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"LXTSNAP\0";
/// The container version this crate writes and reads.
pub const VERSION: u32 = 1;
/// Bytes before the first table (magic, version, count).
const HEADER_LEN: usize = 16;

/// The ids of the tables reachable from `_home` (itself included),
/// ascending. A reference to an id the store does not hold is skipped.
pub fn reachable<S: Store + ?Sized>(store: &S) -> StoreResult<Vec<TableId>> {
    let mut seen = BTreeSet::from([HOME_ID]);
    let mut queue = VecDeque::from([HOME_ID]);
    while let Some(id) = queue.pop_front() {
        let mut after: Option<Vec<u8>> = None;
        while let Some((key, value)) = store.next(id, after.as_deref())? {
            for bytes in [&key, &value] {
                // Values in a store are valid LXT; a broken one is skipped
                // here and refused by `read` later, never followed.
                if let Ok(decoded) = DecodeOptions::new().decode_ref(bytes) {
                    decoded.for_each_ref(&mut |r| {
                        if store.contains_table(r) && seen.insert(r) {
                            queue.push_back(r);
                        }
                    });
                }
            }
            after = Some(key);
        }
    }
    Ok(seen.into_iter().collect())
}

/// Writes a snapshot of the tables reachable from `_home`.
pub fn write<S: Store + ?Sized>(store: &S) -> StoreResult<Vec<u8>> {
    let mut tables = Vec::new();
    for id in reachable(store)? {
        let mut entries = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        while let Some((key, value)) = store.next(id, after.as_deref())? {
            after = Some(key.clone());
            entries.push((key, value));
        }
        tables.push(TableData { id, entries });
    }
    Ok(encode_tables(&tables))
}

/// Writes the container for `tables` (ascending ids), sorting each
/// table's entries into canonical key order whatever order they come in.
pub fn encode_tables(tables: &[TableData]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&len_u32(tables.len()).to_le_bytes());
    for table in tables {
        let mut entries: Vec<&(Vec<u8>, Vec<u8>)> = table.entries.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        out.extend_from_slice(&table.id.to_le_bytes());
        out.extend_from_slice(&len_u32(entries.len()).to_le_bytes());
        for (key, value) in entries {
            out.extend_from_slice(&len_u32(key.len()).to_le_bytes());
            out.extend_from_slice(key);
            out.extend_from_slice(&len_u32(value.len()).to_le_bytes());
            out.extend_from_slice(value);
        }
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn len_u32(len: usize) -> u32 {
    // Entries come from LXT values, whose lengths are u32 by construction;
    // a store with more than u32::MAX tables or entries cannot be written.
    u32::try_from(len).expect("snapshot counts fit in u32")
}

/// A cursor over the container that reports truncation.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], SnapshotError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let end = end.ok_or(SnapshotError::Truncated(what))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, SnapshotError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }
}

/// Reads and fully validates a snapshot. Refuses (spec §12): a wrong
/// magic, another version, a short container, a checksum mismatch, table
/// ids not strictly ascending, a snapshot without `_home`, entries not in
/// strictly ascending key order, a key that is not a canonical LXT key, a
/// value that is not valid LXT or is nil, and bytes after the last table.
/// Keys and values are read under the default LXT limits; a host that
/// writes under other limits reads with [`read_with`].
pub fn read(bytes: &[u8]) -> Result<Vec<TableData>, SnapshotError> {
    read_with(bytes, &Limits::DEFAULT)
}

/// [`read`], with keys and values decoded under `limits`: a runtime reads
/// its state under the limits its values were written under, so a value
/// deeper or longer than the defaults that it was allowed to store comes
/// back.
pub fn read_with(bytes: &[u8], limits: &Limits) -> Result<Vec<TableData>, SnapshotError> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
            return Err(SnapshotError::Truncated("magic"));
        }
        return Err(SnapshotError::BadMagic);
    }
    if bytes.len() < HEADER_LEN + 4 {
        return Err(SnapshotError::Truncated("header"));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(SnapshotError::UnsupportedVersion(version));
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    let stored = u32::from_le_bytes(crc.try_into().expect("4 bytes"));
    let computed = crc32fast::hash(body);
    if stored != computed {
        return Err(SnapshotError::Checksum { stored, computed });
    }
    let mut r = Reader {
        bytes: body,
        at: 12,
    };
    let count = r.u32("table count")? as usize;
    // Each table needs at least 8 bytes: check before allocating.
    if count > r.left() / 8 {
        return Err(SnapshotError::Truncated("tables"));
    }
    let mut tables = Vec::with_capacity(count);
    let mut last_id: Option<TableId> = None;
    for _ in 0..count {
        let id = r.u32("table id")?;
        if last_id.is_some_and(|last| id <= last) {
            return Err(SnapshotError::Invalid(format!(
                "table {id} out of order or repeated"
            )));
        }
        last_id = Some(id);
        let n = r.u32("entry count")? as usize;
        if n > r.left() / 8 {
            return Err(SnapshotError::Truncated("entries"));
        }
        let mut entries: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(n);
        for _ in 0..n {
            let key_len = r.u32("key length")? as usize;
            let key = r.take(key_len, "key")?;
            let value_len = r.u32("value length")? as usize;
            let value = r.take(value_len, "value")?;
            check_key(id, key, limits)?;
            check_value(id, value, limits)?;
            if entries
                .last()
                .is_some_and(|(last, _)| key <= last.as_slice())
            {
                return Err(SnapshotError::Invalid(format!(
                    "table {id}: keys out of order or repeated"
                )));
            }
            entries.push((key.to_vec(), value.to_vec()));
        }
        tables.push(TableData { id, entries });
    }
    if r.left() != 0 {
        return Err(SnapshotError::Invalid(format!(
            "{} bytes after the last table",
            r.left()
        )));
    }
    if !tables.iter().any(|t| t.id == HOME_ID) {
        return Err(SnapshotError::Invalid("no _home table".into()));
    }
    Ok(tables)
}

/// The error of a key or value (`bytes`) the decoder refused under
/// `limits`: over them, or not LXT at all. A length is over the size
/// limit only when the whole document is: inside a document no longer
/// than the limit, a length that overflows overflows the bytes left.
fn refused(
    id: TableId,
    what: &'static str,
    bytes: &[u8],
    limits: &Limits,
    error: luaxt_format::Error,
) -> SnapshotError {
    let over_limit = match error.kind() {
        ErrorKind::DepthExceeded => true,
        ErrorKind::LengthOverflow => bytes.len() as u64 > limits.max_size,
        _ => false,
    };
    if over_limit {
        SnapshotError::OverLimit {
            table: id,
            what,
            kind: error.kind(),
            reason: error.to_string(),
        }
    } else {
        SnapshotError::Invalid(format!("table {id}: {what} is not LXT: {error}"))
    }
}

fn check_key(id: TableId, key: &[u8], limits: &Limits) -> Result<(), SnapshotError> {
    let invalid = |why: String| SnapshotError::Invalid(format!("table {id}: {why}"));
    let decoded = DecodeOptions::new()
        .limits(*limits)
        .decode(key)
        .map_err(|e| refused(id, "key", key, limits, e))?;
    let canonical = encode_key(&decoded).map_err(|e| invalid(format!("bad key: {e}")))?;
    if canonical != key {
        return Err(invalid("key is not in canonical form".into()));
    }
    Ok(())
}

fn check_value(id: TableId, value: &[u8], limits: &Limits) -> Result<(), SnapshotError> {
    let decoded = DecodeOptions::new()
        .limits(*limits)
        .decode_ref(value)
        .map_err(|e| refused(id, "value", value, limits, e))?;
    if decoded.is_nil() {
        return Err(SnapshotError::Invalid(format!("table {id}: nil value")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;
    use crate::store::IO_ID;

    #[test]
    fn empty_home_snapshot_is_fixed_bytes() {
        let bytes = write(&MemoryStore::new()).unwrap();
        let mut expected = b"LXTSNAP\0".to_vec();
        expected.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        let crc = crc32fast::hash(&expected);
        expected.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(bytes, expected);
        assert_eq!(
            read(&bytes).unwrap(),
            vec![TableData {
                id: HOME_ID,
                entries: vec![]
            }]
        );
    }

    #[test]
    fn spec_example_bytes() {
        // spec/12-snapshot.md §12.2
        let hex = "4C58545 34E415000 01000000 01000000 01000000 01000000 09000000 04040000 00646174 61 0F000000 040A000000 70657273697374656E74 3BF121E0";
        let digits: Vec<u8> = hex.bytes().filter(u8::is_ascii_hexdigit).collect();
        let expected: Vec<u8> = digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect();
        let mut store = MemoryStore::new();
        let key = encode_key(&luaxt_format::Value::from("data")).unwrap();
        let value = luaxt_format::encode(&luaxt_format::Value::from("persistent")).unwrap();
        store.set(HOME_ID, &key, &value).unwrap();
        let bytes = write(&store).unwrap();
        assert_eq!(bytes, expected);
        assert_eq!(bytes.len(), 60);
    }

    /// A snapshot whose `_home` holds `key = value` (raw bytes).
    fn holding(value: &[u8]) -> Vec<u8> {
        let key = encode_key(&luaxt_format::Value::from("k")).unwrap();
        encode_tables(&[TableData {
            id: HOME_ID,
            entries: vec![(key, value.to_vec())],
        }])
    }

    #[test]
    fn values_over_the_readers_limits_are_over_limit_and_read_under_the_writers() {
        // {{{}}}: depth 3.
        let mut deep = luaxt_format::Value::Table(luaxt_format::Table::new());
        for _ in 0..2 {
            deep = luaxt_format::Value::Table(luaxt_format::Table::from_array(vec![deep]));
        }
        let bytes = holding(&luaxt_format::encode(&deep).unwrap());
        let shallow = Limits::DEFAULT.with_max_depth(2);
        assert!(matches!(
            read_with(&bytes, &shallow),
            Err(SnapshotError::OverLimit {
                table: 1,
                what: "value",
                kind: ErrorKind::DepthExceeded,
                ..
            })
        ));
        assert!(read_with(&bytes, &Limits::DEFAULT.with_max_depth(3)).is_ok());
        // A 20-byte string over a 16-byte size limit.
        let long = luaxt_format::encode(&luaxt_format::Value::from("x".repeat(20))).unwrap();
        let small = Limits::DEFAULT.with_max_size(16);
        assert!(matches!(
            read_with(&holding(&long), &small),
            Err(SnapshotError::OverLimit {
                kind: ErrorKind::LengthOverflow,
                ..
            })
        ));
        // A length reaching past the value's bytes is damage, not a limit.
        let mut cut = long.clone();
        cut.truncate(10);
        cut[1] = 9;
        assert!(matches!(
            read_with(&holding(&cut), &Limits::DEFAULT),
            Err(SnapshotError::Invalid(_))
        ));
    }

    #[test]
    fn only_reachable_tables_are_kept() {
        let mut store = MemoryStore::new();
        let kept = store.create_table().unwrap();
        let dropped = store.create_table().unwrap();
        let key = encode_key(&luaxt_format::Value::from("child")).unwrap();
        let reference = luaxt_format::encode(&luaxt_format::Value::Ref(kept)).unwrap();
        store.set(HOME_ID, &key, &reference).unwrap();
        store
            .set(
                IO_ID,
                &key,
                &luaxt_format::encode(&luaxt_format::Value::Ref(dropped)).unwrap(),
            )
            .unwrap();
        assert_eq!(reachable(&store).unwrap(), vec![HOME_ID, kept]);
    }
}
