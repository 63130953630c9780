//! [`Runtime`]: a sandboxed Lua 5.4 state whose external tables live in a
//! [`Store`].

use std::cell::{Ref, RefMut};
use std::rc::Rc;

use luaxt_format::{DecodeOptions, Value, encode_into_with, encode_key, wire};
use mlua::{ChunkMode, Lua};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::cancel::{CancelCheck, CancelToken};
use crate::error::{Error, LimitKind, Result};
use crate::input::{InputMode, InputSource, LxtInput};
use crate::limits::Limits;
use crate::lua::ext_table::Ext;
use crate::lua::sandbox::{self, Budget};
use crate::snapshot;
use crate::store::{IO_ID, Store, StoreError, TableId};

/// A Lua 5.4 state with `ext`, `_home` and `_io`, backed by a [`Store`].
///
/// Lua globals persist from one [`compute`](Runtime::compute) call to the
/// next; external tables persist in the store (and, for what is reachable
/// from `_home`, in snapshots).
///
/// A runtime is single-threaded (`!Send`): the Lua state and the store are
/// used from the thread that created them, as in the WebAssembly build.
pub struct Runtime<S: Store + 'static> {
    pub(crate) lua: Lua,
    ext: Rc<Ext<S>>,
    pub(crate) budget: Rc<Budget>,
    pub(crate) limits: Limits,
    input_mode: InputMode,
}

impl<S: Store + 'static> std::fmt::Debug for Runtime<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The `_io` fields the host reads and writes.
const INPUT: &str = "input";
const OUTPUT: &str = "output";
const META: &str = "meta";

