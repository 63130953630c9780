//! What Lua's proxies stand for: one proxy per external table id, the
//! metatable they share (filled in by [`super::ext_table`]), and the views
//! of the input ([`Views`]).

use mlua::{Lua, Table};

use super::proxies::Proxies;
use super::view::Views;
use crate::store::TableId;

/// The Lua-side registry of external tables (proxy ↔ id, and their
/// metatable, in `tables`) and of the views of the input.
#[derive(Debug, Clone)]
pub(crate) struct Handles {
    /// External-table proxies, keyed by table id.
    pub(crate) tables: Proxies,
    /// The views of the input.
    pub(crate) views: Views,
}

impl Handles {
    pub(crate) fn new(lua: &Lua) -> mlua::Result<Handles> {
        Ok(Handles {
            tables: Proxies::new(lua)?,
            views: Views::new(lua)?,
        })
    }

    /// The id of `table` if it is an external-table proxy.
    #[inline]
    pub(crate) fn id_of(&self, table: &Table) -> Option<TableId> {
        let key = self.tables.key_of(table).ok().flatten()?;
        TableId::try_from(key).ok()
    }

    /// The proxy of `id`, created on first use.
    pub(crate) fn proxy(&self, lua: &Lua, id: TableId) -> mlua::Result<Table> {
        self.tables.proxy(lua, i64::from(id))
    }
}
