//! The raw metamethods of external tables: `__index`, `__newindex` and
//! `__len` as Lua C functions.
//!
//! An external-table access is a metamethod call, and through mlua's safe
//! API each one paid for its callback machinery (argument conversion, a
//! reference per table, a protected frame for errors), a Lua value turned
//! into an LXT value and then into bytes, and a `Vec` per key and per
//! value: several times the store lookup itself. These functions read
//! their arguments from the Lua stack and answer the common cases there:
//!
//! - the proxy's id from the last proxy seen or the registry of proxies
//!   (upvalues, see [`EXT`]);
//! - keys that are numbers, booleans and strings of up to 59 bytes,
//!   encoded on the stack (spec §3);
//! - for `t[k]`, values that are nil, booleans, numbers and strings,
//!   pushed straight from the bytes the store wrote into a buffer that is
//!   reused ([`Ext::value_buf`]);
//! - for `t[k] = v`, the same kinds of values, encoded on the stack or into
//!   that buffer.
//!
//! Everything else goes to the safe metamethod (an upvalue) with the same
//! arguments: `_io` (its input is special), keys that are tables, values
//! that are tables, malformed bytes, errors. When the raw function has
//! already done part of the work it leaves a [`Handoff`] for the safe one:
//! the value it read, to decode, or the store's error, to raise. A store
//! error is raised by the safe function so that it keeps its type (the
//! host tells a store limit from other failures by it).
//!
//! Lua errors unwind with `longjmp` (in WebAssembly, an exception), which
//! skips Rust destructors. So the work that borrows the store and the
//! buffers is done in functions that return plain data ([`Got`]) with
//! every borrow released, and only then do the callers push values or
//! call the safe function, the only steps that can raise.

use std::ffi::{c_int, c_void};
use std::rc::Rc;

use luaxt_format::wire::{Cursor, Scalar};
use luaxt_format::{Limits, float_bits};
use mlua::{Lua, Table, ffi};

use super::ext_table::{Ext, Handoff, store_error, take_handoff, trim};
use super::sandbox::record_work;
use crate::store::{IO_ID, Store, TableId};

/// Longest key the raw functions encode, in bytes.
const KEY_BUF: usize = 64;

/// The upvalues of every raw metamethod: the [`Ext`] (a light userdata),
/// its table of proxies (`proxy → id`), the safe metamethod, and the last
/// proxy seen with its id (a loop reads one table; the proxy is held so
/// that its address cannot be another table's while it is compared).
const EXT: c_int = ffi::lua_upvalueindex(1);
const KEYS: c_int = ffi::lua_upvalueindex(2);
const SAFE: c_int = ffi::lua_upvalueindex(3);
const LAST: c_int = ffi::lua_upvalueindex(4);
const LAST_ID: c_int = ffi::lua_upvalueindex(5);

/// A raw metamethod: `raw` with its upvalues (see [`EXT`]); `safe` is the
/// metamethod it falls back to.
pub(crate) fn metamethod<S: Store + 'static>(
    ext: &Rc<Ext<S>>,
    lua: &Lua,
    raw: ffi::lua_CFunction,
    safe: mlua::Function,
) -> mlua::Result<mlua::Function> {
    // The safe function holds an `Rc` of the Ext, and the raw function
    // holds the safe one: the pointer stays valid while `raw` can run.
    let pointer = Rc::as_ptr(ext) as *mut c_void;
    let keys = ext.handles.tables.keys().clone();
    // SAFETY: the closure leaves exactly the new function on the stack.
    unsafe {
        lua.exec_raw::<mlua::Function>((keys, safe), |state| {
            ffi::lua_pushlightuserdata(state, pointer);
            ffi::lua_insert(state, 1);
            ffi::lua_pushnil(state);
            ffi::lua_pushinteger(state, 0);
            ffi::lua_pushcclosure(state, raw, 5);
        })
    }
}

