//! Work inside single C functions that makes no VM instruction of its own
//! (creating long strings, pushing many results, parsing, collecting
//! garbage) is charged to the instruction budget, so a loop of a few
//! instructions, each doing milliseconds of C work, stops at the budget
//! and at the deadline (`runtime/lua/`: lstring.c, lzio.c, lgc.c, lapi.c,
//! lstrlib.c, lutf8lib.c, ltablib.c).
//!
//! Every loop below runs forever. Its limits are an instruction budget far
//! below what the loop would need if its C work were not charged, plus a
//! deadline as a backstop: a loop whose work is not charged runs into the
//! deadline instead, and the test fails on the error's kind (never on
//! elapsed time). A run that ends at neither fails the test after a minute
//! rather than hanging.

use std::time::Duration;

use luaxt_format::Value;
use luaxt_runtime::{Error, LimitKind, Limits, MemoryStore, Runtime};

mod limited;
use limited::run_limited;

/// 1 million instructions (each loop below does at most a few hundred of
/// its own before the budget should stop it; uncharged, it would run
/// hundreds of thousands of iterations, each taking milliseconds), and a
/// 20 s deadline as the backstop.
fn budget() -> Limits {
    Limits::default()
        .with_memory(Some(256 << 20))
        .with_instructions(Some(1_000_000))
        .with_deadline(Some(Duration::from_secs(20)))
}

/// No instruction budget; a 300 ms deadline.
fn deadline() -> Limits {
    Limits::default()
        .with_memory(Some(256 << 20))
        .with_instructions(None)
        .with_deadline(Some(Duration::from_millis(300)))
}

/// Asserts that every `(what, setup, work)` stops with `kind`.
fn assert_stops(limits: fn() -> Limits, kind: LimitKind, cases: &[(&str, &str, &str)]) {
    for (what, setup, work) in cases {
        let err = run_limited(limits(), setup, work).expect_err(what);
        assert!(
            matches!(err, Error::Limit(k) if k == kind),
            "{what}: expected {kind:?}, got {err}"
        );
    }
}

/// An 8 MiB string.
const BIG: &str = r#"s = string.rep("x", 1 << 23)"#;

/// Loops whose instructions each make a long string (charged by its
/// length where Lua creates it, lstring.c).
const NEW_LONG_STRINGS: &[(&str, &str, &str)] = &[
    (
        "string.rep",
        "",
        r#"while true do local r = string.rep("x", 1 << 23) end"#,
    ),
    ("upper", BIG, "while true do local r = s:upper() end"),
    ("lower", BIG, "while true do local r = s:lower() end"),
    ("reverse", BIG, "while true do local r = s:reverse() end"),
    (
        "string.format %s",
        BIG,
        r#"while true do local r = string.format("%s", s) end"#,
    ),
    (
        "string.pack s",
        BIG,
        r#"while true do local r = string.pack("s", s) end"#,
    ),
    (
        "table.concat",
        r#"t = {string.rep("x", 1 << 22), string.rep("y", 1 << 22)}"#,
        "while true do local r = table.concat(t) end",
    ),
    (
        "gsub of an anchored empty match",
        BIG,
        r#"while true do local r = s:gsub("^", "y") end"#,
    ),
    (
        "sub of the whole string",
        BIG,
        "while true do local r = s:sub(1, -1) end",
    ),
    (
        "string.unpack of a long string",
        r#"p = string.pack("s", string.rep("x", 1 << 23))"#,
        r#"while true do local r = string.unpack("s", p) end"#,
    ),
];

