//! Arbitrary sequences of operations on a Lua external table (through
//! luaxt-runtime: Lua code on `_home.t`, with keys and values passed in
//! `_io.input`) and on a plain model, a BTreeMap keyed by encoded key
//! (spec §3.3). After every operation the results agree: get, set, delete
//! (assigning nil), `#t` (the border), `pairs` (every entry once), and a
//! save and load in the middle (snapshot, then restore into a fresh
//! runtime) loses and changes nothing.
//!
//! Values follow the Lua mapping of spec §9 before they go in: bytes that
//! are valid UTF-8 are Lua strings and come back as 0x04 strings, so the
//! generator maps them first; references are left out except the table's
//! reference to itself.
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use luaxt_format::{Table, Value, encode_key};
use luaxt_runtime::{Limits, MemoryStore, Runtime};

/// A key as Lua code might spell it (floats that normalise, -0.0, NaN and
/// nil, which Lua refuses to assign with).
#[derive(Arbitrary, Debug, Clone)]
enum Key {
    Index(u8),
    Int(i64),
    IntegralFloat(i8),
    NegativeZero,
    Float(f64),
    Nan,
    Nil,
    Bool(bool),
    Str(String),
    Bytes(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Op {
    Set(Key, Value),
    SetSelf(Key),
    Get(Key),
    Delete(Key),
    Length,
    Iterate,
    SaveLoad,
}

impl Key {
    fn value(&self) -> Value {
        match self {
            Key::Index(i) => Value::Int(i64::from(i % 8)),
            Key::Int(i) => Value::Int(*i),
            Key::IntegralFloat(i) => Value::Float(f64::from(i % 8)),
            Key::NegativeZero => Value::Float(-0.0),
            Key::Float(f) => Value::Float(*f),
            Key::Nan => Value::Float(f64::NAN),
            Key::Nil => Value::Nil,
            Key::Bool(b) => Value::Bool(*b),
            Key::Str(s) => Value::Str(s.clone()),
            Key::Bytes(b) => lua_mapped(&Value::Bytes(b.clone())),
        }
    }
}

/// `value` as it is after a trip through Lua (§9): UTF-8 bytes become
/// strings; references (to tables that do not exist) become integers.
fn lua_mapped(value: &Value) -> Value {
    match value {
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(s) => Value::Str(s.to_owned()),
            Err(_) => Value::Bytes(b.clone()),
        },
        Value::Ref(id) => Value::Int(i64::from(*id)),
        Value::Table(t) => {
            let mut table = Table::new();
            for (k, v) in t
                .array()
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Int(i as i64 + 1), v))
            {
                table.insert(k, lua_mapped(v)).unwrap();
            }
            for (k, v) in t.hash() {
                table.insert(lua_mapped(k), lua_mapped(v)).unwrap();
            }
            Value::Table(table)
        }
        other => other.clone(),
    }
}

/// Runs `code` with `_io.input = {a, b}` (a nil leaves a hole).
fn run(
    rt: &mut Runtime<MemoryStore>,
    code: &str,
    a: Value,
    b: Value,
) -> luaxt_runtime::Result<Value> {
    rt.set_input_value(&Value::Table(Table::from_array(vec![a, b])))?;
    rt.compute(code)
}