/// Sets `__index`, `__newindex` and `__len` of the external tables'
/// metatable: each a raw C function for the common cases over a safe
/// mlua function for the rest, which first takes what the raw one handed
/// over ([`Handoff`]).
pub(crate) fn install<S: Store + 'static>(ext_rc: &Rc<Ext<S>>, lua: &Lua) -> mlua::Result<()> {
    let meta = &ext_rc.handles.tables.meta;
    let ext = Rc::clone(ext_rc);
    let safe_index = lua.create_function(move |lua, (proxy, key): (Table, mlua::Value)| {
        match take_handoff(&ext) {
            Some(Handoff::Error(e)) => Err(store_error(e)),
            Some(Handoff::Value) => {
                let mut bytes = ext.value_buf.borrow_mut();
                let value = ext.decode(lua, &bytes);
                trim(&mut bytes);
                value
            }
            None => ext.index(lua, &proxy, &key),
        }
    })?;
    meta.raw_set("__index", metamethod(ext_rc, lua, index::<S>, safe_index)?)?;
    let ext = Rc::clone(ext_rc);
    let safe_new_index = lua.create_function(
        move |lua, (proxy, key, value): (Table, mlua::Value, mlua::Value)| match take_handoff(&ext)
        {
            Some(Handoff::Error(e)) => Err(store_error(e)),
            _ => ext.new_index(lua, &proxy, &key, &value),
        },
    )?;
    meta.raw_set(
        "__newindex",
        metamethod(ext_rc, lua, new_index::<S>, safe_new_index)?,
    )?;
    let ext = Rc::clone(ext_rc);
    let safe_len = lua.create_function(move |_, proxy: Table| match take_handoff(&ext) {
        Some(Handoff::Error(e)) => Err(store_error(e)),
        _ => ext.len(&proxy),
    })?;
    meta.raw_set("__len", metamethod(ext_rc, lua, len::<S>, safe_len)?)?;
    Ok(())
}

/// What a raw metamethod found, with every borrow released.
enum Got {
    Nil,
    Bool(bool),
    Int(i64),
    Num(f64),
    /// A string in [`Ext::value_buf`], which nothing touches before it is
    /// pushed.
    Str(*const u8, usize),
    /// Leave it to the safe metamethod (the handoff is set).
    Safe,
}

/// A key as the raw functions see it.
enum Key {
    /// Encoded, this many bytes of the buffer.
    Encoded(usize),
    /// Nil or NaN: no such key can exist (a read gives nil, a write fails).
    Impossible,
    /// Anything else: the safe metamethod's job.
    Other,
}

/// Sets the handoff for the safe metamethod (`None` clears what a call
/// that never reached it may have left) and says to call it.
fn safe<S>(ext: &Ext<S>, handoff: Option<Handoff>) -> Got {
    if let Ok(mut slot) = ext.handoff.try_borrow_mut() {
        *slot = handoff;
    }
    Got::Safe
}

/// The [`Ext`] of a raw metamethod.
///
/// # Safety
/// `state` is running a function made by [`metamethod`] for this `S`.
unsafe fn ext<'a, S>(state: *mut ffi::lua_State) -> &'a Ext<S> {
    // SAFETY: upvalue 1 is the pointer `metamethod` stored, kept valid by
    // upvalue 3.
    unsafe { &*(ffi::lua_touserdata(state, EXT) as *const Ext<S>) }
}

/// The id of the proxy at stack index 1 (it becomes the last proxy).
///
/// # Safety
/// As for [`ext`]; leaves the stack as it was.
unsafe fn proxy_id(state: *mut ffi::lua_State) -> Option<TableId> {
    unsafe {
        if ffi::lua_rawequal(state, 1, LAST) != 0 {
            return TableId::try_from(ffi::lua_tointegerx(state, LAST_ID, std::ptr::null_mut()))
                .ok();
        }
        if ffi::lua_type(state, 1) != ffi::LUA_TTABLE {
            return None;
        }
        ffi::lua_pushvalue(state, 1);
        let found = ffi::lua_rawget(state, KEYS);
        let mut is_int = 0;
        let id = ffi::lua_tointegerx(state, -1, &mut is_int);
        ffi::lua_pop(state, 1);
        if found != ffi::LUA_TNUMBER || is_int == 0 {
            return None;
        }
        let id = TableId::try_from(id).ok()?;
        ffi::lua_pushvalue(state, 1);
        ffi::lua_replace(state, LAST);
        ffi::lua_pushinteger(state, ffi::lua_Integer::from(id));
        ffi::lua_replace(state, LAST_ID);
        Some(id)
    }
}

/// Encodes the key at stack index `idx` as `encode_key` would (spec §3:
/// a float with an integer value is that integer).
///
/// # Safety
/// `idx` is a valid index of `state`.
unsafe fn key(state: *mut ffi::lua_State, idx: c_int, buf: &mut [u8; KEY_BUF]) -> Key {
    unsafe {
        match ffi::lua_type(state, idx) {
            ffi::LUA_TNUMBER => {
                let mut is_int = 0;
                // Exact for floats with an integer value in i64's range.
                let int = ffi::lua_tointegerx(state, idx, &mut is_int);
                if is_int != 0 {
                    buf[0] = 0x02;
                    buf[1..9].copy_from_slice(&int.to_le_bytes());
                    return Key::Encoded(9);
                }
                let float = ffi::lua_tonumberx(state, idx, std::ptr::null_mut());
                if float.is_nan() {
                    return Key::Impossible;
                }
                buf[0] = 0x03;
                buf[1..9].copy_from_slice(&float.to_bits().to_le_bytes());
                Key::Encoded(9)
            }
            ffi::LUA_TBOOLEAN => {
                buf[0] = 0x01;
                buf[1] = u8::from(ffi::lua_toboolean(state, idx) != 0);
                Key::Encoded(2)
            }
            ffi::LUA_TSTRING => {
                let text = string(state, idx);
                if text.len() > KEY_BUF - 5 {
                    return Key::Other;
                }
                buf[0] = string_tag(text);
                buf[1..5].copy_from_slice(&(text.len() as u32).to_le_bytes());
                buf[5..5 + text.len()].copy_from_slice(text);
                Key::Encoded(5 + text.len())
            }
            ffi::LUA_TNIL => Key::Impossible,
            _ => Key::Other,
        }
    }
}

