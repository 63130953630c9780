//! The serde deserializer (§10): reads LXT bytes straight into any
//! `Deserialize` type, with the decoder's checks (§2–§6) and without an
//! intermediate [`Value`].
//!
//! Strings and bytes are handed to visitors borrowed from the input, so a
//! type with `&str` or `&[u8]` fields borrows them. Errors carry the spec's
//! class and the byte offset; errors raised by visitors (type mismatches,
//! missing fields) are `Custom`, located at the value they concern.

use crate::budget::PreallocationBudget;
use crate::table_builder::TableBuilder;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;

use serde::de::value::{BorrowedStrDeserializer, U32Deserializer, UnitDeserializer};
use serde::de::{self, Deserialize, DeserializeSeed, IgnoredAny, Visitor};

use crate::key::{encoded_key_order, key_rank, string_rank};
use crate::scalar::Scalar;
use crate::ser::{TABLE_REF, TableId};
use crate::utf8::{self, HIGH_BITS, short_ascii, short_content};
use crate::value::is_noncanonical_nan;
use crate::wire::{Cursor, u32_at};
use crate::{DecodeOptions, Error, ErrorKind, Limits, Result, Table, Tag, Value};

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::with_message(ErrorKind::Custom, msg)
    }
}

/// Deserializes a `T` from one LXT document, leniently and with the
/// default limits (§6). Strings and bytes are borrowed from `bytes` where
/// `T` borrows.
///
/// ```
/// use serde::Deserialize;
///
/// #[derive(Deserialize, Debug, PartialEq)]
/// struct User<'a> { name: &'a str, age: u8, email: Option<String> }
///
/// // { age = 7, name = "Ada" } as written by `to_vec`.
/// let bytes = luaxt_format::to_vec(&serde_json::json!({ "name": "Ada", "age": 7 }))?;
/// let user: User<'_> = luaxt_format::from_slice(&bytes)?;
/// assert_eq!(user, User { name: "Ada", age: 7, email: None });
///
/// // Format errors keep their class and offset.
/// let err = luaxt_format::from_slice::<User<'_>>(&bytes[..3]).unwrap_err();
/// assert_eq!((err.kind(), err.offset()), (luaxt_format::ErrorKind::Truncated, Some(1)));
/// // Type mismatches from serde are `Custom`, at the value's offset.
/// let err = luaxt_format::from_slice::<u8>(&luaxt_format::to_vec(&300)?).unwrap_err();
/// assert_eq!((err.kind(), err.offset()), (luaxt_format::ErrorKind::Custom, Some(0)));
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T> {
    from_slice_with(bytes, &DecodeOptions::new())
}

/// Deserializes a `T` from `bytes` with these options: limits, and strict
/// mode (§4.6), which rejects noncanonical input after everything else is
/// checked.
pub fn from_slice_with<'de, T: Deserialize<'de>>(
    bytes: &'de [u8],
    options: &DecodeOptions,
) -> Result<T> {
    let (limits, strict) = options.parts();
    if bytes.len() as u64 > limits.max_size {
        return Err(Error::at(ErrorKind::LengthOverflow, 0)
            .with_length(bytes.len() as u64, limits.max_size));
    }
    let mut de = Deserializer {
        cur: Cursor::new(bytes).max_size(limits.max_size),
        depth: 0,
        limits,
        first_noncanonical: None,
        strict,
        keys: Vec::new(),
        memo: Vec::new(),
        hint_budget: PreallocationBudget::new(bytes.len() / 2),
    };
    let value = T::deserialize(&mut de).map_err(|err| *err.0)?;
    if !de.cur.is_at_end() {
        return Err(de.cur.error(ErrorKind::TrailingBytes));
    }
    match de.first_noncanonical {
        Some(at) if strict => Err(Error::at(ErrorKind::Noncanonical, at)),
        _ => Ok(value),
    }
}

/// The deserializer's error: an [`Error`] behind a pointer, so that every
/// result passed between the deserializer and the visitors stays small (a
/// pointer-sized error, instead of the 48 bytes of `Error`, makes most of
/// them fit in registers). `from_slice` unwraps it.
#[derive(Debug)]
struct DeError(Box<Error>);

type DeResult<T> = core::result::Result<T, DeError>;

impl From<Error> for DeError {
    #[cold]
    #[inline(never)]
    fn from(err: Error) -> DeError {
        DeError(Box::new(err))
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl core::error::Error for DeError {}

impl de::Error for DeError {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        <Error as de::Error>::custom(msg).into()
    }
}

impl DeError {
    /// Gives the error the offset `at` when it has none.
    #[cold]
    fn locate(mut self, at: usize) -> DeError {
        if self.0.offset().is_none() {
            let err = &mut *self.0;
            *err = core::mem::replace(err, Error::new(ErrorKind::Custom)).set_offset(at);
        }
        self
    }
}

/// Gives the error of `result` (if any) the offset `at` when it has none.
#[inline(always)]
fn locate_in<T>(result: DeResult<T>, at: usize) -> DeResult<T> {
    match result {
        Ok(value) => Ok(value),
        Err(err) => Err(err.locate(at)),
    }
}

/// A hash key that was read: where it starts and ends, and the integer it
/// stands for when it was written as an integral float (§4.5).
#[derive(Debug, Clone, Copy)]
struct KeyRec {
    at: usize,
    end: usize,
    normalised_from_float: Option<i64>,
}

/// What the visitor asked for when a table comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Any,
    Seq,
    /// A sequence of a known length (tuples).
    Tuple(usize),
    Map,
}

