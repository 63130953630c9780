//! End-to-end tests of `luaxt conformance`.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use tempfile::TempDir;

fn luaxt() -> Command {
    Command::cargo_bin("luaxt").unwrap()
}

fn summary(stdout: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(stdout);
    let line = text
        .lines()
        .find(|l| l.contains(" passed, ") && l.contains(" failed"))
        .unwrap_or_else(|| panic!("no summary line in:\n{text}"));
    let mut numbers = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().unwrap());
    (numbers.next().unwrap(), numbers.next().unwrap())
}

/// The `luaxt-format: N vectors` line.
fn vector_count(stdout: &[u8]) -> usize {
    let text = String::from_utf8_lossy(stdout);
    let line = text.lines().find(|l| l.ends_with(" vectors")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn rust_vectors_run_and_end_with_the_summary_line() {
    // The full run is slow in a debug build: once here, filtered below.
    let output = luaxt().arg("conformance").output().unwrap();
    let (passed, failed) = summary(&output.stdout);
    assert!(passed >= 300, "only {passed} vectors passed");
    // Failures are printed; exit code 0 when each is a known one, else 1.
    let text = String::from_utf8_lossy(&output.stdout);
    let fail_lines: Vec<&str> = text.lines().filter(|l| l.contains("FAIL ")).collect();
    assert!(fail_lines.len() >= failed, "{text}");
    let unexpected = fail_lines.iter().any(|l| !l.starts_with("[known] "));
    let stale = text.lines().any(|l| l.starts_with("STALE "));
    let code = if unexpected || stale { 1 } else { 0 };
    assert_eq!(output.status.code(), Some(code), "{text}");
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with(&format!("{passed} passed, {failed} failed"))),
        "{text}"
    );
}

#[test]
fn filter_selects_vectors_by_id() {
    let output = luaxt()
        .args(["conformance", "--rust", "--filter", "values."])
        .output()
        .unwrap();
    let (passed, failed) = summary(&output.stdout);
    let count = vector_count(&output.stdout);
    assert!(count > 10, "{count}");
    assert!(passed + failed <= count);
    luaxt()
        .args(["conformance", "--filter", "no-such-vector-id"])
        .assert()
        .code(3)
        .stderr(contains("no vector id starts with"));
}

#[test]
fn js_needs_a_runner_that_exists() {
    luaxt()
        .args([
            "conformance",
            "--js",
            "codec.js",
            "--runner",
            "/no/such/run.mjs",
        ])
        .assert()
        .code(3)
        .stderr(contains("/no/such/run.mjs"));
    luaxt()
        .args(["conformance", "--js", "a.js", "--rust"])
        .assert()
        .code(3);
    luaxt()
        .args(["conformance", "--js", "/no/such/codec.js"])
        .assert()
        .code(3)
        .stderr(contains("/no/such/codec.js does not exist"));
}

/// Whether node runs; a missing node skips the JS tests only outside
/// `scripts/test-all`, which sets `LUAXT_REQUIRE_ALL`.
fn have_node() -> bool {
    let found = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("LUAXT_REQUIRE_ALL").is_none(),
        "node not found (LUAXT_REQUIRE_ALL is set)"
    );
    found
}

#[test]
fn js_runner_output_and_verdict_pass_through() {
    if !have_node() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let dir = TempDir::new().unwrap();
    let runner = dir.path().join("run.mjs");
    std::fs::write(
        &runner,
        "const m = process.argv[2];\n\
         console.log(`module ${m} args ${process.argv.slice(3).join(' ')}`);\n\
         if (m.endsWith('bad.js')) { console.log('FAIL x\\n1 passed, 1 failed'); process.exit(1); }\n\
         console.log('2 passed, 0 failed');\n",
    )
    .unwrap();
    let good = dir.path().join("good.js");
    std::fs::write(&good, "export {};").unwrap();
    let bad = dir.path().join("bad.js");
    std::fs::write(&bad, "export {};").unwrap();
    luaxt()
        .current_dir(dir.path())
        .args(["conformance", "--js", "good.js", "--runner"])
        .arg(&runner)
        .assert()
        .success()
        // A module path is passed to the runner as an absolute path.
        .stdout(contains(good.canonicalize().unwrap().display().to_string()))
        .stdout(contains("2 passed, 0 failed"));
    luaxt()
        .args(["conformance", "--filter", "values.", "--js"])
        .arg(&good)
        .arg("--runner")
        .arg(&runner)
        .assert()
        .success()
        .stdout(contains("args --filter values."));
    luaxt()
        .args(["conformance", "--js"])
        .arg(&bad)
        .arg("--runner")
        .arg(&runner)
        .assert()
        .code(1)
        .stdout(contains("1 passed, 1 failed"));
    luaxt()
        .args(["conformance", "--js"])
        .arg(&good)
        .arg("--runner")
        .arg(&runner)
        .args(["--node", "/no/such/node"])
        .assert()
        .code(3)
        .stderr(contains("is Node.js installed"));
}

#[test]
fn conformance_help_has_examples() {
    luaxt()
        .args(["conformance", "--help"])
        .assert()
        .success()
        .stdout(contains("Examples:").and(contains("--js")));
}

#[test]
fn the_reference_js_codec_passes_through_the_real_runner() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let codec = root.join("format/js/src/index.js");
    if !have_node() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let output = luaxt()
        .args(["conformance", "--filter", "values.", "--js"])
        .arg(&codec)
        .output()
        .unwrap();
    let (passed, _) = summary(&output.stdout);
    assert!(passed > 10, "{}", String::from_utf8_lossy(&output.stdout));
}

