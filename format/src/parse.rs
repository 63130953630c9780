//! The decoder: nom parsers, one per tag in spec order (§2), with the key,
//! canonical-form and limit checks of §3–§6.
//!
//! Inside the parser an [`Error`]'s offset holds the length of the input
//! that was left where it happened (nom's view); [`decode_with`] turns that
//! into an offset from the start of the document.

use alloc::vec::Vec;
use core::cell::Cell;
use core::cmp::Ordering;

use nom::IResult;
use nom::bytes::complete::take;
use nom::number::complete::{le_i64, le_u8, le_u32, le_u64};

use crate::table::key_order;
use crate::value::Element;
use crate::{CANONICAL_NAN_BITS, Error, ErrorKind, Limits, Table, Value, ValueRef};

/// How to decode: limits, and whether noncanonical input is an error.
///
/// ```
/// use luaxt_format::{DecodeOptions, ErrorKind, Limits};
/// // 1.0 as a key is valid but not canonical (§4.5): strict mode refuses it.
/// let bytes = [6, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 1, 1];
/// assert!(DecodeOptions::new().decode(&bytes).is_ok());
/// let err = DecodeOptions::new().strict(true).decode(&bytes).unwrap_err();
/// assert_eq!((err.kind(), err.offset()), (ErrorKind::Noncanonical, Some(9)));
/// // Limits are per call.
/// let shallow = DecodeOptions::new().limits(Limits { max_depth: 0, ..Limits::default() });
/// assert_eq!(shallow.decode(&bytes).unwrap_err().kind(), ErrorKind::DepthExceeded);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    limits: Limits,
    strict: bool,
}

impl DecodeOptions {
    /// Lenient decoding with the default limits.
    pub const fn new() -> Self {
        DecodeOptions {
            limits: Limits::DEFAULT,
            strict: false,
        }
    }

    /// Strict mode: also reject valid but noncanonical input (§4.6).
    pub const fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Use these limits instead of the defaults.
    pub const fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits and the strict flag (for the serde deserializer).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) const fn parts(&self) -> (Limits, bool) {
        (self.limits, self.strict)
    }

    /// Decodes an owned [`Value`].
    pub fn decode(&self, bytes: &[u8]) -> Result<Value, Error> {
        decode_with(bytes, self).map(|(value, _)| value)
    }

    /// Decodes a [`ValueRef`] that borrows strings and bytes from `bytes`.
    pub fn decode_ref<'a>(&self, bytes: &'a [u8]) -> Result<ValueRef<'a>, Error> {
        decode_with(bytes, self).map(|(value, _)| value)
    }

    /// Validates `bytes` and tells whether they are canonical, without
    /// keeping the value.
    pub fn check(&self, bytes: &[u8]) -> Result<Canonicity, Error> {
        decode_with::<ValueRef<'_>>(bytes, self).map(|(_, canonicity)| canonicity)
    }
}

/// Whether valid input is in canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canonicity {
    /// The input is the canonical encoding of its value.
    Canonical,
    /// The input is valid; the first noncanonical item starts at `offset`.
    Noncanonical {
        /// Offset of the first item that differs from canonical form.
        offset: usize,
    },
}

/// Decodes `bytes` leniently with the default limits.
///
/// ```
/// let value = luaxt_format::decode(&[0x02, 42, 0, 0, 0, 0, 0, 0, 0])?;
/// assert_eq!(value, luaxt_format::Value::Int(42));
/// // A 4 GiB string declared in five bytes is refused before allocating.
/// let err = luaxt_format::decode(&[0x04, 0, 0, 0, 0xF0]).unwrap_err();
/// assert_eq!(err.kind(), luaxt_format::ErrorKind::LengthOverflow);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn decode(bytes: &[u8]) -> Result<Value, Error> {
    DecodeOptions::new().decode(bytes)
}

/// Decodes `bytes` in strict mode with the default limits.
pub fn decode_strict(bytes: &[u8]) -> Result<Value, Error> {
    DecodeOptions::new().strict(true).decode(bytes)
}