/// Loops whose C functions make no long string: charged per result, per
/// argument, per character or per byte scanned.
const NO_LONG_STRING: &[(&str, &str, &str)] = &[
    (
        "string.byte of every byte",
        r#"s = string.rep("x", 500000)"#,
        "while true do local n = select('#', s:byte(1, -1)) end",
    ),
    (
        "string.char of many arguments",
        "t = {} for i = 1, 200000 do t[i] = 120 end",
        "local function f(...) while true do local c = string.char(...) end end
         f(table.unpack(t))",
    ),
    (
        "table.unpack",
        "t = {} for i = 1, 500000 do t[i] = i end",
        "while true do local n = select('#', table.unpack(t)) end",
    ),
    (
        "string.unpack of many items",
        r#"fmt, s = string.rep("b", 200000), string.rep("x", 200000)"#,
        "while true do local n = select('#', string.unpack(fmt, s)) end",
    ),
    (
        "string.unpack z over a string without a zero",
        BIG,
        r#"while true do pcall(string.unpack, "z", s) end"#,
    ),
    ("utf8.len", BIG, "while true do local n = utf8.len(s) end"),
    (
        "utf8.codepoint of every character",
        r#"s = string.rep("x", 500000)"#,
        "while true do local n = select('#', utf8.codepoint(s, 1, -1)) end",
    ),
    (
        "utf8.offset to the last character",
        BIG,
        "while true do local n = utf8.offset(s, 1 << 23) end",
    ),
    (
        "utf8.offset back over continuation bytes",
        r#"s = string.rep("\x80", 1 << 23)"#,
        "while true do local n = utf8.offset(s, 0, 1 << 23) end",
    ),
    (
        "the utf8.codes iterator over continuation bytes",
        r#"s = string.rep("\x80", 1 << 23)"#,
        r#"local step = utf8.codes("a") while true do step(s, 0) end"#,
    ),
    (
        "... copied by a vararg function",
        "t = {} for i = 1, 200000 do t[i] = i end",
        "local function f(...) while true do local n = select('#', ...) end end
         f(table.unpack(t))",
    ),
    (
        "utf8.char of many arguments",
        "t = {} for i = 1, 200000 do t[i] = 0x263A end",
        "local function f(...) while true do local c = utf8.char(...) end end
         f(table.unpack(t))",
    ),
];

/// A thousand calls that each count fewer steps than a batch
/// (`LUAXT_BATCH`, 4096) but more than a thousand: a few thousand VM
/// instructions in all, and millions of counted steps, which stay pending
/// until they are charged, also when a call raises an error after its
/// work. (Deterministic: a budget that only the counted steps exceed.)
const SMALL_CALLS: &[(&str, &str, &str)] = &[
    (
        "string.byte of 4000 bytes",
        r#"s = string.rep("x", 4000)"#,
        "for i = 1, 1000 do local n = select('#', s:byte(1, -1)) end",
    ),
    (
        "string.format of 50 floats",
        r#"f = string.rep("%.14g", 50) t = {} for i = 1, 50 do t[i] = i + 0.5 end"#,
        "for i = 1, 1000 do local r = string.format(f, table.unpack(t)) end",
    ),
    (
        "string.format failing after 50 floats",
        r#"f = string.rep("%.14g", 50) .. "%d" t = {} for i = 1, 50 do t[i] = i + 0.5 end"#,
        "for i = 1, 1000 do pcall(string.format, f, table.unpack(t)) end",
    ),
    (
        "string.format of 200 integers",
        r#"f = string.rep("%d", 200) t = {} for i = 1, 200 do t[i] = i end"#,
        "for i = 1, 1000 do local r = string.format(f, table.unpack(t)) end",
    ),
    (
        "utf8.char of 200 characters",
        "t = {} for i = 1, 200 do t[i] = 0x263A end",
        "for i = 1, 1000 do local c = utf8.char(table.unpack(t)) end",
    ),
    (
        "table.concat of 2000 short strings",
        r#"t = {} for i = 1, 2000 do t[i] = "ab" end"#,
        "for i = 1, 1000 do local r = table.concat(t) end",
    ),
];

