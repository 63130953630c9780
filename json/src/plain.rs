//! Plain JSON ⇄ LXT, following the JavaScript mapping of spec §8 where
//! JSON can express it, and the JSON parser the typed notation is read
//! with.
//!
//! JSON → LXT (converted as it is parsed, by `transcode.rs`):
//! - `null` at the top → nil; as an object member → the entry is left out;
//!   in an array → a hole (the key is absent, later elements keep theirs).
//! - `true`/`false` → boolean.
//! - a number written without fraction or exponent that fits in i64 →
//!   integer, exactly (JS would turn integers beyond 2^53 into floats:
//!   here exactness wins); every other number (`1.0`, `1e3`, `2^64`) → float.
//! - string → string (0x04); object → table with string keys (`"1"` stays a
//!   string key); array → table whose element i (0-based) is key i+1.
//!
//! LXT → JSON:
//! - nil → `null`; boolean; integer → number (exact, even beyond 2^53);
//!   float → number written with a `.` or exponent, so it reads back as a
//!   float (`5.0`, `-0.0`); NaN and ±Infinity have no JSON form: error.
//! - string → string.
//! - table: hash part empty → array (`{}` → `[]`); array part empty and
//!   every key a string → object; anything else (holes, integer keys,
//!   mixed parts, other key types) → error.
//! - bytes and references → error.
//!
//! Every error names the JSON path of the value and suggests `--typed`,
//! whose notation (§7) carries every LXT value.
//!
//! The LXT → JSON rules are written once, as a `Serialize` view of a
//! value: [`to_plain`] collects it into a `serde_json::Value`,
//! [`write_plain`] writes it as text (what `luaxt decode` does, with no
//! JSON tree in between).
//!
//! An object with the same key twice (`{"a": 1, "a": 2}`) is an error that
//! names the key and the object's path, not the last value silently: that
//! holds for the typed notation too, which is read by the same `parse`.

use std::cell::RefCell;
use std::fmt;
use std::io;

use luaxt_format::{Table, ValueRef};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number};

use crate::error::{ErrorKind, fail};
use crate::path::WayOut;
use crate::{Error, Result};

/// Most JSON nesting `parse` accepts: the typed notation of 128 nested
/// tables (LXT's default depth limit) takes up to 4 levels per table.
pub const MAX_NESTING: usize = 1024;

/// Parses JSON text from `name` (for messages), nested at most
/// [`MAX_NESTING`] deep, with no key twice in one object.
pub fn parse(text: &str, name: &str) -> Result<serde_json::Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let mut duplicate = None;
    let result = Reader {
        duplicate: &mut duplicate,
        depth: 0,
    }
    .deserialize(&mut de)
    .and_then(|json| de.end().map(|()| json));
    match (result, duplicate) {
        (Ok(json), _) => Ok(json),
        (Err(e), Some(duplicate)) => {
            Err(duplicate_key(name, &duplicate.key, &duplicate.way_out, &e))
        }
        (Err(e), None) => fail!(ErrorKind::InvalidJson, "invalid JSON in {name}: {e}"),
    }
}

/// The error for an array or object nested deeper than [`MAX_NESTING`]
/// (serde_json's own recursion limit is off: typed JSON needs more). The
/// readers count as they go, so it comes at the first array or object too
/// deep, with serde_json's line and column.
pub(crate) fn too_deep<E: de::Error>() -> E {
    E::custom(format_args!("nested more than {MAX_NESTING} deep"))
}

/// The error for `key` met twice in one object, the object found by
/// `way_out`; `at` is serde_json's error there, for the line and column.
pub(crate) fn duplicate_key(
    name: &str,
    key: &str,
    way_out: &WayOut,
    at: &serde_json::Error,
) -> Error {
    Error::new(
        ErrorKind::InvalidJson,
        format_args!(
            "invalid JSON in {name}: duplicate key {} at {} (line {} column {})",
            serde_json::Value::String(key.to_owned()),
            way_out.path(),
            at.line(),
            at.column()
        ),
    )
}

