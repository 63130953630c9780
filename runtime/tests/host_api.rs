//! The host side: `_io`, store errors, custom stores.

use std::cell::Cell;
use std::rc::Rc;

use luaxt_format::{Table, Value, encode};
use luaxt_runtime::{
    Error, HOME_ID, IO_ID, Limits, MemoryStore, Runtime, Store, StoreError, StoreResult, TableData,
    TableId,
};

fn runtime() -> Runtime<MemoryStore> {
    Runtime::new(MemoryStore::new(), Limits::default()).expect("runtime")
}

fn record(id: i64, name: &str, score: f64) -> Value {
    let mut t = Table::new();
    t.insert("id".into(), id.into()).unwrap();
    t.insert("name".into(), name.into()).unwrap();
    t.insert("score".into(), score.into()).unwrap();
    Value::Table(t)
}

#[test]
fn input_output_meta_round_trip() {
    let mut rt = runtime();
    let records: Vec<Value> = (1..=100)
        .map(|i| record(i, &format!("n{i}"), i as f64 / 2.0))
        .collect();
    rt.set_input_value(&Value::Table(Table::from_array(records)))
        .unwrap();
    rt.set_meta_value(&Value::from("batch-7")).unwrap();
    rt.compute(
        r#"
        local input = _io.input
        assert(input == _io.input, "decoded once per call, then cached")
        local sum, count = 0, 0
        for i = 1, #_io.input do
          sum = sum + _io.input[i].score
          count = count + 1
        end
        _io.output = { sum = sum, count = count, meta = _io.meta, first = input[1].name }
        "#,
    )
    .unwrap();
    let out = rt.output_value().unwrap();
    let out = out.as_table().unwrap();
    assert_eq!(out.get(&"sum".into()), Some(&Value::Float(2525.0)));
    assert_eq!(out.get(&"count".into()), Some(&Value::Int(100)));
    assert_eq!(out.get(&"meta".into()), Some(&Value::from("batch-7")));
    assert_eq!(out.get(&"first".into()), Some(&Value::from("n1")));
    assert_eq!(rt.meta_value().unwrap(), Value::from("batch-7"));

    // Each call sees the input that is current.
    rt.set_input_value(&Value::Int(5)).unwrap();
    assert_eq!(rt.compute("return _io.input").unwrap(), Value::Int(5));
    rt.compute("_io.input = 6").unwrap();
    assert_eq!(
        rt.compute("local a = _io.input; _io.input = 7; return a * 10 + _io.input")
            .unwrap(),
        Value::Int(67)
    );

    rt.clear_io().unwrap();
    assert_eq!(rt.output_value().unwrap(), Value::Nil);
    assert_eq!(rt.meta_value().unwrap(), Value::Nil);
    assert_eq!(rt.compute("return _io.input").unwrap(), Value::Nil);
    assert_eq!(rt.store().entry_count(IO_ID), 0);
}

#[test]
fn encoded_input_is_checked_and_stored_as_is() {
    let mut rt = runtime();
    let bytes = encode(&record(1, "x", 1.0)).unwrap();
    rt.set_input_encoded(&bytes).unwrap();
    assert_eq!(
        rt.compute("return _io.input.name").unwrap(),
        Value::from("x")
    );
    assert!(matches!(
        rt.set_input_encoded(&bytes[..bytes.len() - 1]),
        Err(Error::Format(_))
    ));
    rt.compute("_io.output = _io.input").unwrap();
    assert_eq!(rt.output_encoded().unwrap().unwrap(), bytes);
}

#[test]
fn host_created_tables_are_visible_to_lua() {
    let mut rt = runtime();
    let id = rt.create_table().unwrap();
    {
        let mut store = rt.store_mut();
        let key = luaxt_format::encode_key(&Value::from("shared")).unwrap();
        store
            .set(HOME_ID, &key, &encode(&Value::Ref(id)).unwrap())
            .unwrap();
    }
    rt.compute("_home.shared.x = 'from lua'").unwrap();
    let key = luaxt_format::encode_key(&Value::from("x")).unwrap();
    let stored = rt.store().get(id, &key).unwrap().unwrap();
    assert_eq!(
        luaxt_format::decode(&stored).unwrap(),
        Value::from("from lua")
    );
}

/// A store that fails on demand, to see failures surface in Lua.
struct FlakyStore {
    inner: MemoryStore,
    fail: Rc<Cell<bool>>,
}

impl FlakyStore {
    fn check(&self) -> StoreResult<()> {
        if self.fail.get() {
            return Err(StoreError::Backend("disk on fire".into()));
        }
        Ok(())
    }
}

