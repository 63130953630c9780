//! The typed JSON notation of spec §7: lossless for every LXT value.
//!
//! `null` nil · `true`/`false` · `{"int": "-12"}` · `{"float":
//! "0x3ff8000000000000"}` (the bits) · `{"str": "text"}` · `{"bytes":
//! "00ff"}` · `{"table": {"array": [v…], "hash": [[k, v], …]}}` · `{"ref": 7}`.
//!
//! Writing gives the one spelling §7.3 allows (canonical hash order,
//! lowercase hex, the canonical NaN). Reading is as strict as §7.3 asks: it
//! rejects a table that is not canonical (a `null` value, a key that is
//! nil, NaN or a table, an integral float key, an integer key in 1..n+1,
//! equal keys, entries out of order, a missing `array` or `hash`), other
//! shapes and member names, numbers other than `ref` ids, and the other
//! spellings (`"+5"`, `"007"`, `"-0"`, uppercase hex, a noncanonical NaN).

use anyhow::{Context, Result, anyhow, bail};
use luaxt_format::{Table, Value, ValueRef};
use serde_json::json;

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
        "int" => Value::Int(int(string(inner)?)?),
        "float" => {
            let text = string(inner)?;
            let bad = || anyhow!("{text:?} is not 0x and 16 lowercase hex digits");
            let digits = text
                .strip_prefix("0x")
                .filter(|d| d.len() == 16 && is_lower_hex(d))
                .ok_or_else(bad)?;
            let bits = u64::from_str_radix(digits, 16).map_err(|_| bad())?;
            let f = f64::from_bits(bits);
            if f.is_nan() && bits != luaxt_format::CANONICAL_NAN_BITS {
                bail!("{text:?}: a NaN is written \"0x7ff8000000000000\" (§7.3)");
            }
            Value::Float(f)
        }
        "str" => Value::Str(string(inner)?.to_owned()),
        "bytes" => {
            let text = string(inner)?;
            if text.len() % 2 != 0 || !is_lower_hex(text) {
                bail!("{text:?} is not lowercase hex, two digits a byte (\"00ff\")");
            }
            Value::Bytes(crate::hex::parse(text)?)
        }
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
    let members = match json {
        serde_json::Value::Object(m) => m,
        other => bail!(
            "expected {{\"array\": [...], \"hash\": [[k, v], ...]}}, found {}",
            kind(other)
        ),
    };
    if let Some(extra) = members.keys().find(|k| *k != "array" && *k != "hash") {
        bail!("unknown table member {extra:?} (expected array and hash)");
    }
    let (Some(array), Some(hash)) = (members.get("array"), members.get("hash")) else {
        bail!("a table has both members \"array\" and \"hash\" (§7.2), also when empty");
    };
    let mut entries = Vec::new();
    path.push_key("array");
    let items = array
        .as_array()
        .ok_or_else(|| anyhow!("expected an array, found {}", kind(array)))?;
    for (i, item) in items.iter().enumerate() {
        path.push_index(i);
        let value = convert(item, path)?;
        if value.is_nil() {
            bail!("null in \"array\": a table holds no nil (§7.3)");
        }
        entries.push((Value::Int(i as i64 + 1), value));
        path.pop();
    }
    path.pop();
    let n = items.len() as i64;

    path.push_key("hash");
    let pairs = hash.as_array().ok_or_else(|| {
        anyhow!(
            "expected an array of [key, value] pairs, found {}",
            kind(hash)
        )
    })?;
    let mut previous: Option<Vec<u8>> = None;
    for (i, pair) in pairs.iter().enumerate() {
        path.push_index(i);
        let [k, v] = pair.as_array().map(Vec::as_slice).unwrap_or_default() else {
            bail!("expected a [key, value] pair");
        };
        path.push_index(0);
        let key = convert(k, path)?;
        let encoded = canonical_key(&key, n)?;
        if previous.as_ref().is_some_and(|p| *p >= encoded) {
            bail!(
                "hash entries are sorted by their encoded keys, without repeats (§4.2, §7.3); this key is not after the one before"
            );
        }
        previous = Some(encoded);
        path.pop();
        path.push_index(1);
        let value = convert(v, path)?;
        if value.is_nil() {
            bail!("null as a hash value: a table holds no nil (§7.3)");
        }
        path.pop();
        entries.push((key, value));
        path.pop();
    }
    path.pop();
    Table::from_entries(entries)
        .map(Value::Table)
        .map_err(|e| anyhow!("{}: {e}", e.kind()))
}

/// The encoded bytes of a hash key that is written canonically (§7.3).
fn canonical_key(key: &Value, n: i64) -> Result<Vec<u8>> {
    match key {
        Value::Nil | Value::Table(_) => {
            bail!("invalid_key: a {} cannot be a key", key.tag().name())
        }
        Value::Float(f) if f.is_nan() => bail!("invalid_key: NaN cannot be a key"),
        Value::Float(f) => {
            // 2^63: integral floats in [-2^63, 2^63) are integer keys (§3.2).
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            if (-LIMIT..LIMIT).contains(f) && (*f as i64) as f64 == *f {
                bail!(
                    "the float key {f:?} is the integer key {} and is written so (§3.2, §7.3)",
                    *f as i64
                );
            }
        }
        Value::Int(i) if (1..=n + 1).contains(i) => bail!(
            "the integer key {i} belongs in \"array\" (it has {n} values: keys 1..{n}, and {} extends it; §4.1)",
            n + 1
        ),
        _ => {}
    }
    luaxt_format::encode_key(key).map_err(|e| anyhow!("{}: {e}", e.kind()))
}

