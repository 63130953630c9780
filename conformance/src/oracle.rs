//! The expected verdict for any bytes, from luaxt-format, as a vector.
//!
//! [`judge`] decodes the bytes leniently and strictly with the given limits
//! and turns the outcome into a vector of the kit's schema: `valid` (both
//! modes accept), `noncanonical` (strict refuses with the offset of the
//! first noncanonical item; the canonical re-encoding attached) or
//! `invalid` (both refuse with the same class and offset). Before it
//! answers it checks that every decoding route of luaxt-format agrees
//! (`decode`, `decode_ref`, `check`, serde's `from_slice_with`, and the
//! encoders `encode` and `to_vec`), so a disagreement inside the reference
//! is reported instead of being written into a vector.
//!
//! ```
//! use luaxt_conformance::oracle::{judge, Judged};
//! use luaxt_format::Limits;
//! // { b = true, a = true } with "b" first: out of order (§4.2), strict
//! // mode stops at the second key, offset 17.
//! let bytes = luaxt_conformance::from_hex(
//!     "06000000000200000004010000006201010401000000610101",
//! ).unwrap();
//! let Judged::Vector(v) = judge("x.y", "swapped keys", &bytes, Limits::default()).unwrap() else {
//!     panic!()
//! };
//! assert_eq!(v["class"], "noncanonical");
//! assert_eq!(v["offset"], 17);
//! ```

use luaxt_format::{Canonicity, DecodeOptions, Limits, Value};
use serde_json::{Map, Value as Json, json};

use crate::{DecodeFailure, to_hex, value_to_typed};

/// What [`judge`] makes of a case.
#[derive(Debug, Clone)]
pub enum Judged {
    /// A vector in the schema of `vectors/*.json`.
    Vector(Json),
    /// Valid input whose canonical re-encoding does not fit the case's
    /// limits (a `noncanonical` vector could not state it).
    Unstatable,
}

fn failure(e: &luaxt_format::Error) -> DecodeFailure {
    (e.kind().name().to_owned(), e.offset().unwrap_or(usize::MAX))
}

fn decode(bytes: &[u8], strict: bool, limits: Limits) -> Result<Value, DecodeFailure> {
    DecodeOptions::new()
        .strict(strict)
        .limits(limits)
        .decode(bytes)
        .map_err(|e| failure(&e))
}

/// Checks that the other routes of luaxt-format give what `decode` gave.
fn routes_agree(
    bytes: &[u8],
    strict: bool,
    limits: Limits,
    expected: &Result<Value, DecodeFailure>,
) -> Result<(), String> {
    let options = DecodeOptions::new().strict(strict).limits(limits);
    let mode = if strict { "strict" } else { "lenient" };
    let by_ref = options
        .decode_ref(bytes)
        .map(|v| v.to_owned())
        .map_err(|e| failure(&e));
    if &by_ref != expected {
        return Err(format!(
            "{mode} decode_ref gives {by_ref:?}, decode {expected:?}"
        ));
    }
    let by_serde = luaxt_format::from_slice_with::<Value>(bytes, &options).map_err(|e| failure(&e));
    if &by_serde != expected {
        return Err(format!(
            "{mode} from_slice_with::<Value> gives {by_serde:?}, decode {expected:?}"
        ));
    }
    Ok(())
}

fn check_agrees(
    bytes: &[u8],
    limits: Limits,
    lenient: &Result<Value, DecodeFailure>,
    strict: &Result<Value, DecodeFailure>,
) -> Result<(), String> {
    let checked = DecodeOptions::new()
        .limits(limits)
        .check(bytes)
        .map_err(|e| failure(&e));
    let agrees = match (&checked, lenient, strict) {
        (Ok(Canonicity::Canonical), Ok(_), Ok(_)) => true,
        (Ok(Canonicity::Noncanonical { offset }), Ok(_), Err((class, at))) => {
            class == "noncanonical" && at == offset
        }
        (Err(e), Err(l), Err(s)) => e == l && e == s,
        _ => false,
    };
    if agrees {
        Ok(())
    } else {
        Err(format!(
            "check gives {checked:?}, lenient {lenient:?}, strict {strict:?}"
        ))
    }
}

/// The canonical encoding of a decoded value, checked against the serde
/// encoder and a strict decode.
fn canonical_encoding(value: &Value, limits: Limits) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::new();
    // The encoder refuses what exceeds the limits (max_size included).
    if luaxt_format::encode_into_with(value, &mut out, &limits).is_err() {
        return Ok(None);
    }
    let by_serde = luaxt_format::to_vec(value).map_err(|e| format!("to_vec fails: {e}"))?;
    if by_serde != out {
        return Err(format!(
            "to_vec gives {}, encode {}",
            to_hex(&by_serde),
            to_hex(&out)
        ));
    }
    match luaxt_format::decode_strict(&out) {
        Ok(again) if &again == value => Ok(Some(out)),
        other => Err(format!(
            "the encoding {} strict-decodes to {other:?}",
            to_hex(&out)
        )),
    }
}

