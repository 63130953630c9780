//! # luaxt-conformance
//!
//! Golden vectors for **LXT 1** and the runners that check an implementation
//! against them. The vectors are language-neutral JSON files (embedded in
//! this crate, so it works from crates.io); the spec sections they cite are
//! those of the repository's `spec/` chapters.
//!
//! Checking a Rust implementation takes a few lines: implement
//! [`Implementation`] (decode with a strictness flag and [`Limits`], encode
//! a [`luaxt_format::Value`]) and call [`run`]. The crate's own
//! implementation for `luaxt-format` is [`LuaxtFormat`]:
//!
//! ```
//! use luaxt_conformance::{run, vectors, KnownFailures, LuaxtFormat};
//!
//! let all = vectors();
//! assert!(all.len() >= 300);
//! let report = run(&LuaxtFormat, &all);
//! for failure in &report.failures {
//!     println!("{failure}"); // id, section, expected, actual
//! }
//! // A listed failure is tolerated; a listed id that passes is stale.
//! let known = KnownFailures::parse(luaxt_conformance::KNOWN_FAILURES_RUST);
//! println!("{}", report.summary());
//! let _ = report.check(&known);
//! ```
//!
//! ## Map
//! - this file: [`Vector`], [`vectors`], [`run`], [`Report`], [`KnownFailures`];
//! - `bundle`: every vector in one JSON document (`dist/lxt1-vectors.json`);
//! - `kit`: the JS runner, driver and cross-check, built in, written out
//!   beside the vectors for `luaxt conformance --js`;
//! - `oracle`: the expected verdict for any bytes, as a vector;
//! - `cases`, `raw`, `shrink`, `differential`: the generated differential
//!   run against a JS module (cases, raw wire items, minimising, the driver);
//! - `systematic`, `generate`: the vector files written from rules and seeds;
//! - `js_view` (re-exported): what a §8 decoder returns, as neutral JSON;
//!   the typed notation of §7 is `luaxt_json::typed` (re-exported).
//!
//! ## What a vector asserts (see the README and `schema/vectors.schema.json`)
//! - `valid`: lenient and strict decoding give `value`; encoding `value`
//!   gives exactly `hex`.
//! - `noncanonical`: lenient decoding gives `value`; strict decoding fails
//!   with `noncanonical` at `offset`; encoding `value` gives `canonical_hex`.
//! - `invalid`: both modes fail with `error` at `offset`.
//! - `encode_error`: encoding `value` (when present) fails with `error`;
//!   vectors with only a `js.source` are for JavaScript runners.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use luaxt_format::{DecodeOptions, Limits, Table, Value};
use serde_json::Value as Json;

pub mod bundle;
pub mod cases;
pub mod differential;
pub mod generate;
mod js_view;
pub mod kit;
pub mod oracle;
pub mod raw;
pub mod shrink;
pub mod systematic;

pub use js_view::js_view;
/// The typed notation of §7 lives in `luaxt-json` (the CLI and the
/// inspector page read and write it too); re-exported for the vectors.
pub use luaxt_json::typed::{typed_to_value, value_to_typed};

/// The vector files, by name, in the order they are run.
pub const FILES: [(&str, &str); 11] = [
    (
        "01-overview.json",
        include_str!("../vectors/01-overview.json"),
    ),
    ("02-values.json", include_str!("../vectors/02-values.json")),
    ("03-keys.json", include_str!("../vectors/03-keys.json")),
    (
        "04-canonical.json",
        include_str!("../vectors/04-canonical.json"),
    ),
    ("05-errors.json", include_str!("../vectors/05-errors.json")),
    ("06-limits.json", include_str!("../vectors/06-limits.json")),
    (
        "08-js-mapping.json",
        include_str!("../vectors/08-js-mapping.json"),
    ),
    (
        "14-examples.json",
        include_str!("../vectors/14-examples.json"),
    ),
    (
        "90-generated.json",
        include_str!("../vectors/90-generated.json"),
    ),
    (
        "91-key-orders.json",
        include_str!("../vectors/91-key-orders.json"),
    ),
    (
        "92-truncations.json",
        include_str!("../vectors/92-truncations.json"),
    ),
];

/// The JSON Schema of a vector file.
pub const SCHEMA: &str = include_str!("../schema/vectors.schema.json");

