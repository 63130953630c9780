//! Sandbox escapes, memory bombs and runaway scripts.

use std::time::{Duration, Instant};

use luaxt_format::Value;
use luaxt_runtime::{Error, LimitKind, Limits, MemoryStore, Runtime};

fn limited() -> Runtime<MemoryStore> {
    let limits = Limits {
        memory: Some(32 << 20),
        instructions: Some(20_000_000),
        ..Limits::default()
    };
    Runtime::new(MemoryStore::new(), limits).expect("runtime")
}

#[test]
fn escapes_are_closed() {
    let mut rt = limited();
    rt.compute(
        r#"
        assert(io == nil, "io")
        assert(package == nil and require == nil, "package/require")
        assert(debug == nil, "debug")
        assert(dofile == nil and loadfile == nil, "dofile/loadfile")
        assert(string.dump == nil and ("").dump == nil, "string.dump")
        assert(os.execute == nil and os.remove == nil and os.getenv == nil and os.exit == nil, "os")
        assert(type(os.time()) == "number" and type(os.clock()) == "number" and type(os.date("%Y")) == "string")
        assert(not pcall(function() return io.open("/etc/passwd") end))
        assert(not pcall(function() return os.execute("true") end))
        assert(not pcall(function() return require("os") end))
        -- load accepts text only, even when asked for binary.
        assert(load("return 1")() == 1)
        local f, err = load("\27Lua\84\0garbage", "bin", "b")
        assert(f == nil and err:find("binary"), err)
        local f2, err2 = load(string.char(27) .. "Lua", "bin")
        assert(f2 == nil and err2:find("binary"), err2)
        -- An explicit env is honoured, including an empty one.
        assert(load("return x", "t", "t", { x = 5 })() == 5)
        "#,
    )
    .expect("sandbox checks");
}

#[test]
fn host_refuses_binary_chunks() {
    let mut rt = limited();
    let err = rt
        .compute("\x1bLua\x54\x00 not really bytecode")
        .unwrap_err();
    assert!(
        matches!(err, Error::Lua { ref message, .. } if message.contains("binary")),
        "{err:?}"
    );
}

#[test]
fn memory_bomb_is_stopped_and_runtime_stays_usable() {
    let mut rt = limited();
    rt.compute("_home.before = 'kept'").unwrap();
    let err = rt
        .compute(
            r#"
            _home.during = 'written before the bomb'
            local t = {}
            for i = 1, 1e9 do t[i] = string.rep("x", 1024) .. i end
            "#,
        )
        .unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err:?}");
    assert_eq!(
        rt.compute("return _home.before").unwrap(),
        Value::from("kept")
    );
    assert_eq!(
        rt.compute("return _home.during").unwrap(),
        Value::from("written before the bomb")
    );
    let err = rt
        .compute("local s = string.rep('x', 1 << 30)")
        .unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err:?}");
    assert_eq!(rt.compute("return 1 + 1").unwrap(), Value::Int(2));
}

#[test]
fn infinite_loop_hits_the_instruction_budget() {
    let mut rt = limited();
    let err = rt.compute("_home.x = 1 while true do end").unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err:?}"
    );
    // A script that catches the error is stopped anyway.
    let err = rt
        .compute("while true do pcall(function() while true do end end) end")
        .unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err:?}"
    );
    // Inside a coroutine too.
    let err = rt
        .compute("local co = coroutine.wrap(function() while true do end end) co()")
        .unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err:?}"
    );
    // The budget is per call; completed writes are kept.
    assert_eq!(rt.compute("return _home.x").unwrap(), Value::Int(1));
}

