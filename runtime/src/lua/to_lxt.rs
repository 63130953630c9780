//! Lua values → LXT (spec §9), through the format crate (the way back is
//! [`super::to_lua`]).
//!
//! - nil, booleans; integers ↔ `0x02`, floats ↔ `0x03` (`math.type` kept).
//! - A Lua string → `0x04` when it is valid UTF-8, else `0x05`; both read
//!   back as Lua strings.
//! - A plain Lua table → `0x06` by value: its raw entries (metatable
//!   ignored), a table that contains itself is a `cycle` error, a key that
//!   is a table or function is an `invalid_key` error. Shared sub-tables
//!   are copied (no cycle, just two copies).
//! - An external table → `0x07` by reference; reading `0x07` gives the one
//!   proxy of that id ([`Handles::proxy`](super::handles::Handles::proxy)).
//! - Functions, userdata, threads → `unsupported_type`, naming the key.

use std::ffi::c_void;

use luaxt_format::{ErrorKind, Table as LxtTable, Value};
use mlua::Table;

use super::handles::Handles;

/// A conversion error with the path of keys that led to it.
#[derive(Debug)]
pub(crate) struct ConvError {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    /// Keys from the outermost table inward (filled while unwinding).
    pub(crate) path: Vec<String>,
}

impl ConvError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> ConvError {
        ConvError {
            kind,
            message: message.into(),
            path: Vec::new(),
        }
    }

    /// "cycle: a table contains itself (at key config.self)".
    pub(crate) fn describe(&self, top_key: Option<&str>) -> String {
        let mut path: Vec<&str> = top_key.into_iter().collect();
        path.extend(self.path.iter().rev().map(String::as_str));
        if path.is_empty() {
            format!("{}: {}", self.kind.name(), self.message)
        } else {
            format!(
                "{}: {} (at key {})",
                self.kind.name(),
                self.message,
                path.join(".")
            )
        }
    }
}

/// A short description of a Lua key for messages.
pub(crate) fn describe_key(key: &mlua::Value) -> String {
    match key {
        mlua::Value::String(s) => {
            let text = s.to_string_lossy();
            if text.len() > 40 {
                format!("\"{}…\"", text.chars().take(40).collect::<String>())
            } else {
                format!("\"{text}\"")
            }
        }
        mlua::Value::Integer(i) => format!("[{i}]"),
        mlua::Value::Number(n) => format!("[{n}]"),
        mlua::Value::Boolean(b) => format!("[{b}]"),
        other => format!("[{}]", other.type_name()),
    }
}

/// Converts Lua values to LXT values.
pub(crate) struct ToLxt<'h> {
    handles: &'h Handles,
    max_depth: u32,
    /// Tables on the current path (cycle detection).
    path: Vec<*const c_void>,
}

impl<'h> ToLxt<'h> {
    pub(crate) fn new(handles: &'h Handles, max_depth: u32) -> ToLxt<'h> {
        ToLxt {
            handles,
            max_depth,
            path: Vec::new(),
        }
    }

    /// A Lua string as `0x04` (UTF-8) or `0x05`.
    fn string(s: &mlua::String) -> Value {
        let bytes = s.as_bytes();
        match luaxt_format::utf8_text(&bytes) {
            Ok(text) => Value::Str(text.to_owned()),
            Err(_) => Value::Bytes(bytes.to_vec()),
        }
    }

    /// Converts a value to be stored (nil allowed: it means "delete").
    pub(crate) fn value(&mut self, value: &mlua::Value) -> Result<Value, ConvError> {
        Ok(match value {
            mlua::Value::Nil => Value::Nil,
            mlua::Value::Boolean(b) => Value::Bool(*b),
            mlua::Value::Integer(i) => Value::Int(*i),
            mlua::Value::Number(n) => Value::Float(*n),
            mlua::Value::String(s) => Self::string(s),
            mlua::Value::Table(t) => match self.handles.id_of(t) {
                Some(id) => Value::Ref(id),
                None => match self.handles.views.materialize(t) {
                    // A view stands for the input's table: a copy of it.
                    Ok(Some(value)) => value,
                    Ok(None) => self.table(t)?,
                    Err(e) => return Err(ConvError::new(ErrorKind::Custom, e.to_string())),
                },
            },
            other => {
                return Err(ConvError::new(
                    ErrorKind::UnsupportedType,
                    format!("a {} cannot be stored", other.type_name()),
                ));
            }
        })
    }

    /// Converts a key: scalars and external tables only.
    pub(crate) fn key(&self, key: &mlua::Value) -> Result<Value, ConvError> {
        let invalid =
            |what: &str| ConvError::new(ErrorKind::InvalidKey, format!("{what} cannot be a key"));
        Ok(match key {
            mlua::Value::Nil => return Err(invalid("nil")),
            mlua::Value::Boolean(b) => Value::Bool(*b),
            mlua::Value::Integer(i) => Value::Int(*i),
            mlua::Value::Number(n) if n.is_nan() => return Err(invalid("NaN")),
            mlua::Value::Number(n) => Value::Float(*n),
            mlua::Value::String(s) => Self::string(s),
            mlua::Value::Table(t) => match self.handles.id_of(t) {
                Some(id) => Value::Ref(id),
                None => return Err(invalid("a plain table")),
            },
            other => return Err(invalid(&format!("a {}", other.type_name()))),
        })
    }

    fn table(&mut self, table: &Table) -> Result<Value, ConvError> {
        let pointer = table.to_pointer();
        if self.path.contains(&pointer) {
            return Err(ConvError::new(ErrorKind::Cycle, "a table contains itself"));
        }
        if self.path.len() as u32 >= self.max_depth {
            return Err(ConvError::new(
                ErrorKind::DepthExceeded,
                format!("more than {} nested tables", self.max_depth),
            ));
        }
        self.path.push(pointer);
        let mut entries = Vec::new();
        let mut result = Ok(());
        for pair in table.pairs::<mlua::Value, mlua::Value>() {
            let converted = pair
                .map_err(|e| ConvError::new(ErrorKind::Custom, e.to_string()))
                .and_then(|(k, v)| {
                    let key = self.key(&k).map_err(|mut e| {
                        e.path.push(describe_key(&k));
                        e
                    })?;
                    let value = self.value(&v).map_err(|mut e| {
                        e.path.push(describe_key(&k));
                        e
                    })?;
                    Ok((key, value))
                });
            match converted {
                Ok(entry) => entries.push(entry),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.path.pop();
        result?;
        LxtTable::from_entries(entries)
            .map(Value::Table)
            .map_err(|e| ConvError::new(e.kind(), e.to_string()))
    }
}
