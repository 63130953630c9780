//! An annotated dump of an LXT document, for people: offsets, tags,
//! nesting, count fields, noncanonical items marked, and on an error its
//! class, offset and the bytes around it. `luaxt inspect` prints it, and
//! the WebAssembly build can show the same text in a page.
//!
//! The dump is written by a small walker of its own, so it can show the
//! wire layout; whether the input is valid, and where the first error is,
//! comes from this crate's decoder ([`DecodeOptions::check`]), which is
//! authoritative. The walker prints every item that lies wholly before that
//! error, then the error and the bytes around it.
//!
//! ```
//! use luaxt_format::{inspect, DecodeOptions};
//! let dump = inspect::inspect(&[0x02, 7, 0, 0, 0, 0, 0, 0, 0], &DecodeOptions::new(), 64);
//! assert!(dump.text.contains("integer 7"));
//! assert!(dump.text.ends_with("ok: 9 bytes, canonical\n"));
//! assert!(dump.verdict.is_ok());
//! ```

use alloc::format;
use alloc::string::{String, ToString};
use core::cmp::Ordering;
use core::fmt::Write as _;

use crate::key::{encoded_key_order, float_key_as_int};
use crate::scalar::Scalar;
use crate::value::is_noncanonical_nan;
use crate::wire::{Cursor, u32_at};
use crate::{Canonicity, DecodeOptions, Error, Tag, ValueRef};

/// A dump and the decoder's verdict on the document.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The dump, one line per item, ending with the verdict line (and on an
    /// error, the bytes around it).
    pub text: String,
    /// What [`DecodeOptions::check`] said.
    pub verdict: Result<Canonicity, Error>,
}

/// The annotated dump of `bytes` under `options` (strict mode makes a
/// noncanonical document an error); strings and bytes values are shown up
/// to `width` characters or bytes.
pub fn inspect(bytes: &[u8], options: &DecodeOptions, width: usize) -> Inspection {
    let verdict = options.check(bytes);
    let stop = match &verdict {
        Ok(_) => bytes.len(),
        Err(e) => e.offset().unwrap_or(0),
    };
    let first_noncanonical = match &verdict {
        Ok(Canonicity::Noncanonical { offset }) => Some(*offset),
        _ => None,
    };
    let mut dumper = Dumper {
        bytes,
        visible: &bytes[..stop.min(bytes.len())],
        width,
        out: String::from("  offset tag\n"),
        first_noncanonical,
        note: String::new(),
    };
    // The walker stops by itself at `stop`; a `Stop` is not an error here.
    let _ = dumper.value(0, 0, "");
    let mut text = dumper.out;
    match &verdict {
        Ok(Canonicity::Canonical) => {
            let _ = writeln!(text, "ok: {} bytes, canonical", bytes.len());
        }
        Ok(Canonicity::Noncanonical { offset }) => {
            let _ = writeln!(
                text,
                "ok: {} bytes, valid but noncanonical (first noncanonical item at offset {offset})",
                bytes.len()
            );
        }
        Err(e) => {
            let offset = e.offset().unwrap_or(0);
            let _ = writeln!(text, "error: {}", describe_error(e));
            text.push_str(&window(bytes, offset, 16));
        }
    }
    Inspection { text, verdict }
}

/// `class at offset N: details` for a format error.
pub fn describe_error(e: &Error) -> String {
    let text = e.to_string();
    match e.offset() {
        Some(offset) => {
            let detail = text
                .strip_suffix(&format!(" at offset {offset}"))
                .unwrap_or(&text);
            format!("{} at offset {offset}: {detail}", e.kind().name())
        }
        None => format!("{}: {text}", e.kind().name()),
    }
}

