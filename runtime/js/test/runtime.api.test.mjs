// The package API, the earlier system's test programs, the areas of its
// IoWrapper suite that failed before, errors, limits, traps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, LuaError, RuntimeTrappedError, MapStore, TableRef, serializeObject } from '../src/index.js';
import { encodeKey } from 'luaxt-format';
import { IO_ID } from '../src/store.js';

const rt = await createRuntime();
const tmp = mkdtempSync(join(tmpdir(), 'luaxt-test-'));

test('compute returns the decoded first return value', () => {
  assert.equal(rt.compute('return 1 + 1'), 2);
  assert.equal(rt.compute('return "x" .. 1'), 'x1');
  assert.equal(rt.compute('return nil'), null);
  assert.equal(rt.compute('local a = 1'), null);
  assert.deepEqual(rt.compute('return {1, 2, {a = true}}'), [1, 2, { a: true }]);
});

test('setInput/getOutput/setMetadata/getMetadata/clearIo', () => {
  rt.clearIo();
  rt.setInput({ xs: [1, 2, 3], name: 'n' });
  rt.setMetadata({ requestId: 'r1' });
  rt.compute('_io.output = { total = _io.input.xs[1] + _io.input.xs[3], id = _io.meta.requestId }');
  assert.deepEqual(rt.getOutput(), { total: 4, id: 'r1' });
  assert.deepEqual(rt.getMetadata(), { requestId: 'r1' });
  rt.clearIo();
  assert.equal(rt.getOutput(), null);
  assert.equal(rt.compute('return _io.input'), null);
});

test('_io goes straight to the store, and Lua validates what it reads there', () => {
  rt.clearIo();
  const inputKey = encodeKey('input');
  rt.setInput([1, 2]);
  assert.deepEqual([...rt.store.readEntry(IO_ID, inputKey)], [...serializeObject([1, 2])]);
  rt.setInput(null);
  assert.equal(rt.store.readEntry(IO_ID, inputKey), undefined, 'nil deletes the entry');
  // A host that writes bytes that are not LXT: Lua's read is refused.
  rt.store.writeEntry(IO_ID, inputKey, new Uint8Array([0x04, 0xff, 0xff, 0xff, 0x7f]));
  assert.throws(() => rt.compute('return _io.input'), (e) => e instanceof LuaError && /not valid LXT: length overflow/.test(e.message));
  rt.store.writeEntry(IO_ID, inputKey, new Uint8Array([0x01, 0x02]));
  assert.throws(() => rt.compute('return _io.input'), (e) => e instanceof LuaError && /not valid LXT: invalid bool/i.test(e.message));
  rt.clearIo();
  assert.equal(rt.compute('return _io.input'), null);
});

test('a store without host-side access gets _io through the runtime', async () => {
  const abiOnly = () => Object.assign(new MapStore(), { readEntry: undefined, writeEntry: undefined });
  const r = await createRuntime({ store: abiOnly });
  const out = r.computeWithIo('_io.output = { sum = _io.input[1] + _io.input[2], m = _io.meta.m }', [2, 3], { metadata: { m: 'x' } });
  assert.deepEqual(out, { returnValue: null, output: { sum: 5, m: 'x' }, metadata: { m: 'x' } });
  r.setInput(null);
  assert.equal(r.compute('return _io.input'), null);
  r.close();
});

test('computeWithIo returns returnValue, output and metadata', () => {
  const r = rt.computeWithIo('_io.output = { n = #_io.input } return "done"', [5, 6, 7], { metadata: { m: 1 } });
  assert.deepEqual(r, { returnValue: 'done', output: { n: 3 }, metadata: { m: 1 } });
});

test('processStream runs batches and reports progress', async () => {
  const items = Array.from({ length: 1050 }, (_, i) => i + 1);
  const progress = [];
  const outputs = await rt.processStream(
    'local s = 0 for _, v in ipairs(_io.input.batch) do s = s + v end _io.output = { sum = s, index = _io.input.batchIndex }',
    items,
    { onProgress: (p) => progress.push(p.processed) },
  );
  assert.equal(outputs.length, 11);
  assert.deepEqual(outputs[0], { sum: 5050, index: 0 });
  assert.equal(outputs.reduce((a, o) => a + o.sum, 0), (1050 * 1051) / 2);
  assert.deepEqual(progress.at(-1), 1050);
  const small = await rt.processStream('_io.output = #_io.input.batch', [1, 2, 3, 4, 5], { batchSize: 2 });
  assert.deepEqual(small, [2, 2, 1]);
});

