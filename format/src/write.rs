//! Writers (§2): canonical encodings of [`Value`](crate::Value) and
//! [`ValueRef`](crate::ValueRef) into a `Vec`, an `io::Write` or a caller's
//! fixed buffer, plus the key writer (§3.2).

use alloc::vec::Vec;

use crate::scalar::Scalar;
use crate::table::{Element, View};
use crate::value::float_bits;
use crate::{Error, ErrorKind, Limits, Tag};

/// Where encoded bytes go.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error>;
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// Counts bytes instead of writing them.
struct Counter(usize);

impl Sink for Counter {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.0 += bytes.len();
        Ok(())
    }
}

/// Writes into a slice already known to be large enough.
struct SliceSink<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.pos + bytes.len();
        let target = self
            .buf
            .get_mut(self.pos..end)
            .ok_or(Error::new(ErrorKind::LengthOverflow))?;
        target.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }
}

/// Passes bytes on to `inner` while the document stays within
/// `max_size`; fails before the byte that would go over (§6.2).
struct Bounded<'s, S> {
    inner: &'s mut S,
    written: u64,
    max_size: u64,
}

impl<S: Sink> Sink for Bounded<'_, S> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let written = self.written + bytes.len() as u64;
        check_document_len(written, self.max_size)?;
        self.written = written;
        self.inner.put(bytes)
    }
}

/// `length_overflow` when a document of `len` bytes, or of more than `len`
/// bytes, would be longer than `max_size` (§6.2: a decoder with the same
/// limits refuses it). The one check of every encoder: the writers here as
/// they write, the serde serializer on its finished output.
#[inline]
pub(crate) fn check_document_len(len: u64, max_size: u64) -> Result<(), Error> {
    if len > max_size {
        return Err(Error::with_message(
            ErrorKind::LengthOverflow,
            format_args!("the document is longer than max_size, {max_size} bytes"),
        ));
    }
    Ok(())
}

/// Writes `value` as a whole document under `limits` (depth, lengths and
/// the document's size): what every writer here calls.
fn write_document<V: Element, S: Sink>(
    sink: &mut S,
    value: &V,
    limits: &Limits,
) -> Result<(), Error> {
    let mut bounded = Bounded {
        inner: sink,
        written: 0,
        max_size: limits.max_size,
    };
    write_value(&mut bounded, value, 0, limits)
}

/// Appends `value` inside a document being written, `depth` tables deep
/// (the typed encoders' [`Value`](crate::Value) fields); the caller checks
/// the whole document's size.
pub(crate) fn write_nested<V: Element>(
    out: &mut Vec<u8>,
    value: &V,
    depth: u32,
    limits: &Limits,
) -> Result<(), Error> {
    write_value(out, value, depth, limits)
}

#[cfg(feature = "std")]
struct IoSink<W>(W);

#[cfg(feature = "std")]
impl<W: std::io::Write> Sink for IoSink<W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.0.write_all(bytes).map_err(Error::from)
    }
}

/// Writes the canonical encoding of `value` (§4): tables are canonical by
/// construction, NaN is written as the canonical NaN.
fn write_value<V: Element, S: Sink>(
    sink: &mut S,
    value: &V,
    depth: u32,
    limits: &Limits,
) -> Result<(), Error> {
    match value.view() {
        View::Nil => sink.put(&[Tag::Nil as u8]),
        View::Scalar(Scalar::Bool(b)) => sink.put(&[Tag::Bool as u8, u8::from(b)]),
        View::Scalar(Scalar::Int(i)) => put_tagged(sink, Tag::Int, &i.to_le_bytes()),
        View::Scalar(Scalar::Float(f)) => {
            put_tagged(sink, Tag::Float, &float_bits(f).to_le_bytes())
        }
        View::Scalar(Scalar::Str(s)) => put_counted(sink, Tag::Str, s.as_bytes(), limits),
        View::Scalar(Scalar::Bytes(b)) => put_counted(sink, Tag::Bytes, b, limits),
        View::Scalar(Scalar::Ref(id)) => put_tagged(sink, Tag::Ref, &id.to_le_bytes()),
        View::Table(table) => {
            let depth = depth + 1;
            if depth > limits.max_depth {
                return Err(Error::with_message(
                    ErrorKind::DepthExceeded,
                    format_args!("more than {} nested tables", limits.max_depth),
                ));
            }
            put_tagged(sink, Tag::Table, &count(table.array().len(), limits)?)?;
            for item in table.array() {
                write_value(sink, item, depth, limits)?;
            }
            sink.put(&count(table.hash().len(), limits)?)?;
            for (key, item) in table.hash() {
                write_value(sink, key, depth, limits)?;
                write_value(sink, item, depth, limits)?;
            }
            Ok(())
        }
    }
}

#[inline]
fn put_tagged<S: Sink>(sink: &mut S, tag: Tag, payload: &[u8]) -> Result<(), Error> {
    let mut head = [0u8; 9];
    head[0] = tag as u8;
    head[1..=payload.len()].copy_from_slice(payload);
    sink.put(&head[..=payload.len()])
}