/// The deserializer over one document. Use it through [`from_slice`].
#[derive(Debug)]
struct Deserializer<'de> {
    /// The document, and where the deserializer is in it.
    cur: Cursor<'de>,
    /// Tables open around the current position.
    depth: u32,
    limits: Limits,
    first_noncanonical: Option<usize>,
    /// Strict mode: `first_noncanonical` is an error at the end.
    strict: bool,
    /// Hash keys of the open tables, as a stack, for duplicate checks of
    /// tables whose keys came out of order.
    keys: Vec<KeyRec>,
    /// For tables with an array part whose hash count was looked up ahead
    /// (`deserialize_any`): tag offset → hash count offset, sorted.
    memo: Vec<(usize, usize)>,
    /// Items that size hints may still announce: one per two input bytes
    /// for the whole document (every value but nil takes two bytes or
    /// more, so the hints of canonical input are exact).
    hint_budget: PreallocationBudget,
}

impl<'de> Deserializer<'de> {
    /// The size hint for a table part that declares `count` more items,
    /// taken from [`Deserializer::hint_budget`].
    fn hint(&self, count: usize) -> usize {
        self.hint_budget.take(count)
    }

    #[inline]
    fn noncanonical(&mut self, at: usize) {
        if self.first_noncanonical.is_none() {
            self.first_noncanonical = Some(at);
        }
    }

    /// `0x03` payload; `at` is the tag.
    #[inline]
    fn float(&mut self, at: usize) -> DeResult<f64> {
        let value = self.cur.f64()?;
        if is_noncanonical_nan(value) {
            self.noncanonical(at);
        }
        Ok(value)
    }

    /// After a `0x06` tag at `at`: checks the depth and reads the array count.
    #[inline]
    fn open_table(&mut self, at: usize) -> DeResult<usize> {
        if self.depth >= self.limits.max_depth {
            return Err(Error::at(ErrorKind::DepthExceeded, at).into());
        }
        self.depth += 1;
        Ok(self.cur.array_count()?)
    }

    /// One hash key (§3): nil, NaN and tables are `invalid_key`; an
    /// integral float stands for its integer.
    fn hash_key(&mut self) -> DeResult<(KeyRec, Scalar<'de>)> {
        let at = self.cur.pos();
        let (scalar, normalised) = self.cur.key()?;
        let rec = KeyRec {
            at,
            end: self.cur.pos(),
            normalised_from_float: if normalised { None } else { scalar.as_int() },
        };
        Ok((rec, scalar))
    }

    /// The canonical encoding of a key that was read (§3.3).
    #[inline]
    fn key_bytes<'b>(&'b self, rec: &KeyRec, buf: &'b mut [u8; 9]) -> &'b [u8] {
        match rec.normalised_from_float {
            Some(i) => {
                buf[0] = Tag::Int as u8;
                buf[1..].copy_from_slice(&i.to_le_bytes());
                &buf[..]
            }
            None => &self.cur.bytes()[rec.at..rec.end],
        }
    }

    #[inline]
    fn cmp_keys(&self, a: &KeyRec, b: &KeyRec) -> Ordering {
        if a.normalised_from_float.is_none() && b.normalised_from_float.is_none() {
            let input = self.cur.bytes();
            return encoded_key_order(&input[a.at..a.end], &input[b.at..b.end]);
        }
        let (mut x, mut y) = ([0u8; 9], [0u8; 9]);
        encoded_key_order(self.key_bytes(a, &mut x), self.key_bytes(b, &mut y))
    }

    /// Reads past one value, with every check of the decoder except
    /// duplicate keys and canonical form. Tables with an array part are
    /// remembered in `memo`.
    fn skip(&mut self, depth: u32) -> DeResult<()> {
        let at = self.cur.pos();
        match self.cur.tag()? {
            Tag::Nil => {}
            Tag::Table => {
                if depth >= self.limits.max_depth {
                    return Err(Error::at(ErrorKind::DepthExceeded, at).into());
                }
                let n = self.cur.array_count()?;
                for _ in 0..n {
                    self.skip(depth + 1)?;
                }
                if n > 0 {
                    self.memo.push((at, self.cur.pos()));
                }
                let m = self.cur.hash_count()?;
                for _ in 0..m {
                    self.hash_key()?;
                    self.skip(depth + 1)?;
                }
            }
            tag => {
                self.cur.scalar(tag)?;
            }
        }
        Ok(())
    }

