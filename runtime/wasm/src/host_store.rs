//! [`JsStore`]: the [`Store`] of the WebAssembly build, answered by a
//! JavaScript object through the calls of spec §11: buffers are
//! `(pointer, length)` pairs in this module's memory, results are status
//! codes, and a too-small output buffer is reported by its needed length
//! and retried.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use luaxt_runtime::{Store, StoreError, StoreResult, TableData, TableId};

use crate::calls::{self, addr, len32};

/// Status codes of spec §11.4.
mod status {
    pub const NO_SUCH_TABLE: i32 = -2;
    pub const IDS_EXHAUSTED: i32 = -3;
    pub const INVALID: i32 = -4;
    pub const QUOTA: i32 = -6;
}

#[wasm_bindgen]
extern "C" {
    /// The JavaScript store object passed to the runtime's constructor; its
    /// methods are the operations of spec §11.3.
    pub type HostStore;

    #[wasm_bindgen(method)]
    fn create(this: &HostStore, out_id_ptr: u32) -> i32;
    #[wasm_bindgen(method)]
    fn contains(this: &HostStore, id: u32) -> i32;
    #[wasm_bindgen(method)]
    fn get(
        this: &HostStore,
        id: u32,
        key_ptr: u32,
        key_len: u32,
        out_ptr: u32,
        out_cap: u32,
    ) -> i32;
    #[wasm_bindgen(method)]
    fn set(
        this: &HostStore,
        id: u32,
        key_ptr: u32,
        key_len: u32,
        value_ptr: u32,
        value_len: u32,
    ) -> i32;
    #[wasm_bindgen(method)]
    fn delete(this: &HostStore, id: u32, key_ptr: u32, key_len: u32) -> i32;
    #[wasm_bindgen(method)]
    fn len(this: &HostStore, id: u32, out_ptr: u32) -> i32;
    #[wasm_bindgen(method)]
    fn next(
        this: &HostStore,
        id: u32,
        after_ptr: u32,
        after_len: u32,
        out_ptr: u32,
        out_cap: u32,
    ) -> i32;
    #[wasm_bindgen(method, js_name = tableIds)]
    fn table_ids(this: &HostStore, out_ptr: u32, out_cap: u32) -> i32;
    #[wasm_bindgen(method, js_name = replaceAll)]
    fn replace_all(this: &HostStore, snapshot_ptr: u32, snapshot_len: u32) -> i32;
    /// `limit` in bytes (spec §6.7), or a negative number for none.
    #[wasm_bindgen(method, js_name = setQuota)]
    fn set_quota(this: &HostStore, limit: f64) -> i32;
    #[wasm_bindgen(method, js_name = lastError)]
    fn last_error(this: &HostStore, out_ptr: u32, out_cap: u32) -> i32;
}

/// A [`Store`] whose tables live in JavaScript.
pub struct JsStore {
    host: HostStore,
    /// Reused output buffer; its length is its usable capacity.
    scratch: RefCell<Vec<u8>>,
    /// The limit last handed to the host, for `StoreError::Quota`.
    quota: Option<u64>,
}

impl JsStore {
    /// Wraps the host's store object.
    pub fn new(host: HostStore) -> JsStore {
        JsStore {
            host,
            scratch: RefCell::new(vec![0; 4096]),
            quota: None,
        }
    }

    /// Calls `op(out_ptr, out_cap)` until the output fits (§11.5); `None`
    /// for `ABSENT`/`END`.
    fn fetch(&self, id: TableId, op: impl Fn(u32, u32) -> i32) -> StoreResult<Option<Vec<u8>>> {
        calls::fetch(&self.scratch, op, |status| self.error(id, status))
    }

    /// Turns a status into its length, or the error it stands for.
    fn check(&self, id: TableId, status: i32) -> StoreResult<u32> {
        u32::try_from(status).map_err(|_| self.error(id, status))
    }

    /// The error a negative status stands for.
    fn error(&self, id: TableId, status: i32) -> StoreError {
        match status {
            status::NO_SUCH_TABLE => StoreError::NoSuchTable(id),
            status::IDS_EXHAUSTED => StoreError::IdsExhausted,
            status::INVALID => StoreError::Invalid(self.message()),
            status::QUOTA => StoreError::Quota {
                limit: self.quota.unwrap_or(0),
            },
            _ => StoreError::Backend(self.message()),
        }
    }