#[inline]
fn put_counted<S: Sink>(
    sink: &mut S,
    tag: Tag,
    content: &[u8],
    limits: &Limits,
) -> Result<(), Error> {
    put_tagged(sink, tag, &count(content.len(), limits)?)?;
    sink.put(content)
}

/// A length or count as its u32 field, or `length_overflow`.
#[inline]
fn count(len: usize, limits: &Limits) -> Result<[u8; 4], Error> {
    match u32::try_from(len) {
        Ok(n) if u64::from(n) <= limits.max_size => Ok(n.to_le_bytes()),
        _ => Err(Error::new(ErrorKind::LengthOverflow)
            .with_length(len as u64, limits.max_size.min(u32::MAX.into()))),
    }
}

/// The encoding of a table whose array part holds `values`, each the
/// complete encoding of a value other than nil (as
/// [`DecodeOptions::table_spans`](crate::DecodeOptions::table_spans)
/// finds them in a document), and whose hash part is empty: how a reader
/// copies a run of a table's values without decoding them. The values are
/// not read, so they must be valid; the result is canonical when they are.
///
/// ```
/// use luaxt_format::{Value, encode, encode_array_of, decode};
/// let (a, b) = (encode(&Value::Int(1))?, encode(&Value::from("x"))?);
/// let table = decode(&encode_array_of([a.as_slice(), b.as_slice()])?)?;
/// assert_eq!(table.to_string(), r#"{1, "x"}"#);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn encode_array_of<'v>(
    values: impl IntoIterator<Item = &'v [u8], IntoIter: ExactSizeIterator>,
) -> Result<Vec<u8>, Error> {
    let values = values.into_iter();
    let limits = Limits::DEFAULT;
    let mut out = Vec::new();
    put_tagged(&mut out, Tag::Table, &count(values.len(), &limits)?)?;
    for value in values {
        out.put(value)?;
    }
    out.put(&count(0, &limits)?)?;
    Ok(out)
}

/// Encodes `value` in canonical form.
///
/// ```
/// use luaxt_format::{encode, Value};
/// assert_eq!(encode(&Value::from("hi"))?, [0x04, 2, 0, 0, 0, b'h', b'i']);
/// assert_eq!(encode(&Value::Float(f64::NAN))?, [3, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F]);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn encode<V: Element>(value: &V) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends the encoding of `value` to `out`.
pub fn encode_into<V: Element>(value: &V, out: &mut Vec<u8>) -> Result<(), Error> {
    encode_into_with(value, out, &Limits::DEFAULT)
}

/// Appends the encoding of `value` to `out`, under `limits` (§6): tables
/// nested deeper than `max_depth` are `depth_exceeded`; a string, bytes
/// value or table part longer than `max_size`, or a document longer than
/// `max_size`, is `length_overflow`. On error `out` is left as it was.
///
/// ```
/// use luaxt_format::{encode_into_with, ErrorKind, Limits, Value};
/// let small = Limits::DEFAULT.with_max_size(9);
/// let mut out = Vec::new();
/// encode_into_with(&Value::from("abcd"), &mut out, &small)?;
/// assert_eq!(out.len(), 9);
/// let err = encode_into_with(&Value::from("abcde"), &mut out, &small).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::LengthOverflow);
/// assert_eq!(out.len(), 9);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn encode_into_with<V: Element>(
    value: &V,
    out: &mut Vec<u8>,
    limits: &Limits,
) -> Result<(), Error> {
    let start = out.len();
    let result = write_document(out, value, limits);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// The number of bytes [`encode`] would write, or its error.
pub fn encoded_len<V: Element>(value: &V) -> Result<usize, Error> {
    let mut counter = Counter(0);
    write_document(&mut counter, value, &Limits::DEFAULT)?;
    Ok(counter.0)
}

/// Writes the encoding of `value` to `writer` (unbuffered: wrap files and
/// sockets in a `BufWriter`). On an error the writer may have received the
/// start of the document.
#[cfg(feature = "std")]
pub fn encode_to_writer<V: Element, W: std::io::Write>(value: &V, writer: W) -> Result<(), Error> {
    write_document(&mut IoSink(writer), value, &Limits::DEFAULT)
}

/// Why [`encode_to_slice`] wrote nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum SliceError {
    /// The buffer is too small; `needed` bytes would fit. Retry with that.
    TooSmall {
        /// The exact size of the encoding.
        needed: usize,
    },
    /// The value cannot be encoded at all.
    Encode(Error),
}

impl core::fmt::Display for SliceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SliceError::TooSmall { needed } => write!(f, "buffer too small: {needed} bytes needed"),
            SliceError::Encode(err) => err.fmt(f),
        }
    }
}

impl core::error::Error for SliceError {}

