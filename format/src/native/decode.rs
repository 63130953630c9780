//! [`Decode`]: the fast path of serde's own reading for types that derive
//! both. A derived impl reads a document laid out exactly as the encoders
//! write the type (canonical, §4, every key where the derive expects it);
//! at anything else it gives up, and [`from_slice`] decodes the whole
//! document again with serde's [`from_slice_with`](crate::from_slice_with).
//! So every answer, each error with its class and offset, strict mode and
//! every limit are serde's; the fast path only has to agree with it on the
//! documents it accepts (the tests compare the two).

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use serde::Deserialize;

use crate::budget::PreallocationBudget;
use crate::key::cmp_encoded;
use crate::scalar::Scalar;
use crate::value::is_noncanonical_nan;
use crate::wire::Cursor;
use crate::{DecodeOptions, Limits, Result, Tag, Value};

/// A type with a fast path for reading canonical LXT, used by
/// [`from_slice`] before serde. Derive it with
/// `#[derive(luaxt_derive::Decode)]` next to `Deserialize`.
pub trait Decode<'de>: Sized {
    /// Reads one value at `r`, or `None` for anything the fast path does
    /// not take (the caller then decodes the document with serde, which
    /// has the last word: `None` is never a verdict on the input).
    fn decode(r: &mut Reader<'de>) -> Option<Self>;

    /// The value of a struct field of this type that the table lacks:
    /// `None` (serde's "missing field" error) but for `Option`, which is
    /// `None` then.
    #[inline]
    fn missing() -> Option<Self> {
        None
    }
}

/// Decodes a `T` from one LXT document, leniently and with the default
/// limits, as [`from_slice`](crate::from_slice) does (same values, same
/// errors), through `T`'s [`Decode`] fast path when the document is
/// canonical.
///
/// ```
/// use luaxt_format::{ErrorKind, native};
///
/// let bytes = native::to_vec(&("Ada", 7u8, vec![Some(true)]))?;
/// let (name, age, flags): (&str, u8, Vec<Option<bool>>) = native::from_slice(&bytes)?;
/// assert_eq!((name, age, flags), ("Ada", 7, vec![Some(true)]));
/// // Errors are serde's, class and offset.
/// let err = native::from_slice::<(&str, u8)>(&bytes[..3]).unwrap_err();
/// assert_eq!((err.kind(), err.offset()), (ErrorKind::Truncated, Some(1)));
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn from_slice<'de, T: Decode<'de> + Deserialize<'de>>(bytes: &'de [u8]) -> Result<T> {
    from_slice_with(bytes, &DecodeOptions::new())
}

/// [`from_slice`] with these options (limits, strict mode), as
/// [`from_slice_with`](crate::from_slice_with) takes them.
pub fn from_slice_with<'de, T: Decode<'de> + Deserialize<'de>>(
    bytes: &'de [u8],
    options: &DecodeOptions,
) -> Result<T> {
    let (limits, _) = options.parts();
    // What the fast path takes is canonical, so strict mode changes
    // nothing for it; a document over `max_size` is serde's to refuse.
    if bytes.len() as u64 <= limits.max_size {
        let mut r = Reader::with_max_depth(bytes, limits.max_depth);
        if let Some(value) = T::decode(&mut r)
            && r.cur.is_at_end()
        {
            return Ok(value);
        }
    }
    crate::from_slice_with(bytes, options)
}

/// A position in a document for [`Decode`] impls, with the nesting depth
/// and the room left for preallocation (the same budget as serde's).
///
/// The scalar reads (`int`, `float`, `bool`, `str`, `bytes`, `nil`) leave the
/// cursor where it was when they answer `None`, so an impl may try another
/// (`f64` takes an integer too); after any other `None` it gives up.
#[derive(Debug)]
pub struct Reader<'de> {
    cur: Cursor<'de>,
    depth: u32,
    max_depth: u32,
    budget: PreallocationBudget,
}

impl<'de> Reader<'de> {
    /// A reader at the start of `bytes`, with the default depth limit: for
    /// calling a [`Decode`] impl directly, which is the fast path alone,
    /// with no serde behind it (`None` for a document it does not take).
    /// The whole document's size is the caller's to check.
    ///
    /// ```
    /// use luaxt_format::{Decode, native};
    /// let bytes = native::to_vec(&(1u8, "a"))?;
    /// let mut r = native::Reader::new(&bytes);
    /// assert_eq!(<(u8, &str)>::decode(&mut r), Some((1, "a")));
    /// # Ok::<(), luaxt_format::Error>(())
    /// ```
    pub fn new(bytes: &'de [u8]) -> Self {
        Reader::with_max_depth(bytes, Limits::DEFAULT.max_depth)
    }

