//! The Lua side of external tables: the earlier system's own test programs
//! and the cases it got wrong.

use luaxt_format::Value;
use luaxt_runtime::{Error, Limits, MemoryStore, Runtime};

fn runtime() -> Runtime<MemoryStore> {
    Runtime::new(MemoryStore::new(), Limits::default()).expect("runtime")
}

fn run(rt: &mut Runtime<MemoryStore>, code: &str) -> Value {
    match rt.compute(code) {
        Ok(value) => value,
        Err(err) => panic!("lua failed: {err:?}"),
    }
}

fn lua_error(rt: &mut Runtime<MemoryStore>, code: &str) -> String {
    match rt.compute(code) {
        Err(Error::Lua { message, .. }) => message,
        other => panic!("expected a Lua error, got {other:?}"),
    }
}

#[test]
fn earlier_test_1_basic_serialization() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        t["name"] = "Lua"
        t["version"] = 5.4
        t["enabled"] = true
        t["config"] = nil
        assert(t["name"] == "Lua")
        assert(t["version"] == 5.4 and math.type(t["version"]) == "float")
        assert(t["enabled"] == true)
        assert(t["config"] == nil)
        "#,
    );
}

#[test]
fn earlier_test_2_numeric_keys() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        for i = 1, 100 do t[i] = "Item " .. i end
        assert(t[1] == "Item 1")
        assert(t[50] == "Item 50")
        assert(t[100] == "Item 100")
        assert(#t == 100)
        "#,
    );
}

#[test]
fn earlier_test_3_mixed_types() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        t["str"] = "hello"
        t["int"] = 42
        t["float"] = 3.14
        t["bool"] = true
        t["nil"] = nil
        assert(t["str"] == "hello")
        assert(t["int"] == 42 and math.type(t["int"]) == "integer")
        assert(t["float"] == 3.14 and math.type(t["float"]) == "float")
        assert(t["bool"] == true)
        assert(t["nil"] == nil)
        t.f2 = 2.0
        assert(math.type(t.f2) == "float")
        t.big = math.maxinteger
        assert(t.big == math.maxinteger)
        t.nan = 0/0
        assert(t.nan ~= t.nan)
        t.inf = -math.huge
        assert(t.inf == -math.huge)
        "#,
    );
}

#[test]
fn earlier_test_5_large_datasets() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        for i = 1, 1000 do t[i] = "Item " .. tostring(i) end
        assert(#t == 1000 and t[1000] == "Item 1000")
        local big = ext.table()
        for i = 1, 100000 do big[i] = i * 2 end
        assert(#big == 100000)
        local sum = 0
        for _, v in ipairs(big) do sum = sum + v end
        assert(sum == 100000 * 100001)
        local count = 0
        for _ in pairs(big) do count = count + 1 end
        assert(count == 100000)
        "#,
    );
}

#[test]
fn integer_and_string_keys_are_kept_apart() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        t[1] = "int"
        t["1"] = "str"
        assert(t[1] == "int" and t["1"] == "str")
        t[1.0] = "float one is int one"
        assert(t[1] == "float one is int one" and t["1"] == "str")
        t[1.5] = "half"
        assert(t[1.5] == "half")
        t[true] = "yes"
        assert(t[true] == "yes")
        local n = 0
        for k in pairs(t) do n = n + 1 end
        assert(n == 4)
        "#,
    );
}

#[test]
fn nil_and_nan_keys_error_on_write_and_read_nil() {
    let mut rt = runtime();
    let message = lua_error(&mut rt, "local t = ext.table(); t[nil] = 1");
    assert!(message.contains("index is nil"), "{message}");
    let message = lua_error(&mut rt, "local t = ext.table(); t[0/0] = 1");
    assert!(message.contains("index is NaN"), "{message}");
    run(
        &mut rt,
        "local t = ext.table(); assert(t[nil] == nil and t[0/0] == nil and t[{}] == nil)",
    );
    let message = lua_error(&mut rt, "local t = ext.table(); t[{}] = 1");
    assert!(message.contains("invalid_key"), "{message}");
}

#[test]
fn unsupported_values_name_the_key() {
    let mut rt = runtime();
    let message = lua_error(&mut rt, "local t = ext.table(); t.handler = print");
    assert!(message.contains("unsupported_type"), "{message}");
    assert!(message.contains("\"handler\""), "{message}");
    let message = lua_error(
        &mut rt,
        "local t = ext.table(); t.cfg = { nested = { co = coroutine.create(print) } }",
    );
    assert!(message.contains("\"cfg\".\"nested\".\"co\""), "{message}");
    let message = lua_error(
        &mut rt,
        "local t = ext.table(); local c = {}; c.me = c; t.c = c",
    );
    assert!(message.contains("cycle"), "{message}");
    // Nothing was stored by the failed writes.
    run(&mut rt, "local t = ext.table(); assert(t.handler == nil)");
}

