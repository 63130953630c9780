//! The parser: nom parsers, one per tag in spec order (§2), with the key,
//! canonical-form and limit checks of §3–§6. It is generic over what it
//! builds ([`Build`]): owned [`Value`]s, borrowing [`ValueRef`]s, or
//! nothing at all ([`Walked`], for `check`), so every rule is written once.
//!
//! How it reserves memory is the [`Pass`] it runs in; `parse.rs` chooses
//! the passes (see `decode_with` there for why there are three).
//!
//! Inside the parser an [`Error`]'s offset holds the length of the input
//! that was left where it happened (nom's view); `parse.rs` turns that into
//! an offset from the start of the document.

use alloc::vec::Vec;
use core::cmp::Ordering;

use nom::IResult;
use nom::bytes::complete::take;
use nom::number::complete::{le_i64, le_u8, le_u32, le_u64};

use crate::budget::PreallocationBudget;
use crate::key::{KeyView, cmp_encoded, encoded_key_order};
use crate::table_builder::TableBuilder;
use crate::{CANONICAL_NAN_BITS, Error, ErrorKind, Limits, Value, ValueRef};

/// What the parser builds from what it reads: a value type and how a
/// table of it is put together.
pub(crate) trait Build<'a>: Sized {
    /// A table while its entries are read.
    type Parts;
    fn nil() -> Self;
    fn boolean(value: bool) -> Self;
    fn int(value: i64) -> Self;
    fn float(value: f64) -> Self;
    fn str(value: &'a str) -> Self;
    fn bytes(value: &'a [u8]) -> Self;
    fn reference(id: u32) -> Self;
    fn is_nil(&self) -> bool;
    fn as_int(&self) -> Option<i64>;
    /// An empty table with room for `array` array values and `hash` entries.
    fn parts(array: usize, hash: usize) -> Self::Parts;
    fn reserve_hash(parts: &mut Self::Parts, additional: usize);
    /// The value of the next array position (nil included).
    fn push_array(parts: &mut Self::Parts, value: Self);
    /// A hash entry (nil value included), its key normalised.
    fn push_hash(parts: &mut Self::Parts, key: Self, value: Self);
    /// The finished table; `unsorted` when the hash keys came out of
    /// canonical order, `may_extend` when the key n + 1 was among them.
    fn table(parts: Self::Parts, unsorted: bool, may_extend: bool) -> Self;
}

macro_rules! impl_build {
    ($ty:ty, |$s:ident| $str:expr, |$b:ident| $bytes:expr) => {
        impl<'a> Build<'a> for $ty {
            type Parts = TableBuilder<Self>;
            #[inline]
            fn nil() -> Self {
                Self::Nil
            }
            #[inline]
            fn boolean(value: bool) -> Self {
                Self::Bool(value)
            }
            #[inline]
            fn int(value: i64) -> Self {
                Self::Int(value)
            }
            #[inline]
            fn float(value: f64) -> Self {
                Self::Float(value)
            }
            #[inline]
            fn str($s: &'a str) -> Self {
                Self::Str($str)
            }
            #[inline]
            fn bytes($b: &'a [u8]) -> Self {
                Self::Bytes($bytes)
            }
            #[inline]
            fn reference(id: u32) -> Self {
                Self::Ref(id)
            }
            #[inline]
            fn is_nil(&self) -> bool {
                matches!(self, Self::Nil)
            }
            #[inline]
            fn as_int(&self) -> Option<i64> {
                self.as_i64()
            }
            #[inline]
            fn parts(array: usize, hash: usize) -> Self::Parts {
                TableBuilder::with_capacity(array, hash)
            }
            #[inline]
            fn reserve_hash(parts: &mut Self::Parts, additional: usize) {
                parts.reserve_hash(additional);
            }
            #[inline]
            fn push_array(parts: &mut Self::Parts, value: Self) {
                parts.push_array(value);
            }
            #[inline]
            fn push_hash(parts: &mut Self::Parts, key: Self, value: Self) {
                parts.push_hash(key, value);
            }
            #[inline]
            fn table(mut parts: Self::Parts, unsorted: bool, may_extend: bool) -> Self {
                if unsorted {
                    parts.unsorted();
                }
                if may_extend {
                    parts.may_extend_array();
                }
                Self::Table(parts.finish())
            }
        }
    };
}

impl_build!(Value, |s| s.into(), |b| b.to_vec());
impl_build!(ValueRef<'a>, |s| s, |b| b);

/// What a validating walk keeps of a value: nothing of tables, a view of
/// scalars (so that keys can be compared and array ranges checked).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Walked<'a> {
    Nil,
    Table,
    Scalar(KeyView<'a>),
}

impl<'a> Build<'a> for Walked<'a> {
    type Parts = ();
    fn nil() -> Self {
        Walked::Nil
    }
    fn boolean(value: bool) -> Self {
        Walked::Scalar(KeyView::Bool(value))
    }
    fn int(value: i64) -> Self {
        Walked::Scalar(KeyView::Int(value))
    }
    fn float(value: f64) -> Self {
        Walked::Scalar(KeyView::Float(value))
    }
    fn str(value: &'a str) -> Self {
        Walked::Scalar(KeyView::Str(value))
    }
    fn bytes(value: &'a [u8]) -> Self {
        Walked::Scalar(KeyView::Bytes(value))
    }
    fn reference(id: u32) -> Self {
        Walked::Scalar(KeyView::Ref(id))
    }
    fn is_nil(&self) -> bool {
        matches!(self, Walked::Nil)
    }
    fn as_int(&self) -> Option<i64> {
        match self {
            Walked::Scalar(KeyView::Int(i)) => Some(*i),
            _ => None,
        }
    }
    fn parts(_: usize, _: usize) {}
    fn reserve_hash(_: &mut (), _: usize) {}
    fn push_array(_: &mut (), _: Self) {}
    fn push_hash(_: &mut (), _: Self, _: Self) {}
    fn table(_: (), _: bool, _: bool) -> Self {
        Walked::Table
    }
}

/// Where the entries of one table are ([`Parser::spans`]), as offsets from
/// its `0x06` tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpans {
    /// The start of each array-part value.
    pub array: Vec<u32>,
    /// The start of each hash entry's key and of its value, in the order
    /// of the document.
    pub hash: Vec<(u32, u32)>,
    /// The table's length in bytes.
    pub len: u32,
    /// Whether the spans are the table as it decodes: no nil in the array
    /// part, normalised keys in canonical order, none of them continuing
    /// the array part (§4). Canonical tables always are.
    pub direct: bool,
}

