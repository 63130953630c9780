//! [`Encode`]: a type that writes itself as LXT, and its impls for the
//! standard types. Each impl writes what the serde serializer writes for
//! the same value (§10), so the two agree byte for byte.

use alloc::borrow::{Cow, ToOwned};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::key::cmp_encoded;
use crate::scalar::Scalar;
use crate::writer::{Writer, overflow};
use crate::{Limits, Result, Value, ValueRef};

/// A type that writes itself as one LXT value.
///
/// Derive it with `#[derive(luaxt_derive::Encode)]`: a struct's fields
/// become a table's string keys, written in canonical order (§4.2) with no
/// reordering at run time, `None` fields left out, as serde's
/// [`to_vec`](crate::to_vec) writes them.
///
/// The impls for the standard types follow §10: integers are `0x02`
/// (`u64` above `i64::MAX` is `integer_overflow`), floats `0x03`, `str`
/// and `char` strings, `()` and `None` nil, slices, `Vec`s, arrays,
/// deques, sets and tuples tables with an array part (a nil element ends it: later
/// elements are entries with integer keys), maps with string keys
/// (`BTreeMap`, `HashMap`; see [`EncodeMapKey`]) tables of string or integer
/// keys,
/// [`Value`] and [`ValueRef`] themselves.
pub trait Encode {
    /// Writes `self` as one value.
    fn encode(&self, w: &mut Writer) -> Result<()>;

    /// Whether [`encode`](Encode::encode) writes nil: such a struct field
    /// is left out, and such an element ends the array part, without
    /// being written first. Only a value that writes nil may say so; one
    /// that writes nil and does not is found out after it is written.
    #[inline]
    fn is_nil(&self) -> bool {
        false
    }
}

/// Encodes `value` to canonical LXT bytes.
///
/// ```
/// use luaxt_format::native;
/// assert_eq!(native::to_vec(&[1u8])?, [0x06, 1, 0, 0, 0, 0x02, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn to_vec<T: ?Sized + Encode>(value: &T) -> Result<Vec<u8>> {
    to_vec_with(value, &Limits::DEFAULT)
}

/// Encodes `value` under `limits` (§6): tables nested deeper than
/// `max_depth` are `depth_exceeded`; a string, bytes value or table part
/// longer than `max_size`, or a document longer than `max_size`, is
/// `length_overflow`.
pub fn to_vec_with<T: ?Sized + Encode>(value: &T, limits: &Limits) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    encode_into(value, &mut out, limits)?;
    Ok(out)
}

/// Encodes `value` and appends the bytes to `out` (left as it was on error).
pub fn to_vec_into<T: ?Sized + Encode>(value: &T, out: &mut Vec<u8>) -> Result<()> {
    encode_into(value, out, &Limits::DEFAULT)
}

fn encode_into<T: ?Sized + Encode>(value: &T, out: &mut Vec<u8>, limits: &Limits) -> Result<()> {
    let start = out.len();
    let mut w = Writer::new(core::mem::take(out), *limits);
    let result = value.encode(&mut w).and_then(|()| w.check_document(start));
    *out = w.out;
    if result.is_err() {
        out.truncate(start);
    }
    result
}

macro_rules! small_ints {
    ($($t:ty)*) => {$(
        impl Encode for $t {
            #[inline]
            fn encode(&self, w: &mut Writer) -> Result<()> {
                w.put_int(i64::from(*self));
                Ok(())
            }
        }
    )*};
}
small_ints!(i8 i16 i32 i64 u8 u16 u32);

macro_rules! wide_ints {
    ($($t:ty)*) => {$(
        impl Encode for $t {
            #[inline]
            fn encode(&self, w: &mut Writer) -> Result<()> {
                w.put_int(i64::try_from(*self).map_err(|_| overflow(*self))?);
                Ok(())
            }
        }
    )*};
}
wide_ints!(u64 usize isize i128 u128);

impl Encode for bool {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_bool(*self);
        Ok(())
    }
}

impl Encode for f64 {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_float(*self);
        Ok(())
    }
}

impl Encode for f32 {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_float(f64::from(*self));
        Ok(())
    }
}

impl Encode for char {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_str(self.encode_utf8(&mut [0; 4]))
    }
}

