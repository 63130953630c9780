// WebAssembly memory stays bounded while 1 000 000 items sit in an
// external table: the entries live in the JavaScript store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntime } from '../src/index.js';

test('1 000 000 items in an external table, WASM memory bounded', async () => {
  const rt = await createRuntime();
  rt.compute('return 1');
  const before = rt.wasmMemory.buffer.byteLength;
  const entriesBefore = rt.store.entryCount;
  const n = rt.compute(`
    local t = ext.table()
    _home.big = t
    for i = 1, 1000000 do t[i] = { id = i, name = "item " .. i } end
    return #t`);
  assert.equal(n, 1000000);
  const after = rt.wasmMemory.buffer.byteLength;
  assert.ok(rt.store.entryCount - entriesBefore >= 1000000, `store has ${rt.store.entryCount} entries`);
  assert.ok(after - before < 64 * 1024 * 1024, `WASM memory grew ${(after - before) / 2 ** 20} MiB`);
  assert.ok(rt.usedMemory() < 16 * 1024 * 1024, `Lua heap ${rt.usedMemory()} bytes`);
  assert.deepEqual(rt.compute('return { _home.big[1].name, _home.big[1000000].id }'), ['item 1', 1000000]);
  rt.close();
});
