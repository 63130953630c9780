//! The typed JSON notation of §7, and the JavaScript view of §8.
//!
//! Typed JSON: `null` nil · `true`/`false` · `{"int": "-12"}` ·
//! `{"float": "0x3ff8000000000000"}` (the bits; every NaN is written as the
//! canonical NaN) · `{"str": "text"}` · `{"bytes": "00ff"}` ·
//! `{"table": {"array": [...], "hash": [[k, v], ...]}}` (canonical order) ·
//! `{"ref": 7}`.

use luaxt_format::{Table, Value};
use serde_json::{Value as Json, json};

use crate::{from_hex, to_hex};

/// The typed JSON of `value` (§7).
///
/// ```
/// use luaxt_conformance::value_to_typed;
/// use luaxt_format::Value;
/// assert_eq!(value_to_typed(&Value::Int(-12)).to_string(), r#"{"int":"-12"}"#);
/// assert_eq!(value_to_typed(&Value::Float(1.5)).to_string(), r#"{"float":"0x3ff8000000000000"}"#);
/// ```
pub fn value_to_typed(value: &Value) -> Json {
    match value {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => json!({ "int": i.to_string() }),
        Value::Float(f) => json!({ "float": format!("0x{:016x}", float_bits(*f)) }),
        Value::Str(s) => json!({ "str": s }),
        Value::Bytes(b) => json!({ "bytes": to_hex(b) }),
        Value::Ref(id) => json!({ "ref": id }),
        Value::Table(t) => {
            let array = t.array().iter().map(value_to_typed).collect();
            let hash = t
                .hash()
                .iter()
                .map(|(k, v)| Json::Array(vec![value_to_typed(k), value_to_typed(v)]))
                .collect();
            // Built by hand: `json!` would serialize (deep-copy) the parts.
            let mut parts = serde_json::Map::new();
            parts.insert("array".into(), Json::Array(array));
            parts.insert("hash".into(), Json::Array(hash));
            object("table", Json::Object(parts))
        }
    }
}

fn object(key: &str, value: Json) -> Json {
    let mut map = serde_json::Map::new();
    map.insert(key.into(), value);
    Json::Object(map)
}

fn float_bits(f: f64) -> u64 {
    if f.is_nan() {
        luaxt_format::CANONICAL_NAN_BITS
    } else {
        f.to_bits()
    }
}

/// The value of typed JSON (§7). Tables must be written in canonical form
/// (no nil, keys 1..n in the array part, the rest sorted): anything else is
/// an error, so a vector cannot silently mean something else.
///
/// ```
/// use luaxt_conformance::typed_to_value;
/// use luaxt_format::Value;
/// let json = serde_json::json!({"table": {"array": [{"int": "10"}], "hash": [[{"str": "a"}, true]]}});
/// let value = typed_to_value(&json).unwrap();
/// assert_eq!(value.as_table().unwrap().array(), &[Value::Int(10)]);
/// ```
pub fn typed_to_value(json: &Json) -> Result<Value, String> {
    let value = convert(json)?;
    if value_to_typed(&value) != *json {
        return Err(format!(
            "not written in the one spelling of §7 (canonical tables, canonical NaN): {json}, expected {}",
            value_to_typed(&value)
        ));
    }
    Ok(value)
}

