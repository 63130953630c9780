//! The host's side of external tables: the [`Store`] trait.
//!
//! Every entry of every external table lives in a store the host owns.
//! Keys and values cross as LXT bytes: a key is the canonical encoding of a
//! normalised key ([`luaxt_format::encode_key`], spec §3), so two keys are
//! the same key exactly when their bytes are equal and a store can key a
//! map by them. A value is the canonical encoding of any non-nil value
//! (spec §2). The store never interprets values; it interprets keys only to
//! keep the border ([`Store::len`]).
//!
//! The same trait describes the host ABI of the WebAssembly build
//! (spec §11): each method is one imported host function there.

/// An error of a [`Store`] operation.
///
/// Inside a Lua metamethod a store error becomes a Lua error with this
/// message (scripts can catch it with `pcall`); from the host API it comes
/// back as [`Error::Store`](crate::Error::Store).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The table id is not (or no longer) in the store.
    #[error("ext.table {0} does not exist")]
    NoSuchTable(TableId),
    /// The store has no ids left to allocate.
    #[error("the store has no table ids left")]
    IdsExhausted,
    /// A key or value was not valid LXT for the store.
    #[error("invalid data for the store: {0}")]
    Invalid(String),
    /// The store's own failure (a host error, a full disk).
    #[error("store failure: {0}")]
    Backend(String),
    /// The write would take the store past its limit (spec §6.7);
    /// nothing was changed.
    #[error(
        "store limit of {limit} bytes reached (keys and values, plus 64 bytes per entry and 256 per table)"
    )]
    Quota {
        /// The limit, in bytes as spec §6.7 counts them.
        limit: u64,
    },
}

/// The id of an external table. The host allocates ids.
pub type TableId = u32;

/// The fixed id of `_home`, the persistent root table.
pub const HOME_ID: TableId = 1;

/// The fixed id of `_io`, the host's exchange table (`input`, `output`,
/// `meta`). It is not persistent: snapshots leave it out.
pub const IO_ID: TableId = 2;

/// What every entry counts against the store limit beyond its key and
/// value bytes (spec §6.7).
pub const ENTRY_COST: u64 = 64;

/// What every table counts against the store limit (spec §6.7).
pub const TABLE_COST: u64 = 256;

/// What one entry counts against the store limit (spec §6.7): its key and
/// value bytes plus [`ENTRY_COST`]. Every store counts the same way, so a
/// limit means the same in Rust and in JavaScript.
pub const fn entry_size(key_len: usize, value_len: usize) -> u64 {
    key_len as u64 + value_len as u64 + ENTRY_COST
}

/// The result type of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// One table of a store, by value: its id and its entries as
/// `(encoded key, encoded value)` pairs. Used to restore snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableData {
    /// The table's id.
    pub id: TableId,
    /// `(key, value)` pairs, LXT bytes, sorted by key bytes.
    pub entries: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Storage for external tables, implemented by the host.
///
/// Contract (spec §11 restates it for the WebAssembly imports):
/// - A new store already holds the empty tables [`HOME_ID`] and [`IO_ID`];
///   [`create_table`](Store::create_table) never returns an id that is in
///   use or that was ever handed out before by this store (ids are not
///   reused, so a stale Lua handle never aliases a new table).
/// - `key` arguments are canonical LXT keys; `value` arguments are LXT
///   values other than nil (the runtime deletes instead of storing nil).
/// - [`len`](Store::len) is the border of spec §4.1: the largest `n ≥ 0`
///   such that the integer keys `1..=n` are all present.
/// - [`next`](Store::next) iterates in an order that does not change while
///   the table is not modified, and deleting the key just returned (or any
///   key already visited) does not disturb it. Keys added during a
///   traversal may or may not be visited (as with Lua's `next`).
/// - Operations on an id that is not a table give
///   [`StoreError::NoSuchTable`].
/// - Once [`set_quota`](Store::set_quota) has set a limit, the store's size
///   (every table's [`TABLE_COST`] and every entry's [`entry_size`]) never
///   grows past it: `create_table`, `set` and `replace_all` that would
///   pass it fail with [`StoreError::Quota`] and change nothing.
pub trait Store {
    /// Creates an empty table and returns its new id.
    fn create_table(&mut self) -> StoreResult<TableId>;

