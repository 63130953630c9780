//! The fast path for reading a stored table into Lua: straight from the
//! LXT bytes onto the Lua stack, in one pass, without a decoded tree.
//!
//! It takes only the shape every luaxt encoder writes (canonical key order)
//! and gives up on anything else: a key that is not a string, integer or
//! boolean, keys not in strictly increasing encoded order (so duplicates
//! cannot occur), an integer key the array part already holds, nil values,
//! references, and every kind of invalid input. Giving up costs nothing but
//! time: the caller then decodes with the format crate (full validation,
//! exact error classes and offsets) and builds from that ([`super::to_lua`]).
//! So everything this path accepts, the decoder accepts with the same
//! value; `tests` checks that on every conformance vector.

use std::cmp::Ordering;
use std::ffi::c_int;

use luaxt_format::wire::{Cursor, tag_at};
use luaxt_format::{Tag, encoded_key_order};
use mlua::{Lua, ffi};

use super::raw::{KeyCache, build_raw, push_bytes, size_hint};

/// Builds the Lua table encoded in `bytes`, or `None` when the fast path
/// gave up (the caller then takes the checked path).
pub(crate) fn table_to_lua(
    lua: &Lua,
    bytes: &[u8],
    limits: luaxt_format::Limits,
) -> mlua::Result<Option<mlua::Value>> {
    if tag_at(bytes, 0) != Some(Tag::Table) || bytes.len() as u64 > limits.max_size {
        return Ok(None);
    }
    let mut gave_up = false;
    // SAFETY: `Reader::root` uses the stack within the slots it checks for,
    // leaves one value at index 1 and nothing above it, and holds nothing
    // that needs dropping while a Lua error may unwind through it.
    let built = unsafe {
        build_raw(lua, (), |state| {
            let mut reader = Reader {
                // The whole input is within max_size (checked above), so
                // every length or count within the bytes left is too.
                cur: Cursor::new(bytes),
                // One level of margin: giving up early is always safe.
                max_depth: limits.max_depth.saturating_sub(1),
            };
            if reader.root(state).is_err() {
                gave_up = true;
                ffi::lua_settop(state, 0);
                ffi::lua_pushnil(state);
            }
        })
    }?;
    Ok(if gave_up { None } else { Some(built) })
}

/// The fast path met something it leaves to the checked path.
struct GiveUp;

/// An error of the input gives up too: the checked path reports it.
impl From<luaxt_format::Error> for GiveUp {
    fn from(_: luaxt_format::Error) -> GiveUp {
        GiveUp
    }
}

type Step<T = ()> = Result<T, GiveUp>;

/// The input, read through the format crate's wire cursor.
struct Reader<'b> {
    cur: Cursor<'b>,
    max_depth: u32,
}

impl<'b> Reader<'b> {
    /// The whole input: one table and nothing after it.
    ///
    /// # Safety
    /// `state` is inside a protected call with an empty stack.
    unsafe fn root(&mut self, state: *mut ffi::lua_State) -> Step {
        unsafe {
            let mut keys = KeyCache::new(state, 0);
            self.value(state, 0, &mut keys)?;
            if !self.cur.is_at_end() {
                return Err(GiveUp);
            }
            ffi::lua_replace(state, 1);
            ffi::lua_settop(state, 1);
        }
        Ok(())
    }

    /// Pushes one non-nil value.
    ///
    /// # Safety
    /// `state` is inside a protected call; `keys` was reserved on it.
    unsafe fn value(
        &mut self,
        state: *mut ffi::lua_State,
        depth: u32,
        keys: &mut KeyCache<'b>,
    ) -> Step {
        unsafe {
            match self.cur.tag()? {
                Tag::Bool => ffi::lua_pushboolean(state, c_int::from(self.cur.boolean()?)),
                Tag::Int => ffi::lua_pushinteger(state, self.cur.i64()?),
                Tag::Float => ffi::lua_pushnumber(state, self.cur.f64()?),
                Tag::Str => push_bytes(state, self.cur.str()?.as_bytes()),
                Tag::Bytes => push_bytes(state, self.cur.len_prefixed()?),
                Tag::Table => self.table(state, depth, keys)?,
                // nil (only the checked path knows where it is allowed),
                // references (they need proxies) and unknown tags.
                _ => return Err(GiveUp),
            }
        }
        Ok(())
    }