impl Encode for str {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_str(self)
    }
}

impl Encode for String {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_str(self)
    }
}

impl Encode for () {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_nil();
        Ok(())
    }
    #[inline]
    fn is_nil(&self) -> bool {
        true
    }
}

impl<T: Encode> Encode for Option<T> {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        match self {
            Some(value) => value.encode(w),
            None => {
                w.put_nil();
                Ok(())
            }
        }
    }
    #[inline]
    fn is_nil(&self) -> bool {
        self.as_ref().is_none_or(Encode::is_nil)
    }
}

/// Pointers and borrows: their target's encoding.
macro_rules! through_ref {
    ($([$($bounds:tt)*] $t:ty;)*) => {$(
        impl<T: ?Sized + Encode $($bounds)*> Encode for $t {
            #[inline]
            fn encode(&self, w: &mut Writer) -> Result<()> {
                (**self).encode(w)
            }
            #[inline]
            fn is_nil(&self) -> bool {
                (**self).is_nil()
            }
        }
    )*};
}
through_ref! {
    [] &T;
    [] &mut T;
    [] Box<T>;
    [] alloc::rc::Rc<T>;
    [] alloc::sync::Arc<T>;
    [+ ToOwned] Cow<'_, T>;
}

impl<T: Encode> Encode for [T] {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        encode_seq(w, self.len(), |i| &self[i])
    }
}

impl<T: Encode> Encode for Vec<T> {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        self.as_slice().encode(w)
    }
}

impl<T: Encode, const N: usize> Encode for [T; N] {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        self.as_slice().encode(w)
    }
}

/// Collections serde writes as a sequence of their items in iteration
/// order.
macro_rules! iterated_seqs {
    ($($(#[$cfg:meta])* [$($bound:tt)*] $ty:ty;)*) => {$(
        $(#[$cfg])*
        impl<T: Encode $($bound)*> Encode for $ty {
            #[inline]
            fn encode(&self, w: &mut Writer) -> Result<()> {
                // Gathered first: the items after a hole are written in
                // canonical key order, not in this order.
                let items: Vec<&T> = self.iter().collect();
                encode_seq(w, items.len(), |i| items[i])
            }
        }
    )*};
}
iterated_seqs! {
    [] alloc::collections::VecDeque<T>;
    [] alloc::collections::BTreeSet<T>;
    #[cfg(feature = "std")]
    [, S] std::collections::HashSet<T, S>;
}

macro_rules! tuples {
    ($($len:literal => ($($t:ident $i:tt)*))*) => {$(
        impl<$($t: Encode),*> Encode for ($($t,)*) {
            fn encode(&self, w: &mut Writer) -> Result<()> {
                let items: [&dyn Encode; $len] = [$(&self.$i),*];
                encode_seq(w, $len, |i| items[i])
            }
        }
    )*};
}
tuples! {
    1 => (A 0)
    2 => (A 0 B 1)
    3 => (A 0 B 1 C 2)
    4 => (A 0 B 1 C 2 D 3)
    5 => (A 0 B 1 C 2 D 3 E 4)
    6 => (A 0 B 1 C 2 D 3 E 4 F 5)
    7 => (A 0 B 1 C 2 D 3 E 4 F 5 G 6)
    8 => (A 0 B 1 C 2 D 3 E 4 F 5 G 6 H 7)
}

/// Writes `items` as a sequence (a tuple struct or variant). For derived
/// impls.
#[doc(hidden)]
pub fn encode_items(w: &mut Writer, items: &[&dyn Encode]) -> Result<()> {
    encode_seq(w, items.len(), |i| items[i])
}

/// The error of a variant marked `#[serde(skip)]` (serde's own: such a
/// variant cannot be written). For derived impls.
#[doc(hidden)]
pub fn skipped_variant(name: &str) -> crate::Error {
    crate::Error::with_message(
        crate::ErrorKind::Custom,
        format_args!("the enum variant {name} cannot be serialized"),
    )
}

/// Writes the `len` values `item(0..len)` as a sequence (§10): an array
/// part up to the first nil, then the later values that are not nil as
/// entries keyed by their 1-based index, in canonical key order.
#[inline]
fn encode_seq<'a, T: ?Sized + Encode + 'a>(
    w: &mut Writer,
    len: usize,
    item: impl Fn(usize) -> &'a T,
) -> Result<()> {
    let start = w.open_table()?;
    let n = put_array_part(w, start, (0..len).map(&item))?;
    if n == len {
        w.out.extend_from_slice(&[0; 4]);
        w.close_table();
        return Ok(());
    }
    // Index i has the key i + 1; the value at n was nil.
    let later = (n + 1..len)
        .map(|i| (i as i64 + 1, item(i)))
        .filter(|(_, value)| !value.is_nil())
        .collect();
    put_int_entries(w, later)?;
    w.close_table();
    Ok(())
}

/// Writes `values` as the array part of the table opened at `start`, up
/// to the first nil: how many it wrote.
///
/// A value is nil if it says so ([`Encode::is_nil`]) or if it wrote one
/// nil byte: an impl that writes nil without saying so still gets
/// canonical bytes, as from serde's serializer, which can only look.
#[inline]
fn put_array_part<'a, T: ?Sized + Encode + 'a>(
    w: &mut Writer,
    start: usize,
    values: impl Iterator<Item = &'a T>,
) -> Result<usize> {
    let mut n = 0;
    for value in values {
        if value.is_nil() {
            break;
        }
        let at = w.out.len();
        value.encode(w)?;
        if w.wrote_nil(at) {
            w.out.truncate(at);
            break;
        }
        n += 1;
    }
    let count = w.count(n)?;
    w.patch_u32(start + 1, count);
    Ok(n)
}

/// Writes a hash part of integer keys: the count, then the entries as
/// [`put_entries`] writes them.
#[inline]
fn put_int_entries<T: ?Sized + Encode>(w: &mut Writer, entries: Vec<(i64, &T)>) -> Result<()> {
    let count_at = w.out.len();
    w.out.extend_from_slice(&[0; 4]);
    if entries.is_empty() {
        return Ok(());
    }
    let m = put_entries(w, entries)?;
    w.patch_u32(count_at, m);
    Ok(())
}

/// A hash key of the native impls: an integer or a string.
trait HashKey<'a>: Copy {
    /// The key as the order of encoded keys sees it.
    fn scalar(self) -> Scalar<'a>;
    /// Writes the key.
    fn put(self, w: &mut Writer) -> Result<()>;
}

impl<'a> HashKey<'a> for i64 {
    fn scalar(self) -> Scalar<'a> {
        Scalar::Int(self)
    }
    fn put(self, w: &mut Writer) -> Result<()> {
        w.put_int(self);
        Ok(())
    }
}