impl Store for FlakyStore {
    fn create_table(&mut self) -> StoreResult<TableId> {
        self.check()?;
        self.inner.create_table()
    }
    fn contains_table(&self, id: TableId) -> bool {
        self.inner.contains_table(id)
    }
    fn get(&self, id: TableId, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        self.check()?;
        self.inner.get(id, key)
    }
    fn set(&mut self, id: TableId, key: &[u8], value: &[u8]) -> StoreResult<()> {
        self.check()?;
        self.inner.set(id, key, value)
    }
    fn delete(&mut self, id: TableId, key: &[u8]) -> StoreResult<()> {
        self.check()?;
        self.inner.delete(id, key)
    }
    fn len(&self, id: TableId) -> StoreResult<u64> {
        self.check()?;
        self.inner.len(id)
    }
    fn next(&self, id: TableId, after: Option<&[u8]>) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>> {
        self.check()?;
        self.inner.next(id, after)
    }
    fn table_ids(&self) -> StoreResult<Vec<TableId>> {
        self.inner.table_ids()
    }
    fn replace_all(&mut self, tables: Vec<TableData>) -> StoreResult<()> {
        self.check()?;
        self.inner.replace_all(tables)
    }
    fn set_quota(&mut self, limit: Option<u64>) -> StoreResult<()> {
        self.inner.set_quota(limit)
    }
}

#[test]
fn store_errors_surface_as_lua_errors() {
    let fail = Rc::new(Cell::new(false));
    let store = FlakyStore {
        inner: MemoryStore::new(),
        fail: Rc::clone(&fail),
    };
    let mut rt = Runtime::new(store, Limits::default()).unwrap();
    rt.compute("_home.a = 1").unwrap();
    fail.set(true);
    for code in [
        "_home.b = 2",
        "return _home.a",
        "return #_home",
        "for k in pairs(_home) do end",
        "ext.table()",
    ] {
        match rt.compute(code) {
            Err(Error::Lua { message, .. }) => {
                assert!(message.contains("disk on fire"), "{code}: {message}")
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    // Lua can catch them.
    assert_eq!(
        rt.compute("local ok, err = pcall(function() return _home.a end) return not ok and tostring(err):find('disk on fire') ~= nil")
            .unwrap(),
        Value::Bool(true)
    );
    // From the host API they are store errors.
    assert!(matches!(
        rt.output_value(),
        Err(Error::Store(StoreError::Backend(_)))
    ));
    fail.set(false);
    assert_eq!(rt.compute("return _home.a").unwrap(), Value::Int(1));
}

#[test]
fn corrupt_stored_bytes_are_a_lua_error_not_a_panic() {
    let mut rt = runtime();
    let key = luaxt_format::encode_key(&Value::from("bad")).unwrap();
    rt.store_mut().set(HOME_ID, &key, &[0x09, 1, 2]).unwrap();
    let err = rt.compute("return _home.bad").unwrap_err();
    assert!(
        err.lua_message().unwrap().contains("not valid LXT"),
        "{err:?}"
    );
    // Dangling references error on use, not on read.
    rt.compute("local r = _home.nothing").unwrap();
    let key = luaxt_format::encode_key(&Value::from("dangling")).unwrap();
    rt.store_mut()
        .set(HOME_ID, &key, &encode(&Value::Ref(999)).unwrap())
        .unwrap();
    let err = rt.compute("return _home.dangling.x").unwrap_err();
    assert!(
        err.lua_message()
            .unwrap()
            .contains("ext.table 999 does not exist"),
        "{err:?}"
    );
}

#[test]
fn string_and_bytes_keys_with_the_same_content_are_refused() {
    // Spec §9.5: the string key "a" and the bytes key "a" in one table.
    let doc = [
        0x06, 0, 0, 0, 0, 2, 0, 0, 0, 0x04, 1, 0, 0, 0, b'a', 0x02, 1, 0, 0, 0, 0, 0, 0, 0, 0x05,
        1, 0, 0, 0, b'a', 0x02, 2, 0, 0, 0, 0, 0, 0, 0,
    ];
    let mut rt = runtime();
    rt.set_input_encoded(&doc).unwrap();
    let err = rt.compute("return _io.input").unwrap_err();
    assert!(
        err.lua_message().unwrap().contains("duplicate_key"),
        "{err:?}"
    );
}

#[test]
fn into_store_gives_the_store_back_for_a_new_runtime() {
    let mut rt = runtime();
    rt.compute("_home.kept = { 1, 2, 3 } local t = ext.table() t.x = 'y' _home.t = t")
        .unwrap();
    let store = rt.into_store();
    assert!(store.entry_count(HOME_ID) == 2);
    let mut again = Runtime::new(store, Limits::default()).unwrap();
    assert_eq!(
        again
            .compute("return #_home.kept + #_home.t + (_home.t.x == 'y' and 10 or 0)")
            .unwrap(),
        Value::Int(13)
    );
}
