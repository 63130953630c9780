//! The host-side work a script causes through its external tables is
//! bounded and charged like the script's own: a value it stores or returns
//! is built within the memory and size limits, and copying values into and
//! out of the store counts against the instruction budget and the
//! deadline. (An attack pass found a table reachable twice, forty levels
//! down, asking for 2^40 copies outside the Lua heap, and loops of one
//! store access per few instructions running for hours under a budget of
//! 10^5 instructions.)

use std::time::Duration;

use luaxt_format::{ErrorKind, Value};
use luaxt_runtime::{Error, LimitKind, Limits, MemoryStore, Runtime};

fn runtime(limits: Limits) -> Runtime<MemoryStore> {
    Runtime::new(MemoryStore::new(), limits).unwrap()
}

/// A table that holds the one below it twice, `levels` deep: 2^levels
/// leaves once copied, a few hundred bytes in the Lua heap.
fn shared(levels: u32) -> String {
    format!("local t = {{1}} for i = 1, {levels} do t = {{t, t}} end")
}

#[test]
fn a_table_reachable_many_times_stops_at_the_memory_limit_before_it_is_built() {
    let limits = Limits::default().with_memory(Some(16 << 20));
    let mut rt = runtime(limits);
    let err = rt
        .compute(&format!("{} _home.x = t", shared(40)))
        .unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err}");
    assert!(err.to_string().contains("not enough memory"), "{err}");
    // Nothing was stored, and the runtime goes on.
    assert_eq!(rt.compute("return _home.x").unwrap(), Value::Nil);
    // As a return value too.
    let err = rt.compute(&format!("{} return t", shared(40))).unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err}");
}

#[test]
fn the_memory_error_of_a_store_write_can_be_caught() {
    let mut rt = runtime(Limits::default().with_memory(Some(16 << 20)));
    let code = format!(
        "{} local ok, err = pcall(function() _home.x = t end)
         return {{ok, tostring(err)}}",
        shared(30)
    );
    let Value::Table(out) = rt.compute(&code).unwrap() else {
        panic!()
    };
    assert_eq!(out.get(&Value::Int(1)), Some(&Value::Bool(false)));
    let message = out.get(&Value::Int(2)).and_then(Value::as_str).unwrap();
    assert!(message.contains("not enough memory"), "{message}");
}

#[test]
fn without_a_memory_limit_the_size_limit_stops_the_copies() {
    let format = luaxt_format::Limits::DEFAULT.with_max_size(1 << 20);
    let mut rt = runtime(Limits::unlimited().with_format(format));
    let err = rt
        .compute(&format!("{} _home.x = t", shared(40)))
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("longer than the size limit of 1048576 bytes"),
        "{message}"
    );
    let err = rt.compute(&format!("{} return t", shared(40))).unwrap_err();
    assert!(
        matches!(&err, Error::Format(e) if e.kind() == ErrorKind::LengthOverflow),
        "{err:?}"
    );
}

#[test]
fn values_within_the_limits_are_stored_as_before() {
    let mut rt = runtime(Limits::default().with_memory(Some(64 << 20)));
    let code = format!(
        "{} _home.x = t
         local n = 0
         local function count(v) if type(v) == 'table' then for _, w in pairs(v) do count(w) end else n = n + 1 end end
         count(_home.x) return n",
        shared(12)
    );
    assert_eq!(rt.compute(&code).unwrap(), Value::Int(1 << 12));
}

/// Each loop does a few VM instructions and one store access that moves
/// a large value: the budget has to see the access's work.
#[test]
fn store_reads_and_writes_count_against_the_instruction_budget() {
    let loops = [
        // The raw metamethods: a string written, read.
        r#"local s = string.rep("x", 2^20) while true do _home.s = s end"#,
        r#"_home.s = string.rep("x", 2^20) while true do local s = _home.s end"#,
        // The safe ones: a table converted and stored, decoded into Lua.
        r#"local t = {} for i = 1, 20000 do t[i] = i end while true do _home.t = t end"#,
        r#"local t = {} for i = 1, 20000 do t[i] = i end _home.t = t
           while true do local u = _home.t end"#,
    ];
    for code in loops {
        let limits = Limits::default()
            .with_instructions(Some(200_000))
            // A backstop: without the charges the loops would end here,
            // with the other error.
            .with_deadline(Some(Duration::from_secs(20)));
        let mut rt = runtime(limits);
        let err = rt.compute(code).unwrap_err();
        assert!(
            matches!(err, Error::Limit(LimitKind::Instructions)),
            "{code}: {err}"
        );
    }
}