/// `--js NAME`: a package installed where the command runs (here the
/// repository's codec linked into a scratch project's node_modules, as
/// `npm install` would put it), for the vectors and a generated run.
#[cfg(unix)]
#[test]
fn a_js_package_name_is_resolved_from_the_working_directory() {
    if !have_node() {
        eprintln!("skipped: node is not installed");
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let project = TempDir::new().unwrap();
    std::fs::create_dir(project.path().join("node_modules")).unwrap();
    std::os::unix::fs::symlink(
        std::fs::canonicalize(root.join("format/js")).unwrap(),
        project.path().join("node_modules/luaxt-format"),
    )
    .unwrap();
    let output = luaxt()
        .current_dir(project.path())
        .args(["conformance", "--filter", "values.", "--js", "luaxt-format"])
        .output()
        .unwrap();
    let (passed, failed) = summary(&output.stdout);
    assert!(
        passed > 10 && failed == 0,
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    luaxt()
        .current_dir(project.path())
        .args([
            "conformance",
            "--generate",
            "50",
            "--seed",
            "7",
            "--js",
            "luaxt-format",
        ])
        .assert()
        .success()
        .stdout(contains("0 mismatches"));
    // A name that is installed nowhere fails, and says which.
    luaxt()
        .current_dir(project.path())
        .args(["conformance", "--js", "no-such-codec-package"])
        .assert()
        .failure()
        .stderr(contains("no-such-codec-package"));
}

#[test]
fn export_writes_every_vector_as_one_json_file() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("vectors.json");
    luaxt()
        .args(["conformance", "--export"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    // Some vectors nest deeper than serde_json's default limit of 128.
    let bundle = luaxt_conformance::parse_json(&text).unwrap();
    assert_eq!(bundle["format"], luaxt_format::FORMAT_VERSION);
    assert!(bundle["vector_count"].as_u64().unwrap() > 1000);
    // To stdout as well; checking and exporting do not mix.
    luaxt()
        .args(["conformance", "--export", "-"])
        .assert()
        .success()
        .stdout(contains("\"vector_count\""));
    luaxt()
        .args(["conformance", "--rust", "--export", "-"])
        .assert()
        .code(3);
}

#[test]
fn rust_known_failures_file_marks_and_detects_stale_entries() {
    let dir = TempDir::new().unwrap();
    let known = dir.path().join("known.txt");
    // An id outside the selection is not stale.
    std::fs::write(&known, "keys.no-such-id  # elsewhere\n").unwrap();
    let output = luaxt()
        .args(["conformance", "--rust", "--filter", "values.", "--known"])
        .arg(&known)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("STALE"), "{text}");
    // `values.nil` (the single byte 00) passes: listing it is stale.
    std::fs::write(&known, "values.nil  # not really\n").unwrap();
    luaxt()
        .args(["conformance", "--rust", "--filter", "values.", "--known"])
        .arg(&known)
        .assert()
        .code(1)
        .stdout(contains("STALE values.nil"));
}

fn reference_codec() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let codec = root.join("format/js/src/index.js");
    have_node().then_some(codec)
}

#[test]
fn a_generated_run_passes_the_reference_codec_and_reports_its_rate() {
    let Some(codec) = reference_codec() else {
        eprintln!("skipped: node is not installed");
        return;
    };
    let output = luaxt()
        .args(["conformance", "--generate", "400", "--seed", "0x2a", "--js"])
        .arg(&codec)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(
        text.starts_with("generated differential: 400 cases, seed 0x2a"),
        "{text}"
    );
    assert!(text.contains("cases/s"), "{text}");
    assert!(text.contains("\n0 mismatches, 0 oracle failures"), "{text}");
}

#[test]
fn a_generated_run_minimises_a_mismatch_into_a_vector_that_loads() {
    let Some(_) = reference_codec() else {
        eprintln!("skipped: node is not installed");
        return;
    };
    let buggy = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../conformance/js/old-bugs/strict-ignored.mjs");
    let output = luaxt()
        .args(["conformance", "--generate", "300", "--seed", "7", "--js"])
        .arg(&buggy)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("MISMATCH case "), "{text}");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("  vector: "))
        .expect("a vector line");
    // The printed vector is ready to commit: it loads, and the reference
    // passes it.
    let file = format!("{{\"vectors\": [{line}]}}");
    let vectors = luaxt_conformance::load("found.json", &file).unwrap();
    assert_eq!(vectors[0].class, luaxt_conformance::Class::Noncanonical);
    assert!(vectors[0].id.starts_with("generated.found.s7-c"));
    let report = luaxt_conformance::run(&luaxt_conformance::LuaxtFormat, &vectors);
    assert!(report.failures.is_empty(), "{report}");
    // Minimised: a few dozen bytes at most.
    assert!(vectors[0].bytes.as_ref().unwrap().len() <= 64, "{line}");
}

#[test]
fn generate_needs_js_and_seed_needs_generate() {
    luaxt()
        .args(["conformance", "--generate", "10"])
        .assert()
        .code(3)
        .stderr(contains("--js"));
    luaxt()
        .args(["conformance", "--js", "x.mjs", "--seed", "1"])
        .assert()
        .code(3)
        .stderr(contains("--generate"));
    luaxt()
        .args([
            "conformance",
            "--js",
            "x.mjs",
            "--generate",
            "1",
            "--seed",
            "zz",
        ])
        .assert()
        .code(3)
        .stderr(contains("not a u64"));
}
