// _io.input as a view in the WebAssembly runtime (spec §9.7): a script
// reads through a view what it reads from a copy, on every conformance
// vector that is a table; a view is read-only, shared and copied when
// stored; chunks walk big inputs in bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntime, deserializeObject, serializeObject, LuaError } from '../src/index.js';
import { recordsOfSize, AGGREGATE_LUA, aggregateJs } from '../bench/records.mjs';

const rt = await createRuntime({ instructionLimit: -1 });

const WALK = `
local function copy(t)
  if type(t) ~= "table" or pcall(ext.id, t) then return t end
  local c = {}
  for k, v in pairs(t) do
    assert(t[k] == v or v ~= v, "indexing disagrees with pairs")
    c[k] = copy(v)
  end
  local n = 0
  for i in ipairs(t) do n = i end
  local seen, counted = 0, 0
  local k, v = next(t)
  while k ~= nil do
    assert(c[k] ~= nil or v ~= v, "next found a key pairs did not")
    seen = seen + 1
    k, v = next(t, k)
  end
  for _ in pairs(c) do counted = counted + 1 end
  assert(seen == counted, "next and pairs disagree")
  local chunked = 0
  for i in ext.chunks(t, 3) do chunked = i end
  local len = #t
  assert((len == 0 or t[len] ~= nil) and t[len + 1] == nil, "the length is not a border")
  return {content = c, ipairs = n, chunks = chunked}
end
return copy(_io.input)`;

function walked(value, mode) {
  rt.clearIo();
  rt.setInput(value, { mode });
  try {
    return { ok: serializeObject(rt.compute(WALK)) };
  } catch (e) {
    return { error: e.message };
  }
}

function* tableVectors() {
  const dir = new URL('../../../conformance/vectors/', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(join(dir.pathname, file), 'utf8'));
    for (const v of doc.vectors) {
      if (v.class === 'invalid' || v.limits || typeof v.hex !== 'string') continue;
      let value;
      try {
        value = deserializeObject(Uint8Array.from(Buffer.from(v.hex.replace(/\s+/g, ''), 'hex')));
      } catch {
        continue;
      }
      if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array) && value.constructor?.name !== 'TableRef') {
        yield [v.id, value];
      }
    }
  }
}

test('a view reads what a copy reads on every table vector', () => {
  let tables = 0;
  for (const [id, value] of tableVectors()) {
    tables++;
    const copy = walked(value, 'copy');
    const view = walked(value, 'view');
    if (copy.error !== undefined) {
      assert.ok(view.error !== undefined, `${id}: the copy fails (${copy.error}), the view does not`);
      continue;
    }
    assert.ok(view.ok !== undefined, `${id}: ${view.error}`);
    assert.deepEqual(Buffer.from(view.ok), Buffer.from(copy.ok), id);
  }
  assert.ok(tables > 300, `only ${tables} table vectors`);
});

test('views are read-only, shared, and copied when stored or returned', () => {
  rt.clearIo();
  const input = { rows: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }], meta: new Map([[1, 'x'], ['k', true]]) };
  rt.setInput(input, { mode: 'view' });
  const out = rt.compute(`
    local t = _io.input
    assert(t.rows[1] == t.rows[1] and getmetatable(t) == "input view")
    for i, write in ipairs({
      function() t.rows = 0 end,
      function() t.rows[1].name = "x" end,
      function() rawset(t, "x", 1) end,
      function() table.insert(t.rows, 1) end,
    }) do assert(not pcall(write), "write " .. i .. " went through") end
    _home.kept = t.rows[2]
    return {t.meta[1], t.meta.k, #t.rows, t.rows[2]}`);
  assert.deepEqual(out, ['x', true, 2, { id: 2, name: 'b' }]);
  rt.setInput(7);
  assert.equal(rt.compute('return _home.kept.name'), 'b');
  rt.compute('_home.kept = nil');
});

test('a view of a replaced input fails clearly; assigning _io.input replaces the view', () => {
  rt.clearIo();
  rt.setInput({ rows: [{ n: 1 }] }, { mode: 'view' });
  rt.compute('old = _io.input.rows');
  rt.setInput({ rows: [{ n: 2 }] }, { mode: 'view' });
  assert.throws(() => rt.compute('return old[1].n'), (e) => e instanceof LuaError && /stale/.test(e.message));
  assert.equal(rt.compute('return _io.input.rows[1].n'), 2);
  assert.deepEqual(rt.compute('_io.input = {5} return {_io.input[1], getmetatable(_io.input)}'), [5]);
  rt.compute('old = nil');
});

// The input lays a Map out (its entries sorted) when a script first reads
// it, and keeps the last 1024 laid out: reads that cycle through more
// Maps than that lay one out again each time, and the work is charged
// (takeWork, spec §11.7).
test('reads that make the input lay its tables out again are charged', async () => {
  const maps = (n) => Array.from({ length: n }, () => new Map(Array.from({ length: 1000 }, (_, i) => [i + 1, i])));
  const code = (n) => `
    local input = _io.input
    local subs = {}
    for i = 1, ${n} do subs[i] = input[i] end
    local s = 0
    for round = 1, 20 do
      for i = 1, ${n} do s = s + subs[i][2] end
    end
    return s`;
  const r = await createRuntime({ instructionLimit: 10_000_000 });
  r.setInput(maps(1100), { mode: 'view' });
  assert.throws(() => r.compute(code(1100)), (e) => e instanceof LuaError && e.limitKind === 'instructions');
  // Within the 1024 kept, each Map is laid out once: the same loop fits.
  r.setInput(maps(1000), { mode: 'view' });
  assert.equal(r.compute(code(1000)), 20 * 1000);
  r.close();
});

test('auto mode views inputs above 1 MiB and copies smaller ones', async () => {
  const r = await createRuntime();
  r.setInput(recordsOfSize(64 * 1024));
  assert.equal(r.compute('return getmetatable(_io.input)'), null);
  r.setInput(recordsOfSize(2 * 1024 * 1024));
  assert.equal(r.compute('return getmetatable(_io.input)'), 'input view');
  r.setInput(recordsOfSize(2 * 1024 * 1024), { mode: 'copy' });
  assert.equal(r.compute('return getmetatable(_io.input)'), null);
  r.close();
  await assert.rejects(createRuntime({ inputMode: 'lazy' }), TypeError);
});

test('a view or chunks aggregate what a copy aggregates, and errors in the input surface when read', () => {
  const input = recordsOfSize(512 * 1024);
  const expected = aggregateJs(input);
  for (const mode of ['view', 'copy']) {
    const { output } = rt.computeWithIo(AGGREGATE_LUA, input, { inputMode: mode });
    assert.equal(output.count, expected.count, mode);
    assert.equal(output.sum, expected.sum, mode);
  }
  const chunked = AGGREGATE_LUA.replace('for i = 1, #items do\n  local r = items[i]', 'for i, r in ext.chunks(items, 1000) do');
  const { output } = rt.computeWithIo(chunked, input, { inputMode: 'view' });
  assert.equal(output.count, expected.count);
  assert.equal(output.sum, expected.sum);
  // A value the codec cannot encode fails when Lua reaches it, not before.
  rt.setInput({ ok: 1, bad: () => 1 }, { mode: 'view' });
  assert.equal(rt.compute('return _io.input.ok'), 1);
  assert.throws(() => rt.compute('return _io.input.bad'), (e) => e instanceof LuaError && /unsupported type: function/.test(e.message));
  rt.clearIo();
});
