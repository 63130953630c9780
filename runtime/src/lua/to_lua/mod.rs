//! Decoded LXT → Lua values, built with Lua's C API in one protected call.
//!
//! mlua's safe API runs every `create_table`, `create_string` and `raw_set`
//! as its own protected call when a memory limit is set, which made reading
//! a large `_io.input` cost far more than decoding it. Here the whole value
//! is pushed inside a single [`Lua::exec_raw`]: a memory error still ends
//! the call cleanly (Lua unwinds to that one protected boundary), and the
//! Rust frames it skips own nothing that needs dropping (they only borrow
//! the decoded value).
//!
//! External-table proxies need the safe API ([`Handles::proxy`]): the
//! first build assumes there are none, and when it meets a reference the
//! ids are resolved and handed to a second build as a Lua table
//! `id → proxy`.

use std::collections::BTreeSet;
use std::ffi::c_int;

use luaxt_format::ValueRef;
use mlua::{Lua, ffi};

use self::raw::{KeyCache, build_raw, push_bytes, size_hint};
use super::handles::Handles;

mod fast;
mod raw;

/// Stack slots one table level needs: the table, a key, a value, and a
/// spare for the duplicate-key probe.
const SLOTS_PER_LEVEL: c_int = 4;

/// Stack index of the `id → proxy` table inside the raw call (nil on the
/// first try, which assumes the value references no external table).
const PROXIES: c_int = 1;

/// Why building stopped early (reported after the protected call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// A bytes key with the content of a string key of the same table:
    /// both are one Lua key (spec §9.5).
    BytesKeyCollides,
    /// A reference met while building without the proxies table.
    ProxiesNeeded,
}

impl Refusal {
    fn into_error(self) -> mlua::Error {
        mlua::Error::external(match self {
            Refusal::BytesKeyCollides => {
                "duplicate_key: a string key and a bytes key with the same content"
            }
            // Not reached: the second build has every proxy.
            Refusal::ProxiesNeeded => "an external-table reference without its proxy",
        })
    }
}

/// Builds the Lua value of a decoded LXT value.
pub(crate) fn to_lua(
    lua: &Lua,
    handles: &Handles,
    value: &ValueRef<'_>,
) -> mlua::Result<mlua::Value> {
    match value {
        ValueRef::Nil => return Ok(mlua::Value::Nil),
        ValueRef::Bool(b) => return Ok(mlua::Value::Boolean(*b)),
        ValueRef::Int(i) => return Ok(mlua::Value::Integer(*i)),
        ValueRef::Float(f) => return Ok(mlua::Value::Number(*f)),
        ValueRef::Ref(id) => return Ok(mlua::Value::Table(handles.proxy(lua, *id)?)),
        ValueRef::Str(s) => return lua.create_string(s).map(mlua::Value::String),
        ValueRef::Bytes(b) => return lua.create_string(b).map(mlua::Value::String),
        ValueRef::Table(_) => {}
    }
    // Most values reference no external table: build without proxies
    // first, and resolve them only when the build meets a reference.
    match build(lua, value, mlua::Value::Nil)? {
        Ok(built) => Ok(built),
        Err(Refusal::ProxiesNeeded) => {
            let mut ids = BTreeSet::new();
            value.for_each_ref(&mut |id| {
                ids.insert(id);
            });
            let proxies = lua.create_table()?;
            for id in ids {
                proxies.raw_set(id, handles.proxy(lua, id)?)?;
            }
            match build(lua, value, mlua::Value::Table(proxies))? {
                Ok(built) => Ok(built),
                Err(why) => Err(why.into_error()),
            }
        }
        Err(why) => Err(why.into_error()),
    }
}

/// One raw build of `value` with `proxies` (a table `id → proxy`, or nil).
fn build(
    lua: &Lua,
    value: &ValueRef<'_>,
    proxies: mlua::Value,
) -> mlua::Result<Result<mlua::Value, Refusal>> {
    let mut refusal = None;
    // SAFETY: `push_root` only uses the stack within the slots it checks
    // for, leaves exactly the built value (or stops early and reports why
    // through `refusal`), and holds no value that needs dropping while a
    // Lua error may unwind through it.
    let built = unsafe {
        build_raw(lua, proxies, |state| {
            if let Err(why) = push_root(state, value) {
                refusal = Some(why);
                ffi::lua_pushnil(state);
                ffi::lua_replace(state, PROXIES);
                ffi::lua_settop(state, PROXIES);
            }
        })
    }?;
    Ok(match refusal {
        None => Ok(built),
        Some(why) => Err(why),
    })
}

