//! Views of the input in Lua (spec §9.7): read-only proxies over an
//! [`InputSource`], one per table of the input.
//!
//! A view is an empty Lua table with a locked metatable (`getmetatable`
//! gives `"input view"`), like an external-table proxy: `t[k]`, `#t`,
//! `ipairs`, `pairs` and `ext.chunks` read the source; writing is an
//! error. The proxy of a table is kept (weakly) by its node id, so two
//! reads of one table give the same view. Replacing the input starts a new
//! generation: views of the old input then fail with a clear error instead
//! of reading the new one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use luaxt_format::Value;
use mlua::{Lua, Table};

use super::proxies::Proxies;
use crate::input::{InputSource, NodeId, ViewItem};

/// What `getmetatable` answers for a view.
pub(crate) const VIEW_NAME: &str = "input view";

/// The registry of views and the source they read.
#[derive(Clone)]
pub(crate) struct Views {
    /// The views, keyed by generation × 2^32 + node (their metatable is
    /// filled in by `ext_table`).
    pub(crate) proxies: Proxies,
    state: Rc<ViewState>,
}

#[derive(Default)]
struct ViewState {
    source: RefCell<Option<Rc<dyn InputSource>>>,
    generation: Cell<u32>,
}

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Views")
            .field("generation", &self.state.generation.get())
            .finish_non_exhaustive()
    }
}

/// A view that does not read the current input.
fn stale() -> mlua::Error {
    mlua::Error::external(
        "this view of _io.input is stale: the input was replaced since it was read",
    )
}

impl Views {
    pub(crate) fn new(lua: &Lua) -> mlua::Result<Views> {
        Ok(Views {
            proxies: Proxies::new(lua)?,
            state: Rc::new(ViewState::default()),
        })
    }

    /// Makes `source` the input that views read (`None`: no view input).
    /// Views handed out before read nothing any more.
    pub(crate) fn set_source(&self, source: Option<Rc<dyn InputSource>>) {
        let generation = &self.state.generation;
        generation.set(generation.get().wrapping_add(1));
        *self.state.source.borrow_mut() = source;
    }

    /// The current source, if the input is a view.
    pub(crate) fn source(&self) -> Option<Rc<dyn InputSource>> {
        self.state.source.borrow().clone()
    }

    fn key(&self, node: NodeId) -> i64 {
        (i64::from(self.state.generation.get()) << 32) | i64::from(node)
    }

    /// The node `table` is a view of: `None` if it is no view, an error if
    /// it is a view of an input since replaced.
    pub(crate) fn node_of(&self, table: &Table) -> mlua::Result<Option<NodeId>> {
        let Some(key) = self.proxies.key_of(table)? else {
            return Ok(None);
        };
        if key >> 32 != i64::from(self.state.generation.get()) {
            return Err(stale());
        }
        Ok(Some(key as u32))
    }

    /// The view of `node`, created on first use. Views are found by node
    /// (a slot that the next input reuses), and a view of an earlier input
    /// in that slot is replaced.
    pub(crate) fn proxy(&self, lua: &Lua, node: NodeId) -> mlua::Result<Table> {
        self.proxies
            .proxy_in_slot(lua, i64::from(node), self.key(node))
    }

    /// The source and node of a view (an error for a stale view).
    pub(crate) fn open(&self, table: &Table) -> mlua::Result<(Rc<dyn InputSource>, NodeId)> {
        let node = self
            .node_of(table)?
            .ok_or_else(|| mlua::Error::external("not an input view"))?;
        let source = self.source().ok_or_else(stale)?;
        Ok((source, node))
    }

    /// The encoding of the whole value a view stands for, when a script
    /// stores or returns it: `None` if `table` is no view.
    pub(crate) fn materialize(&self, table: &Table) -> mlua::Result<Option<Vec<u8>>> {
        if self.node_of(table)?.is_none() {
            return Ok(None);
        }
        let (source, node) = self.open(table)?;
        source
            .value_encoded(node)
            .map(Some)
            .map_err(mlua::Error::external)
    }
}

/// A view item as a Lua value, with `scalar` for values that are not
/// tables.
pub(crate) fn item_to_lua(
    lua: &Lua,
    views: &Views,
    item: ViewItem,
    scalar: impl FnOnce(&Value) -> mlua::Result<mlua::Value>,
) -> mlua::Result<mlua::Value> {
    match item {
        ViewItem::Table(node) => Ok(mlua::Value::Table(views.proxy(lua, node)?)),
        ViewItem::Value(value) => scalar(&value),
    }
}
