//! The one error type of the crate: what went wrong, as a class a caller
//! can branch on, and a message that says where (a JSON path, a line and
//! column, or both).

use core::fmt;

/// The class of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not JSON: syntax, a key twice in one object, nesting
    /// deeper than [`MAX_NESTING`](crate::MAX_NESTING).
    InvalidJson,
    /// The JSON is fine but LXT cannot hold it within the limits (the
    /// document got longer than `max_size`, tables nest too deep). The
    /// format crate's own class comes with it.
    CannotEncode(luaxt_format::ErrorKind),
    /// An LXT value that plain JSON cannot carry: NaN or an infinity,
    /// bytes, a reference, a table that is neither an array nor an object
    /// with string keys. The typed notation carries all of them.
    NotPlain,
    /// JSON that is not the typed notation of §7 (or not its one spelling).
    NotTyped,
    /// The text could not be written: the writer's own error (a full
    /// disk, a closed pipe).
    Io,
}

impl ErrorKind {
    /// A stable snake_case name, for scripts and other languages
    /// (`invalid_json`, `cannot_encode`, `not_plain`, `not_typed`, `io`).
    ///
    /// ```
    /// use luaxt_json::{Dialect, ErrorKind, json_to_lxt};
    /// let err = json_to_lxt("[1,", "x", Dialect::Plain, &Default::default()).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::InvalidJson);
    /// assert_eq!(err.kind().name(), "invalid_json");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::CannotEncode(_) => "cannot_encode",
            ErrorKind::NotPlain => "not_plain",
            ErrorKind::NotTyped => "not_typed",
            ErrorKind::Io => "io",
        }
    }
}

/// An error of this crate: its [`ErrorKind`] and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl fmt::Display) -> Error {
        Error {
            kind,
            message: message.to_string(),
        }
    }

    /// An `io` error: the writer failed with `cause`.
    pub(crate) fn io(cause: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Io, format_args!("cannot write: {cause}"))
    }

    /// The class of the error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, the same as `to_string()`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Returns early with an error of `kind` and a `format!` message.
macro_rules! fail {
    ($kind:expr, $($message:tt)*) => {
        return Err($crate::Error::new($kind, format!($($message)*)))
    };
}
pub(crate) use fail;