#[test]
fn binary_strings_round_trip() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        local bin = "\0\1\2\255\254 bytes \0"
        t.bin = bin
        t[bin] = "binary key"
        assert(t.bin == bin and #t.bin == #bin)
        assert(t[bin] == "binary key")
        t.utf8 = "héllo ✓"
        assert(t.utf8 == "héllo ✓")
        "#,
    );
    let out = run(
        &mut rt,
        "local t = ext.table(); t.b = '\\255'; t.s = 'ok'; return { t.b, t.s }",
    );
    let table = out.as_table().unwrap();
    assert_eq!(table.array(), &[Value::Bytes(vec![255]), Value::from("ok")]);
}

#[test]
fn nested_tables_by_value_and_by_reference() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        local plain = { 1, 2, { deep = "yes" }, name = "p" }
        t.copy = plain
        plain.name = "changed"
        assert(t.copy.name == "p", "stored by value")
        assert(t.copy[3].deep == "yes")
        local got = t.copy
        got.name = "local edit"
        assert(t.copy.name == "p", "reading gives a copy")

        local child = ext.table()
        child.x = 1
        t.child = child
        assert(t.child == child, "same proxy identity")
        t.child.x = 2
        assert(child.x == 2, "by reference")
        t.list = { child, child }
        assert(t.list[1] == child and t.list[2] == child)
        t.map = { [child] = "ref key", deep = { child } }
        assert(t.map[child] == "ref key" and t.map.deep[1] == child)
        local keyed = ext.table()
        keyed[child] = "ext table as a key"
        assert(keyed[child] == "ext table as a key")
        for k, v in pairs(keyed) do assert(k == child) end
        local shared = { 1 }
        t.dag = { a = shared, b = shared }
        assert(t.dag.a[1] == 1 and t.dag.b[1] == 1)
        "#,
    );
}

#[test]
fn deletion_during_pairs_visits_every_entry_once() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        for i = 1, 500 do t[i] = i; t["k" .. i] = i end
        local seen = {}
        for k, v in pairs(t) do
          assert(not seen[k], "visited twice")
          seen[k] = true
          t[k] = nil
        end
        local n = 0
        for _ in pairs(seen) do n = n + 1 end
        assert(n == 1000, n)
        assert(next({}) == nil)
        for _ in pairs(t) do error("not empty") end
        assert(#t == 0)
        "#,
    );
}