/// An `int` in the one spelling of §7.3: `-?(0|[1-9][0-9]*)`, not `-0`.
fn int(text: &str) -> Result<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0";
    if !well_formed {
        bail!("{text:?} is not a decimal integer as §7.3 writes it (-?(0|[1-9][0-9]*), not -0)");
    }
    text.parse()
        .map_err(|_| anyhow!("{text:?} is outside the i64 range"))
}

fn is_lower_hex(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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
        let json: serde_json::Value = serde_json::from_str(
            r#"{"table": {"array": [], "hash": [[{"str": "a"}, {"int": "x"}]]}}"#,
        )
        .unwrap();
        let err = format!("{:#}", to_lxt(&json).unwrap_err());
        assert!(err.contains("$.table.hash[0][1].int"), "{err}");
        let json: serde_json::Value =
            serde_json::from_str(r#"{"table": {"array": [1], "hash": [[{"int": "1"}, true]]}}"#)
                .unwrap();
        assert!(to_lxt(&json).is_err());
    }

    fn reject(text: &str, needle: &str) {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        let err = format!("{:#}", to_lxt(&json).unwrap_err());
        assert!(err.contains(needle), "{text}: {err}");
    }

    #[test]
    fn only_the_one_spelling_of_section_7_3_is_read() {
        reject(r#"{"int": "+5"}"#, "not a decimal integer");
        reject(r#"{"int": "007"}"#, "not a decimal integer");
        reject(r#"{"int": "-0"}"#, "not a decimal integer");
        reject(r#"{"int": 5}"#, "expected a string");
        reject(r#"{"int": "9223372036854775808"}"#, "i64 range");
        reject(r#"{"float": "0x3FF8000000000000"}"#, "lowercase");
        reject(r#"{"float": "0x7ff8000000000001"}"#, "NaN");
        reject(r#"{"bytes": "0F"}"#, "lowercase hex");
        reject(r#"{"bytes": "0"}"#, "lowercase hex");
        reject(r#"{"ref": 7.0}"#, "reference id");
        reject(r#"{"ref": 4294967296}"#, "reference id");
        reject(r#"{"str": "a", "int": "1"}"#, "exactly one member");
        reject(r#"{"text": "a"}"#, "unknown type");
        reject(r#"{"table": {"array": []}}"#, "both members");
        reject(r#"{"table": {"array": [null], "hash": []}}"#, "null in");
        reject(
            r#"{"table": {"array": [], "hash": [[{"str": "a"}, null]]}}"#,
            "null as a hash value",
        );
        reject(
            r#"{"table": {"array": [], "hash": [[{"str": "b"}, true], [{"str": "a"}, true]]}}"#,
            "sorted",
        );
        reject(
            r#"{"table": {"array": [], "hash": [[{"str": "a"}, true], [{"str": "a"}, true]]}}"#,
            "sorted",
        );
        reject(
            r#"{"table": {"array": [], "hash": [[{"float": "0x4000000000000000"}, true]]}}"#,
            "is the integer key 2",
        );
        reject(
            r#"{"table": {"array": [true], "hash": [[{"int": "2"}, true]]}}"#,
            "belongs in",
        );
        reject(
            r#"{"table": {"array": [], "hash": [[null, true]]}}"#,
            "invalid_key",
        );
        reject(
            r#"{"table": {"array": [], "hash": [[{"float": "0x7ff8000000000000"}, true]]}}"#,
            "invalid_key",
        );
    }

    #[test]
    fn the_spec_example_reads() {
        // §7.2: 141 bytes of LXT.
        let example = r#"{"table": {"array": [{"int": "10"}, {"float": "0x4004000000000000"}],
          "hash": [[{"int": "0"}, true],
            [{"str": "pos"}, {"table": {"array": [], "hash": [[{"str": "x"}, {"int": "1"}], [{"str": "y"}, {"int": "-2"}]]}}],
            [{"str": "data"}, {"bytes": "00ff"}], [{"str": "home"}, {"ref": 3}],
            [{"str": "name"}, {"str": "Ada"}],
            [{"str": "tags"}, {"table": {"array": [{"str": "lua"}, {"str": "rust"}], "hash": []}}]]}}"#;
        let value = to_lxt(&serde_json::from_str(example).unwrap()).unwrap();
        let bytes = luaxt_format::encode(&value).unwrap();
        assert_eq!(bytes[..5], [0x06, 2, 0, 0, 0]);
        let back = from_lxt(&value.as_value_ref());
        let again: serde_json::Value = serde_json::from_str(example).unwrap();
        assert_eq!(back, again);
    }

    #[test]
    fn agrees_with_every_conformance_vector() {
        let mut checked = 0;
        for vector in luaxt_conformance::vectors() {
            let Some(typed) = &vector.value else { continue };
            let expected = luaxt_conformance::typed_to_value(typed);
            let ours = to_lxt(typed);
            match (&expected, &ours) {
                (Ok(e), Ok(o)) => {
                    assert_eq!(e, o, "{}", vector.id);
                    // The one spelling: writing gives the vector's text back.
                    assert_eq!(&from_lxt(&o.as_value_ref()), typed, "{}", vector.id);
                    checked += 1;
                }
                (Err(_), Err(_)) => {}
                _ => panic!(
                    "{}: kit {:?}, cli {:?}",
                    vector.id,
                    expected.is_ok(),
                    ours.is_ok()
                ),
            }
        }
        assert!(checked > 300, "{checked}");
    }
}
