//! End-to-end tests of the format subcommands: the real binary, real files.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use tempfile::TempDir;

fn luaxt() -> Command {
    Command::cargo_bin("luaxt").unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    let digits: String = text.split_whitespace().collect();
    hex::decode(digits).unwrap()
}

/// {10, 20}
const ARRAY: &str =
    "06 02 00 00 00 02 0a 00 00 00 00 00 00 00 02 14 00 00 00 00 00 00 00 00 00 00 00";
/// { [1.0] = true }: valid, but the key should be the integer 1 (§4.5).
const NONCANONICAL: &str = "06 00 00 00 00 01 00 00 00 03 00 00 00 00 00 00 f0 3f 01 01";

#[test]
fn encode_then_decode_round_trips_plain_json() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.json");
    let lxt = dir.path().join("out.lxt");
    std::fs::write(
        &input,
        r#"{"name": "luaxt", "big": 9007199254740993, "ratio": 0.5, "whole": 2.0, "list": [1, 2, 3], "nested": {"ok": true}}"#,
    )
    .unwrap();
    luaxt()
        .args(["encode", "--from", "json"])
        .arg(&input)
        .arg("-o")
        .arg(&lxt)
        .assert()
        .success();
    luaxt().arg("check").arg(&lxt).assert().success();
    let out = luaxt()
        .args(["decode", "--to", "json", "--compact"])
        .arg(&lxt)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // Canonical key order (length first), exact big integer, float stays float.
    assert_eq!(
        text.trim(),
        r#"{"big":9007199254740993,"list":[1,2,3],"name":"luaxt","ratio":0.5,"whole":2.0,"nested":{"ok":true}}"#
    );
}

#[test]
fn encode_reads_stdin_and_writes_hex() {
    luaxt()
        .args(["encode", "--hex"])
        .write_stdin("[10, 20]")
        .assert()
        .success()
        .stdout(format!("{ARRAY}\n"));
}

#[test]
fn encode_stdout_is_binary_when_piped() {
    luaxt()
        .arg("encode")
        .write_stdin("[10, 20]")
        .assert()
        .success()
        .stdout(hex(ARRAY));
}

#[test]
fn typed_round_trip_carries_what_plain_json_cannot() {
    let typed = r#"{"table":{"array":[{"bytes":"00ff"},{"float":"0x7ff0000000000000"}],"hash":[[{"int":"7"},{"ref":3}],[{"str":"k"},{"float":"0x8000000000000000"}]]}}"#;
    let bytes = luaxt()
        .args(["encode", "--typed"])
        .write_stdin(typed)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    luaxt()
        .args(["decode", "--typed", "--compact"])
        .write_stdin(bytes.clone())
        .assert()
        .success()
        .stdout(format!("{typed}\n"));
    // Plain JSON refuses, naming the path and suggesting --typed.
    luaxt()
        .arg("decode")
        .write_stdin(bytes)
        .assert()
        .code(2)
        .stderr(contains("--typed"))
        .stderr(contains("at $"));
}

#[test]
fn decode_rejects_nan_in_plain_json() {
    luaxt()
        .args(["decode", "--hex"])
        .write_stdin("03 00 00 00 00 00 00 f8 7f")
        .assert()
        .code(2)
        .stderr(contains("NaN").and(contains("--typed")));
}

