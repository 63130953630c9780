//! The serde serializer (§10): any `Serialize` type straight to canonical
//! LXT bytes, without building a [`Value`](crate::Value) first.
//!
//! Everything is written into one output `Vec`. Tables are written in the
//! order serde hands out their entries; a table whose keys did not arrive in
//! canonical order (§4.2), that held a nil value, or whose keys include the
//! integer 1 (so it may have an array part, §4.1) is rearranged once at its
//! end through a reused scratch buffer. Counts are patched in afterwards.

use alloc::vec::Vec;

use serde::ser::{self, Impossible, Serialize};

use crate::key::{encoded_key_order, float_key_as_int};
use crate::scalar::Scalar;
use crate::struct_order::StructOrders;
use crate::table::{Element, View};
use crate::wire::{int_value, u32_at};
use crate::writer::{Writer, overflow};
use crate::{Error, ErrorKind, Limits, Result, Table, Tag};

/// The newtype-struct name that serializes as a `0x07` reference and that
/// the deserializer hands a reference to (§10).
pub(crate) const TABLE_REF: &str = "$luaxt::TableRef";

/// A reference to an external table (`0x07`, §2.8) for serde types.
///
/// It serializes as the newtype struct `$luaxt::TableRef`, which
/// [`to_vec`] writes as a reference, and deserializes from one.
///
/// ```
/// use luaxt_format::{from_slice, to_vec, TableId};
/// let bytes = to_vec(&TableId(7))?;
/// assert_eq!(bytes, [0x07, 7, 0, 0, 0]);
/// assert_eq!(from_slice::<TableId>(&bytes)?, TableId(7));
/// # Ok::<(), luaxt_format::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableId(pub u32);

impl Serialize for TableId {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(TABLE_REF, &self.0)
    }
}

impl ser::Error for Error {
    fn custom<T: core::fmt::Display>(msg: T) -> Self {
        Error::with_message(ErrorKind::Custom, msg)
    }
}

/// Serializes `value` to canonical LXT bytes (§10).
///
/// Structs and maps become tables whose entries are in canonical order,
/// `None` fields and map values are left out, sequences use the array part.
///
/// ```
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct Point<'a> { name: &'a str, x: i32, label: Option<&'a str> }
///
/// let bytes = luaxt_format::to_vec(&Point { name: "p", x: 3, label: None })?;
/// // A table with no array part and two hash entries: "x" (1 byte) sorts
/// // before "name" (4 bytes) because the length comes first; `label` is nil.
/// assert_eq!(&bytes[..9], &[0x06, 0, 0, 0, 0, 2, 0, 0, 0]);
/// assert_eq!(&bytes[9..15], &[0x04, 1, 0, 0, 0, b'x']);
/// let value = luaxt_format::decode(&bytes)?;
/// let table = value.as_table().unwrap();
/// assert_eq!(table.get(&"name".into()), Some(&"p".into()));
/// assert_eq!(table.get(&"label".into()), None);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
///
/// **Speed.** A struct's fields are written in canonical key order:
/// shorter names first, names of one length in byte order. Fields
/// declared in another order are moved into it at the end of each value,
/// which is most of what this serializer does beyond a format without
/// that rule (about 15 % of the instructions on the crate's benchmark
/// records). Declaring the fields in canonical order skips the move; the
/// bytes are the same either way. Deriving `luaxt_derive::Encode` and
/// calling [`native::to_vec`](crate::native::to_vec) skips it too: the
/// order is then sorted when the type is compiled.
///
/// ```
/// use serde::Serialize;
///
/// #[derive(Serialize)]
/// struct AsWritten { name: String, id: u32, tags: Vec<String> }
/// // The same fields in canonical order: "id" (2 bytes), then "name" and
/// // "tags" (4 bytes each, in byte order).
/// #[derive(Serialize)]
/// struct Canonical { id: u32, name: String, tags: Vec<String> }
///
/// let a = AsWritten { name: "x".into(), id: 7, tags: vec![] };
/// let c = Canonical { id: 7, name: "x".into(), tags: vec![] };
/// assert_eq!(luaxt_format::to_vec(&a)?, luaxt_format::to_vec(&c)?);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn to_vec<T: ?Sized + Serialize>(value: &T) -> Result<Vec<u8>> {
    to_vec_with(value, &Limits::DEFAULT)
}