#[test]
fn deadline_stops_a_runaway_script() {
    let limits = Limits {
        instructions: None,
        deadline: Some(Duration::from_millis(200)),
        ..Limits::default()
    };
    let mut rt = Runtime::new(MemoryStore::new(), limits).unwrap();
    let started = Instant::now();
    let err = rt.compute("while true do end").unwrap_err();
    assert!(matches!(err, Error::Limit(LimitKind::Deadline)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(rt.compute("return 'alive'").unwrap(), Value::from("alive"));
}

#[test]
fn input_larger_than_the_memory_limit_is_a_memory_error() {
    let limits = Limits {
        memory: Some(8 << 20),
        ..Limits::default()
    };
    let mut rt = Runtime::new(MemoryStore::new(), limits).unwrap();
    let big: Vec<Value> = (0..200_000)
        .map(|i| Value::from(format!("item number {i}")))
        .collect();
    rt.set_input_value(&Value::Table(luaxt_format::Table::from_array(big)))
        .unwrap();
    let err = rt.compute("return #_io.input").unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err:?}");
    // Building the input pauses the collector; the error must not leave it
    // paused.
    assert_eq!(
        rt.compute("return collectgarbage('isrunning')").unwrap(),
        Value::Bool(true)
    );
    rt.set_input_value(&Value::Int(3)).unwrap();
    assert_eq!(rt.compute("return _io.input").unwrap(), Value::Int(3));
}

#[test]
fn reading_input_keeps_the_collector_as_the_script_left_it() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    let table = luaxt_format::Table::from_array(vec![Value::from("a"), Value::from("b")]);
    rt.set_input_value(&Value::Table(table)).unwrap();
    let running = "local n = #_io.input return collectgarbage('isrunning')";
    assert_eq!(rt.compute(running).unwrap(), Value::Bool(true));
    let stopped = "collectgarbage('stop') local n = #_io.input return collectgarbage('isrunning')";
    assert_eq!(rt.compute(stopped).unwrap(), Value::Bool(false));
    rt.compute("collectgarbage('restart')").unwrap();
}

/// Runs `code` in a fresh limited runtime on another thread; a run that
/// does not end within `outer` fails the test (the limit under test is far
/// smaller, so this is a backstop, not a timed pass).
fn compute_within(code: &'static str, outer: Duration) -> Result<Value, Error> {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rt = limited();
        let _ = send.send(rt.compute(code));
    });
    receive
        .recv_timeout(outer)
        .unwrap_or_else(|_| panic!("still running after {outer:?}: {code}"))
}

#[test]
fn an_endless_message_handler_is_not_run_past_a_limit() {
    // The hook's error runs the handler with hooks off: it must not run.
    let code = r#"xpcall(function() error("x") end, function() while true do end end)"#;
    let err = compute_within(code, Duration::from_secs(20)).unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err}"
    );
    // A handler still runs for ordinary errors.
    let mut rt = limited();
    let out = rt
        .compute(r#"local ok, e = xpcall(function() error("x", 0) end, function(e) return "h:" .. e end) return e"#)
        .unwrap();
    assert_eq!(out, Value::from("h:x"));
}

#[test]
fn finalizers_are_refused() {
    // Finalizers run with hooks off, so no budget could stop one.
    let mut rt = limited();
    for mt in [
        "{__gc = function() while true do end end}",
        "{__gc = false}",
    ] {
        let code = format!("return select(2, pcall(setmetatable, {{}}, {mt}))");
        let out = rt.compute(&code).unwrap();
        assert!(
            out.as_str()
                .is_some_and(|s| s.contains("__gc metamethods are not allowed")),
            "{out:?}"
        );
    }
    // A __gc added after setmetatable does not mark the table (Lua 5.4).
    let code = "local mt = {} setmetatable({}, mt) mt.__gc = function() while true do end end collectgarbage() return 1";
    assert_eq!(
        compute_within(code, Duration::from_secs(20)).unwrap(),
        Value::Int(1)
    );
    // Other metatables still work.
    let out = rt
        .compute("return setmetatable({}, {__index = function(_, k) return k * 2 end})[21]")
        .unwrap();
    assert_eq!(out, Value::Int(42));
}