impl<'a> HashKey<'a> for &'a str {
    fn scalar(self) -> Scalar<'a> {
        Scalar::Str(self)
    }
    fn put(self, w: &mut Writer) -> Result<()> {
        w.put_str(self)
    }
}

/// Writes hash entries in canonical key order (`cmp_encoded`, the order
/// of the encoded keys without encoding them: an integer key's bytes are
/// little-endian, so not numeric order), each key then its value, and
/// takes an entry out again if its value turns out nil. The count of the
/// entries kept, checked.
fn put_entries<'a, K: HashKey<'a>, T: ?Sized + Encode>(
    w: &mut Writer,
    mut entries: Vec<(K, &T)>,
) -> Result<u32> {
    entries.sort_unstable_by(|a, b| cmp_encoded(a.0.scalar(), b.0.scalar()));
    let mut m = 0;
    for (key, value) in entries {
        let at = w.out.len();
        key.put(w)?;
        let key_len = w.out.len() - at;
        value.encode(w)?;
        m += usize::from(w.keep_field(at, key_len));
    }
    w.count(m)
}

#[cfg(feature = "serde_bytes")]
impl Encode for serde_bytes::Bytes {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_bytes(self)
    }
}

#[cfg(feature = "serde_bytes")]
impl Encode for serde_bytes::ByteBuf {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_bytes(self)
    }
}

#[cfg(feature = "serde_bytes")]
impl<const N: usize> Encode for serde_bytes::ByteArray<N> {
    #[inline]
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_bytes(self.as_slice())
    }
}

impl Encode for Value {
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_element(self)
    }
    fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
}

