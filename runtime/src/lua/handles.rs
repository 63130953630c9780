//! What Lua's proxies stand for: one proxy per external table id, the
//! metatable they share (filled in by [`super::ext_table`]), and the views
//! of the input ([`Views`]).

use mlua::{Lua, Table};

use super::view::Views;
use crate::store::TableId;

/// The Lua-side registry of external tables: proxy ↔ id, and the shared
/// metatable. Proxies are empty Lua tables whose metatable routes every
/// access to the store.
#[derive(Debug, Clone)]
pub(crate) struct Handles {
    /// proxy → id, weak keys.
    ids: Table,
    /// id → proxy, weak values (one proxy per id while it is reachable).
    proxies: Table,
    /// The metatable of every proxy.
    pub(crate) meta: Table,
    /// The views of the input.
    pub(crate) views: Views,
}

impl Handles {
    pub(crate) fn new(lua: &Lua) -> mlua::Result<Handles> {
        let weak = |mode: &str| -> mlua::Result<Table> {
            let t = lua.create_table()?;
            let m = lua.create_table()?;
            m.raw_set("__mode", mode)?;
            t.set_metatable(Some(m))?;
            Ok(t)
        };
        Ok(Handles {
            ids: weak("k")?,
            proxies: weak("v")?,
            meta: lua.create_table()?,
            views: Views::new(lua, &weak)?,
        })
    }

    /// The id of `table` if it is an external-table proxy.
    #[inline]
    pub(crate) fn id_of(&self, table: &Table) -> Option<TableId> {
        self.ids.raw_get::<Option<TableId>>(table).ok().flatten()
    }

    /// The proxy of `id`, created on first use.
    pub(crate) fn proxy(&self, lua: &Lua, id: TableId) -> mlua::Result<Table> {
        if let Some(proxy) = self.proxies.raw_get::<Option<Table>>(id)? {
            return Ok(proxy);
        }
        let proxy = lua.create_table()?;
        proxy.set_metatable(Some(self.meta.clone()))?;
        self.ids.raw_set(&proxy, id)?;
        self.proxies.raw_set(id, &proxy)?;
        Ok(proxy)
    }
}