/// Pushes `value` onto the stack of `state`, the top-level call of a build.
///
/// # Safety
/// `state` is inside a protected call whose stack holds only, at
/// [`PROXIES`], nil or a table holding the proxy of every id `value`
/// references. Leaves the value at [`PROXIES`] and nothing above it.
unsafe fn push_root(state: *mut ffi::lua_State, value: &ValueRef<'_>) -> Result<(), Refusal> {
    unsafe {
        let mut keys = KeyCache::new(state, PROXIES);
        push(state, value, &mut keys)?;
        ffi::lua_replace(state, PROXIES);
        ffi::lua_settop(state, PROXIES);
    }
    Ok(())
}

/// Pushes `value` onto the stack of `state`.
///
/// # Safety
/// As for [`push_root`], with `keys` reserved on this stack.
unsafe fn push<'v>(
    state: *mut ffi::lua_State,
    value: &ValueRef<'v>,
    keys: &mut KeyCache<'v>,
) -> Result<(), Refusal> {
    unsafe {
        match value {
            ValueRef::Nil => ffi::lua_pushnil(state),
            ValueRef::Bool(b) => ffi::lua_pushboolean(state, c_int::from(*b)),
            ValueRef::Int(i) => ffi::lua_pushinteger(state, *i),
            ValueRef::Float(f) => ffi::lua_pushnumber(state, *f),
            ValueRef::Str(s) => push_bytes(state, s.as_bytes()),
            ValueRef::Bytes(b) => push_bytes(state, b),
            ValueRef::Ref(id) => {
                if ffi::lua_type(state, PROXIES) != ffi::LUA_TTABLE {
                    return Err(Refusal::ProxiesNeeded);
                }
                ffi::lua_rawgeti(state, PROXIES, ffi::lua_Integer::from(*id));
            }
            ValueRef::Table(table) => {
                ffi::luaL_checkstack(state, SLOTS_PER_LEVEL, c"nested table".as_ptr());
                let array = table.array();
                let hash = table.hash();
                // Both counts are bounded by the decoded input (one value
                // per entry), so this preallocation is too.
                ffi::lua_createtable(state, size_hint(array.len()), size_hint(hash.len()));
                for (i, item) in array.iter().enumerate() {
                    push(state, item, keys)?;
                    ffi::lua_rawseti(state, -2, i as ffi::lua_Integer + 1);
                }
                for (key, item) in hash {
                    match key {
                        ValueRef::Str(s) => keys.push(state, s.as_bytes()),
                        ValueRef::Bytes(b) => {
                            push_bytes(state, b);
                            // Strings sort before bytes, so a string key
                            // with the same content is already set.
                            ffi::lua_pushvalue(state, -1);
                            if ffi::lua_rawget(state, -3) != ffi::LUA_TNIL {
                                return Err(Refusal::BytesKeyCollides);
                            }
                            ffi::lua_pop(state, 1);
                        }
                        other => push(state, other, keys)?,
                    }
                    push(state, item, keys)?;
                    ffi::lua_rawset(state, -3);
                }
            }
        }
    }
    Ok(())
}

/// Decodes LXT bytes (read from the store) into a Lua value.
pub(crate) fn decode_to_lua(
    lua: &Lua,
    handles: &Handles,
    bytes: &[u8],
    limits: luaxt_format::Limits,
) -> mlua::Result<mlua::Value> {
    if let Some(table) = fast::table_to_lua(lua, bytes, limits)? {
        return Ok(table);
    }
    let value = luaxt_format::DecodeOptions::new()
        .limits(limits)
        .decode_ref(bytes)
        .map_err(|e| mlua::Error::external(format!("stored value is not valid LXT: {e}")))?;
    to_lua(lua, handles, &value)
}