test('request calls a global Lua function by name', () => {
  rt.compute(`
    counter = 0
    function add(p) counter = counter + 1 return { sum = p.a + p.b, calls = counter } end
    service = { echo = function(p) return p end }
  `);
  assert.deepEqual(rt.request('add', { a: 2, b: 3 }), { sum: 5, calls: 1 });
  assert.deepEqual(rt.request('add', { a: 1, b: 1 }), { sum: 2, calls: 2 });
  assert.deepEqual(rt.request('service.echo', [1, 'x']), [1, 'x']);
  assert.throws(() => rt.request('missing', {}), (e) => e instanceof LuaError && /unknown method: missing/.test(e.luaMessage));
});

test('print goes to printed() and onPrint', async () => {
  const seen = [];
  const r = await createRuntime({ onPrint: (t) => seen.push(t) });
  r.compute('print("hello", 42) print("x")');
  assert.equal(r.printed(), 'hello\t42\nx\n');
  assert.deepEqual(seen, ['hello\t42\nx\n']);
  r.compute('return 1');
  assert.equal(r.printed(), '');
  r.close();
});

// --- The earlier system's test programs -----------------------------------

test('earlier test 1: basic serialization', () => {
  const r = rt.compute(`
    local t = ext.table()
    t["name"] = "Lua" t["version"] = 5.4 t["enabled"] = true t["config"] = nil
    return { name = t["name"], version = t["version"], enabled = t["enabled"],
             configNil = t["config"] == nil, versionType = math.type(t["version"]) }`);
  assert.deepEqual(r, { name: 'Lua', version: 5.4, enabled: true, configNil: true, versionType: 'float' });
});

test('earlier test 2: numeric keys 1..100, #t == 100', () => {
  const r = rt.compute(`
    local t = ext.table()
    for i = 1, 100 do t[i] = "Item " .. i end
    return { t[1], t[50], t[100], #t }`);
  assert.deepEqual(r, ['Item 1', 'Item 50', 'Item 100', 100]);
});

test('earlier test 3: mixed types with asserts', () => {
  assert.equal(rt.compute(`
    local t = ext.table()
    t["str"] = "hello" t["int"] = 42 t["float"] = 3.14 t["bool"] = true t["nil"] = nil
    assert(t["str"] == "hello") assert(t["int"] == 42) assert(math.type(t["int"]) == "integer")
    assert(t["float"] == 3.14) assert(math.type(t["float"]) == "float")
    assert(t["bool"] == true) assert(t["nil"] == nil)
    return "ok"`), 'ok');
});

test('earlier test 4: persistence across save and load (file, atomic)', async () => {
  const statePath = join(tmp, 'state.lxts');
  const a = await createRuntime({ statePath });
  a.compute('_home.data = "persistent" _home.list = ext.table() _home.list[1] = { x = 1 }');
  const bytes = await a.saveState();
  assert.ok(bytes.length > 0);
  assert.deepEqual(new Uint8Array(readFileSync(statePath)), bytes);
  assert.deepEqual(readdirSync(tmp).filter((f) => f.endsWith('.tmp')), []);
  a.compute('_home.data = "changed"');
  assert.equal(await a.loadState(), true);
  assert.equal(a.compute('return _home.data'), 'persistent');
  a.close();
  // A new runtime ("page reload") loads the file.
  const b = await createRuntime({ statePath });
  assert.equal(b.compute('return _home.data'), null);
  assert.equal(await b.loadState(), true);
  assert.deepEqual(b.compute('return { _home.data, _home.list[1].x }'), ['persistent', 1]);
  b.close();
  const c = await createRuntime({ statePath: join(tmp, 'none.lxts') });
  assert.equal(await c.loadState(), false);
  // A bad snapshot is refused and changes nothing.
  c.compute('_home.k = 1');
  await assert.rejects(c.loadState(new Uint8Array([1, 2, 3])), (e) => e instanceof LuaError && e.kind === 'snapshot');
  assert.equal(c.compute('return _home.k'), 1);
  c.close();
});

