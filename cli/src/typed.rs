//! The typed JSON notation of spec §7: lossless for every LXT value.
//!
//! `null` nil · `true`/`false` · `{"int": "-12"}` · `{"float":
//! "0x3ff8000000000000"}` (the bits) · `{"str": "text"}` · `{"bytes":
//! "00ff"}` · `{"table": {"array": [v…], "hash": [[k, v], …]}}` · `{"ref": 7}`.
//!
//! Writing always gives canonical order and lowercase hex. Reading accepts
//! hash entries in any order (they are sorted), uppercase hex, a `hash` or
//! `array` member left out (empty), and `null` in `array` as a hole; keys
//! are normalised (a float key 2.0 is the integer 2) and two equal keys are
//! an error.

use anyhow::{Context, Result, anyhow, bail};
use luaxt_format::{Table, Value, ValueRef};
use serde_json::{Map, json};

use crate::path::Path;

/// The typed notation of `value`.
pub fn from_lxt(value: &ValueRef<'_>) -> serde_json::Value {
    match value {
        ValueRef::Nil => serde_json::Value::Null,
        ValueRef::Bool(b) => serde_json::Value::Bool(*b),
        ValueRef::Int(i) => json!({ "int": i.to_string() }),
        ValueRef::Float(f) => json!({ "float": float_bits(*f) }),
        ValueRef::Str(s) => json!({ "str": s }),
        ValueRef::Bytes(b) => json!({ "bytes": crate::hex::encode(b) }),
        ValueRef::Ref(id) => json!({ "ref": id }),
        ValueRef::Table(t) => {
            let array: Vec<_> = t.array().iter().map(from_lxt).collect();
            let hash: Vec<_> = t
                .hash()
                .iter()
                .map(|(k, v)| serde_json::Value::Array(vec![from_lxt(k), from_lxt(v)]))
                .collect();
            json!({ "table": { "array": array, "hash": hash } })
        }
    }
}

/// `0x` and the 16 lowercase hex digits of the bits of `f`. Every NaN is
/// written as the canonical NaN, as the encoder writes it (§4.3).
fn float_bits(f: f64) -> String {
    let bits = if f.is_nan() {
        luaxt_format::CANONICAL_NAN_BITS
    } else {
        f.to_bits()
    };
    format!("0x{bits:016x}")
}

/// Reads the typed notation.
pub fn to_lxt(json: &serde_json::Value) -> Result<Value> {
    let mut path = Path::root();
    convert(json, &mut path).with_context(|| format!("invalid typed JSON at {path}"))
}

/// On error `path` is left at the offending value.
fn convert(json: &serde_json::Value, path: &mut Path) -> Result<Value> {
    let members = match json {
        serde_json::Value::Null => return Ok(Value::Nil),
        serde_json::Value::Bool(b) => return Ok(Value::Bool(*b)),
        serde_json::Value::Object(members) => members,
        other => bail!(
            "expected null, true, false or a one-member object such as {{\"int\": \"1\"}}, found {}",
            kind(other)
        ),
    };
    let mut iter = members.iter();
    let (Some((tag, inner)), None) = (iter.next(), iter.next()) else {
        bail!(
            "a typed value is an object with exactly one member (int, float, str, bytes, table, ref), found {} members",
            members.len()
        );
    };
    path.push_key(tag);
    let value = match tag.as_str() {
        "int" => {
            let text = string(inner)?;
            Value::Int(
                text.parse()
                    .map_err(|_| anyhow!("{text:?} is not a decimal i64"))?,
            )
        }
        "float" => {
            let text = string(inner)?;
            let digits = text
                .strip_prefix("0x")
                .filter(|d| d.len() == 16)
                .ok_or_else(|| anyhow!("{text:?} is not 0x and 16 hex digits"))?;
            let bits = u64::from_str_radix(digits, 16)
                .map_err(|_| anyhow!("{text:?} is not 0x and 16 hex digits"))?;
            Value::Float(f64::from_bits(bits))
        }
        "str" => Value::Str(string(inner)?.to_owned()),
        "bytes" => Value::Bytes(
            crate::hex::parse(string(inner)?)
                .map_err(|e| anyhow!("{e}"))
                .context("bytes are written as hex (\"00ff\")")?,
        ),
        "ref" => {
            let id = inner
                .as_u64()
                .and_then(|id| u32::try_from(id).ok())
                .ok_or_else(|| anyhow!("a reference id is a number 0..=4294967295"))?;
            Value::Ref(id)
        }
        "table" => table(inner, path)?,
        other => bail!("unknown type {other:?} (expected int, float, str, bytes, table, ref)"),
    };
    path.pop();
    Ok(value)
}

