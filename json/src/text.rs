//! JSON text of either dialect to LXT bytes, the one entry point that
//! `luaxt encode`, `luaxt run --input` and the inspector page share, and
//! an LXT value to JSON text, as `luaxt decode` and `luaxt run` write it.

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
/// final newline: what `luaxt decode` and `luaxt run` write. Plain JSON
/// is written straight from the value ([`crate::write_plain`]); the typed
/// notation goes through its JSON tree.
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
    match dialect {
        Dialect::Plain => crate::write_plain(value, &mut text, !compact)?,
        Dialect::Typed => {
            // Every value has a typed form: its text cannot fail.
            let json = crate::value_to_typed(&value.to_owned());
            let typed = if compact {
                json.to_string()
            } else {
                format!("{json:#}")
            };
            text.extend_from_slice(typed.as_bytes());
        }
    }
    text.push(b'\n');
    Ok(text)
}
