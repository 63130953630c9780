//! Print capture: the lines survive whatever the script does afterwards,
//! taking them runs no script code, and they count against the memory
//! limit.

use luaxt_runtime::{Error, LimitKind, Limits, MemoryStore, Runtime};

fn capturing(limits: Limits) -> Runtime<MemoryStore> {
    let mut rt = Runtime::new(MemoryStore::new(), limits).expect("runtime");
    rt.capture_prints().expect("capture");
    rt
}

#[test]
fn lines_are_taken_once_and_joined_by_tabs() {
    let mut rt = capturing(Limits::default());
    assert_eq!(rt.take_prints().unwrap(), b"");
    rt.compute("print('a', 1, 2.5, nil, true) print() print(setmetatable({}, {__tostring = function() return 'T' end}))")
        .unwrap();
    assert_eq!(rt.take_prints().unwrap(), b"a\t1\t2.5\tnil\ttrue\n\nT\n");
    assert_eq!(rt.take_prints().unwrap(), b"");
    rt.compute("print('next')").unwrap();
    assert_eq!(rt.take_prints().unwrap(), b"next\n");
    // Bytes that are not UTF-8 come out as they are.
    rt.compute(r"print('\xff\0x')").unwrap();
    assert_eq!(rt.take_prints().unwrap(), b"\xff\0x\n");
}

/// The attack of issue 15: a script that replaces the old flush global,
/// `print`, `tostring` or `table.concat` with endless functions after
/// printing. Its lines come out, and taking them runs none of its code
/// (an endless function run without a budget would never return).
#[test]
fn a_script_cannot_replace_or_reach_the_capture() {
    // A budget, so that running the script's code again fails the test
    // with a limit error instead of hanging it.
    let mut rt = capturing(Limits::default().with_instructions(Some(10_000_000)));
    rt.compute(
        r#"
        print("first")
        local forever = function() while true do end end
        __luaxt_flush_prints = forever
        tostring = forever
        table.concat = forever
        select = forever
        print("second")
        print = forever
        setmetatable(_G, { __index = forever, __newindex = forever })
        getmetatable("").__index = forever
        "#,
    )
    .unwrap();
    assert_eq!(rt.take_prints().unwrap(), b"first\nsecond\n");
    // The lines are in the registry, which only the debug library reaches.
    assert_eq!(
        rt.compute("return rawget(_G, 'debug') == nil").unwrap(),
        luaxt_format::Value::Bool(true)
    );
}

/// After a limit trips the budget stays tripped; taking the lines must
/// not depend on it.
#[test]
fn lines_printed_before_a_limit_are_kept() {
    let mut rt = capturing(Limits::default().with_instructions(Some(200_000)));
    let err = rt.compute("print('before') while true do end").unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err:?}"
    );
    assert_eq!(rt.take_prints().unwrap(), b"before\n");
    // A tripped budget does not stop reinstalling the capture either.
    rt.capture_prints().unwrap();
    rt.compute("print('after')").unwrap();
    assert_eq!(rt.take_prints().unwrap(), b"after\n");
}

/// The lines live in the Lua heap: printing more than the memory limit
/// allows is a memory error, not host memory growing without bound.
#[test]
fn printed_lines_count_against_the_memory_limit() {
    let mut rt = capturing(Limits::default().with_memory(Some(16 << 20)));
    let err = rt
        .compute("local s = string.rep('x', 100000) for i = 1, 1000 do print(s, i) end")
        .unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err:?}");
    // What was printed before the limit is still there, and is less.
    let text = rt.take_prints().unwrap();
    assert!(text.len() < 16 << 20, "{}", text.len());
    assert!(text.ends_with(b"\n") && text.contains(&b'\t'));
}

#[test]
fn without_capture_there_is_nothing_to_take() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    assert_eq!(rt.take_prints().unwrap(), b"");
}
