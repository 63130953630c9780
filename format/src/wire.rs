//! The wire: the one place that turns LXT bytes into numbers (§2).
//!
//! A [`Cursor`] reads a document front to back: tags, fixed-width scalars
//! (little-endian `i64`, `f64` bits, `u32`), lengths and counts checked
//! against the bytes left (§2, §5, §6: one check for every reader), string
//! content through the one UTF-8 check (`utf8.rs`), and keys (§3). Its
//! errors carry the spec's class and the offset the spec names. The parser
//! (`parser.rs`), the serde deserializer (`de.rs`), the dump (`inspect.rs`)
//! and the runtime's readers sit on top of it; a few free functions serve
//! callers that hold a slice and an offset.
//!
//! ```
//! use luaxt_format::ErrorKind;
//! use luaxt_format::wire::{Cursor, Scalar};
//! use luaxt_format::Tag;
//!
//! // "hi", then the integer 7.
//! let bytes = [0x04, 2, 0, 0, 0, b'h', b'i', 0x02, 7, 0, 0, 0, 0, 0, 0, 0];
//! let mut cursor = Cursor::new(&bytes);
//! assert_eq!(cursor.tag()?, Tag::Str);
//! assert_eq!(cursor.str()?, "hi");
//! let tag = cursor.tag()?;
//! assert_eq!(cursor.scalar(tag)?, Scalar::Int(7));
//! assert!(cursor.is_at_end());
//!
//! // A length larger than the bytes left: `length_overflow` at the field.
//! let err = Cursor::new(&[0x04, 9, 0, 0, 0, b'h']).scalar_value().unwrap_err();
//! assert_eq!((err.kind(), err.offset()), (ErrorKind::LengthOverflow, Some(1)));
//! # Ok::<(), luaxt_format::Error>(())
//! ```
//!
//! ## What is not LXT
//!
//! Other byte layouts of the repository are read where they are defined,
//! not here: the host ABI's records in `runtime/wasm/src/host_*.rs` (§11),
//! the snapshot file's header in `runtime/src/snapshot.rs` (§12), the word
//! that `utf8.rs` loads to test a few content bytes for ASCII at once (text,
//! not a number of the format), and the random numbers of the conformance
//! case generator.

use crate::key::float_key_as_int;
pub use crate::scalar::Scalar;
use crate::{Error, ErrorKind, Result, Tag, utf8};

