//! State files (runtime snapshots, spec §12): `luaxt inspect` shows their
//! tables, entry by entry, in the Lua-like notation of the spec's examples
//! (`{10, 2.5, name = "Ada", data = <bytes 00 FF>, home = <reference 3>}`).

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Result;
use luaxt_format::{DecodeOptions, Table, ValueRef};
use luaxt_runtime::snapshot;
use luaxt_runtime::{HOME_ID, IO_ID};

use crate::ExitStatus;

/// Whether `bytes` look like a snapshot (they start with its magic).
pub fn is_snapshot(bytes: &[u8]) -> bool {
    bytes.starts_with(&snapshot::MAGIC)
}

/// The hint added to LXT errors on a snapshot file.
pub const HINT: &str = "this is a luaxt state file (a snapshot, spec §12), not one LXT value: `luaxt inspect FILE` shows it";

/// Dumps a snapshot: each table and its entries.
pub fn dump(bytes: &[u8], width: usize, out: &mut impl Write) -> Result<ExitStatus> {
    let tables = match snapshot::read(bytes) {
        Ok(tables) => tables,
        Err(e) => {
            writeln!(out, "snapshot (spec §12), {} bytes", bytes.len())?;
            writeln!(out, "error: invalid snapshot: {e}")?;
            return Ok(ExitStatus::Invalid);
        }
    };
    let entries: usize = tables.iter().map(|t| t.entries.len()).sum();
    writeln!(
        out,
        "snapshot (spec §12), version {}: {} tables, {entries} entries, {} bytes, checksum ok",
        snapshot::VERSION,
        tables.len(),
        bytes.len()
    )?;
    let render = Render { width };
    for table in &tables {
        let name = match table.id {
            HOME_ID => format!("_home (table {HOME_ID})"),
            IO_ID => format!("_io (table {IO_ID})"),
            id => format!("table {id}"),
        };
        writeln!(out, "{name}: {} entries", table.entries.len())?;
        for (key, value) in &table.entries {
            // `snapshot::read` has checked both.
            let options = DecodeOptions::new();
            let (Ok(key), Ok(value)) = (options.decode_ref(key), options.decode_ref(value)) else {
                continue;
            };
            writeln!(out, "  {} = {}", render.key(&key), render.value(&value))?;
        }
    }
    Ok(ExitStatus::Ok)
}

/// Lua-like literals, shortened to keep one entry on one line.
struct Render {
    width: usize,
}

/// Most entries of one table shown inline.
const MAX_ITEMS: usize = 16;

const KEYWORDS: [&str; 22] = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

impl Render {
    fn key(&self, key: &ValueRef<'_>) -> String {
        match key {
            ValueRef::Str(s) if is_name(s) => (*s).to_owned(),
            other => format!("[{}]", self.value(other)),
        }
    }

    fn value(&self, value: &ValueRef<'_>) -> String {
        match value {
            ValueRef::Nil => "nil".to_owned(),
            ValueRef::Bool(b) => b.to_string(),
            ValueRef::Int(i) => i.to_string(),
            ValueRef::Float(f) if f.is_nan() => "0/0".to_owned(),
            ValueRef::Float(f) if f.is_infinite() => {
                if *f > 0.0 { "1/0" } else { "-1/0" }.to_owned()
            }
            ValueRef::Float(f) => format!("{f:?}"),
            ValueRef::Str(s) => {
                let count = s.chars().count();
                if count <= self.width {
                    format!("{s:?}")
                } else {
                    let head: String = s.chars().take(self.width).collect();
                    format!("{head:?}… ({count} chars)")
                }
            }
            ValueRef::Bytes(b) => {
                let shown = &b[..b.len().min(self.width)];
                let mut text = String::from("<bytes");
                for byte in shown {
                    let _ = write!(text, " {byte:02X}");
                }
                if shown.len() < b.len() {
                    let _ = write!(text, " … ({} bytes)", b.len());
                }
                text.push('>');
                text
            }
            ValueRef::Ref(id) => format!("<reference {id}>"),
            ValueRef::Table(t) => self.table(t),
        }
    }

    fn table(&self, t: &Table<ValueRef<'_>>) -> String {
        let mut parts: Vec<String> = t
            .array()
            .iter()
            .take(MAX_ITEMS)
            .map(|v| self.value(v))
            .collect();
        let room = MAX_ITEMS.saturating_sub(parts.len());
        parts.extend(
            t.hash()
                .iter()
                .take(room)
                .map(|(k, v)| format!("{} = {}", self.key(k), self.value(v))),
        );
        if t.len() > parts.len() {
            parts.push(format!("… ({} entries)", t.len()));
        }
        format!("{{{}}}", parts.join(", "))
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use luaxt_format::Value;

    #[test]
    fn renders_the_spec_example_notation() {
        let mut pos = Table::new();
        pos.insert("x".into(), 1.into()).unwrap();
        pos.insert("y".into(), Value::Int(-2)).unwrap();
        let mut t = Table::from_array(vec![Value::Int(10), Value::Float(2.5)]);
        t.insert("name".into(), "Ada".into()).unwrap();
        t.insert(Value::Int(0), Value::Bool(true)).unwrap();
        t.insert("pos".into(), Value::Table(pos)).unwrap();
        t.insert("data".into(), Value::Bytes(vec![0, 255])).unwrap();
        t.insert("home".into(), Value::Ref(3)).unwrap();
        t.insert("end".into(), Value::Float(f64::NEG_INFINITY))
            .unwrap();
        let shown = Render { width: 64 }.value(&Value::Table(t).as_value_ref());
        assert_eq!(
            shown,
            r#"{10, 2.5, [0] = true, ["end"] = -1/0, pos = {x = 1, y = -2}, data = <bytes 00 FF>, home = <reference 3>, name = "Ada"}"#
        );
    }

    #[test]
    fn long_tables_and_strings_are_shortened() {
        let t = Table::from_array((0..40).map(Value::Int).collect());
        let shown = Render { width: 4 }.value(&Value::Table(t).as_value_ref());
        assert!(shown.ends_with(", 15, … (40 entries)}"), "{shown}");
        let s = Render { width: 4 }.value(&ValueRef::Str("abcdefgh"));
        assert_eq!(s, r#""abcd"… (8 chars)"#);
    }
}
