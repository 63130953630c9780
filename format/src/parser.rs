//! The parser: one function per part of the grammar in spec order (§2),
//! with the key, canonical-form and limit checks of §3–§6, reading every
//! field through the wire's [`Cursor`]. It is generic over what it builds
//! ([`Build`]): owned [`Value`]s, borrowing [`ValueRef`]s, or nothing at all
//! ([`Walked`], for `check`), so every rule is written once.
//!
//! How it reserves memory is the [`Pass`] it runs in; `parse.rs` chooses
//! the passes (see `decode_with` there for why there are three). Errors
//! carry offsets from the start of the document.

use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::budget::PreallocationBudget;
use crate::key::{cmp_encoded, encoded_key_order};
use crate::scalar::Scalar;
use crate::table_builder::TableBuilder;
use crate::value::is_noncanonical_nan;
use crate::wire::{Cursor, error_at};
use crate::{Error, ErrorKind, Limits, Tag, Value, ValueRef};

/// What the parser builds from what it reads: a value type and how a
/// table of it is put together.
pub(crate) trait Build<'a>: Sized {
    /// A table while its entries are read.
    type Parts;
    fn nil() -> Self;
    fn scalar(value: Scalar<'a>) -> Self;
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
            #[inline(always)]
            fn scalar(value: Scalar<'a>) -> Self {
                match value {
                    Scalar::Bool(b) => Self::Bool(b),
                    Scalar::Int(i) => Self::Int(i),
                    Scalar::Float(f) => Self::Float(f),
                    Scalar::Str($s) => Self::Str($str),
                    Scalar::Bytes($b) => Self::Bytes($bytes),
                    Scalar::Ref(id) => Self::Ref(id),
                }
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
    Scalar(Scalar<'a>),
}

impl<'a> Build<'a> for Walked<'a> {
    type Parts = ();
    fn nil() -> Self {
        Walked::Nil
    }
    fn scalar(value: Scalar<'a>) -> Self {
        Walked::Scalar(value)
    }
    fn is_nil(&self) -> bool {
        matches!(self, Walked::Nil)
    }
    fn as_int(&self) -> Option<i64> {
        match self {
            Walked::Scalar(scalar) => scalar.as_int(),
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

/// Where the entries of one table are (`Parser::spans`), as offsets from
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
    /// The whole document, and where the parser is in it.
    pub(crate) cur: Cursor<'a>,
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
            cur: Cursor::new(doc).max_size(limits.max_size),
            limits,
            first_noncanonical: None,
            key_offsets: Vec::new(),
            keep_offsets,
            pass,
            restarted: false,
        }
    }

    fn noncanonical(&mut self, at: usize) {
        if self.first_noncanonical.is_none() {
            self.first_noncanonical = Some(at);
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
    fn restart<T>(&mut self) -> Result<T, Error> {
        self.restarted = true;
        Err(self.cur.error(ErrorKind::Custom))
    }

    /// One value of any type (§2) at the cursor; `depth` counts the
    /// enclosing tables.
    pub(crate) fn value<V: Build<'a>>(&mut self, depth: u32) -> Result<V, Error> {
        let at = self.cur.pos();
        match self.cur.tag()? {
            Tag::Nil => Ok(V::nil()),
            Tag::Float => {
                let value = self.cur.f64()?;
                if is_noncanonical_nan(value) {
                    self.noncanonical(at);
                }
                Ok(V::scalar(Scalar::Float(value)))
            }
            Tag::Table => self.table(at, depth + 1),
            tag => Ok(V::scalar(self.cur.scalar(tag)?)),
        }
    }

    /// A hash key (§3): its normalised value, and whether it was written
    /// normalised.
    #[inline(always)]
    fn key<V: Build<'a>>(&mut self) -> Result<(V, bool), Error> {
        let (key, normalised) = self.cur.key()?;
        Ok((V::scalar(key), normalised))
    }

    /// Where the entries of the table at the cursor are (for readers that
    /// jump to an entry without decoding the others): each value and key
    /// is checked as a walk checks it. `direct` tells whether the spans are
    /// the table itself, with no decoding: no nil in the array part,
    /// normalised keys in canonical order (§4), none of them continuing the
    /// array part. Offsets count from the table's tag.
    pub(crate) fn spans(&mut self) -> Result<TableSpans, Error> {
        let start = self.cur.pos();
        if self.cur.tag()? != Tag::Table {
            return Err(error_at(ErrorKind::Custom, start));
        }
        let offset = |at: usize| (at - start) as u32;
        let n = self.cur.array_count()?;
        let left = self.cur.bytes().len() - self.cur.pos();
        let mut spans = TableSpans {
            array: Vec::with_capacity(n.min(left)),
            hash: Vec::new(),
            len: 0,
            direct: true,
        };
        for _ in 0..n {
            spans.array.push(offset(self.cur.pos()));
            let value = self.value::<Walked<'a>>(1)?;
            spans.direct &= !value.is_nil();
        }
        let m = self.cur.hash_count()?;
        let left = self.cur.bytes().len() - self.cur.pos();
        spans.hash.reserve(m.min(left / 2));
        let doc = self.cur.bytes();
        let mut previous: Option<&'a [u8]> = None;
        for _ in 0..m {
            let key_at = self.cur.pos();
            let (key, normalised) = self.key::<Walked<'a>>()?;
            let value_at = self.cur.pos();
            let span = &doc[key_at..value_at];
            let joins_array = key
                .as_int()
                .is_some_and(|i| (1..=n as i64 + 1).contains(&i));
            spans.direct &= normalised
                && !joins_array
                && previous.is_none_or(|p| encoded_key_order(p, span) == Ordering::Less);
            previous = Some(span);
            let value = self.value::<Walked<'a>>(1)?;
            spans.direct &= !value.is_nil();
            spans.hash.push((offset(key_at), offset(value_at)));
        }
        spans.len = offset(self.cur.pos());
        Ok(spans)
    }

    /// The key at `offset` of the document, read again (it was valid).
    fn key_at(&self, offset: usize) -> Scalar<'a> {
        match Cursor::at(self.cur.bytes(), offset).key() {
            Ok((key, _)) => key,
            // Unreachable: this key was read before.
            Err(_) => Scalar::Bool(false),
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

    /// `0x06` (§2.7), with the canonical checks of §4 and duplicate keys;
    /// its tag, at `at`, was read.
    fn table<V: Build<'a>>(&mut self, at: usize, depth: u32) -> Result<V, Error> {
        if depth > self.limits.max_depth {
            return Err(error_at(ErrorKind::DepthExceeded, at));
        }
        let n = self.cur.array_count()?;
        let Some((room, record)) = self.open(n) else {
            return self.restart();
        };
        let mut parts = V::parts(room.array, room.hash);
        let mut tally = Tally::default();
        for _ in 0..n {
            let at = self.cur.pos();
            let value = self.value::<V>(depth)?;
            if value.is_nil() {
                self.noncanonical(at);
                tally.hole = true;
            } else if tally.hole {
                if self.optimistic() {
                    return self.restart();
                }
                tally.moved += 1;
            } else {
                tally.prefix += 1;
            }
            V::push_array(&mut parts, value);
        }

        let m = self.cur.hash_count()?;
        if self.optimistic() {
            // A hash entry holds two values.
            let granted = match &mut *self.pass {
                Pass::Optimistic(budget) => budget.take_all(2 * m),
                _ => true,
            };
            if !granted {
                return self.restart();
            }
            V::reserve_hash(&mut parts, m);
        }
        let doc = self.cur.bytes();
        let offsets_start = self.key_offsets.len();
        let mut sorted = true;
        let mut may_extend = false;
        let mut previous_key: Option<&'a [u8]> = None;
        let mut duplicate_at: Option<usize> = None;
        for _ in 0..m {
            let key_at = self.cur.pos();
            let (key, normalised) = self.key::<V>()?;
            let value_at = self.cur.pos();
            let span = &doc[key_at..value_at];
            // A key written other than normalised, or not after the previous
            // key in byte order, makes the hash part noncanonical (§4.2, §4.5).
            if !normalised
                || previous_key.is_some_and(|prev| encoded_key_order(prev, span) != Ordering::Less)
            {
                self.noncanonical(key_at);
                if !self.keep_offsets && self.checks_duplicates() {
                    return self.restart();
                }
                sorted = false;
            }
            previous_key = Some(span);
            let int_key = key.as_int();
            if let Some(i) = int_key {
                if (1..=n as i64).contains(&i) {
                    duplicate_at = Some(duplicate_at.map_or(key_at, |d| d.min(key_at)));
                } else if i == n as i64 + 1 {
                    self.noncanonical(key_at);
                    if !tally.hole {
                        if self.optimistic() {
                            return self.restart();
                        }
                        may_extend = true;
                    }
                }
            }
            let value = self.value::<V>(depth)?;
            if value.is_nil() {
                self.noncanonical(value_at);
            } else {
                tally.hash += 1;
                if int_key.is_some_and(|i| i > n as i64 && i - n as i64 <= m as i64) {
                    tally.extend += 1;
                }
            }
            if self.keep_offsets && self.checks_duplicates() {
                self.key_offsets.push(key_at);
            }
            V::push_hash(&mut parts, key, value);
        }

        if !sorted && self.checks_duplicates() {
            if let Some(at) = self.first_repeated_key(offsets_start) {
                duplicate_at = Some(duplicate_at.map_or(at, |d| d.min(at)));
            }
        }
        self.key_offsets.truncate(offsets_start);
        if let Some(at) = duplicate_at {
            return Err(error_at(ErrorKind::DuplicateKey, at));
        }
        if let (Some(index), Pass::Walk(Some(sizes))) = (record, &mut *self.pass) {
            let extend = if tally.hole { 0 } else { tally.extend };
            sizes[index] = Sizes {
                array: tally.prefix + extend,
                hash: tally.moved + tally.hash,
            };
        }
        Ok(V::table(parts, !sorted, may_extend))
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
