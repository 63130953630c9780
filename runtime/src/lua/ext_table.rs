//! External tables in Lua: the `ext` library, the proxies' metatable,
//! `_home` and `_io`.
//!
//! A proxy is an empty Lua table whose metatable sends every read, write,
//! `#`, `pairs` and `tostring` to the [`Store`]. `type(t)` is `"table"`,
//! `getmetatable(t)` is the string `"ext.table"` (the metatable is locked).
//! `rawget`/`rawset` bypass the metatable as with any table: what `rawset`
//! puts in a proxy is an ordinary Lua field and is not stored.
//!
//! - `t[k]`, `t[k] = v` and `#t` are raw C functions for the common cases
//!   (raw_ext.rs, which installs them) over the safe metamethods here; a
//!   raw function leaves what it did for the safe one as a [`Handoff`].
//! - `pairs(t)` gives the sequence `1, 2, …, n` first, in order (as Lua
//!   does for a table's array part), then the other keys in the store's
//!   order ([`MemoryStore`]: its array part, then the other keys in the
//!   bytewise order of their encodings). Deleting the current entry during
//!   `pairs` is safe; each key is visited once.
//! - `next(t, k)` sees through the proxy too (the sandbox's `next` asks
//!   the store for the entry after `k`, in the store's order), so
//!   `next(t) == nil` tests emptiness; `rawget`/`rawset` do not (and
//!   `rawset` on a proxy is refused).
//! - One proxy per id while it is reachable, so `==` between two reads of
//!   the same reference is true.
//!
//! [`MemoryStore`]: crate::MemoryStore

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use luaxt_format::{DecodeOptions, Value, encode_into_with, encode_key};
use mlua::{IntoLua, Lua, Table};

use super::handles::Handles;
use super::sandbox::Budget;
use super::to_lua::{decode_to_lua, to_lua};
use super::to_lxt::{ConvError, ToLxt, describe_key};
use super::view::{VIEW_NAME, item_to_lua};
use crate::input::{InputSource, ViewItem};
use crate::limits::Limits;
use crate::store::{HOME_ID, IO_ID, Store, StoreError, TableId};

/// The encoded key `"input"` of `_io`.
pub(crate) fn input_key() -> Vec<u8> {
    encode_key(&Value::from("input")).expect("a string is a key")
}

/// Where a `pairs` traversal is.
enum Cursor {
    /// Next: the integer key `i` of the leading sequence.
    Sequence(i64),
    /// Next: the entry after `after` in store order; integer keys
    /// `1..=seen` were visited in the sequence phase.
    Rest { after: Option<Vec<u8>>, seen: i64 },
    /// The store has no more entries; for `_io` with a view input, the
    /// input (kept by the host, not in the store) comes last.
    Input,
}

/// What the metamethods share with the [`Runtime`](crate::Runtime).
pub(crate) struct Ext<S> {
    pub(crate) store: RefCell<S>,
    pub(crate) handles: Handles,
    pub(crate) limits: Cell<luaxt_format::Limits>,
    /// `_io.input`, decoded once per `compute` (see the crate docs).
    pub(crate) input_cache: RefCell<Option<mlua::Value>>,
    /// Whether `input_cache` may be used (only inside `compute`).
    pub(crate) cache_input: Cell<bool>,
    input_key: Vec<u8>,
    /// The raw metamethods' buffer for the value read or written.
    pub(crate) value_buf: RefCell<Vec<u8>>,
    /// The instruction budget and deadline, charged with the store's work.
    pub(crate) budget: Rc<Budget>,
    /// The memory limit of the Lua heap: a value being stored is built in
    /// host memory first, and may take what the limit leaves.
    pub(crate) memory: Cell<Option<usize>>,
    /// What a raw metamethod hands to the safe one it falls back to.
    pub(crate) handoff: RefCell<Option<Handoff>>,
}