fn convert(json: &Json) -> Result<Value, String> {
    let obj = match json {
        Json::Null => return Ok(Value::Nil),
        Json::Bool(b) => return Ok(Value::Bool(*b)),
        Json::Object(obj) if obj.len() == 1 => obj,
        other => return Err(format!("not a typed value: {other}")),
    };
    let (kind, inner) = obj.iter().next().expect("one entry");
    let text = || {
        inner
            .as_str()
            .ok_or_else(|| format!("{kind} needs a string: {inner}"))
    };
    match kind.as_str() {
        "int" => text()?
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|e| format!("int {inner}: {e}")),
        "float" => {
            let t = text()?;
            let digits = t
                .strip_prefix("0x")
                .filter(|d| d.len() == 16)
                .ok_or_else(|| format!("float needs 0x and 16 hex digits: {t}"))?;
            u64::from_str_radix(digits, 16)
                .map(|bits| Value::Float(f64::from_bits(bits)))
                .map_err(|e| format!("float {t}: {e}"))
        }
        "str" => Ok(Value::Str(text()?.to_owned())),
        "bytes" => from_hex(text()?).map(Value::Bytes),
        "ref" => inner
            .as_u64()
            .and_then(|id| u32::try_from(id).ok())
            .map(Value::Ref)
            .ok_or_else(|| format!("ref needs a u32: {inner}")),
        "table" => {
            let part = |name: &str| {
                inner
                    .get(name)
                    .and_then(Json::as_array)
                    .ok_or_else(|| format!("table needs an {name} list"))
            };
            let mut entries = Vec::new();
            for (i, item) in part("array")?.iter().enumerate() {
                entries.push((Value::Int(i as i64 + 1), convert(item)?));
            }
            for pair in part("hash")? {
                match pair.as_array().map(Vec::as_slice) {
                    Some([k, v]) => entries.push((convert(k)?, convert(v)?)),
                    _ => return Err(format!("a hash entry is not a [key, value] pair: {pair}")),
                }
            }
            let table = Table::from_entries(entries).map_err(|e| format!("table: {e}"))?;
            Ok(Value::Table(table))
        }
        other => Err(format!("unknown typed kind {other}")),
    }
}

/// What a §8 JavaScript decoder returns for `value`, as neutral JSON:
/// `null`, `true`/`false`, `{"number": "0x<f64 bits>"}` (NaN canonical),
/// `{"bigint": "<decimal>"}`, `{"string": s}`, `{"bytes": hex}`,
/// `{"ref": id}`, `{"array": [..]}`, `{"object": [[key, v], ..]}` (in JS
/// enumeration order: array-index keys ascending, then insertion order) and
/// `{"map": [[k, v], ..]}` (in iteration order). `conformance/js/cross.mjs`
/// writes the same form from the JS values.
pub fn js_view(value: &Value) -> Json {
    const SAFE: i64 = (1 << 53) - 1;
    match value {
        Value::Nil => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) if (-SAFE..=SAFE).contains(i) => number(*i as f64),
        Value::Int(i) => json!({ "bigint": i.to_string() }),
        Value::Float(f) => number(*f),
        Value::Str(s) => json!({ "string": s }),
        Value::Bytes(b) => json!({ "bytes": to_hex(b) }),
        Value::Ref(id) => json!({ "ref": id }),
        Value::Table(t) => {
            if t.hash().is_empty() {
                return object(
                    "array",
                    Json::Array(t.array().iter().map(js_view).collect()),
                );
            }
            if t.array().is_empty() && t.hash().iter().all(|(k, _)| k.as_str().is_some()) {
                let mut index_keys = Vec::new();
                let mut other_keys = Vec::new();
                for (k, v) in t.hash() {
                    let key = k.as_str().unwrap_or_default();
                    let entry = Json::Array(vec![Json::from(key), js_view(v)]);
                    match array_index(key) {
                        Some(i) => index_keys.push((i, entry)),
                        None => other_keys.push(entry),
                    }
                }
                index_keys.sort_by_key(|(i, _)| *i);
                let mut entries: Vec<Json> = index_keys.into_iter().map(|(_, e)| e).collect();
                entries.extend(other_keys);
                return object("object", Json::Array(entries));
            }
            let mut entries: Vec<Json> = (1i64..)
                .zip(t.array())
                .map(|(i, v)| Json::Array(vec![js_view(&Value::Int(i)), js_view(v)]))
                .collect();
            entries.extend(
                t.hash()
                    .iter()
                    .map(|(k, v)| Json::Array(vec![js_view(k), js_view(v)])),
            );
            object("map", Json::Array(entries))
        }
    }
}

fn number(f: f64) -> Json {
    json!({ "number": format!("0x{:016x}", float_bits(f)) })
}

/// A JS array index: the canonical decimal form of 0 ≤ n < 2^32 − 1.
fn array_index(key: &str) -> Option<u32> {
    let n: u32 = key.parse().ok()?;
    (n != u32::MAX && n.to_string() == key).then_some(n)
}