/// Serializes `value` under `limits` (§6): tables nested deeper than
/// `max_depth` are `depth_exceeded`; a string, bytes value or table part
/// longer than `max_size`, or a document longer than `max_size`, is
/// `length_overflow`.
///
/// ```
/// use luaxt_format::{ErrorKind, Limits, to_vec_with};
/// let small = Limits::DEFAULT.with_max_size(18);
/// // Tag and array count, one integer, the hash count: 5 + 9 + 4 bytes.
/// assert_eq!(to_vec_with(&[1], &small)?.len(), 18);
/// assert_eq!(to_vec_with(&[1, 2], &small).unwrap_err().kind(), ErrorKind::LengthOverflow);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn to_vec_with<T: ?Sized + Serialize>(value: &T, limits: &Limits) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    serialize_into(value, &mut out, limits)?;
    Ok(out)
}

/// Serializes `value` and appends the bytes to `out` (left unchanged on
/// error).
pub fn to_vec_into<T: ?Sized + Serialize>(value: &T, out: &mut Vec<u8>) -> Result<()> {
    serialize_into(value, out, &Limits::DEFAULT)
}

/// Appends the document of `value` to `out` under `limits`, or leaves
/// `out` as it was. Its size is checked once it is finished: nil values
/// and rearranged tables make the bytes written on the way no measure.
fn serialize_into<T: ?Sized + Serialize>(
    value: &T,
    out: &mut Vec<u8>,
    limits: &Limits,
) -> Result<()> {
    let start = out.len();
    let mut run = Run {
        encoder: Encoder::new(core::mem::take(out), *limits),
        out,
        start,
        keep: false,
    };
    let result = value.serialize(&mut run.encoder).and_then(|()| {
        if run.encoder.failed {
            return Err(Error::with_message(
                ErrorKind::Custom,
                "the `Serialize` impl went on after an error of the serializer",
            ));
        }
        run.encoder.w.check_document(start)
    });
    run.keep = result.is_ok();
    result
}

/// One serialization into a caller's `Vec`, which the encoder holds
/// meanwhile. However it ends (an error, or a panic in a `Serialize`
/// impl), the `Vec` goes back to the caller, cut to where it was unless
/// the document is kept.
struct Run<'a> {
    encoder: Encoder,
    out: &'a mut Vec<u8>,
    start: usize,
    keep: bool,
}

impl Drop for Run<'_> {
    fn drop(&mut self) {
        *self.out = core::mem::take(&mut self.encoder.w.out);
        if !self.keep {
            self.out.truncate(self.start);
        }
    }
}

/// Serializes `value` and writes the bytes to `writer` in one `write_all`.
#[cfg(feature = "std")]
pub fn to_writer<W: std::io::Write, T: ?Sized + Serialize>(mut writer: W, value: &T) -> Result<()> {
    let bytes = to_vec(value)?;
    writer.write_all(&bytes).map_err(Error::from)
}

/// One written hash entry: where its key starts, where its value starts and
/// where the entry ends, as offsets into the output.
#[derive(Debug, Clone, Copy)]
struct Span {
    key: usize,
    value: usize,
    end: usize,
    /// The entry's place in canonical order, when its struct's field order
    /// is known (`struct_order.rs`).
    rank: u32,
}

/// The serializer. Use it through [`to_vec`].
#[derive(Debug)]
struct Encoder {
    w: Writer,
    /// Entries of the tables being written, as a stack.
    spans: Vec<Span>,
    /// Where a table is rebuilt in canonical order.
    scratch: Vec<u8>,
    /// For a struct of a known field order: the entry at each canonical
    /// place (`u32::MAX` for a field that was nil).
    places: Vec<u32>,
    /// The canonical field orders of the struct types met so far.
    orders: StructOrders,
    /// The field names of the structs being learned, as a stack.
    learning: Vec<&'static str>,
    /// A value inside a table failed: whatever the `Serialize` impl does
    /// next (serde's contract is to give up), the document is not kept.
    failed: bool,
}

const NIL: u8 = Tag::Nil as u8;