    /// Whether the table at `at`, whose array part of `n` values starts at
    /// the current position, has an empty hash part. Looks ahead (once per
    /// table, thanks to `memo`); on invalid input it answers `true`, and the
    /// real reading reports the error.
    fn hash_is_empty(&mut self, at: usize, n: usize) -> bool {
        let hash_count_at = if n == 0 {
            self.cur.pos()
        } else if let Ok(i) = self.memo.binary_search_by_key(&at, |e| e.0) {
            self.memo[i].1
        } else {
            let (saved, batch) = (self.cur.pos(), self.memo.len());
            let ok = (0..n).all(|_| self.skip(self.depth).is_ok());
            let count_at = self.cur.pos();
            self.cur.set_pos(saved);
            if !ok {
                self.memo.truncate(batch);
                return true;
            }
            self.memo.push((at, count_at));
            self.memo[batch..].sort_unstable();
            if batch > 0 && self.memo[batch - 1].0 > self.memo[batch].0 {
                self.memo.sort_unstable();
            }
            count_at
        };
        u32_at(self.cur.bytes(), hash_count_at).is_none_or(|m| m == 0)
    }

    /// Reads one value and hands it to `visitor`.
    #[inline(always)]
    fn value<V: Visitor<'de>>(&mut self, visitor: V, hint: Hint) -> DeResult<V::Value> {
        let at = self.cur.pos();
        let result = match self.cur.tag()? {
            Tag::Nil => visitor.visit_unit(),
            Tag::Bool => {
                let b = self.cur.boolean()?;
                visitor.visit_bool(b)
            }
            Tag::Int => {
                let i = self.cur.i64()?;
                visitor.visit_i64(i)
            }
            Tag::Float => {
                let f = self.float(at)?;
                visitor.visit_f64(f)
            }
            Tag::Str => {
                let s = self.cur.str()?;
                visitor.visit_borrowed_str(s)
            }
            Tag::Bytes => {
                let b = self.cur.len_prefixed()?;
                visitor.visit_borrowed_bytes(b)
            }
            Tag::Table => self.table(at, visitor, hint),
            Tag::Ref => {
                let id = self.cur.u32()?;
                visitor.visit_newtype_struct(U32Deserializer::new(id))
            }
        };
        locate_in(result, at)
    }

    /// A `0x06` table whose tag at `at` was read: a sequence or a map view.
    fn table<V: Visitor<'de>>(&mut self, at: usize, visitor: V, hint: Hint) -> DeResult<V::Value> {
        let n = self.open_table(at)?;
        let (as_seq, pad_to) = match hint {
            Hint::Seq => (true, 0),
            Hint::Tuple(len) => (true, len),
            Hint::Map => (false, 0),
            Hint::Any => (self.hash_is_empty(at, n), 0),
        };
        let result = if as_seq {
            let mut seq = SeqView::new(self, n, pad_to);
            let result = visitor.visit_seq(&mut seq);
            if result.is_ok()
                && !seq.finished()
                && de::SeqAccess::next_element::<IgnoredAny>(&mut seq)?.is_some()
            {
                return Err(Error::with_message(
                    ErrorKind::Custom,
                    "the table has more elements than the type takes",
                )
                .into());
            }
            result
        } else {
            let mut map = MapView::new(self, n);
            let result = visitor.visit_map(&mut map);
            if result.is_ok() && !map.done {
                drain(&mut map)?;
            }
            result
        };
        self.depth -= 1;
        result
    }
}

/// Reads the entries a map visitor left, so they are still checked.
fn drain(map: &mut MapView<'_, '_>) -> DeResult<()> {
    while de::MapAccess::next_key::<IgnoredAny>(map)?.is_some() {
        de::MapAccess::next_value::<IgnoredAny>(map)?;
    }
    Ok(())
}

/// A table read as a sequence: the array part, then (after a hole) the
/// hash part's integer keys in order, gaps filled with nil.
struct SeqView<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    /// Array-part elements not yet read.
    left: usize,
    n: usize,
    state: SeqState,
    /// Elements handed out after the array part (hash part, nil padding).
    given_after: usize,
    /// A tuple's length: trailing nils are not written (§10), so a table
    /// that ends early is padded with nils up to it.
    pad_to: usize,
}

enum SeqState {
    /// Reading the array part.
    Array,
    /// The hash part's entries, by key: (key, value offset).
    Holes {
        entries: Vec<(i64, usize)>,
        next: usize,
        /// The key of the element given last.
        index: i64,
        /// Offset after the table.
        end: usize,
    },
    Done,
}

impl<'a, 'de> SeqView<'a, 'de> {
    fn new(de: &'a mut Deserializer<'de>, n: usize, pad_to: usize) -> Self {
        SeqView {
            de,
            left: n,
            n,
            state: SeqState::Array,
            given_after: 0,
            pad_to,
        }
    }

    /// Elements handed out so far.
    #[inline]
    fn given(&self) -> usize {
        self.n - self.left + self.given_after
    }