#[test]
fn store_work_counts_against_the_deadline() {
    let code = r#"local t = {} for i = 1, 20000 do t[i] = i end while true do _home.t = t end"#;
    let limits = Limits::unlimited().with_deadline(Some(Duration::from_millis(200)));
    let mut rt = runtime(limits);
    let err = rt.compute(code).unwrap_err();
    assert!(matches!(err, Error::Limit(LimitKind::Deadline)), "{err}");
}

/// A script that stores an input view stores a copy of it: counted from
/// the view's encoding before its tree is built, and charged (a loop of
/// them under `pcall` copied the whole input each time, uncounted).
#[test]
fn a_stored_view_is_counted_before_its_copy_is_built() {
    let zeros = vec![0i64; 1 << 20];
    let code = "local n = 0
                for i = 1, 100 do pcall(function() _home.x = _io.input end) n = n + 1 end
                return n";
    let limits = Limits::default()
        .with_memory(Some(16 << 20))
        .with_instructions(Some(100_000))
        .with_deadline(Some(Duration::from_secs(20)));
    let mut rt = runtime(limits);
    rt.set_input_mode(luaxt_runtime::InputMode::View);
    rt.set_input(&zeros).unwrap();
    let err = rt.compute(code).unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err}"
    );
    // Stored once, with no budget to run out first: the memory limit's.
    rt.set_limits(Limits::default().with_memory(Some(16 << 20)))
        .unwrap();
    let err = rt.compute("_home.x = _io.input").unwrap_err();
    assert!(matches!(err, Error::Memory(_)), "{err}");
    // A small part of the input is stored as before.
    rt.compute("_home.x = {_io.input[1], _io.input[2]}")
        .unwrap();
    assert_eq!(rt.compute("return #_home.x").unwrap(), Value::Int(2));
}

/// Reading an input view makes the source find the table's entries (its
/// layout, kept for the last 512 tables): reads that cycle through more
/// tables than that rebuild one each time, and pay for it.
#[test]
fn reads_that_make_the_input_read_its_tables_again_are_charged() {
    let arrays = vec![vec![1i64; 1000]; 520];
    let code = "local input = _io.input
                local subs = {}
                for i = 1, 520 do subs[i] = input[i] end
                local s = 0
                for round = 1, 20 do
                  for i = 1, 520 do s = s + subs[i][1] end
                end
                return s";
    let limits = Limits::default().with_instructions(Some(1_000_000));
    let mut rt = runtime(limits);
    rt.set_input_mode(luaxt_runtime::InputMode::View);
    rt.set_input(&arrays).unwrap();
    let err = rt.compute(code).unwrap_err();
    assert!(
        matches!(err, Error::Limit(LimitKind::Instructions)),
        "{err}"
    );
    // Within the 512 tables kept, each is read once: the same loop fits.
    let kept = code.replace("520", "500");
    assert_eq!(rt.compute(&kept).unwrap(), Value::Int(20 * 500));
}

/// The runtime's own weak table of proxies (views, external tables) lets
/// collected ones go: with tables of weak keys kept strong in the sandbox,
/// it is weak both ways (100 000 views read leaked about 10 MiB before).
#[test]
fn proxies_of_views_no_longer_reachable_are_collected() {
    let rows = vec![vec![1i64]; 100_000];
    let mut rt = runtime(Limits::default());
    rt.set_input_mode(luaxt_runtime::InputMode::View);
    rt.set_input(&rows).unwrap();
    let code = "collectgarbage() collectgarbage()
                local before = collectgarbage('count')
                local input = _io.input
                for i = 1, #input do local row = input[i] end
                collectgarbage() collectgarbage()
                return math.floor(collectgarbage('count') - before)";
    let Value::Int(grown_kib) = rt.compute(code).unwrap() else {
        panic!()
    };
    assert!(grown_kib < 1024, "the heap grew by {grown_kib} KiB");
}
