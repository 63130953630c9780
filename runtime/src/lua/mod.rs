//! The Lua side of the runtime: the sandboxed state, how values cross
//! between Lua and LXT, and the external-table proxies.
//!
//! | module | job |
//! |---|---|
//! | [`sandbox`] | the libraries a script gets, the budget and the hook that enforce [`Limits`](crate::Limits) |
//! | [`proxies`] | one locked proxy table per key, found both ways |
//! | [`handles`] | the proxies of external tables (by id) and the views of the input |
//! | [`to_lxt`] | Lua value → LXT value (spec §9) |
//! | [`to_lua`] | LXT bytes → Lua value: a fast path straight from the bytes, and a build from a decoded value |
//! | [`view`] | read-only views of the input, one per table of it |
//! | [`ext_table`] | the proxies' and views' metamethods, the `ext` library, `_home` and `_io` |
//! | [`raw_ext`] | the external tables' `__index`, `__newindex` and `__len` as Lua C functions for the common cases |
//!
//! Nothing here knows the [`Runtime`](crate::Runtime): it calls these, and
//! they call the [`Store`](crate::Store) and the format crate.

pub(crate) mod ext_table;
pub(crate) mod handles;
pub(crate) mod proxies;
pub(crate) mod raw_ext;
pub(crate) mod sandbox;
pub(crate) mod to_lua;
pub(crate) mod to_lxt;
pub(crate) mod view;

use std::rc::Rc;

use mlua::Lua;

use crate::store::Store;

/// The external tables of `lua` over `store`: the proxies, `ext`, `_home`
/// and `_io` ([`ext_table`]), with the raw metamethods over the safe ones
/// ([`raw_ext`]).
pub(crate) fn install_ext<S: Store + 'static>(
    lua: &Lua,
    store: S,
    limits: &crate::Limits,
    budget: Rc<sandbox::Budget>,
) -> mlua::Result<Rc<ext_table::Ext<S>>> {
    let ext = ext_table::Ext::new(lua, store, limits, budget)?;
    raw_ext::install(&ext, lua)?;
    Ok(ext)
}