    fn with_max_depth(bytes: &'de [u8], max_depth: u32) -> Self {
        Reader {
            cur: Cursor::new(bytes),
            depth: 0,
            max_depth,
            budget: PreallocationBudget::new(bytes.len() / 2),
        }
    }

    /// An integer (`0x02`).
    #[inline]
    pub fn int(&mut self) -> Option<i64> {
        self.cur.next_int()
    }

    /// A float (`0x03`); a NaN other than the canonical one is not taken
    /// (and the cursor stays before it, as for every scalar read).
    #[inline]
    pub fn float(&mut self) -> Option<f64> {
        let at = self.cur.pos();
        let value = self.cur.next_float()?;
        if is_noncanonical_nan(value) {
            self.cur.set_pos(at);
            return None;
        }
        Some(value)
    }

    /// A boolean (`0x01`).
    #[inline]
    pub fn bool(&mut self) -> Option<bool> {
        self.cur.next_bool()
    }

    /// A string (`0x04`), through the one UTF-8 check.
    #[inline]
    pub fn str(&mut self) -> Option<&'de str> {
        let at = self.cur.pos();
        if !self.cur.take_tag(Tag::Str) {
            return None;
        }
        let text = self.cur.str().ok();
        if text.is_none() {
            self.cur.set_pos(at);
        }
        text
    }

    /// A bytes value (`0x05`).
    #[inline]
    pub fn bytes(&mut self) -> Option<&'de [u8]> {
        let at = self.cur.pos();
        if !self.cur.take_tag(Tag::Bytes) {
            return None;
        }
        let bytes = self.cur.len_prefixed().ok();
        if bytes.is_none() {
            self.cur.set_pos(at);
        }
        bytes
    }

    /// Whether a string comes next (an enum's unit variant, for derived
    /// impls).
    #[doc(hidden)]
    #[inline]
    pub fn at_str(&self) -> bool {
        self.cur.peek_is(Tag::Str)
    }

    /// Nil (`0x00`).
    #[inline]
    pub fn nil(&mut self) -> bool {
        self.cur.take_tag(Tag::Nil)
    }

    /// A value inside a table: never nil in a canonical table (§4.1).
    #[inline]
    pub fn item<T: Decode<'de>>(&mut self) -> Option<T> {
        if self.cur.peek_is(Tag::Nil) {
            return None;
        }
        T::decode(self)
    }

    /// Opens a table whose array part is all there is: its count, and room
    /// for that many items as far as the budget allows. Close it with
    /// [`Reader::end_array`] after the items.
    #[inline]
    pub fn begin_array(&mut self) -> Option<(usize, usize)> {
        self.open_table()?;
        let n = self.cur.array_count().ok()?;
        Some((n, self.budget.take(n)))
    }

    /// Closes a table opened by [`Reader::begin_array`]: its hash part must
    /// be empty.
    #[inline]
    pub fn end_array(&mut self) -> Option<()> {
        self.depth -= 1;
        (self.cur.hash_count().ok()? == 0).then_some(())
    }

    /// Opens a table with no array part: the number of its hash entries.
    /// For derived impls, which close it with [`Reader::end_fields`].
    #[doc(hidden)]
    #[inline]
    pub fn begin_fields(&mut self) -> Option<usize> {
        self.open_table()?;
        if self.cur.array_count().ok()? != 0 {
            return None;
        }
        self.cur.hash_count().ok()
    }

    /// Whether the next key is `key` (an encoded string key, as the derive
    /// writes it), stepping past it if so. For derived impls, which try
    /// the keys in canonical order (§4.2), so keys taken are in order.
    #[doc(hidden)]
    #[inline(always)]
    pub fn field_key(&mut self, key: &'static [u8]) -> bool {
        let pos = self.cur.pos();
        let found = self.cur.bytes().get(pos..pos + key.len()) == Some(key);
        if found {
            self.cur.set_pos(pos + key.len());
        }
        found
    }

    /// Closes a table opened by [`Reader::begin_fields`].
    #[doc(hidden)]
    #[inline]
    pub fn end_fields(&mut self) {
        self.depth -= 1;
    }

    /// Any one value, as [`DecodeOptions::decode`] reads it in strict
    /// mode with the depth left: so only its canonical encoding (§4), and
    /// nil too (a whole document may be nil; in a table, [`Reader::item`]
    /// has refused it before).
    pub fn value(&mut self) -> Option<Value> {
        let at = self.cur.pos();
        let rest = &self.cur.bytes()[at..];
        // The document's size was checked before the fast path began, and
        // a declared length is still checked against the bytes left.
        let limits = Limits::unbounded_size(self.max_depth - self.depth);
        let options = DecodeOptions::new().strict(true).limits(limits);
        let len = options.value_len(rest).ok()?;
        let value = options.decode(&rest[..len]).ok()?;
        self.cur.set_pos(at + len);
        Some(value)
    }

    #[inline]
    fn open_table(&mut self) -> Option<()> {
        if self.depth >= self.max_depth || !self.cur.take_tag(Tag::Table) {
            return None;
        }
        self.depth += 1;
        Some(())
    }
}

