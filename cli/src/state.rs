//! State files (runtime snapshots, spec §12): `luaxt inspect` shows their
//! tables, entry by entry, in the Lua-like notation of the spec's examples
//! (`{10, 2.5, name = "Ada", data = <bytes 00 FF>, home = <reference 3>}`).

use std::io::Write;

use anyhow::Result;
use luaxt_format::{DecodeOptions, Limits, Notation, ValueRef};
use luaxt_runtime::snapshot;
use luaxt_runtime::{HOME_ID, IO_ID};

use crate::ExitStatus;

/// Whether `bytes` look like a snapshot (they start with its magic).
pub fn is_snapshot(bytes: &[u8]) -> bool {
    bytes.starts_with(&snapshot::MAGIC)
}

/// The hint added to LXT errors on a snapshot file.
pub const HINT: &str = "this is a luaxt state file (a snapshot, spec §12), not one LXT value: `luaxt inspect FILE` shows it";

/// Dumps a snapshot: each table and its entries, read under `limits`
/// (`--max-depth`, `--max-size`: those of the run that wrote it).
pub fn dump(
    bytes: &[u8],
    limits: &Limits,
    width: usize,
    out: &mut impl Write,
) -> Result<ExitStatus> {
    let tables = match snapshot::read_with(bytes, limits) {
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
    for table in &tables {
        let name = match table.id {
            HOME_ID => format!("_home (table {HOME_ID})"),
            IO_ID => format!("_io (table {IO_ID})"),
            id => format!("table {id}"),
        };
        writeln!(out, "{name}: {} entries", table.entries.len())?;
        for (key, value) in &table.entries {
            // `snapshot::read` has checked both.
            let options = DecodeOptions::new().limits(*limits);
            let (Ok(key), Ok(value)) = (options.decode_ref(key), options.decode_ref(value)) else {
                continue;
            };
            writeln!(out, "  {}", entry(&key, &value, width))?;
        }
    }
    Ok(ExitStatus::Ok)
}

/// Most entries of one table shown inline.
const MAX_ITEMS: usize = 16;

/// One entry of a snapshot table on one line: `key = value` in the
/// notation of the spec's examples, strings, bytes and tables shortened.
fn entry(key: &ValueRef<'_>, value: &ValueRef<'_>, width: usize) -> String {
    let shorten = |v| Notation::new(v).max_chars(width).max_items(MAX_ITEMS);
    format!("{} = {}", shorten(key).key(), shorten(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use luaxt_format::{Table, Value};

    #[test]
    fn entries_are_one_line_in_the_spec_example_notation() {
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
        let t = Value::Table(t);
        let key = Value::from("root");
        assert_eq!(
            entry(&key.as_value_ref(), &t.as_value_ref(), 64),
            r#"root = {10, 2.5, [0] = true, ["end"] = -1/0, pos = {x = 1, y = -2}, data = <bytes 00 FF>, home = <reference 3>, name = "Ada"}"#
        );
        // The same notation as Display, when nothing is shortened.
        assert_eq!(
            entry(&key.as_value_ref(), &t.as_value_ref(), 64),
            format!("root = {t}")
        );
    }

    #[test]
    fn long_tables_and_strings_are_shortened() {
        let t = Value::Table(Table::from_array((0..40).map(Value::Int).collect()));
        let shown = entry(&ValueRef::Int(1), &t.as_value_ref(), 4);
        assert!(shown.starts_with("[1] = {0, 1, "), "{shown}");
        assert!(shown.ends_with(", 15, … (40 entries)}"), "{shown}");
        let s = entry(&ValueRef::Str("end"), &ValueRef::Str("abcdefgh"), 4);
        assert_eq!(s, r#"["end"] = "abcd"… (8 chars)"#);
    }
}