/// A position in LXT bytes, and the reads that move it. Every read checks
/// the bytes left; an error is located where the spec says (§5): a value
/// cut short is `truncated` at the field that does not fit, a length or
/// count too large is `length_overflow` at its field.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The largest length or count allowed besides the bytes left (§6.2).
    max_size: u64,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `bytes`, with no size limit beyond them.
    #[inline]
    pub const fn new(bytes: &'a [u8]) -> Self {
        Cursor::at(bytes, 0)
    }

    /// A cursor at offset `pos` of `bytes` (offsets in errors count from
    /// the start of `bytes`).
    #[inline]
    pub const fn at(bytes: &'a [u8], pos: usize) -> Self {
        Cursor {
            bytes,
            pos,
            max_size: u64::MAX,
        }
    }

    /// The same cursor, refusing lengths and counts above `max_size` too
    /// (`Limits::max_size`, §6.2).
    #[inline]
    pub const fn max_size(mut self, max_size: u64) -> Self {
        self.max_size = max_size;
        self
    }

    /// All the bytes, read or not.
    #[inline(always)]
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The offset of the next byte to read.
    #[inline(always)]
    pub const fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to offset `pos` (within the bytes, or at their end).
    #[inline(always)]
    pub fn set_pos(&mut self, pos: usize) {
        debug_assert!(pos <= self.bytes.len());
        self.pos = pos;
    }

    /// Whether every byte was read.
    #[inline(always)]
    pub const fn is_at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// An error of `kind` at the cursor.
    #[cold]
    #[inline(never)]
    pub fn error(&self, kind: ErrorKind) -> Error {
        Error::at(kind, self.pos)
    }

    /// The next byte, without moving; `truncated` at the end.
    #[inline(always)]
    pub fn peek(&self) -> Result<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) => Ok(b),
            None => Err(self.error(ErrorKind::Truncated)),
        }
    }

    /// Whether the next byte is `tag` (`false` at the end).
    #[inline(always)]
    pub fn peek_is(&self, tag: Tag) -> bool {
        self.bytes.get(self.pos) == Some(&(tag as u8))
    }

    /// Whether the next byte is `tag`, stepping past it if so (`false` at
    /// the end).
    #[inline(always)]
    pub fn take_tag(&mut self, tag: Tag) -> bool {
        if self.peek_is(tag) {
            self.pos += 1;
            return true;
        }
        false
    }

    /// Whether the value at the cursor is nil, stepping past it if so;
    /// `truncated` at the end.
    #[inline(always)]
    pub fn nil(&mut self) -> Result<bool> {
        if self.peek()? == Tag::Nil as u8 {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// The next byte.
    #[inline(always)]
    pub fn byte(&mut self) -> Result<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Ok(b)
    }

    /// A tag (§2): `unknown_tag` at it, with its byte, for 0x08–0xFF.
    #[inline(always)]
    pub fn tag(&mut self) -> Result<Tag> {
        let b = self.peek()?;
        match Tag::from_byte(b) {
            Some(tag) => {
                self.pos += 1;
                Ok(tag)
            }
            None => Err(unknown_tag(self.pos, b)),
        }
    }

    /// The next `N` bytes.
    #[inline(always)]
    pub fn fixed<const N: usize>(&mut self) -> Result<[u8; N]> {
        match self
            .bytes
            .get(self.pos..)
            .and_then(|rest| rest.first_chunk::<N>())
        {
            Some(bytes) => {
                self.pos += N;
                Ok(*bytes)
            }
            None => Err(self.error(ErrorKind::Truncated)),
        }
    }

    /// A boolean's payload (§2.2): `invalid_bool` at it, with its byte,
    /// unless it is 0 or 1.
    #[inline(always)]
    pub fn boolean(&mut self) -> Result<bool> {
        match self.peek()? {
            b @ (0 | 1) => {
                self.pos += 1;
                Ok(b == 1)
            }
            b => Err(self.error(ErrorKind::InvalidBool).with_byte(b)),
        }
    }

    /// An integer's payload (§2.3): i64, little-endian.
    #[inline(always)]
    pub fn i64(&mut self) -> Result<i64> {
        self.fixed().map(i64::from_le_bytes)
    }

    /// A float's payload (§2.4): the bits of an IEEE 754 binary64,
    /// little-endian (a NaN keeps its bits).
    #[inline(always)]
    pub fn f64(&mut self) -> Result<f64> {
        self.fixed().map(f64::from_le_bytes)
    }

    /// A u32, little-endian, as it is: a reference's id (§2.8). Lengths and
    /// counts are read by [`Cursor::length`], [`Cursor::array_count`] and
    /// [`Cursor::hash_count`], which check them.
    #[inline(always)]
    pub fn u32(&mut self) -> Result<u32> {
        self.fixed().map(u32::from_le_bytes)
    }

    /// A string or bytes length L (§2.5, §2.6): at most the bytes left.
    #[inline(always)]
    pub fn length(&mut self) -> Result<usize> {
        self.count(1)
    }

    /// A table's array count n (§2.7): every value takes a byte or more, so
    /// at most the bytes left.
    #[inline(always)]
    pub fn array_count(&mut self) -> Result<usize> {
        self.count(1)
    }

    /// A table's hash count m (§2.7): every entry takes two bytes or more,
    /// so 2·m at most the bytes left.
    #[inline(always)]
    pub fn hash_count(&mut self) -> Result<usize> {
        self.count(2)
    }

    /// A u32 length or count of items of at least `min_item` bytes each,
    /// checked against the bytes left after it and against `max_size`:
    /// `length_overflow` at the field (with the count and its bound).
    #[inline(always)]
    fn count(&mut self, min_item: usize) -> Result<usize> {
        let at = self.pos;
        if let Some(field) = self
            .bytes
            .get(at..)
            .and_then(|rest| rest.first_chunk::<4>())
        {
            let declared = u32::from_le_bytes(*field) as usize;
            let left = self.bytes.len() - at - 4;
            if declared <= left / min_item && declared as u64 <= self.max_size {
                self.pos = at + 4;
                return Ok(declared);
            }
        }
        Err(self.count_error(min_item))
    }

    /// The error of [`Cursor::count`].
    #[cold]
    #[inline(never)]
    fn count_error(&self, min_item: usize) -> Error {
        let Some(field) = self
            .bytes
            .get(self.pos..)
            .and_then(|r| r.first_chunk::<4>())
        else {
            return self.error(ErrorKind::Truncated);
        };
        let declared = u64::from(u32::from_le_bytes(*field));
        let left = (self.bytes.len() - self.pos - 4) / min_item;
        let bound = (left as u64).min(self.max_size);
        self.error(ErrorKind::LengthOverflow)
            .with_length(declared, bound)
    }

    /// A length-prefixed run of bytes (§2.5, §2.6): the content.
    #[inline(always)]
    pub fn len_prefixed(&mut self) -> Result<&'a [u8]> {
        let len = self.length()?;
        let start = self.pos;
        self.pos = start + len;
        Ok(&self.bytes[start..start + len])
    }

    /// A string's payload (§2.5): length-prefixed UTF-8, through the one
    /// UTF-8 check; `invalid_utf8` at the first bad byte.
    #[inline(always)]
    pub fn str(&mut self) -> Result<&'a str> {
        let len = self.length()?;
        let start = self.pos;
        self.pos = start + len;
        utf8::content_str(self.bytes, start, len)
            .map_err(|valid_up_to| Error::at(ErrorKind::InvalidUtf8, start + valid_up_to))
    }

    /// The payload of a scalar whose tag was read. Nil and tables are not
    /// scalars: for them it reads nothing and answers `invalid_key` at the
    /// tag (only a key's reader meets them here).
    #[inline(always)]
    pub fn scalar(&mut self, tag: Tag) -> Result<Scalar<'a>> {
        Ok(match tag {
            Tag::Bool => Scalar::Bool(self.boolean()?),
            Tag::Int => Scalar::Int(self.i64()?),
            Tag::Float => Scalar::Float(self.f64()?),
            Tag::Str => Scalar::Str(self.str()?),
            Tag::Bytes => Scalar::Bytes(self.len_prefixed()?),
            Tag::Ref => Scalar::Ref(self.u32()?),
            Tag::Nil | Tag::Table => {
                return Err(Error::at(ErrorKind::InvalidKey, self.pos - 1));
            }
        })
    }

    /// A whole scalar value, tag and payload (see [`Cursor::scalar`]).
    #[inline]
    pub fn scalar_value(&mut self) -> Result<Scalar<'a>> {
        let tag = self.tag()?;
        self.scalar(tag)
    }

    /// A hash key (§3): nil, NaN and tables are `invalid_key` at the key's
    /// tag; a float that stands for an integer (§3.2) is that integer. The
    /// flag tells whether the key was written normalised (`false` for such
    /// a float, which is noncanonical, §4.5).
    #[inline(always)]
    pub fn key(&mut self) -> Result<(Scalar<'a>, bool)> {
        let at = self.pos;
        let tag = self.tag()?;
        if tag == Tag::Float {
            let value = self.f64()?;
            if value.is_nan() {
                return Err(Error::at(ErrorKind::InvalidKey, at));
            }
            return Ok(match float_key_as_int(value) {
                Some(i) => (Scalar::Int(i), false),
                None => (Scalar::Float(value), true),
            });
        }
        Ok((self.scalar(tag)?, true))
    }

    /// The value at the cursor if it is an integer, and the cursor past it;
    /// `None` (and the cursor where it was) for anything else, cut short
    /// or not.
    #[inline(always)]
    pub fn next_int(&mut self) -> Option<i64> {
        let payload = self.tagged::<8>(Tag::Int)?;
        Some(i64::from_le_bytes(payload))
    }

    /// As [`Cursor::next_int`], for a float.
    #[inline(always)]
    pub fn next_float(&mut self) -> Option<f64> {
        let payload = self.tagged::<8>(Tag::Float)?;
        Some(f64::from_le_bytes(payload))
    }

    /// As [`Cursor::next_int`], for a boolean with a valid payload.
    #[inline(always)]
    pub fn next_bool(&mut self) -> Option<bool> {
        match self.bytes.get(self.pos..)?.first_chunk::<2>()? {
            &[0x01, b @ (0 | 1)] => {
                self.pos += 2;
                Some(b == 1)
            }
            _ => None,
        }
    }

    /// The `N`-byte payload of a `tag` value at the cursor, which moves
    /// past it; `None` if the value has another tag or is cut short.
    #[inline(always)]
    fn tagged<const N: usize>(&mut self, tag: Tag) -> Option<[u8; N]> {
        let end = self.pos + 1 + N;
        let value = self.bytes.get(self.pos..end)?;
        if value[0] != tag as u8 {
            return None;
        }
        let payload = value[1..].try_into().ok()?;
        self.pos = end;
        Some(payload)
    }

    /// The declared length of a `tag` value (a string or bytes) at the
    /// cursor, not yet checked against the bytes left, without moving;
    /// `None` for another tag or a header cut short. For fast paths that
    /// check it themselves.
    #[inline(always)]
    pub fn peek_length(&self, tag: Tag) -> Option<usize> {
        let header = self.bytes.get(self.pos..)?.first_chunk::<5>()?;
        if header[0] != tag as u8 {
            return None;
        }
        let [_, field @ ..] = *header;
        Some(u32::from_le_bytes(field) as usize)
    }
}