    /// The host's description of its last failure.
    fn message(&self) -> String {
        calls::message(
            |out, cap| self.host.last_error(out, cap),
            "the host store failed",
        )
    }
}

impl Store for JsStore {
    fn create_table(&mut self) -> StoreResult<TableId> {
        let mut id = [0u8; 4];
        let status = self.host.create(id.as_mut_ptr() as usize as u32);
        self.check(0, status)?;
        Ok(u32::from_le_bytes(id))
    }

    fn contains_table(&self, id: TableId) -> bool {
        self.host.contains(id) == 1
    }

    fn get(&self, id: TableId, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        self.fetch(id, |out, cap| {
            self.host.get(id, addr(key), len32(key), out, cap)
        })
    }

    /// The host writes the value straight into `out`'s spare capacity
    /// (§11.5: a value larger than it is asked for again).
    fn get_into(&self, id: TableId, key: &[u8], out: &mut Vec<u8>) -> StoreResult<bool> {
        out.clear();
        loop {
            let cap = out.capacity();
            let status = self.host.get(
                id,
                addr(key),
                len32(key),
                out.as_mut_ptr() as usize as u32,
                u32::try_from(cap).unwrap_or(u32::MAX),
            );
            if status == calls::ABSENT {
                return Ok(false);
            }
            let needed = self.check(id, status)? as usize;
            if needed <= cap {
                // SAFETY: the host wrote `needed` bytes at the pointer, all
                // within the capacity (§11.5: it writes nothing otherwise).
                unsafe { out.set_len(needed) };
                return Ok(true);
            }
            out.reserve(needed);
        }
    }

    fn set(&mut self, id: TableId, key: &[u8], value: &[u8]) -> StoreResult<()> {
        let status = self
            .host
            .set(id, addr(key), len32(key), addr(value), len32(value));
        self.check(id, status).map(drop)
    }

    fn delete(&mut self, id: TableId, key: &[u8]) -> StoreResult<()> {
        let status = self.host.delete(id, addr(key), len32(key));
        self.check(id, status).map(drop)
    }

    fn len(&self, id: TableId) -> StoreResult<u64> {
        let mut border = [0u8; 8];
        let status = self.host.len(id, border.as_mut_ptr() as usize as u32);
        self.check(id, status)?;
        Ok(u64::from_le_bytes(border))
    }

    fn next(&self, id: TableId, after: Option<&[u8]>) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>> {
        let after = after.unwrap_or(&[]);
        let record = self.fetch(id, |out, cap| {
            self.host.next(id, addr(after), len32(after), out, cap)
        })?;
        let Some(record) = record else {
            return Ok(None);
        };
        // u32 LE key length K, K key bytes, then the value (§11.3).
        let invalid = || StoreError::Invalid("malformed entry record from the host".into());
        let (head, rest) = record.split_first_chunk::<4>().ok_or_else(invalid)?;
        let key_len = u32::from_le_bytes(*head) as usize;
        if key_len > rest.len() {
            return Err(invalid());
        }
        let (key, value) = rest.split_at(key_len);
        Ok(Some((key.to_vec(), value.to_vec())))
    }

    fn table_ids(&self) -> StoreResult<Vec<TableId>> {
        let bytes = self
            .fetch(0, |out, cap| self.host.table_ids(out, cap))?
            .unwrap_or_default();
        Ok(bytes
            .chunks_exact(4)
            .map(|id| u32::from_le_bytes([id[0], id[1], id[2], id[3]]))
            .collect())
    }

    fn set_quota(&mut self, limit: Option<u64>) -> StoreResult<()> {
        // Limits are far below 2^53, so the f64 is exact.
        let status = self
            .host
            .set_quota(limit.map_or(-1.0, |bytes| bytes as f64));
        self.check(0, status)?;
        self.quota = limit;
        Ok(())
    }

    fn replace_all(&mut self, tables: Vec<TableData>) -> StoreResult<()> {
        let snapshot = luaxt_runtime::snapshot::encode_tables(&tables);
        let status = self.host.replace_all(addr(&snapshot), len32(&snapshot));
        self.check(0, status).map(drop)
    }
}
