//! What the inspector page shows of a document, computed by the same Rust
//! code as `luaxt inspect` and `luaxt decode` (not a JavaScript copy of
//! it): the annotated dump, the decoder's verdict with the error's class
//! and offset, the canonical re-encoding, and the plain and typed JSON
//! views; and the way back, JSON text to LXT bytes as `luaxt encode` does.
//!
//! The functions are plain Rust (tested natively); `exports` wraps them for
//! wasm-bindgen. A document comes back as one JSON text, parsed by the JS
//! wrapper (`inspectDocument` in runtime/js/src/index.js), so its shape is
//! written once, here.

use luaxt_format::{Canonicity, DecodeOptions, Limits, ValueRef, inspect};
use serde_json::{Value as Json, json};

/// The annotated dump `luaxt inspect` prints.
pub fn dump(bytes: &[u8], strict: bool, width: usize) -> String {
    let options = DecodeOptions::new().strict(strict);
    inspect::inspect(bytes, &options, width).text
}

/// Everything the page shows of `bytes`, as JSON text:
///
/// - `dump`: the text of [`dump`];
/// - `verdict`: `{"ok": true, "canonical": bool, "noncanonicalOffset": n?}`
///   or `{"ok": false, "kind": "length_overflow", "offset": n?, "message": ..}`;
/// - for a valid document, `canonicalHex` (the canonical re-encoding,
///   lowercase hex), `typed` (typed JSON, §7), and `plain` (plain JSON) or
///   `plainError` (why plain JSON cannot carry the value).
pub fn document(bytes: &[u8], strict: bool, width: usize) -> String {
    let options = DecodeOptions::new().strict(strict);
    let inspection = inspect::inspect(bytes, &options, width);
    let mut out = serde_json::Map::new();
    let verdict = match &inspection.verdict {
        Ok(Canonicity::Canonical) => json!({ "ok": true, "canonical": true }),
        Ok(Canonicity::Noncanonical { offset }) => {
            json!({ "ok": true, "canonical": false, "noncanonicalOffset": offset })
        }
        Err(e) => json!({
            "ok": false,
            "kind": e.kind().name(),
            "offset": e.offset(),
            "message": inspect::describe_error(e),
        }),
    };
    out.insert("dump".into(), Json::String(inspection.text));
    out.insert("verdict".into(), verdict);
    // Valid under the chosen mode: the views are of the value. A strict
    // refusal still has a value (lenient decoding), and showing it helps.
    if let Ok(value) = ValueRef::decode(bytes) {
        match luaxt_format::encode(&value) {
            Ok(canonical) => out.insert("canonicalHex".into(), hex::encode(canonical).into()),
            Err(e) => out.insert("canonicalError".into(), e.to_string().into()),
        };
        // Written straight from the value, as `luaxt decode` writes them.
        // Every value has a typed form, and a `Vec` takes every write.
        let mut typed = Vec::new();
        let typed = match luaxt_json::write_typed(&value, &mut typed, true) {
            Ok(()) => text(typed),
            Err(e) => format!("({})", e.message()),
        };
        out.insert("typed".into(), typed.into());
        let mut plain = Vec::new();
        match luaxt_json::write_plain(&value, &mut plain, true) {
            Ok(()) => out.insert("plain".into(), text(plain).into()),
            Err(e) => out.insert("plainError".into(), e.message().into()),
        };
    }
    Json::Object(out).to_string()
}

/// JSON text serde_json wrote (always UTF-8).
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// JSON text to LXT bytes as `luaxt encode` converts it (plain JSON, or
/// the typed notation when `typed`), under the default limits.
pub fn json_to_lxt(text: &str, typed: bool) -> Result<Vec<u8>, luaxt_json::Error> {
    let dialect = luaxt_json::Dialect::from_typed_flag(typed);
    luaxt_json::json_to_lxt(text, "the JSON", dialect, &Limits::DEFAULT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(bytes: &[u8], strict: bool) -> Json {
        serde_json::from_str(&document(bytes, strict, 64)).expect("document() writes JSON")
    }

    #[test]
    fn a_valid_document_has_every_view() {
        let bytes = json_to_lxt(r#"{"b": [1, 2.5], "a": "x"}"#, false).unwrap();
        let doc = parsed(&bytes, true);
        assert_eq!(doc["verdict"], json!({ "ok": true, "canonical": true }));
        assert_eq!(doc["canonicalHex"], hex::encode(&bytes));
        assert!(doc["dump"].as_str().unwrap().ends_with("canonical\n"));
        let plain: Json = serde_json::from_str(doc["plain"].as_str().unwrap()).unwrap();
        assert_eq!(plain, json!({ "a": "x", "b": [1, 2.5] }));
        let typed: Json = serde_json::from_str(doc["typed"].as_str().unwrap()).unwrap();
        assert_eq!(json_to_lxt(&typed.to_string(), true).unwrap(), bytes);
    }

    #[test]
    fn an_error_comes_with_its_class_and_offset() {
        // A string whose length runs past the end.
        let doc = parsed(&[0x04, 9, 0, 0, 0, b'a'], false);
        assert_eq!(doc["verdict"]["ok"], false);
        assert_eq!(doc["verdict"]["kind"], "length_overflow");
        assert_eq!(doc["verdict"]["offset"], 1);
        assert!(doc.get("canonicalHex").is_none());
        assert!(
            doc["dump"]
                .as_str()
                .unwrap()
                .contains("error: length_overflow")
        );
    }

    #[test]
    fn noncanonical_input_is_marked_and_re_encoded() {
        // 1.0 as a key (§4.5): valid, not canonical.
        let loose = [
            6, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 1, 1,
        ];
        let doc = parsed(&loose, false);
        assert_eq!(doc["verdict"]["canonical"], false);
        assert_eq!(doc["verdict"]["noncanonicalOffset"], 9);
        assert_eq!(doc["canonicalHex"], "0601000000010100000000");
        // Strict mode refuses it but still shows the value.
        let doc = parsed(&loose, true);
        assert_eq!(doc["verdict"]["kind"], "noncanonical");
        assert_eq!(doc["canonicalHex"], "0601000000010100000000");
    }

    #[test]
    fn values_plain_json_cannot_carry_say_why() {
        let doc = parsed(&[0x05, 1, 0, 0, 0, 0xff], false);
        assert!(doc.get("plain").is_none());
        assert!(doc["plainError"].as_str().unwrap().contains("bytes"));
        assert!(doc["typed"].as_str().unwrap().contains(r#""bytes": "ff""#));
    }

    #[test]
    fn bad_json_is_the_clis_error() {
        let err = json_to_lxt(r#"{"a": 1, "a": 2}"#, false).unwrap_err();
        assert_eq!(err.kind(), luaxt_json::ErrorKind::InvalidJson);
        assert!(err.message().contains("duplicate key"), "{err}");
        let err = json_to_lxt(r#"{"int": 5}"#, true).unwrap_err();
        assert_eq!(err.kind(), luaxt_json::ErrorKind::NotTyped);
    }
}
