//! The typed JSON notation of §7: every LXT value, lossless, in one
//! spelling (so a vector or a file cannot mean two things).
//!
//! Typed JSON: `null` nil · `true`/`false` · `{"int": "-12"}` ·
//! `{"float": "0x3ff8000000000000"}` (the bits; every NaN is written as the
//! canonical NaN) · `{"str": "text"}` · `{"bytes": "00ff"}` ·
//! `{"table": {"array": [...], "hash": [[k, v], ...]}}` (canonical order) ·
//! `{"ref": 7}`.

use std::io;

use luaxt_format::{Table, Value, ValueRef, float_bits};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value as Json;

use crate::error::{Error, ErrorKind, Result};

/// The typed JSON of `value` (§7).
///
/// ```
/// use luaxt_json::value_to_typed;
/// use luaxt_format::Value;
/// assert_eq!(value_to_typed(&Value::Int(-12)).to_string(), r#"{"int":"-12"}"#);
/// assert_eq!(value_to_typed(&Value::Float(1.5)).to_string(), r#"{"float":"0x3ff8000000000000"}"#);
/// ```
pub fn value_to_typed(value: &Value) -> Json {
    match serde_json::to_value(Typed(&value.as_value_ref())) {
        Ok(json) => json,
        // The view writes only maps with string keys and no custom errors:
        // the two things `to_value` refuses.
        Err(e) => unreachable!("typed JSON is always a JSON value: {e}"),
    }
}

/// Writes the typed JSON of `value` (§7) as text to `out` (indented with
/// `pretty`), as [`value_to_typed`] then `serde_json` would, without
/// building the JSON value: only the writer can fail (`io`).
///
/// ```
/// use luaxt_format::{Table, Value};
/// let value = Value::Table(Table::from_array(vec![Value::Bool(true)]));
/// let mut text = Vec::new();
/// luaxt_json::write_typed(&value.as_value_ref(), &mut text, false)?;
/// assert_eq!(text, br#"{"table":{"array":[true],"hash":[]}}"#);
/// # Ok::<(), luaxt_json::Error>(())
/// ```
pub fn write_typed<W: io::Write>(value: &ValueRef<'_>, out: W, pretty: bool) -> Result<()> {
    let written = if pretty {
        serde_json::to_writer_pretty(out, &Typed(value))
    } else {
        serde_json::to_writer(out, &Typed(value))
    };
    written.map_err(Error::io)
}

/// A value as typed JSON: the LXT → typed JSON rules, in one place for
/// [`value_to_typed`] and [`write_typed`].
struct Typed<'v, 'a>(&'v ValueRef<'a>);

impl Serialize for Typed<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        match self.0 {
            ValueRef::Nil => s.serialize_unit(),
            ValueRef::Bool(b) => s.serialize_bool(*b),
            ValueRef::Int(i) => one_entry(s, "int", &i.to_string()),
            ValueRef::Float(f) => one_entry(s, "float", &format!("0x{:016x}", float_bits(*f))),
            ValueRef::Str(text) => one_entry(s, "str", text),
            ValueRef::Bytes(b) => one_entry(s, "bytes", &hex::encode(b)),
            ValueRef::Ref(id) => one_entry(s, "ref", id),
            ValueRef::Table(t) => one_entry(s, "table", &TypedTable(t)),
        }
    }
}

/// A table's `{"array": [...], "hash": [[k, v], ...]}`.
struct TypedTable<'v, 'a>(&'v Table<ValueRef<'a>>);

impl Serialize for TypedTable<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let mut parts = s.serialize_map(Some(2))?;
        parts.serialize_entry("array", &Elements(self.0.array()))?;
        parts.serialize_entry("hash", &Entries(self.0.hash()))?;
        parts.end()
    }
}

struct Elements<'v, 'a>(&'v [ValueRef<'a>]);

impl Serialize for Elements<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Typed))
    }
}

struct Entries<'v, 'a>(&'v [(ValueRef<'a>, ValueRef<'a>)]);

impl Serialize for Entries<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|(k, v)| (Typed(k), Typed(v))))
    }
}

/// `{key: value}`.
fn one_entry<S: Serializer, T: Serialize + ?Sized>(
    s: S,
    key: &str,
    value: &T,
) -> core::result::Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(1))?;
    map.serialize_entry(key, value)?;
    map.end()
}