fn table(json: &serde_json::Value, path: &mut Path) -> Result<Value> {
    let empty = Map::new();
    let members = match json {
        serde_json::Value::Object(m) => m,
        serde_json::Value::Null => &empty,
        other => bail!(
            "expected {{\"array\": [...], \"hash\": [[k, v], ...]}}, found {}",
            kind(other)
        ),
    };
    if let Some(extra) = members.keys().find(|k| *k != "array" && *k != "hash") {
        bail!("unknown table member {extra:?} (expected array and hash)");
    }
    let mut entries = Vec::new();
    if let Some(array) = members.get("array") {
        path.push_key("array");
        let items = array
            .as_array()
            .ok_or_else(|| anyhow!("expected an array, found {}", kind(array)))?;
        for (i, item) in items.iter().enumerate() {
            path.push_index(i);
            entries.push((Value::Int(i as i64 + 1), convert(item, path)?));
            path.pop();
        }
        path.pop();
    }
    if let Some(hash) = members.get("hash") {
        path.push_key("hash");
        let pairs = hash.as_array().ok_or_else(|| {
            anyhow!(
                "expected an array of [key, value] pairs, found {}",
                kind(hash)
            )
        })?;
        for (i, pair) in pairs.iter().enumerate() {
            path.push_index(i);
            let [k, v] = pair.as_array().map(Vec::as_slice).unwrap_or_default() else {
                bail!("expected a [key, value] pair");
            };
            path.push_index(0);
            let key = convert(k, path)?;
            path.pop();
            path.push_index(1);
            let value = convert(v, path)?;
            path.pop();
            entries.push((key, value));
            path.pop();
        }
        path.pop();
    }
    Table::from_entries(entries)
        .map(Value::Table)
        .map_err(|e| anyhow!("{}: {e}", e.kind()))
}

fn string(json: &serde_json::Value) -> Result<&str> {
    json.as_str()
        .ok_or_else(|| anyhow!("expected a string, found {}", kind(json)))
}

fn kind(json: &serde_json::Value) -> &'static str {
    match json {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(value: Value) {
        let typed = from_lxt(&value.as_value_ref());
        let text = typed.to_string();
        let back = to_lxt(&serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back, value, "{text}");
    }

    #[test]
    fn every_value_round_trips() {
        round_trip(Value::Nil);
        round_trip(Value::Bool(true));
        round_trip(Value::Int(i64::MIN));
        round_trip(Value::Float(-0.0));
        round_trip(Value::Float(f64::NAN));
        round_trip(Value::Float(f64::INFINITY));
        round_trip(Value::Str("é\u{0}".into()));
        round_trip(Value::Bytes(vec![0, 255]));
        round_trip(Value::Ref(u32::MAX));
        let mut t = Table::from_array(vec![Value::Int(10), Value::Bytes(vec![1])]);
        t.insert(Value::Float(0.5), "half".into()).unwrap();
        t.insert(Value::Bytes(b"k".to_vec()), Value::Ref(0))
            .unwrap();
        round_trip(Value::Table(t));
    }

    #[test]
    fn writes_the_spec_notation() {
        let v = Value::Table(Table::from_array(vec![Value::Float(1.5)]));
        assert_eq!(
            from_lxt(&v.as_value_ref()).to_string(),
            r#"{"table":{"array":[{"float":"0x3ff8000000000000"}],"hash":[]}}"#
        );
        assert_eq!(
            from_lxt(&Value::Int(-12).as_value_ref()).to_string(),
            r#"{"int":"-12"}"#
        );
    }

    #[test]
    fn errors_name_the_path() {
        let json: serde_json::Value =
            serde_json::from_str(r#"{"table": {"hash": [[{"str": "a"}, {"int": "x"}]]}}"#).unwrap();
        let err = format!("{:#}", to_lxt(&json).unwrap_err());
        assert!(err.contains("$.table.hash[0][1].int"), "{err}");
        let json: serde_json::Value =
            serde_json::from_str(r#"{"table": {"array": [1], "hash": [[{"int": "1"}, true]]}}"#)
                .unwrap();
        assert!(to_lxt(&json).is_err());
        let dup: serde_json::Value = serde_json::from_str(
            r#"{"table": {"hash": [[{"int": "1"}, true], [{"float": "0x3ff0000000000000"}, false]]}}"#,
        )
        .unwrap();
        let err = format!("{:#}", to_lxt(&dup).unwrap_err());
        assert!(err.contains("duplicate_key"), "{err}");
    }
}