/// `unknown_tag` at `at`, with the byte.
#[cold]
#[inline(never)]
fn unknown_tag(at: usize, byte: u8) -> Error {
    Error::at(ErrorKind::UnknownTag, at).with_byte(byte)
}

/// An error of `kind` at offset `at`, for readers that hold an offset
/// rather than a cursor.
#[cold]
#[inline(never)]
pub fn error_at(kind: ErrorKind, at: usize) -> Error {
    Error::at(kind, at)
}

/// The tag of the value at offset `at` of `bytes`; `None` past the end or
/// for a byte that is no tag.
#[inline]
pub fn tag_at(bytes: &[u8], at: usize) -> Option<Tag> {
    Tag::from_byte(*bytes.get(at)?)
}

/// The u32 at offset `at` of `bytes` (a length, a count or an id, not
/// checked), if four bytes are there.
#[inline]
pub fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let field = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// The encoding of nil, one `0x00` byte (§2.1): what a host stores to
/// say "no value".
pub const NIL: [u8; 1] = [Tag::Nil as u8];

/// Whether `bytes` are exactly the encoding of nil ([`NIL`]).
///
/// ```
/// use luaxt_format::wire::{NIL, is_nil};
/// assert!(is_nil(&NIL));
/// assert!(!is_nil(&[0x00, 0x00]) && !is_nil(&[]));
/// ```
#[inline]
pub fn is_nil(bytes: &[u8]) -> bool {
    bytes == NIL
}