/// The bytes of the string at `idx`.
///
/// # Safety
/// The value at `idx` is a string, which stays on the stack while the
/// slice is used.
unsafe fn string<'a>(state: *mut ffi::lua_State, idx: c_int) -> &'a [u8] {
    unsafe {
        let mut len = 0;
        let data = ffi::lua_tolstring(state, idx, &mut len);
        std::slice::from_raw_parts(data.cast(), len)
    }
}

/// A Lua string is `0x04` when it is UTF-8, else `0x05` (spec §9).
fn string_tag(text: &[u8]) -> u8 {
    if luaxt_format::utf8_text(text).is_ok() {
        0x04
    } else {
        0x05
    }
}

/// The value of LXT bytes that are a scalar other than nil which the
/// runtime's decoder would accept under `limits`; `None` for anything else
/// (tables, references, malformed bytes), which the safe path decodes or
/// refuses.
fn scalar(bytes: &[u8], limits: Limits) -> Option<Got> {
    // The decoder refuses a whole input over max_size (§6.2).
    if bytes.len() as u64 > limits.max_size {
        return None;
    }
    let mut cursor = Cursor::new(bytes);
    // Any NaN: the runtime decodes leniently (a NaN other than the
    // canonical one is noncanonical, not invalid).
    let got = match cursor.scalar_value().ok()? {
        Scalar::Bool(b) => Got::Bool(b),
        Scalar::Int(i) => Got::Int(i),
        Scalar::Float(f) => Got::Num(f),
        Scalar::Str(text) => Got::Str(text.as_ptr(), text.len()),
        Scalar::Bytes(content) => Got::Str(content.as_ptr(), content.len()),
        // References need a proxy: the safe path makes it.
        Scalar::Ref(_) => return None,
    };
    cursor.is_at_end().then_some(got)
}

/// `__index(proxy, key)`.
///
/// # Safety
/// Called by Lua as a function made by [`metamethod`] for this `S`.
pub(crate) unsafe extern "C-unwind" fn index<S: Store + 'static>(
    state: *mut ffi::lua_State,
) -> c_int {
    unsafe {
        let ext = ext::<S>(state);
        let got = if ffi::lua_gettop(state) == 2 {
            read(ext, state)
        } else {
            safe(ext, None)
        };
        match got {
            Got::Nil => ffi::lua_pushnil(state),
            Got::Bool(b) => ffi::lua_pushboolean(state, c_int::from(b)),
            Got::Int(i) => ffi::lua_pushinteger(state, i),
            Got::Num(n) => ffi::lua_pushnumber(state, n),
            Got::Str(data, len) => {
                ffi::lua_pushlstring(state, data.cast(), len);
            }
            Got::Safe => return call_safe(state, 1),
        }
        1
    }
}

/// The work of `__index`.
///
/// # Safety
/// As for [`index`].
unsafe fn read<S: Store>(ext: &Ext<S>, state: *mut ffi::lua_State) -> Got {
    let id = match unsafe { proxy_id(state) } {
        Some(id) if id != IO_ID => id,
        _ => return safe(ext, None),
    };
    let mut buf = [0; KEY_BUF];
    let key = match unsafe { key(state, 2, &mut buf) } {
        Key::Encoded(n) => &buf[..n],
        Key::Impossible => return Got::Nil,
        Key::Other => return safe(ext, None),
    };
    let (Ok(store), Ok(mut value)) = (ext.store.try_borrow(), ext.value_buf.try_borrow_mut())
    else {
        return safe(ext, None);
    };
    trim(&mut value);
    match store.get_into(id, key, &mut value) {
        Ok(false) => Got::Nil,
        Ok(true) => {
            // The copy out of the store, for the budget (a loop reading a
            // big value is as slow as one copying it).
            // SAFETY: `state` is the thread running this metamethod.
            unsafe { record_work(state, value.len()) };
            match scalar(&value, ext.limits.get()) {
                Some(got) => got,
                None => safe(ext, Some(Handoff::Value)),
            }
        }
        Err(e) => safe(ext, Some(Handoff::Error(e))),
    }
}