fn lua_error(message: impl std::fmt::Display) -> mlua::Error {
    mlua::Error::external(message.to_string())
}

/// A store error as a Lua error that keeps its type, so the host can tell
/// a store limit from other failures (`Error::from_lua`).
pub(crate) fn store_error(err: StoreError) -> mlua::Error {
    mlua::Error::external(err)
}

impl<S: Store + 'static> Ext<S> {
    pub(crate) fn new(
        lua: &Lua,
        store: S,
        limits: &Limits,
        budget: Rc<Budget>,
    ) -> mlua::Result<Rc<Ext<S>>> {
        let ext = Rc::new(Ext {
            store: RefCell::new(store),
            handles: Handles::new(lua)?,
            limits: Cell::new(limits.format),
            input_cache: RefCell::new(None),
            cache_input: Cell::new(false),
            input_key: input_key(),
            value_buf: value_buf(),
            handoff: RefCell::new(None),
            budget,
            memory: Cell::new(limits.memory),
        });
        ext.install(lua)?;
        Ok(ext)
    }

    /// Replaces the limits of values Lua reads and writes.
    pub(crate) fn set_limits(&self, limits: &Limits) {
        self.limits.set(limits.format);
        self.memory.set(limits.memory);
    }

    /// A converter for a value the script stores or returns: bound by the
    /// format limits, by the host memory the memory limit leaves, and
    /// charged to the budget as it goes.
    pub(crate) fn converter(&self, lua: &Lua) -> ToLxt<'_> {
        let limits = self.limits.get();
        let room = self
            .memory
            .get()
            .map(|limit| limit.saturating_sub(lua.used_memory()));
        ToLxt::new(&self.handles, limits.max_depth).within(limits.max_size, room, &self.budget)
    }

    /// Charges `bytes` of the store's work (a value copied in or out) to
    /// the budget: an error once a limit has tripped.
    pub(crate) fn charge(&self, bytes: usize) -> mlua::Result<()> {
        self.budget
            .charge_bytes(bytes)
            .map_err(|kind| mlua::Error::runtime(kind.to_string()))
    }

    /// Charges the work an input source did for the last access (tables
    /// it read to find their entries) to the budget.
    fn charge_source(&self, source: &dyn InputSource) -> mlua::Result<()> {
        let work = usize::try_from(source.take_work()).unwrap_or(usize::MAX);
        self.charge(work)
    }

    /// A stored value's bytes as a Lua value, its copy charged first.
    pub(crate) fn decode(&self, lua: &Lua, bytes: &[u8]) -> mlua::Result<mlua::Value> {
        self.charge(bytes.len())?;
        decode_to_lua(lua, &self.handles, bytes, self.limits.get())
    }

    /// Forgets the decoded `_io.input`.
    pub(crate) fn invalidate_input(&self) {
        self.input_cache.borrow_mut().take();
    }

    fn id(&self, proxy: &Table) -> mlua::Result<TableId> {
        self.handles
            .id_of(proxy)
            .ok_or_else(|| lua_error("not an ext.table"))
    }

    /// The encoded key for a read: `None` when no such key can exist
    /// (nil, NaN, plain tables, functions: reading them gives nil). Its
    /// work is charged ([`Ext::charge_key`]).
    fn read_key(&self, key: &mlua::Value) -> mlua::Result<Option<Vec<u8>>> {
        let Some(bytes) = ToLxt::new(&self.handles, 0)
            .key(key)
            .ok()
            .and_then(|key| encode_key(&key).ok())
        else {
            return Ok(None);
        };
        self.charge_key(&bytes)?;
        Ok(Some(bytes))
    }

    /// The encoded key for a write, its work charged ([`Ext::charge_key`]).
    fn write_key(&self, id: TableId, key: &mlua::Value) -> mlua::Result<Vec<u8>> {
        let converted = match key {
            mlua::Value::Nil => return Err(lua_error("index is nil")),
            mlua::Value::Number(n) if n.is_nan() => return Err(lua_error("index is NaN")),
            other => ToLxt::new(&self.handles, 0).key(other),
        };
        let key =
            converted.map_err(|e| lua_error(format!("ext.table {id}: {}", e.describe(None))))?;
        let bytes = encode_key(&key).map_err(|e| lua_error(format!("ext.table {id}: {e}")))?;
        self.charge_key(&bytes)?;
        Ok(bytes)
    }

    /// Charges the passes over a key's bytes an access makes: converting
    /// it, encoding it, and the store's hash or compare (a string key of
    /// 1 MB, made once and read in a loop, cost a few instructions a read).
    fn charge_key(&self, key: &[u8]) -> mlua::Result<()> {
        self.charge(3 * key.len())
    }

    pub(crate) fn index(
        &self,
        lua: &Lua,
        proxy: &Table,
        key: &mlua::Value,
    ) -> mlua::Result<mlua::Value> {
        let id = self.id(proxy)?;
        let Some(key) = self.read_key(key)? else {
            return Ok(mlua::Value::Nil);
        };
        if id == IO_ID && key == self.input_key {
            if let Some(source) = self.handles.views.source() {
                return self.view_item(lua, source.root().map_err(store_error)?);
            }
        }
        let cacheable = id == IO_ID && self.cache_input.get() && key == self.input_key;
        if cacheable {
            if let Some(value) = self.input_cache.borrow().as_ref() {
                return Ok(value.clone());
            }
        }
        // Decoded where the store holds the bytes (no copy of a big
        // input): building Lua values never calls the store, and a Lua error
        // comes back as a `Result` here, so the borrow ends normally.
        let value = self
            .store
            .borrow()
            .read(id, &key, |bytes| match bytes {
                Some(bytes) => self.decode(lua, bytes),
                None => Ok(mlua::Value::Nil),
            })
            .map_err(store_error)??;
        if cacheable {
            *self.input_cache.borrow_mut() = Some(value.clone());
        }
        Ok(value)
    }

    pub(crate) fn new_index(
        &self,
        lua: &Lua,
        proxy: &Table,
        key: &mlua::Value,
        value: &mlua::Value,
    ) -> mlua::Result<()> {
        let id = self.id(proxy)?;
        let key_bytes = self.write_key(id, key)?;
        if id == IO_ID && key_bytes == self.input_key {
            self.invalidate_input();
            self.handles.views.set_source(None);
        }
        if value.is_nil() {
            return self
                .store
                .borrow_mut()
                .delete(id, &key_bytes)
                .map_err(store_error);
        }
        let fail = |e: ConvError| {
            let message = format!("ext.table {id}: {}", e.describe(Some(&describe_key(key))));
            e.into_lua(message)
        };
        let converted = self.converter(lua).value(value).map_err(fail)?;
        let mut bytes = Vec::new();
        encode_into_with(&converted, &mut bytes, &self.limits.get()).map_err(|e| {
            lua_error(format!(
                "ext.table {id}: {} (at key {})",
                e,
                describe_key(key)
            ))
        })?;
        self.store
            .borrow_mut()
            .set(id, &key_bytes, &bytes)
            .map_err(store_error)
    }

    pub(crate) fn len(&self, proxy: &Table) -> mlua::Result<i64> {
        let id = self.id(proxy)?;
        let n = self.store.borrow().len(id).map_err(store_error)?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// One step of `pairs`. First the sequence `1, 2, …` in order (one
    /// `get` each) up to the first missing integer, then every other entry
    /// in the store's order (one `next` each), skipping the integer keys
    /// already visited. Each key is visited once, also when the current
    /// entry is deleted.
    fn step(
        &self,
        lua: &Lua,
        id: TableId,
        cursor: &RefCell<Cursor>,
    ) -> mlua::Result<(mlua::Value, mlua::Value)> {
        let nil = || Ok((mlua::Value::Nil, mlua::Value::Nil));
        let mut cursor = cursor.borrow_mut();
        if let Cursor::Sequence(i) = *cursor {
            let key = encode_key(&Value::Int(i)).map_err(lua_error)?;
            let found = self.store.borrow().get(id, &key).map_err(store_error)?;
            match found {
                Some(value) => {
                    *cursor = Cursor::Sequence(i + 1);
                    let value = self.decode(lua, &value)?;
                    return Ok((mlua::Value::Integer(i), value));
                }
                None => {
                    *cursor = Cursor::Rest {
                        after: None,
                        seen: i - 1,
                    }
                }
            }
        }
        let Cursor::Rest { after, seen } = &mut *cursor else {
            return nil();
        };
        loop {
            let next = self
                .store
                .borrow()
                .next(id, after.as_deref())
                .map_err(store_error)?;
            let Some((key, value)) = next else {
                if id == IO_ID && self.handles.views.source().is_some() {
                    *cursor = Cursor::Input;
                    let input = self.index(
                        lua,
                        &self.handles.proxy(lua, IO_ID)?,
                        &"input".into_lua(lua)?,
                    )?;
                    return Ok(("input".into_lua(lua)?, input));
                }
                return nil();
            };
            // The decoded key borrows `key`: it ends before `key` moves.
            let lua_key = {
                let decoded = DecodeOptions::new()
                    .limits(self.limits.get())
                    .decode_ref(&key)
                    .map_err(|e| lua_error(format!("stored key is not valid LXT: {e}")))?;
                let visited = decoded.as_i64().is_some_and(|k| (1..=*seen).contains(&k));
                if visited {
                    None
                } else {
                    Some(to_lua(lua, &self.handles, &decoded)?)
                }
            };
            let Some(lua_key) = lua_key else {
                *after = Some(key);
                continue;
            };
            let lua_value = self.decode(lua, &value)?;
            *after = Some(key);
            return Ok((lua_key, lua_value));
        }
    }

    /// A view item as a Lua value: a view for a table, the §9 mapping for
    /// anything else.
    fn view_item(&self, lua: &Lua, item: ViewItem) -> mlua::Result<mlua::Value> {
        item_to_lua(lua, &self.handles.views, item, |value| {
            to_lua(lua, &self.handles, &value.as_value_ref())
        })
    }

    /// `view[key]`.
    fn view_index(&self, lua: &Lua, view: &Table, key: &mlua::Value) -> mlua::Result<mlua::Value> {
        let (source, node) = self.handles.views.open(view)?;
        let Ok(key) = ToLxt::new(&self.handles, 0).key(key) else {
            return Ok(mlua::Value::Nil);
        };
        let mut found = source.get(node, &key).map_err(store_error)?;
        if let (None, Value::Str(text)) = (&found, key) {
            // A bytes key is a Lua string too (spec §9.5): the string
            // names it when its content is UTF-8.
            found = source
                .get(node, &Value::Bytes(text.into_bytes()))
                .map_err(store_error)?;
        }
        self.charge_source(&*source)?;
        match found {
            Some(item) => self.view_item(lua, item),
            None => Ok(mlua::Value::Nil),
        }
    }

    /// One step of `pairs` over a view: the entry after `after`.
    fn view_step(
        &self,
        lua: &Lua,
        view: &Table,
        after: &RefCell<Option<Value>>,
    ) -> mlua::Result<(mlua::Value, mlua::Value)> {
        let (source, node) = self.handles.views.open(view)?;
        let mut after = after.borrow_mut();
        let next = source.next(node, after.as_ref()).map_err(store_error)?;
        self.charge_source(&*source)?;
        match next {
            Some((key, item)) => {
                let lua_key = to_lua(lua, &self.handles, &key.as_value_ref())?;
                let value = self.view_item(lua, item)?;
                *after = Some(key);
                Ok((lua_key, value))
            }
            None => Ok((mlua::Value::Nil, mlua::Value::Nil)),
        }
    }

    /// `next(t, key)` for an external table: the entry after `key` in the
    /// store's order (spec §11.3), every entry once.
    fn store_next(
        &self,
        lua: &Lua,
        id: TableId,
        key: &mlua::Value,
    ) -> mlua::Result<(mlua::Value, mlua::Value)> {
        let after = match key {
            mlua::Value::Nil => None,
            key => Some(
                self.read_key(key)?
                    .ok_or_else(|| lua_error("invalid key to 'next'"))?,
            ),
        };
        let next = self
            .store
            .borrow()
            .next(id, after.as_deref())
            .map_err(store_error)?;
        let Some((key, value)) = next else {
            return Ok((mlua::Value::Nil, mlua::Value::Nil));
        };
        self.charge_key(&key)?;
        let key = DecodeOptions::new()
            .limits(self.limits.get())
            .decode_ref(&key)
            .map_err(|e| lua_error(format!("stored key is not valid LXT: {e}")))?;
        let lua_key = to_lua(lua, &self.handles, &key)?;
        let lua_value = self.decode(lua, &value)?;
        Ok((lua_key, lua_value))
    }

    /// `next(view, key)`: the entry after `key` in the order of `pairs`.
    fn view_next(
        &self,
        lua: &Lua,
        view: &Table,
        key: &mlua::Value,
    ) -> mlua::Result<(mlua::Value, mlua::Value)> {
        let after = match key {
            mlua::Value::Nil => None,
            key => Some(
                ToLxt::new(&self.handles, 0)
                    .key(key)
                    .map_err(|_| lua_error("invalid key to 'next'"))?,
            ),
        };
        let (source, node) = self.handles.views.open(view)?;
        let mut next = source.next(node, after.as_ref());
        if let (Err(_), Some(Value::Str(text))) = (&next, &after) {
            // A Lua string names a bytes key too (spec §9.5).
            next = source.next(node, Some(&Value::Bytes(text.clone().into_bytes())));
        }
        self.charge_source(&*source)?;
        match next.map_err(store_error)? {
            Some((key, item)) => Ok((
                to_lua(lua, &self.handles, &key.as_value_ref())?,
                self.view_item(lua, item)?,
            )),
            None => Ok((mlua::Value::Nil, mlua::Value::Nil)),
        }
    }

    /// The iterator of `ext.chunks(t, n)`: `i, t[i]` for i = 1, 2, … up to
    /// the border. A view's elements are copied into Lua `n` at a time (one
    /// chunk table alive at once, so the collector reclaims each); any
    /// other table is read one element at a time, as `ipairs` does.
    fn chunks(self: &Rc<Self>, lua: &Lua, table: Table, n: i64) -> mlua::Result<mlua::Function> {
        if n < 1 {
            return Err(lua_error("ext.chunks: the chunk size must be at least 1"));
        }
        if self.handles.views.node_of(&table)?.is_none() {
            let next = Cell::new(1i64);
            return lua.create_function(move |_, _: mlua::MultiValue| {
                let i = next.get();
                let value: mlua::Value = table.get(i)?;
                if value.is_nil() {
                    return Ok((mlua::Value::Nil, mlua::Value::Nil));
                }
                next.set(i + 1);
                Ok((mlua::Value::Integer(i), value))
            });
        }
        let ext = Rc::clone(self);
        let view = table;
        // The first index of the chunk held, and the chunk itself.
        let held: RefCell<Option<(i64, Table)>> = RefCell::new(None);
        let next = Cell::new(1i64);
        lua.create_function(move |lua, _: mlua::MultiValue| {
            let i = next.get();
            let mut held = held.borrow_mut();
            let in_chunk = |(first, chunk): &(i64, Table)| -> mlua::Result<mlua::Value> {
                chunk.raw_get(i - first + 1)
            };
            let mut value = match held.as_ref() {
                Some(chunk) => in_chunk(chunk)?,
                None => mlua::Value::Nil,
            };
            if value.is_nil() {
                // Drop the old chunk before the next one is built.
                *held = None;
                let (source, node) = ext.handles.views.open(&view)?;
                let bytes = source
                    .chunk(node, i as u64, n as u64)
                    .map_err(store_error)?;
                ext.charge_source(&*source)?;
                let chunk = match ext.decode(lua, &bytes)? {
                    mlua::Value::Table(chunk) => chunk,
                    _ => {
                        return Err(lua_error(
                            "ext.chunks: the host gave a chunk that is not a table",
                        ));
                    }
                };
                *held = Some((i, chunk));
                value = in_chunk(held.as_ref().expect("just set"))?;
            }
            if value.is_nil() {
                return Ok((mlua::Value::Nil, mlua::Value::Nil));
            }
            next.set(i + 1);
            Ok((mlua::Value::Integer(i), value))
        })
    }

    /// The metamethods of views: reads go to the source, writes fail.
    fn install_views(self: &Rc<Self>, lua: &Lua) -> mlua::Result<()> {
        let meta = &self.handles.views.proxies.meta;
        let ext = Rc::clone(self);
        meta.raw_set(
            "__index",
            lua.create_function(move |lua, (view, key): (Table, mlua::Value)| {
                ext.view_index(lua, &view, &key)
            })?,
        )?;
        meta.raw_set(
            "__newindex",
            lua.create_function(|_, _: mlua::MultiValue| -> mlua::Result<()> {
                Err(lua_error(
                    "_io.input is read-only (a view of the host's input): copy what you need into a table of your own",
                ))
            })?,
        )?;
        let ext = Rc::clone(self);
        meta.raw_set(
            "__len",
            lua.create_function(move |_, view: Table| {
                let (source, node) = ext.handles.views.open(&view)?;
                let n = source.len(node).map_err(store_error)?;
                ext.charge_source(&*source)?;
                Ok(i64::try_from(n).unwrap_or(i64::MAX))
            })?,
        )?;
        let ext = Rc::clone(self);
        meta.raw_set(
            "__pairs",
            lua.create_function(move |lua, view: Table| {
                ext.handles.views.open(&view)?;
                let after = RefCell::new(None);
                let inner = Rc::clone(&ext);
                let walked = view.clone();
                let iter = lua.create_function(move |lua, _: mlua::MultiValue| {
                    inner.view_step(lua, &walked, &after)
                })?;
                Ok((iter, view, mlua::Value::Nil))
            })?,
        )?;
        meta.raw_set(
            "__tostring",
            lua.create_function(|_, _: Table| Ok(VIEW_NAME))?,
        )?;
        meta.raw_set("__name", VIEW_NAME)?;
        meta.raw_set("__metatable", VIEW_NAME)?;
        Ok(())
    }

    /// Sets up the metatable, `ext`, `_home` and `_io`.
    fn install(self: &Rc<Self>, lua: &Lua) -> mlua::Result<()> {
        self.install_views(lua)?;
        let meta = &self.handles.tables.meta;

        let ext = Rc::clone(self);
        meta.raw_set(
            "__pairs",
            lua.create_function(move |lua, proxy: Table| {
                // The iterator keeps the last key's bytes itself rather than
                // re-encoding the key Lua hands back: a `0x05` key with UTF-8
                // content would re-encode as `0x04` (spec §9).
                let id = ext.id(&proxy)?;
                let cursor = RefCell::new(Cursor::Sequence(1));
                let inner = Rc::clone(&ext);
                let iter = lua.create_function(move |lua, _: mlua::MultiValue| {
                    inner.step(lua, id, &cursor)
                })?;
                Ok((iter, proxy, mlua::Value::Nil))
            })?,
        )?;
        let ext = Rc::clone(self);
        meta.raw_set(
            "__tostring",
            lua.create_function(move |_, proxy: Table| {
                Ok(format!("ext.table: {}", ext.id(&proxy)?))
            })?,
        )?;
        meta.raw_set("__name", "ext.table")?;
        meta.raw_set("__metatable", "ext.table")?;

        let lib = lua.create_table()?;
        let ext = Rc::clone(self);
        lib.raw_set(
            "table",
            lua.create_function(move |lua, ()| {
                let id = ext.store.borrow_mut().create_table().map_err(store_error)?;
                ext.handles.proxy(lua, id)
            })?,
        )?;
        let ext = Rc::clone(self);
        lib.raw_set(
            "id",
            lua.create_function(move |_, value: mlua::Value| match &value {
                mlua::Value::Table(t) => ext
                    .handles
                    .id_of(t)
                    .ok_or_else(|| lua_error("ext.id: not an ext.table")),
                other => Err(lua_error(format!(
                    "ext.id: expected an ext.table, got {}",
                    other.type_name()
                ))),
            })?,
        )?;
        let ext = Rc::clone(self);
        lib.raw_set(
            "chunks",
            lua.create_function(move |lua, (table, n): (Table, Option<i64>)| {
                ext.chunks(lua, table, n.unwrap_or(1024))
            })?,
        )?;
        let globals = lua.globals();
        // `next` sees through proxies too (the raw `next` of Lua sees an
        // empty table): an external table's entries in the store's order,
        // a view's in the order of `pairs`. `pairs` does not call it.
        let raw_next: mlua::Function = globals.raw_get("next")?;
        let ext = Rc::clone(self);
        globals.raw_set(
            "next",
            lua.create_function(move |lua, (t, key): (mlua::Value, mlua::Value)| {
                if let mlua::Value::Table(table) = &t {
                    if let Some(id) = ext.handles.id_of(table) {
                        return ext.store_next(lua, id, &key).map(pair);
                    }
                    if ext.handles.views.node_of(table)?.is_some() {
                        return ext.view_next(lua, table, &key).map(pair);
                    }
                }
                raw_next.call::<mlua::MultiValue>((t, key))
            })?,
        )?;
        globals.raw_set("ext", lib)?;
        globals.raw_set("_home", self.handles.proxy(lua, HOME_ID)?)?;
        globals.raw_set("_io", self.handles.proxy(lua, IO_ID)?)?;
        Ok(())
    }
}