/// What luaxt-format decides about some bytes under some limits.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Both modes accept; the bytes are the value's canonical encoding.
    Valid(Value),
    /// Lenient accepts; strict refuses at `offset`.
    Noncanonical {
        /// The decoded value.
        value: Value,
        /// Where strict mode stops.
        offset: usize,
        /// The canonical encoding, if it fits the limits.
        canonical: Option<Vec<u8>>,
    },
    /// Both modes refuse with this class and offset.
    Invalid(DecodeFailure),
}

/// The verdict on `bytes` with `limits`, or why luaxt-format disagrees with
/// itself on them (the routes above; for the fuzz target and [`judge`]).
pub fn verdict(bytes: &[u8], limits: Limits) -> Result<Verdict, String> {
    let lenient = decode(bytes, false, limits);
    let strict = decode(bytes, true, limits);
    routes_agree(bytes, false, limits, &lenient)?;
    routes_agree(bytes, true, limits, &strict)?;
    check_agrees(bytes, limits, &lenient, &strict)?;
    Ok(match (lenient, strict) {
        (Ok(value), Ok(_)) => {
            let canonical = canonical_encoding(&value, limits)?;
            if canonical.as_deref() != Some(bytes) {
                return Err(format!(
                    "strict accepts {} but the encoding is {:?}",
                    to_hex(bytes),
                    canonical.map(|c| to_hex(&c))
                ));
            }
            Verdict::Valid(value)
        }
        (Ok(value), Err((_, offset))) => {
            let canonical = canonical_encoding(&value, limits)?;
            Verdict::Noncanonical {
                value,
                offset,
                canonical,
            }
        }
        (Err(failure), _) => Verdict::Invalid(failure),
    })
}

/// The vector for `bytes` decoded with `limits`, or why luaxt-format
/// disagrees with itself on them.
pub fn judge(id: &str, description: &str, bytes: &[u8], limits: Limits) -> Result<Judged, String> {
    let verdict = verdict(bytes, limits)?;
    let (section, class) = match &verdict {
        Verdict::Valid(_) => ("2", "valid"),
        Verdict::Noncanonical { .. } => ("4.6", "noncanonical"),
        Verdict::Invalid(_) => ("5", "invalid"),
    };
    let mut v = Map::new();
    v.insert("id".into(), json!(id));
    v.insert("section".into(), json!(section));
    v.insert("description".into(), json!(description));
    v.insert("class".into(), json!(class));
    v.insert("hex".into(), json!(to_hex(bytes)));
    match verdict {
        Verdict::Valid(value) => {
            v.insert("value".into(), value_to_typed(&value));
        }
        Verdict::Noncanonical {
            value,
            offset,
            canonical,
        } => {
            let Some(canonical) = canonical else {
                return Ok(Judged::Unstatable);
            };
            v.insert("value".into(), value_to_typed(&value));
            v.insert("canonical_hex".into(), json!(to_hex(&canonical)));
            v.insert("offset".into(), json!(offset));
        }
        Verdict::Invalid((class, offset)) => {
            v.insert("error".into(), json!(class));
            v.insert("offset".into(), json!(offset));
        }
    }
    if limits != Limits::default() {
        v.insert(
            "limits".into(),
            json!({"max_depth": limits.max_depth, "max_size": limits.max_size}),
        );
    }
    Ok(Judged::Vector(Json::Object(v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases;

    fn class_of(j: &Judged) -> String {
        match j {
            Judged::Vector(v) => v["class"].as_str().unwrap().to_owned(),
            Judged::Unstatable => "unstatable".into(),
        }
    }

    #[test]
    fn generated_cases_reach_every_verdict_and_error_class() {
        let mut classes = std::collections::BTreeMap::new();
        let mut errors = std::collections::BTreeSet::new();
        for i in 0..3000 {
            let case = cases::case(99, i);
            let judged = judge("g.x", "d", &case.bytes(), case.limits)
                .unwrap_or_else(|e| panic!("case {i}: {e}"));
            *classes.entry(class_of(&judged)).or_insert(0) += 1;
            if let Judged::Vector(v) = &judged {
                if let Some(e) = v.get("error") {
                    errors.insert(e.as_str().unwrap().to_owned());
                }
            }
        }
        for class in ["valid", "noncanonical", "invalid"] {
            assert!(
                classes.get(class).copied().unwrap_or(0) > 200,
                "{classes:?}"
            );
        }
        for kind in luaxt_format::ErrorKind::DECODE_CLASSES {
            if kind != luaxt_format::ErrorKind::Noncanonical {
                assert!(
                    errors.contains(kind.name()),
                    "no {} in {errors:?}",
                    kind.name()
                );
            }
        }
    }

    #[test]
    fn a_vector_loads_and_passes_the_reference() {
        for i in 0..500 {
            let case = cases::case(5, i);
            let Judged::Vector(v) =
                judge("generated.t.x", "d", &case.bytes(), case.limits).unwrap()
            else {
                continue;
            };
            let text = format!("{{\"vectors\": [{v}]}}");
            let vectors = crate::load("t.json", &text).unwrap();
            let report = crate::run(&crate::LuaxtFormat, &vectors);
            assert!(report.failures.is_empty(), "{report}");
        }
    }
}