impl Encoder {
    fn new(out: Vec<u8>, limits: Limits) -> Self {
        Encoder {
            w: Writer::new(out, limits),
            spans: Vec::new(),
            scratch: Vec::new(),
            places: Vec::new(),
            orders: StructOrders::default(),
            learning: Vec::new(),
            failed: false,
        }
    }

    /// Writes a value inside a table; its failure fails the document.
    #[inline]
    fn nested<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let result = value.serialize(&mut *self);
        self.watch(result)
    }

    /// Passes on what writing a key or value inside a table gave; an
    /// error fails the document.
    #[inline]
    fn watch(&mut self, result: Result<()>) -> Result<()> {
        if result.is_err() {
            self.failed = true;
        }
        result
    }

    /// Rewrites the `0x02` integer written from `start` on as a `0x07`
    /// reference (the content of a `$luaxt::TableRef` newtype).
    fn int_to_ref(&mut self, start: usize) -> Result<()> {
        let id = int_value(&self.w.out[start..]).and_then(|value| u32::try_from(value).ok());
        match id {
            Some(id) => {
                self.w.out.truncate(start);
                self.w.put_ref(id);
                Ok(())
            }
            None => Err(Error::with_message(
                ErrorKind::Custom,
                "a `$luaxt::TableRef` must hold a u32 table id",
            )),
        }
    }

    /// Closes a table whose hash entries are `spans[base..]`, written after
    /// the hash count field at `count_at`. `fast` says the entries are in
    /// canonical order, distinct, non-nil and none of them can move to the
    /// array part; otherwise the table is rebuilt.
    fn close_hash(&mut self, start: usize, count_at: usize, base: usize, fast: bool) -> Result<()> {
        self.w.close_table();
        if fast {
            let m = self.w.count(self.spans.len() - base)?;
            self.w.patch_u32(count_at, m);
            self.spans.truncate(base);
            return Ok(());
        }
        let result = self.rebuild(start, count_at, base);
        self.spans.truncate(base);
        result
    }

    /// Closes a struct table whose entries `spans[base..]` carry their
    /// canonical places (`rank`, from the known field order `index`):
    /// moves them into that order. No key is compared; struct fields are
    /// distinct strings, so nothing else can change.
    fn close_ranked(&mut self, count_at: usize, base: usize, index: usize) -> Result<()> {
        self.w.close_table();
        let m = self.w.count(self.spans.len() - base)?;
        self.w.patch_u32(count_at, m);
        let Encoder {
            w: Writer { out, .. },
            spans,
            scratch,
            places,
            orders,
            ..
        } = self;
        let known = orders.order(index);
        if !known.in_order {
            let entries = &spans[base..];
            // With every field there, entry i is field i, and the known
            // order says which comes where. Otherwise (nil fields) each
            // entry is put at its place first (places are distinct).
            let order: &[u32] = if entries.len() == known.by_key.len() {
                known.by_key
            } else {
                places.clear();
                places.resize(known.by_key.len(), u32::MAX);
                for (i, span) in entries.iter().enumerate() {
                    if let Some(place) = places.get_mut(span.rank as usize) {
                        *place = i as u32;
                    }
                }
                places
            };
            // The entries tile the body, so they go back over it in
            // place order without changing its length.
            let body = count_at + 4;
            scratch.clear();
            scratch.extend_from_slice(&out[body..]);
            let mut to = body;
            for &i in order {
                if let Some(span) = entries.get(i as usize) {
                    let entry = &scratch[span.key - body..span.end - body];
                    out[to..to + entry.len()].copy_from_slice(entry);
                    to += entry.len();
                }
            }
        }
        spans.truncate(base);
        Ok(())
    }

    /// Puts the table that starts at `start` in canonical form: sorts its
    /// hash entries, rejects equal keys, drops nil values and moves the
    /// keys that continue the array part into it (§4).
    fn rebuild(&mut self, start: usize, count_at: usize, base: usize) -> Result<()> {
        let Encoder {
            w: Writer { out, .. },
            spans,
            scratch,
            ..
        } = self;
        let spans = &mut spans[base..];
        let key_of = |s: &Span| &out[s.key..s.value];
        spans.sort_unstable_by(|a, b| encoded_key_order(key_of(a), key_of(b)));
        if spans.windows(2).any(|w| key_of(&w[0]) == key_of(&w[1])) {
            return Err(Error::with_message(
                ErrorKind::DuplicateKey,
                "two entries have the same key",
            ));
        }
        let is_nil = |s: &Span| s.end == s.value + 1 && out[s.value] == NIL;
        // The array count this encoder wrote after the tag.
        let mut n = u32_at(out, start + 1).unwrap_or_default();
        scratch.clear();
        scratch.extend_from_slice(&out[start..count_at]);
        // Keys n+1, n+2, … continue the array part.
        let mut taken: Vec<usize> = Vec::new();
        loop {
            let mut next = [Tag::Int as u8; 9];
            next[1..].copy_from_slice(&(i64::from(n) + 1).to_le_bytes());
            match spans.binary_search_by(|s| encoded_key_order(key_of(s), &next[..])) {
                Ok(i) if !is_nil(&spans[i]) => {
                    scratch.extend_from_slice(&out[spans[i].value..spans[i].end]);
                    taken.push(i);
                    n += 1;
                }
                _ => break,
            }
        }
        let m_at = scratch.len();
        scratch.extend_from_slice(&[0; 4]);
        let mut m = 0usize;
        taken.sort_unstable();
        for (i, span) in spans.iter().enumerate() {
            if is_nil(span) || taken.binary_search(&i).is_ok() {
                continue;
            }
            scratch.extend_from_slice(&out[span.key..span.end]);
            m += 1;
        }
        let m = u32::try_from(m).map_err(|_| Error::new(ErrorKind::LengthOverflow))?;
        scratch[1..5].copy_from_slice(&n.to_le_bytes());
        scratch[m_at..m_at + 4].copy_from_slice(&m.to_le_bytes());
        out.truncate(start);
        out.extend_from_slice(scratch);
        Ok(())
    }
}