/// A key met twice in one object, and the way to that object from the
/// root (filled in as the error unwinds).
struct Duplicate {
    key: String,
    way_out: WayOut,
}

/// Builds a `serde_json::Value` as serde_json's own impl does, except that
/// a repeated object key is an error (recorded in `duplicate`) instead of
/// replacing the earlier value. The path costs nothing unless it is needed.
struct Reader<'d> {
    duplicate: &'d mut Option<Duplicate>,
    /// Arrays and objects around the value.
    depth: usize,
}

impl Reader<'_> {
    /// The same reader one level down.
    fn inner(&mut self) -> Reader<'_> {
        Reader {
            duplicate: &mut *self.duplicate,
            depth: self.depth + 1,
        }
    }

    /// Adds a step to the way out, when the error being passed up is the
    /// duplicate key's.
    fn note(&mut self, step: impl FnOnce(&mut WayOut)) {
        if let Some(duplicate) = self.duplicate.as_mut() {
            step(&mut duplicate.way_out);
        }
    }
}

impl<'de> DeserializeSeed<'de> for Reader<'_> {
    type Value = serde_json::Value;

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Reader<'_> {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Number(u.into()))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(serde_json::Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(serde_json::Value::String(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        if self.depth >= MAX_NESTING {
            return Err(too_deep());
        }
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            match seq.next_element_seed(self.inner()) {
                Ok(Some(item)) => items.push(item),
                Ok(None) => return Ok(serde_json::Value::Array(items)),
                Err(e) => {
                    let i = items.len();
                    self.note(|way_out| way_out.index(i));
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        if self.depth >= MAX_NESTING {
            return Err(too_deep());
        }
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if members.contains_key(&key) {
                *self.duplicate = Some(Duplicate {
                    key,
                    way_out: WayOut::default(),
                });
                return Err(de::Error::custom("duplicate key"));
            }
            match map.next_value_seed(self.inner()) {
                Ok(value) => {
                    members.insert(key, value);
                }
                Err(e) => {
                    self.note(|way_out| way_out.key(&key));
                    return Err(e);
                }
            }
        }
        Ok(serde_json::Value::Object(members))
    }
}

/// Converts an LXT value to plain JSON.
pub fn to_plain(value: &ValueRef<'_>) -> Result<serde_json::Value> {
    let failure = RefCell::new(None);
    serde_json::to_value(Plain {
        value,
        failure: &failure,
    })
    .map_err(|e| failed(e, failure))
}

/// Writes an LXT value as plain JSON text to `out` (indented with
/// `pretty`), as [`to_plain`] then `serde_json` would, without building
/// the JSON value first: the text is the only copy. On error `out` keeps
/// what was written before the value that has no plain form (`not_plain`)
/// or before the writer failed (`io`).
///
/// ```
/// use luaxt_format::{Table, Value};
/// let value = Value::Table(Table::from_entries([("b".into(), Value::Float(2.5))])?);
/// let mut text = Vec::new();
/// luaxt_json::write_plain(&value.as_value_ref(), &mut text, false)?;
/// assert_eq!(text, br#"{"b":2.5}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_plain<W: io::Write>(value: &ValueRef<'_>, out: W, pretty: bool) -> Result<()> {
    let failure = RefCell::new(None);
    let plain = Plain {
        value,
        failure: &failure,
    };
    let written = if pretty {
        serde_json::to_writer_pretty(out, &plain)
    } else {
        serde_json::to_writer(out, &plain)
    };
    written.map_err(|e| failed(e, failure))
}

const HINT: &str = "plain JSON cannot carry it; use --typed for the lossless notation";

/// Why a value has no plain JSON form, and the way out to it, once one
/// was met.
type Failure = RefCell<Option<(String, WayOut)>>;

/// The error of a serialization that stopped at a value with no plain
/// form (or, with none recorded, the serializer's own error).
fn failed(e: serde_json::Error, failure: Failure) -> Error {
    match failure.into_inner() {
        Some((why, way_out)) => Error::new(
            ErrorKind::NotPlain,
            format!("at {}: {why}: {HINT}", way_out.path()),
        ),
        None if e.is_io() => Error::io(e),
        None => Error::new(ErrorKind::NotPlain, e.to_string()),
    }
}