#[test]
fn table_library_works_on_external_tables() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        table.insert(t, "a")
        table.insert(t, "c")
        table.insert(t, 2, "b")
        assert(#t == 3 and t[1] == "a" and t[2] == "b" and t[3] == "c")
        assert(table.concat(t, ",") == "a,b,c")
        assert(table.remove(t, 1) == "a")
        assert(table.concat(t, ",") == "b,c" and #t == 2)
        assert(table.remove(t) == "c" and #t == 1)
        local x, y = table.unpack({ 1, 2 })
        assert(select('#', table.unpack(t)) == 1)
        local n = 0
        for i, v in ipairs(t) do n = n + 1 end
        assert(n == 1)
        "#,
    );
}

#[test]
fn tostring_type_and_ids() {
    let mut rt = runtime();
    let out = run(
        &mut rt,
        r#"
        local t = ext.table()
        assert(type(t) == "table")
        assert(tostring(t) == "ext.table: " .. ext.id(t))
        assert(ext.id(_home) == 1 and ext.id(_io) == 2)
        assert(getmetatable(t) == "ext.table")
        assert(not pcall(setmetatable, t, {}))
        assert(not pcall(ext.id, {}))
        return t
        "#,
    );
    assert!(matches!(out, Value::Ref(id) if id > 2));
}

#[test]
fn border_follows_holes() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        for i = 1, 10 do t[i] = i end
        t[5] = nil
        assert(#t == 4)
        t[5] = 5
        assert(#t == 10)
        t[12] = 12
        assert(#t == 10)
        t[11] = 11
        assert(#t == 12)
        "#,
    );
}

#[test]
fn lua_errors_carry_message_and_traceback() {
    let mut rt = runtime();
    match rt.compute("local function f() error('boom') end\nf()") {
        Err(Error::Lua { message, traceback }) => {
            assert!(message.contains("boom"), "{message}");
            assert!(traceback.unwrap().contains("stack traceback"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        rt.compute("this is not lua"),
        Err(Error::Lua { .. })
    ));
    // Errors from metamethods can be caught in Lua.
    run(
        &mut rt,
        "local ok, err = pcall(function() ext.table().f = print end); assert(not ok and tostring(err):find('unsupported_type'))",
    );
}

#[test]
fn compute_returns_values() {
    let mut rt = runtime();
    assert_eq!(run(&mut rt, "return 1"), Value::Int(1));
    assert_eq!(run(&mut rt, "return 1.0"), Value::Float(1.0));
    assert_eq!(run(&mut rt, ""), Value::Nil);
    assert_eq!(run(&mut rt, "return _home"), Value::Ref(1));
    assert!(matches!(rt.compute("return print"), Err(Error::Format(_))));
    // Globals persist between calls.
    run(&mut rt, "counter = 41");
    assert_eq!(
        run(&mut rt, "counter = counter + 1 return counter"),
        Value::Int(42)
    );
}

#[test]
fn float_keys_normalise_like_lua() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        t[-0.0] = "zero"
        assert(t[0] == "zero")
        t[2^53] = "float 2^53 is integer 2^53"
        assert(t[math.tointeger(2^53)] == "float 2^53 is integer 2^53")
        t[2^63] = "stays a float"
        assert(t[2^63] == "stays a float" and t[math.maxinteger] == nil)
        for k, v in pairs(t) do
          if v == "stays a float" then assert(math.type(k) == "float") else assert(math.type(k) == "integer") end
        end
        "#,
    );
}

#[test]
fn coroutines_and_closures_use_external_tables() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        local producer = coroutine.wrap(function()
          for i = 1, 10 do t[i] = i * i; coroutine.yield(i) end
        end)
        for _ = 1, 10 do producer() end
        assert(#t == 10 and t[10] == 100)
        local sorted = {}
        for i, v in ipairs(t) do sorted[#sorted + 1] = v end
        table.sort(sorted, function(a, b) return a > b end)
        assert(sorted[1] == 100)
        "#,
    );
}

#[test]
fn pairs_gives_the_sequence_in_order_then_the_rest() {
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        for i = 1, 300 do t[i] = i end
        t[1000] = "far"
        t.name = "n"
        t[-1] = "negative"
        local order = {}
        for k, v in pairs(t) do order[#order + 1] = k end
        assert(#order == 303, #order)
        for i = 1, 300 do assert(order[i] == i, "position " .. i) end
        local rest = {}
        for i = 301, 303 do rest[tostring(order[i])] = true end
        assert(rest["1000"] and rest["name"] and rest["-1"])
        -- Deleting while walking the sequence visits everything once.
        local n = 0
        for k in pairs(t) do t[k] = nil; n = n + 1 end
        assert(n == 303 and #t == 0)
        "#,
    );
}

#[test]
fn many_distinct_keys_read_back_exactly() {
    // More keys than the decoder's key cache has slots, of many lengths, so
    // cached slots are replaced while one table is built.
    let mut rt = runtime();
    run(
        &mut rt,
        r#"
        local t = ext.table()
        local plain = {}
        for i = 1, 500 do
          local key = string.rep(string.char(97 + i % 26), 1 + i % 40) .. i
          plain[key] = { i, key = key, [key] = i * 2 }
        end
        t.records = plain
        local back, n = t.records, 0
        for key, record in pairs(back) do
          n = n + 1
          assert(plain[key] ~= nil, "unexpected key " .. key)
          assert(record.key == key and record[key] == record[1] * 2)
        end
        assert(n == 500, n)
        "#,
    );
}

#[test]
fn next_sees_through_external_tables() {
    let mut rt = runtime();
    let code = r#"
        local t = ext.table()
        assert(next(t) == nil, "an empty external table")
        t[1], t[2], t.name, t[true] = "a", "b", "n", 1
        local seen, n = {}, 0
        local k, v = next(t)
        while k ~= nil do
          assert(t[k] == v and not seen[k])
          seen[k], n = true, n + 1
          k, v = next(t, k)
        end
        assert(n == 4)
        -- Deleting the current key keeps the walk going.
        k = next(t)
        while k ~= nil do
          local after = next(t, k)
          t[k] = nil
          k = after
        end
        assert(next(t) == nil and #t == 0)
        -- Plain tables, and tables that only look like proxies, are Lua's.
        local plain = setmetatable({x = 1}, {__metatable = "ext.table"})
        assert(next(plain) == "x" and next({}) == nil)
        return true"#;
    assert_eq!(run(&mut rt, code), Value::Bool(true));
}
