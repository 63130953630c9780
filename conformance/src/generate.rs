//! The generated regression set `vectors/90-generated.json`: larger mixed
//! values from a fixed seed, and the random corpus of the Rust → JS → Rust
//! round trip. Unlike the hand-written vectors these are regression cases:
//! their bytes come from `luaxt-format`.

use luaxt_format::{Table, Value};
use serde_json::{Value as Json, json};

use crate::{to_hex, value_to_typed};

/// The seed of `90-generated.json` ("LXT1").
pub const SEED: u64 = 0x4C58_5431;

/// A small deterministic generator (SplitMix64) of LXT values.
///
/// It can also draw its choices from a byte tape first (a fuzzer's input:
/// then each mutation of the input is a change of structure, not of
/// bytes), and from SplitMix64 once the tape runs out.
#[derive(Debug, Clone)]
pub struct Generator {
    state: u64,
    js_lossless: bool,
    tape: Vec<u8>,
    read: usize,
}

impl Generator {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Generator {
        Generator {
            state: seed,
            js_lossless: false,
            tape: Vec::new(),
            read: 0,
        }
    }

    /// A generator whose choices come from `tape` (one byte for a choice
    /// among at most 256, eight for anything else), then from a seed.
    pub fn from_tape(tape: &[u8]) -> Generator {
        Generator {
            tape: tape.to_vec(),
            ..Generator::new(tape.len() as u64)
        }
    }

    /// The next `n` bytes of the tape, little-endian, if it has any left.
    fn read_tape(&mut self, n: usize) -> Option<u64> {
        let rest = self.tape.get(self.read..).filter(|r| !r.is_empty())?;
        let take = rest.len().min(n);
        let mut word = [0u8; 8];
        word[..take].copy_from_slice(&rest[..take]);
        self.read += take;
        Some(u64::from_le_bytes(word))
    }

    /// Only values that survive the JS mapping of §8 unchanged (no float
    /// with a safe integral value other than -0, which JS reads back as an
    /// integer).
    pub fn js_lossless(mut self, yes: bool) -> Generator {
        self.js_lossless = yes;
        self
    }

    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        if let Some(word) = self.read_tape(8) {
            return word;
        }
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 256 {
            if let Some(byte) = self.read_tape(1) {
                return byte % n;
            }
        }
        self.bits() % n
    }

    /// One of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An integer: edge values, random bits or small numbers.
    pub fn int(&mut self) -> i64 {
        match self.below(3) {
            0 => self.pick(&[
                0,
                1,
                -1,
                i64::MIN,
                i64::MAX,
                (1 << 53) - 1,
                1 << 53,
                -(1 << 53),
                (1 << 53) + 1,
                255,
                256,
                65_536,
                -256,
            ]),
            1 => self.bits() as i64,
            _ => self.below(2001) as i64 - 1000,
        }
    }

    /// A float: edge values, random bits or small fractions.
    pub fn float(&mut self) -> f64 {
        loop {
            let f = match self.below(3) {
                0 => self.pick(&[
                    0.0,
                    -0.0,
                    1.5,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NAN,
                    f64::from_bits(1),
                    f64::MAX,
                    9_007_199_254_740_992.0,
                    0.1,
                    1e300,
                    5.0,
                    -2.5,
                ]),
                1 => f64::from_bits(self.bits()),
                _ => (self.below(20_001) as f64 - 10_000.0) / 8.0,
            };
            let f = if f.is_nan() { f64::NAN } else { f };
            let js_integral = f.fract() == 0.0
                && f.abs() <= 9_007_199_254_740_991.0
                && !(f == 0.0 && f.is_sign_negative());
            if !(self.js_lossless && js_integral) {
                return f;
            }
        }
    }

    /// A short string from a palette of one- to four-byte characters.
    pub fn string(&mut self) -> String {
        const PALETTE: [&str; 14] = [
            "a",
            "b",
            "z",
            "0",
            "1",
            " ",
            "é",
            "€",
            "😀",
            "\u{10FFFF}",
            "\0",
            "\"",
            "\\",
            "κ",
        ];
        let len = self.below(10);
        (0..len).map(|_| self.pick(&PALETTE)).collect()
    }

    fn bytes(&mut self) -> Vec<u8> {
        let len = self.below(9);
        (0..len).map(|_| self.bits() as u8).collect()
    }

    /// A key of any key type (§3.1).
    pub fn key(&mut self) -> Value {
        match self.below(7) {
            0 => Value::Bool(self.below(2) == 1),
            1 => Value::Int(self.int()),
            2 => Value::Int(self.below(8) as i64),
            3 => loop {
                let f = self.float();
                if !f.is_nan() {
                    break Value::Float(f);
                }
            },
            4 => Value::Bytes(self.bytes()),
            5 => Value::Ref(self.below(10) as u32),
            _ => Value::Str(self.string()),
        }
    }

    /// A value (never nil) with tables nested at most `depth` deep.
    pub fn value(&mut self, depth: u32) -> Value {
        let kinds = if depth == 0 { 6 } else { 8 };
        match self.below(kinds) {
            0 => Value::Bool(self.below(2) == 1),
            1 => Value::Int(self.int()),
            2 => Value::Float(self.float()),
            3 => Value::Str(self.string()),
            4 => Value::Bytes(self.bytes()),
            5 => Value::Ref(self.bits() as u32),
            _ => Value::Table(self.table(depth - 1)),
        }
    }

    /// A table with up to 6 array values and 6 hash entries.
    pub fn table(&mut self, depth: u32) -> Table<Value> {
        let n = self.below(7) as usize;
        let array = (0..n).map(|_| self.value(depth)).collect();
        let mut table = Table::from_array(array);
        for _ in 0..self.below(7) {
            let key = self.key();
            let value = self.value(depth);
            table.insert(key, value).expect("generated keys are valid");
        }
        table
    }
}

