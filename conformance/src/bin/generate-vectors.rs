//! Writes `conformance/vectors/90-generated.json` (the fixed-seed
//! regression set). A test checks the committed file is what this writes.

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/90-generated.json");
    let text = luaxt_conformance::generate::generated_json();
    std::fs::write(path, &text).unwrap_or_else(|e| panic!("writing {path}: {e}"));
    println!("wrote {path} ({} bytes)", text.len());
}
