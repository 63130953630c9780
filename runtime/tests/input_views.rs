//! `_io.input` as a view (spec §9.7): what a script reads through a view
//! is what it reads from a copy, on every conformance vector that is a
//! table, and a view is read-only, lean and bounded.

use luaxt_conformance::Class;
use luaxt_format::{DecodeOptions, Table, Value};
use luaxt_runtime::{InputMode, Limits, MemoryStore, Runtime, TreeInput};

/// Walks `_io.input` every way a script can (pairs, ipairs, `#`, indexing
/// each key found, ext.chunks) and returns what it saw as plain tables.
const WALK: &str = r#"
local function copy(t, depth)
  if type(t) ~= "table" or ext.id(t) ~= nil then return t end
  local c = {}
  for k, v in pairs(t) do
    assert(t[k] == v or (v ~= v), "indexing disagrees with pairs")
    c[k] = copy(v, depth + 1)
  end
  local n = 0
  for i, v in ipairs(t) do n = i end
  -- next visits what pairs visits.
  local seen = 0
  local k, v = next(t)
  while k ~= nil do
    assert(c[k] ~= nil or v ~= v, "next found a key pairs did not")
    seen = seen + 1
    k, v = next(t, k)
  end
  local counted = 0
  for _ in pairs(c) do counted = counted + 1 end
  assert(seen == counted, "next and pairs disagree")
  local chunked = 0
  for i, v in ext.chunks(t, 3) do chunked = i end
  -- `#` is a border (any border, in Lua, for a table with holes: the
  -- view's is the array part's length, spec §4.1).
  local len = #t
  assert((len == 0 or t[len] ~= nil) and t[len + 1] == nil, "the length is not a border")
  return {content = c, ipairs = n, chunks = chunked}
end
return copy(_io.input, 0)
"#;

/// How the walk gets its input.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// `set_input_value` in this mode (a view is an `LxtInput`).
    Mode(InputMode),
    /// A `TreeInput` of the value.
    Tree,
}

fn walked(source: Source, value: &Value) -> Result<Value, luaxt_runtime::Error> {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    match source {
        Source::Mode(mode) => {
            rt.set_input_mode(mode);
            rt.set_input_value(value).unwrap();
        }
        Source::Tree => rt
            .set_input_source(std::rc::Rc::new(TreeInput::new(value.clone())))
            .unwrap(),
    }
    // ext.id is an error for anything but an external table.
    let walk = WALK.replace("ext.id(t) ~= nil", "pcall(ext.id, t)");
    rt.compute(&walk)
}

#[test]
fn a_view_reads_what_a_copy_reads_on_every_table_vector() {
    let mut tables = 0;
    for vector in luaxt_conformance::vectors() {
        if vector.class == Class::Invalid {
            continue;
        }
        let Some(bytes) = &vector.bytes else { continue };
        let Ok(value) = DecodeOptions::new().limits(vector.limits).decode(bytes) else {
            continue;
        };
        if value.as_table().is_none() || vector.limits != luaxt_format::Limits::default() {
            continue;
        }
        tables += 1;
        let copy = walked(Source::Mode(InputMode::Copy), &value);
        for source in [Source::Mode(InputMode::View), Source::Tree] {
            let view = walked(source, &value);
            match (&copy, view) {
                (Ok(copy), Ok(view)) => assert_eq!(&view, copy, "{} {source:?}", vector.id),
                // A table Lua cannot hold (a string and a bytes key with
                // the same content, spec §9.5) fails either way.
                (Err(_), Err(_)) => {}
                (copy, view) => panic!("{} {source:?}: copy {copy:?}, view {view:?}", vector.id),
            }
        }
    }
    assert!(tables > 300, "only {tables} table vectors");
}

fn records(n: i64) -> Value {
    let rows = (1..=n)
        .map(|i| {
            let mut row = Table::new();
            row.insert("id".into(), Value::Int(i)).unwrap();
            row.insert("name".into(), format!("name {i}").into())
                .unwrap();
            row.insert("score".into(), Value::Float(i as f64 / 2.0))
                .unwrap();
            Value::Table(row)
        })
        .collect();
    Value::Table(Table::from_array(rows))
}

