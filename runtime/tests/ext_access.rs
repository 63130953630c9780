//! External-table access from Lua: every kind of key and value, the bytes
//! that reach the store, and what Lua reads from bytes a host stored. The
//! common cases run in raw C metamethods (`src/lua/raw_ext.rs`), the rest
//! in the safe ones; both must answer as spec §9 and §11 say.

use luaxt_format::{DecodeOptions, Table, Value, encode, encode_key};
use luaxt_runtime::{Error, HOME_ID, Limits, MemoryStore, Runtime, Store};

fn runtime() -> Runtime<MemoryStore> {
    Runtime::new(MemoryStore::new(), Limits::default()).expect("runtime")
}

/// Lua expressions of keys and the key each stands for (spec §3).
fn keys() -> Vec<(&'static str, Value)> {
    vec![
        ("1", Value::Int(1)),
        ("-7", Value::Int(-7)),
        ("math.maxinteger", Value::Int(i64::MAX)),
        ("2.0", Value::Int(2)),
        ("-0.0", Value::Int(0)),
        ("2^63", Value::Float(2f64.powi(63))),
        ("1.5", Value::Float(1.5)),
        ("-math.huge", Value::Float(f64::NEG_INFINITY)),
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("''", Value::from("")),
        ("'name'", Value::from("name")),
        ("'é'", Value::from("é")),
        ("'\\xff'", Value::Bytes(vec![0xff])),
        ("string.rep('k', 59)", Value::from("k".repeat(59))),
        ("string.rep('k', 60)", Value::from("k".repeat(60))),
    ]
}

