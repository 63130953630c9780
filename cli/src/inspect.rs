//! `luaxt inspect`: an annotated dump of an LXT document.
//!
//! The dump is written by a small walker of its own, so it can show the
//! wire layout (count fields, keys, noncanonical items); whether the input
//! is valid, and where the first error is, comes from `luaxt-format`'s
//! decoder, which is authoritative. The walker prints every item that lies
//! wholly before that error, then the error and the bytes around it.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use luaxt_format::{Canonicity, DecodeOptions, Tag, ValueRef};

use crate::{ExitStatus, hex, io as cli_io};

/// Arguments of `luaxt inspect`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each line shows the offset (decimal), the tag byte, and the item, indented by \
nesting. Table count fields get their own lines. Items that are valid but not \
canonical are marked. On a decode error the dump stops before the bad item and \
the error class, its offset and the bytes around it follow; the exit code is 2.

A state file of `luaxt run` (a runtime snapshot, spec §12, recognised by its \
magic LXTSNAP) is shown table by table, one entry a line, in the notation of \
the spec's examples: {10, name = \"Ada\", data = <bytes 00 FF>, home = <reference 3>}.

Examples:
  luaxt inspect value.lxt
  luaxt inspect .luaxt-state
  echo '06 01 00 00 00 02 0a 00 00 00 00 00 00 00 00 00 00 00' | luaxt inspect --hex -
  luaxt encode data.json | luaxt inspect -")]
pub struct InspectArgs {
    /// The LXT file, or `-` for stdin.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
    /// Read hex text (whitespace and `#` comments ignored) instead of raw bytes.
    #[arg(long)]
    pub hex: bool,
    /// Report noncanonical input as an error (strict decoding).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
    /// Show at most this many characters of a string and bytes of a bytes value.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub width: usize,
}

/// Runs `luaxt inspect`.
pub fn run(args: &InspectArgs) -> Result<ExitStatus> {
    let bytes = cli_io::read_lxt(Some(&args.file), args.hex)?;
    if crate::state::is_snapshot(&bytes) {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let status = crate::state::dump(&bytes, args.width, &mut out)?;
        out.flush()?;
        return Ok(status);
    }
    let verdict = DecodeOptions::new()
        .strict(args.strict)
        .limits(args.limits.limits())
        .check(&bytes);
    let stop = match &verdict {
        Ok(_) => bytes.len(),
        Err(e) => e.offset().unwrap_or(0),
    };
    let first_noncanonical = match &verdict {
        Ok(Canonicity::Noncanonical { offset }) => Some(*offset),
        _ => None,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    writeln!(out, "  offset tag")?;
    let mut dumper = Dumper {
        bytes: &bytes,
        stop,
        width: args.width,
        out: &mut out,
        first_noncanonical,
        note: String::new(),
    };
    // The walker stops by itself at `stop`; a `Stop` is not an error here.
    let _ = dumper.value(0, 0, "");
    match verdict {
        Ok(Canonicity::Canonical) => {
            writeln!(out, "ok: {} bytes, canonical", bytes.len())?;
            out.flush()?;
            Ok(ExitStatus::Ok)
        }
        Ok(Canonicity::Noncanonical { offset }) => {
            writeln!(
                out,
                "ok: {} bytes, valid but noncanonical (first noncanonical item at offset {offset})",
                bytes.len()
            )?;
            out.flush()?;
            Ok(ExitStatus::Ok)
        }
        Err(e) => {
            let offset = e.offset().unwrap_or(0);
            writeln!(out, "error: {}", crate::describe_error(&e))?;
            write!(out, "{}", hex::window(&bytes, offset, 16))?;
            out.flush()?;
            Ok(ExitStatus::Invalid)
        }
    }
}

/// Reached the error offset (or the walker's own bounds check failed).
struct Stop;

struct Dumper<'a, W> {
    bytes: &'a [u8],
    stop: usize,
    width: usize,
    out: W,
    first_noncanonical: Option<usize>,
    /// A note for the next line (a noncanonical key).
    note: String,
}