/// The final sizes of one table: array values, and hash entries (an upper
/// bound when keys after the array part join it).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sizes {
    array: usize,
    hash: usize,
}

/// How a pass reserves room for tables.
#[derive(Debug)]
pub(crate) enum Pass<'s> {
    /// Each table part gets its declared count, drawn from one budget for
    /// the document. The pass gives up ([`Parser::restart`]) wherever that
    /// would not be the room the table ends up needing: the budget runs
    /// short, an array value follows a hole, or a hash key continues the
    /// array part.
    Optimistic(PreallocationBudget),
    /// Builds nothing; with `Some`, records every table's [`Sizes`] in
    /// document order.
    Walk(Option<Vec<Sizes>>),
    /// Builds with the sizes a walk recorded, on input the walk accepted
    /// (so duplicate keys need no checking).
    Exact { sizes: &'s [Sizes], next: usize },
}

pub(crate) type PResult<'a, T> = IResult<&'a [u8], T, Error>;

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

/// Counts of one table as it is read, for [`Sizes`].
#[derive(Debug, Default)]
struct Tally {
    /// Array values before the first nil.
    prefix: usize,
    /// A nil array value was read.
    hole: bool,
    /// Array values after the first nil (they become hash entries).
    moved: usize,
    /// Hash entries with a value.
    hash: usize,
    /// Of those, integer keys n + 1 ..= n + m: the most that can join the
    /// array part.
    extend: usize,
}

pub(crate) struct Parser<'a, 'p, 's> {
    /// The whole document.
    doc: &'a [u8],
    limits: Limits,
    /// Offset of the first noncanonical item seen (§4.6).
    pub(crate) first_noncanonical: Option<usize>,
    /// Offsets of the hash keys of the open tables, used as a stack, when
    /// `keep_offsets`.
    key_offsets: Vec<usize>,
    /// Whether every hash key's offset is kept, for duplicates in tables
    /// whose keys come out of order. Without, the first such key gives up
    /// the pass (to be run again with), so that a walk of canonical input
    /// needs memory for its depth only.
    keep_offsets: bool,
    pass: &'p mut Pass<'s>,
    /// The pass gave up (an optimistic pass, or one without offsets).
    pub(crate) restarted: bool,
}