/// Writes the encoding of `value` into `buf` and returns its length, or
/// reports the size needed without writing (the host ABI's retry, §11).
///
/// ```
/// use luaxt_format::{encode_to_slice, SliceError, Value};
/// let mut small = [0u8; 4];
/// let value = Value::from("hello");
/// assert_eq!(encode_to_slice(&value, &mut small), Err(SliceError::TooSmall { needed: 10 }));
/// let mut big = [0u8; 10];
/// assert_eq!(encode_to_slice(&value, &mut big), Ok(10));
/// ```
pub fn encode_to_slice<V: Element>(value: &V, buf: &mut [u8]) -> Result<usize, SliceError> {
    let needed = encoded_len(value).map_err(SliceError::Encode)?;
    if needed > buf.len() {
        return Err(SliceError::TooSmall { needed });
    }
    let mut sink = SliceSink { buf, pos: 0 };
    write_document(&mut sink, value, &Limits::DEFAULT).map_err(SliceError::Encode)?;
    Ok(sink.pos)
}

/// Encodes `key` as a table key: normalised (§3.2: `2.0` → `2`, `-0.0` →
/// `0`), or `invalid_key` for nil, NaN and tables. Equal keys give equal
/// bytes, so a host can key a map by them (§3.3).
///
/// ```
/// use luaxt_format::{encode_key, Value};
/// assert_eq!(encode_key(&Value::Float(1.0))?, encode_key(&Value::Int(1))?);
/// assert_ne!(encode_key(&Value::from("1"))?, encode_key(&Value::Int(1))?);
/// assert!(encode_key(&Value::Float(f64::NAN)).is_err());
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn encode_key<V: Element>(key: &V) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    encode_key_into(key, &mut out)?;
    Ok(out)
}

/// [`encode_key`] into `out` (cleared first), for a caller that encodes
/// many keys: no allocation once `out` has grown, and no copy of a key
/// that normalising leaves as it is.
///
/// ```
/// use luaxt_format::{encode_key, encode_key_into, Value};
/// let mut buf = Vec::new();
/// for key in [Value::from("name"), Value::Float(2.0), Value::Int(7)] {
///     encode_key_into(&key, &mut buf)?;
///     assert_eq!(buf, encode_key(&key)?);
/// }
/// assert!(encode_key_into(&Value::Nil, &mut buf).is_err());
/// # Ok::<(), luaxt_format::Error>(())
/// ```
pub fn encode_key_into<V: Element>(key: &V, out: &mut Vec<u8>) -> Result<(), Error> {
    out.clear();
    match key.normalised_key()? {
        Some(normalised) => encode_into(&normalised, out),
        None => encode_into(key, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DecodeOptions, Table, Value};
    use alloc::string::ToString;
    use alloc::vec;

    /// 20 integers: every count and length is small, the document is not.
    fn twenty() -> Value {
        Value::Table(Table::from_array((0..20).map(Value::Int).collect()))
    }

    fn small(max_size: u64) -> Limits {
        Limits {
            max_size,
            ..Limits::DEFAULT
        }
    }

    #[test]
    fn documents_longer_than_max_size_are_refused_like_the_decoder_does() {
        let value = twenty();
        let bytes = encode(&value).unwrap();
        assert_eq!(bytes.len(), 5 + 20 * 9 + 4);
        for max_size in [0, 20, 100, 188, 189, 190, 1000] {
            let limits = small(max_size);
            let mut out = vec![0xAA];
            let encoded = encode_into_with(&value, &mut out, &limits);
            let decoded = DecodeOptions::new().limits(limits).decode(&bytes);
            assert_eq!(encoded.is_ok(), decoded.is_ok(), "max_size {max_size}");
            match encoded {
                Ok(()) => assert_eq!(out[1..], bytes[..]),
                Err(err) => {
                    assert_eq!(err.kind(), ErrorKind::LengthOverflow);
                    assert_eq!(err.kind(), decoded.unwrap_err().kind());
                    // Below 20 the array count itself is over the limit.
                    let want = if max_size < 20 {
                        alloc::format!("length overflow (20 > {max_size})")
                    } else {
                        alloc::format!(
                            "length overflow: the document is longer than max_size, {max_size} bytes"
                        )
                    };
                    assert_eq!(err.to_string(), want);
                    assert_eq!(out, [0xAA], "nothing appended");
                }
            }
        }
    }

    #[test]
    fn every_writer_stops_before_the_byte_over_max_size() {
        let value = twenty();
        let mut counter = Counter(0);
        let err = write_document(&mut counter, &value, &small(100)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LengthOverflow);
        assert!(counter.0 <= 100, "{} bytes counted", counter.0);
        let mut buf = [0u8; 189];
        let mut sink = SliceSink {
            buf: &mut buf,
            pos: 0,
        };
        assert!(write_document(&mut sink, &value, &small(188)).is_err());
        assert!(sink.pos <= 188);
        #[cfg(feature = "std")]
        {
            let mut written = Vec::new();
            let err = write_document(&mut IoSink(&mut written), &value, &small(50)).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::LengthOverflow);
            assert!(written.len() <= 50, "{} bytes written", written.len());
        }
    }
}