    /// Whether every element was handed out.
    fn finished(&self) -> bool {
        matches!(self.state, SeqState::Done) && self.given() >= self.pad_to
    }

    /// Reads the hash part of a table read as a sequence: its keys must be
    /// integers above the array part; values are checked and located.
    fn read_hash(&mut self) -> DeResult<()> {
        let de = &mut *self.de;
        let m = de.cur.hash_count()?;
        if m == 0 {
            self.state = SeqState::Done;
            return Ok(());
        }
        let n = self.n as i64;
        let mut entries: Vec<(i64, usize, usize)> = Vec::with_capacity(de.hint(m));
        let mut previous: Option<KeyRec> = None;
        let mut duplicate_at: Option<usize> = None;
        for _ in 0..m {
            let (key, scalar) = de.hash_key()?;
            let k = match scalar {
                Scalar::Int(k) if k >= 1 => k,
                _ => {
                    return Err(Error::at(ErrorKind::Custom, key.at)
                        .with_message_of("a table with keys other than 1, 2, … is not a sequence")
                        .into());
                }
            };
            if key.normalised_from_float.is_some()
                || previous.is_some_and(|p| de.cmp_keys(&p, &key) != Ordering::Less)
            {
                de.noncanonical(key.at);
            }
            previous = Some(key);
            if k <= n {
                duplicate_at = Some(duplicate_at.map_or(key.at, |d| d.min(key.at)));
            } else if k == n + 1 {
                de.noncanonical(key.at);
            }
            let value_at = de.cur.pos();
            if de.cur.nil()? {
                de.noncanonical(value_at);
                entries.push((k, usize::MAX, key.at));
            } else {
                de.skip(de.depth)?;
                entries.push((k, value_at, key.at));
            }
        }
        let end = de.cur.pos();
        entries.sort_unstable_by_key(|&(k, _, at)| (k, at));
        for pair in entries.windows(2) {
            if pair[0].0 == pair[1].0 {
                duplicate_at = Some(duplicate_at.map_or(pair[1].2, |d| d.min(pair[1].2)));
            }
        }
        if let Some(at) = duplicate_at {
            return Err(Error::at(ErrorKind::DuplicateKey, at).into());
        }
        // Gaps become nil elements: bound them by the input length, so a
        // key like 2^40 cannot make a visitor allocate without bound.
        let mut budget = de.cur.bytes().len() as u64;
        let mut last = n;
        for &(k, value_at, key_at) in &entries {
            if value_at == usize::MAX {
                continue;
            }
            let gap = (k - last - 1) as u64;
            if gap > budget {
                return Err(Error::at(ErrorKind::LengthOverflow, key_at)
                    .with_message_of("a hole in a sequence is larger than the input")
                    .into());
            }
            budget -= gap;
            last = k;
        }
        let entries = entries
            .into_iter()
            .filter(|e| e.1 != usize::MAX)
            .map(|(k, at, _)| (k, at))
            .collect();
        self.state = SeqState::Holes {
            entries,
            next: 0,
            index: n,
            end,
        };
        Ok(())
    }
}

impl<'de> de::SeqAccess<'de> for SeqView<'_, 'de> {
    type Error = DeError;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> DeResult<Option<T::Value>> {
        if self.left > 0 {
            self.left -= 1;
            // A nil element only matters to strict mode (it is a hole).
            if self.de.strict && self.de.cur.peek_is(Tag::Nil) {
                self.de.noncanonical(self.de.cur.pos());
            }
            return seed.deserialize(&mut *self.de).map(Some);
        }
        if let SeqState::Array = self.state {
            // Most sequences have no hash part: its empty count ends them.
            let pos = self.de.cur.pos();
            if u32_at(self.de.cur.bytes(), pos) == Some(0) {
                self.de.cur.set_pos(pos + 4);
                self.state = SeqState::Done;
            } else {
                self.read_hash()?;
            }
        }
        if let SeqState::Holes {
            entries,
            next,
            index,
            end,
        } = &mut self.state
        {
            match entries.get(*next) {
                Some(&(k, value_at)) => {
                    self.given_after += 1;
                    *index += 1;
                    if *index < k {
                        return seed.deserialize(UnitDeserializer::new()).map(Some);
                    }
                    *next += 1;
                    self.de.cur.set_pos(value_at);
                    return seed.deserialize(&mut *self.de).map(Some);
                }
                None => {
                    self.de.cur.set_pos(*end);
                    self.state = SeqState::Done;
                }
            }
        }
        if self.given() < self.pad_to {
            self.given_after += 1;
            return seed.deserialize(UnitDeserializer::new()).map(Some);
        }
        Ok(None)
    }

    fn size_hint(&self) -> Option<usize> {
        match &self.state {
            SeqState::Array => Some(self.de.hint(self.left)),
            _ => None,
        }
    }
}