impl<'a, 'p, 's> Parser<'a, 'p, 's> {
    pub(crate) fn new(
        doc: &'a [u8],
        limits: Limits,
        pass: &'p mut Pass<'s>,
        keep_offsets: bool,
    ) -> Self {
        Parser {
            doc,
            limits,
            first_noncanonical: None,
            key_offsets: Vec::new(),
            keep_offsets,
            pass,
            restarted: false,
        }
    }

    fn offset_of(&self, at: &[u8]) -> usize {
        self.doc.len() - at.len()
    }

    fn noncanonical(&mut self, at: &[u8]) {
        if self.first_noncanonical.is_none() {
            self.first_noncanonical = Some(self.offset_of(at));
        }
    }

    fn optimistic(&self) -> bool {
        matches!(self.pass, Pass::Optimistic(_))
    }

    /// Whether duplicate keys are looked for: not in the exact pass (a
    /// walk already did).
    fn checks_duplicates(&self) -> bool {
        !matches!(self.pass, Pass::Exact { .. })
    }

    /// Gives up the pass (the error is never reported).
    fn restart<T>(&mut self, at: &[u8]) -> PResult<'a, T> {
        self.restarted = true;
        Err(fail(ErrorKind::Custom, at))
    }

    /// One value of any type (§2); `depth` counts the enclosing tables.
    pub(crate) fn value<V: Build<'a>>(&mut self, input: &'a [u8], depth: u32) -> PResult<'a, V> {
        let (rest, tag) = field(input, le_u8)?;
        match tag {
            0x00 => Ok((rest, V::nil())),
            0x03 => {
                let (rest, bits) = field(rest, le_u64)?;
                let value = f64::from_bits(bits);
                if value.is_nan() && bits != CANONICAL_NAN_BITS {
                    self.noncanonical(input);
                }
                Ok((rest, V::float(value)))
            }
            0x06 => self.table(input, rest, depth + 1),
            _ => self.scalar(input, rest, tag),
        }
    }

    /// A value other than nil, a float or a table, whose tag was read:
    /// what keys and values share. Always inlined: it is most of the work
    /// of [`Parser::value`], and a call would pass every value through
    /// memory.
    #[inline(always)]
    fn scalar<V: Build<'a>>(&self, input: &'a [u8], rest: &'a [u8], tag: u8) -> PResult<'a, V> {
        match tag {
            0x01 => boolean(rest),
            0x02 => field(rest, le_i64).map(|(rest, i)| (rest, V::int(i))),
            0x04 => self.string(rest),
            0x05 => {
                let (rest, content) = self.counted(rest)?;
                Ok((rest, V::bytes(content)))
            }
            0x07 => field(rest, le_u32).map(|(rest, id)| (rest, V::reference(id))),
            _ => Err(nom::Err::Failure(
                Error::at(ErrorKind::UnknownTag, input.len()).with_byte(tag),
            )),
        }
    }

    /// A u32 length or count, checked against the limit and against the
    /// bytes left (each counted item needs at least `min_item` bytes).
    fn count<'i>(&self, at: &'i [u8], min_item: u64) -> PResult<'i, usize> {
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
    fn counted(&self, at: &'a [u8]) -> PResult<'a, &'a [u8]> {
        let (rest, len) = self.count(at, 1)?;
        field(rest, take(len))
    }

    /// `0x04`: the content must be UTF-8 (§2.5).
    fn string<V: Build<'a>>(&self, at: &'a [u8]) -> PResult<'a, V> {
        let (content_and_rest, len) = self.count(at, 1)?;
        let (rest, content) = field(content_and_rest, take(len))?;
        match crate::utf8::to_str(content) {
            Ok(text) => Ok((rest, V::str(text))),
            // The offset is that of the first bad byte in the document.
            Err(valid_up_to) => Err(fail(
                ErrorKind::InvalidUtf8,
                &content_and_rest[valid_up_to..],
            )),
        }
    }

    /// A hash key (§3): its normalised value, and whether it was written
    /// normalised.
    fn key<V: Build<'a>>(&self, input: &'a [u8]) -> PResult<'a, (V, bool)> {
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
                    Some(i) => Ok((rest, (V::int(i), false))),
                    None => Ok((rest, (V::float(value), true))),
                }
            }
            _ => self
                .scalar(input, rest, tag)
                .map(|(rest, key)| (rest, (key, true))),
        }
    }

    /// Where the entries of the table at the start of `input` are (for
    /// readers that jump to an entry without decoding the others): each
    /// value and key is checked as a walk checks it. `direct` tells
    /// whether the spans are the table itself, with no decoding: no nil
    /// in the array part, normalised keys in canonical order (§4), none of
    /// them continuing the array part. Offsets count from `input`.
    pub(crate) fn spans(&mut self, input: &'a [u8]) -> PResult<'a, TableSpans> {
        let (rest, tag) = field(input, le_u8)?;
        if tag != 0x06 {
            return Err(fail(ErrorKind::Custom, input));
        }
        let offset = |at: &[u8]| (input.len() - at.len()) as u32;
        let (mut rest, n) = self.count(rest, 1)?;
        let mut spans = TableSpans {
            array: Vec::with_capacity(n.min(rest.len())),
            hash: Vec::new(),
            len: 0,
            direct: true,
        };
        for _ in 0..n {
            spans.array.push(offset(rest));
            let (after, value) = self.value::<Walked<'a>>(rest, 1)?;
            spans.direct &= !value.is_nil();
            rest = after;
        }
        let (mut rest, m) = self.count(rest, 2)?;
        spans.hash.reserve(m.min(rest.len() / 2));
        let mut previous: Option<&'a [u8]> = None;
        for _ in 0..m {
            let key_at = rest;
            let (after_key, (key, normalised)) = self.key::<Walked<'a>>(rest)?;
            let span = &key_at[..key_at.len() - after_key.len()];
            let joins_array = key
                .as_int()
                .is_some_and(|i| (1..=n as i64 + 1).contains(&i));
            spans.direct &= normalised
                && !joins_array
                && previous.is_none_or(|p| encoded_key_order(p, span) == Ordering::Less);
            previous = Some(span);
            let (after, value) = self.value::<Walked<'a>>(after_key, 1)?;
            spans.direct &= !value.is_nil();
            spans.hash.push((offset(key_at), offset(after_key)));
            rest = after;
        }
        spans.len = offset(rest);
        Ok((rest, spans))
    }

    /// The key at `offset` of the document, read again (it was valid).
    fn key_at(&self, offset: usize) -> KeyView<'a> {
        match self.key::<Walked<'a>>(&self.doc[offset..]) {
            Ok((_, (Walked::Scalar(view), _))) => view,
            // Unreachable: keys are scalars and this one was read before.
            _ => KeyView::Bool(false),
        }
    }

    /// Room for a table about to be read that declares `n` array values.
    fn open(&mut self, n: usize) -> Option<(Sizes, Option<usize>)> {
        match &mut *self.pass {
            Pass::Optimistic(budget) => budget
                .take_all(n)
                .then_some((Sizes { array: n, hash: 0 }, None)),
            Pass::Walk(Some(sizes)) => {
                sizes.push(Sizes::default());
                Some((Sizes::default(), Some(sizes.len() - 1)))
            }
            Pass::Walk(None) => Some((Sizes::default(), None)),
            Pass::Exact { sizes, next } => {
                let found = sizes.get(*next).copied().unwrap_or_default();
                *next += 1;
                Some((found, None))
            }
        }
    }

    /// `0x06` (§2.7), with the canonical checks of §4 and duplicate keys.
    /// `input` starts at the tag, `rest` after it.
    fn table<V: Build<'a>>(
        &mut self,
        input: &'a [u8],
        rest: &'a [u8],
        depth: u32,
    ) -> PResult<'a, V> {
        if depth > self.limits.max_depth {
            return Err(fail(ErrorKind::DepthExceeded, input));
        }
        let (mut rest, n) = self.count(rest, 1)?;
        let Some((room, record)) = self.open(n) else {
            return self.restart(input);
        };
        let mut parts = V::parts(room.array, room.hash);
        let mut tally = Tally::default();
        for _ in 0..n {
            let at = rest;
            let (after, value) = self.value::<V>(rest, depth)?;
            if value.is_nil() {
                self.noncanonical(at);
                tally.hole = true;
            } else if tally.hole {
                if self.optimistic() {
                    return self.restart(at);
                }
                tally.moved += 1;
            } else {
                tally.prefix += 1;
            }
            V::push_array(&mut parts, value);
            rest = after;
        }

        let (mut rest, m) = self.count(rest, 2)?;
        if self.optimistic() {
            // A hash entry holds two values.
            let granted = match &mut *self.pass {
                Pass::Optimistic(budget) => budget.take_all(2 * m),
                _ => true,
            };
            if !granted {
                return self.restart(rest);
            }
            V::reserve_hash(&mut parts, m);
        }
        let offsets_start = self.key_offsets.len();
        let mut sorted = true;
        let mut may_extend = false;
        let mut previous_key: Option<&'a [u8]> = None;
        let mut duplicate_at: Option<usize> = None;
        for _ in 0..m {
            let key_at = rest;
            let (after_key, (key, normalised)) = self.key::<V>(rest)?;
            let span = &key_at[..key_at.len() - after_key.len()];
            // A key written other than normalised, or not after the previous
            // key in byte order, makes the hash part noncanonical (§4.2, §4.5).
            if !normalised
                || previous_key.is_some_and(|prev| encoded_key_order(prev, span) != Ordering::Less)
            {
                self.noncanonical(key_at);
                if !self.keep_offsets && self.checks_duplicates() {
                    return self.restart(key_at);
                }
                sorted = false;
            }
            previous_key = Some(span);
            let int_key = key.as_int();
            if let Some(i) = int_key {
                if (1..=n as i64).contains(&i) {
                    let at = self.offset_of(key_at);
                    duplicate_at = Some(duplicate_at.map_or(at, |d| d.min(at)));
                } else if i == n as i64 + 1 {
                    self.noncanonical(key_at);
                    if !tally.hole {
                        if self.optimistic() {
                            return self.restart(key_at);
                        }
                        may_extend = true;
                    }
                }
            }
            let value_at = after_key;
            let (after, value) = self.value::<V>(after_key, depth)?;
            if value.is_nil() {
                self.noncanonical(value_at);
            } else {
                tally.hash += 1;
                if int_key.is_some_and(|i| i > n as i64 && i - n as i64 <= m as i64) {
                    tally.extend += 1;
                }
            }
            if self.keep_offsets && self.checks_duplicates() {
                self.key_offsets.push(self.offset_of(key_at));
            }
            V::push_hash(&mut parts, key, value);
            rest = after;
        }

        if !sorted && self.checks_duplicates() {
            if let Some(at) = self.first_repeated_key(offsets_start) {
                duplicate_at = Some(duplicate_at.map_or(at, |d| d.min(at)));
            }
        }
        self.key_offsets.truncate(offsets_start);
        if let Some(at) = duplicate_at {
            let left = self.doc.len() - at;
            return Err(nom::Err::Failure(Error::at(ErrorKind::DuplicateKey, left)));
        }
        if let (Some(index), Pass::Walk(Some(sizes))) = (record, &mut *self.pass) {
            let extend = if tally.hole { 0 } else { tally.extend };
            sizes[index] = Sizes {
                array: tally.prefix + extend,
                hash: tally.moved + tally.hash,
            };
        }
        Ok((rest, V::table(parts, !sorted, may_extend)))
    }

    /// The offset of the earliest key that repeats an earlier key of the
    /// same hash part; `key_offsets[start..]` are where its keys start.
    /// Keys are read again from the input to be compared, so a table costs
    /// one offset per key, not a copy of its keys.
    fn first_repeated_key(&mut self, start: usize) -> Option<usize> {
        let mut offsets = core::mem::take(&mut self.key_offsets);
        let own = &mut offsets[start..];
        let this = &*self;
        // Unstable: the offset breaks ties, and no scratch buffer is needed.
        own.sort_unstable_by(|&a, &b| cmp_encoded(this.key_at(a), this.key_at(b)).then(a.cmp(&b)));
        let found = own
            .windows(2)
            .filter(|pair| {
                cmp_encoded(this.key_at(pair[0]), this.key_at(pair[1])) == Ordering::Equal
            })
            .map(|pair| pair[1])
            .min();
        self.key_offsets = offsets;
        found
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