/// Work a third attack pass found uncharged (session 10). Each is a
/// bounded loop whose own VM instructions stay far below the budget and
/// whose counted work far exceeds it: before the fix each ran to its end.
const HIDDEN_WORK: &[(&str, &str, &str)] = &[
    (
        "coroutines of fewer instructions than the hook's interval",
        "",
        "for i = 1, 10000 do
           coroutine.wrap(function() local x = 0 for j = 1, 300 do x = x + j end end)()
         end",
    ),
    (
        "__close handlers run by coroutine.close",
        "mt = {__close = function() local x = 0 for j = 1, 300 do x = x + j end end}",
        "for i = 1, 10000 do
           local co = coroutine.create(function()
             local c <close> = setmetatable({}, mt)
             coroutine.yield()
           end)
           coroutine.resume(co)
           coroutine.close(co)
         end",
    ),
    (
        "an __index chain of 1990 tables",
        "t = {x = 1} for i = 1, 1990 do t = setmetatable({}, {__index = t}) end",
        "for i = 1, 10000 do local v = t.x end",
    ),
    (
        "a __newindex chain of 1990 tables",
        "t = {} for i = 1, 1990 do t = setmetatable({}, {__newindex = t}) end",
        "for i = 1, 10000 do t.x = nil end",
    ),
    (
        "a chain of 20 000 'or's parsed",
        "",
        r#"local f = load("local a; local x = " .. string.rep("a or ", 20000) .. "a")"#,
    ),
    (
        "names looked up through 60 functions of 190 locals",
        r#"local locals = {}
           for i = 1, 190 do locals[i] = "v" .. i end
           local decl = "local " .. table.concat(locals, ", ") .. "\n"
           src = string.rep("return function() " .. decl, 60)
             .. string.rep("y = undefined\n", 2000)
             .. string.rep(" end", 60)"#,
        "local f = load(src)",
    ),
    (
        "collectgarbage('step', 0) over a table of 2^20 elements",
        "t = {} for i = 1, 1 << 20 do t[i] = i end",
        r#"for i = 1, 200 do collectgarbage("step", 0) end"#,
    ),
    (
        "tonumber of a megabyte of digits",
        r#"s = string.rep("1", 1 << 20)"#,
        "for i = 1, 1000 do local n = tonumber(s) end",
    ),
    (
        "a string of a megabyte of digits in arithmetic",
        r#"s = string.rep("1", 1 << 20)"#,
        "for i = 1, 1000 do local n = s + 0 end",
    ),
    (
        "string.pack of a format of a million options",
        r#"f = string.rep(" ", 1 << 20)"#,
        "for i = 1, 100 do local r = string.pack(f) end",
    ),
    (
        "string.packsize of a format of a million options",
        r#"f = string.rep("b", 1 << 20)"#,
        "for i = 1, 100 do local n = string.packsize(f) end",
    ),
    (
        "gsub's replacement of 100 000 escapes",
        r#"r = string.rep("%0", 100000)"#,
        r#"for i = 1, 100 do local s = string.gsub("", "^", r) end"#,
    ),
    (
        "os.time of a table",
        "",
        "for i = 1, 10000 do local t = os.time({year = 2026, month = 12, day = 7}) end",
    ),
    (
        "os.date of a thousand conversions",
        r#"f = string.rep("%p", 1000)"#,
        "for i = 1, 100 do local s = os.date(f) end",
    ),
    (
        "floats joined into short strings",
        "a, b, c, d = 1.5, 2.25, 3.125, 4.0625",
        "for i = 1, 10000 do local s = a .. b .. c .. d .. a .. b .. c .. d end",
    ),
    (
        "string.format('%.99f', 1e308)",
        "",
        r#"for i = 1, 10000 do local s = string.format("%.99f", 1e308) end"#,
    ),
    (
        "an order comparison of strings of a million zero bytes",
        r#"a, b = string.rep("\0", 1 << 20), string.rep("\0", 1 << 20) .. "x""#,
        "for i = 1, 10 do local c = a < b end",
    ),
    (
        "8000 gotos out of 180 blocks under 199 constants, parsed",
        r#"src = "do " .. string.rep("local a <const> = 1 ", 199) .. string.rep("do ", 180)
             .. string.rep("goto z ", 8000) .. string.rep("end ", 180) .. "::z:: end ""#,
        "local f = load(src)",
    ),
    (
        "next over a table emptied but for its last key",
        "t = {}
         for i = 1, 65536 do t[i + 0.5] = true end
         local last
         for k in next, t do last = k end
         for i = 1, 65536 do t[i + 0.5] = nil end
         t[last] = true",
        "for i = 1, 1000 do local k = next(t) end",
    ),
    (
        "1000 values passed through 50 yields and resumes",
        r#"local D = 50
           round = load("local t = ... local Y = coroutine.yield "
             .. "local co = coroutine.wrap(function(...) "
             .. string.rep("Y(", D) .. "..." .. string.rep(")", D) .. " end) "
             .. "return " .. string.rep("co(", D + 1) .. "table.unpack(t)" .. string.rep(")", D + 1))
           t = {} for i = 1, 1000 do t[i] = i end"#,
        "for i = 1, 100 do round(t) end",
    ),
    (
        "an external table read with a key of a megabyte",
        r#"k = string.rep("k", 1 << 20) t = ext.table()"#,
        "for i = 1, 100 do local v = t[k] end",
    ),
];

