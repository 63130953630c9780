//! Errors, classified by the spec's stable class names (§5).

use alloc::boxed::Box;
use core::fmt;

/// The class of an error. [`ErrorKind::name`] gives the spec's stable name,
/// used by the vectors and by every implementation.
///
/// ```
/// use luaxt_format::ErrorKind;
/// assert_eq!(ErrorKind::LengthOverflow.name(), "length_overflow");
/// assert_eq!(ErrorKind::from_name("unknown_tag"), Some(ErrorKind::UnknownTag));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ends inside a value.
    Truncated,
    /// A tag byte 0x08–0xFF.
    UnknownTag,
    /// A boolean payload other than 0x00 or 0x01.
    InvalidBool,
    /// String content that is not UTF-8 (or, encoding, a string that cannot be).
    InvalidUtf8,
    /// A declared length or count larger than the bytes left or a limit.
    LengthOverflow,
    /// Tables nested deeper than the depth limit.
    DepthExceeded,
    /// A key that is nil, NaN or a table.
    InvalidKey,
    /// Two entries of one table with the same normalised key.
    DuplicateKey,
    /// Bytes after the document's value.
    TrailingBytes,
    /// Valid but not canonical input, in strict mode.
    Noncanonical,
    /// An integer outside the i64 range (encoding).
    IntegerOverflow,
    /// A table that contains itself (encoding).
    Cycle,
    /// A value of a type LXT cannot carry (encoding).
    UnsupportedType,
    /// A message from a serde `Serialize` or `Deserialize` impl.
    Custom,
    /// An I/O error of a writer.
    Io,
}

impl ErrorKind {
    /// Every class the spec names, decode classes first.
    pub const SPEC_CLASSES: [ErrorKind; 13] = [
        ErrorKind::Truncated,
        ErrorKind::UnknownTag,
        ErrorKind::InvalidBool,
        ErrorKind::InvalidUtf8,
        ErrorKind::LengthOverflow,
        ErrorKind::DepthExceeded,
        ErrorKind::InvalidKey,
        ErrorKind::DuplicateKey,
        ErrorKind::TrailingBytes,
        ErrorKind::Noncanonical,
        ErrorKind::IntegerOverflow,
        ErrorKind::Cycle,
        ErrorKind::UnsupportedType,
    ];

    /// The classes a decoder reports (§5): the first ten of [`Self::SPEC_CLASSES`].
    pub const DECODE_CLASSES: [ErrorKind; 10] = [
        ErrorKind::Truncated,
        ErrorKind::UnknownTag,
        ErrorKind::InvalidBool,
        ErrorKind::InvalidUtf8,
        ErrorKind::LengthOverflow,
        ErrorKind::DepthExceeded,
        ErrorKind::InvalidKey,
        ErrorKind::DuplicateKey,
        ErrorKind::TrailingBytes,
        ErrorKind::Noncanonical,
    ];

