//! The output of the typed encoders: one `Vec` with the document's nesting
//! depth and [`Limits`], and the writes of scalars and table heads that
//! serde's serializer (`ser.rs`) and the derived [`Encode`](crate::Encode)
//! impls (`native/`) share, so that both write each tag one way.

use alloc::vec::Vec;

use crate::table::Element;
use crate::value::float_bits;
use crate::write::{check_document_len, write_nested};
use crate::{Error, ErrorKind, Limits, Result, Tag};

const NIL: u8 = Tag::Nil as u8;

/// Where a typed encoder writes: the output bytes, the depth of the
/// tables open now and the limits they are checked against.
///
/// Made by [`native::to_vec`](crate::native::to_vec) and its siblings and
/// handed to each [`Encode::encode`](crate::Encode::encode).
#[derive(Debug)]
pub struct Writer {
    pub(crate) out: Vec<u8>,
    pub(crate) depth: u32,
    pub(crate) limits: Limits,
}

/// A table opened by [`Writer::begin_fields`], to be closed by
/// [`Writer::end_fields`]: where its tag is.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub struct FieldsAt(usize);

impl FieldsAt {
    /// Where the table's tag is.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn table(self) -> usize {
        self.0
    }

    /// Where its hash count goes: after the tag and the array count.
    pub(crate) fn count(self) -> usize {
        self.0 + 5
    }
}

impl Writer {
    pub(crate) fn new(out: Vec<u8>, limits: Limits) -> Self {
        Writer {
            out,
            depth: 0,
            limits,
        }
    }

    /// The limits this document is written under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Bytes written so far (the caller's earlier bytes included).
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether nothing has been written (nor was there before).
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Writes nil (`0x00`).
    #[inline]
    pub fn put_nil(&mut self) {
        self.out.push(NIL);
    }

    /// Writes a boolean (`0x01`).
    #[inline]
    pub fn put_bool(&mut self, value: bool) {
        self.out
            .extend_from_slice(&[Tag::Bool as u8, u8::from(value)]);
    }

    /// Writes an integer (`0x02`).
    #[inline]
    pub fn put_int(&mut self, value: i64) {
        let mut head = [Tag::Int as u8; 9];
        head[1..].copy_from_slice(&value.to_le_bytes());
        self.out.extend_from_slice(&head);
    }

    /// Writes an unsigned integer as `0x02`, or `integer_overflow` above
    /// `i64::MAX`.
    #[inline]
    pub fn put_u64(&mut self, value: u64) -> Result<()> {
        let i = i64::try_from(value).map_err(|_| overflow(value))?;
        self.put_int(i);
        Ok(())
    }

    /// Writes a float (`0x03`), NaN as the canonical NaN (§4.3).
    #[inline]
    pub fn put_float(&mut self, value: f64) {
        let mut head = [Tag::Float as u8; 9];
        head[1..].copy_from_slice(&float_bits(value).to_le_bytes());
        self.out.extend_from_slice(&head);
    }

    /// Writes a string (`0x04`); longer than `max_size` is `length_overflow`.
    #[inline]
    pub fn put_str(&mut self, text: &str) -> Result<()> {
        self.put_counted(Tag::Str, text.as_bytes())
    }