impl Encode for ValueRef<'_> {
    fn encode(&self, w: &mut Writer) -> Result<()> {
        w.put_element(self)
    }
    fn is_nil(&self) -> bool {
        matches!(self, ValueRef::Nil)
    }
}

/// A key of the maps [`Encode`] is implemented for (`BTreeMap`,
/// `HashMap`): a string, or an integer, whose keys `1..n` make the
/// table's array part (§4.1), as serde's serializer writes them. Maps
/// with other keys go through serde's serializer.
pub trait EncodeMapKey {
    /// Writes a map of these keys as one table. For the map impls.
    #[doc(hidden)]
    fn encode_map<'a, V: Encode + 'a>(
        w: &mut Writer,
        entries: impl Iterator<Item = (&'a Self, &'a V)>,
    ) -> Result<()>
    where
        Self: 'a;
}

/// `EncodeMapKey` for each type, by `$write`: `encode_str_map` or
/// `encode_int_map`.
macro_rules! map_keys {
    ($write:ident: $($t:ty)*) => {$(
        impl EncodeMapKey for $t {
            #[inline]
            fn encode_map<'a, V: Encode + 'a>(
                w: &mut Writer,
                entries: impl Iterator<Item = (&'a Self, &'a V)>,
            ) -> Result<()>
            where
                Self: 'a,
            {
                $write(w, entries)
            }
        }
    )*};
}
map_keys!(encode_str_map: String &str Box<str> Cow<'_, str> alloc::rc::Rc<str> alloc::sync::Arc<str>);
map_keys!(encode_int_map: i8 i16 i32 i64 u8 u16 u32 u64 usize isize);

impl<K: EncodeMapKey, V: Encode> Encode for alloc::collections::BTreeMap<K, V> {
    fn encode(&self, w: &mut Writer) -> Result<()> {
        K::encode_map(w, self.iter())
    }
}

#[cfg(feature = "std")]
impl<K: EncodeMapKey, V: Encode, S> Encode for std::collections::HashMap<K, V, S> {
    fn encode(&self, w: &mut Writer) -> Result<()> {
        K::encode_map(w, self.iter())
    }
}

/// Writes a map with integer keys as one table: entries whose value is nil
/// left out, the keys `1, 2, …` as far as they run (and their values are
/// not nil) in the array part, the rest in the hash part (§4.1). A key
/// outside the i64 range is `integer_overflow`, as for serde.
fn encode_int_map<'a, K, V>(
    w: &mut Writer,
    entries: impl Iterator<Item = (&'a K, &'a V)>,
) -> Result<()>
where
    K: Copy + TryInto<i64> + core::fmt::Display + 'a,
    V: Encode + 'a,
{
    let mut ints: Vec<(i64, &V)> = Vec::with_capacity(entries.size_hint().0);
    for (&key, value) in entries {
        if !value.is_nil() {
            ints.push((key.try_into().map_err(|_| overflow(key))?, value));
        }
    }
    ints.sort_unstable_by_key(|&(key, _)| key);
    let first = ints.partition_point(|&(key, _)| key < 1);
    let run = ints[first..]
        .iter()
        .zip(1..)
        .take_while(|&(&(key, _), index)| key == index)
        .count();
    let start = w.open_table()?;
    let n = put_array_part(
        w,
        start,
        ints[first..first + run].iter().map(|&(_, value)| value),
    )?;
    // The value at first + n, if the run went on, wrote nil: not again.
    let skip = (n < run) as usize;
    ints.drain(first..first + n + skip);
    put_int_entries(w, ints)?;
    w.close_table();
    Ok(())
}

/// Writes a map with string keys as a table's hash part: entries whose
/// value is nil left out, the rest in canonical key order (`cmp_encoded`,
/// the order of the encoded keys without encoding them).
fn encode_str_map<'a, K: AsRef<str> + ?Sized + 'a, V: Encode + 'a>(
    w: &mut Writer,
    entries: impl Iterator<Item = (&'a K, &'a V)>,
) -> Result<()> {
    let entries: Vec<(&str, &V)> = entries
        .filter(|(_, value)| !value.is_nil())
        .map(|(key, value)| (key.as_ref(), value))
        .collect();
    let table = w.begin_fields()?;
    let m = put_entries(w, entries)?;
    w.end_fields(table, m);
    Ok(())
}
