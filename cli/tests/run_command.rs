//! End-to-end tests of `luaxt run`: scripts, input, output, state, limits.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use tempfile::TempDir;

fn luaxt() -> Command {
    Command::cargo_bin("luaxt").unwrap()
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn script(dir: &TempDir, name: &str, code: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, code).unwrap();
    path
}

fn json_out(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn stats_example_runs_over_the_committed_data_set() {
    let out = json_out(
        luaxt()
            .arg("run")
            .arg(examples().join("stats/stats.lua"))
            .arg("--input")
            .arg(examples().join("stats/data.json"))
            .arg("--no-state"),
    );
    assert_eq!(out["readings"], 24000);
    let stations = out["stations"].as_object().unwrap();
    assert_eq!(stations.len(), 8);
    let counted: i64 = stations
        .values()
        .map(|s| s["count"].as_i64().unwrap())
        .sum();
    assert_eq!(counted + out["faulty"].as_i64().unwrap(), 24000);
    let temp = &stations["ST-001"]["temp_c"];
    assert!(temp["min"].as_f64() <= temp["median"].as_f64());
    assert!(temp["median"].as_f64() <= temp["max"].as_f64());
}

#[test]
fn generator_reproduces_the_committed_data_set() {
    let dir = TempDir::new().unwrap();
    let out = luaxt()
        .current_dir(dir.path())
        .arg("run")
        .arg(examples().join("stats/generate.lua"))
        .args(["--no-state", "--compact"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let committed = std::fs::read(examples().join("stats/data.json")).unwrap();
    assert!(
        out == committed,
        "generate.lua no longer reproduces data.json"
    );
}

#[test]
fn counter_keeps_home_across_runs() {
    let dir = TempDir::new().unwrap();
    let state = dir.path().join("counter.state");
    let counter = examples().join("counter/counter.lua");
    let run = |input: Option<&Path>| {
        let mut cmd = luaxt();
        cmd.arg("run").arg(&counter).arg("--state").arg(&state);
        if let Some(input) = input {
            cmd.arg("--input").arg(input);
        }
        json_out(&mut cmd)
    };
    assert_eq!(run(None)["count"], 1);
    assert_eq!(
        run(Some(&examples().join("counter/add-ten.json")))["count"],
        11
    );
    let third = run(None);
    assert_eq!(third["count"], 12);
    assert_eq!(third["runs"], 3);
    assert_eq!(third["recent"][1], "run 2: +10 (bulk import)");
}

#[test]
fn default_state_file_is_in_the_current_directory() {
    let dir = TempDir::new().unwrap();
    let s = script(
        &dir,
        "home.lua",
        "_home.n = (_home.n or 0) + 1 _io.output = _home.n",
    );
    luaxt()
        .current_dir(dir.path())
        .arg("run")
        .arg(&s)
        .assert()
        .success()
        .stdout("1\n");
    assert!(dir.path().join(".luaxt-state").exists());
    luaxt()
        .current_dir(dir.path())
        .arg("run")
        .arg(&s)
        .assert()
        .success()
        .stdout("2\n");
    // --no-state neither reads nor writes it.
    luaxt()
        .current_dir(dir.path())
        .args(["run", "--no-state"])
        .arg(&s)
        .assert()
        .success()
        .stdout("1\n");
}

#[test]
fn a_stateless_script_creates_no_state_file() {
    let dir = TempDir::new().unwrap();
    let s = script(&dir, "pure.lua", "_io.output = { sum = 1 + 2 }");
    luaxt()
        .current_dir(dir.path())
        .args(["run", "--compact"])
        .arg(&s)
        .assert()
        .success()
        .stdout("{\"sum\":3}\n");
    assert!(!dir.path().join(".luaxt-state").exists());
}

#[test]
fn input_arrives_as_io_input_and_output_is_printed() {
    let dir = TempDir::new().unwrap();
    let s = script(
        &dir,
        "echo.lua",
        "local t = _io.input\n_io.output = { n = #t.list, big = t.big + 1, f = math.type(t.f), name = t.name }",
    );
    luaxt()
        .args(["run", "--no-state", "--compact", "--input", "-"])
        .arg(&s)
        .write_stdin(r#"{"list": [1, 2, 3], "big": 9007199254740993, "f": 2.0, "name": "é"}"#)
        .assert()
        .success()
        .stdout("{\"f\":\"float\",\"n\":3,\"big\":9007199254740994,\"name\":\"é\"}\n");
    // No _io.output: null.
    let quiet = script(&dir, "quiet.lua", "local x = 1");
    luaxt()
        .args(["run", "--no-state"])
        .arg(&quiet)
        .assert()
        .success()
        .stdout("null\n");
}

#[test]
fn typed_mode_carries_bytes_and_references() {
    let dir = TempDir::new().unwrap();
    let s = script(&dir, "typed.lua", "_io.output = { _io.input, ext.table() }");
    luaxt()
        .args(["run", "--no-state", "--typed", "--compact", "--input", "-"])
        .arg(&s)
        .write_stdin(r#"{"bytes": "00ff"}"#)
        .assert()
        .success()
        .stdout(contains(r#"{"table":{"array":[{"bytes":"00ff"},{"ref":"#));
}

#[test]
fn lua_error_shows_message_and_traceback_and_keeps_the_state_file() {
    let dir = TempDir::new().unwrap();
    let state = dir.path().join("s.state");
    let good = script(&dir, "good.lua", "_home.n = 41");
    luaxt()
        .arg("run")
        .arg(&good)
        .arg("--state")
        .arg(&state)
        .assert()
        .success();
    let before = std::fs::read(&state).unwrap();
    let bad = script(
        &dir,
        "bad.lua",
        "_home.n = 99\nlocal function f(t)\n  return t.missing.field\nend\nf({})\n",
    );
    luaxt()
        .arg("run")
        .arg(&bad)
        .arg("--state")
        .arg(&state)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("lua error in"))
        .stderr(contains("bad.lua:3: attempt to index a nil value"))
        .stderr(contains("stack traceback"));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    // A syntax error too.
    let syntax = script(&dir, "syntax.lua", "_home.n = = 1");
    luaxt()
        .arg("run")
        .arg(&syntax)
        .arg("--state")
        .arg(&state)
        .assert()
        .code(2)
        .stderr(contains("syntax.lua:1:"));
    assert_eq!(std::fs::read(&state).unwrap(), before);
}

#[test]
fn output_that_plain_json_cannot_carry_keeps_the_state_file() {
    let dir = TempDir::new().unwrap();
    let state = dir.path().join("s.state");
    let s = script(
        &dir,
        "ref.lua",
        "_home.n = (_home.n or 0) + 1 _io.output = _home",
    );
    luaxt()
        .arg("run")
        .arg(&s)
        .arg("--state")
        .arg(&state)
        .assert()
        .code(2)
        .stderr(contains("--typed"))
        .stderr(contains("state file was not changed"));
    assert!(!state.exists());
}

#[test]
fn memory_limit_stops_the_script() {
    let dir = TempDir::new().unwrap();
    let s = script(
        &dir,
        "hog.lua",
        "local t = {}\nfor i = 1, 1e9 do t[i] = string.rep('x', 100) .. i end",
    );
    luaxt()
        .args(["run", "--no-state", "--memory-limit", "8M"])
        .arg(&s)
        .assert()
        .code(2)
        .stderr(contains("memory limit of 8388608 bytes exceeded"));
}

#[test]
fn time_and_instruction_limits_stop_the_script() {
    let dir = TempDir::new().unwrap();
    let state = dir.path().join("s.state");
    let s = script(&dir, "spin.lua", "_home.x = 1\nwhile true do end");
    let started = std::time::Instant::now();
    luaxt()
        .args([
            "run",
            "--time-limit",
            "0.3",
            "--instruction-limit",
            "0",
            "--state",
        ])
        .arg(&state)
        .arg(&s)
        .assert()
        .code(2)
        .stderr(contains("time limit of 0.3s exceeded"));
    assert!(started.elapsed().as_secs() < 20);
    assert!(!state.exists());
    luaxt()
        .args(["run", "--no-state", "--instruction-limit", "50000"])
        .arg(&s)
        .assert()
        .code(2)
        .stderr(contains("instruction limit of 50000 exceeded"));
}

#[test]
fn bad_inputs_are_reported() {
    let dir = TempDir::new().unwrap();
    let s = script(&dir, "ok.lua", "_io.output = 1");
    luaxt()
        .args(["run", "--no-state", "--input", "-"])
        .arg(&s)
        .write_stdin("{not json")
        .assert()
        .code(2)
        .stderr(contains("invalid JSON in <stdin>"));
    luaxt()
        .args(["run", "--no-state"])
        .arg(dir.path().join("missing.lua"))
        .assert()
        .code(3)
        .stderr(contains("cannot read").and(contains("missing.lua")));
    luaxt()
        .args(["run", "--no-state", "--input"])
        .arg(dir.path().join("missing.json"))
        .arg(&s)
        .assert()
        .code(3)
        .stderr(contains("missing.json"));
    luaxt()
        .args(["run", "--memory-limit", "lots"])
        .arg(&s)
        .assert()
        .code(3);
    // A state file that is not a snapshot is refused, and left alone.
    let state = dir.path().join("junk.state");
    std::fs::write(&state, b"not a snapshot").unwrap();
    luaxt()
        .arg("run")
        .arg(&s)
        .arg("--state")
        .arg(&state)
        .assert()
        .code(2)
        .stderr(contains("junk.state"));
    assert_eq!(std::fs::read(&state).unwrap(), b"not a snapshot");
}

#[test]
fn sandbox_has_no_file_access() {
    let dir = TempDir::new().unwrap();
    let s = script(
        &dir,
        "io.lua",
        "_io.output = { io = type(io), dofile = type(dofile) }",
    );
    luaxt()
        .args(["run", "--no-state", "--compact"])
        .arg(&s)
        .assert()
        .success()
        .stdout(contains("\"io\":\"nil\"").and(contains("\"dofile\":\"nil\"")));
}

#[test]
fn run_help_has_examples() {
    luaxt()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(contains("Examples:").and(contains(".luaxt-state")));
}

#[test]
fn print_goes_to_stderr_so_stdout_stays_json() {
    let dir = TempDir::new().unwrap();
    let s = script(
        &dir,
        "chatty.lua",
        "print('working', 1, nil)\n_io.output = { done = true }\nprint('done')",
    );
    luaxt()
        .args(["run", "--no-state", "--compact"])
        .arg(&s)
        .assert()
        .success()
        .stdout("{\"done\":true}\n")
        .stderr("working\t1\tnil\ndone\n");
    // Also when the script fails: what it printed helps to find out why.
    let failing = script(&dir, "failing.lua", "print('before')\nerror('after')");
    luaxt()
        .args(["run", "--no-state"])
        .arg(&failing)
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("before\n").and(contains("failing.lua:2: after")));
}

/// Issue 15: a script that replaces the flush global of older versions,
/// `print`, `tostring` or `table.concat` with endless functions after
/// printing. Its lines still reach stderr and the run ends (the flush runs
/// none of its code; the timeout only keeps a regression from hanging the
/// suite).
#[test]
fn a_script_cannot_hijack_or_silence_the_print_flush() {
    let dir = TempDir::new().unwrap();
    let forever = "function() while true do end end";
    for (name, code, ok) in [
        (
            "flush.lua",
            format!("print('a')\n__luaxt_flush_prints = {forever}\nprint('b')"),
            true,
        ),
        (
            "globals.lua",
            format!(
                "print('a', 1)\nprint = {forever}\ntable.concat = {forever}\ntostring = {forever}\nselect = {forever}\n_io.output = 1"
            ),
            true,
        ),
        (
            "limit.lua",
            format!("print('a')\n__luaxt_flush_prints = {forever}\nwhile true do end"),
            false,
        ),
    ] {
        let s = script(&dir, name, &code);
        let assert = luaxt()
            .args(["run", "--no-state", "--instruction-limit", "5000000"])
            .arg(&s)
            .timeout(std::time::Duration::from_secs(120))
            .assert();
        let assert = if ok { assert.success() } else { assert.code(2) };
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        let expected = if name == "globals.lua" {
            "a\t1\n"
        } else {
            "a\n"
        };
        assert!(stderr.starts_with(expected), "{name}: {stderr:?}");
        if name == "flush.lua" {
            assert_eq!(stderr, "a\nb\n");
        }
    }
}

#[test]
fn inspect_shows_what_a_state_file_holds() {
    let dir = TempDir::new().unwrap();
    let state = dir.path().join("counter.state");
    for _ in 0..2 {
        luaxt()
            .arg("run")
            .arg(examples().join("counter/counter.lua"))
            .arg("--state")
            .arg(&state)
            .assert()
            .success();
    }
    luaxt()
        .arg("inspect")
        .arg(&state)
        .assert()
        .success()
        .stdout(contains("snapshot (spec §12)").and(contains("checksum ok")))
        .stdout(contains("_home (table 1): 3 entries"))
        .stdout(contains("  count = 2\n"))
        .stdout(contains("  history = <reference "))
        .stdout(contains("  [2] = {run = 2, step = 1}"));
    // check and decode say what the file is.
    luaxt()
        .arg("check")
        .arg(&state)
        .assert()
        .code(2)
        .stdout(contains("luaxt state file"));
    // A damaged state file: the checksum no longer matches.
    let mut bytes = std::fs::read(&state).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&state, &bytes).unwrap();
    luaxt()
        .arg("inspect")
        .arg(&state)
        .assert()
        .code(2)
        .stdout(contains("error: invalid snapshot").and(contains("checksum")));
}

#[test]
fn input_mode_chooses_a_view_or_a_copy() {
    let dir = TempDir::new().unwrap();
    let input = dir.path().join("in.json");
    std::fs::write(&input, r#"{"rows": [{"x": 1}, {"x": 2}, {"x": 3}]}"#).unwrap();
    let job = script(
        &dir,
        "job.lua",
        r#"local s = 0
           for _, r in ext.chunks(_io.input.rows, 2) do s = s + r.x end
           _io.output = {kind = getmetatable(_io.input) or "table", sum = s}"#,
    );
    // The job's output over the input, with these flags.
    let run_with = |flags: &[&str]| {
        json_out(
            luaxt()
                .arg("run")
                .arg(&job)
                .args(["--input"])
                .arg(&input)
                .arg("--no-state")
                .args(flags),
        )
    };
    for (mode, kind) in [("view", "input view"), ("copy", "table"), ("auto", "table")] {
        let out = run_with(&["--input-mode", mode]);
        assert_eq!(out["kind"], kind, "{mode}");
        assert_eq!(out["sum"], 6, "{mode}");
    }
    // `auto` views an input longer than a quarter of the memory limit (as
    // LXT): 100 000 rows are about 2 MB, over a quarter of 4 MiB.
    let rows: Vec<String> = (0..100_000).map(|i| format!(r#"{{"x":{i}}}"#)).collect();
    std::fs::write(&input, format!(r#"{{"rows": [{}]}}"#, rows.join(","))).unwrap();
    for (limit, kind) in [("4M", "input view"), ("512M", "table")] {
        let out = run_with(&["--memory-limit", limit]);
        assert_eq!(out["kind"], kind, "auto under {limit}");
        assert_eq!(out["sum"], 4_999_950_000u64, "auto under {limit}");
    }
}

#[test]
fn an_input_over_the_limits_is_refused_before_the_script_starts() {
    // Issue 15: an input whose LXT was longer than max_size was accepted,
    // and the script failed when it read `_io.input`, blamed for it.
    let dir = TempDir::new().unwrap();
    let s = script(
        &dir,
        "job.lua",
        "print('started')\n_home.ran = true\n_io.output = #_io.input",
    );
    let input = dir.path().join("big.json");
    let records: Vec<String> = (0..50_000)
        .map(|i| {
            format!(
                r#"{{"id":{i},"name":"station {}","temp":{}.5}}"#,
                i % 97,
                i % 40
            )
        })
        .collect();
    std::fs::write(&input, format!("[{}]", records.join(","))).unwrap();
    // The typed notation of 150 000 integers: 1.35 MB of LXT.
    let typed = dir.path().join("big-typed.json");
    let ints: Vec<String> = (0..150_000)
        .map(|i| format!(r#"{{"int":"{i}"}}"#))
        .collect();
    let text = format!(r#"{{"table":{{"array":[{}],"hash":[]}}}}"#, ints.join(","));
    std::fs::write(&typed, text).unwrap();
    let state = dir.path().join("job.state");
    for (file, typed) in [(&input, false), (&typed, true)] {
        let mut cmd = luaxt();
        cmd.arg("run").arg(&s).arg("--state").arg(&state);
        cmd.args(["--max-size", "1M", "--input"]).arg(file);
        if typed {
            cmd.arg("--typed");
        }
        cmd.assert()
            .code(2)
            .stdout("")
            .stderr(contains("as the script's input"))
            .stderr(contains("length_overflow"))
            .stderr(contains("started").not());
        assert!(!state.exists(), "the script did not run");
    }
    luaxt()
        .arg("run")
        .arg(&s)
        .arg("--state")
        .arg(&state)
        .args(["--max-size", "1M", "--input"])
        .arg(&input)
        .assert()
        .stderr(contains("length_overflow"))
        .stderr(contains(
            "the document is longer than max_size, 1048576 bytes",
        ))
        .stderr(contains("big.json"));
    // Within the limits the same input runs.
    luaxt()
        .arg("run")
        .arg(&s)
        .args(["--no-state", "--compact", "--max-size", "8M", "--input"])
        .arg(&input)
        .assert()
        .success()
        .stdout("50000\n");
}
