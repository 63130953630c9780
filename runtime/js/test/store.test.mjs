// The JS store's accounting of the store limit (spec §6.7), without the
// WebAssembly build: the store is driven through its ABI on a plain memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MapStore, Status, ENTRY_COST, TABLE_COST } from '../src/store.js';

function storeWithMemory() {
  const store = new MapStore();
  const memory = new WebAssembly.Memory({ initial: 1 });
  store.attach(memory);
  const bytes = new Uint8Array(memory.buffer);
  let top = 1024;
  const put = (data) => {
    const at = top;
    bytes.set(data, at);
    top += data.length;
    return [at, data.length];
  };
  return { store, put };
}

const text = (s) => new TextEncoder().encode(s);

test('the size follows the counting rule of spec §6.7', () => {
  const { store, put } = storeWithMemory();
  assert.equal(store.size, 2 * TABLE_COST);
  assert.equal(store.create(0), 0);
  const id = 3;
  assert.equal(store.set(id, ...put(text('k1')), ...put(text('value'))), 0);
  assert.equal(store.set(id, ...put(text('k2')), ...put(text('v'))), 0);
  assert.equal(store.set(id, ...put(text('k1')), ...put(text('vv'))), 0);
  assert.equal(store.delete(id, ...put(text('k2'))), 0);
  assert.equal(store.delete(id, ...put(text('absent'))), 0);
  assert.equal(store.size, 3 * TABLE_COST + 2 + 2 + ENTRY_COST);
  // Exactly at the limit is allowed; one byte more is not, and changes nothing.
  const limit = store.size + 10 + ENTRY_COST;
  store.setQuota(limit);
  assert.equal(store.set(id, ...put(text('k3')), ...put(text('12345678'))), 0);
  assert.equal(store.size, limit);
  assert.equal(store.set(id, ...put(text('k1')), ...put(text('vvv'))), Status.QUOTA);
  assert.match(store.error, /store limit of \d+ bytes reached/);
  assert.equal(store.create(0), Status.QUOTA);
  assert.equal(store.size, limit);
  assert.throws(() => store.writeEntry(id, text('k4'), text('x')), RangeError);
  store.setQuota(-1);
  assert.equal(store.set(id, ...put(text('k1')), ...put(text('vvv'))), 0);
});