/// A value as plain JSON: the LXT → JSON rules of this module, in one
/// place for [`to_plain`] and [`write_plain`].
struct Plain<'v, 'a> {
    value: &'v ValueRef<'a>,
    failure: &'v Failure,
}

impl Plain<'_, '_> {
    /// Stops here: `why` the value has no plain form.
    fn fail<E: ser::Error>(&self, why: String) -> E {
        *self.failure.borrow_mut() = Some((why, WayOut::default()));
        E::custom("no plain JSON form")
    }

    /// On the way out of a failure, the step from the parent.
    fn note(&self, step: impl FnOnce(&mut WayOut)) {
        if let Some((_, way_out)) = self.failure.borrow_mut().as_mut() {
            step(way_out);
        }
    }

    fn child<'c>(&'c self, value: &'c ValueRef<'_>) -> Plain<'c, 'c> {
        Plain {
            value,
            failure: self.failure,
        }
    }
}

impl Serialize for Plain<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let why = match self.value {
            ValueRef::Nil => return s.serialize_unit(),
            ValueRef::Bool(b) => return s.serialize_bool(*b),
            ValueRef::Int(i) => return s.serialize_i64(*i),
            ValueRef::Float(f) if f.is_finite() => return s.serialize_f64(*f),
            ValueRef::Str(text) => return s.serialize_str(text),
            ValueRef::Table(t) => match table_shape(t) {
                Ok(Shape::Array) => {
                    let mut seq = s.serialize_seq(Some(t.array().len()))?;
                    for (i, v) in t.array().iter().enumerate() {
                        if let Err(e) = seq.serialize_element(&self.child(v)) {
                            self.note(|w| w.index(i));
                            return Err(e);
                        }
                    }
                    return seq.end();
                }
                Ok(Shape::Object) => {
                    let mut map = s.serialize_map(Some(t.hash().len()))?;
                    for (k, v) in t.hash() {
                        let key = k.as_str().unwrap_or_default();
                        if let Err(e) = map.serialize_entry(key, &self.child(v)) {
                            self.note(|w| w.key(key));
                            return Err(e);
                        }
                    }
                    return map.end();
                }
                Err(why) => why,
            },
            ValueRef::Float(f) => format!("the float {f} ({})", float_name(*f)),
            ValueRef::Bytes(b) => format!("bytes ({} bytes)", b.len()),
            ValueRef::Ref(id) => format!("a reference to external table {id}"),
        };
        Err(self.fail(why))
    }
}

fn float_name(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Infinity"
    } else {
        "-Infinity"
    }
}

/// What JSON a table is.
enum Shape {
    Array,
    Object,
}

