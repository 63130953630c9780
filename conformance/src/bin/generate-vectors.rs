//! Writes the vector files made by rules rather than by hand:
//! `90-generated.json` (the fixed-seed regression set),
//! `91-key-orders.json` and `92-truncations.json` (systematic sets). A test
//! checks that the committed files are what this writes.

use luaxt_conformance::systematic::GENERATED_FILES;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors");
    for (name, text) in GENERATED_FILES {
        let path = format!("{dir}/{name}");
        let text = text();
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("writing {path}: {e}"));
        println!("wrote {path} ({} bytes)", text.len());
    }
}