/// A table read as a map: array-part entries with keys 1..n (nil ones left
/// out), then the hash part, with duplicate and canonical-order checks.
struct MapView<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    n: usize,
    i: usize,
    m: usize,
    j: usize,
    hash_started: bool,
    /// The hash part is being read and its keys came in order so far: the
    /// next key can take [`MapView::fast_str_key`].
    fast: bool,
    /// Offset of the first hash key.
    hash_start: usize,
    /// Whether the last entry was read (and the table checked).
    done: bool,
    key_base: usize,
    /// The previous hash key: where it starts ([`NO_KEY`] before the first)
    /// and ends, its [`key_rank`] (0 before the first), and its integer when
    /// it was a normalised float.
    previous_at: usize,
    previous_end: usize,
    previous_rank: u128,
    previous_normalised: Option<i64>,
    sorted: bool,
    /// Whether this table's keys are being kept in `Deserializer::keys`.
    keys_kept: bool,
    duplicate_at: Option<usize>,
}

/// Up to this many keys, a key that arrives out of order is compared with
/// every earlier key at once (so a struct sees no duplicate field); larger
/// tables are checked with a sort at their end.
const LINEAR_CHECK: usize = 32;

/// No previous key.
const NO_KEY: usize = usize::MAX;

impl<'a, 'de> MapView<'a, 'de> {
    fn new(de: &'a mut Deserializer<'de>, n: usize) -> Self {
        let key_base = de.keys.len();
        MapView {
            de,
            n,
            i: 0,
            m: 0,
            j: 0,
            hash_started: false,
            fast: false,
            hash_start: 0,
            done: false,
            key_base,
            previous_at: NO_KEY,
            previous_end: 0,
            previous_rank: 0,
            previous_normalised: None,
            sorted: true,
            keys_kept: false,
            duplicate_at: None,
        }
    }

    /// The previous hash key, if any.
    #[inline]
    fn previous(&self) -> Option<KeyRec> {
        (self.previous_at != NO_KEY).then_some(KeyRec {
            at: self.previous_at,
            end: self.previous_end,
            normalised_from_float: self.previous_normalised,
        })
    }

    fn duplicate(&mut self, at: usize) {
        self.duplicate_at = Some(self.duplicate_at.map_or(at, |d| d.min(at)));
    }

    /// After the last entry: the full duplicate check if keys came out of
    /// order, then the table is done.
    #[inline]
    fn finish(&mut self) -> DeResult<()> {
        if !self.sorted {
            self.check_unsorted();
        }
        self.de.keys.truncate(self.key_base);
        self.j = self.m;
        match self.duplicate_at {
            Some(at) => Err(Error::at(ErrorKind::DuplicateKey, at).into()),
            None => Ok(()),
        }
    }

    /// Reads the hash count, after the array part.
    #[inline]
    fn start_hash(&mut self) -> DeResult<()> {
        self.m = self.de.cur.hash_count()?;
        self.hash_started = true;
        self.fast = self.sorted;
        self.hash_start = self.de.cur.pos();
        Ok(())
    }

    /// The duplicate check of a table whose keys came out of order.
    fn check_unsorted(&mut self) {
        let de = &mut *self.de;
        {
            let mut keys = core::mem::take(&mut de.keys);
            let own = &mut keys[self.key_base..];
            // Unstable: the offset breaks ties, and no scratch buffer is needed.
            own.sort_unstable_by(|a, b| de.cmp_keys(a, b).then(a.at.cmp(&b.at)));
            let mut first = None;
            for pair in own.windows(2) {
                if de.cmp_keys(&pair[0], &pair[1]) == Ordering::Equal {
                    first = Some(first.map_or(pair[1].at, |d: usize| d.min(pair[1].at)));
                }
            }
            de.keys = keys;
            if let Some(at) = first {
                self.duplicate(at);
            }
        }
    }
}

