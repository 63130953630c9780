//! Errors of the host API (a store's own errors are
//! [`StoreError`](crate::StoreError), in [`store`](crate::store)).

use std::fmt;

use crate::store::StoreError;

/// Which execution limit stopped a script, or the host's cancellation,
/// which stops it the same way (the script cannot catch it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKind {
    /// The VM instruction budget of one `compute` call.
    Instructions,
    /// The wall-clock deadline of one `compute` call.
    Deadline,
    /// The store limit ([`Limits::store`](crate::Limits::store)): the
    /// script did not catch a [`StoreError::Quota`].
    Store,
    /// The host cancelled the call ([`CancelToken`](crate::CancelToken);
    /// in the WebAssembly build, its cancel check, spec §11.8).
    Cancelled,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::Instructions => "instruction budget exhausted",
            LimitKind::Deadline => "deadline passed",
            LimitKind::Store => "store limit reached",
            LimitKind::Cancelled => "cancelled by the host",
        })
    }
}

/// Why a snapshot (spec §12) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The bytes do not start with the snapshot magic.
    #[error("not a luaxt snapshot (bad magic)")]
    BadMagic,
    /// A container version this reader does not know.
    #[error("unsupported snapshot version {0}")]
    UnsupportedVersion(u32),
    /// The bytes end before the container does.
    #[error("truncated snapshot: {0}")]
    Truncated(&'static str),
    /// The CRC-32 of the content does not match the stored one.
    #[error("snapshot checksum mismatch (stored {stored:08x}, computed {computed:08x})")]
    Checksum {
        /// The checksum written in the file.
        stored: u32,
        /// The checksum of the bytes read.
        computed: u32,
    },
    /// The container is complete and its checksum matches, but its content
    /// breaks a rule of spec §12 (order, duplicates, invalid LXT, …).
    #[error("invalid snapshot: {0}")]
    Invalid(String),
    /// A key or value is valid LXT but deeper or longer than the format
    /// limits it was read under: the snapshot was written under larger
    /// ones, and reads back under those.
    #[error(
        "snapshot table {table}: a {what} is over the format limits it was read under ({reason}); read it under the limits it was written under"
    )]
    OverLimit {
        /// The table that holds it.
        table: u32,
        /// `"key"` or `"value"`.
        what: &'static str,
        /// The limit: [`DepthExceeded`](luaxt_format::ErrorKind::DepthExceeded)
        /// or [`LengthOverflow`](luaxt_format::ErrorKind::LengthOverflow).
        kind: luaxt_format::ErrorKind,
        /// The decoder's message, with the offset.
        reason: String,
    },
}

/// The error type of the host API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Lua error: a runtime error, a syntax error, or an error raised by a
    /// metamethod (store and format errors inside Lua arrive here too).
    #[error("lua error: {message}")]
    Lua {
        /// The Lua error message.
        message: String,
        /// The Lua stack traceback, when Lua produced one.
        traceback: Option<String>,
    },
    /// The script went over the memory limit.
    #[error("lua memory limit exceeded: {0}")]
    Memory(String),
    /// The script was stopped by the instruction budget, the deadline, the
    /// store limit or the host's cancellation.
    #[error("lua script stopped: {0}")]
    Limit(LimitKind),
    /// A store operation called from the host API failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// LXT encoding or decoding failed: a host value, stored bytes, or a
    /// serde type that does not fit the value (class `custom`).
    #[error("lxt: {0}")]
    Format(#[from] luaxt_format::Error),
    /// A snapshot was refused.
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    /// Reading or writing a snapshot file failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// The result type of the host API.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Converts an mlua error into the runtime's error.
    pub(crate) fn from_lua(err: mlua::Error) -> Error {
        match err {
            mlua::Error::MemoryError(message) => Error::Memory(message),
            mlua::Error::RuntimeError(text) => {
                let (message, traceback) = split_traceback(&text);
                Error::Lua { message, traceback }
            }
            mlua::Error::CallbackError { traceback, cause } => {
                match root_cause(&cause) {
                    mlua::Error::MemoryError(message) => return Error::Memory(message.clone()),
                    mlua::Error::ExternalError(inner)
                        if matches!(
                            inner.downcast_ref::<StoreError>(),
                            Some(StoreError::Quota { .. })
                        ) =>
                    {
                        return Error::Limit(LimitKind::Store);
                    }
                    _ => {}
                }
                let message = root_message(&cause);
                Error::Lua {
                    message,
                    traceback: Some(traceback),
                }
            }
            mlua::Error::SyntaxError { message, .. } => Error::Lua {
                message,
                traceback: None,
            },
            other => Error::Lua {
                message: other.to_string(),
                traceback: None,
            },
        }
    }

    /// The Lua message, for [`Error::Lua`].
    pub fn lua_message(&self) -> Option<&str> {
        match self {
            Error::Lua { message, .. } => Some(message),
            _ => None,
        }
    }
}

/// The innermost error of a chain of callback errors.
fn root_cause(err: &mlua::Error) -> &mlua::Error {
    match err {
        mlua::Error::CallbackError { cause, .. } => root_cause(cause),
        other => other,
    }
}

/// The innermost message of a chain of callback errors.
fn root_message(err: &mlua::Error) -> String {
    match err {
        mlua::Error::CallbackError { cause, .. } => root_message(cause),
        mlua::Error::RuntimeError(text) => split_traceback(text).0,
        mlua::Error::ExternalError(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// Splits "message\nstack traceback:\n..." into its two parts.
fn split_traceback(text: &str) -> (String, Option<String>) {
    match text.find("\nstack traceback:") {
        Some(at) => (text[..at].to_string(), Some(text[at + 1..].to_string())),
        None => (text.to_string(), None),
    }
}