const SET: &str = "local i = _io.input; _home.t[i[1]] = i[2]";
const SET_SELF: &str = "local i = _io.input; _home.t[i[1]] = _home.t";
const GET: &str = "return _home.t[_io.input[1]]";
const LENGTH: &str = "return #_home.t";
const ITERATE: &str = "local out = {}
for k, v in pairs(_home.t) do out[#out + 1] = {k, v} end
return out";

type Model = BTreeMap<Vec<u8>, (Value, Value)>;

/// `t[k] = value` on both; assigning nil deletes.
fn set(rt: &mut Runtime<MemoryStore>, model: &mut Model, k: Value, value: Value) {
    let result = run(rt, SET, k.clone(), value.clone());
    match encode_key(&k) {
        Ok(encoded) => {
            result.unwrap_or_else(|e| panic!("set {k:?} = {value:?}: {e}"));
            if value.is_nil() {
                model.remove(&encoded);
            } else {
                model.insert(encoded, (k, value));
            }
        }
        // nil and NaN keys: Lua refuses, nothing changes.
        Err(_) => assert!(result.is_err(), "set with key {k:?} accepted"),
    }
}

fn runtime() -> Runtime<MemoryStore> {
    Runtime::new(MemoryStore::new(), Limits::default()).expect("a runtime starts")
}

thread_local! {
    /// One runtime reused across inputs (starting Lua for every input would
    /// dominate the time), and the snapshot of its empty store.
    static RUNTIME: std::cell::RefCell<(Runtime<MemoryStore>, Vec<u8>)> = {
        let rt = runtime();
        let empty = rt.snapshot().expect("snapshot");
        std::cell::RefCell::new((rt, empty))
    };
}

fuzz_target!(|ops: Vec<Op>| {
    RUNTIME.with_borrow_mut(|(rt, empty)| {
        // Start from an empty store: no table of an earlier input is left.
        rt.restore(empty).expect("restore of the empty snapshot");
        check(rt, &ops);
    });
});

fn check(rt: &mut Runtime<MemoryStore>, ops: &[Op]) {
    let id = rt
        .compute("_home.t = ext.table(); return ext.id(_home.t)")
        .unwrap()
        .as_i64()
        .expect("ext.id is an integer");
    let this = Value::Ref(u32::try_from(id).unwrap());
    let mut model = Model::new();

    for op in ops.iter().take(64) {
        match op {
            Op::Set(key, value) => set(rt, &mut model, key.value(), lua_mapped(value)),
            Op::Delete(key) => set(rt, &mut model, key.value(), Value::Nil),
            Op::SetSelf(key) => {
                let k = key.value();
                let result = run(rt, SET_SELF, k.clone(), Value::Nil);
                match encode_key(&k) {
                    Ok(encoded) => {
                        result.unwrap_or_else(|e| panic!("set {k:?} = self: {e}"));
                        model.insert(encoded, (k, this.clone()));
                    }
                    Err(_) => assert!(result.is_err(), "set with key {k:?} accepted"),
                }
            }
            Op::Get(key) => {
                let k = key.value();
                let got = run(rt, GET, k.clone(), Value::Nil)
                    .unwrap_or_else(|e| panic!("get {k:?}: {e}"));
                let expected = encode_key(&k)
                    .ok()
                    .and_then(|e| model.get(&e))
                    .map_or(Value::Nil, |(_, v)| v.clone());
                assert_eq!(got, expected, "get {k:?}");
            }
            Op::Length => {
                let got = rt.compute(LENGTH).unwrap();
                let border = (1..)
                    .take_while(|&i| model.contains_key(&encode_key(&Value::Int(i)).unwrap()))
                    .count();
                assert_eq!(got, Value::Int(border as i64), "#t");
            }
            Op::Iterate => {
                let got = rt.compute(ITERATE).unwrap();
                let table = got.as_table().expect("pairs result is a table");
                assert!(table.hash().is_empty());
                let mut seen: Vec<(Vec<u8>, Value)> = table
                    .array()
                    .iter()
                    .map(|pair| {
                        let pair = pair.as_table().expect("a {k, v} pair").array();
                        (
                            encode_key(&pair[0]).expect("pairs yields valid keys"),
                            pair[1].clone(),
                        )
                    })
                    .collect();
                seen.sort_by(|a, b| a.0.cmp(&b.0));
                let expected: Vec<(Vec<u8>, Value)> = model
                    .iter()
                    .map(|(k, (_, v))| (k.clone(), v.clone()))
                    .collect();
                assert_eq!(seen, expected, "pairs");
            }
            Op::SaveLoad => {
                let snapshot = rt.snapshot().expect("snapshot");
                let mut fresh = runtime();
                fresh
                    .restore(&snapshot)
                    .expect("restore of a fresh snapshot");
                *rt = fresh;
            }
        }
    }
}