/// A key and value as the results of `next` (nil alone at the end).
fn pair((key, value): (mlua::Value, mlua::Value)) -> mlua::MultiValue {
    if key.is_nil() {
        mlua::MultiValue::from_vec(vec![mlua::Value::Nil])
    } else {
        mlua::MultiValue::from_vec(vec![key, value])
    }
}

/// What a raw metamethod hands to the safe one it falls back to.
#[derive(Debug)]
pub(crate) enum Handoff {
    /// The store failed: raise this error.
    Error(StoreError),
    /// The value read is in [`Ext::value_buf`]: decode it.
    Value,
}

/// Takes what a raw metamethod handed over (see [`Handoff`]).
pub(crate) fn take_handoff<S>(ext: &Ext<S>) -> Option<Handoff> {
    ext.handoff.try_borrow_mut().ok()?.take()
}

/// What [`Ext::value_buf`] holds at first and keeps at most between
/// calls: a large value read or written is not held on to.
const VALUE_BUF: usize = 4096;
const VALUE_BUF_KEPT: usize = 1 << 20;

/// A reused buffer for values, as [`Ext::value_buf`] starts.
pub(crate) fn value_buf() -> RefCell<Vec<u8>> {
    RefCell::new(Vec::with_capacity(VALUE_BUF))
}

/// Lets go of a buffer that a large value made large.
pub(crate) fn trim(buf: &mut Vec<u8>) {
    if buf.capacity() > VALUE_BUF_KEPT {
        *buf = Vec::with_capacity(VALUE_BUF);
    }
}