impl<S: Store + 'static> Runtime<S> {
    /// A runtime over `store` (which must hold `_home` and `_io`, see
    /// [`Store`]), with `limits`.
    pub fn new(mut store: S, limits: Limits) -> Result<Runtime<S>> {
        store.set_quota(limits.store)?;
        for id in [crate::HOME_ID, IO_ID] {
            if !store.contains_table(id) {
                return Err(crate::StoreError::NoSuchTable(id).into());
            }
        }
        let budget = Rc::new(Budget::default());
        let lua = sandbox::new_lua(&limits, &budget).map_err(Error::from_lua)?;
        let ext = crate::lua::install_ext(&lua, store, &limits, Rc::clone(&budget))
            .map_err(Error::from_lua)?;
        Ok(Runtime {
            lua,
            ext,
            budget,
            limits,
            input_mode: InputMode::default(),
        })
    }

    /// The limits this runtime enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Replaces the limits for the calls that follow (the host may, say,
    /// give a trusted setup call more room than the script after it). A
    /// store holding more than the new store limit keeps what it holds;
    /// only growth is refused.
    pub fn set_limits(&mut self, limits: Limits) -> Result<()> {
        self.ext.store.borrow_mut().set_quota(limits.store)?;
        self.lua
            .set_memory_limit(limits.memory.unwrap_or(0))
            .map_err(Error::from_lua)?;
        self.ext.set_limits(&limits);
        self.limits = limits;
        Ok(())
    }

    /// Runs `code` (Lua source text; binary chunks are refused) and returns
    /// its first result as an LXT value: plain tables by value, external
    /// tables as [`Value::Ref`], no result as nil.
    ///
    /// A Lua error, the memory limit, the instruction budget, the deadline
    /// and a cancellation ([`set_cancel_token`](Runtime::set_cancel_token))
    /// come back as [`Error`]s; the runtime stays usable and every store
    /// write completed before the error is kept.
    pub fn compute(&mut self, code: &str) -> Result<Value> {
        if self.budget.cancelled() {
            return Err(Error::Limit(LimitKind::Cancelled));
        }
        self.budget.start(&self.limits);
        self.ext.invalidate_input();
        self.ext.cache_input.set(true);
        let result = self
            .lua
            .load(code)
            .set_name("=compute")
            .set_mode(ChunkMode::Text)
            .eval::<mlua::Value>();
        self.ext.cache_input.set(false);
        self.ext.invalidate_input();
        let value = match result {
            Ok(value) => value,
            Err(err) => {
                let tripped = self.budget.tripped();
                let err = match tripped {
                    Some(kind) => Error::Limit(kind),
                    None => Error::from_lua(err),
                };
                if matches!(err, Error::Memory(_)) {
                    // Give the garbage back before the next call.
                    let _ = self.lua.gc_collect();
                }
                return Err(err);
            }
        };
        // Bound and charged as a value the script stores: a returned table
        // is converted inside the call's limits too.
        self.ext.converter(&self.lua).value(&value).map_err(|e| {
            if let Some(kind) = self.budget.tripped() {
                return Error::Limit(kind);
            }
            let message = e.describe(Some("return value"));
            if e.memory {
                Error::Memory(message)
            } else {
                luaxt_format::Error::with_message(e.kind, message).into()
            }
        })
    }

    /// Sets the token that cancels this runtime's calls (`None`: calls
    /// cannot be cancelled, the default). While it is cancelled, a running
    /// call stops at its next budget check (within 1000 VM instructions or
    /// 4096 steps of C work, spec §6.7) and every new call fails at once,
    /// both with [`Error::Limit`]`(`[`LimitKind::Cancelled`]`)`, which a
    /// script cannot catch. The runtime stays usable: give it a new token,
    /// or none, and it runs again. See [`CancelToken`] for an example.
    pub fn set_cancel_token(&mut self, token: Option<CancelToken>) {
        self.budget.set_cancel(token.map(CancelCheck::from));
    }

    /// Sets a cancel check the budget calls at every charge, as
    /// [`set_cancel_token`](Runtime::set_cancel_token) does with a token's
    /// flag: for a host whose "stop" is not a flag another thread sets (the
    /// WebAssembly build asks a JavaScript function, spec §11.8). `true`
    /// stops the call with [`LimitKind::Cancelled`]; `None` removes it.
    ///
    /// ```
    /// use std::cell::Cell;
    /// use std::rc::Rc;
    /// use luaxt_runtime::{Error, LimitKind, Limits, MemoryStore, Runtime};
    /// let mut rt = Runtime::new(MemoryStore::new(), Limits::default())?;
    /// let stop = Rc::new(Cell::new(true));
    /// let asked = Rc::clone(&stop);
    /// rt.set_cancel_check(Some(Rc::new(move || asked.get())));
    /// let err = rt.compute("while true do end").unwrap_err();
    /// assert!(matches!(err, Error::Limit(LimitKind::Cancelled)));
    /// stop.set(false);
    /// assert_eq!(rt.compute("return 1")?, luaxt_format::Value::Int(1));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn set_cancel_check(&mut self, check: Option<Rc<dyn Fn() -> bool>>) {
        self.budget.set_cancel(check.map(CancelCheck::shared));
    }

    /// Stores `bytes`, a complete valid LXT value, as `_io[field]` (nil
    /// deletes it): the one place the host writes `_io`.
    fn io_put(&mut self, field: &str, bytes: &[u8]) -> Result<()> {
        self.io_write(field, wire::is_nil(bytes), |store, key| {
            store.set(IO_ID, key, bytes)
        })
    }

    /// [`io_put`](Runtime::io_put) of bytes the store may keep (no copy).
    fn io_put_vec(&mut self, field: &str, bytes: Vec<u8>) -> Result<()> {
        self.io_write(field, wire::is_nil(&bytes), |store, key| {
            store.set_vec(IO_ID, key, bytes)
        })
    }

    /// Sets `_io[field]` with `write`, or removes it when the value is
    /// `nil`: nil has one encoding (§2.1), so valid bytes are nil exactly
    /// when they are the byte 0x00.
    fn io_write(
        &mut self,
        field: &str,
        nil: bool,
        write: impl FnOnce(&mut S, &[u8]) -> Result<(), StoreError>,
    ) -> Result<()> {
        let key = encode_key(&Value::from(field))?;
        if field == INPUT {
            self.ext.invalidate_input();
            self.ext.handles.views.set_source(None);
        }
        let mut store = self.ext.store.borrow_mut();
        if nil {
            store.delete(IO_ID, &key)?;
        } else {
            write(&mut store, &key)?;
        }
        Ok(())
    }

    fn io_get_serde<T: DeserializeOwned>(&self, field: &str) -> Result<T> {
        let bytes = self.io_get_encoded(field)?;
        let options = DecodeOptions::new().limits(self.limits.format);
        Ok(luaxt_format::from_slice_with(
            bytes.as_deref().unwrap_or(&wire::NIL),
            &options,
        )?)
    }

    /// Sets `_io.input` to any serde value (spec §10 mapping), encoded
    /// once by the format crate and stored as one buffer.
    ///
    /// ```
    /// use luaxt_runtime::{Limits, MemoryStore, Runtime};
    /// #[derive(serde::Serialize)]
    /// struct Point { x: i64, y: i64 }
    /// let mut rt = Runtime::new(MemoryStore::new(), Limits::default())?;
    /// rt.set_input(&vec![Point { x: 1, y: 2 }, Point { x: 3, y: 4 }])?;
    /// rt.compute("local s = 0 for _, p in ipairs(_io.input) do s = s + p.x * p.y end _io.output = s")?;
    /// assert_eq!(rt.output::<i64>()?, 14);
    /// # Ok::<(), luaxt_runtime::Error>(())
    /// ```
    pub fn set_input<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let bytes = luaxt_format::to_vec_with(value, &self.limits.format)?;
        self.put_input(bytes)
    }

    /// How the next inputs reach Lua (see [`InputMode`]; default
    /// [`InputMode::Auto`]: a view above 1 MiB, a copy below).
    ///
    /// ```
    /// use luaxt_runtime::{InputMode, Limits, MemoryStore, Runtime};
    /// let mut rt = Runtime::new(MemoryStore::new(), Limits::default())?;
    /// rt.set_input_mode(InputMode::View);
    /// rt.set_input(&vec![10, 20, 30])?;
    /// let out = rt.compute(
    ///     "local s = 0 for _, x in ipairs(_io.input) do s = s + x end
    ///      local ok, err = pcall(function() _io.input[1] = 0 end)
    ///      return {s, #_io.input, getmetatable(_io.input), ok, tostring(err):match('read%-only')}",
    /// )?;
    /// assert_eq!(out.to_string(), r#"{60, 3, "input view", false, "read-only"}"#);
    /// # Ok::<(), luaxt_runtime::Error>(())
    /// ```
    pub fn set_input_mode(&mut self, mode: InputMode) {
        self.input_mode = mode;
    }

    /// The mode [`set_input_mode`](Runtime::set_input_mode) chose.
    pub fn input_mode(&self) -> InputMode {
        self.input_mode
    }

    /// Sets `_io.input` to `bytes` that luaxt-format's encoder wrote (so
    /// valid and canonical, not checked again) by the input mode: into
    /// the store as they are (copy), or kept by the runtime and read in
    /// place through an [`LxtInput`] (view).
    fn put_input(&mut self, bytes: Vec<u8>) -> Result<()> {
        if !self.input_mode.is_view(bytes.len()) {
            return self.io_put_vec(INPUT, bytes);
        }
        let input = LxtInput::encoded_here(bytes, self.limits.format)?;
        self.set_input_source(Rc::new(input))
    }

    /// Drops a view input (an input in the store is left as it is): what a
    /// host that writes `_io.input` into its store itself calls first.
    pub fn clear_input_source(&mut self) {
        self.ext.invalidate_input();
        self.ext.handles.views.set_source(None);
    }

    /// Makes `source` the input: Lua reads `_io.input` through a view of
    /// it (spec §9.7), whatever the input mode. An input in the store is
    /// removed; views of an earlier input stop working.
    pub fn set_input_source(&mut self, source: Rc<dyn InputSource>) -> Result<()> {
        self.io_put(INPUT, &wire::NIL)?;
        self.ext.handles.views.set_source(Some(source));
        Ok(())
    }

    /// `_io.output` as any serde type (`Option<T>` reads an unset output
    /// as `None`).
    pub fn output<T: DeserializeOwned>(&self) -> Result<T> {
        self.io_get_serde(OUTPUT)
    }

    /// Sets `_io.meta` to any serde value.
    pub fn set_meta<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let bytes = luaxt_format::to_vec_with(value, &self.limits.format)?;
        self.io_put(META, &bytes)
    }

    /// `_io.meta` as any serde type.
    pub fn meta<T: DeserializeOwned>(&self) -> Result<T> {
        self.io_get_serde(META)
    }

    fn io_get_encoded(&self, field: &str) -> Result<Option<Vec<u8>>> {
        let key = encode_key(&Value::from(field))?;
        Ok(self.ext.store.borrow().get(IO_ID, &key)?)
    }

    fn io_get(&self, field: &str) -> Result<Value> {
        match self.io_get_encoded(field)? {
            Some(bytes) => Ok(DecodeOptions::new()
                .limits(self.limits.format)
                .decode(&bytes)?),
            None => Ok(Value::Nil),
        }
    }

    /// Sets `_io.input` to `value` (nil removes it), by the input mode
    /// ([`set_input_mode`](Runtime::set_input_mode)). A copy crosses as one
    /// encoded buffer that Lua decodes on its first read of `_io.input` in
    /// a `compute` call (see the crate docs).
    pub fn set_input_value(&mut self, value: &Value) -> Result<()> {
        let bytes = self.encode_value(value)?;
        self.put_input(bytes)
    }

    /// `value` encoded under the runtime's format limits.
    fn encode_value(&self, value: &Value) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        encode_into_with(value, &mut bytes, &self.limits.format)?;
        Ok(bytes)
    }

    /// Sets `_io.input` from bytes that luaxt-format's encoder wrote in
    /// this process (`to_vec_with`, `encode_into_with`, or its serde
    /// `Serializer` driven by another format's reader, as `luaxt run` does
    /// with JSON), by the input mode. They are not checked again, which
    /// saves a pass over them; other bytes are still safe (every read
    /// validates what it reads) but their errors would surface at the read
    /// that finds them: give those to
    /// [`set_input_encoded_vec`](Runtime::set_input_encoded_vec).
    pub fn set_input_encoded_here(&mut self, bytes: Vec<u8>) -> Result<()> {
        self.put_input(bytes)
    }

    /// Sets `_io.input` from LXT bytes (checked first), by the input mode.
    pub fn set_input_encoded(&mut self, bytes: &[u8]) -> Result<()> {
        if self.input_mode.is_view(bytes.len()) {
            return self.set_input_encoded_vec(bytes.to_vec());
        }
        DecodeOptions::new()
            .limits(self.limits.format)
            .check(bytes)?;
        self.io_put(INPUT, bytes)
    }

    /// [`set_input_encoded`](Runtime::set_input_encoded) of bytes the
    /// runtime may keep: a view reads them in place, with no copy (for a
    /// big input, one input's worth of memory less).
    pub fn set_input_encoded_vec(&mut self, bytes: Vec<u8>) -> Result<()> {
        if !self.input_mode.is_view(bytes.len()) {
            return self.set_input_encoded(&bytes);
        }
        let input = LxtInput::new(bytes, self.limits.format)?;
        self.set_input_source(Rc::new(input))
    }

    /// `_io.output` as a value (nil when unset).
    pub fn output_value(&self) -> Result<Value> {
        self.io_get(OUTPUT)
    }

    /// `_io.output` as stored LXT bytes.
    pub fn output_encoded(&self) -> Result<Option<Vec<u8>>> {
        self.io_get_encoded(OUTPUT)
    }

    /// Sets `_io.meta` (nil removes it).
    pub fn set_meta_value(&mut self, value: &Value) -> Result<()> {
        let bytes = self.encode_value(value)?;
        self.io_put(META, &bytes)
    }

    /// `_io.meta` as a value (nil when unset).
    pub fn meta_value(&self) -> Result<Value> {
        self.io_get(META)
    }

    /// Removes every entry of `_io` (`input`, `output`, `meta` and
    /// anything else a script put there).
    pub fn clear_io(&mut self) -> Result<()> {
        self.ext.invalidate_input();
        self.ext.handles.views.set_source(None);
        let mut store = self.ext.store.borrow_mut();
        while let Some((key, _)) = store.next(IO_ID, None)? {
            store.delete(IO_ID, &key)?;
        }
        Ok(())
    }

    /// Ends the runtime (closing its Lua state) and gives the store back.
    pub fn into_store(self) -> S {
        let Runtime { lua, ext, .. } = self;
        drop(lua);
        match Rc::try_unwrap(ext) {
            Ok(ext) => ext.store.into_inner(),
            // Only closures inside the Lua state hold other clones, and
            // they are gone with it.
            Err(_) => unreachable!("the Lua state held the last other reference"),
        }
    }

    /// The store, for reading.
    pub fn store(&self) -> Ref<'_, S> {
        self.ext.store.borrow()
    }

    /// The store, for changes by the host between `compute` calls.
    pub fn store_mut(&mut self) -> RefMut<'_, S> {
        self.ext.invalidate_input();
        self.ext.store.borrow_mut()
    }

    /// Creates an external table from the host side and returns its id
    /// (to be stored, e.g., in `_home` as a [`Value::Ref`]).
    pub fn create_table(&mut self) -> Result<TableId> {
        Ok(self.ext.store.borrow_mut().create_table()?)
    }

    /// Bytes of the Lua heap in use.
    pub fn used_memory(&self) -> usize {
        self.lua.used_memory()
    }

    /// A snapshot (spec §12) of `_home` and every table reachable from it.
    /// `_io` and unreachable tables are left out.
    pub fn snapshot(&self) -> Result<Vec<u8>> {
        Ok(snapshot::write(&*self.ext.store.borrow())?)
    }

    /// Replaces the store's content by a snapshot. The snapshot is checked
    /// completely first: if it is refused, nothing changes. Afterwards
    /// `_io` is empty and tables not in the snapshot are gone (Lua handles
    /// to them give "does not exist" errors; their ids are never reused).
    /// Keys and values are read under this runtime's format limits
    /// ([`Limits::format`]), the ones they were stored under.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<()> {
        let tables = snapshot::read_with(bytes, &self.limits.format)?;
        self.ext.invalidate_input();
        self.ext.store.borrow_mut().replace_all(tables)?;
        Ok(())
    }
}

#[cfg(feature = "fs")]
impl<S: Store + 'static> Runtime<S> {
    /// Writes [`snapshot`](Runtime::snapshot) to `path` atomically: a new
    /// temporary file created exclusively in the same directory, fsync,
    /// rename, fsync of the directory. A crash at any point leaves either
    /// the old file or the new one, never a mix. The file keeps the
    /// permissions of the one it replaces (a new one is 0600); a symlink at
    /// `path` is replaced, not written through (module [`persist`](crate::persist)).
    ///
    /// Two processes saving the same path never corrupt it, but each
    /// replaces the whole file: a host that loads, runs and saves must
    /// hold a lock around the three steps (the CLI does, spec §12.6).
    pub fn save_state(&self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let bytes = self.snapshot()?;
        crate::persist::write_atomic(path.as_ref(), &bytes)?;
        Ok(())
    }

    /// Reads a snapshot file and [`restore`](Runtime::restore)s it. A
    /// missing, truncated or corrupted file is an error and changes nothing.
    pub fn load_state(&mut self, path: impl AsRef<std::path::Path>) -> Result<()> {
        let bytes = std::fs::read(path)?;
        self.restore(&bytes)
    }
}