for (const n of [1000, 100000]) {
  test(`earlier test 5: ${n} items in an external table`, () => {
    const r = rt.compute(`
      local t = ext.table()
      for i = 1, ${n} do t[i] = "Item " .. tostring(i) end
      local count = 0 for k, v in pairs(t) do count = count + 1 end
      return { #t, t[1], t[${n}], count }`);
    assert.deepEqual(r, [n, 'Item 1', `Item ${n}`, n]);
  });
}

// --- The IoWrapper areas that failed before --------------------------------

test('numbers: 3.14 stays a float, integers vs floats', () => {
  const r = rt.computeWithIo(
    'local x = _io.input return { math.type(x.f), math.type(x.i), x.f, x.i, 2.0, 7 // 2, 7 / 2 }',
    { f: 3.14, i: 3 },
  ).returnValue;
  assert.deepEqual(r, ['float', 'integer', 3.14, 3, 2, 3, 3.5]);
  assert.equal(rt.compute('return math.type(2.0)'), 'float');
});

test('numbers: large integers as BigInt, -0', () => {
  assert.equal(rt.compute('return math.maxinteger'), 9223372036854775807n);
  assert.equal(rt.compute('return math.mininteger'), -9223372036854775808n);
  assert.equal(rt.compute('return 2^53 // 1 | 0'), 9007199254740992n);
  assert.equal(rt.compute('return 9007199254740991'), 9007199254740991);
  const r = rt.computeWithIo('local b = _io.input.b return { math.type(b), b == (1 << 62), b + 1 }', { b: 2n ** 62n }).returnValue;
  assert.deepEqual(r, ['integer', true, 2n ** 62n + 1n]);
  assert.ok(Object.is(rt.compute('return -0.0'), -0));
  assert.equal(rt.computeWithIo('return 1 / _io.input', -0).returnValue, -Infinity);
});

test('arrays: in and out, holes, empty', () => {
  const r = rt.computeWithIo('local a = _io.input local s = 0 for i, v in ipairs(a) do s = s + v end return { #a, s, a[1], a[#a] }', [10, 20, 30]).returnValue;
  assert.deepEqual(r, [3, 60, 10, 30]);
  assert.deepEqual(rt.compute('return {10, 20, 30}'), [10, 20, 30]);
  assert.deepEqual(rt.compute('return {}'), []);
  assert.deepEqual(rt.compute('return {{1, 2}, {3, {4}}}'), [[1, 2], [3, [4]]]);
  const sparse = rt.compute('return {[2] = "b"}');
  assert.ok(sparse instanceof Map);
  assert.equal(sparse.get(2), 'b');
  assert.deepEqual(rt.computeWithIo('_io.output = _io.input', ['a', 'b']).output, ['a', 'b']);
});

test('nested objects round-trip', () => {
  const input = { user: { name: 'Ada', tags: ['x', 'y'], address: { city: 'Paris', geo: { lat: 48.85, lon: 2.35 } } }, ok: false };
  const r = rt.computeWithIo('_io.output = _io.input return _io.input.user.address.geo.lat', input);
  assert.equal(r.returnValue, 48.85);
  assert.deepEqual(r.output, input);
});

test('keys "1" and 1 stay distinct', () => {
  const fromLua = rt.compute('return { [1] = "int", ["1"] = "str" }');
  assert.ok(fromLua instanceof Map);
  assert.equal(fromLua.get(1), 'int');
  assert.equal(fromLua.get('1'), 'str');
  const r = rt.computeWithIo('local t = _io.input return { t[1], t["1"] }', new Map([[1, 'int'], ['1', 'str']])).returnValue;
  assert.deepEqual(r, ['int', 'str']);
  assert.deepEqual(rt.compute('local t = ext.table() t[1] = "a" t["1"] = "b" t[1.0] = "c" return { t[1], t["1"] }'), ['c', 'b']);
  assert.deepEqual(rt.computeWithIo('return _io.input["1"]', { 1: 'objkey' }).returnValue, 'objkey');
});

test('external tables cross as TableRef', () => {
  const ref = rt.compute('_home.t = ext.table() return _home.t');
  assert.ok(ref instanceof TableRef);
  assert.ok(ref.id > 2);
});

// --- Errors and limits ----------------------------------------------------

