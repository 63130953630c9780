//! `conformance/dist/lxt1-vectors.json`, the one-file form of the vectors
//! for other languages, is what the vector files say today.

use luaxt_conformance::bundle::bundle_text;
use luaxt_conformance::{parse_json, vectors};

const DIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/dist/lxt1-vectors.json");

#[test]
fn the_committed_bundle_is_up_to_date() {
    let committed = std::fs::read_to_string(DIST).expect("conformance/dist/lxt1-vectors.json");
    assert!(
        committed == bundle_text(),
        "conformance/dist/lxt1-vectors.json is stale: rerun \
         `cargo run -p luaxt-cli -- conformance --export conformance/dist/lxt1-vectors.json`"
    );
}

#[test]
fn the_bundle_holds_every_vector_once_in_run_order() {
    let bundle = parse_json(&bundle_text()).unwrap();
    let ids: Vec<&str> = bundle["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|file| file["vectors"].as_array().unwrap())
        .map(|vector| vector["id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = vectors().into_iter().map(|v| v.id).collect();
    assert_eq!(ids, expected);
    assert_eq!(bundle["vector_count"], ids.len());
}