    /// Whether `id` is a table of this store.
    fn contains_table(&self, id: TableId) -> bool;

    /// The encoded value stored under `key`, or `None`.
    fn get(&self, id: TableId, key: &[u8]) -> StoreResult<Option<Vec<u8>>>;

    /// Like [`get`](Store::get), into a buffer the caller reuses: replaces
    /// the content of `out` by the value and returns `true`, or returns
    /// `false` (leaving `out` empty) when there is none. The runtime reads
    /// external tables from Lua with this; the provided version calls
    /// `get`, and a store that can copy the value straight into `out`
    /// saves an allocation per read.
    fn get_into(&self, id: TableId, key: &[u8], out: &mut Vec<u8>) -> StoreResult<bool> {
        out.clear();
        match self.get(id, key)? {
            Some(value) => {
                out.extend_from_slice(&value);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Calls `read` with the value stored under `key` (`None` when there is
    /// none), lent where the store can: the runtime decodes a copied input,
    /// which may be hundreds of megabytes, this way without a copy. The
    /// provided version calls `get`. `read` must not call the store.
    fn read<R>(
        &self,
        id: TableId,
        key: &[u8],
        read: impl FnOnce(Option<&[u8]>) -> R,
    ) -> StoreResult<R>
    where
        Self: Sized,
    {
        Ok(read(self.get(id, key)?.as_deref()))
    }

    /// Stores `value` under `key`, replacing any previous value.
    fn set(&mut self, id: TableId, key: &[u8], value: &[u8]) -> StoreResult<()>;

    /// Like [`set`](Store::set), taking the bytes: a store that keeps them
    /// as they are saves a copy (the runtime passes a copied input, which
    /// may be hundreds of megabytes, this way). The provided version calls
    /// `set`.
    fn set_vec(&mut self, id: TableId, key: &[u8], value: Vec<u8>) -> StoreResult<()> {
        self.set(id, key, &value)
    }

    /// Removes `key` (absent keys are not an error).
    fn delete(&mut self, id: TableId, key: &[u8]) -> StoreResult<()>;

    /// The border of the table (see the trait docs).
    fn len(&self, id: TableId) -> StoreResult<u64>;

    /// The first entry after `after` in the store's iteration order (the
    /// first entry of the table for `None`), or `None` at the end. `after`
    /// need not be present any more.
    fn next(&self, id: TableId, after: Option<&[u8]>) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>>;

    /// The ids of every table, in ascending order.
    fn table_ids(&self) -> StoreResult<Vec<TableId>>;

    /// Limits the store's size (see the trait docs) to `limit` bytes from
    /// now on; `None` removes the limit. Content already stored is kept
    /// even when it is over a new limit; only growth is refused.
    fn set_quota(&mut self, limit: Option<u64>) -> StoreResult<()>;

    /// Replaces the whole content of the store by `tables` (a snapshot
    /// being restored). Tables not listed are dropped; [`HOME_ID`] and
    /// [`IO_ID`] exist afterwards even if not listed. Ids handed out later
    /// must still be new (greater than every id ever used).
    fn replace_all(&mut self, tables: Vec<TableData>) -> StoreResult<()>;
}

/// The integer an encoded key stands for, if it is an integer key (tag
/// `0x02`, 8 bytes little-endian): what a store needs to keep the border.
///
/// ```
/// use luaxt_runtime::store::int_key;
/// let key = luaxt_format::encode_key(&luaxt_format::Value::Int(7)).unwrap();
/// assert_eq!(int_key(&key), Some(7));
/// assert_eq!(int_key(b"\x04\x01\x00\x00\x007"), None); // the string "7"
/// ```
pub fn int_key(key: &[u8]) -> Option<i64> {
    luaxt_format::wire::int_value(key)
}

/// The encoded key of the integer `n` (tag `0x02`, 8 bytes little-endian).
pub fn int_key_bytes(n: i64) -> [u8; 9] {
    let mut key = [0x02; 9];
    key[1..].copy_from_slice(&n.to_le_bytes());
    key
}