macro_rules! ints {
    ($($t:ty)*) => {$(
        impl<'de> Decode<'de> for $t {
            #[inline]
            fn decode(r: &mut Reader<'de>) -> Option<Self> {
                <$t>::try_from(r.int()?).ok()
            }
        }
    )*};
}
ints!(i8 i16 i32 i64 u8 u16 u32 u64 usize isize i128 u128);

impl<'de> Decode<'de> for bool {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        r.bool()
    }
}

impl<'de> Decode<'de> for f64 {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        // serde's f64 takes an integer too, converted as `as` does.
        match r.float() {
            Some(value) => Some(value),
            None => r.int().map(|i| i as f64),
        }
    }
}

impl<'de> Decode<'de> for f32 {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        // serde's f32: the nearest f32 (`as`). A NaN's sign is serde's
        // business (it depends on its features).
        match r.float() {
            Some(value) if value.is_nan() => None,
            Some(value) => Some(value as f32),
            None => r.int().map(|i| i as f32),
        }
    }
}

impl<'de> Decode<'de> for char {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        let mut chars = r.str()?.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a> Decode<'de> for &'a str {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        r.str()
    }
}

impl<'de> Decode<'de> for String {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        r.str().map(ToOwned::to_owned)
    }
}

impl<'de> Decode<'de> for Value {
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        r.value()
    }
}

#[cfg(feature = "serde_bytes")]
impl<'de: 'a, 'a> Decode<'de> for &'a serde_bytes::Bytes {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        r.bytes().map(serde_bytes::Bytes::new)
    }
}

#[cfg(feature = "serde_bytes")]
impl<'de> Decode<'de> for serde_bytes::ByteBuf {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        r.bytes()
            .map(|bytes| serde_bytes::ByteBuf::from(bytes.to_vec()))
    }
}

#[cfg(feature = "serde_bytes")]
impl<'de, const N: usize> Decode<'de> for serde_bytes::ByteArray<N> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        // Another length is serde's to report.
        let bytes: [u8; N] = r.bytes()?.try_into().ok()?;
        Some(serde_bytes::ByteArray::new(bytes))
    }
}

impl<'de> Decode<'de> for () {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        r.nil().then_some(())
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Option<T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        if r.nil() {
            return Some(None);
        }
        T::decode(r).map(Some)
    }
    #[inline]
    fn missing() -> Option<Self> {
        Some(None)
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Box<T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        T::decode(r).map(Box::new)
    }
}

impl<'de, T: Decode<'de>> Decode<'de> for Vec<T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        let (n, room) = r.begin_array()?;
        let mut items = Vec::with_capacity(room);
        for _ in 0..n {
            items.push(r.item()?);
        }
        r.end_array()?;
        Some(items)
    }
}

/// Collections serde reads as a sequence, built from its items as serde
/// builds them (a set keeps one of equal items).
macro_rules! collected_seqs {
    ($($(#[$cfg:meta])* [$($bound:tt)*] $ty:ty;)*) => {$(
        $(#[$cfg])*
        impl<'de, T: Decode<'de> $($bound)*> Decode<'de> for $ty {
            #[inline]
            fn decode(r: &mut Reader<'de>) -> Option<Self> {
                Vec::<T>::decode(r).map(|items| items.into_iter().collect())
            }
        }
    )*};
}
collected_seqs! {
    [] Box<[T]>;
    [] alloc::collections::VecDeque<T>;
    [+ Ord] alloc::collections::BTreeSet<T>;
    #[cfg(feature = "std")]
    [+ Eq + core::hash::Hash, S: core::hash::BuildHasher + Default] std::collections::HashSet<T, S>;
}

impl<'de, T: Decode<'de>, const N: usize> Decode<'de> for [T; N] {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        // A sequence of exactly N values.
        Vec::<T>::decode(r)?.try_into().ok()
    }
}

macro_rules! tuples {
    ($($len:literal => ($($t:ident)*))*) => {$(
        impl<'de, $($t: Decode<'de>),*> Decode<'de> for ($($t,)*) {
            #[inline]
            fn decode(r: &mut Reader<'de>) -> Option<Self> {
                let (n, _) = r.begin_array()?;
                if n != $len {
                    return None;
                }
                let tuple = ($(r.item::<$t>()?,)*);
                r.end_array()?;
                Some(tuple)
            }
        }
    )*};
}
tuples! {
    1 => (A)
    2 => (A B)
    3 => (A B C)
    4 => (A B C D)
    5 => (A B C D E)
    6 => (A B C D E F)
    7 => (A B C D E F G)
    8 => (A B C D E F G H)
}