fn vector(id: String, section: &str, description: &str) -> serde_json::Map<String, Json> {
    let mut v = serde_json::Map::new();
    v.insert("id".into(), json!(id));
    v.insert("section".into(), json!(section));
    v.insert("description".into(), json!(description));
    v
}

fn encode(value: &Value) -> Vec<u8> {
    luaxt_format::encode(value).expect("generated values encode")
}

/// The text of `vectors/90-generated.json`.
pub fn generated_json() -> String {
    let mut g = Generator::new(SEED);
    let mut vectors = Vec::new();
    for i in 0..300 {
        let value = Value::Table(g.table(2 + (i % 2) as u32));
        let mut v = vector(
            format!("generated.valid.{i:03}"),
            "2.7",
            "a generated mixed table (regression)",
        );
        v.insert("hex".into(), json!(to_hex(&encode(&value))));
        v.insert("class".into(), json!("valid"));
        v.insert("value".into(), value_to_typed(&value));
        vectors.push(Json::Object(v));
    }
    // The hash part written backwards: the second key in wire order is the
    // first noncanonical item (§4.2).
    let mut made = 0;
    while made < 60 {
        let table = g.table(2);
        if table.hash().len() < 2 {
            continue;
        }
        let mut raw = vec![0x06];
        raw.extend((table.array().len() as u32).to_le_bytes());
        for item in table.array() {
            raw.extend(encode(item));
        }
        raw.extend((table.hash().len() as u32).to_le_bytes());
        let mut offset = 0;
        for (i, (k, v)) in table.hash().iter().rev().enumerate() {
            if i == 1 {
                offset = raw.len();
            }
            raw.extend(encode(k));
            raw.extend(encode(v));
        }
        let value = Value::Table(table);
        let mut v = vector(
            format!("generated.reversed.{made:03}"),
            "4.2",
            "a generated table with its hash part in reverse order (regression)",
        );
        v.insert("hex".into(), json!(to_hex(&raw)));
        v.insert("class".into(), json!("noncanonical"));
        v.insert("value".into(), value_to_typed(&value));
        v.insert("canonical_hex".into(), json!(to_hex(&encode(&value))));
        v.insert("offset".into(), json!(offset));
        vectors.push(Json::Object(v));
        made += 1;
    }
    // One byte after a document is trailing_bytes at the document's length (§1).
    for i in 0..40 {
        let value = Value::Table(g.table(2));
        let mut raw = encode(&value);
        let at = raw.len();
        raw.push(g.bits() as u8);
        let mut v = vector(
            format!("generated.trailing.{i:03}"),
            "1",
            "a generated table followed by one byte",
        );
        v.insert("hex".into(), json!(to_hex(&raw)));
        v.insert("class".into(), json!("invalid"));
        v.insert("error".into(), json!("trailing_bytes"));
        v.insert("offset".into(), json!(at));
        vectors.push(Json::Object(v));
    }
    let head = json!({
        "$schema": "../schema/vectors.schema.json",
        "title": "Generated regression vectors",
        "generated_by": "cargo run -p luaxt-conformance --bin generate-vectors",
        "seed": format!("0x{SEED:08x}"),
    });
    dump(&head, &vectors)
}

/// The layout of every vector file: the header fields, then one vector per
/// line (the same layout `tools/make_vectors.py` writes).
pub fn dump(head: &Json, vectors: &[Json]) -> String {
    let mut text = String::from("{\n");
    for (k, v) in head.as_object().into_iter().flatten() {
        text += &format!(" {}: {},\n", json!(k), v);
    }
    text += " \"vectors\": [\n";
    let lines: Vec<String> = vectors
        .iter()
        .map(|v| format!("  {}", one_line(v)))
        .collect();
    text += &lines.join(",\n");
    text += "\n ]\n}\n";
    text
}

/// Compact JSON with a space after `,` and `:`, like Python's
/// `json.dumps(separators=(", ", ": "))`.
fn one_line(v: &Json) -> String {
    match v {
        Json::Array(items) => {
            let inner: Vec<String> = items.iter().map(one_line).collect();
            format!("[{}]", inner.join(", "))
        }
        Json::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", json!(k), one_line(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        other => other.to_string(),
    }
}
