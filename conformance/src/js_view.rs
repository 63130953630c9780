//! The JavaScript view of §8: what a JS decoder must return for a value,
//! written as neutral JSON so the Rust oracle and `conformance/js/cross.mjs`
//! can compare. (The typed notation of §7 is `luaxt_json::typed`.)

use luaxt_format::{Value, float_bits};
use serde_json::{Value as Json, json};

use crate::to_hex;

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

fn object(key: &str, value: Json) -> Json {
    let mut map = serde_json::Map::new();
    map.insert(key.into(), value);
    Json::Object(map)
}