    /// The spec's stable name of this class.
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::Truncated => "truncated",
            ErrorKind::UnknownTag => "unknown_tag",
            ErrorKind::InvalidBool => "invalid_bool",
            ErrorKind::InvalidUtf8 => "invalid_utf8",
            ErrorKind::LengthOverflow => "length_overflow",
            ErrorKind::DepthExceeded => "depth_exceeded",
            ErrorKind::InvalidKey => "invalid_key",
            ErrorKind::DuplicateKey => "duplicate_key",
            ErrorKind::TrailingBytes => "trailing_bytes",
            ErrorKind::Noncanonical => "noncanonical",
            ErrorKind::IntegerOverflow => "integer_overflow",
            ErrorKind::Cycle => "cycle",
            ErrorKind::UnsupportedType => "unsupported_type",
            ErrorKind::Custom => "custom",
            ErrorKind::Io => "io",
        }
    }

    /// The class with the spec name `name`.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        Self::SPEC_CLASSES
            .into_iter()
            .chain([ErrorKind::Custom, ErrorKind::Io])
            .find(|kind| kind.name() == name)
    }

    /// A short lowercase phrase for messages.
    const fn phrase(self) -> &'static str {
        match self {
            ErrorKind::Truncated => "truncated input",
            ErrorKind::UnknownTag => "unknown tag",
            ErrorKind::InvalidBool => "invalid boolean",
            ErrorKind::InvalidUtf8 => "invalid utf-8",
            ErrorKind::LengthOverflow => "length overflow",
            ErrorKind::DepthExceeded => "nesting depth exceeded",
            ErrorKind::InvalidKey => "invalid key",
            ErrorKind::DuplicateKey => "duplicate key",
            ErrorKind::TrailingBytes => "trailing bytes",
            ErrorKind::Noncanonical => "noncanonical encoding",
            ErrorKind::IntegerOverflow => "integer out of i64 range",
            ErrorKind::Cycle => "cyclic table",
            ErrorKind::UnsupportedType => "unsupported type",
            ErrorKind::Custom => "error",
            ErrorKind::Io => "i/o error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Extra facts that make a message precise.
#[derive(Debug, Clone, PartialEq)]
enum Detail {
    None,
    /// The offending byte (a tag or a boolean payload).
    Byte(u8),
    /// A declared length or count and the bound it broke.
    Length {
        declared: u64,
        bound: u64,
    },
    /// Free text (serde messages, I/O errors, key descriptions).
    Text(Box<str>),
}

/// An error with its class and, for decoding, the byte offset (§5).
///
/// ```
/// use luaxt_format::{decode, ErrorKind};
/// let err = decode(&[0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0x09]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::TrailingBytes);
/// assert_eq!(err.offset(), Some(9));
/// assert_eq!(err.to_string(), "trailing bytes at offset 9");
/// ```
///
/// An `Error` is one pointer: `Result<T, Error>` stays two words for a
/// small `T`, and the happy path carries no room for the error's detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Error(Box<Inner>);

#[derive(Debug, Clone, PartialEq)]
struct Inner {
    kind: ErrorKind,
    offset: Option<usize>,
    detail: Detail,
}

impl Error {
    fn of(kind: ErrorKind, offset: Option<usize>, detail: Detail) -> Error {
        Error(Box::new(Inner {
            kind,
            offset,
            detail,
        }))
    }

    /// An error of `kind` without an offset (an encoding error).
    pub fn new(kind: ErrorKind) -> Error {
        Error::of(kind, None, Detail::None)
    }

    /// An error of `kind` at byte `offset` of the input.
    pub fn at(kind: ErrorKind, offset: usize) -> Error {
        Error::of(kind, Some(offset), Detail::None)
    }

    /// An error of `kind` with a message.
    pub fn with_message(kind: ErrorKind, message: impl fmt::Display) -> Error {
        let text = alloc::format!("{message}").into_boxed_str();
        Error::of(kind, None, Detail::Text(text))
    }

    pub(crate) fn with_byte(mut self, byte: u8) -> Error {
        self.0.detail = Detail::Byte(byte);
        self
    }

    pub(crate) fn with_length(mut self, declared: u64, bound: u64) -> Error {
        self.0.detail = Detail::Length { declared, bound };
        self
    }

    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn set_offset(mut self, offset: usize) -> Error {
        self.0.offset = Some(offset);
        self
    }

    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The byte offset in the input, for decoding errors.
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Inner {
            kind,
            offset,
            detail,
        } = &*self.0;
        match detail {
            // A serde message is the whole message: the phrase of `Custom`
            // ("error") before it would only double the "error:" that a
            // caller's report puts in front.
            Detail::Text(text) if *kind == ErrorKind::Custom => f.write_str(text)?,
            detail => {
                f.write_str(kind.phrase())?;
                match detail {
                    Detail::None => {}
                    Detail::Byte(byte) => write!(f, " 0x{byte:02x}")?,
                    Detail::Length { declared, bound } => write!(f, " ({declared} > {bound})")?,
                    Detail::Text(text) => write!(f, ": {text}")?,
                }
            }
        }
        if let Some(offset) = offset {
            write!(f, " at offset {offset}")?;
        }
        Ok(())
    }
}

impl core::error::Error for Error {}

#[cfg(feature = "std")]
impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::with_message(ErrorKind::Io, err)
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn every_kind_has_a_unique_name_that_parses_back() {
        let mut names = alloc::vec::Vec::new();
        for kind in ErrorKind::SPEC_CLASSES {
            assert_eq!(ErrorKind::from_name(kind.name()), Some(kind));
            assert!(!names.contains(&kind.name()));
            names.push(kind.name());
        }
        assert_eq!(&ErrorKind::SPEC_CLASSES[..10], &ErrorKind::DECODE_CLASSES);
    }

    #[test]
    fn messages_carry_details_and_offsets() {
        let err = Error::at(ErrorKind::UnknownTag, 17).with_byte(0x09);
        assert_eq!(err.to_string(), "unknown tag 0x09 at offset 17");
        let err = Error::at(ErrorKind::LengthOverflow, 1).with_length(4_294_967_295, 0);
        assert_eq!(
            err.to_string(),
            "length overflow (4294967295 > 0) at offset 1"
        );
        assert_eq!(Error::new(ErrorKind::Cycle).to_string(), "cyclic table");
        let err = Error::with_message(ErrorKind::DepthExceeded, "more than 4 nested tables");
        assert_eq!(
            err.to_string(),
            "nesting depth exceeded: more than 4 nested tables"
        );
    }

    #[test]
    fn custom_messages_are_not_prefixed_with_error() {
        let err = Error::with_message(
            ErrorKind::Custom,
            "invalid type: unit value, expected struct Job",
        )
        .set_offset(0);
        assert_eq!(
            err.to_string(),
            "invalid type: unit value, expected struct Job at offset 0"
        );
        assert_eq!(err.kind().name(), "custom");
        assert_eq!(Error::new(ErrorKind::Custom).to_string(), "error");
    }

    #[test]
    fn a_result_stays_two_words() {
        assert_eq!(core::mem::size_of::<Error>(), core::mem::size_of::<usize>());
        assert_eq!(
            core::mem::size_of::<Result<usize>>(),
            2 * core::mem::size_of::<usize>()
        );
    }
}