/// Known failures of `luaxt-format` (`known-failures/rust.txt`).
pub const KNOWN_FAILURES_RUST: &str = include_str!("../known-failures/rust.txt");

/// What a vector asserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Canonical bytes of `value`.
    Valid,
    /// Accepted bytes of `value` that are not canonical.
    Noncanonical,
    /// Bytes that every decoder rejects with `error` at `offset`.
    Invalid,
    /// A value that every encoder refuses with `error`.
    EncodeError,
}

impl Class {
    /// The name used in the files.
    pub const fn name(self) -> &'static str {
        match self {
            Class::Valid => "valid",
            Class::Noncanonical => "noncanonical",
            Class::Invalid => "invalid",
            Class::EncodeError => "encode_error",
        }
    }

    fn from_name(name: &str) -> Option<Class> {
        [
            Class::Valid,
            Class::Noncanonical,
            Class::Invalid,
            Class::EncodeError,
        ]
        .into_iter()
        .find(|c| c.name() == name)
    }
}

/// One golden vector.
#[derive(Debug, Clone)]
pub struct Vector {
    /// Stable id, e.g. `values.int.i64-min`.
    pub id: String,
    /// The spec section it tests, e.g. `2.3`.
    pub section: String,
    /// One line saying what is tested.
    pub description: String,
    /// What the vector asserts.
    pub class: Class,
    /// The input bytes (absent for `encode_error`).
    pub bytes: Option<Vec<u8>>,
    /// The value in typed JSON notation (§7).
    pub value: Option<Json>,
    /// The canonical bytes of a `noncanonical` vector.
    pub canonical: Option<Vec<u8>>,
    /// The expected error class (`invalid`, `encode_error`).
    pub error: Option<String>,
    /// The expected error offset (`invalid`; for `noncanonical` the offset
    /// strict mode reports).
    pub offset: Option<usize>,
    /// Limits to decode and encode with (defaults otherwise).
    pub limits: Limits,
    /// The JavaScript view (`value`, `source`), if any.
    pub js: Option<Json>,
    /// The file the vector comes from.
    pub file: &'static str,
}