fn invalid_key(what: &str) -> Error {
    Error::with_message(
        ErrorKind::InvalidKey,
        format_args!("{what} cannot be a key"),
    )
}

/// What kind of table a [`Compound`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Array part first; after the first hole, hash entries with integer keys.
    Seq,
    /// Hash entries only (struct fields), nil values dropped on the spot.
    Struct,
    /// Hash entries with keys by the key rules.
    Map,
}

/// What a struct table knows of its field order (`struct_order.rs`).
#[derive(Debug)]
enum FieldOrder {
    /// Not a struct, or fields that left the known order: keys are compared.
    Compared,
    /// The fields so far are those of the known order `index`, up to `pos`.
    Known { index: usize, pos: usize },
    /// The first value of this struct type: its field names, to learn,
    /// are `Encoder::learning[from..]`.
    Learning { name: &'static str, from: usize },
}

/// A table being written: a sequence, struct or map, possibly inside the
/// one-entry table of an enum variant. Its kind ([`Shape`]) is fixed by
/// the serde trait it is used through, so each `end` knows how to close
/// it: sequences in [`Compound::finish_seq`], the others in
/// [`Compound::finish_hash`], with nothing to ask at run time.
#[derive(Debug)]
#[doc(hidden)]
pub struct Compound<'a> {
    enc: &'a mut Encoder,
    /// Offset of the table's tag.
    start: usize,
    /// Offset of the hash count field, once written.
    count_at: usize,
    /// First of this table's entries in `enc.spans`.
    base: usize,
    /// Array elements written so far (sequences).
    n: u32,
    /// Elements seen so far, holes included (sequences).
    index: i64,
    /// Whether the array part ended at a hole (sequences).
    in_hash: bool,
    /// Whether the entries arrived in canonical order and nothing needs a
    /// rebuild.
    fast: bool,
    /// Where the current map entry's key starts.
    key_at: usize,
    /// Whether this table is the content of an enum variant (so the outer
    /// one-entry table closes too).
    variant: bool,
    /// What is known of a struct's field order.
    order: FieldOrder,
}

impl<'a> Compound<'a> {
    fn open(enc: &'a mut Encoder, shape: Shape, variant: bool) -> Result<Self> {
        let (start, count_at) = if shape == Shape::Seq {
            (enc.w.open_table()?, 0)
        } else {
            let fields = enc.w.begin_fields()?;
            (fields.table(), fields.count())
        };
        let base = enc.spans.len();
        Ok(Compound {
            enc,
            start,
            count_at,
            base,
            n: 0,
            index: 0,
            in_hash: false,
            fast: true,
            key_at: 0,
            variant,
            order: FieldOrder::Compared,
        })
    }