/// The value of typed JSON (§7). Only the one spelling of §7.3 is read:
/// tables in canonical form (no nil, keys 1..n in the array part, the rest
/// sorted), canonical NaN, lowercase hex, plain decimal integers. Errors
/// name the JSON path of the offending part (`$.table.hash[2][0]`), so a
/// vector cannot silently mean something else and a CLI user can find the
/// mistake in a large file.
///
/// ```
/// use luaxt_json::typed_to_value;
/// use luaxt_format::Value;
/// let json = serde_json::json!({"table": {"array": [{"int": "10"}], "hash": [[{"str": "a"}, true]]}});
/// let value = typed_to_value(&json).unwrap();
/// assert_eq!(value.as_table().unwrap().array(), &[Value::Int(10)]);
/// let loose = serde_json::json!({"table": {"array": [], "hash": [[{"int": "1"}, true]]}});
/// assert!(typed_to_value(&loose).unwrap_err().message().starts_with("at $.table.array: "));
/// ```
pub fn typed_to_value(json: &Json) -> Result<Value> {
    let value = convert(json, "$").map_err(|e| Error::new(ErrorKind::NotTyped, e))?;
    let canonical = value_to_typed(&value);
    match first_difference(json, &canonical, "$".into()) {
        None => Ok(value),
        Some((path, found, expected)) => Err(Error::new(
            ErrorKind::NotTyped,
            format_args!(
                "at {path}: not the one spelling of §7.3 (canonical tables, canonical NaN, lowercase hex, plain integers): found {}, expected {}",
                abbreviate(found),
                abbreviate(expected)
            ),
        )),
    }
}

/// The path and both sides of the first place where `a` and `b` differ.
fn first_difference<'j>(
    a: &'j Json,
    b: &'j Json,
    path: String,
) -> Option<(String, &'j Json, &'j Json)> {
    if a == b {
        return None;
    }
    match (a, b) {
        (Json::Object(x), Json::Object(y)) if x.len() == y.len() && x.keys().eq(y.keys()) => x
            .iter()
            .zip(y.values())
            .find_map(|((key, u), v)| first_difference(u, v, format!("{path}.{key}"))),
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(u, v, format!("{path}[{i}]"))),
        _ => Some((path, a, b)),
    }
}