/// `__newindex(proxy, key, value)`.
///
/// # Safety
/// Called by Lua as a function made by [`metamethod`] for this `S`.
pub(crate) unsafe extern "C-unwind" fn new_index<S: Store + 'static>(
    state: *mut ffi::lua_State,
) -> c_int {
    unsafe {
        let ext = ext::<S>(state);
        let done = ffi::lua_gettop(state) == 3 && write(ext, state);
        if done { 0 } else { call_safe(state, 0) }
    }
}

/// The work of `__newindex`: whether it is done (else the handoff is set
/// for the safe metamethod).
///
/// # Safety
/// As for [`new_index`].
unsafe fn write<S: Store>(ext: &Ext<S>, state: *mut ffi::lua_State) -> bool {
    let fall_back = |handoff| {
        safe(ext, handoff);
        false
    };
    let id = match unsafe { proxy_id(state) } {
        Some(id) if id != IO_ID => id,
        _ => return fall_back(None),
    };
    let mut buf = [0; KEY_BUF];
    let key = match unsafe { key(state, 2, &mut buf) } {
        Key::Encoded(n) => &buf[..n],
        // Nil and NaN keys are errors the safe path words.
        Key::Impossible | Key::Other => return fall_back(None),
    };
    let Ok(mut store) = ext.store.try_borrow_mut() else {
        return fall_back(None);
    };
    let mut small = [0u8; 9];
    let result = unsafe {
        match ffi::lua_type(state, 3) {
            ffi::LUA_TNIL => store.delete(id, key),
            ffi::LUA_TBOOLEAN => {
                small[0] = 0x01;
                small[1] = u8::from(ffi::lua_toboolean(state, 3) != 0);
                store.set(id, key, &small[..2])
            }
            ffi::LUA_TNUMBER => {
                if ffi::lua_isinteger(state, 3) != 0 {
                    small[0] = 0x02;
                    let int = ffi::lua_tointegerx(state, 3, std::ptr::null_mut());
                    small[1..].copy_from_slice(&int.to_le_bytes());
                } else {
                    small[0] = 0x03;
                    let float = ffi::lua_tonumberx(state, 3, std::ptr::null_mut());
                    small[1..].copy_from_slice(&float_bits(float).to_le_bytes());
                }
                store.set(id, key, &small)
            }
            ffi::LUA_TSTRING => {
                let text = string(state, 3);
                let Ok(mut value) = ext.value_buf.try_borrow_mut() else {
                    return fall_back(None);
                };
                // What `encode` refuses (spec §6.2) the safe path reports.
                if 5 + text.len() as u64 > ext.limits.get().max_size {
                    return fall_back(None);
                }
                trim(&mut value);
                value.clear();
                value.push(string_tag(text));
                value.extend_from_slice(&(text.len() as u32).to_le_bytes());
                value.extend_from_slice(text);
                // Copied twice: into the buffer, into the store.
                record_work(state, 2 * value.len());
                store.set(id, key, &value)
            }
            _ => return fall_back(None),
        }
    };
    match result {
        Ok(()) => true,
        Err(e) => fall_back(Some(Handoff::Error(e))),
    }
}

/// `__len(proxy)`.
///
/// # Safety
/// Called by Lua as a function made by [`metamethod`] for this `S`.
pub(crate) unsafe extern "C-unwind" fn len<S: Store + 'static>(
    state: *mut ffi::lua_State,
) -> c_int {
    unsafe {
        let ext = ext::<S>(state);
        match length(ext, state) {
            Some(n) => {
                ffi::lua_pushinteger(state, n);
                1
            }
            None => call_safe(state, 1),
        }
    }
}

/// The work of `__len`, or `None` (the handoff set).
///
/// # Safety
/// As for [`len`].
unsafe fn length<S: Store>(ext: &Ext<S>, state: *mut ffi::lua_State) -> Option<i64> {
    let Some(id) = (unsafe { proxy_id(state) }) else {
        safe(ext, None);
        return None;
    };
    let Ok(store) = ext.store.try_borrow() else {
        safe(ext, None);
        return None;
    };
    match store.len(id) {
        Ok(n) => Some(i64::try_from(n).unwrap_or(i64::MAX)),
        Err(e) => {
            safe(ext, Some(Handoff::Error(e)));
            None
        }
    }
}

/// Calls the safe metamethod with this call's arguments and returns its
/// `results` results.
///
/// # Safety
/// Called from a raw metamethod, with nothing that needs dropping alive:
/// the safe function may raise a Lua error.
unsafe fn call_safe(state: *mut ffi::lua_State, results: c_int) -> c_int {
    unsafe {
        let args = ffi::lua_gettop(state);
        ffi::lua_pushvalue(state, SAFE);
        ffi::lua_insert(state, 1);
        ffi::lua_call(state, args, results);
    }
    results
}