impl<'de> de::MapAccess<'de> for MapView<'_, 'de> {
    type Error = DeError;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> DeResult<Option<K::Value>> {
        // The hash count is read when the first key is asked for (a visitor
        // that refuses maps reports its error first).
        if !self.fast && !self.hash_started && self.i >= self.n {
            self.start_hash()?;
        }
        if self.fast {
            if self.j < self.m {
                if let Some((at, len, rank, text)) = self.fast_str_key() {
                    let end = at + 5 + len;
                    self.j += 1;
                    self.de.cur.set_pos(end);
                    self.previous_at = at;
                    self.previous_end = end;
                    self.previous_rank = rank;
                    return seed.deserialize(StrKey(text)).map(Some);
                }
            } else if !self.done {
                self.finish()?;
                self.done = true;
                return Ok(None);
            }
        }
        self.next_key_slow(seed)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> DeResult<V::Value> {
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        if self.hash_started {
            Some(self.de.hint(self.m - self.j))
        } else {
            // The array part's entries come first (nil ones left out).
            Some(self.de.hint(self.n - self.i))
        }
    }
}

impl<'de> MapView<'_, 'de> {
    /// The common case of a hash key, without side effects: a string key,
    /// valid UTF-8, above the previous key (which is not a normalised
    /// float), followed by a value other than nil. `None` leaves everything
    /// else (including every error) to the general path, which reads the key
    /// again.
    /// Returns where the key starts, its content length, its [`key_rank`]
    /// and its text.
    #[inline(always)]
    fn fast_str_key(&self) -> Option<(usize, usize, u128, &'de str)> {
        let input = self.de.cur.bytes();
        let at = self.de.cur.pos();
        let len = self.de.cur.peek_length(Tag::Str)?;
        let start = at + 5;
        // `>=`: the value's tag must follow. The size limit needs no check:
        // the whole document is within it.
        if len >= input.len() - start {
            return None;
        }
        let end = start + len;
        // SAFETY: `len < input.len() - start`, so `end < input.len()`.
        let content = unsafe { input.get_unchecked(start..end) };
        let (rank, text) = match input.get(start..).and_then(|rest| rest.first_chunk::<8>()) {
            Some(word) if len <= 8 => {
                // One load serves the UTF-8 check (ASCII) and the order.
                let word = short_content(*word, len);
                if word & HIGH_BITS != 0 {
                    return None;
                }
                // SAFETY: ASCII bytes are valid UTF-8.
                let text = unsafe { core::str::from_utf8_unchecked(content) };
                (string_rank(len, word), text)
            }
            _ => {
                let text = if short_ascii(input, start, len) {
                    // SAFETY: ASCII bytes are valid UTF-8.
                    unsafe { core::str::from_utf8_unchecked(content) }
                } else {
                    utf8::to_str(content).ok()?
                };
                (key_rank(&input[at..end]), text)
            }
        };
        // While keys come in order no key was a normalised float: that
        // clears `fast`.
        let after = if rank == self.previous_rank && len > 8 {
            encoded_key_order(&input[self.previous_at..self.previous_end], &input[at..end])
                == Ordering::Less
        } else {
            rank > self.previous_rank
        };
        // SAFETY: as above, `end < input.len()`.
        if !after || unsafe { *input.get_unchecked(end) } == Tag::Nil as u8 {
            return None;
        }
        Some((at, len, rank, text))
    }

    /// Any key: the array part, the hash count, keys of every type, keys
    /// out of order, duplicates and nil values.
    fn next_key_slow<K: DeserializeSeed<'de>>(&mut self, seed: K) -> DeResult<Option<K::Value>> {
        loop {
            if self.i < self.n {
                self.i += 1;
                let at = self.de.cur.pos();
                if self.de.cur.nil()? {
                    self.de.noncanonical(at);
                    continue;
                }
                return seed
                    .deserialize(KeyDeserializer(Scalar::Int(self.i as i64)))
                    .map(Some);
            }
            if !self.hash_started {
                self.start_hash()?;
            }
            if self.j >= self.m {
                if !self.done {
                    self.finish()?;
                    self.done = true;
                }
                return Ok(None);
            }
            self.j += 1;
            let previous = self.previous();
            let de = &mut *self.de;
            let (key, scalar) = de.hash_key()?;
            let mut duplicate = false;
            if key.normalised_from_float.is_some() {
                de.noncanonical(key.at);
                self.sorted = false;
                self.fast = false;
            }
            if let Some(previous) = &previous {
                match de.cmp_keys(previous, &key) {
                    Ordering::Less => {}
                    Ordering::Equal => duplicate = true,
                    Ordering::Greater => {
                        de.noncanonical(key.at);
                        self.sorted = false;
                        self.fast = false;
                    }
                }
            }
            if !self.sorted && !self.keys_kept {
                // Keys are kept only once the table is out of order: gather
                // the earlier ones now (their values were checked already).
                self.keys_kept = true;
                let resume = de.cur.pos();
                let memo_len = de.memo.len();
                de.cur.set_pos(self.hash_start);
                while de.cur.pos() < key.at {
                    let (earlier, _) = de.hash_key()?;
                    de.keys.push(earlier);
                    de.skip(de.depth)?;
                }
                if de.memo.len() != memo_len {
                    de.memo.sort_unstable();
                }
                de.cur.set_pos(resume);
            }
            if !self.sorted && !duplicate {
                let earlier = &de.keys[self.key_base..];
                if earlier.len() <= LINEAR_CHECK {
                    duplicate = earlier
                        .iter()
                        .any(|e| de.cmp_keys(e, &key) == Ordering::Equal);
                }
            }
            if let Scalar::Int(k) = scalar {
                if k >= 1 && k <= self.n as i64 {
                    duplicate = true;
                } else if k == self.n as i64 + 1 {
                    de.noncanonical(key.at);
                }
            }
            if self.keys_kept {
                de.keys.push(key);
            }
            self.previous_at = key.at;
            self.previous_end = key.end;
            self.previous_rank = key_rank(&de.cur.bytes()[key.at..key.end]);
            self.previous_normalised = key.normalised_from_float;
            let value_at = de.cur.pos();
            if duplicate {
                self.duplicate_at = Some(self.duplicate_at.map_or(key.at, |d| d.min(key.at)));
            }
            if de.cur.nil()? {
                de.noncanonical(value_at);
                continue;
            }
            if duplicate {
                IgnoredAny::deserialize(&mut *self.de)?;
                continue;
            }
            return seed.deserialize(KeyDeserializer(scalar)).map(Some);
        }
    }
}