impl<W: Write> Dumper<'_, W> {
    /// `len` bytes at `at`, if they lie before the stop offset.
    fn take(&self, at: usize, len: usize) -> Result<&[u8], Stop> {
        let end = at.checked_add(len).ok_or(Stop)?;
        if end > self.stop || end > self.bytes.len() {
            return Err(Stop);
        }
        Ok(&self.bytes[at..end])
    }

    fn u32_at(&self, at: usize) -> Result<usize, Stop> {
        let b = self.take(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn line(&mut self, at: usize, tag: Option<u8>, depth: usize, text: &str) -> Result<(), Stop> {
        let tag = tag.map_or("  ".to_owned(), |t| format!("{t:02x}"));
        let note = std::mem::take(&mut self.note);
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
        let tag = self.take(at, 1)?[0];
        let Some(kind) = Tag::from_byte(tag) else {
            return Err(Stop);
        };
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
        } else if kind == Tag::Float && is_noncanonical_nan(self.bytes, at) {
            "  (noncanonical NaN bits)"
        } else {
            ""
        };
        self.line(at, Some(tag), depth, &format!("{label}{text}{note}"))?;
        Ok(end)
    }

    /// A scalar's end offset and description, if it lies before the stop.
    fn scalar(&self, at: usize, kind: Tag) -> Result<(usize, String), Stop> {
        let done = match kind {
            Tag::Table => return Err(Stop),
            Tag::Nil => (at + 1, "nil".to_owned()),
            Tag::Bool => {
                let b = self.take(at + 1, 1)?[0];
                (at + 2, format!("boolean {}", b == 1))
            }
            Tag::Int => {
                let b = self.take(at + 1, 8)?;
                let i = i64::from_le_bytes(b.try_into().map_err(|_| Stop)?);
                (at + 9, format!("integer {i}"))
            }
            Tag::Float => {
                let b = self.take(at + 1, 8)?;
                let bits = u64::from_le_bytes(b.try_into().map_err(|_| Stop)?);
                (at + 9, describe_float(bits))
            }
            Tag::Str => {
                let len = self.u32_at(at + 1)?;
                let content = self.take(at + 5, len)?;
                let text = luaxt_format::utf8_text(content).map_err(|_| Stop)?;
                (at + 5 + len, format!("string {}", self.shorten_str(text)))
            }
            Tag::Bytes => {
                let len = self.u32_at(at + 1)?;
                let content = self.take(at + 5, len)?;
                (
                    at + 5 + len,
                    format!("bytes {}", self.shorten_bytes(content)),
                )
            }
            Tag::Ref => {
                let id = self.u32_at(at + 1)?;
                (at + 5, format!("reference {id}"))
            }
        };
        self.take(at, done.0 - at)?;
        Ok(done)
    }

    fn table(&mut self, at: usize, depth: usize, label: &str) -> Result<usize, Stop> {
        if at >= self.stop {
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
        let Some(span) = self.key_span(at) else {
            return String::new();
        };
        let Ok(decoded) = DecodeOptions::new().decode_ref(span) else {
            return String::new();
        };
        if let ValueRef::Float(f) = decoded
            && let Some(i) = luaxt_format::float_key_as_int(f)
        {
            return format!("  (noncanonical: float key {f:?} is the integer {i})");
        }
        if decoded.as_i64() == Some(n as i64 + 1) {
            return "  (noncanonical: key n+1 belongs in the array part)".to_owned();
        }
        if let Some((p_at, p_end)) = previous
            && luaxt_format::encoded_key_order(&self.bytes[p_at..p_end], span)
                != std::cmp::Ordering::Less
        {
            return "  (noncanonical: out of order)".to_owned();
        }
        String::new()
    }

    /// The bytes of the scalar key at `at`, if complete and before stop.
    fn key_span(&self, at: usize) -> Option<&[u8]> {
        let tag = Tag::from_byte(*self.bytes.get(at)?)?;
        let len = match tag {
            Tag::Nil => 1,
            Tag::Bool => 2,
            Tag::Int | Tag::Float => 9,
            Tag::Ref => 5,
            Tag::Str | Tag::Bytes => 5 + self.u32_at(at + 1).ok()?,
            Tag::Table => return None,
        };
        self.take(at, len).ok()
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
            format!("{} ({} bytes)", hex::spaced(content), content.len())
        } else {
            format!(
                "{} … ({} bytes)",
                hex::spaced(&content[..self.width]),
                content.len()
            )
        }
    }
}

fn is_noncanonical_nan(bytes: &[u8], at: usize) -> bool {
    bytes
        .get(at + 1..at + 9)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .is_some_and(|bits| {
            f64::from_bits(bits).is_nan() && bits != luaxt_format::CANONICAL_NAN_BITS
        })
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
        ValueRef::Bytes(b) => format!("bytes {}", hex::encode(b)),
        other => other.tag().name().to_owned(),
    }
}