impl<'a> ValueRef<'a> {
    /// Decodes `bytes` leniently, borrowing strings and bytes.
    pub fn decode(bytes: &'a [u8]) -> Result<ValueRef<'a>, Error> {
        DecodeOptions::new().decode_ref(bytes)
    }

    /// Decodes `bytes` in strict mode, borrowing strings and bytes.
    pub fn decode_strict(bytes: &'a [u8]) -> Result<ValueRef<'a>, Error> {
        DecodeOptions::new().strict(true).decode_ref(bytes)
    }
}

/// The value types the parser can build, with borrowed or copied content.
pub(crate) trait Build<'a>: Element {
    fn float(value: f64) -> Self;
    fn nil() -> Self;
    fn boolean(value: bool) -> Self;
    fn str(value: &'a str) -> Self;
    fn bytes(value: &'a [u8]) -> Self;
    fn reference(id: u32) -> Self;
    fn table(table: Table<Self>) -> Self;
}

macro_rules! impl_build {
    ($ty:ty, |$s:ident| $str:expr, |$b:ident| $bytes:expr) => {
        impl<'a> Build<'a> for $ty {
            fn float(value: f64) -> Self {
                Self::Float(value)
            }
            fn nil() -> Self {
                Self::Nil
            }
            fn boolean(value: bool) -> Self {
                Self::Bool(value)
            }
            fn str($s: &'a str) -> Self {
                Self::Str($str)
            }
            fn bytes($b: &'a [u8]) -> Self {
                Self::Bytes($bytes)
            }
            fn reference(id: u32) -> Self {
                Self::Ref(id)
            }
            fn table(table: Table<Self>) -> Self {
                Self::Table(table)
            }
        }
    };
}

impl_build!(Value, |s| s.into(), |b| b.to_vec());
impl_build!(ValueRef<'a>, |s| s, |b| b);

/// Decodes one document: a value, then nothing.
pub(crate) fn decode_with<'a, V: Build<'a>>(
    bytes: &'a [u8],
    options: &DecodeOptions,
) -> Result<(V, Canonicity), Error> {
    let limits = options.limits;
    if bytes.len() as u64 > limits.max_size {
        return Err(Error::at(ErrorKind::LengthOverflow, 0)
            .with_length(bytes.len() as u64, limits.max_size));
    }
    let mut parser = Parser {
        len: bytes.len(),
        limits,
        first_noncanonical: None,
        key_offsets: Vec::new(),
        preallocation: PreallocationBudget::new(bytes.len()),
    };
    let to_document = |err: nom::Err<Error>| match err {
        nom::Err::Error(e) | nom::Err::Failure(e) => {
            let left = e.offset().unwrap_or(0);
            e.set_offset(bytes.len() - left)
        }
        // Complete parsers never ask for more input.
        nom::Err::Incomplete(_) => Error::at(ErrorKind::Truncated, bytes.len()),
    };
    let (rest, value) = parser.value::<V>(bytes, 0).map_err(to_document)?;
    if !rest.is_empty() {
        return Err(Error::at(
            ErrorKind::TrailingBytes,
            bytes.len() - rest.len(),
        ));
    }
    let canonicity = match parser.first_noncanonical {
        None => Canonicity::Canonical,
        Some(offset) if options.strict => return Err(Error::at(ErrorKind::Noncanonical, offset)),
        Some(offset) => Canonicity::Noncanonical { offset },
    };
    Ok((value, canonicity))
}

type PResult<'a, T> = IResult<&'a [u8], T, Error>;

/// Implements nom's error trait so nom combinators can carry our errors.
/// nom only reports running out of input here, which is `truncated`.
impl<'a> nom::error::ParseError<&'a [u8]> for Error {
    fn from_error_kind(input: &'a [u8], _kind: nom::error::ErrorKind) -> Self {
        Error::at(ErrorKind::Truncated, input.len())
    }

    fn append(_input: &'a [u8], _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

/// An error of `kind` at `at` (the input left from the offending field).
fn fail(kind: ErrorKind, at: &[u8]) -> nom::Err<Error> {
    nom::Err::Failure(Error::at(kind, at.len()))
}

/// Runs a nom primitive; running out of input is `truncated` at `at`.
fn field<'a, O>(
    at: &'a [u8],
    mut primitive: impl nom::Parser<&'a [u8], Output = O, Error = Error>,
) -> PResult<'a, O> {
    primitive
        .parse(at)
        .map_err(|_| fail(ErrorKind::Truncated, at))
}

struct Parser {
    /// Length of the whole document, to turn remaining lengths into offsets.
    len: usize,
    limits: Limits,
    /// Offset of the first noncanonical item seen (§4.6).
    first_noncanonical: Option<usize>,
    /// Offsets of hash keys of the tables being parsed, used as a stack.
    key_offsets: Vec<usize>,
    /// Room the tables of this document may still reserve before they are
    /// read, so every table of a valid document gets its exact size at once.
    preallocation: PreallocationBudget,
}

impl Parser {
    fn offset_of(&self, at: &[u8]) -> usize {
        self.len - at.len()
    }

    fn noncanonical(&mut self, at: &[u8]) {
        if self.first_noncanonical.is_none() {
            self.first_noncanonical = Some(self.offset_of(at));
        }
    }

    /// One value of any type (§2); `depth` counts the enclosing tables.
    fn value<'a, V: Build<'a>>(&mut self, input: &'a [u8], depth: u32) -> PResult<'a, V> {
        let (rest, tag) = field(input, le_u8)?;
        match tag {
            0x00 => Ok((rest, V::nil())),
            0x01 => boolean(rest),
            0x02 => field(rest, le_i64).map(|(rest, i)| (rest, V::from_int(i))),
            0x03 => {
                let (rest, bits) = field(rest, le_u64)?;
                let value = f64::from_bits(bits);
                if value.is_nan() && bits != CANONICAL_NAN_BITS {
                    self.noncanonical(input);
                }
                Ok((rest, V::float(value)))
            }
            0x04 => self.string(rest),
            0x05 => {
                let (rest, content) = self.counted(rest)?;
                Ok((rest, V::bytes(content)))
            }
            0x06 => self.table(input, rest, depth + 1),
            0x07 => field(rest, le_u32).map(|(rest, id)| (rest, V::reference(id))),
            _ => Err(nom::Err::Failure(
                Error::at(ErrorKind::UnknownTag, input.len()).with_byte(tag),
            )),
        }
    }

    /// A u32 length or count, checked against the limit and against the
    /// bytes left (each counted item needs at least `min_item` bytes).
    fn count<'a>(&self, at: &'a [u8], min_item: u64) -> PResult<'a, usize> {
        let (rest, declared) = field(at, le_u32)?;
        let declared = u64::from(declared);
        let bound = (rest.len() as u64 / min_item).min(self.limits.max_size);
        if declared > bound {
            return Err(nom::Err::Failure(
                Error::at(ErrorKind::LengthOverflow, at.len()).with_length(declared, bound),
            ));
        }
        Ok((rest, declared as usize))
    }

    /// A length-prefixed byte run (§2.5, §2.6).
    fn counted<'a>(&self, at: &'a [u8]) -> PResult<'a, &'a [u8]> {
        let (rest, len) = self.count(at, 1)?;
        field(rest, take(len))
    }

    /// `0x04`: the content must be UTF-8 (§2.5).
    fn string<'a, V: Build<'a>>(&self, at: &'a [u8]) -> PResult<'a, V> {
        let (content_and_rest, len) = self.count(at, 1)?;
        let (rest, content) = field(content_and_rest, take(len))?;
        match core::str::from_utf8(content) {
            Ok(text) => Ok((rest, V::str(text))),
            // The offset is that of the first bad byte in the document.
            Err(e) => Err(fail(
                ErrorKind::InvalidUtf8,
                &content_and_rest[e.valid_up_to()..],
            )),
        }
    }

    /// A hash key (§3): its normalised value, and whether it was written
    /// normalised.
    fn key<'a, V: Build<'a>>(&mut self, input: &'a [u8], depth: u32) -> PResult<'a, (V, bool)> {
        let (rest, tag) = field(input, le_u8)?;
        match tag {
            0x00 | 0x06 => Err(fail(ErrorKind::InvalidKey, input)),
            0x03 => {
                let (rest, bits) = field(rest, le_u64)?;
                let value = f64::from_bits(bits);
                if value.is_nan() {
                    return Err(fail(ErrorKind::InvalidKey, input));
                }
                match crate::key::float_key_as_int(value) {
                    Some(i) => Ok((rest, (V::from_int(i), false))),
                    None => Ok((rest, (V::float(value), true))),
                }
            }
            _ => self
                .value(input, depth)
                .map(|(rest, key)| (rest, (key, true))),
        }
    }

    /// `0x06` (§2.7), with the canonical checks of §4 and duplicate keys.
    /// `input` starts at the tag, `rest` after it.
    fn table<'a, V: Build<'a>>(
        &mut self,
        input: &'a [u8],
        rest: &'a [u8],
        depth: u32,
    ) -> PResult<'a, V> {
        if depth > self.limits.max_depth {
            return Err(fail(ErrorKind::DepthExceeded, input));
        }
        let (mut rest, n) = self.count(rest, 1)?;
        let mut array = Vec::with_capacity(self.preallocation.take(n));
        let mut rebuild = false;
        for _ in 0..n {
            let at = rest;
            let (after, value) = self.value::<V>(rest, depth)?;
            if value.tag() == crate::Tag::Nil {
                self.noncanonical(at);
                rebuild = true;
            }
            array.push(value);
            rest = after;
        }

        let (mut rest, m) = self.count(rest, 2)?;
        let mut hash: Vec<(V, V)> = Vec::with_capacity(self.preallocation.take(m));
        let offsets_start = self.key_offsets.len();
        let mut sorted = true;
        let mut previous_key: Option<&'a [u8]> = None;
        let mut duplicate_at: Option<usize> = None;
        for _ in 0..m {
            let key_at = rest;
            let (after_key, (key, normalised)) = self.key::<V>(rest, depth)?;
            let span = &key_at[..key_at.len() - after_key.len()];
            // A key written other than normalised, or not after the previous
            // key in byte order, makes the hash part noncanonical (§4.2, §4.5).
            if !normalised || previous_key.is_some_and(|prev| prev >= span) {
                self.noncanonical(key_at);
                sorted = false;
            }
            previous_key = Some(span);
            if let Some(i) = key.as_int() {
                if (1..=n as i64).contains(&i) {
                    let at = self.offset_of(key_at);
                    duplicate_at = Some(duplicate_at.map_or(at, |d| d.min(at)));
                } else if i == n as i64 + 1 {
                    self.noncanonical(key_at);
                    rebuild = true;
                }
            }
            let value_at = after_key;
            let (after, value) = self.value::<V>(after_key, depth)?;
            if value.tag() == crate::Tag::Nil {
                self.noncanonical(value_at);
                rebuild = true;
            }
            self.key_offsets.push(self.offset_of(key_at));
            hash.push((key, value));
            rest = after;
        }

        if !sorted {
            let offsets = &self.key_offsets[offsets_start..];
            if let Some(at) = first_repeated_key(&hash, offsets) {
                duplicate_at = Some(duplicate_at.map_or(at, |d| d.min(at)));
            }
        }
        self.key_offsets.truncate(offsets_start);
        if let Some(at) = duplicate_at {
            let left = self.len - at;
            return Err(nom::Err::Failure(Error::at(ErrorKind::DuplicateKey, left)));
        }

        let table = if rebuild || !sorted {
            let array_entries = (1i64..).zip(array).map(|(i, v)| (V::from_int(i), v));
            Table::from_unique_entries(array_entries.chain(hash).collect())
        } else {
            Table::from_canonical_parts(array, hash)
        };
        Ok((rest, V::table(table)))
    }
}

/// Items a document's tables may reserve room for before they are read:
/// one per input byte in all. A declared count is only checked against the
/// bytes left, and nested tables share those bytes, so granting each count
/// in full would let nested headers reserve memory quadratic in the input;
/// drawing on one budget keeps the total within the input (each item takes
/// at least one byte) while every table of a valid document still gets its
/// exact size. Shared by the decoder and the serde deserializer.
#[derive(Debug)]
pub(crate) struct PreallocationBudget(Cell<usize>);

impl PreallocationBudget {
    /// A budget for an input of `input_len` bytes.
    pub(crate) fn new(input_len: usize) -> Self {
        PreallocationBudget(Cell::new(input_len))
    }

    /// Room for a table part that declares `count` items.
    pub(crate) fn take(&self, count: usize) -> usize {
        let left = self.0.get();
        let granted = count.min(left);
        self.0.set(left - granted);
        granted
    }
}

/// `0x01` (§2.2): one byte, 0 or 1.
fn boolean<'a, V: Build<'a>>(at: &'a [u8]) -> PResult<'a, V> {
    let (rest, byte) = field(at, le_u8)?;
    match byte {
        0 | 1 => Ok((rest, V::boolean(byte == 1))),
        _ => Err(nom::Err::Failure(
            Error::at(ErrorKind::InvalidBool, at.len()).with_byte(byte),
        )),
    }
}

/// The offset of the earliest key that repeats an earlier key of the same
/// hash part (keys are normalised; `offsets[i]` is where key `i` starts).
fn first_repeated_key<V: Element>(hash: &[(V, V)], offsets: &[usize]) -> Option<usize> {
    let mut order: Vec<usize> = (0..hash.len()).collect();
    order.sort_by(|&a, &b| key_order(&hash[a].0, &hash[b].0).then(offsets[a].cmp(&offsets[b])));
    order
        .windows(2)
        .filter(|pair| key_order(&hash[pair[0]].0, &hash[pair[1]].0) == Ordering::Equal)
        .map(|pair| offsets[pair[1]])
        .min()
}