impl Error {
    fn with_message_of(self, message: &str) -> Error {
        let offset = self.offset();
        let err = Error::with_message(self.kind(), message);
        match offset {
            Some(at) => err.set_offset(at),
            None => err,
        }
    }
}

macro_rules! forward_hint {
    ($($method:ident($($arg:ident: $ty:ty),*) => $hint:expr;)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> DeResult<V::Value> {
                $(let _ = &$arg;)*
                self.value(visitor, $hint)
            }
        )*
    };
}

/// Integer methods: an `0x02` value goes straight to `visit_i64`, anything
/// else through [`Deserializer::value`].
macro_rules! expect_int {
    ($($method:ident)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
                let at = self.cur.pos();
                if let Some(i) = self.cur.next_int() {
                    return locate_in(visitor.visit_i64(i), at);
                }
                self.value_elsewhere(visitor, Hint::Any)
            }
        )*
    };
}

/// Float methods: an `0x03` value goes straight to `visit_f64`.
macro_rules! expect_float {
    ($($method:ident)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
                let at = self.cur.pos();
                if let Some(value) = self.cur.next_float() {
                    if is_noncanonical_nan(value) {
                        self.noncanonical(at);
                    }
                    return locate_in(visitor.visit_f64(value), at);
                }
                self.value_elsewhere(visitor, Hint::Any)
            }
        )*
    };
}

/// String methods: an `0x04` value goes straight to `visit_borrowed_str`.
macro_rules! expect_str {
    ($($method:ident)*) => {
        $(
            #[inline]
            fn $method<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
                let at = self.cur.pos();
                if self.cur.take_tag(Tag::Str) {
                    let text = self.cur.str()?;
                    return locate_in(visitor.visit_borrowed_str(text), at);
                }
                self.value_elsewhere(visitor, Hint::Any)
            }
        )*
    };
}

