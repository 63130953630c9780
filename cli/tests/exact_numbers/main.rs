//! JSON numbers become the nearest double, bit for bit.
//!
//! 100 000 decimal strings (see `decimals.rs`) go through the real
//! `luaxt encode` in one process, and every element is compared with
//! Rust's `str::parse::<f64>`, which is correctly rounded. A number
//! written without fraction or exponent that fits in i64 must be that
//! integer instead (except `-0`, the float −0.0 as in spec §8.5.2).
//! A number whose nearest double is ±infinity has no JSON meaning and
//! must be refused.

mod decimals;

use std::path::Path;

use assert_cmd::Command;
use luaxt_format::{Value, decode, float_bits};
use predicates::str::contains;
use tempfile::TempDir;

const SEED: u64 = 0x5eed_1e57;
const COUNT: usize = 100_000;

fn luaxt() -> Command {
    Command::cargo_bin("luaxt").unwrap()
}

/// What `text` must encode to, by the rule of `json/src/plain.rs` (luaxt-json).
fn expected(text: &str) -> Value {
    let integral = !text.contains(['.', 'e', 'E']);
    match text.parse::<i64>() {
        Ok(i) if integral && text != "-0" => Value::Int(i),
        _ => Value::Float(text.parse().unwrap()),
    }
}

/// The generated numbers that have a finite nearest double, and the
/// others.
fn numbers() -> (Vec<String>, Vec<String>) {
    decimals::cases(SEED, COUNT)
        .into_iter()
        .partition(|t| t.parse::<f64>().unwrap().is_finite())
}

/// Encodes `numbers` as one JSON array in one `luaxt encode`; the bytes.
fn encode_all(dir: &Path, numbers: &[String]) -> Vec<u8> {
    let input = dir.join("numbers.json");
    let output = dir.join("numbers.lxt");
    std::fs::write(&input, format!("[{}]", numbers.join(","))).unwrap();
    luaxt()
        .arg("encode")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .success();
    std::fs::read(&output).unwrap()
}

/// Fails with the count and the first few numbers that came out wrong.
#[track_caller]
fn assert_all_exact(numbers: &[String], got: &[Value]) {
    assert_eq!(got.len(), numbers.len());
    let wrong: Vec<String> = numbers
        .iter()
        .zip(got)
        .filter(|(text, value)| expected(text) != **value)
        .map(|(text, value)| format!("{text} gave {value:?}, want {:?}", expected(text)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} numbers are not the nearest double or the exact integer; first: {:#?}",
        wrong.len(),
        numbers.len(),
        &wrong[..wrong.len().min(10)]
    );
}

#[test]
fn plain_json_numbers_are_the_nearest_double_or_the_exact_integer() {
    let (numbers, _) = numbers();
    let dir = TempDir::new().unwrap();
    let bytes = encode_all(dir.path(), &numbers);
    let value = decode(&bytes).unwrap();
    let table = value.as_table().unwrap();
    assert!(table.hash().is_empty(), "no element is nil");
    assert_all_exact(&numbers, table.array());
    let floats = table.array().iter().filter(|v| v.as_i64().is_none());
    assert!(floats.count() > COUNT / 2, "mostly floats");
}

/// The typed notation (§7) writes floats as their bits, so no decimal is
/// parsed there: `decode --typed` must show exactly the nearest double's
/// bits, and `encode --typed` must read them back to the same bytes.
#[test]
fn typed_notation_carries_the_same_numbers_bit_for_bit() {
    let (numbers, _) = numbers();
    let dir = TempDir::new().unwrap();
    let bytes = encode_all(dir.path(), &numbers);
    let lxt = dir.path().join("numbers.lxt");
    let typed = luaxt()
        .args(["decode", "--typed", "--compact"])
        .arg(&lxt)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&typed).unwrap();
    let items = json["table"]["array"].as_array().unwrap();
    assert_eq!(items.len(), numbers.len());
    for (text, item) in numbers.iter().zip(items) {
        let want = match expected(text) {
            Value::Int(i) => serde_json::json!({ "int": i.to_string() }),
            Value::Float(f) => serde_json::json!({ "float": format!("0x{:016x}", float_bits(f)) }),
            other => unreachable!("{other:?}"),
        };
        assert_eq!(item, &want, "{text}");
    }
    // The same reader as the vectors (luaxt-json's typed.rs) ...
    let value = luaxt_conformance::typed_to_value(&json).unwrap();
    assert_all_exact(&numbers, value.as_table().unwrap().array());
    // ... and the CLI's, in one call.
    luaxt()
        .args(["encode", "--typed"])
        .write_stdin(typed)
        .assert()
        .success()
        .stdout(bytes);
    // A decimal is no float in the notation.
    let decimal = serde_json::json!({ "float": 0.1 });
    assert!(luaxt_conformance::typed_to_value(&decimal).is_err());
}

/// No JSON number means infinity: one whose nearest double is ±infinity
/// (from 2^1024 − 2^970, the midpoint above the largest double, on) is an
/// error, not a float that plain JSON could never give back.
#[test]
fn numbers_beyond_the_largest_double_are_refused() {
    let (_, overflowing) = numbers();
    assert!(overflowing.len() > 100, "the generator reaches past 1e308");
    let (digits, q) = decimals::midpoint(2046, (1 << 52) - 1);
    let boundary = format!("{digits}e{q}");
    let below = format!("{}e{}", &digits[..30], q + digits.len() as i64 - 30);
    assert_eq!(below.parse::<f64>().unwrap(), f64::MAX);
    luaxt()
        .args(["encode", "--hex"])
        .write_stdin(below)
        .assert()
        .success()
        .stdout("03 ff ff ff ff ff ff ef 7f\n");
    let picks = [boundary.as_str(), "1e309", "-1e400"];
    for text in picks
        .into_iter()
        .chain(overflowing.iter().take(5).map(String::as_str))
    {
        luaxt()
            .args(["encode", "--hex"])
            .write_stdin(format!("[1, {text}]"))
            .assert()
            .code(2)
            .stderr(contains("number out of range"));
    }
}