    /// Writes a bytes value (`0x05`); longer than `max_size` is
    /// `length_overflow`.
    #[inline]
    pub fn put_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.put_counted(Tag::Bytes, bytes)
    }

    /// Writes a reference to external table `id` (`0x07`).
    #[inline]
    pub fn put_ref(&mut self, id: u32) {
        let mut head = [Tag::Ref as u8, 0, 0, 0, 0];
        head[1..].copy_from_slice(&id.to_le_bytes());
        self.out.extend_from_slice(&head);
    }

    #[inline]
    pub(crate) fn put_counted(&mut self, tag: Tag, content: &[u8]) -> Result<()> {
        let len = self.count(content.len())?;
        let mut head = [tag as u8, 0, 0, 0, 0];
        head[1..].copy_from_slice(&len.to_le_bytes());
        self.out.extend_from_slice(&head);
        self.out.extend_from_slice(content);
        Ok(())
    }

    /// A length or count as u32, under the size limit.
    #[inline]
    pub(crate) fn count(&self, len: usize) -> Result<u32> {
        match u32::try_from(len) {
            Ok(n) if u64::from(n) <= self.limits.max_size => Ok(n),
            _ => Err(Error::new(ErrorKind::LengthOverflow)
                .with_length(len as u64, self.limits.max_size.min(u32::MAX.into()))),
        }
    }

    #[inline]
    pub(crate) fn patch_u32(&mut self, at: usize, value: u32) {
        self.out[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }

    /// Whether what was written from `start` on is exactly one nil.
    #[inline]
    pub(crate) fn wrote_nil(&self, start: usize) -> bool {
        self.out.len() == start + 1 && self.out[start] == NIL
    }

    /// Opens a table: checks the depth, writes the tag and a zero array
    /// count, and returns the tag's offset. Each open table is closed by
    /// [`Writer::close_table`].
    #[inline]
    pub(crate) fn open_table(&mut self) -> Result<usize> {
        if self.depth >= self.limits.max_depth {
            return Err(Error::with_message(
                ErrorKind::DepthExceeded,
                format_args!("more than {} nested tables", self.limits.max_depth),
            ));
        }
        self.depth += 1;
        let start = self.out.len();
        self.out.extend_from_slice(&[Tag::Table as u8, 0, 0, 0, 0]);
        Ok(start)
    }

    /// The end of a table opened by [`Writer::open_table`].
    #[inline]
    pub(crate) fn close_table(&mut self) {
        self.depth -= 1;
    }

    /// Opens a table with no array part and a hash part to come (a
    /// struct's fields, a map's entries). Also for derived impls.
    #[doc(hidden)]
    #[inline]
    pub fn begin_fields(&mut self) -> Result<FieldsAt> {
        let table = self.open_table()?;
        self.out.extend_from_slice(&[0; 4]);
        Ok(FieldsAt(table))
    }

    /// Writes a field's encoded key. For derived impls: `key` is a string
    /// key as [`encode_key`](crate::encode_key) writes it, and the fields
    /// of one table come in canonical key order (§4.2), as the derive
    /// sorts them.
    #[doc(hidden)]
    #[inline(always)]
    pub fn field_key(&mut self, key: &'static [u8]) {
        self.out.extend_from_slice(key);
    }

    /// Whether the entry whose key of `key_len` bytes was written at `at`
    /// is to be kept: a value that wrote nil without saying so (by
    /// [`Encode::is_nil`](crate::Encode::is_nil)) is taken out again, key
    /// and all, as serde's serializer would. Also for derived impls.
    #[doc(hidden)]
    #[inline(always)]
    pub fn keep_field(&mut self, at: usize, key_len: usize) -> bool {
        if self.wrote_nil(at + key_len) {
            self.out.truncate(at);
            return false;
        }
        true
    }

    /// Closes a table opened by [`Writer::begin_fields`] holding `fields`
    /// entries. Also for derived impls.
    #[doc(hidden)]
    #[inline]
    pub fn end_fields(&mut self, at: FieldsAt, fields: u32) {
        self.patch_u32(at.count(), fields);
        self.close_table();
    }

    /// Writes a [`Value`](crate::Value) or [`ValueRef`](crate::ValueRef)
    /// at the current depth.
    pub(crate) fn put_element<V: Element>(&mut self, value: &V) -> Result<()> {
        write_nested(&mut self.out, value, self.depth, &self.limits)
    }

    /// Opens the one-entry table `{Name = content}` of an enum variant, up
    /// to its key; returns the table's offset.
    #[inline]
    pub(crate) fn open_variant(&mut self) -> Result<usize> {
        let at = self.open_table()?;
        self.out.extend_from_slice(&[1, 0, 0, 0]);
        Ok(at)
    }

    /// Opens an enum variant's table and writes its encoded `key` (as
    /// [`Writer::field_key`]); returns the table's offset. For derived
    /// impls.
    #[doc(hidden)]
    #[inline]
    pub fn begin_variant(&mut self, key: &'static [u8]) -> Result<usize> {
        let at = self.open_variant()?;
        self.out.extend_from_slice(key);
        Ok(at)
    }

    /// Makes the variant table begun at `at` the empty table and closes
    /// it: `{Name = nil}` is `{}` (its content was nil). Also for derived
    /// impls.
    #[doc(hidden)]
    #[inline]
    pub fn empty_variant(&mut self, at: usize) {
        self.out.truncate(at);
        self.out
            .extend_from_slice(&[Tag::Table as u8, 0, 0, 0, 0, 0, 0, 0, 0]);
        self.close_table();
    }

    /// Closes the table of a newtype variant begun at `at` with `key`: as
    /// [`Writer::empty_variant`] if its content wrote nil (without saying
    /// so), else as [`Writer::end_variant`]. For derived impls.
    #[doc(hidden)]
    #[inline]
    pub fn end_newtype_variant(&mut self, at: usize, key: &'static [u8]) {
        // The head: tag, array count, hash count (9 bytes), then the key.
        if self.wrote_nil(at + 9 + key.len()) {
            self.empty_variant(at);
        } else {
            self.close_table();
        }
    }

    /// Closes a variant table. For derived impls.
    #[doc(hidden)]
    #[inline]
    pub fn end_variant(&mut self) {
        self.close_table();
    }

    /// Checks the finished document, written from `start` on, against the
    /// size limit.
    pub(crate) fn check_document(&self, start: usize) -> Result<()> {
        check_document_len((self.out.len() - start) as u64, self.limits.max_size)
    }
}

/// `integer_overflow` for a value outside the i64 range.
pub(crate) fn overflow(value: impl core::fmt::Display) -> Error {
    Error::with_message(
        ErrorKind::IntegerOverflow,
        format_args!("{value} is outside the i64 range"),
    )
}