/// The integer when `bytes` are exactly one `0x02` value (an encoded
/// integer key, as a store keeps it).
///
/// ```
/// use luaxt_format::wire::int_value;
/// assert_eq!(int_value(&[0x02, 7, 0, 0, 0, 0, 0, 0, 0]), Some(7));
/// assert_eq!(int_value(&[0x04, 1, 0, 0, 0, b'7']), None);
/// ```
#[inline]
pub fn int_value(bytes: &[u8]) -> Option<i64> {
    let mut cursor = Cursor::new(bytes);
    let value = cursor.next_int()?;
    cursor.is_at_end().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The class and offset of the error `result` must be.
    fn at<T: core::fmt::Debug>(result: Result<T>) -> Result<(), (ErrorKind, usize)> {
        let err = result.unwrap_err();
        Err((err.kind(), err.offset().unwrap()))
    }

    #[test]
    fn errors_are_where_the_spec_puts_them() {
        // A u32 field cut short is truncated at the field.
        assert_eq!(
            at(Cursor::at(&[0x04, 1, 0], 1).length()),
            Err((ErrorKind::Truncated, 1))
        );
        // 2·m larger than the bytes left.
        let bytes = [2, 0, 0, 0, 1, 1, 1];
        assert_eq!(
            at(Cursor::new(&bytes).hash_count()),
            Err((ErrorKind::LengthOverflow, 0))
        );
        assert_eq!(Cursor::new(&bytes).array_count().unwrap(), 2);
        // The size limit bounds a count too.
        assert_eq!(
            at(Cursor::new(&bytes).max_size(1).array_count()),
            Err((ErrorKind::LengthOverflow, 0))
        );
        assert_eq!(
            at(Cursor::new(&[0x09]).tag()),
            Err((ErrorKind::UnknownTag, 0))
        );
        assert_eq!(
            at(Cursor::at(&[0x01, 2], 1).boolean()),
            Err((ErrorKind::InvalidBool, 1))
        );
        assert_eq!(
            at(Cursor::at(&[0x04, 3, 0, 0, 0, b'a', 0xff, b'b'], 1).str()),
            Err((ErrorKind::InvalidUtf8, 6))
        );
        let nan = [0x03, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f];
        assert_eq!(at(Cursor::new(&nan).key()), Err((ErrorKind::InvalidKey, 0)));
        assert_eq!(
            at(Cursor::new(&[0x06]).key()),
            Err((ErrorKind::InvalidKey, 0))
        );
    }

    #[test]
    fn keys_normalise_and_say_so() {
        let one = [0x03, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];
        assert_eq!(Cursor::new(&one).key().unwrap(), (Scalar::Int(1), false));
        let two = [0x02, 2, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(Cursor::new(&two).key().unwrap(), (Scalar::Int(2), true));
    }

    #[test]
    fn fast_reads_leave_other_values_alone() {
        let mut cursor = Cursor::new(&[0x03, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
        assert_eq!(cursor.next_int(), None);
        assert_eq!(cursor.next_bool(), None);
        assert_eq!(cursor.pos(), 0);
        assert_eq!(cursor.next_float(), Some(1.0));
        assert!(cursor.is_at_end());
        assert_eq!(Cursor::new(&[0x02, 1]).next_int(), None);
        assert_eq!(Cursor::new(&[0x01, 1]).next_bool(), Some(true));
        assert_eq!(Cursor::new(&[0x01, 2]).next_bool(), None);
        assert_eq!(
            Cursor::new(&[0x04, 9, 0, 0, 0]).peek_length(Tag::Str),
            Some(9)
        );
        assert_eq!(Cursor::new(&[0x05, 9, 0, 0, 0]).peek_length(Tag::Str), None);
    }
}