#[test]
fn invalid_json_is_reported_with_its_position() {
    luaxt()
        .arg("encode")
        .write_stdin(r#"{"a": [1, 2,}"#)
        .assert()
        .code(2)
        .stderr(contains("invalid JSON in <stdin>").and(contains("line 1 column")));
}

#[test]
fn duplicate_json_keys_are_errors_naming_the_key_and_the_object() {
    let dir = TempDir::new().unwrap();
    let output = dir.path().join("out.lxt");
    luaxt()
        .arg("encode")
        .arg("-o")
        .arg(&output)
        .write_stdin(r#"{"items": [1, 2, 3, {"a": 1, "b": 2, "a": 3}]}"#)
        .assert()
        .code(2)
        .stderr(contains(
            r#"invalid JSON in <stdin>: duplicate key "a" at $.items[3] (line 1 column 40)"#,
        ));
    assert!(!output.exists(), "no output file");
    // The typed notation is read by the same parser: no last-wins there
    // either.
    luaxt()
        .args(["encode", "--typed", "--hex"])
        .write_stdin(r#"{"table": {"array": [{"int": "1", "int": "2"}], "hash": []}}"#)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains(r#"duplicate key "int" at $.table.array[0]"#));
    // The same key in different objects is fine.
    luaxt()
        .args(["encode", "--hex"])
        .write_stdin(r#"[{"a": 1}, {"a": 1}]"#)
        .assert()
        .success();
}

#[test]
fn json_nesting_up_to_the_depth_limit_is_read() {
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    luaxt()
        .args(["encode", "--hex", "--max-depth", "1000"])
        .write_stdin(deep)
        .assert()
        .success();
}

#[test]
fn invalid_typed_json_names_the_path() {
    luaxt()
        .args(["encode", "--typed", "--hex"])
        .write_stdin(r#"{"table": {"array": [{"int": "12x"}], "hash": []}}"#)
        .assert()
        .code(2)
        .stderr(contains("$.table.array[0].int"));
}

#[test]
fn decode_reports_class_and_offset_of_invalid_lxt() {
    luaxt()
        .args(["decode", "--hex"])
        .write_stdin("06 02 00 00 00 02 0a 00 00 00 00 00 00 00 09")
        .assert()
        .code(2)
        .stderr(contains("unknown_tag at offset 14"));
}

#[test]
fn decode_strict_rejects_noncanonical() {
    luaxt()
        .args(["decode", "--hex"])
        .write_stdin(NONCANONICAL)
        .assert()
        .success()
        .stdout(contains("true"));
    luaxt()
        .args(["decode", "--hex", "--strict"])
        .write_stdin(NONCANONICAL)
        .assert()
        .code(2)
        .stderr(contains("noncanonical at offset 9"));
}

#[test]
fn missing_files_are_io_errors() {
    for sub in ["inspect", "decode", "encode", "check"] {
        luaxt()
            .args([sub, "/definitely/not/here.lxt"])
            .assert()
            .code(3);
    }
    luaxt()
        .args(["decode", "/definitely/not/here.lxt"])
        .assert()
        .code(3)
        .stderr(contains("cannot read /definitely/not/here.lxt"));
}

#[test]
fn check_exit_codes_distinguish_canonical_noncanonical_invalid() {
    let dir = TempDir::new().unwrap();
    let good = dir.path().join("good.lxt");
    let loose = dir.path().join("loose.lxt");
    let bad = dir.path().join("bad.lxt");
    std::fs::write(&good, hex(ARRAY)).unwrap();
    std::fs::write(&loose, hex(NONCANONICAL)).unwrap();
    std::fs::write(&bad, hex("04 05 00 00 00 61")).unwrap();

    luaxt()
        .arg("check")
        .arg(&good)
        .assert()
        .code(0)
        .stdout(contains("good.lxt: ok (canonical, 27 bytes)"));
    luaxt()
        .arg("check")
        .args([&good, &loose])
        .assert()
        .code(1)
        .stdout(contains("loose.lxt: noncanonical").and(contains("offset 9")));
    luaxt()
        .args(["check", "--strict"])
        .arg(&loose)
        .assert()
        .code(2)
        .stdout(contains("loose.lxt: invalid: noncanonical at offset 9"));
    luaxt()
        .arg("check")
        .args([&good, &loose, &bad])
        .assert()
        .code(2)
        .stdout(contains("bad.lxt: invalid: length_overflow at offset 1"));
    luaxt()
        .arg("check")
        .arg(&good)
        .arg(dir.path().join("missing.lxt"))
        .assert()
        .code(3)
        .stdout(contains("missing.lxt: error: cannot read"));
}

#[test]
fn check_without_files_is_a_usage_error() {
    luaxt().arg("check").assert().code(3);
    luaxt().arg("frobnicate").assert().code(3);
}

#[test]
fn inspect_dumps_offsets_tags_and_nesting() {
    let bytes = luaxt()
        .arg("encode")
        .write_stdin(r#"{"name": "luaxt", "list": [1, 2.5]}"#)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    luaxt()
        .args(["inspect", "-"])
        .write_stdin(bytes)
        .assert()
        .success()
        .stdout(contains("       0 06  table"))
        .stdout(contains("    key string \"list\""))
        .stdout(contains("[2] float 2.5 (0x4004000000000000)"))
        .stdout(contains("ok: 64 bytes, canonical"));
}

#[test]
fn inspect_shows_what_decoded_then_the_error_and_bytes_around_it() {
    luaxt()
        .args(["inspect", "--hex", "-"])
        .write_stdin("06 02 00 00 00 02 0a 00 00 00 00 00 00 00 01 07 00 00 00 00")
        .assert()
        .code(2)
        .stdout(contains("[1] integer 10"))
        .stdout(contains("error: invalid_bool at offset 15"))
        .stdout(contains("[07]"));
    // Truncated: the offset is the end of the input.
    luaxt()
        .args(["inspect", "--hex", "-"])
        .write_stdin("06 01 00 00 00 02 0a 00")
        .assert()
        .code(2)
        .stdout(contains("[1] integer … (cut short by the error below)"))
        .stdout(contains("error: truncated at offset 6"))
        .stdout(contains("02[0a]00"));
    // A missing tag: the offset is the input length, shown as [end].
    luaxt()
        .args(["inspect", "--hex", "-"])
        .write_stdin("06 00 00 00 00")
        .assert()
        .code(2)
        .stdout(contains("error: truncated at offset 5"))
        .stdout(contains("[end]"));
}

#[test]
fn inspect_marks_noncanonical_items() {
    luaxt()
        .args(["inspect", "--hex", "-"])
        .write_stdin(NONCANONICAL)
        .assert()
        .success()
        .stdout(contains("float key 1.0 is the integer 1"))
        .stdout(contains("<- first noncanonical item"));
    luaxt()
        .args(["inspect", "--strict", "--hex", "-"])
        .write_stdin(NONCANONICAL)
        .assert()
        .code(2)
        .stdout(contains("error: noncanonical at offset 9"));
}

#[test]
fn inspect_rejects_bad_hex_text() {
    luaxt()
        .args(["inspect", "--hex", "-"])
        .write_stdin("06 0")
        .assert()
        .code(2)
        .stderr(contains("odd number of hex digits"));
}

#[test]
fn completions_are_generated() {
    for shell in ["bash", "zsh", "fish"] {
        luaxt()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(contains("luaxt"));
    }
}

#[test]
fn man_pages_are_generated_for_the_tool_and_each_subcommand() {
    luaxt()
        .arg("man")
        .assert()
        .success()
        .stdout(contains(".TH luaxt 1").and(contains("conformance")));
    luaxt()
        .args(["man", "run"])
        .assert()
        .success()
        .stdout(contains(".TH luaxt-run 1").and(contains("memory\\-limit")));
    luaxt()
        .args(["man", "nosuch"])
        .assert()
        .code(3)
        .stderr(contains("no subcommand \"nosuch\""));
}

#[test]
fn version_names_the_crate_and_the_format_version() {
    let want = format!(
        "luaxt {} ({})\n",
        env!("CARGO_PKG_VERSION"),
        luaxt_format::FORMAT_VERSION
    );
    for flag in ["--version", "-V"] {
        luaxt().arg(flag).assert().success().stdout(want.clone());
    }
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in ["inspect", "encode", "decode", "check", "completions", "man"] {
        luaxt()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(contains("Examples:"));
    }
}

#[test]
fn encode_refuses_a_document_longer_than_max_size_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.json");
    let output = dir.path().join("out.lxt");
    // 50 small integers: no count or length near 100, the document is
    // 5 + 50·9 + 4 = 459 bytes.
    let numbers: Vec<String> = (0..50).map(|i| i.to_string()).collect();
    std::fs::write(&input, format!("[{}]", numbers.join(","))).unwrap();
    luaxt()
        .args(["encode", "--max-size", "100"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("cannot encode: length_overflow"))
        .stderr(contains("the document is longer than max_size, 100 bytes"));
    assert!(!output.exists(), "no output file");
    luaxt()
        .args(["encode", "--hex", "--max-size", "458"])
        .arg(&input)
        .assert()
        .code(2)
        .stdout("");
    luaxt()
        .args(["encode", "--max-size", "459"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .success();
    assert_eq!(std::fs::read(&output).unwrap().len(), 459);
}

#[test]
fn format_limits_can_be_set() {
    // [[1]]: two nested tables.
    luaxt()
        .args(["encode", "--hex", "--max-depth", "1"])
        .write_stdin("[[1]]")
        .assert()
        .code(2)
        .stderr(contains("depth_exceeded"));
    let nested = luaxt()
        .args(["encode", "--hex"])
        .write_stdin("[[1]]")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    luaxt()
        .args(["decode", "--hex", "--max-depth", "1"])
        .write_stdin(nested.clone())
        .assert()
        .code(2)
        .stderr(contains("depth_exceeded at offset 5"));
    luaxt()
        .args(["inspect", "--hex", "--max-depth", "1", "-"])
        .write_stdin(nested)
        .assert()
        .code(2)
        .stdout(contains("error: depth_exceeded at offset 5"));
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("a.lxt");
    std::fs::write(&file, hex(ARRAY)).unwrap();
    luaxt()
        .args(["check", "--max-size", "16"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout(contains("length_overflow at offset 0"));
    luaxt()
        .args(["check", "--max-depth", "5000"])
        .arg(&file)
        .assert()
        .code(3);
}

#[test]
fn the_example_data_set_round_trips_byte_for_byte() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/stats/data.json");
    let dir = TempDir::new().unwrap();
    let lxt = dir.path().join("data.lxt");
    luaxt()
        .arg("encode")
        .arg(&data)
        .arg("-o")
        .arg(&lxt)
        .assert()
        .success();
    luaxt()
        .args(["check", "--strict"])
        .arg(&lxt)
        .assert()
        .success();
    let back = luaxt()
        .args(["decode", "--compact"])
        .arg(&lxt)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(back == std::fs::read(&data).unwrap());
    // To a file the text goes out a megabyte at a time: the same bytes.
    let json = dir.path().join("data.json");
    luaxt()
        .args(["decode", "--compact"])
        .arg(&lxt)
        .arg("-o")
        .arg(&json)
        .assert()
        .success();
    assert!(back.len() > 2 << 20, "the text spans chunks");
    assert!(std::fs::read(&json).unwrap() == back);
}

/// About 3 MB of JSON records (each about 60 bytes of JSON, 90 of LXT).
fn records_json(count: usize) -> String {
    let records: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r#"{{"id":{i},"name":"station {}","temp":{}.5,"ok":true}}"#,
                i % 97,
                i % 40
            )
        })
        .collect();
    format!("[{}]", records.join(","))
}

#[test]
fn encode_stops_at_max_size_and_names_the_json_position() {
    // Issue 15: a JSON input whose LXT is longer than max_size was encoded
    // whole (and the output written); it is refused when the output
    // reaches the limit, with the class, the JSON path and line/column.
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("big.json");
    let output = dir.path().join("big.lxt");
    std::fs::write(&input, records_json(50_000)).unwrap();
    assert!(std::fs::metadata(&input).unwrap().len() > 2_500_000);
    luaxt()
        .args(["encode", "--max-size", "1M"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("cannot encode: length_overflow"))
        .stderr(contains(
            "the document is longer than max_size, 1048576 bytes",
        ))
        .stderr(contains("(at $["))
        .stderr(contains("line 1 column"))
        .stderr(contains("big.json"));
    assert!(!output.exists(), "no output file");
    // Under a limit that fits, the same bytes as the default limits give.
    luaxt()
        .args(["encode", "--max-size", "8M"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .success();
    luaxt()
        .args(["check", "--strict", "--max-size", "8M"])
        .arg(&output)
        .assert()
        .success();
}

#[test]
fn encode_keeps_holes_nulls_and_numbers_of_the_json_mapping() {
    // null in an array is a hole (later elements keep their keys), null as
    // a member leaves it out, integers beyond i64 are floats.
    let out = luaxt()
        .args(["encode", "--hex"])
        .write_stdin(r#"{"b": [1, null, 3], "gone": null, "a": 18446744073709551615}"#)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let back = luaxt()
        .args(["decode", "--typed", "--hex", "--compact"])
        .write_stdin(out)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let back: serde_json::Value = serde_json::from_slice(&back).unwrap();
    let expected = serde_json::json!({"table": {"array": [], "hash": [
        [{"str": "a"}, {"float": "0x43f0000000000000"}],
        [{"str": "b"}, {"table": {"array": [{"int": "1"}], "hash": [[{"int": "3"}, {"int": "3"}]]}}]
    ]}});
    assert_eq!(back, expected);
}

#[test]
fn check_of_an_array_of_nils_needs_no_tree() {
    // Issue 15: `06` + count + N × `00` made check build a tree of N nils
    // (140 bytes per input byte). The verdict is unchanged; memory bounds
    // are asserted by format/tests/allocation.rs.
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("nils.lxt");
    let n: u32 = 3 << 20;
    let mut bytes = vec![0x06];
    bytes.extend(n.to_le_bytes());
    bytes.resize(5 + n as usize, 0x00);
    bytes.extend([0; 4]);
    std::fs::write(&file, &bytes).unwrap();
    luaxt()
        .arg("check")
        .arg(&file)
        .assert()
        .code(1)
        .stdout(contains(
            "noncanonical (valid; first noncanonical item at offset 5)",
        ));
    luaxt()
        .args(["check", "--max-size", "1M"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout(contains("invalid: length_overflow at offset 0"));
    luaxt()
        .args(["decode", "--compact"])
        .arg(&file)
        .assert()
        .success()
        .stdout("[]\n");
}

/// A reader that stops early (`luaxt completions bash | grep -q x`) is not
/// an error: every command that writes to stdout ends with status 0 and
/// no panic when stdout is closed before it writes.
#[test]
fn a_closed_stdout_is_not_a_crash() {
    use std::process::Stdio;
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.json");
    std::fs::write(&input, r#"{"a": [1, 2, 3]}"#).unwrap();
    let lxt = dir.path().join("in.lxt");
    luaxt()
        .arg("encode")
        .arg(&input)
        .arg("-o")
        .arg(&lxt)
        .assert()
        .success();
    let commands: [Vec<&std::ffi::OsStr>; 5] = [
        vec!["completions".as_ref(), "bash".as_ref()],
        vec!["man".as_ref()],
        vec!["decode".as_ref(), lxt.as_os_str()],
        vec!["inspect".as_ref(), lxt.as_os_str()],
        vec!["encode".as_ref(), input.as_os_str(), "--hex".as_ref()],
    ];
    for args in commands {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("luaxt"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // the reader is gone before a byte is read
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// `[1, <bytes ff>]`: decodes, but has no plain JSON form.
const NOT_PLAIN: &str = "06 02 00 00 00 02 01 00 00 00 00 00 00 00 05 01 00 00 00 ff 00 00 00 00";

/// The names in `dir`, sorted.
fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn a_decode_that_fails_half_way_leaves_the_output_file_as_it_was() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.lxt");
    let out = dir.path().join("out.json");
    std::fs::write(&input, hex(NOT_PLAIN)).unwrap();
    std::fs::write(&out, "the old output\n").unwrap();
    // The first element is written before the second fails.
    luaxt()
        .arg("decode")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("at $[1]: bytes"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the old output\n");
    // No temporary file is left beside it.
    assert_eq!(names_in(dir.path()), ["in.lxt", "out.json"]);
    // The same output with --typed replaces it whole.
    luaxt()
        .args(["decode", "--typed", "--compact"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "{\"table\":{\"array\":[{\"int\":\"1\"},{\"bytes\":\"ff\"}],\"hash\":[]}}\n"
    );
    assert_eq!(names_in(dir.path()), ["in.lxt", "out.json"]);
}

#[test]
fn output_that_cannot_be_written_is_an_io_error() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.lxt");
    std::fs::write(&input, hex(ARRAY)).unwrap();
    luaxt()
        .arg("decode")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("no-such-dir").join("out.json"))
        .assert()
        .code(3)
        .stderr(contains("cannot write"));
    if std::path::Path::new("/dev/full").exists() {
        luaxt()
            .arg("decode")
            .arg(&input)
            .args(["-o", "/dev/full"])
            .assert()
            .code(3)
            .stderr(contains("cannot write /dev/full"));
    }
}

/// A file system that fills up half-way through the output: the process's
/// file size limit (`RLIMIT_FSIZE`, with `SIGXFSZ` ignored so a write past
/// it fails with `EFBIG` instead of killing the process) lets the first
/// megabyte chunk through and stops the second. The error is the output
/// file's, the old file stays whole and the temporary file goes.
#[cfg(unix)]
#[test]
fn a_file_that_fills_up_half_way_keeps_its_old_contents() {
    use std::os::unix::process::CommandExt;
    const LIMIT: u64 = 1_500_000;
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.lxt");
    let out = dir.path().join("out.json");
    // An array of 3 000 strings of 1 000 bytes: about 3 MB of JSON.
    let (n, len) = (3_000u32, 1_000u32);
    let mut lxt = vec![0x06];
    lxt.extend_from_slice(&n.to_le_bytes());
    for _ in 0..n {
        lxt.push(0x04);
        lxt.extend_from_slice(&len.to_le_bytes());
        lxt.extend(std::iter::repeat_n(b'a', len as usize));
    }
    lxt.extend_from_slice(&0u32.to_le_bytes());
    std::fs::write(&input, &lxt).unwrap();
    std::fs::write(&out, "the old output\n").unwrap();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("luaxt"));
    cmd.arg("decode").arg(&input).arg("-o").arg(&out);
    // SAFETY: between fork and exec only async-signal-safe calls are
    // made (setrlimit, signal), and no memory is allocated.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: LIMIT,
                rlim_max: LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    Command::from_std(cmd)
        .assert()
        .code(3)
        .stderr(contains(format!("cannot write {}: ", out.display())))
        // The temporary file is not named: it is gone.
        .stderr(contains(".luaxt-").not());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the old output\n");
    assert_eq!(names_in(dir.path()), ["in.lxt", "out.json"]);
}

#[cfg(unix)]
#[test]
fn output_files_keep_their_permissions_and_links_are_followed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.lxt");
    std::fs::write(&input, hex(ARRAY)).unwrap();
    let decode_to = |out: &std::path::Path| {
        luaxt()
            .args(["decode", "--compact"])
            .arg(&input)
            .arg("-o")
            .arg(out)
            .assert()
            .success();
    };
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    // A new file gets what a file the tool creates gets anywhere else.
    let fresh = dir.path().join("fresh.json");
    decode_to(&fresh);
    let usual = dir.path().join("usual");
    std::fs::File::create(&usual).unwrap();
    assert_eq!(mode(&fresh), mode(&usual));
    // A private file stays private.
    let private = dir.path().join("private.json");
    std::fs::write(&private, "old").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    decode_to(&private);
    assert_eq!(mode(&private), 0o600);
    assert_eq!(std::fs::read_to_string(&private).unwrap(), "[10,20]\n");
    // A symbolic link is written through, not replaced by a file.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&private, &link).unwrap();
    std::fs::write(&private, "old").unwrap();
    decode_to(&link);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&private).unwrap(), "[10,20]\n");
}
