//! JSON text of either dialect to LXT bytes, the one entry point that
//! `luaxt encode`, `luaxt run --input` and the inspector page share, and
//! an LXT value to JSON text, as `luaxt decode` and `luaxt run` write it.

use std::io;

use luaxt_format::{Limits, ValueRef};

use crate::error::{Error, ErrorKind, Result};

/// Which JSON the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Plain JSON, mapped as [`crate::plain`] says.
    Plain,
    /// The typed notation of §7.
    Typed,
}

impl Dialect {
    /// `Typed` when `typed` (a `--typed` flag, a page's checkbox), else
    /// `Plain`.
    pub const fn from_typed_flag(typed: bool) -> Dialect {
        if typed {
            Dialect::Typed
        } else {
            Dialect::Plain
        }
    }
}

/// Converts JSON `text` (from `name`, for messages) to an LXT document
/// within `limits`, refused with `length_overflow` before it gets longer
/// than `max_size`. Plain JSON is converted as it is parsed (no tree:
/// [`crate::plain_to_lxt`]); the typed notation is parsed into a tree and
/// written by the format crate's writer, which checks `max_size` as it
/// writes.
///
/// ```
/// use luaxt_format::Limits;
/// use luaxt_json::{Dialect, json_to_lxt};
/// let plain = json_to_lxt("[true]", "x", Dialect::Plain, &Limits::DEFAULT)?;
/// let typed = json_to_lxt(r#"{"table": {"array": [true], "hash": []}}"#, "x", Dialect::Typed, &Limits::DEFAULT)?;
/// assert_eq!(plain, typed);
/// # Ok::<(), luaxt_json::Error>(())
/// ```
pub fn json_to_lxt(text: &str, name: &str, dialect: Dialect, limits: &Limits) -> Result<Vec<u8>> {
    if dialect == Dialect::Plain {
        return crate::plain_to_lxt(text, name, limits);
    }
    let json = crate::parse(text, name)?;
    let value = crate::typed_to_value(&json)
        .map_err(|e| Error::new(e.kind(), format_args!("invalid typed JSON {e}")))?;
    drop(json);
    let mut bytes = Vec::new();
    luaxt_format::encode_into_with(&value, &mut bytes, limits).map_err(|e| {
        Error::new(
            ErrorKind::CannotEncode(e.kind()),
            format_args!("cannot encode: {}: {e}", e.kind().name()),
        )
    })?;
    Ok(bytes)
}

/// `value` as JSON text of `dialect`, indented unless `compact`, with a
/// final newline: what `luaxt decode` and `luaxt run` write, gathered in
/// memory ([`write_json_text`] writes it to a writer).
///
/// ```
/// use luaxt_format::Value;
/// use luaxt_json::{Dialect, ErrorKind, json_text};
/// let float = Value::Float(1.0);
/// assert_eq!(json_text(&float.as_value_ref(), Dialect::Plain, true)?, b"1.0\n");
/// // Bytes have no plain form; the typed notation carries them.
/// let bytes = Value::Bytes(vec![0xff]);
/// let err = json_text(&bytes.as_value_ref(), Dialect::Plain, true).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NotPlain);
/// assert_eq!(json_text(&bytes.as_value_ref(), Dialect::Typed, true)?, b"{\"bytes\":\"ff\"}\n");
/// # Ok::<(), luaxt_json::Error>(())
/// ```
pub fn json_text(value: &ValueRef<'_>, dialect: Dialect, compact: bool) -> Result<Vec<u8>> {
    let mut text = Vec::new();
    write_json_text(value, dialect, compact, &mut text)?;
    Ok(text)
}

/// Writes the text [`json_text`] gives to `out`, straight from the value
/// ([`crate::write_plain`], [`crate::write_typed`]): no JSON tree. On
/// error (`not_plain`, `io`) `out` holds the text up to it: a caller that
/// must not leave half a document writes to a temporary place first.
///
/// ```
/// use luaxt_format::Value;
/// use luaxt_json::{Dialect, write_json_text};
/// let mut out = Vec::new();
/// write_json_text(&Value::Int(7).as_value_ref(), Dialect::Plain, true, &mut out)?;
/// write_json_text(&Value::Int(7).as_value_ref(), Dialect::Typed, true, &mut out)?;
/// assert_eq!(out, b"7\n{\"int\":\"7\"}\n");
/// # Ok::<(), luaxt_json::Error>(())
/// ```
pub fn write_json_text<W: io::Write>(
    value: &ValueRef<'_>,
    dialect: Dialect,
    compact: bool,
    mut out: W,
) -> Result<()> {
    match dialect {
        Dialect::Plain => crate::write_plain(value, &mut out, !compact)?,
        // Every value has a typed form: only the writer can fail.
        Dialect::Typed => crate::write_typed(value, &mut out, !compact)?,
    }
    out.write_all(b"\n").map_err(Error::io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use luaxt_format::Value;

    /// Takes `room` bytes, then fails.
    struct Full {
        room: usize,
    }

    impl io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_is_an_io_error_not_a_plain_json_one() {
        let value = Value::from("a string longer than the room");
        for dialect in [Dialect::Plain, Dialect::Typed] {
            for room in [0, 5, 20] {
                let err = write_json_text(&value.as_value_ref(), dialect, true, Full { room })
                    .unwrap_err();
                assert_eq!(err.kind(), ErrorKind::Io, "{dialect:?}, room {room}");
                assert!(err.message().contains("full"), "{}", err.message());
            }
        }
    }
}