/// A key of the maps [`Decode`] is implemented for (`BTreeMap`,
/// `HashMap`): a string, or an integer (the keys `1..n` of the table's
/// array part among them, §4.1). Other maps are serde's to read.
pub trait DecodeMapKey<'de>: Sized {
    /// Reads a table of these keys into a map made by `make` with the room
    /// the budget grants, filled by `insert`. For the map impls.
    #[doc(hidden)]
    fn decode_map<V: Decode<'de>, M>(
        r: &mut Reader<'de>,
        make: impl FnOnce(usize) -> M,
        insert: impl FnMut(&mut M, Self, V),
    ) -> Option<M>;
}

/// `DecodeMapKey` for each type, by `$read` (`decode_str_map` or
/// `decode_int_map`) and a conversion of its key that may decline.
macro_rules! map_keys {
    ($read:ident, |$key:ident| $convert:expr; $($t:ty),*) => {$(
        // The conversion is the identity for `&str` and `i64`.
        #[allow(clippy::useless_conversion)]
        impl<'de: 'a, 'a> DecodeMapKey<'de> for $t {
            #[inline]
            fn decode_map<V: Decode<'de>, M>(
                r: &mut Reader<'de>,
                make: impl FnOnce(usize) -> M,
                mut insert: impl FnMut(&mut M, Self, V),
            ) -> Option<M> {
                $read(r, make, |map, $key, value| {
                    insert(map, $convert?, value);
                    Some(())
                })
            }
        }
    )*};
}
map_keys!(decode_str_map, |key| Some(key.into()); String, &'a str, Box<str>);
map_keys!(decode_int_map, |key| key.try_into().ok(); i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

impl<'de, K: DecodeMapKey<'de> + Ord, V: Decode<'de>> Decode<'de> for BTreeMap<K, V> {
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        K::decode_map(
            r,
            |_| BTreeMap::new(),
            |map, key, value| {
                map.insert(key, value);
            },
        )
    }
}

#[cfg(feature = "std")]
impl<'de, K, V, S> Decode<'de> for std::collections::HashMap<K, V, S>
where
    K: DecodeMapKey<'de> + Eq + core::hash::Hash,
    V: Decode<'de>,
    S: core::hash::BuildHasher + Default,
{
    fn decode(r: &mut Reader<'de>) -> Option<Self> {
        K::decode_map(
            r,
            |room| std::collections::HashMap::with_capacity_and_hasher(room, S::default()),
            |map, key, value| {
                map.insert(key, value);
            },
        )
    }
}

/// Reads a table of integer keys in canonical form: the array part's
/// values under the keys `1..=n`, then hash keys that are integers each
/// after the one before (by `cmp_encoded`), none of them `1..=n + 1` (a
/// key the array part has, or one that would continue it, §4.1), and no
/// nil value. `insert` declines a key the map's key type cannot hold.
fn decode_int_map<'de, V: Decode<'de>, M>(
    r: &mut Reader<'de>,
    make: impl FnOnce(usize) -> M,
    mut insert: impl FnMut(&mut M, i64, V) -> Option<()>,
) -> Option<M> {
    r.open_table()?;
    let n = r.cur.array_count().ok()?;
    let mut map = make(r.budget.take(n));
    for key in 1..=n as i64 {
        let value = r.item()?;
        insert(&mut map, key, value)?;
    }
    let m = r.cur.hash_count().ok()?;
    let mut previous: Option<i64> = None;
    for _ in 0..m {
        let key = r.int()?;
        if (1..=n as i64 + 1).contains(&key) {
            return None;
        }
        if let Some(previous) = previous
            && cmp_encoded(Scalar::Int(previous), Scalar::Int(key)) != Ordering::Less
        {
            return None;
        }
        let value = r.item()?;
        insert(&mut map, key, value)?;
        previous = Some(key);
    }
    r.depth -= 1;
    Some(map)
}

/// Reads a table of string keys in canonical order (each after the one
/// before, by `cmp_encoded`), with no array part and no nil value: a map
/// made by `make` with the room the budget grants, filled by `insert`
/// (which may decline a key, as for integer keys).
fn decode_str_map<'de, V: Decode<'de>, M>(
    r: &mut Reader<'de>,
    make: impl FnOnce(usize) -> M,
    mut insert: impl FnMut(&mut M, &'de str, V) -> Option<()>,
) -> Option<M> {
    let m = r.begin_fields()?;
    let mut map = make(r.budget.take(m));
    let mut previous: Option<&'de str> = None;
    for _ in 0..m {
        let key = r.str()?;
        if let Some(previous) = previous
            && cmp_encoded(Scalar::Str(previous), Scalar::Str(key)) != Ordering::Less
        {
            return None;
        }
        let value = r.item()?;
        insert(&mut map, key, value)?;
        previous = Some(key);
    }
    r.end_fields();
    Some(map)
}
