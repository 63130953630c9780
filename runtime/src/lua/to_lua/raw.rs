//! Primitives for building Lua values on the stack inside one protected
//! call: the raw call itself, a cache of key strings, and two small
//! helpers. Both builders use them: the fast path from bytes
//! ([`super::fast`]) and the build from a decoded value ([`super`]).

use std::cmp::Ordering;
use std::ffi::c_int;

use luaxt_format::encoded_key_order;
use mlua::{Lua, ffi};

/// Runs `build` in one protected call ([`Lua::exec_raw`] with `args`) with
/// Lua's collector paused, and returns the value it leaves at stack index 1.
///
/// Everything a build makes is reachable until the call returns, so
/// collecting meanwhile only repeats work (the memory limit still holds: it
/// lives in the allocator). The collector restarts whether or not the build
/// raised a Lua error, and then does the work the allocation is worth.
///
/// # Safety
/// As for [`Lua::exec_raw`]: `build` leaves exactly one value on the stack
/// and holds nothing that needs dropping while a Lua error may unwind
/// through it.
pub(crate) unsafe fn build_raw(
    lua: &Lua,
    args: impl mlua::IntoLuaMulti,
    build: impl FnOnce(*mut ffi::lua_State),
) -> mlua::Result<mlua::Value> {
    let collecting = lua.gc_is_running();
    let before = lua.used_memory();
    if collecting {
        lua.gc_stop();
    }
    // SAFETY: the caller's contract.
    let built = unsafe { lua.exec_raw::<mlua::Value>(args, build) };
    if collecting {
        lua.gc_restart();
        // Restarting forgives what was allocated meanwhile: pay it back as
        // collector work, or a loop of builds (ext.chunks) would pile up
        // garbage the collector never hears of.
        let grown = lua.used_memory().saturating_sub(before) / 1024;
        if grown > 0 {
            let _ = lua.gc_step_kbytes(c_int::try_from(grown).unwrap_or(c_int::MAX));
        }
    }
    built
}

/// Lua strings of recent string keys, kept in stack slots: records repeat
/// the same field names, and a hit here skips Lua's string interning
/// (hashing and a lookup per key).
pub(crate) struct KeyCache<'v> {
    /// Stack index of the first slot.
    first: c_int,
    /// The key bytes held in each slot (empty: unused).
    keys: [&'v [u8]; KEY_SLOTS as usize],
}

/// Number of cached keys (a power of two).
const KEY_SLOTS: c_int = 32;
/// Keys longer than this are not cached.
const MAX_CACHED_KEY: usize = 32;

impl<'v> KeyCache<'v> {
    /// Reserves the slots just above stack index `below`, the top.
    ///
    /// # Safety
    /// `state` is inside a protected call whose stack top is `below`.
    pub(crate) unsafe fn new(state: *mut ffi::lua_State, below: c_int) -> KeyCache<'v> {
        unsafe {
            ffi::luaL_checkstack(state, KEY_SLOTS, c"key cache".as_ptr());
            ffi::lua_settop(state, below + KEY_SLOTS);
        }
        KeyCache {
            first: below + 1,
            keys: [&[]; KEY_SLOTS as usize],
        }
    }

    /// Pushes the string key `key`, from the cache when it holds it.
    ///
    /// # Safety
    /// The slots were reserved by [`KeyCache::new`] on this stack.
    pub(crate) unsafe fn push(&mut self, state: *mut ffi::lua_State, key: &'v [u8]) {
        unsafe {
            if key.is_empty() || key.len() > MAX_CACHED_KEY {
                push_bytes(state, key);
                return;
            }
            let slot = slot_of(key);
            let index = self.first + slot as c_int;
            // The format's word-at-a-time comparison: short keys need no
            // `memcmp` call.
            if encoded_key_order(self.keys[slot], key) == Ordering::Equal {
                ffi::lua_pushvalue(state, index);
            } else {
                push_bytes(state, key);
                ffi::lua_pushvalue(state, -1);
                ffi::lua_replace(state, index);
                self.keys[slot] = key;
            }
        }
    }
}

/// The cache slot of a short key: its length and three of its bytes.
fn slot_of(key: &[u8]) -> usize {
    let (first, last, middle) = (key[0], key[key.len() - 1], key[key.len() / 2]);
    let mixed = (key.len() as u32)
        .wrapping_mul(31)
        .wrapping_add(u32::from(first).wrapping_mul(7))
        .wrapping_add(u32::from(middle).wrapping_mul(3))
        .wrapping_add(u32::from(last));
    mixed as usize & (KEY_SLOTS as usize - 1)
}

pub(crate) unsafe fn push_bytes(state: *mut ffi::lua_State, bytes: &[u8]) {
    unsafe {
        ffi::lua_pushlstring(state, bytes.as_ptr().cast(), bytes.len());
    }
}

/// A table size hint for `lua_createtable` (which takes a C `int`).
pub(crate) fn size_hint(len: usize) -> c_int {
    c_int::try_from(len).unwrap_or(c_int::MAX)
}
