//! Decoding entry points: the options, and the passes over a document that
//! keep the memory a decode allocates within a fixed multiple of the input
//! (spec §6.6; see [`decode_with`]). The rules themselves are in
//! `parser.rs`.

use alloc::vec::Vec;

use crate::budget::PreallocationBudget;
use crate::parser::{Build, Parser, Pass, TableSpans, Walked};
use crate::{Error, ErrorKind, Limits, Value, ValueRef};

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
/// let shallow = DecodeOptions::new().limits(Limits::DEFAULT.with_max_depth(0));
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

    /// The length of the one value at the start of `bytes`, checked as
    /// [`check`](DecodeOptions::check) checks a document; what follows it
    /// is not read, and the limit on a whole document's size (§6.2) is the
    /// caller's. With [`table_spans`](DecodeOptions::table_spans), for
    /// readers that find their way through a document without decoding it.
    pub fn value_len(&self, bytes: &[u8]) -> Result<usize, Error> {
        let mut walk = Pass::Walk(None);
        let mut parser = Parser::new(bytes, self.limits, &mut walk, true);
        parser.value::<Walked<'_>>(0)?;
        Ok(parser.cur.pos())
    }

    /// Where the entries of the table at the start of `bytes` are: the
    /// start of every value and key (values and keys checked as
    /// [`check`](DecodeOptions::check) checks them), and whether they are
    /// the table as it decodes. Offsets are `u32`: a longer table is
    /// `length_overflow`.
    ///
    /// ```
    /// use luaxt_format::{DecodeOptions, Table, Value, encode};
    /// let mut t = Table::from_array(vec![Value::Int(10), "x".into()]);
    /// t.insert("k".into(), Value::Bool(true))?;
    /// let bytes = encode(&Value::Table(t))?;
    /// let spans = DecodeOptions::new().table_spans(&bytes)?;
    /// assert_eq!(spans.array, [5, 14]);
    /// assert_eq!(spans.hash, [(24, 30)]);
    /// assert!(spans.direct && spans.len as usize == bytes.len());
    /// # Ok::<(), luaxt_format::Error>(())
    /// ```
    pub fn table_spans(&self, bytes: &[u8]) -> Result<TableSpans, Error> {
        if bytes.len() > u32::MAX as usize {
            return Err(Error::at(ErrorKind::LengthOverflow, 0));
        }
        let mut walk = Pass::Walk(None);
        Parser::new(bytes, self.limits, &mut walk, true).spans()
    }

    /// Validates `bytes` and tells whether they are canonical, without
    /// building the value: the same verdict, class and offset as
    /// [`DecodeOptions::decode`], in memory proportional to the nesting
    /// depth for input whose keys are in canonical order. Input with a
    /// table whose keys are not is read again, keeping an offset per key
    /// of the open tables (§6.6).
    pub fn check(&self, bytes: &[u8]) -> Result<Canonicity, Error> {
        check_size(bytes, self)?;
        // Without key offsets first: a table whose keys are out of order
        // makes the walk start over with them.
        let walked = match run::<Walked<'_>>(bytes, self, &mut Pass::Walk(None), false) {
            Some(walked) => walked,
            None => run::<Walked<'_>>(bytes, self, &mut Pass::Walk(None), true)
                .unwrap_or_else(|| Err(Error::at(ErrorKind::Custom, 0))),
        };
        walked.map(|(_, canonicity)| canonicity)
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

/// Decodes one document: a value, then nothing.
///
/// Memory (spec §6.6): the decoded value needs at most 48 bytes per input
/// byte (an array value after a hole becomes a hash entry: a 2-byte `true`
/// costs an integer key and a value, 2 × 48 bytes), and a canonical
/// document at most half that. Vec growth would double it, so every table
/// part gets its final size up front:
///
/// 1. An optimistic pass gives each part its declared count, from a budget
///    of one value slot per two input bytes (every value but nil takes at
///    least two bytes, so a canonical document always fits). It gives up
///    where a declared count is not the final size: the budget runs out,
///    a value follows a hole in the array part, or a key continues it.
///    Canonical input, and most noncanonical input, is done here.
/// 2. Otherwise a walk that builds nothing checks the document (its error
///    is the answer) and records each table's final sizes (16 bytes per
///    table of at least 9 bytes).
///
/// Both keep the offset of every hash key of the open tables (8 bytes per
/// key of at least 3 bytes), to find duplicates where keys come out of
/// order.
/// 3. An exact pass builds with those sizes.
pub(crate) fn decode_with<'a, V: Build<'a>>(
    bytes: &'a [u8],
    options: &DecodeOptions,
) -> Result<(V, Canonicity), Error> {
    check_size(bytes, options)?;
    let budget = PreallocationBudget::new(bytes.len() / 2);
    if let Some(done) = run::<V>(bytes, options, &mut Pass::Optimistic(budget), true) {
        return done;
    }
    let mut walk = Pass::Walk(Some(Vec::new()));
    run::<Walked<'_>>(bytes, options, &mut walk, true)
        .unwrap_or_else(|| Err(Error::at(ErrorKind::Custom, 0)))?;
    let Pass::Walk(Some(sizes)) = walk else {
        return Err(Error::at(ErrorKind::Custom, 0));
    };
    let mut exact = Pass::Exact {
        sizes: &sizes,
        next: 0,
    };
    run::<V>(bytes, options, &mut exact, false)
        .unwrap_or_else(|| Err(Error::at(ErrorKind::Custom, 0)))
}

/// An input longer than max_size is refused before it is read (§6.2).
fn check_size(bytes: &[u8], options: &DecodeOptions) -> Result<(), Error> {
    let max_size = options.limits.max_size;
    if bytes.len() as u64 > max_size {
        return Err(
            Error::at(ErrorKind::LengthOverflow, 0).with_length(bytes.len() as u64, max_size)
        );
    }
    Ok(())
}

/// One pass over the document, keeping every key's offset or not (see
/// `Parser::keep_offsets`); `None` when the pass gave up.
fn run<'a, V: Build<'a>>(
    bytes: &'a [u8],
    options: &DecodeOptions,
    pass: &mut Pass<'_>,
    keep_offsets: bool,
) -> Option<Result<(V, Canonicity), Error>> {
    let mut parser = Parser::new(bytes, options.limits, pass, keep_offsets);
    let value = match parser.value::<V>(0) {
        Ok(value) => value,
        Err(_) if parser.restarted => return None,
        Err(err) => return Some(Err(err)),
    };
    if !parser.cur.is_at_end() {
        return Some(Err(parser.cur.error(ErrorKind::TrailingBytes)));
    }
    Some(match parser.first_noncanonical {
        None => Ok((value, Canonicity::Canonical)),
        Some(offset) if options.strict => Err(Error::at(ErrorKind::Noncanonical, offset)),
        Some(offset) => Ok((value, Canonicity::Noncanonical { offset })),
    })
}