/// `json` as text, cut short for messages.
fn abbreviate(json: &Json) -> String {
    let text = json.to_string();
    match text.char_indices().nth(120) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn convert(json: &Json, path: &str) -> Result<Value, String> {
    let fail = |what: String| format!("at {path}: {what}");
    let obj = match json {
        Json::Null => return Ok(Value::Nil),
        Json::Bool(b) => return Ok(Value::Bool(*b)),
        Json::Object(obj) if obj.len() == 1 => obj,
        other => {
            return Err(fail(format!(
                "expected null, a boolean or a one-member object such as {{\"int\": \"1\"}}, found {}",
                abbreviate(other)
            )));
        }
    };
    let (kind, inner) = obj.iter().next().expect("one entry");
    let path = format!("{path}.{kind}");
    let fail = |what: String| format!("at {path}: {what}");
    let text = || {
        inner
            .as_str()
            .ok_or_else(|| fail(format!("{kind} needs a string, found {inner}")))
    };
    match kind.as_str() {
        "int" => text()?
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|e| fail(format!("{inner}: {e}"))),
        "float" => {
            let t = text()?;
            let digits = t
                .strip_prefix("0x")
                .filter(|d| d.len() == 16)
                .ok_or_else(|| fail(format!("a float is 0x and 16 hex digits, found {t:?}")))?;
            u64::from_str_radix(digits, 16)
                .map(|bits| Value::Float(f64::from_bits(bits)))
                .map_err(|e| fail(format!("{t:?}: {e}")))
        }
        "str" => Ok(Value::Str(text()?.to_owned())),
        "bytes" => hex::decode(text()?)
            .map(Value::Bytes)
            .map_err(|e| fail(format!("bad hex: {e}"))),
        "ref" => inner
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .map(Value::Ref)
            .ok_or_else(|| {
                fail(format!(
                    "a reference id is a number 0..=4294967295, found {inner}"
                ))
            }),
        "table" => {
            let part = |name: &str| {
                inner.get(name).and_then(Json::as_array).ok_or_else(|| {
                    fail(format!(
                        "a table has an {name:?} list (both parts, also when empty)"
                    ))
                })
            };
            let mut entries = Vec::new();
            for (i, item) in part("array")?.iter().enumerate() {
                let value = convert(item, &format!("{path}.array[{i}]"))?;
                entries.push((Value::Int(i as i64 + 1), value));
            }
            for (i, pair) in part("hash")?.iter().enumerate() {
                let at = format!("{path}.hash[{i}]");
                match pair.as_array().map(Vec::as_slice) {
                    Some([k, v]) => entries.push((
                        convert(k, &format!("{at}[0]"))?,
                        convert(v, &format!("{at}[1]"))?,
                    )),
                    _ => return Err(format!("at {at}: expected a [key, value] pair")),
                }
            }
            let table =
                Table::from_entries(entries).map_err(|e| fail(format!("{}: {e}", e.kind())))?;
            Ok(Value::Table(table))
        }
        other => Err(fail(format!(
            "unknown type {other:?} (expected int, float, str, bytes, table, ref)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn reject(text: &str, path: &str) {
        let json: Json = serde_json::from_str(text).expect("test JSON");
        let err = typed_to_value(&json).expect_err(text);
        assert!(
            err.message().starts_with(&format!("at {path}:")),
            "{text}: {err}"
        );
    }

    #[test]
    fn only_the_one_spelling_of_section_7_3_is_read() {
        reject(r#"{"int": "+5"}"#, "$.int");
        reject(r#"{"int": "007"}"#, "$.int");
        reject(r#"{"int": "-0"}"#, "$.int");
        reject(r#"{"int": 5}"#, "$.int");
        reject(r#"{"int": "9223372036854775808"}"#, "$.int");
        reject(r#"{"float": "0x3FF8000000000000"}"#, "$.float");
        reject(r#"{"float": "0x7ff8000000000001"}"#, "$.float");
        reject(r#"{"bytes": "0F"}"#, "$.bytes");
        reject(r#"{"bytes": "0"}"#, "$.bytes");
        reject(r#"{"ref": 7.0}"#, "$.ref");
        reject(r#"{"ref": 4294967296}"#, "$.ref");
        reject(r#"{"str": "a", "int": "1"}"#, "$");
        reject(r#"{"text": "a"}"#, "$.text");
        reject(r#"{"table": {"array": []}}"#, "$.table");
        reject(
            r#"{"table": {"array": [null], "hash": []}}"#,
            "$.table.array",
        );
        let hash = |entries: &str| format!(r#"{{"table": {{"array": [], "hash": [{entries}]}}}}"#);
        reject(&hash(r#"[{"str": "a"}, null]"#), "$.table.hash");
        reject(
            &hash(r#"[{"str": "b"}, true], [{"str": "a"}, true]"#),
            "$.table.hash[0][0].str",
        );
        reject(
            &hash(r#"[{"str": "a"}, true], [{"str": "a"}, true]"#),
            "$.table",
        );
        reject(
            &hash(r#"[{"float": "0x4000000000000000"}, true]"#),
            "$.table.hash[0][0]",
        );
        reject(
            r#"{"table": {"array": [true], "hash": [[{"int": "2"}, true]]}}"#,
            "$.table.array",
        );
        reject(&hash(r#"[null, true]"#), "$.table");
        reject(
            &hash(r#"[{"str": "a"}, {"int": "x"}]"#),
            "$.table.hash[0][1].int",
        );
    }

    #[test]
    fn values_round_trip_through_the_notation() {
        let mut t = Table::from_array(vec![Value::Int(10), Value::Bytes(vec![1])]);
        t.insert(Value::Float(0.5), "half".into())
            .expect("valid key");
        t.insert(Value::Bytes(b"k".to_vec()), Value::Ref(0))
            .expect("valid key");
        for value in [
            Value::Nil,
            Value::Int(i64::MIN),
            Value::Float(-0.0),
            Value::Float(f64::NAN),
            Value::Str("é\u{0}".into()),
            Value::Table(t),
        ] {
            let text = value_to_typed(&value).to_string();
            let back = typed_to_value(&serde_json::from_str(&text).expect("valid JSON"));
            assert_eq!(back, Ok(value), "{text}");
        }
    }

    #[test]
    fn write_typed_writes_what_value_to_typed_gives() {
        let mut t = Table::from_array(vec![Value::Float(f64::NAN), Value::Nil]);
        t.insert(Value::Int(-3), Value::Bytes(vec![0, 0xff]))
            .expect("valid key");
        t.insert("nested".into(), Value::Table(Table::from_array(vec![])))
            .expect("valid key");
        let values = [
            Value::Nil,
            Value::Bool(false),
            Value::Int(i64::MAX),
            Value::Float(1e300),
            Value::Str("tab\t \"q\" \u{e9}".into()),
            Value::Ref(u32::MAX),
            Value::Table(t),
        ];
        for value in &values {
            let json = value_to_typed(value);
            for pretty in [false, true] {
                let mut text = Vec::new();
                write_typed(&value.as_value_ref(), &mut text, pretty).expect("a Vec takes it");
                let expected = if pretty {
                    serde_json::to_string_pretty(&json).expect("JSON")
                } else {
                    json.to_string()
                };
                assert_eq!(String::from_utf8(text).expect("UTF-8"), expected);
            }
        }
    }
}