/// Lowercase hex with a space between bytes (`06 00 00`).
pub fn spaced(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Rows of 16 bytes around `offset` (up to `radius` bytes either side),
/// each starting with its decimal offset; the byte at `offset` is put in
/// brackets, and an offset at the end of the input shows `[end]`.
pub fn window(bytes: &[u8], offset: usize, radius: usize) -> String {
    let first = offset.saturating_sub(radius) / 16 * 16;
    let last = (offset + radius + 1).min(bytes.len());
    let at_end = offset >= bytes.len();
    let mut out = String::new();
    let mut row = first;
    loop {
        let end = (row + 16).min(last).max(row);
        let _ = write!(out, "  {row:>8} ");
        for (at, b) in (row..end).zip(&bytes[row..end]) {
            if at == offset {
                let _ = write!(out, "[{b:02x}]");
            } else if at == offset + 1 && at != row {
                let _ = write!(out, "{b:02x}");
            } else {
                let _ = write!(out, " {b:02x}");
            }
        }
        if at_end && (row..row + 16).contains(&offset) {
            out.push_str(" [end]");
        }
        out.push('\n');
        row += 16;
        if row >= last && !(at_end && offset >= row) {
            break;
        }
    }
    out
}

/// Reached the error offset (or the walker's own bounds check failed).
struct Stop;

impl From<Error> for Stop {
    fn from(_: Error) -> Stop {
        Stop
    }
}

struct Dumper<'a> {
    bytes: &'a [u8],
    /// The bytes before the error offset (all of them for valid input):
    /// the walker reads nothing past them.
    visible: &'a [u8],
    width: usize,
    out: String,
    first_noncanonical: Option<usize>,
    /// A note for the next line (a noncanonical key).
    note: String,
}

impl Dumper<'_> {
    /// The u32 count at `at`, if it lies before the stop offset.
    fn u32_at(&self, at: usize) -> Result<usize, Stop> {
        u32_at(self.visible, at).map(|n| n as usize).ok_or(Stop)
    }

    fn line(&mut self, at: usize, tag: Option<u8>, depth: usize, text: &str) -> Result<(), Stop> {
        let tag = tag.map_or(String::from("  "), |t| format!("{t:02x}"));
        let note = core::mem::take(&mut self.note);
        let mark = if self.first_noncanonical == Some(at) {
            "   <- first noncanonical item"
        } else {
            ""
        };
        let indent = "  ".repeat(depth);
        writeln!(self.out, "{at:>8} {tag}  {indent}{text}{note}{mark}").map_err(|_| Stop)
    }

    /// Dumps the value at `at`; returns the offset after it.
    fn value(&mut self, at: usize, depth: usize, label: &str) -> Result<usize, Stop> {
        let kind = Cursor::at(self.visible, at).tag()?;
        let tag = kind as u8;
        if kind == Tag::Table {
            return self.table(at, depth, label);
        }
        let (end, text) = match self.scalar(at, kind) {
            Ok(done) => done,
            Err(Stop) => {
                // The error is inside this item: show where it starts.
                let text = format!("{label}{} … (cut short by the error below)", kind.name());
                self.line(at, Some(tag), depth, &text)?;
                return Err(Stop);
            }
        };
        let note = if kind == Tag::Nil && !label.is_empty() {
            "  (noncanonical: nil entry, dropped)"
        } else if kind == Tag::Float
            && Cursor::at(self.bytes, at + 1)
                .f64()
                .is_ok_and(is_noncanonical_nan)
        {
            "  (noncanonical NaN bits)"
        } else {
            ""
        };
        self.line(at, Some(tag), depth, &format!("{label}{text}{note}"))?;
        Ok(end)
    }

    /// A scalar's end offset and description, if it lies before the stop.
    fn scalar(&self, at: usize, kind: Tag) -> Result<(usize, String), Stop> {
        if kind == Tag::Nil {
            return Ok((at + 1, String::from("nil")));
        }
        let mut cursor = Cursor::at(self.visible, at + 1);
        let text = match cursor.scalar(kind)? {
            Scalar::Bool(b) => format!("boolean {b}"),
            Scalar::Int(i) => format!("integer {i}"),
            Scalar::Float(f) => describe_float(f.to_bits()),
            Scalar::Str(text) => format!("string {}", self.shorten_str(text)),
            Scalar::Bytes(content) => format!("bytes {}", self.shorten_bytes(content)),
            Scalar::Ref(id) => format!("reference {id}"),
        };
        Ok((cursor.pos(), text))
    }

    fn table(&mut self, at: usize, depth: usize, label: &str) -> Result<usize, Stop> {
        if at >= self.visible.len() {
            return Err(Stop);
        }
        self.line(at, Some(0x06), depth, &format!("{label}table"))?;
        let n = self.u32_at(at + 1)?;
        self.line(at + 1, None, depth + 1, &format!("array part: {n} values"))?;
        let mut pos = at + 5;
        for i in 1..=n {
            pos = self.value(pos, depth + 1, &format!("[{i}] "))?;
        }
        let m = self.u32_at(pos)?;
        self.line(pos, None, depth + 1, &format!("hash part: {m} entries"))?;
        pos += 4;
        let mut previous: Option<(usize, usize)> = None;
        for _ in 0..m {
            let key_at = pos;
            self.note = self.key_note(pos, n, previous);
            pos = self.value(pos, depth + 1, "key ")?;
            previous = Some((key_at, pos));
            pos = self.value(pos, depth + 2, "= ")?;
        }
        Ok(pos)
    }

    /// A note for a noncanonical key at `at`, if its encoding is complete.
    fn key_note(&self, at: usize, n: usize, previous: Option<(usize, usize)>) -> String {
        let mut cursor = Cursor::at(self.visible, at);
        let Ok(key) = cursor.scalar_value() else {
            return String::new();
        };
        let span = &self.visible[at..cursor.pos()];
        if let Scalar::Float(f) = key
            && let Some(i) = float_key_as_int(f)
        {
            return format!("  (noncanonical: float key {f:?} is the integer {i})");
        }
        if key.as_int() == Some(n as i64 + 1) {
            return String::from("  (noncanonical: key n+1 belongs in the array part)");
        }
        if let Some((p_at, p_end)) = previous
            && encoded_key_order(&self.bytes[p_at..p_end], span) != Ordering::Less
        {
            return String::from("  (noncanonical: out of order)");
        }
        String::new()
    }

    fn shorten_str(&self, text: &str) -> String {
        let count = text.chars().count();
        if count <= self.width {
            format!("{text:?}")
        } else {
            let head: String = text.chars().take(self.width).collect();
            format!("{head:?}… ({count} chars, {} bytes)", text.len())
        }
    }

    fn shorten_bytes(&self, content: &[u8]) -> String {
        if content.len() <= self.width {
            format!("{} ({} bytes)", spaced(content), content.len())
        } else {
            format!(
                "{} … ({} bytes)",
                spaced(&content[..self.width]),
                content.len()
            )
        }
    }
}

