//! [`Proxies`]: one locked proxy table per key, found both ways. External
//! tables ([`super::handles`]) and input views ([`super::view`]) are such
//! proxies: empty Lua tables whose shared metatable routes every access
//! to the host.

use mlua::{Lua, Table};

/// Proxies by key (an integer the owner chooses) and keys by proxy, both
/// weak, and the metatable every proxy has.
#[derive(Debug, Clone)]
pub(crate) struct Proxies {
    /// proxy → key, weak keys (and values, which are integers).
    keys: Table,
    /// key (or slot, see `proxy_in_slot`) → proxy, weak values (one proxy
    /// per key while it is reachable).
    by_key: Table,
    /// The metatable of every proxy (its owner fills it in).
    pub(crate) meta: Table,
}

impl Proxies {
    pub(crate) fn new(lua: &Lua) -> mlua::Result<Proxies> {
        let weak = |mode: &str| -> mlua::Result<Table> {
            let t = lua.create_table()?;
            let m = lua.create_table()?;
            m.raw_set("__mode", mode)?;
            t.set_metatable(Some(m))?;
            Ok(t)
        };
        Ok(Proxies {
            // "kv", not "k": its values are integers, so the two mean the
            // same here, and the sandbox keeps tables of weak keys and
            // strong values (ephemerons) strong (lgc.c).
            keys: weak("kv")?,
            by_key: weak("v")?,
            meta: lua.create_table()?,
        })
    }

    /// The table `proxy → key` (weak), for the raw metamethods.
    pub(crate) fn keys(&self) -> &Table {
        &self.keys
    }

    /// The key of `table` if it is one of these proxies.
    #[inline]
    pub(crate) fn key_of(&self, table: &Table) -> mlua::Result<Option<i64>> {
        self.keys.raw_get::<Option<i64>>(table)
    }

    /// The proxy of `key`, created on first use.
    pub(crate) fn proxy(&self, lua: &Lua, key: i64) -> mlua::Result<Table> {
        if let Some(proxy) = self.by_key.raw_get::<Option<Table>>(key)? {
            return Ok(proxy);
        }
        self.create(lua, key, key)
    }

    /// The proxy of `key`, found through `slot`, a key from a small set
    /// that `key` maps onto (created on first use, or when the proxy in
    /// the slot has another key).
    ///
    /// A weak table given keys that never repeat (a view's key changes
    /// with every input) keeps the entries of collected proxies until a
    /// rehash, and a rehash sizes it for the entries not yet cleared: in
    /// the WebAssembly build its size kept growing, 30-40 bytes per view
    /// ever created (a million records read through views over a stream
    /// left about 50 MiB). Slots that repeat reuse their nodes.
    pub(crate) fn proxy_in_slot(&self, lua: &Lua, slot: i64, key: i64) -> mlua::Result<Table> {
        if let Some(proxy) = self.by_key.raw_get::<Option<Table>>(slot)? {
            if self.key_of(&proxy)? == Some(key) {
                return Ok(proxy);
            }
        }
        self.create(lua, slot, key)
    }

    fn create(&self, lua: &Lua, slot: i64, key: i64) -> mlua::Result<Table> {
        let proxy = lua.create_table()?;
        proxy.set_metatable(Some(self.meta.clone()))?;
        self.keys.raw_set(&proxy, key)?;
        self.by_key.raw_set(slot, &proxy)?;
        Ok(proxy)
    }
}
