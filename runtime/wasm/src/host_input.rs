//! [`JsInput`]: the [`InputSource`] of the WebAssembly build, answered by
//! a JavaScript object that keeps the input as a JS value (spec §11.7), so
//! only what Lua touches is encoded and crosses into this module's memory.
//!
//! An item record is one byte, then for `0` the LXT encoding of a value
//! that is not a table, for `1` a table's node id (u32 LE). An entry
//! record (`next`) is the key's length (u32 LE), the encoded key, then the
//! item record.

use std::cell::RefCell;

use luaxt_format::{DecodeOptions, Value, encode_key};
use wasm_bindgen::prelude::*;

use luaxt_runtime::StoreError;
use luaxt_runtime::input::{InputSource, NodeId, ViewItem};

use crate::calls::{self, addr, len32};

#[wasm_bindgen]
extern "C" {
    /// The JavaScript input object (`ValueInput` in the JS package).
    pub type HostInput;

    #[wasm_bindgen(method)]
    fn root(this: &HostInput, out_ptr: u32, out_cap: u32) -> i32;
    #[wasm_bindgen(method)]
    fn get(
        this: &HostInput,
        node: u32,
        key_ptr: u32,
        key_len: u32,
        out_ptr: u32,
        out_cap: u32,
    ) -> i32;
    #[wasm_bindgen(method)]
    fn len(this: &HostInput, node: u32) -> f64;
    #[wasm_bindgen(method)]
    fn next(
        this: &HostInput,
        node: u32,
        after_ptr: u32,
        after_len: u32,
        out_ptr: u32,
        out_cap: u32,
    ) -> i32;
    #[wasm_bindgen(method)]
    fn chunk(
        this: &HostInput,
        node: u32,
        first: f64,
        count: f64,
        out_ptr: u32,
        out_cap: u32,
    ) -> i32;
    #[wasm_bindgen(method)]
    fn value(this: &HostInput, node: u32, out_ptr: u32, out_cap: u32) -> i32;
    #[wasm_bindgen(method, js_name = lastError)]
    fn last_error(this: &HostInput, out_ptr: u32, out_cap: u32) -> i32;
    #[wasm_bindgen(method, js_name = takeWork)]
    fn take_work(this: &HostInput) -> f64;
}

/// An [`InputSource`] whose tables live in JavaScript.
pub struct JsInput {
    host: HostInput,
    /// Reused output buffer; its length is its usable capacity.
    scratch: RefCell<Vec<u8>>,
}

impl JsInput {
    /// Wraps the host's input object.
    pub fn new(host: HostInput) -> JsInput {
        JsInput {
            host,
            scratch: RefCell::new(vec![0; 4096]),
        }
    }

    fn fetch(&self, op: impl Fn(u32, u32) -> i32) -> Result<Option<Vec<u8>>, StoreError> {
        calls::fetch(&self.scratch, op, |_| {
            StoreError::Backend(calls::message(
                |out, cap| self.host.last_error(out, cap),
                "the host input failed",
            ))
        })
    }
}

fn malformed(what: &str) -> StoreError {
    StoreError::Invalid(format!("malformed {what} from the host input"))
}

fn decode(bytes: &[u8]) -> Result<Value, StoreError> {
    DecodeOptions::new()
        .decode(bytes)
        .map_err(|e| StoreError::Invalid(format!("the host input gave invalid LXT: {e}")))
}

/// An item record (see the module docs).
fn item(record: &[u8]) -> Result<ViewItem, StoreError> {
    match record.split_first() {
        Some((0, value)) => Ok(ViewItem::Value(decode(value)?)),
        Some((1, id)) => {
            let id: [u8; 4] = id.try_into().map_err(|_| malformed("node id"))?;
            Ok(ViewItem::Table(NodeId::from_le_bytes(id)))
        }
        _ => Err(malformed("item")),
    }
}

impl InputSource for JsInput {
    fn root(&self) -> Result<ViewItem, StoreError> {
        let record = self.fetch(|out, cap| self.host.root(out, cap))?;
        item(&record.ok_or_else(|| malformed("root"))?)
    }

    fn get(&self, node: NodeId, key: &Value) -> Result<Option<ViewItem>, StoreError> {
        let Ok(key) = encode_key(key) else {
            return Ok(None);
        };
        let record =
            self.fetch(|out, cap| self.host.get(node, addr(&key), len32(&key), out, cap))?;
        record.map(|record| item(&record)).transpose()
    }

    fn len(&self, node: NodeId) -> Result<u64, StoreError> {
        let n = self.host.len(node);
        if n >= 0.0 {
            Ok(n as u64)
        } else {
            Err(StoreError::Backend(calls::message(
                |out, cap| self.host.last_error(out, cap),
                "the host input failed",
            )))
        }
    }

    fn next(
        &self,
        node: NodeId,
        after: Option<&Value>,
    ) -> Result<Option<(Value, ViewItem)>, StoreError> {
        let after = match after {
            Some(key) => encode_key(key).map_err(|e| StoreError::Invalid(e.to_string()))?,
            None => Vec::new(),
        };
        let Some(record) =
            self.fetch(|out, cap| self.host.next(node, addr(&after), len32(&after), out, cap))?
        else {
            return Ok(None);
        };
        let (head, rest) = record
            .split_first_chunk::<4>()
            .ok_or_else(|| malformed("entry"))?;
        let key_len = u32::from_le_bytes(*head) as usize;
        if key_len > rest.len() {
            return Err(malformed("entry"));
        }
        let (key, value) = rest.split_at(key_len);
        Ok(Some((decode(key)?, item(value)?)))
    }

    fn chunk(&self, node: NodeId, first: u64, count: u64) -> Result<Vec<u8>, StoreError> {
        let bytes =
            self.fetch(|out, cap| self.host.chunk(node, first as f64, count as f64, out, cap))?;
        bytes.ok_or_else(|| malformed("chunk"))
    }

    fn value(&self, node: NodeId) -> Result<Value, StoreError> {
        decode(&self.value_encoded(node)?)
    }

    fn value_encoded(&self, node: NodeId) -> Result<Vec<u8>, StoreError> {
        let bytes = self.fetch(|out, cap| self.host.value(node, out, cap))?;
        bytes.ok_or_else(|| malformed("value"))
    }

    /// The work the host input reports (`takeWork`, §11.7): the entries of
    /// the tables it laid out. Anything but a finite non-negative number
    /// counts as none.
    fn take_work(&self) -> u64 {
        let work = self.host.take_work();
        if work.is_finite() && work > 0.0 {
            work as u64
        } else {
            0
        }
    }
}