#[test]
fn views_are_read_only_shared_and_copied_when_stored() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    rt.set_input_mode(InputMode::View);
    rt.set_input_value(&records(3)).unwrap();
    let code = r#"
        local t = _io.input
        assert(t[1] == t[1], "one view per table")
        assert(getmetatable(t) == "input view" and type(t) == "table")
        for i, write in ipairs({
          function() t[1] = 0 end,
          function() t[1].name = "x" end,
          function() table.insert(t, 1) end,
          function() rawset(t[1], "name", 1) end,
        }) do
          assert(not pcall(write), "write " .. i .. " went through")
        end
        assert(t[1].name == "name 1")
        _home.kept = t[2]           -- stores a copy
        _io.output = {first = t[1], n = #t}
        return t[3]
    "#;
    let out = rt.compute(code).unwrap();
    assert_eq!(out.to_string(), r#"{id = 3, name = "name 3", score = 1.5}"#);
    let output = rt.output_value().unwrap();
    assert_eq!(
        output.to_string(),
        r#"{n = 3, first = {id = 1, name = "name 1", score = 0.5}}"#
    );
    // The stored copy outlives the input.
    rt.set_input_value(&Value::Int(1)).unwrap();
    assert_eq!(
        rt.compute("return _home.kept.name").unwrap(),
        Value::from("name 2")
    );
}

#[test]
fn a_view_of_a_replaced_input_fails_clearly() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    rt.set_input_mode(InputMode::View);
    rt.set_input_value(&records(2)).unwrap();
    rt.compute("old = _io.input[1]").unwrap();
    rt.set_input_value(&records(5)).unwrap();
    let err = rt.compute("return old.name").unwrap_err();
    assert!(err.to_string().contains("stale"), "{err}");
    assert_eq!(rt.compute("return #_io.input").unwrap(), Value::Int(5));
    // Assigning _io.input from Lua replaces the view.
    let out = rt
        .compute("_io.input = {7} return {_io.input[1], getmetatable(_io.input)}")
        .unwrap();
    assert_eq!(out.to_string(), "{7}");
}

#[test]
fn pairs_over_io_shows_a_view_input() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    rt.set_input_mode(InputMode::View);
    rt.set_input_value(&records(1)).unwrap();
    rt.set_meta_value(&"m".into()).unwrap();
    let out = rt
        .compute("local keys = {} for k in pairs(_io) do keys[#keys + 1] = k end table.sort(keys) return keys")
        .unwrap();
    assert_eq!(out.to_string(), r#"{"input", "meta"}"#);
}

#[test]
fn auto_mode_views_big_inputs_and_copies_small_ones() {
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    assert_eq!(rt.input_mode(), InputMode::Auto);
    rt.set_input_value(&records(10)).unwrap();
    assert_eq!(
        rt.compute("return getmetatable(_io.input)").unwrap(),
        Value::Nil
    );
    rt.set_input_value(&records(40_000)).unwrap();
    assert_eq!(
        rt.compute("return getmetatable(_io.input)").unwrap(),
        Value::from("input view")
    );
}

#[test]
fn a_view_keeps_the_lua_heap_small() {
    // 200 000 records (about 8 MB as LXT): read one field, then sum one
    // field over all of them in chunks. The heap stays far below the input.
    let input = records(200_000);
    let encoded = luaxt_format::encode(&input).unwrap().len();
    let mut rt = Runtime::new(MemoryStore::new(), Limits::default()).unwrap();
    rt.set_input_mode(InputMode::View);
    rt.set_input_value(&input).unwrap();
    let before = rt.used_memory();
    assert_eq!(
        rt.compute("return _io.input[123456].name").unwrap(),
        Value::from("name 123456")
    );
    let sum = rt
        .compute("local s = 0 for _, r in ext.chunks(_io.input, 1024) do s = s + r.id end return s")
        .unwrap();
    assert_eq!(sum, Value::Int(200_000 * 200_001 / 2));
    let grown = rt.used_memory().saturating_sub(before);
    assert!(
        grown < encoded / 8,
        "the heap grew by {grown} bytes for {encoded} bytes of input"
    );
}