    /// Opens a struct table (`name`: the struct's, or the variant's),
    /// with its field order if it is known, else to learn it.
    fn open_struct(enc: &'a mut Encoder, name: &'static str, variant: bool) -> Result<Self> {
        let order = match enc.orders.find(name) {
            Some(index) => FieldOrder::Known { index, pos: 0 },
            None if enc.orders.can_learn() => FieldOrder::Learning {
                name,
                from: enc.learning.len(),
            },
            // No room to remember another type: no field list to collect.
            None => FieldOrder::Compared,
        };
        let mut compound = Compound::open(enc, Shape::Struct, variant)?;
        compound.order = order;
        Ok(compound)
    }

    /// Records the entry whose key was written at `key` and value at
    /// `value`, checking the order against the previous entry.
    #[inline]
    fn push_entry(&mut self, key: usize, value: usize) -> Result<()> {
        let enc = &mut *self.enc;
        let span = Span {
            key,
            value,
            end: enc.w.out.len(),
            rank: 0,
        };
        if let Some(prev) = enc.spans[self.base..].last() {
            let ordering =
                encoded_key_order(&enc.w.out[prev.key..prev.value], &enc.w.out[key..value]);
            match ordering {
                core::cmp::Ordering::Less => {}
                core::cmp::Ordering::Equal => {
                    return Err(Error::with_message(
                        ErrorKind::DuplicateKey,
                        "two entries have the same key",
                    ));
                }
                core::cmp::Ordering::Greater => self.fast = false,
            }
        }
        enc.spans.push(span);
        Ok(())
    }

    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.index += 1;
        if !self.in_hash {
            let at = self.enc.w.out.len();
            self.enc.nested(value)?;
            if !self.enc.w.wrote_nil(at) {
                self.n += 1;
                return Ok(());
            }
            // A hole: the array part ends here; later elements are hash
            // entries with their integer keys (§4.1).
            self.enc.w.out.truncate(at);
            self.in_hash = true;
            self.count_at = at;
            self.enc.w.out.extend_from_slice(&[0; 4]);
            return Ok(());
        }
        let key = self.enc.w.out.len();
        self.enc.w.put_int(self.index);
        let at = self.enc.w.out.len();
        self.enc.nested(value)?;
        if self.enc.w.wrote_nil(at) {
            self.enc.w.out.truncate(key);
            return Ok(());
        }
        self.push_entry(key, at)
    }

    /// One struct field. Inlined into `serialize_field`: in paired runs
    /// that was faster (0.81x against 0.78x rmp-serde named's speed).
    #[inline(always)]
    fn field<T: ?Sized + Serialize>(&mut self, name: &'static str, value: &T) -> Result<()> {
        let mut head = None;
        let rank = match &mut self.order {
            FieldOrder::Known { index, pos } => match self.enc.orders.rank(*index, *pos, name) {
                Some((rank, key)) => {
                    *pos += 1;
                    head = key;
                    Some(rank)
                }
                None => {
                    // Not the known sequence: compare keys from here on,
                    // and sort at the end (earlier entries were not
                    // compared).
                    self.order = FieldOrder::Compared;
                    self.fast = false;
                    None
                }
            },
            FieldOrder::Learning { .. } => {
                self.enc.learning.push(name);
                None
            }
            FieldOrder::Compared => None,
        };
        let key = self.enc.w.out.len();
        match head {
            // One fixed-size copy, cut to the key's length.
            Some(head) => {
                self.enc.w.out.extend_from_slice(&head.bytes);
                self.enc.w.out.truncate(key + usize::from(head.len));
            }
            None => self.enc.w.put_counted(Tag::Str, name.as_bytes())?,
        }
        let at = self.enc.w.out.len();
        self.enc.nested(value)?;
        if self.enc.w.wrote_nil(at) {
            self.enc.w.out.truncate(key);
            return Ok(());
        }
        match rank {
            // A known field: its place is known, no key to compare.
            Some(rank) => {
                let end = self.enc.w.out.len();
                self.enc.spans.push(Span {
                    key,
                    value: at,
                    end,
                    rank,
                });
                Ok(())
            }
            None => self.push_entry(key, at),
        }
    }

    fn map_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.key_at = self.enc.w.out.len();
        let written = key.serialize(KeySerializer { enc: self.enc });
        self.enc.watch(written)?;
        // The integer key 1 may start an array part.
        if self.enc.w.out[self.key_at..] == [2, 1, 0, 0, 0, 0, 0, 0, 0] {
            self.fast = false;
        }
        Ok(())
    }

    fn map_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let at = self.enc.w.out.len();
        self.enc.nested(value)?;
        if self.enc.w.wrote_nil(at) {
            // Kept until the end so that duplicate keys are still seen.
            self.fast = false;
        }
        self.push_entry(self.key_at, at)
    }

    /// Closes a sequence (the `end` of sequences and tuples).
    fn finish_seq(self) -> Result<()> {
        let enc = self.enc;
        enc.w.patch_u32(self.start + 1, self.n);
        if !self.in_hash {
            enc.w.close_table();
            enc.w.out.extend_from_slice(&[0; 4]);
        } else {
            enc.close_hash(self.start, self.count_at, self.base, self.fast)?;
        }
        if self.variant {
            // The one-entry table around the variant's content.
            enc.w.close_table();
        }
        Ok(())
    }

    /// Closes a map or struct (the `end` of maps and structs).
    fn finish_hash(self) -> Result<()> {
        let enc = self.enc;
        match self.order {
            FieldOrder::Known { index, .. } => {
                enc.close_ranked(self.count_at, self.base, index)?;
            }
            FieldOrder::Learning { name, from } => {
                // A nested struct's names were above these and are
                // gone: this struct's are the top of the stack.
                let fields = enc.learning.split_off(from.min(enc.learning.len()));
                enc.close_hash(self.start, self.count_at, self.base, self.fast)?;
                enc.orders.learn(name, fields);
            }
            FieldOrder::Compared => {
                enc.close_hash(self.start, self.count_at, self.base, self.fast)?;
            }
        }
        if self.variant {
            // The one-entry table around the variant's content.
            enc.w.close_table();
        }
        Ok(())
    }
}