test('Lua errors arrive as LuaError with message and traceback', () => {
  assert.throws(() => rt.compute('error("boom")'), (e) => {
    assert.ok(e instanceof LuaError);
    assert.equal(e.name, 'LuaError');
    assert.equal(e.kind, 'lua');
    assert.match(e.luaMessage, /boom/);
    assert.equal(typeof e.traceback, 'string');
    return true;
  });
  assert.throws(() => rt.compute('local x = nil; return x.y'), (e) => e instanceof LuaError && /attempt to index/.test(e.luaMessage));
  assert.throws(() => rt.compute('return +'), (e) => e instanceof LuaError && e.kind === 'lua');
  assert.throws(() => rt.compute('os.exit(1)'), (e) => e instanceof LuaError);
  assert.equal(rt.compute('return "still usable"'), 'still usable');
});

test('memory limit', async () => {
  const r = await createRuntime({ memoryLimit: 16 * 1024 * 1024 });
  assert.throws(() => r.compute('local t = {} for i = 1, 1e8 do t[i] = string.rep("x", 100) .. i end'), (e) => e instanceof LuaError && e.kind === 'memory');
  assert.equal(r.compute('return 1'), 1);
  assert.ok(r.usedMemory() < 16 * 1024 * 1024);
  r.close();
});

test('instruction limit', async () => {
  const r = await createRuntime({ instructionLimit: 1e6 });
  assert.throws(() => r.compute('while true do end'), (e) => e instanceof LuaError && e.kind === 'limit');
  assert.equal(r.compute('local s = 0 for i = 1, 1000 do s = s + i end return s'), 500500);
  r.close();
});

// The deadline uses the host's clock (performance.now through web-time).
test('time limit', async () => {
  const t = await createRuntime({ instructionLimit: -1, timeLimitMs: 200 });
  const start = Date.now();
  assert.throws(() => t.compute('while true do end'), (e) => e instanceof LuaError && e.kind === 'limit');
  assert.ok(Date.now() - start < 5000);
  assert.equal(t.compute('return 2'), 2);
  t.close();
});

test('a store method that throws is a store error, and the instance stays usable', async () => {
  const flag = { explode: false };
  class FlakyStore extends MapStore {
    set(...args) {
      if (flag.explode) throw new Error('quota exceeded');
      return super.set(...args);
    }
  }
  const r = await createRuntime({ store: () => new FlakyStore() });
  r.compute('_home.n = 1');
  flag.explode = true;
  assert.throws(
    () => r.compute('_home.n = 2'),
    (e) => e instanceof LuaError && /store failure: store\.set threw: quota exceeded/.test(e.luaMessage),
  );
  const [ok, err] = r.compute('local ok, err = pcall(function() _home.n = 3 end) return { ok, tostring(err) }');
  assert.equal(ok, false);
  assert.match(err, /^store failure: store\.set threw: quota exceeded/);
  assert.equal(r.trapped, false);
  flag.explode = false;
  assert.equal(r.compute('_home.n = 4 return _home.n'), 4);
  r.close();
});

test('a trap is reported and recreate() restores the last saved state', async () => {
  const statePath = join(tmp, 'trap.lxts');
  const r = await createRuntime({ statePath });
  r.compute('_home.saved = "yes" _home.n = 1');
  await r.saveState();
  r.compute('_home.n = 2');
  // Wreck the instance's memory: the next call traps (a WebAssembly.RuntimeError).
  new Uint8Array(r.wasmMemory.buffer).fill(0);
  assert.throws(() => r.compute('return _home.n'), (e) => e instanceof RuntimeTrappedError && e.cause instanceof WebAssembly.RuntimeError);
  assert.equal(r.trapped, true);
  assert.throws(() => r.compute('return 1'), RuntimeTrappedError);
  await assert.rejects(r.saveState(), RuntimeTrappedError);
  assert.deepEqual(await r.recreate(), { restored: true });
  assert.equal(r.trapped, false);
  assert.deepEqual(r.compute('return { _home.saved, _home.n }'), ['yes', 1]);
  r.close();
});

test('a closed runtime refuses calls', async () => {
  const r = await createRuntime();
  assert.equal(r.compute('return 1'), 1);
  r.close();
  assert.throws(() => r.compute('return 1'), /closed/);
});

test('runtimes are independent instances', async () => {
  const a = await createRuntime();
  const b = await createRuntime();
  a.compute('_home.who = "a" x = 1');
  b.compute('_home.who = "b"');
  assert.deepEqual([a.compute('return { _home.who, x }'), b.compute('return { _home.who, x }')], [['a', 1], ['b']]);
  assert.notEqual(a.wasmMemory, b.wasmMemory);
  a.close();
  b.close();
});