/// Parses hex (upper or lower case, no separators).
pub fn from_hex(text: &str) -> Result<Vec<u8>, String> {
    hex::decode(text).map_err(|e| format!("bad hex: {e}"))
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Parses JSON without serde_json's nesting limit of 128 (the depth-limit
/// vectors nest deeper than that).
pub fn parse_json(text: &str) -> Result<Json, serde_json::Error> {
    use serde::Deserialize;
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let json = Json::deserialize(&mut de)?;
    de.end()?;
    Ok(json)
}

/// Parses one vector file.
pub fn load(file: &'static str, text: &str) -> Result<Vec<Vector>, String> {
    let doc = parse_json(text).map_err(|e| format!("{file}: {e}"))?;
    let list = doc
        .get("vectors")
        .and_then(Json::as_array)
        .ok_or_else(|| format!("{file}: no \"vectors\" array"))?;
    list.iter()
        .map(|v| parse_vector(file, v).map_err(|e| format!("{file}: {e}")))
        .collect()
}

fn parse_vector(file: &'static str, v: &Json) -> Result<Vector, String> {
    let text = |name: &str| v.get(name).and_then(Json::as_str).map(str::to_owned);
    let id = text("id").ok_or("a vector without id")?;
    let need = |name: &str| text(name).ok_or_else(|| format!("{id}: missing {name}"));
    let class_name = need("class")?;
    let class = Class::from_name(&class_name).ok_or_else(|| format!("{id}: class {class_name}"))?;
    let hex = |name: &str| text(name).map(|h| from_hex(&h)).transpose();
    let mut limits = Limits::default();
    if let Some(l) = v.get("limits") {
        if let Some(d) = l.get("max_depth").and_then(Json::as_u64) {
            limits.max_depth = u32::try_from(d).map_err(|_| format!("{id}: max_depth"))?;
        }
        if let Some(s) = l.get("max_size").and_then(Json::as_u64) {
            limits.max_size = s;
        }
    }
    let vector = Vector {
        section: need("section")?,
        description: need("description")?,
        class,
        bytes: hex("hex").map_err(|e| format!("{id}: {e}"))?,
        value: v.get("value").cloned(),
        canonical: hex("canonical_hex").map_err(|e| format!("{id}: {e}"))?,
        error: text("error"),
        offset: v.get("offset").and_then(Json::as_u64).map(|o| o as usize),
        limits,
        js: v.get("js").cloned(),
        file,
        id,
    };
    let ok = match class {
        Class::Valid => vector.bytes.is_some() && vector.value.is_some(),
        Class::Noncanonical => {
            vector.bytes.is_some()
                && vector.value.is_some()
                && vector.canonical.is_some()
                && vector.offset.is_some()
        }
        Class::Invalid => {
            vector.bytes.is_some() && vector.error.is_some() && vector.offset.is_some()
        }
        Class::EncodeError => vector.bytes.is_none() && vector.error.is_some(),
    };
    if !ok {
        return Err(format!(
            "{}: fields do not match class {class_name}",
            vector.id
        ));
    }
    Ok(vector)
}

/// Every embedded vector, in file order.
///
/// # Panics
/// If an embedded file is malformed (a test of this crate rules it out).
pub fn vectors() -> Vec<Vector> {
    FILES
        .iter()
        .flat_map(|(file, text)| load(file, text).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// A decode failure: the class name (§5) and the byte offset.
pub type DecodeFailure = (String, usize);

/// An LXT 1 implementation under test.
pub trait Implementation {
    /// Decodes one document; `strict` rejects noncanonical input (§4.6).
    fn decode(&self, bytes: &[u8], strict: bool, limits: Limits) -> Result<Value, DecodeFailure>;
    /// Encodes `value` canonically; the error is a class name (§5).
    fn encode(&self, value: &Value, limits: Limits) -> Result<Vec<u8>, String>;
}

/// The implementation in `luaxt-format`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LuaxtFormat;

impl Implementation for LuaxtFormat {
    fn decode(&self, bytes: &[u8], strict: bool, limits: Limits) -> Result<Value, DecodeFailure> {
        DecodeOptions::new()
            .strict(strict)
            .limits(limits)
            .decode(bytes)
            .map_err(|e| (e.kind().name().to_owned(), e.offset().unwrap_or(usize::MAX)))
    }

    fn encode(&self, value: &Value, limits: Limits) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        luaxt_format::encode_into_with(value, &mut out, &limits)
            .map_err(|e| e.kind().name().to_owned())?;
        Ok(out)
    }
}

/// One failed check of one vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The vector id.
    pub id: String,
    /// Its spec section.
    pub section: String,
    /// Which check failed (`decode`, `strict decode`, `encode`).
    pub check: &'static str,
    /// What the vector expects.
    pub expected: String,
    /// What the implementation gave.
    pub actual: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "FAIL {} (§{}) {}\n  expected: {}\n  actual:   {}",
            self.id, self.section, self.check, self.expected, self.actual
        )
    }
}

/// The outcome of running vectors against an implementation.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Ids of vectors whose every check passed.
    pub passed: Vec<String>,
    /// Every failed check (a vector may fail several).
    pub failures: Vec<Failure>,
    /// Ids of vectors with nothing to check here (JS-only encode errors).
    pub skipped: Vec<String>,
}

impl Report {
    /// Ids of the vectors with at least one failure.
    pub fn failed_ids(&self) -> BTreeSet<&str> {
        self.failures.iter().map(|f| f.id.as_str()).collect()
    }

