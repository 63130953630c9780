//! Every limit of `luaxt run`, tried as an attacker would (issue 15): each
//! script ends within its limit with a classified error (exit 2 and a
//! message naming the limit), or with the documented success. The CPU
//! cases use a short --time-limit and a generous outer timeout that fails
//! the test; peak memory is read from /proc while the process runs.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// What a run ended with: exit code, stderr, stdout, peak RSS in bytes.
struct Ended {
    code: Option<i32>,
    stderr: String,
    stdout: String,
    peak_rss: u64,
}

/// One child at a time: the time-limit cases compare the runtime's deadline
/// with the watchdog's, a second later, and a memory-heavy child running
/// beside them on a 2-core machine could starve one and not the other.
static ONE_CHILD_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `luaxt run SCRIPT --no-state ARGS`; panics if it is still running
/// after `outer`.
fn run(code: &str, args: &[&str], outer: Duration) -> Ended {
    let _turn = ONE_CHILD_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = TempDir::new().unwrap();
    let script = dir.path().join("job.lua");
    std::fs::write(&script, code).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_luaxt"))
        .arg("run")
        .arg(&script)
        .arg("--no-state")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes on threads, so a chatty child cannot block.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    let mut peak_rss = 0;
    let status = loop {
        peak_rss = peak_rss.max(peak_rss_of(child.id()));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > outer {
            let _ = child.kill();
            panic!("still running after {outer:?}: {code}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ended {
        code: status.code(),
        stderr: stderr.join().unwrap(),
        stdout: stdout.join().unwrap(),
        peak_rss,
    }
}

/// The peak resident set of a running process (`VmHWM`), 0 once it is gone.
fn peak_rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn assert_stopped(ended: &Ended, limit: &str, what: &str) {
    assert_eq!(ended.code, Some(2), "{what}: {}", ended.stderr);
    assert!(
        ended.stderr.contains(limit),
        "{what}: expected {limit:?} in: {}",
        ended.stderr
    );
}

const OUTER: Duration = Duration::from_secs(60);

#[test]
fn an_endless_message_handler_stops_at_the_limit() {
    let code = r#"xpcall(function() error("x") end, function() while true do end end)"#;
    let ended = run(
        code,
        &["--time-limit", "2", "--instruction-limit", "1000000"],
        OUTER,
    );
    assert_stopped(&ended, "instruction limit of 1000000 exceeded", "xpcall");
}

#[test]
fn finalizers_are_refused_and_close_handlers_stop_at_the_limit() {
    for code in [
        "setmetatable({}, {__gc = function() while true do end end}) collectgarbage()",
        "local t = setmetatable({}, {__gc = function() while true do end end}) t = nil for i = 1, 1e6 do local x = {} end",
    ] {
        let ended = run(code, &["--time-limit", "2"], OUTER);
        assert_stopped(&ended, "__gc metamethods are not allowed", code);
    }
    let code = "local guard <close> = setmetatable({}, {__close = function() while true do end end}) while true do end";
    let ended = run(code, &["--time-limit", "2"], OUTER);
    assert_stopped(&ended, "limit", "__close while unwinding");
    assert!(ended.stdout.is_empty(), "no output after a failed run");
}

#[test]
fn work_inside_c_functions_stops_at_the_time_limit() {
    let cases = [
        r#"return string.rep("a", 200):find(string.rep("a*", 30) .. "b")"#,
        "table.move({1}, 1, 2^40, 2)",
        "local t = {} for i = 1, 2e7 do t[i] = (i * 7919) % 1000003 end table.sort(t)",
        r#"local s = string.rep("\1", 128 << 20) return #string.format("%q", s)"#,
    ];
    for code in cases {
        let args = ["--time-limit", "2", "--instruction-limit", "0"];
        let ended = run(
            code,
            &[&args[..], &["--memory-limit", "2G"]].concat(),
            OUTER,
        );
        assert_stopped(&ended, "time limit of 2s exceeded", code);
    }
    // Documented success: n copies of nothing are nothing, at once.
    let ended = run(
        r#"_io.output = string.rep("", 2^62) .. string.rep("", 2^62, "")"#,
        &["--time-limit", "2"],
        OUTER,
    );
    assert_eq!(ended.code, Some(0), "{}", ended.stderr);
    assert_eq!(ended.stdout.trim(), r#""""#);
}

#[test]
fn store_writes_stay_within_the_memory_limit() {
    let limit = 64u64 << 20;
    let cases = [
        r#"for i = 1, 3000 do _home[i] = string.rep("x", 2^20) end"#,
        r#"for i = 1, 3000 do _io[i] = string.rep("x", 2^20) end"#,
        "local keep = {} for i = 1, 1e6 do keep[i] = ext.table() end",
        // The smallest entries, where the store holds most per byte counted.
        "for i = 1, 1e7 do _home[-i] = true end",
    ];
    for code in cases {
        let ended = run(code, &["--memory-limit", "64M"], OUTER);
        assert_stopped(&ended, "store limit of 67108864 bytes exceeded", code);
        // The Lua heap (64 MiB), the store (64 MiB counted; a MemoryStore
        // entry costs up to about twice what it counts) and the process
        // itself (under 64 MiB).
        let bound = limit + 2 * limit + (64 << 20);
        assert!(
            ended.peak_rss <= bound,
            "{code}: peak RSS {} MiB over {} MiB",
            ended.peak_rss >> 20,
            bound >> 20
        );
    }
    // A write over the limit can be caught, and what was stored is kept.
    let code = r#"
        _home.small = "kept"
        local ok, err = pcall(function() _home.big = string.rep("x", 2^21) end)
        _io.output = {ok = ok, err = tostring(err), small = _home.small}"#;
    let ended = run(code, &["--store-limit", "1M", "--compact"], OUTER);
    assert_eq!(ended.code, Some(0), "{}", ended.stderr);
    let out: serde_json::Value = serde_json::from_str(&ended.stdout).unwrap();
    assert_eq!(out["ok"], false);
    assert_eq!(out["small"], "kept");
    assert!(out["err"].as_str().unwrap().contains("store limit"));
}

#[test]
fn slow_instructions_stop_at_the_time_limit() {
    // Comparing two 32 MiB strings takes milliseconds per instruction. (A
    // time limit of 2 s leaves the watchdog, at 3 s, a second of slack on
    // a machine busy with other tests; 128 MiB strings and 1 s once let
    // it fire first while two builds ran.)
    let code = r#"local a, b = string.rep("x", 2^25), string.rep("x", 2^25)
                  while true do local same = (a == b) end"#;
    let ended = run(
        code,
        &["--time-limit", "2", "--instruction-limit", "0"],
        OUTER,
    );
    assert_stopped(&ended, "time limit of 2s exceeded", "==");
    assert!(
        !ended.stderr.contains("watchdog"),
        "the runtime stopped it, not the watchdog: {}",
        ended.stderr
    );
}

/// What a script makes the host build stays within the memory limit's
/// reach: a table reachable twice forty levels down (2^40 copies, an
/// out-of-memory abort before), and output that grows six times as JSON
/// (each byte 1 becomes `\u0001`; the text was gathered whole, and the
/// tree copied, before it was written).
#[test]
fn what_the_host_builds_for_a_script_stays_within_the_memory_limit() {
    let limit: u64 = 64 << 20;
    let bound = limit + 2 * limit + (64 << 20);
    let shared = "local t = {1} for i = 1, 40 do t = {t, t} end _home.x = t";
    let ended = run(shared, &["--memory-limit", "64M"], OUTER);
    assert_stopped(&ended, "memory limit of 67108864 bytes exceeded", shared);
    assert!(
        ended.peak_rss <= bound,
        "peak RSS {} MiB",
        ended.peak_rss >> 20
    );

    let escapes = r#"_io.output = string.rep("\1", 24 * 2^20)"#;
    let ended = run(escapes, &["--memory-limit", "64M", "--compact"], OUTER);
    assert_eq!(ended.code, Some(0), "{}", ended.stderr);
    assert_eq!(ended.stdout.len(), 6 * (24 << 20) + 3);
    // The string in the heap, in the store, and read back once: the text
    // (144 MiB) is never whole. Gathered, it took 245 MiB here.
    let bound = 3 * limit;
    assert!(
        ended.peak_rss <= bound,
        "peak RSS {} MiB",
        ended.peak_rss >> 20
    );
}
