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

use luaxt_format::{DecodeOptions, ErrorKind, Table as LxtTable, Value};
use mlua::Table;

use super::handles::Handles;
use super::sandbox::Budget;

/// A conversion error with the path of keys that led to it.
#[derive(Debug)]
pub(crate) struct ConvError {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    /// Keys from the outermost table inward (filled while unwinding).
    pub(crate) path: Vec<String>,
    /// Whether the memory limit stopped it.
    pub(crate) memory: bool,
}

impl ConvError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> ConvError {
        ConvError {
            kind,
            message: message.into(),
            path: Vec::new(),
            memory: false,
        }
    }

    /// The value needs more host memory than the `room` the memory limit
    /// leaves.
    fn memory(room: usize) -> ConvError {
        ConvError {
            memory: true,
            ..ConvError::new(
                ErrorKind::Custom,
                format!(
                    "not enough memory: the value needs more than the {room} bytes the memory limit leaves"
                ),
            )
        }
    }

    /// As a Lua error: a memory error stays one (the host sees the memory
    /// limit), the rest are runtime errors with `message`.
    pub(crate) fn into_lua(self, message: String) -> mlua::Error {
        if self.memory {
            mlua::Error::MemoryError(message)
        } else {
            mlua::Error::external(message)
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
    /// What the value being built may take ([`ToLxt::within`]).
    room: Room<'h>,
}

/// The bounds of one conversion. A value is built whole in host memory
/// before it is encoded, outside the Lua heap and its memory limit, and a
/// table reachable twice is copied twice, so a few lines of Lua (a table
/// holding itself twice, forty levels down) would ask for 2^40 copies:
/// the conversion counts what it builds as it goes and stops at the first
/// bound, before the memory is taken.
struct Room<'h> {
    /// Most bytes the encoding may take (the size limit): the conversion
    /// counts a lower bound of it, one byte a value plus the content of
    /// strings.
    max_size: u64,
    /// Most bytes of host memory the value may take (what the memory
    /// limit leaves), if any bound.
    memory: Option<usize>,
    /// The instruction budget and deadline, charged as the value grows.
    budget: Option<&'h Budget>,
    size: u64,
    held: usize,
    /// Bytes of work not yet charged.
    work: usize,
}

/// Host memory a value takes in the tree being built, beside its content:
/// its slot in the entries being gathered and in the table they become.
const VALUE_COST: usize = 2 * std::mem::size_of::<Value>();

/// Bytes of conversion work charged at once to the budget.
const WORK_BATCH: usize = 64 * 1024;

/// Host memory a decoded tree may take per byte of its encoding: a
/// 9-byte integer in a hash part is two `Value`s and their slots.
const TREE_PER_BYTE: usize = 8;

impl<'h> ToLxt<'h> {
    /// A converter bound by nesting only (keys, tests); see
    /// [`ToLxt::within`] for values a script stores or returns.
    pub(crate) fn new(handles: &'h Handles, max_depth: u32) -> ToLxt<'h> {
        ToLxt {
            handles,
            max_depth,
            path: Vec::new(),
            room: Room {
                max_size: u64::MAX,
                memory: None,
                budget: None,
                size: 0,
                held: 0,
                work: 0,
            },
        }
    }

    /// Bounds the value by the size limit `max_size`, by `memory` bytes of
    /// host memory (what the memory limit leaves; `None`, no bound), and
    /// charges the work of building it to `budget`.
    pub(crate) fn within(
        mut self,
        max_size: u64,
        memory: Option<usize>,
        budget: &'h Budget,
    ) -> Self {
        self.room.max_size = max_size;
        self.room.memory = memory;
        self.room.budget = Some(budget);
        self
    }

    /// The copy of an input view from its `bytes`: counted as its
    /// encoding's size, and as the tree it decodes to (at most a few
    /// `Value`s for each of its smallest values), before it is decoded.
    fn copy_of_view(&mut self, bytes: &[u8]) -> Result<Value, ConvError> {
        self.count_as(
            bytes.len() as u64,
            bytes.len().saturating_mul(TREE_PER_BYTE),
        )?;
        // Nested where it is stored: the depth left here.
        let limits = luaxt_format::Limits::DEFAULT
            .with_max_depth(self.max_depth.saturating_sub(self.path.len() as u32))
            .with_max_size(self.room.max_size);
        DecodeOptions::new()
            .limits(limits)
            .decode(bytes)
            .map_err(|e| ConvError::new(e.kind(), e.to_string()))
    }

    /// Counts one value of `content` bytes (strings) against the bounds.
    fn count(&mut self, content: usize) -> Result<(), ConvError> {
        self.count_as(1 + content as u64, VALUE_COST + content)
    }

    /// Counts a converted key or value; a table was counted as it was
    /// built.
    fn count_value(&mut self, value: &Value) -> Result<(), ConvError> {
        match value {
            Value::Str(text) => self.count(text.len()),
            Value::Bytes(bytes) => self.count(bytes.len()),
            Value::Table(_) => Ok(()),
            _ => self.count(0),
        }
    }

    /// Counts `size` bytes of encoding and `memory` bytes of tree against
    /// the bounds, and the work of building them against the budget (also
    /// when a bound stops the conversion: its work was done).
    fn count_as(&mut self, size: u64, memory: usize) -> Result<(), ConvError> {
        let room = &mut self.room;
        room.size = room.size.saturating_add(size);
        room.held = room.held.saturating_add(memory);
        room.work = room.work.saturating_add(memory);
        let over_size = room.size > room.max_size;
        let over_memory = room.memory.is_some_and(|memory| room.held > memory);
        if room.work >= WORK_BATCH || over_size || over_memory {
            let work = std::mem::take(&mut room.work);
            if let Some(budget) = room.budget {
                budget
                    .charge_bytes(work)
                    .map_err(|kind| ConvError::new(ErrorKind::Custom, kind.to_string()))?;
            }
        }
        if over_size {
            return Err(ConvError::new(
                ErrorKind::LengthOverflow,
                format!(
                    "length overflow: the value is longer than the size limit of {} bytes",
                    room.max_size
                ),
            ));
        }
        if let Some(memory) = room.memory
            && over_memory
        {
            return Err(ConvError::memory(memory));
        }
        Ok(())
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
        let converted = self.uncounted(value)?;
        self.count_value(&converted)?;
        Ok(converted)
    }

    fn uncounted(&mut self, value: &mlua::Value) -> Result<Value, ConvError> {
        Ok(match value {
            mlua::Value::Nil => Value::Nil,
            mlua::Value::Boolean(b) => Value::Bool(*b),
            mlua::Value::Integer(i) => Value::Int(*i),
            mlua::Value::Number(n) => Value::Float(*n),
            mlua::Value::String(s) => Self::string(s),
            mlua::Value::Table(t) => match self.handles.id_of(t) {
                Some(id) => Value::Ref(id),
                None => match self.handles.views.materialize(t) {
                    // A view stands for the input's table: a copy of it,
                    // from its encoding, counted before its tree is built.
                    Ok(Some(bytes)) => self.copy_of_view(&bytes)?,
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
        self.count(0)?;
        self.path.push(pointer);
        let mut entries = Vec::new();
        let mut result = Ok(());
        for pair in table.pairs::<mlua::Value, mlua::Value>() {
            let converted = pair
                .map_err(|e| ConvError::new(ErrorKind::Custom, e.to_string()))
                .and_then(|(k, v)| {
                    let key = self
                        .key(&k)
                        .and_then(|key| self.count_value(&key).map(|()| key))
                        .map_err(|mut e| {
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