test('every kind of key and value round-trips through an external table (the native test\'s script)', async () => {
  const { readFileSync } = await import('node:fs');
  const script = readFileSync(new URL('../../tests/lua/ext_roundtrip.lua', import.meta.url), 'utf8');
  const r = await createRuntime();
  assert.deepEqual(r.compute(script), []);
  r.close();
});

test('inspectLxt: the dump of luaxt inspect, from the format crate in WebAssembly', async () => {
  const { inspectLxt } = await import('../src/index.js');
  const valid = await inspectLxt(new Uint8Array([0x02, 7, 0, 0, 0, 0, 0, 0, 0]));
  assert.match(valid, /^  offset tag\n +0 02  integer 7\nok: 9 bytes, canonical\n$/);
  // A float key 1.0 where the integer 1 belongs: valid, noncanonical; strict refuses.
  const bytes = new Uint8Array([0x06, 0, 0, 0, 0, 1, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x01, 0x01]);
  assert.match(await inspectLxt(bytes), /noncanonical: float key 1\.0 is the integer 1/);
  assert.match(await inspectLxt(bytes), /ok: 20 bytes, valid but noncanonical/);
  assert.match(await inspectLxt(bytes, { strict: true }), /error: noncanonical at offset 9/);
  const bad = await inspectLxt(new Uint8Array([0x09]));
  assert.match(bad, /error: unknown_tag at offset 0/);
  await assert.rejects(inspectLxt('06'), TypeError);
});

test('inspectDocument: verdict, canonical bytes and JSON views from the Rust code', async () => {
  const { inspectDocument, jsonToLxt, serializeObject } = await import('../src/index.js');
  const bytes = await jsonToLxt('{"name": "Ada", "langs": ["lua", "js"], "n": 2.5}');
  // The CLI's converter and the JS codec agree on plain JSON.
  assert.deepEqual(bytes, serializeObject({ name: 'Ada', langs: ['lua', 'js'], n: 2.5 }));
  const doc = await inspectDocument(bytes);
  assert.deepEqual(doc.verdict, { ok: true, canonical: true });
  assert.deepEqual(doc.canonical, bytes);
  assert.deepEqual(JSON.parse(doc.plain), { n: 2.5, name: 'Ada', langs: ['lua', 'js'] });
  // The typed view reads back to the same bytes.
  assert.deepEqual(await jsonToLxt(doc.typed, { typed: true }), bytes);
  assert.match(doc.dump, /ok: \d+ bytes, canonical\n$/);

  // Noncanonical: marked with its offset, re-encoded canonically by Rust.
  const loose = new Uint8Array([0x06, 0, 0, 0, 0, 1, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x01, 0x01]);
  const noncanonical = await inspectDocument(loose);
  assert.deepEqual(noncanonical.verdict, { ok: true, canonical: false, noncanonicalOffset: 9 });
  assert.deepEqual(noncanonical.canonical, new Uint8Array([6, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]));
  const strict = await inspectDocument(loose, { strict: true });
  assert.equal(strict.verdict.kind, 'noncanonical');
  assert.equal(strict.verdict.offset, 9);

  // An error: class and offset, no views; bytes are not plain JSON.
  const bad = await inspectDocument(new Uint8Array([0x04, 9, 0, 0, 0, 0x61]));
  assert.deepEqual([bad.verdict.ok, bad.verdict.kind, bad.verdict.offset], [false, 'length_overflow', 1]);
  assert.equal(bad.canonical, undefined);
  const blob = await inspectDocument(new Uint8Array([0x05, 1, 0, 0, 0, 0xff]));
  assert.match(blob.plainError, /bytes/);
  assert.match(blob.typed, /"bytes": "ff"/);

  // Bad JSON is the CLI's classified error.
  await assert.rejects(jsonToLxt('{"a": 1, "a": 2}'), (e) => e.kind === 'invalid_json' && /duplicate key "a"/.test(e.message));
  await assert.rejects(jsonToLxt('{"int": 5}', { typed: true }), (e) => e.kind === 'not_typed');
  await assert.rejects(inspectDocument([1, 1]), TypeError);
});