/// Loops of `load`: the parser is charged a step per byte it reads.
const PARSING: &[(&str, &str, &str)] = &[
    (
        "load of a 1 MiB chunk",
        r#"src = "local x = 1 " .. string.rep("x = x + 1 ", 100000)"#,
        "while true do load(src) end",
    ),
    (
        "load through a reader of short pieces",
        // 1020 bytes a piece: each is charged, however short.
        r#"piece = string.rep("x = 1 ", 170)"#,
        "while true do
           local n = 0
           load(function() n = n + 1 if n <= 1000 then return piece end end)
         end",
    ),
];

/// About 300 000 live tables: a heap of some 20 MiB to traverse.
const HEAP: &str = "keep = {} for i = 1, 300000 do keep[i] = {} end";

/// Loops of the collector's work: charged by the heap it traverses.
const COLLECTING: &[(&str, &str, &str)] = &[
    (
        "collectgarbage()",
        HEAP,
        "while true do collectgarbage() end",
    ),
    (
        "collectgarbage('step', n) with a large n",
        HEAP,
        r#"while true do collectgarbage("step", 1 << 20) end"#,
    ),
    (
        "switching the collector's mode",
        HEAP,
        r#"while true do collectgarbage("generational") collectgarbage("incremental") end"#,
    ),
];

#[test]
fn creating_long_strings_stops_at_the_instruction_budget() {
    assert_stops(budget, LimitKind::Instructions, NEW_LONG_STRINGS);
}

#[test]
fn creating_long_strings_stops_at_the_deadline() {
    assert_stops(deadline, LimitKind::Deadline, &NEW_LONG_STRINGS[..3]);
}

#[test]
fn results_arguments_and_scans_stop_at_the_instruction_budget() {
    assert_stops(budget, LimitKind::Instructions, NO_LONG_STRING);
}

#[test]
fn results_arguments_and_scans_stop_at_the_deadline() {
    assert_stops(deadline, LimitKind::Deadline, &NO_LONG_STRING[..3]);
}

#[test]
fn small_calls_add_up_to_the_instruction_budget() {
    assert_stops(budget, LimitKind::Instructions, SMALL_CALLS);
}

#[test]
fn hidden_work_is_charged() {
    assert_stops(budget, LimitKind::Instructions, HIDDEN_WORK);
}

/// A chain of `__call` tables moves every argument at each level inside
/// one call: it is bounded (100 levels), not only counted.
#[test]
fn a_call_chain_is_bounded() {
    let chain = |n: usize| {
        format!(
            "f = function() return 7 end
             for i = 1, {n} do f = setmetatable({{}}, {{__call = f}}) end"
        )
    };
    assert_eq!(
        run_limited(budget(), &chain(100), "return f()").unwrap(),
        Value::Int(7)
    );
    let err = run_limited(budget(), &chain(250_000), "return f()").unwrap_err();
    assert!(err.to_string().contains("'__call' chain too long"), "{err}");
}

#[test]
fn parsing_stops_at_the_instruction_budget() {
    assert_stops(budget, LimitKind::Instructions, PARSING);
}

#[test]
fn parsing_stops_at_the_deadline() {
    assert_stops(deadline, LimitKind::Deadline, PARSING);
}

#[test]
fn collecting_garbage_stops_at_the_instruction_budget() {
    assert_stops(budget, LimitKind::Instructions, COLLECTING);
}

#[test]
fn collecting_garbage_stops_at_the_deadline() {
    assert_stops(deadline, LimitKind::Deadline, &COLLECTING[..1]);
}

#[test]
fn failing_allocations_stop_at_the_instruction_budget() {
    // Each try to grow the 32 MiB array past the memory limit runs an
    // emergency collection of the whole heap before the memory error,
    // which the script catches.
    let setup = "big = {} for i = 1, 1 << 21 do big[i] = i end
                 keep = {} for i = 1, 100000 do keep[i] = {} end";
    let work = "local function grow() big[#big + 1] = 1 end
                while true do pcall(grow) end";
    let err = run_limited(budget().with_memory(Some(60 << 20)), setup, work).unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err}"
    );
}

