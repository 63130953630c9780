//! Cross-checks with the reference JS codec (format/js/src/index.js, or
//! `LUAXT_JS_CODEC`), via
//! `node conformance/js/cross.mjs`: every vector decodes to the same result
//! in Rust and in JS (the JS view of §8), and a generated corpus round-trips
//! Rust → JS → Rust byte for byte. Skipped (with a message) only when node
//! is missing and `LUAXT_REQUIRE_ALL` is unset (`scripts/test-all` sets it, so there a
//! missing node fails).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use luaxt_conformance::generate::Generator;
use luaxt_conformance::{
    Implementation, KNOWN_FAILURES_RUST, KnownFailures, LuaxtFormat, from_hex, js_view, to_hex,
    vectors,
};
use luaxt_format::Value;
use serde_json::{Value as Json, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The reference JS codec: `LUAXT_JS_CODEC` (a path, e.g. an installed
/// npm package's entry), or the one in this repository. A packed copy of
/// this crate has no repository around it: there the test is skipped with
/// a message, unless `LUAXT_REQUIRE_ALL` is set.
fn codec() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LUAXT_JS_CODEC") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "LUAXT_JS_CODEC={} is not a file",
            path.display()
        );
        return Some(path);
    }
    let in_repository = root().join("../format/js/src/index.js");
    if in_repository.exists() {
        return Some(in_repository);
    }
    assert!(
        std::env::var_os("LUAXT_REQUIRE_ALL").is_none(),
        "no JS codec beside this crate: set LUAXT_JS_CODEC (LUAXT_REQUIRE_ALL is set)"
    );
    println!("skipped: no JS codec beside this crate (set LUAXT_JS_CODEC)");
    None
}

/// Runs cross.mjs on `input`; `None` when node or the codec is missing and
/// not required.
fn cross(name: &str, input: &Json) -> Option<Vec<Json>> {
    let codec = codec()?;
    if Command::new("node").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("LUAXT_REQUIRE_ALL").is_none(),
            "node not found (LUAXT_REQUIRE_ALL is set)"
        );
        println!("skipped: node not found");
        return None;
    }
    let file = std::env::temp_dir().join(format!("luaxt-cross-{name}-{}.json", std::process::id()));
    std::fs::write(&file, input.to_string()).unwrap();
    let out = Command::new("node")
        .arg(root().join("js/cross.mjs"))
        .arg(&codec)
        .arg(&file)
        .output()
        .expect("running node");
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "cross.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed = luaxt_conformance::parse_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    Some(parsed.as_array().unwrap().clone())
}

fn limits_json(v: &luaxt_conformance::Vector) -> Json {
    json!({ "max_depth": v.limits.max_depth, "max_size": v.limits.max_size })
}

#[test]
fn every_vector_decodes_the_same_in_rust_and_js() {
    let all = vectors();
    let cases: Vec<Json> = all
        .iter()
        .filter_map(|v| {
            let bytes = v.bytes.as_ref()?;
            Some(json!({ "id": v.id, "hex": to_hex(bytes), "limits": limits_json(v) }))
        })
        .collect();
    let Some(results) = cross("decode", &json!({ "mode": "decode", "cases": cases })) else {
        return;
    };
    let known = KnownFailures::parse(KNOWN_FAILURES_RUST);
    let js_known = KnownFailures::parse(include_str!("../known-failures/js-reference.txt"));
    let by_id: BTreeMap<&str, &luaxt_conformance::Vector> =
        all.iter().map(|v| (v.id.as_str(), v)).collect();
    let mut mismatches = Vec::new();
    let mut tolerated = 0;
    for r in &results {
        let id = r["id"].as_str().unwrap();
        let v = by_id[id];
        let rust = match LuaxtFormat.decode(v.bytes.as_ref().unwrap(), false, v.limits) {
            Ok(value) => json!({ "view": js_view(&value) }),
            Err((kind, offset)) => json!({ "error": { "kind": kind, "offset": offset } }),
        };
        let mut js = r.clone();
        js.as_object_mut().unwrap().remove("id");
        if rust != js {
            if known.contains(id) || js_known.contains(id) {
                tolerated += 1;
                continue;
            }
            mismatches.push(format!(
                "{id} (§{}):\n  rust: {rust}\n  js:   {js}",
                v.section
            ));
        }
    }
    println!(
        "{} vectors compared, {tolerated} differ as listed in known-failures",
        results.len()
    );
    assert_eq!(
        results.len(),
        all.iter().filter(|v| v.bytes.is_some()).count()
    );
    assert!(
        mismatches.is_empty(),
        "Rust and JS disagree:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn generated_corpus_round_trips_rust_js_rust() {
    let mut generator = Generator::new(0x5EED_0003).js_lossless(true);
    let values: Vec<Value> = (0..400).map(|i| generator.value(1 + i % 4)).collect();
    let encoded: Vec<Vec<u8>> = values
        .iter()
        .map(|v| luaxt_format::encode(v).unwrap())
        .collect();
    let cases: Vec<Json> = encoded
        .iter()
        .enumerate()
        .map(|(i, bytes)| json!({ "id": i.to_string(), "hex": to_hex(bytes) }))
        .collect();
    let Some(results) = cross("roundtrip", &json!({ "mode": "roundtrip", "cases": cases })) else {
        return;
    };
    assert_eq!(results.len(), values.len());
    let total: usize = encoded.iter().map(Vec::len).sum();
    for (i, r) in results.iter().enumerate() {
        let back = r["hex"]
            .as_str()
            .unwrap_or_else(|| panic!("case {i}: JS failed: {r}"));
        assert_eq!(
            back,
            to_hex(&encoded[i]),
            "case {i}: bytes differ after Rust → JS → Rust"
        );
        let decoded = luaxt_format::decode(&from_hex(back).unwrap()).unwrap();
        assert_eq!(decoded, values[i], "case {i}: value differs");
    }
    println!(
        "{} values ({total} bytes) round-tripped byte for byte",
        values.len()
    );
}
