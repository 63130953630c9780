//! `lxt-oracle FILE|DIR…`: prints one JSON line per input file with what
//! luaxt-format decides about its bytes, for fuzz/differential/run.mjs:
//!
//! `{"file": …, "hex": INPUT, "lenient": R, "strict": R}` where R is
//! `{"ok": true, "canonical": HEX, "js": HEX}` or
//! `{"ok": false, "error": CLASS, "offset": N}`.
//!
//! `canonical` is the canonical re-encoding of the decoded value; `js` is
//! the re-encoding of that value after the JavaScript mapping of spec §8
//! (a float with a safe integral value, not -0, comes back from JS as an
//! integer), which is what the JS codec's decode-then-encode must write.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use luaxt_format::{DecodeOptions, Table, Value, encode};

/// 2^53 − 1, the largest safe integer of JavaScript.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// The value JS produces for `value` when it decodes and re-encodes it
/// (§8): values (not keys) that are integral floats in the safe range,
/// other than -0.0, become integers.
fn js_projection(value: &Value) -> Value {
    match value {
        Value::Float(f)
            if f.fract() == 0.0 && f.abs() <= MAX_SAFE && !(*f == 0.0 && f.is_sign_negative()) =>
        {
            Value::Int(*f as i64)
        }
        Value::Table(t) => {
            let array = t.array().iter().map(js_projection).collect();
            let mut table = Table::from_array(array);
            for (k, v) in t.hash() {
                table
                    .insert(k.clone(), js_projection(v))
                    .expect("keys of a decoded table are valid");
            }
            Value::Table(table)
        }
        other => other.clone(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn result(bytes: &[u8], strict: bool) -> String {
    match DecodeOptions::new().strict(strict).decode(bytes) {
        Ok(value) => {
            let canonical = encode(&value).expect("a decoded value encodes");
            let js = encode(&js_projection(&value)).expect("a projected value encodes");
            format!(
                r#"{{"ok":true,"canonical":"{}","js":"{}"}}"#,
                hex(&canonical),
                hex(&js)
            )
        }
        Err(err) => format!(
            r#"{{"ok":false,"error":"{}","offset":{}}}"#,
            err.kind().name(),
            err.offset().map_or(-1, |o| o as i64)
        ),
    }
}

fn files(arg: &Path) -> Vec<PathBuf> {
    if arg.is_dir() {
        let mut list: Vec<PathBuf> = std::fs::read_dir(arg)
            .unwrap_or_else(|e| panic!("{}: {e}", arg.display()))
            .map(|entry| entry.expect("readable directory").path())
            .filter(|p| p.is_file())
            .collect();
        list.sort();
        list
    } else {
        vec![arg.to_path_buf()]
    }
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if args.is_empty() {
        eprintln!("usage: lxt-oracle FILE|DIR…");
        std::process::exit(2);
    }
    for path in args.iter().flat_map(|a| files(a)) {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        println!(
            r#"{{"file":{},"hex":"{}","lenient":{},"strict":{}}}"#,
            json_string(&path.to_string_lossy()),
            hex(&bytes),
            result(&bytes, false),
            result(&bytes, true)
        );
    }
}
