//! Every vector in one JSON document, for implementations in any language
//! (like msgpack-test-suite's `dist/`): `conformance/dist/lxt1-vectors.json`
//! in the repository, or `luaxt conformance --export FILE`.
//!
//! The bundle keeps each vector exactly as its file has it (so
//! `schema/vectors.schema.json` describes every entry of `vectors`) and
//! says which file and title it came from.

use serde_json::{Map, Value as Json, json};

use crate::{FILES, parse_json};

/// The bundle of every embedded vector file, in run order:
/// `{"format": "LXT 1", "vector_count": N, "files": [{"file", "title",
/// "vectors": [...]}]}`.
///
/// ```
/// let bundle = luaxt_conformance::bundle::bundle();
/// assert_eq!(bundle["format"], "LXT 1");
/// let count = bundle["files"].as_array().unwrap().iter()
///     .map(|f| f["vectors"].as_array().unwrap().len())
///     .sum::<usize>();
/// assert_eq!(bundle["vector_count"], count);
/// assert_eq!(count, luaxt_conformance::vectors().len());
/// ```
///
/// # Panics
/// If an embedded file is malformed (a test of this crate rules it out).
pub fn bundle() -> Json {
    let mut count = 0;
    let files: Vec<Json> = FILES
        .iter()
        .map(|(file, text)| {
            let doc = parse_json(text).unwrap_or_else(|e| panic!("{file}: {e}"));
            let vectors = doc["vectors"].clone();
            count += vectors.as_array().map_or(0, Vec::len);
            let mut entry = Map::new();
            entry.insert("file".into(), json!(file));
            entry.insert("title".into(), doc["title"].clone());
            entry.insert("vectors".into(), vectors);
            Json::Object(entry)
        })
        .collect();
    json!({
        "format": luaxt_format::FORMAT_VERSION,
        "description": "Every golden vector of luaxt's conformance kit; each entry of \
                        `vectors` follows conformance/schema/vectors.schema.json",
        "vector_count": count,
        "files": files,
    })
}

/// [`bundle`] as the text of `conformance/dist/lxt1-vectors.json`: one
/// vector per line, as in the vector files (indenting every field would
/// make it several times larger), ending with a newline.
pub fn bundle_text() -> String {
    let bundle = bundle();
    let line = |value: &Json| serde_json::to_string(value).expect("JSON values serialize");
    let mut text = String::from("{\n");
    for key in ["format", "description", "vector_count"] {
        text += &format!(" {}: {},\n", line(&json!(key)), line(&bundle[key]));
    }
    text += " \"files\": [\n";
    let files = bundle["files"].as_array().expect("files is an array");
    for (i, file) in files.iter().enumerate() {
        text += &format!(
            "  {{\"file\": {}, \"title\": {}, \"vectors\": [\n",
            line(&file["file"]),
            line(&file["title"])
        );
        let vectors = file["vectors"].as_array().expect("vectors is an array");
        for (j, vector) in vectors.iter().enumerate() {
            let comma = if j + 1 < vectors.len() { "," } else { "" };
            text += &format!("   {}{comma}\n", line(vector));
        }
        let comma = if i + 1 < files.len() { "," } else { "" };
        text += &format!("  ]}}{comma}\n");
    }
    text += " ]\n}\n";
    text
}