fn describe_float(bits: u64) -> String {
    let f = f64::from_bits(bits);
    format!("float {f:?} (0x{bits:016x})")
}

/// A short description of a scalar, for messages (`integer 3`, `string "a"`).
pub fn describe_scalar(value: &ValueRef<'_>) -> String {
    match value {
        ValueRef::Int(i) => format!("integer {i}"),
        ValueRef::Float(f) => format!("float {f:?}"),
        ValueRef::Str(s) => format!("string {s:?}"),
        ValueRef::Bool(b) => format!("boolean {b}"),
        ValueRef::Ref(id) => format!("reference {id}"),
        ValueRef::Bytes(b) => {
            let mut text = String::from("bytes ");
            for byte in *b {
                let _ = write!(text, "{byte:02x}");
            }
            text
        }
        other => String::from(other.tag().name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn window_marks_the_offset() {
        let bytes: Vec<u8> = (0..40).collect();
        let w = window(&bytes, 20, 4);
        assert_eq!(w, "        16  10 11 12 13[14]15 16 17 18\n");
        let w = window(&[1, 2], 2, 8);
        assert_eq!(w, "         0  01 02 [end]\n");
        let w = window(&[], 0, 8);
        assert_eq!(w, "         0  [end]\n");
    }

    #[test]
    fn spaced_hex() {
        assert_eq!(spaced(&[6, 1]), "06 01");
        assert_eq!(spaced(&[]), "");
    }
}