#[test]
fn the_collectors_parameters_cannot_be_changed() {
    // A pause of 0 (or a huge step size) would run a whole collection at
    // every allocation, work no budget sees.
    let mut rt = Runtime::new(MemoryStore::new(), budget()).unwrap();
    for call in [
        r#"collectgarbage("setpause", 0)"#,
        r#"collectgarbage("setstepmul", 1000)"#,
        r#"collectgarbage("incremental", 1, 1000, 40)"#,
        r#"collectgarbage("generational", 1, 1)"#,
    ] {
        let err = rt.compute(call).expect_err(call);
        assert!(
            matches!(err, Error::Lua { ref message, .. } if message.contains("parameters")),
            "{call}: {err:?}"
        );
    }
    let code = r#"
        assert(collectgarbage("generational") == "incremental")
        assert(collectgarbage("incremental") == "generational")
        assert(collectgarbage() == 0)
        assert(type(collectgarbage("count")) == "number")
        assert(collectgarbage("step") ~= nil)
        assert(collectgarbage("isrunning") == true)
        return true"#;
    assert_eq!(rt.compute(code).unwrap(), Value::Bool(true));
}

#[test]
fn ordinary_string_work_costs_about_its_instructions() {
    // Short and middling strings cost nothing beyond their instructions
    // (below 1 KiB a string's copy is not counted): 10 000 iterations of
    // a few dozen instructions each stay within 1 million.
    let limits = Limits::default().with_instructions(Some(1_000_000));
    let mut rt = Runtime::new(MemoryStore::new(), limits).unwrap();
    let code = r#"
        local n = 0
        for i = 1, 10000 do
          local s = string.rep("x", 500) .. i
          n = n + #s:upper() + #string.format("%d", i) + s:byte(1)
        end
        return n > 0"#;
    assert_eq!(rt.compute(code).unwrap(), Value::Bool(true));
}

#[test]
fn work_done_between_calls_is_not_charged_to_the_next() {
    // After a memory error the host collects the garbage (a full
    // collection of some 32 MiB, counted as 2 million steps of work): the
    // next call, under a budget of 1 million, must not pay for it.
    let limits = Limits::default()
        .with_memory(Some(32 << 20))
        .with_instructions(Some(20_000_000));
    let mut rt = Runtime::new(MemoryStore::new(), limits).unwrap();
    let bomb = r#"local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 1024) .. i end"#;
    let err = rt.compute(bomb).unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err:?}");
    rt.set_limits(limits.with_instructions(Some(1_000_000)))
        .unwrap();
    let code = "local n = 0 for i = 1, 2000 do n = n + i end return n";
    assert_eq!(rt.compute(code).unwrap(), Value::Int(2_001_000));
}

/// Tables with weak keys and strong values (ephemerons) are kept strong:
/// settling them is quadratic work inside one uninterruptible collector
/// step (40 000 of them, chained, took seconds per collection), so their
/// entries stay until the script removes them. Weak values still go.
#[test]
fn weak_keys_are_kept_strong_and_weak_values_still_go() {
    let code = r#"
        local keys = setmetatable({}, {__mode = "k"})
        local values = setmetatable({}, {__mode = "v"})
        keys[{}] = 1
        values[1] = {}
        collectgarbage()
        return {next(keys) ~= nil, values[1] == nil}"#;
    let Value::Table(seen) = run_limited(budget(), "", code).unwrap() else {
        panic!()
    };
    assert_eq!(seen.array(), &[Value::Bool(true), Value::Bool(true)]);
}

/// Keys chosen to collide with Lua's own hash (multiples of 2^17 - 1, in
/// a hash part of 2^17 nodes, all land in one chain) no longer do: number
/// keys are hashed with a secret of the process (ltable.c, lstate.c).
/// Building and reading the table fits a small budget; colliding, its
/// last rehash alone would walk chains of all 65 537 keys (about 2 * 10^9
/// steps, each counted since ltable.c counts long chains).
#[test]
fn keys_chosen_to_collide_do_not() {
    let code = "local t = {}
                for i = 1, 65537 do t[i * 131071] = true end
                local n = 0
                for j = 1, 100000 do if t[131071 * 70000] then n = n + 1 end end
                return n";
    let limits = Limits::default().with_instructions(Some(3_000_000));
    assert_eq!(run_limited(limits, "", code).unwrap(), Value::Int(0));
}

/// A hash part kept full, a key added and removed in turn, is rehashed
/// whole at every insert: each rehash counts the keys it moves.
#[test]
fn rehashing_a_full_table_again_and_again_stops_at_the_instruction_budget() {
    let setup = "t = {} for i = 1, 65535 do t[-i] = true end";
    let work = "local i = 0 while true do i = i + 1 t[i + 0.5] = true t[i + 0.5] = nil end";
    let err = run_limited(budget(), setup, work).expect_err("an endless loop");
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "expected the instruction budget, got {err}"
    );
}