    /// Pushes a table whose tag was read.
    ///
    /// # Safety
    /// As for [`Reader::value`].
    unsafe fn table(
        &mut self,
        state: *mut ffi::lua_State,
        depth: u32,
        keys: &mut KeyCache<'b>,
    ) -> Step {
        if depth >= self.max_depth {
            return Err(GiveUp);
        }
        unsafe {
            // Table, key, value and one spare per level.
            if ffi::lua_checkstack(state, 4) == 0 {
                return Err(GiveUp);
            }
            let n = self.cur.array_count()?;
            // Without an array part the hash count comes next: size the
            // table once (records are the common case).
            let hash_hint = if n == 0 {
                self.cur.clone().hash_count()?
            } else {
                0
            };
            ffi::lua_createtable(state, size_hint(n), size_hint(hash_hint));
            for i in 1..=n {
                self.value(state, depth + 1, keys)?;
                ffi::lua_rawseti(state, -2, i as ffi::lua_Integer);
            }
            let m = self.cur.hash_count()?;
            let mut previous: &[u8] = &[];
            for _ in 0..m {
                let start = self.cur.pos();
                match self.cur.tag()? {
                    Tag::Str => {
                        let text = self.cur.str()?;
                        keys.push(state, text.as_bytes());
                    }
                    Tag::Int => {
                        let k = self.cur.i64()?;
                        // 1..=n are the array part's keys.
                        if (1..=n as i64).contains(&k) {
                            return Err(GiveUp);
                        }
                        ffi::lua_pushinteger(state, k);
                    }
                    Tag::Bool => ffi::lua_pushboolean(state, c_int::from(self.cur.boolean()?)),
                    _ => return Err(GiveUp),
                }
                // Strictly increasing encoded keys: no two are equal.
                let key = &self.cur.bytes()[start..self.cur.pos()];
                if encoded_key_order(key, previous) != Ordering::Greater {
                    return Err(GiveUp);
                }
                previous = key;
                self.value(state, depth + 1, keys)?;
                ffi::lua_rawset(state, -3);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use luaxt_conformance::Class;
    use luaxt_format::Limits;

    use super::*;
    use crate::lua::handles::Handles;
    use crate::lua::to_lua::to_lua;
    use crate::lua::to_lxt::ToLxt;

    /// Every conformance vector: what the fast path builds, the checked
    /// path builds too, and equal; what the checked path refuses, the fast
    /// path gives up on.
    #[test]
    fn agrees_with_the_checked_path_on_every_vector() {
        let lua = Lua::new();
        let handles = Handles::new(&lua).unwrap();
        let (mut fast, mut total) = (0, 0);
        for vector in luaxt_conformance::vectors() {
            let Some(bytes) = &vector.bytes else { continue };
            let limits = vector.limits;
            total += 1;
            let checked = luaxt_format::DecodeOptions::new()
                .limits(limits)
                .decode_ref(bytes);
            let direct = table_to_lua(&lua, bytes, limits).unwrap();
            let Some(direct) = direct else { continue };
            fast += 1;
            let checked = checked.unwrap_or_else(|e| {
                panic!(
                    "{}: fast path built what the decoder refuses ({e})",
                    vector.id
                )
            });
            assert_ne!(vector.class, Class::Invalid, "{}", vector.id);
            let checked = to_lua(&lua, &handles, &checked).unwrap();
            let as_lxt = |v: &mlua::Value| ToLxt::new(&handles, 1000).value(v).unwrap();
            assert_eq!(as_lxt(&direct), as_lxt(&checked), "{}", vector.id);
        }
        // The fast path must actually be taken for ordinary tables.
        assert!(fast >= 100, "fast path took {fast} of {total} vectors");
    }

    #[test]
    fn gives_up_on_what_it_leaves_to_the_checked_path() {
        let lua = Lua::new();
        let limits = Limits::default();
        let cases: &[(&str, &[u8])] = &[
            ("not a table", &[0x02, 1, 0, 0, 0, 0, 0, 0, 0]),
            ("trailing byte", &[0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]),
            ("nil value", &[0x06, 1, 0, 0, 0, 0x00, 0, 0, 0, 0]),
            (
                "reference",
                &[0x06, 1, 0, 0, 0, 0x07, 3, 0, 0, 0, 0, 0, 0, 0],
            ),
            ("huge count", &[0x06, 0xff, 0xff, 0xff, 0xff]),
            (
                "keys out of order",
                &[
                    0x06, 0, 0, 0, 0, 2, 0, 0, 0, 0x04, 1, 0, 0, 0, b'b', 0x01, 1, 0x04, 1, 0, 0,
                    0, b'a', 0x01, 1,
                ],
            ),
            (
                "array key in the hash part",
                &[
                    0x06, 1, 0, 0, 0, 0x01, 1, 1, 0, 0, 0, 0x02, 1, 0, 0, 0, 0, 0, 0, 0, 0x01, 0,
                ],
            ),
        ];
        for (what, bytes) in cases {
            assert!(
                table_to_lua(&lua, bytes, limits).unwrap().is_none(),
                "{what}"
            );
        }
        // And builds an ordinary record.
        let mut fields = luaxt_format::Table::new();
        fields.insert("a".into(), 1.into()).unwrap();
        fields.insert("b".into(), "x".into()).unwrap();
        let record = luaxt_format::encode(&luaxt_format::Value::Table(fields)).unwrap();
        let built = table_to_lua(&lua, &record, limits).unwrap().unwrap();
        let table = built.as_table().unwrap();
        assert_eq!(table.get::<i64>("a").unwrap(), 1);
        assert_eq!(table.get::<String>("b").unwrap(), "x");
    }
}