/// Lua expressions of values and the value each stands for (spec §9).
fn values() -> Vec<(&'static str, Value)> {
    let mut table = Table::from_array(vec![Value::Int(1)]);
    table.insert("x".into(), "y".into()).unwrap();
    vec![
        ("0", Value::Int(0)),
        ("math.mininteger", Value::Int(i64::MIN)),
        ("3.0", Value::Float(3.0)),
        ("-0.0", Value::Float(-0.0)),
        ("0/0", Value::Float(f64::NAN)),
        ("1/0", Value::Float(f64::INFINITY)),
        ("true", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("''", Value::from("")),
        ("'é'", Value::from("é")),
        ("'\\0\\xff'", Value::Bytes(vec![0, 0xff])),
        ("string.rep('v', 5000)", Value::from("v".repeat(5000))),
        ("{1, x = 'y'}", Value::Table(table)),
    ]
}

#[test]
fn writes_store_the_canonical_bytes() {
    let mut rt = runtime();
    for (key_lua, key) in keys() {
        for (value_lua, value) in values() {
            rt.compute(&format!("_home[{key_lua}] = {value_lua}"))
                .unwrap();
            let stored = rt.store().get(HOME_ID, &encode_key(&key).unwrap()).unwrap();
            assert_eq!(
                stored,
                Some(encode(&value).unwrap()),
                "_home[{key_lua}] = {value_lua}"
            );
        }
        rt.compute(&format!("_home[{key_lua}] = nil")).unwrap();
        let stored = rt.store().get(HOME_ID, &encode_key(&key).unwrap()).unwrap();
        assert_eq!(stored, None, "_home[{key_lua}] = nil");
    }
}

/// Whether two values are the same, floats by their bits (-0.0, NaN).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

#[test]
fn reads_give_what_the_host_stored() {
    let mut rt = runtime();
    for (key_lua, key) in keys() {
        for (value_lua, value) in values() {
            let key_bytes = encode_key(&key).unwrap();
            rt.store_mut()
                .set(HOME_ID, &key_bytes, &encode(&value).unwrap())
                .unwrap();
            let read = rt.compute(&format!("return _home[{key_lua}]")).unwrap();
            // A bytes value reads as a Lua string, which comes back as the
            // string it is when its content is UTF-8 (spec §9).
            assert!(
                same(&read, &value),
                "_home[{key_lua}] = {value_lua}: {read:?}"
            );
        }
    }
}

#[test]
fn stored_bytes_that_are_not_lxt_are_refused_as_the_decoder_refuses_them() {
    let mut rt = runtime();
    let key = encode_key(&Value::from("v")).unwrap();
    let cases: &[&[u8]] = &[
        &[0x01, 0x02],
        &[0x01],
        &[0x02, 1, 2, 3],
        &[0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        &[0x03, 1, 0, 0, 0, 0, 0, 0xf8, 0x7f],
        &[0x03, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f],
        &[0x04, 2, 0, 0, 0, b'a'],
        &[0x04, 1, 0, 0, 0, b'a', b'b'],
        &[0x04, 1, 0, 0, 0, 0xff],
        &[0x05, 1, 0, 0, 0, 0xff],
        &[0x04, 0xff, 0xff, 0xff, 0x7f],
        &[0x00],
        &[0x07, 1, 0, 0, 0],
        &[0x09],
        &[],
    ];
    for bytes in cases {
        rt.store_mut().set(HOME_ID, &key, bytes).unwrap();
        let read = rt.compute("return _home.v");
        let decoded = DecodeOptions::new().decode(bytes);
        match (&read, &decoded) {
            (Ok(read), Ok(value)) => assert!(same(read, value), "{bytes:02x?}: {read:?}"),
            (Err(Error::Lua { message, .. }), Err(_)) => {
                assert!(message.contains("not valid LXT"), "{bytes:02x?}: {message}")
            }
            _ => panic!("{bytes:02x?}: Lua read {read:?}, decoder {decoded:?}"),
        }
    }
}

#[test]
fn every_kind_of_key_and_value_round_trips() {
    let mut rt = runtime();
    let failures = rt.compute(include_str!("lua/ext_roundtrip.lua")).unwrap();
    assert_eq!(failures, Value::Table(Table::new()), "{failures:?}");
}

#[test]
fn a_value_over_the_memory_limit_is_a_memory_error_either_way() {
    let mut rt = runtime();
    rt.compute("_home.s = string.rep('x', 8 << 20) _home.t = { _home.s }")
        .unwrap();
    let limits = Limits::default().with_memory(Some(4 << 20));
    rt.set_limits(limits).unwrap();
    // A string is pushed by the raw metamethod, a table built by the safe one.
    for code in ["return #_home.s", "return #_home.t[1]"] {
        let err = rt.compute(code).unwrap_err();
        assert!(matches!(err, Error::Memory(_)), "{code}: {err:?}");
    }
    assert_eq!(rt.compute("return _home.n").unwrap(), Value::Nil);
}

/// The runtime's format limits, not the defaults, bound what a script
/// writes: on both the raw path (a string) and the safe one (a table),
/// and in both directions (smaller and larger than the default 256 MiB
/// are the same code; the small side is what a test can afford).
#[test]
fn writes_follow_the_runtimes_max_size() {
    let limits = Limits::default().with_format(luaxt_format::Limits::DEFAULT.with_max_size(1024));
    let mut rt = Runtime::new(MemoryStore::new(), limits).expect("runtime");
    for (what, write) in [
        ("a string", "_home.s = string.rep('x', 2000)"),
        (
            "a table",
            "_home.t = { string.rep('x', 600), string.rep('y', 600) }",
        ),
    ] {
        let err = rt.compute(write).unwrap_err();
        assert!(err.to_string().contains("length overflow"), "{what}: {err}");
    }
    assert_eq!(rt.compute("return next(_home)").unwrap(), Value::Nil);
    // Under the limit, both paths store.
    rt.compute("_home.s = string.rep('x', 1000) _home.t = { 'a', 'b' }")
        .unwrap();
    assert_eq!(
        rt.compute("return #_home.s + #_home.t").unwrap(),
        Value::Int(1002)
    );
}
