//! The store limit (spec §6.7): what a script or the host writes into the
//! store is bounded like the Lua heap, and a refused write loses nothing.

use luaxt_format::Value;
use luaxt_runtime::store::{ENTRY_COST, TABLE_COST};
use luaxt_runtime::{Error, LimitKind, Limits, MemoryStore, Runtime, Store, StoreError};

fn with_store_limit(bytes: u64) -> Runtime<MemoryStore> {
    let limits = Limits::default()
        .with_memory(Some(64 << 20))
        .with_store(Some(bytes));
    Runtime::new(MemoryStore::new(), limits).unwrap()
}

#[test]
fn writes_past_the_limit_stop_the_script_and_keep_what_was_stored() {
    let mut rt = with_store_limit(64 << 20);
    // 3000 values of 1 MiB under a 64 MiB limit (the issue's case).
    let err = rt
        .compute(r#"for i = 1, 3000 do _home[i] = string.rep("x", 2^20) end"#)
        .unwrap_err();
    assert!(matches!(err, Error::Limit(LimitKind::Store)), "{err}");
    let stored = rt.compute("return #_home").unwrap();
    let Value::Int(n) = stored else {
        panic!("{stored:?}")
    };
    assert!((60..64).contains(&n), "{n} values stored");
    assert!(rt.store().size() <= 64 << 20);
    // Each value that was stored is whole.
    let whole = format!("for i = 1, {n} do assert(#_home[i] == 2^20) end return true");
    assert_eq!(rt.compute(&whole).unwrap(), Value::Bool(true));
    // Deleting makes room again.
    let freed = "for i = 1, 10 do _home[i] = nil end _home.after = string.rep('y', 2^20) return #_home.after";
    assert_eq!(rt.compute(freed).unwrap(), Value::Int(1 << 20));
}

#[test]
fn a_script_can_catch_the_store_limit() {
    let mut rt = with_store_limit(1 << 20);
    let code = r#"
        _home.small = "kept"
        local ok, err = pcall(function() _home.big = string.rep("x", 2^21) end)
        return {ok, tostring(err), _home.big == nil, _home.small}"#;
    let Value::Table(out) = rt.compute(code).unwrap() else {
        panic!()
    };
    assert_eq!(out.get(&Value::Int(1)), Some(&Value::Bool(false)));
    let message = out.get(&Value::Int(2)).and_then(Value::as_str).unwrap();
    assert!(
        message.contains("store limit of 1048576 bytes reached"),
        "{message}"
    );
    assert_eq!(out.get(&Value::Int(3)), Some(&Value::Bool(true)));
    assert_eq!(out.get(&Value::Int(4)), Some(&Value::from("kept")));
}

#[test]
fn every_way_to_grow_the_store_is_counted() {
    // A value replaced by a larger one, _io entries, tables and keys.
    let limit = 256 << 10;
    let cases = [
        r#"_home.v = "" for i = 1, 1e6 do _home.v = string.rep("x", i * 1024) end"#,
        r#"for i = 1, 1e6 do _io[i] = string.rep("x", 1024) end"#,
        "for i = 1, 1e6 do ext.table() end",
        "local t = ext.table() for i = 1, 1e6 do t[i] = true end",
        r#"local t = ext.table() for i = 1, 1e6 do t[string.rep("k", 512) .. i] = 0 end"#,
        "for i = 1, 1e6 do _home[i] = {1, 2, 3, {4, 5}} end",
    ];
    for code in cases {
        let mut rt = with_store_limit(limit);
        let err = rt.compute(code).unwrap_err();
        assert!(
            matches!(err, Error::Limit(LimitKind::Store)),
            "{code}: {err}"
        );
        assert!(rt.store().size() <= limit, "{code}: {}", rt.store().size());
    }
    // A replaced value that does not fit leaves the old one.
    let mut rt = with_store_limit(limit);
    rt.compute(r#"_home.v = string.rep("a", 1000)"#).unwrap();
    assert!(rt.compute(r#"_home.v = string.rep("b", 2^20)"#).is_err());
    assert_eq!(
        rt.compute("return _home.v").unwrap(),
        Value::from("a".repeat(1000))
    );
}

#[test]
fn host_writes_over_the_limit_are_refused_and_change_nothing() {
    let mut rt = with_store_limit(1 << 20);
    // In copy mode the input is stored, and counts (a view input is the
    // host's, outside the store).
    rt.set_input_mode(luaxt_runtime::InputMode::Copy);
    rt.set_input_value(&Value::Int(1)).unwrap();
    let big = Value::Str("x".repeat(2 << 20));
    let err = rt.set_input_value(&big).unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Quota { limit: 1_048_576 })),
        "{err}"
    );
    assert_eq!(rt.compute("return _io.input").unwrap(), Value::Int(1));

    // A snapshot bigger than the limit is refused whole.
    let mut roomy = with_store_limit(8 << 20);
    roomy
        .compute(r#"_home.big = string.rep("x", 2^21)"#)
        .unwrap();
    let snapshot = roomy.snapshot().unwrap();
    rt.compute("_home.mine = 1").unwrap();
    let err = rt.restore(&snapshot).unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Quota { .. })),
        "{err}"
    );
    assert_eq!(rt.compute("return _home.mine").unwrap(), Value::Int(1));
}

#[test]
fn the_size_follows_the_counting_rule() {
    let mut store = MemoryStore::new();
    assert_eq!(store.size(), 2 * TABLE_COST);
    let id = store.create_table().unwrap();
    store.set(id, b"k1", b"value").unwrap();
    store.set(id, b"k2", b"v").unwrap();
    store.set(id, b"k1", b"vv").unwrap();
    store.delete(id, b"k2").unwrap();
    store.delete(id, b"absent").unwrap();
    assert_eq!(store.size(), 3 * TABLE_COST + 2 + 2 + ENTRY_COST);
    // Exactly at the limit is allowed; one byte more is not.
    let limit = store.size() + 10 + ENTRY_COST;
    store.set_quota(Some(limit)).unwrap();
    store.set(id, b"k3", b"12345678").unwrap();
    assert_eq!(store.size(), limit);
    let err = store.set(id, b"k1", b"vvv").unwrap_err();
    assert!(matches!(err, StoreError::Quota { .. }), "{err}");
    assert!(store.create_table().is_err());
    store.set_quota(None).unwrap();
    store.set(id, b"k1", b"vvv").unwrap();
}