impl<'de> Deserializer<'de> {
    /// [`Deserializer::value`], not inlined: the fallback of the fast
    /// paths, which stay small enough to inline into the visitors.
    #[inline(never)]
    fn value_elsewhere<V: Visitor<'de>>(&mut self, visitor: V, hint: Hint) -> DeResult<V::Value> {
        self.value(visitor, hint)
    }

    /// Methods that expect a table: an `0x06` value goes straight to
    /// [`Deserializer::table`].
    #[inline(always)]
    fn expect_table<V: Visitor<'de>>(&mut self, visitor: V, hint: Hint) -> DeResult<V::Value> {
        let at = self.cur.pos();
        if self.cur.take_tag(Tag::Table) {
            return locate_in(self.table(at, visitor, hint), at);
        }
        self.value_elsewhere(visitor, hint)
    }
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = DeError;

    forward_hint! {
        deserialize_any() => Hint::Any;
        deserialize_char() => Hint::Any;
        deserialize_bytes() => Hint::Any;
        deserialize_byte_buf() => Hint::Any;
        deserialize_unit() => Hint::Any;
        deserialize_unit_struct(_name: &'static str) => Hint::Any;
        deserialize_tuple(len: usize) => Hint::Tuple(len);
        deserialize_tuple_struct(_name: &'static str, len: usize) => Hint::Tuple(len);
        deserialize_ignored_any() => Hint::Map;
    }

    expect_int! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    expect_float! { deserialize_f32 deserialize_f64 }

    expect_str! { deserialize_str deserialize_string deserialize_identifier }

    #[inline]
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        let at = self.cur.pos();
        if let Some(b) = self.cur.next_bool() {
            return locate_in(visitor.visit_bool(b), at);
        }
        self.value_elsewhere(visitor, Hint::Any)
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.expect_table(visitor, Hint::Seq)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        self.expect_table(visitor, Hint::Map)
    }

    #[inline]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        self.expect_table(visitor, Hint::Map)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        if self.cur.nil()? {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> DeResult<V::Value> {
        if name == TABLE_REF {
            self.value(visitor, Hint::Any)
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        let at = self.cur.pos();
        if self.cur.take_tag(Tag::Str) {
            let name = self.cur.str()?;
            return visitor
                .visit_enum(BorrowedStrDeserializer::new(name))
                .map_err(|e| DeError::locate(e, at));
        }
        if !self.cur.take_tag(Tag::Table) {
            return self.value(visitor, Hint::Any);
        }
        let n = self.open_table(at)?;
        let m = if n == 0 { self.cur.hash_count()? } else { 0 };
        if n != 0 || m != 1 {
            return Err(Error::at(ErrorKind::Custom, at)
                .with_message_of(
                    "an enum is a string or a table with one entry {Variant = content}",
                )
                .into());
        }
        let (_, variant) = self.hash_key()?;
        let value = visitor
            .visit_enum(VariantView { de: self, variant })
            .map_err(|e| DeError::locate(e, at))?;
        self.depth -= 1;
        Ok(value)
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// The content of an enum's one-entry table.
struct VariantView<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    variant: Scalar<'de>,
}

impl<'de> de::EnumAccess<'de> for VariantView<'_, 'de> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> DeResult<(V::Value, Self)> {
        let value = seed.deserialize(KeyDeserializer(self.variant))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for VariantView<'_, 'de> {
    type Error = DeError;

    fn unit_variant(self) -> DeResult<()> {
        <()>::deserialize(&mut *self.de)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> DeResult<T::Value> {
        seed.deserialize(&mut *self.de)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> DeResult<V::Value> {
        self.de.value(visitor, Hint::Tuple(len))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        self.de.value(visitor, Hint::Map)
    }
}

/// A string key (already read and checked) for a visitor: what
/// `KeyDeserializer(Scalar::Str(..))` does, without the match.
struct StrKey<'de>(&'de str);

impl<'de> de::Deserializer<'de> for StrKey<'de> {
    type Error = DeError;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_borrowed_str(self.0)
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> DeResult<V::Value> {
        if name == TABLE_REF {
            self.deserialize_any(visitor)
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        visitor.visit_enum(BorrowedStrDeserializer::new(self.0))
    }

    fn is_human_readable(&self) -> bool {
        false
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// Hands a key (already read and checked) to a visitor.
struct KeyDeserializer<'de>(Scalar<'de>);

impl<'de> de::Deserializer<'de> for KeyDeserializer<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        match self.0 {
            Scalar::Bool(b) => visitor.visit_bool(b),
            Scalar::Int(i) => visitor.visit_i64(i),
            Scalar::Float(f) => visitor.visit_f64(f),
            Scalar::Str(s) => visitor.visit_borrowed_str(s),
            Scalar::Bytes(b) => visitor.visit_borrowed_bytes(b),
            Scalar::Ref(id) => visitor.visit_newtype_struct(U32Deserializer::new(id)),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        match self.0 {
            Scalar::Int(i) if i >= 0 => visitor.visit_u64(i as u64),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> DeResult<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> DeResult<V::Value> {
        if name == TABLE_REF {
            self.deserialize_any(visitor)
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> DeResult<V::Value> {
        match self.0 {
            Scalar::Str(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn is_human_readable(&self) -> bool {
        false
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an LXT value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Int)
            .map_err(|_| E::custom(format_args!("integer {v} is outside the i64 range")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.into()))
    }
    fn visit_string<E: de::Error>(self, v: alloc::string::String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        u32::deserialize(d).map(Value::Ref)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut table = TableBuilder::with_capacity(cautious::<Value>(seq.size_hint()), 0);
        while let Some(item) = seq.next_element()? {
            table.push_array(item);
        }
        Ok(Value::Table(table.finish()))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        // Entries 1, 2, … (a table's array part, in this deserializer) go
        // to the array part as they come; the rest are put in order at the
        // end, in place.
        let mut array = Vec::with_capacity(cautious::<Value>(map.size_hint()));
        let mut entries: Vec<(Value, Value)> = Vec::new();
        while let Some(key) = map.next_key::<Value>()? {
            let value: Value = map.next_value()?;
            let next = array.len() as i64 + 1;
            if entries.is_empty() && !value.is_nil() && key.as_i64() == Some(next) {
                array.push(value);
                continue;
            }
            if entries.capacity() == 0 {
                // The run 1, 2, … ends here: give back the rest of the room
                // reserved for it. A key other than an integer starts a hash
                // part, whose remaining size the hint gives; after a hole,
                // entries grow as they come.
                array.shrink_to_fit();
                if !matches!(key, Value::Int(_)) {
                    entries.reserve_exact(cautious::<(Value, Value)>(map.size_hint()) + 1);
                }
            }
            entries.push((key, value));
        }
        Table::from_array_and_entries(array, entries)
            .map(Value::Table)
            .map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct TableIdVisitor;

impl<'de> Visitor<'de> for TableIdVisitor {
    type Value = TableId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table reference (0x07)")
    }

    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<TableId, D::Error> {
        u32::deserialize(d).map(TableId)
    }
}

impl<'de> Deserialize<'de> for TableId {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<TableId, D::Error> {
        deserializer.deserialize_newtype_struct(TABLE_REF, TableIdVisitor)
    }
}

/// How many `T`s to reserve for a size hint, which may come from any
/// `Deserializer` (and announce anything): serde's own rule for `Vec`, at
/// most 1 MiB up front; larger tables grow as items arrive. (This crate's
/// deserializer hints no more items than its input can fill.)
fn cautious<T>(hint: Option<usize>) -> usize {
    const MAX_PREALLOCATION: usize = 1 << 20;
    hint.unwrap_or(0)
        .min(MAX_PREALLOCATION / core::mem::size_of::<T>().max(1))
}