/// A table is a JSON array when its hash part is empty (`{}` → `[]`), an
/// object when its array part is empty and every key is a string; else it
/// has no plain form, and the message says why.
fn table_shape(t: &Table<ValueRef<'_>>) -> core::result::Result<Shape, String> {
    if t.hash().is_empty() {
        return Ok(Shape::Array);
    }
    if t.array().is_empty() && t.hash().iter().all(|(k, _)| k.as_str().is_some()) {
        return Ok(Shape::Object);
    }
    let (first_key, _) = &t.hash()[0];
    let why = if !t.array().is_empty() && t.hash().iter().all(|(k, _)| k.as_i64().is_some()) {
        "an array with holes or integer keys beyond its end"
    } else if !t.array().is_empty() {
        "a table with both an array part and other keys"
    } else if t.hash().iter().all(|(k, _)| k.as_i64().is_some()) {
        "a table with integer keys that do not start at 1 or have holes"
    } else {
        "a table with non-string keys"
    };
    Err(format!(
        "{why} (first hash key: {})",
        luaxt_format::inspect::describe_scalar(first_key)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use luaxt_format::Value;

    /// Through the converter `luaxt encode` uses.
    fn lxt(text: &str) -> Value {
        let limits = luaxt_format::Limits::default();
        luaxt_format::decode(&crate::plain_to_lxt(text, "x", &limits).unwrap()).unwrap()
    }

    fn json(value: &Value) -> Result<String> {
        Ok(to_plain(&value.as_value_ref())?.to_string())
    }

    fn table(entries: Vec<(Value, Value)>) -> Value {
        Value::Table(Table::from_entries(entries).unwrap())
    }

    fn array(values: Vec<Value>) -> Value {
        Value::Table(Table::from_array(values))
    }

    /// The text `write_plain` writes, or its error's message.
    fn written(value: &Value, pretty: bool) -> core::result::Result<String, String> {
        let mut out = Vec::new();
        match write_plain(&value.as_value_ref(), &mut out, pretty) {
            Ok(()) => Ok(String::from_utf8(out).unwrap()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn write_plain_writes_what_to_plain_gives() {
        let values = [
            Value::Nil,
            Value::Bool(true),
            Value::Int(i64::MIN),
            Value::Float(-0.0),
            Value::Float(2.5e-300),
            Value::from("tab\there \u{e9} \"quoted\""),
            array(vec![]),
            array(vec![Value::Int(1), Value::Float(1.0), Value::from("x")]),
            table(vec![
                (
                    "zz".into(),
                    array(vec![table(vec![("a".into(), 1.into())])]),
                ),
                ("b".into(), Value::Bool(false)),
                ("long key".into(), table(vec![])),
            ]),
        ];
        for value in &values {
            let json = to_plain(&value.as_value_ref()).unwrap();
            assert_eq!(written(value, false).unwrap(), json.to_string());
            assert_eq!(
                written(value, true).unwrap(),
                serde_json::to_string_pretty(&json).unwrap()
            );
        }
    }

    #[test]
    fn values_without_plain_form_are_named_with_their_path() {
        let nan = table(vec![(
            "a".into(),
            array(vec![
                1.into(),
                table(vec![("b".into(), Value::Float(f64::NAN))]),
            ]),
        )]);
        let bytes = array(vec![Value::Bytes(vec![1, 2, 3])]);
        let reference = table(vec![("odd key".into(), Value::Ref(7))]);
        let mixed = table(vec![(1.into(), 1.into()), ("x".into(), 2.into())]);
        let expected = [
            (&nan, "at $.a[1].b: the float NaN (NaN)"),
            (&bytes, "at $[0]: bytes (3 bytes)"),
            (
                &reference,
                "at $[\"odd key\"]: a reference to external table 7",
            ),
            (
                &mixed,
                "at $: a table with both an array part and other keys (first hash key: ",
            ),
        ];
        for (value, start) in expected {
            let err = to_plain(&value.as_value_ref()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::NotPlain);
            let message = err.to_string();
            assert!(message.starts_with(start), "{message}");
            assert!(message.ends_with(HINT), "{message}");
            assert_eq!(written(value, true).unwrap_err(), message);
        }
    }

    #[test]
    fn numbers_keep_integer_and_float_apart() {
        assert_eq!(lxt("5"), Value::Int(5));
        assert_eq!(lxt("5.0"), Value::Float(5.0));
        assert_eq!(lxt("1e3"), Value::Float(1000.0));
        assert_eq!(lxt("9007199254740993"), Value::Int(9_007_199_254_740_993));
        assert_eq!(lxt("-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(
            lxt("18446744073709551615"),
            Value::Float(18_446_744_073_709_551_615.0)
        );
        assert_eq!(json(&Value::Float(5.0)).unwrap(), "5.0");
        assert_eq!(json(&Value::Float(-0.0)).unwrap(), "-0.0");
        assert_eq!(lxt("-0.0"), Value::Float(-0.0));
        assert!(json(&Value::Float(f64::NAN)).is_err());
        assert!(
            json(&Value::Float(f64::NEG_INFINITY))
                .unwrap_err()
                .to_string()
                .contains("--typed")
        );
    }

    #[test]
    fn tables_follow_the_js_mapping() {
        let v = lxt(r#"{"b": [1, null, 3], "a": {"1": true}, "gone": null}"#);
        let t = v.as_table().unwrap();
        assert_eq!(t.len(), 2);
        let arr = t.get(&"b".into()).unwrap().as_table().unwrap();
        assert_eq!(arr.array(), &[Value::Int(1)]);
        assert_eq!(arr.hash(), &[(Value::Int(3), Value::Int(3))]);
        // Objects come out in canonical key order.
        assert_eq!(
            json(&lxt(r#"{"id": 1, "bio": "x", "a": []}"#)).unwrap(),
            r#"{"a":[],"id":1,"bio":"x"}"#
        );
        assert_eq!(json(&lxt("{}")).unwrap(), "[]");
        let err = json(&v).unwrap_err().to_string();
        assert!(err.contains("at $.b"), "{err}");
        assert!(err.contains("--typed"), "{err}");
    }

    #[test]
    fn nesting_is_bounded_but_deeper_than_serde_json_default() {
        // 1024 levels of unoptimised frames need more than a test
        // thread's 2 MiB of stack.
        let run = move || {
            let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
            assert!(parse(&deep, "x").is_ok());
            let at_limit = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
            assert!(parse(&at_limit, "x").is_ok());
            let limits = luaxt_format::Limits::DEFAULT.with_max_depth(u32::MAX);
            assert!(crate::plain_to_lxt(&at_limit, "x", &limits).is_ok());
            for deeper in [MAX_NESTING + 1, 100_000] {
                let too_deep = format!("{}{}", "[".repeat(deeper), "]".repeat(deeper));
                let err = parse(&too_deep, "x").unwrap_err();
                assert_eq!(err.kind(), ErrorKind::InvalidJson);
                let message = err.to_string();
                assert!(
                    message.starts_with(
                        "invalid JSON in x: nested more than 1024 deep at line 1 column 10"
                    ),
                    "{message}"
                );
                // Transcoding stops at the same place, whatever the LXT
                // depth limit.
                let err = crate::plain_to_lxt(&too_deep, "x", &limits).unwrap_err();
                assert_eq!(
                    (err.kind(), err.to_string()),
                    (ErrorKind::InvalidJson, message)
                );
            }
            // Brackets in strings are not nesting.
            let quoted = format!(r#"["{}"]"#, "[".repeat(5000));
            assert!(parse(&quoted, "x").is_ok());
            assert!(parse("[1] x", "x").is_err());
        };
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(run)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn duplicate_keys_are_errors_that_name_the_key_and_the_object() {
        let err = |text: &str| parse(text, "in.json").unwrap_err().to_string();
        assert_eq!(
            err(r#"{"a":1,"a":2}"#),
            r#"invalid JSON in in.json: duplicate key "a" at $ (line 1 column 10)"#
        );
        let text = r#"{"items": [0, 1, [], {"b": {}, "name": 1, "x\"y": [{"k": null, "k": 3}]}]}"#;
        assert_eq!(
            err(text),
            r#"invalid JSON in in.json: duplicate key "k" at $.items[3]["x\"y"][0] (line 1 column 66)"#
        );
        // Equal after unescaping is equal.
        assert!(err(r#"{"é": 1, "\u00e9": 2}"#).contains(r#"duplicate key "é" at $"#));
        // Other errors are serde_json's own, no path.
        assert_eq!(
            err(r#"{"a": [1, }"#),
            "invalid JSON in in.json: expected value at line 1 column 11"
        );
        // Distinct keys, and equal keys in different objects, are fine,
        // and the order of members is kept.
        let json = parse(
            r#"{"b": {"a": 1}, "a": {"a": [1, 2.5, "s", true, null]}}"#,
            "x",
        )
        .unwrap();
        assert_eq!(
            json.to_string(),
            r#"{"b":{"a":1},"a":{"a":[1,2.5,"s",true,null]}}"#
        );
    }

    #[test]
    fn bytes_and_refs_need_typed() {
        let err = json(&Value::Bytes(vec![1])).unwrap_err().to_string();
        assert!(err.contains("bytes"), "{err}");
        assert!(json(&Value::Ref(3)).is_err());
    }
}