/// Writes the head of an enum variant's table, `{Name = …}`, up to the
/// content; returns the table's offset.
fn open_variant(enc: &mut Encoder, variant: &'static str) -> Result<usize> {
    let at = enc.w.open_variant()?;
    enc.w.put_str(variant)?;
    Ok(at)
}

impl<'a> ser::Serializer for &'a mut Encoder {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.w.put_bool(v);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.w.put_int(v.into());
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.w.put_int(v.into());
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.w.put_int(v.into());
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.w.put_int(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        self.w.put_int(i64::try_from(v).map_err(|_| overflow(v))?);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.w.put_int(v.into());
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.w.put_int(v.into());
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.w.put_int(v.into());
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.w.put_u64(v)
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        self.w.put_int(i64::try_from(v).map_err(|_| overflow(v))?);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.w.put_float(v.into());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.w.put_float(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        let mut buf = [0u8; 4];
        self.w
            .put_counted(Tag::Str, v.encode_utf8(&mut buf).as_bytes())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.w.put_counted(Tag::Str, v.as_bytes())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.w.put_counted(Tag::Bytes, v)
    }
    fn serialize_none(self) -> Result<()> {
        self.w.put_nil();
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.w.put_nil();
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.w.put_nil();
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.w.put_counted(Tag::Str, variant.as_bytes())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if name == TABLE_REF {
            let start = self.w.out.len();
            value.serialize(&mut *self)?;
            return self.int_to_ref(start);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        let start = open_variant(self, variant)?;
        let at = self.w.out.len();
        self.nested(value)?;
        if self.w.wrote_nil(at) {
            self.w.empty_variant(start);
        } else {
            self.w.close_table();
        }
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>> {
        Compound::open(self, Shape::Seq, false)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'a>> {
        Compound::open(self, Shape::Seq, false)
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a>> {
        Compound::open(self, Shape::Seq, false)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>> {
        open_variant(self, variant)?;
        Compound::open(self, Shape::Seq, true)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>> {
        Compound::open(self, Shape::Map, false)
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Compound<'a>> {
        Compound::open_struct(self, name, false)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>> {
        open_variant(self, variant)?;
        Compound::open_struct(self, variant, true)
    }
    fn collect_str<T: ?Sized + core::fmt::Display>(self, value: &T) -> Result<()> {
        let text = alloc::format!("{value}");
        self.w.put_counted(Tag::Str, text.as_bytes())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish_seq()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish_seq()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish_seq()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish_seq()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.map_key(key)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.map_value(value)
    }
    fn end(self) -> Result<()> {
        self.finish_hash()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<()> {
        self.finish_hash()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<()> {
        self.finish_hash()
    }
}

/// Writes a map key by the key rules (§3): scalars only, floats normalised,
/// NaN, nil and tables refused with `invalid_key`.
struct KeySerializer<'a> {
    enc: &'a mut Encoder,
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.enc.serialize_bool(v)
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.enc.serialize_i8(v)
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.enc.serialize_i16(v)
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.enc.serialize_i32(v)
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.enc.serialize_i64(v)
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        self.enc.serialize_i128(v)
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.enc.serialize_u8(v)
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.enc.serialize_u16(v)
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.enc.serialize_u32(v)
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.enc.serialize_u64(v)
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        self.enc.serialize_u128(v)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        if v.is_nan() {
            return Err(invalid_key("NaN"));
        }
        match float_key_as_int(v) {
            Some(i) => self.enc.w.put_int(i),
            None => self.enc.w.put_float(v),
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.enc.serialize_char(v)
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.enc.serialize_str(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.enc.serialize_bytes(v)
    }
    fn serialize_none(self) -> Result<()> {
        Err(invalid_key("nil (None)"))
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        Err(invalid_key("nil (unit)"))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        Err(invalid_key("nil (unit struct)"))
    }
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.enc.serialize_unit_variant(name, index, variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if name == TABLE_REF {
            let start = self.enc.w.out.len();
            value.serialize(KeySerializer { enc: self.enc })?;
            return self.enc.int_to_ref(start);
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        Err(invalid_key("a table (enum variant with content)"))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(invalid_key("a table (sequence)"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(invalid_key("a table (tuple)"))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(invalid_key("a table (tuple struct)"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(invalid_key("a table (tuple variant)"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(invalid_key("a table (map)"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(invalid_key("a table (struct)"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(invalid_key("a table (struct variant)"))
    }
    fn collect_str<T: ?Sized + core::fmt::Display>(self, value: &T) -> Result<()> {
        self.enc.collect_str(value)
    }
}

/// Serializes any value type through its [`View`], so [`Value`] and
/// [`ValueRef`](crate::ValueRef) share one impl.
struct ViewSer<'v, V>(&'v V);

impl<V: Element> Serialize for ViewSer<'_, V> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.view() {
            View::Nil => serializer.serialize_unit(),
            View::Scalar(Scalar::Bool(b)) => serializer.serialize_bool(b),
            View::Scalar(Scalar::Int(i)) => serializer.serialize_i64(i),
            View::Scalar(Scalar::Float(f)) => serializer.serialize_f64(f),
            View::Scalar(Scalar::Str(s)) => serializer.serialize_str(s),
            View::Scalar(Scalar::Bytes(b)) => serializer.serialize_bytes(b),
            View::Scalar(Scalar::Ref(id)) => serializer.serialize_newtype_struct(TABLE_REF, &id),
            View::Table(table) => serialize_table(table, serializer),
        }
    }
}

/// A table with an empty hash part is a sequence; any other is a map whose
/// first keys are the array positions.
fn serialize_table<V: Element, S: ser::Serializer>(
    table: &Table<V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use ser::{SerializeMap, SerializeSeq};
    if table.hash().is_empty() {
        let mut seq = serializer.serialize_seq(Some(table.array().len()))?;
        for item in table.array() {
            seq.serialize_element(&ViewSer(item))?;
        }
        return seq.end();
    }
    let mut map = serializer.serialize_map(Some(table.len()))?;
    for (i, item) in (1i64..).zip(table.array()) {
        map.serialize_entry(&i, &ViewSer(item))?;
    }
    for (key, item) in table.hash() {
        map.serialize_entry(&ViewSer(key), &ViewSer(item))?;
    }
    map.end()
}

impl Serialize for crate::Value {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ViewSer(self).serialize(serializer)
    }
}

impl Serialize for crate::ValueRef<'_> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ViewSer(self).serialize(serializer)
    }
}