    /// `N passed, M failed` (plus skipped, if any).
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} passed, {} failed",
            self.passed.len(),
            self.failed_ids().len()
        );
        if !self.skipped.is_empty() {
            s += &format!(
                " ({} skipped: nothing to check in this language)",
                self.skipped.len()
            );
        }
        s
    }

    /// Compares the failures with a known-failures list: `Err` lists every
    /// unexpected failure and every stale entry (a listed id that passes or
    /// does not exist).
    pub fn check(&self, known: &KnownFailures) -> Result<(), String> {
        let failed = self.failed_ids();
        let mut problems = Vec::new();
        for f in &self.failures {
            if !known.contains(&f.id) {
                problems.push(f.to_string());
            }
        }
        for id in known.ids() {
            if !failed.contains(id) {
                problems.push(format!(
                    "STALE {id}: listed as a known failure but it passes (or does not exist)"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for failure in &self.failures {
            writeln!(f, "{failure}")?;
        }
        write!(f, "{}", self.summary())
    }
}

/// A known-failures file: one vector id per line, `#` starts a comment.
#[derive(Debug, Clone, Default)]
pub struct KnownFailures {
    entries: BTreeMap<String, String>,
}

impl KnownFailures {
    /// Parses `id  # why` lines; blank and comment lines are ignored.
    pub fn parse(text: &str) -> KnownFailures {
        let entries = text
            .lines()
            .filter_map(|line| {
                let (id, why) = line.split_once('#').unwrap_or((line, ""));
                let id = id.trim();
                (!id.is_empty()).then(|| (id.to_owned(), why.trim().to_owned()))
            })
            .collect();
        KnownFailures { entries }
    }

    /// Whether `id` is listed.
    pub fn contains(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }

    /// The listed ids.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

fn show_result(result: &Result<Value, DecodeFailure>) -> String {
    match result {
        Ok(v) => value_to_typed(v).to_string(),
        Err((class, offset)) => format!("error {class} at {offset}"),
    }
}

fn show_encoded(result: &Result<Vec<u8>, String>) -> String {
    match result {
        Ok(bytes) => to_hex(bytes),
        Err(class) => format!("error {class}"),
    }
}

/// Runs `vectors` against `implementation`.
pub fn run(implementation: &dyn Implementation, vectors: &[Vector]) -> Report {
    let mut report = Report::default();
    for v in vectors {
        let mut failures = Vec::new();
        let mut fail = |check: &'static str, expected: String, actual: String| {
            failures.push(Failure {
                id: v.id.clone(),
                section: v.section.clone(),
                check,
                expected,
                actual,
            })
        };
        let value = match v.value.as_ref().map(typed_to_value).transpose() {
            Ok(value) => value,
            Err(e) => {
                fail("vector", "a typed JSON value".into(), e.to_string());
                report.failures.extend(failures);
                continue;
            }
        };
        let limits = v.limits;
        match v.class {
            Class::Valid | Class::Noncanonical => {
                let bytes = v.bytes.as_deref().unwrap_or_default();
                let value = value.unwrap_or_default();
                let lenient = implementation.decode(bytes, false, limits);
                if lenient.as_ref() != Ok(&value) {
                    fail(
                        "decode",
                        value_to_typed(&value).to_string(),
                        show_result(&lenient),
                    );
                }
                let strict = implementation.decode(bytes, true, limits);
                if v.class == Class::Valid {
                    if strict.as_ref() != Ok(&value) {
                        let expected = value_to_typed(&value).to_string();
                        fail("strict decode", expected, show_result(&strict));
                    }
                } else {
                    let expected = ("noncanonical".to_owned(), v.offset.unwrap_or_default());
                    if strict.as_ref().err() != Some(&expected) {
                        let shown = format!("error noncanonical at {}", expected.1);
                        fail("strict decode", shown, show_result(&strict));
                    }
                }
                let canonical = v.canonical.as_deref().unwrap_or(bytes);
                let encoded = implementation.encode(&value, limits);
                if encoded.as_deref() != Ok(canonical) {
                    fail("encode", to_hex(canonical), show_encoded(&encoded));
                }
            }
            Class::Invalid => {
                let bytes = v.bytes.as_deref().unwrap_or_default();
                let expected = (
                    v.error.clone().unwrap_or_default(),
                    v.offset.unwrap_or_default(),
                );
                for (strict, check) in [(false, "decode"), (true, "strict decode")] {
                    let got = implementation.decode(bytes, strict, limits);
                    if got.as_ref().err() != Some(&expected) {
                        let shown = format!("error {} at {}", expected.0, expected.1);
                        fail(check, shown, show_result(&got));
                    }
                }
            }
            Class::EncodeError => {
                let Some(value) = value else {
                    report.skipped.push(v.id.clone());
                    continue;
                };
                let expected = v.error.clone().unwrap_or_default();
                let got = implementation.encode(&value, limits);
                if got.as_ref().err() != Some(&expected) {
                    fail("encode", format!("error {expected}"), show_encoded(&got));
                }
            }
        }
        if failures.is_empty() {
            report.passed.push(v.id.clone());
        }
        report.failures.extend(failures);
    }
    report
}

/// Every table nested in `value`, including itself (for coverage checks).
pub fn tables(value: &Value) -> Vec<&Table<Value>> {
    let mut out = Vec::new();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        if let Value::Table(t) = v {
            out.push(t);
            stack.extend(t.array());
            for (k, v) in t.hash() {
                stack.push(k);
                stack.push(v);
            }
        }
    }
    out
}
