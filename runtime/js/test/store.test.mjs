// The JS store's accounting of the store limit (spec §6.7), without the
// WebAssembly build: the store is driven through its ABI on a plain memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MapStore, Status, ENTRY_COST, TABLE_COST } from '../src/store.js';

function storeWithMemory() {
  const store = new MapStore();
  const memory = new WebAssembly.Memory({ initial: 4 });
  store.attach(memory);
  let top = 1024;
  const put = (data) => {
    const at = top;
    new Uint8Array(memory.buffer).set(data, at);
    top += data.length;
    return [at, data.length];
  };
  put.reset = () => {
    top = 1024;
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

// ---------------------------------------------------------------------------
// The store against a model (a Map by key bytes): random writes, deletes and
// traversals through the ABI, with keys that fall in the array part, its
// holes, the hash part and the moves between them, and values of every
// stored form.

/** A deterministic generator (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function intBytes(tag, n) {
  const b = new Uint8Array(9);
  b[0] = tag;
  new DataView(b.buffer).setBigInt64(1, BigInt(n), true);
  return b;
}

const hex = (b) => Buffer.from(b).toString('hex');

function randomKey(rnd) {
  const r = rnd();
  if (r < 0.7) return intBytes(2, 1 + Math.floor(rnd() * 150));
  if (r < 0.75) return intBytes(2, [0, -1, 2 ** 31, 2 ** 32 + 1, -(2 ** 40)][Math.floor(rnd() * 5)]);
  if (r < 0.8) return intBytes(3, 1 + Math.floor(rnd() * 5)); // a float key's bytes (not an integer key)
  if (r < 0.95) return Uint8Array.of(4, 1, 0, 0, 0, 97 + Math.floor(rnd() * 20));
  return Uint8Array.from({ length: Math.floor(rnd() * 12) + 1 }, () => Math.floor(rnd() * 256));
}

function randomValue(rnd) {
  const r = rnd();
  if (r < 0.3) return intBytes(2, Math.floor((rnd() - 0.5) * 2 ** 40));
  if (r < 0.4) {
    const edges = [2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, -(2n ** 53n) - 1n, -(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 31n, -(2n ** 31n) - 1n];
    return intBytes(2, edges[Math.floor(rnd() * edges.length)]);
  }
  if (r < 0.5) return intBytes(3, 0).map((x, i) => (i === 0 ? 3 : Math.floor(rnd() * 256)));
  if (r < 0.6) return Uint8Array.of(1, Math.floor(rnd() * 3)); // 01 02 is not LXT, kept as bytes all the same
  return Uint8Array.from({ length: Math.floor(rnd() ** 3 * 600) }, () => Math.floor(rnd() * 256));
}

/** The border of the model: the largest n with the integer keys 1..n present. */
function modelBorder(model) {
  let n = 0;
  while (model.has(hex(intBytes(2, n + 1)))) n++;
  return n;
}

function modelSize(tables) {
  let size = 0;
  for (const model of tables.values()) {
    size += TABLE_COST;
    for (const [k, v] of model) size += k.length / 2 + v.length + ENTRY_COST;
  }
  return size;
}

/** The ABI on a plain memory, with readers of its results. */
function abi() {
  const { store, put } = storeWithMemory();
  const memory = store.memory;
  const out = 60000;
  const bytes = () => new Uint8Array(memory.buffer);
  const fresh = (data) => {
    // Keys and values are written anew for every call (input buffers are valid during the call only).
    const [at, len] = put(data);
    return [at, len];
  };
  return {
    store,
    get(id, key) {
      const n = store.get(id, ...fresh(key), out, 4);
      if (n === Status.ABSENT) return undefined;
      if (n > 4) assert.equal(store.get(id, ...fresh(key), out, n), n);
      return bytes().slice(out, out + n);
    },
    set: (id, key, value) => store.set(id, ...fresh(key), ...fresh(value)),
    delete: (id, key) => store.delete(id, ...fresh(key)),
    len(id) {
      assert.equal(store.len(id, out), 0);
      return Number(new DataView(memory.buffer).getBigUint64(out, true));
    },
    next(id, after) {
      const [at, len] = after === null ? [0, 0] : fresh(after);
      let n = store.next(id, at, len, out, 0);
      if (n === Status.END) return null;
      assert.ok(n > 0, `next status ${n}`);
      // Asked again with the buffer it needs: the same entry (§11.5).
      const [at2, len2] = after === null ? [0, 0] : fresh(after);
      assert.equal(store.next(id, at2, len2, out, n), n);
      const record = bytes().slice(out, out + n);
      const keyLen = new DataView(record.buffer).getUint32(0, true);
      return [record.slice(4, 4 + keyLen), record.slice(4 + keyLen)];
    },
    reset() {
      // Reuse the scratch space of `put` from the start.
      put.reset();
    },
  };
}

test('the store agrees with a model of its tables (spec §11.3)', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const rnd = random(seed);
    const s = abi();
    const tables = new Map([[1, new Map()], [2, new Map()]]);
    for (let round = 0; round < 40; round++) {
      const id = 1 + Math.floor(rnd() * 2);
      const model = tables.get(id);
      // Runs of consecutive integer keys make long array parts.
      if (rnd() < 0.3) {
        const from = 1 + Math.floor(rnd() * 30);
        for (let i = from; i < from + 100; i++) {
          s.reset();
          const value = randomValue(rnd);
          assert.equal(s.set(id, intBytes(2, i), value), 0);
          model.set(hex(intBytes(2, i)), value);
        }
      }
      for (let op = 0; op < 60; op++) {
        s.reset();
        const key = randomKey(rnd);
        if (rnd() < 0.3) {
          assert.equal(s.delete(id, key), 0);
          model.delete(hex(key));
        } else {
          const value = randomValue(rnd);
          assert.equal(s.set(id, key, value), 0);
          model.set(hex(key), value);
        }
      }
      // Deleting a run from the front (a queue) or the whole sequence empties the array part.
      if (rnd() < 0.15) {
        for (let i = 1; i <= 150; i++) {
          if (rnd() < 0.9) {
            s.reset();
            s.delete(id, intBytes(2, i));
            model.delete(hex(intBytes(2, i)));
          }
        }
      }
      s.reset();
      for (const [k, v] of model) assert.deepEqual(s.get(id, Buffer.from(k, 'hex')), v, `seed ${seed}: get ${k}`);
      assert.equal(s.get(id, intBytes(2, 1000)), undefined);
      assert.equal(s.len(id), modelBorder(model), `seed ${seed}: border`);
      assert.equal(s.store.size, modelSize(tables), `seed ${seed}: size`);
      assert.equal(s.store.entryCount, [...tables.values()].reduce((n, m) => n + m.size, 0));
      // A traversal: every key once with its value; the current key is
      // often deleted and other visited keys overwritten (neither may
      // disturb it).
      const seen = new Set();
      const visited = [];
      let after = null;
      for (;;) {
        s.reset();
        const entry = s.next(id, after);
        if (entry === null) break;
        const [key, value] = entry;
        const k = hex(key);
        assert.ok(!seen.has(k), `seed ${seed}: ${k} twice`);
        seen.add(k);
        assert.deepEqual(value, model.get(k), `seed ${seed}: value of ${k}`);
        const r = rnd();
        if (r < 0.4) {
          s.reset();
          s.delete(id, key);
          model.delete(k);
        } else if (r < 0.5 && visited.length > 0) {
          const old = visited[Math.floor(rnd() * visited.length)];
          if (model.has(hex(old))) {
            const value = randomValue(rnd);
            s.reset();
            s.set(id, old, value);
            model.set(hex(old), value);
          }
        }
        visited.push(key);
        after = key;
      }
      for (const k of model.keys()) assert.ok(seen.has(k), `seed ${seed}: ${k} not visited`);
    }
    // Host-side access sees the same entries.
    for (const [id, model] of tables) {
      for (const [k, v] of model) assert.deepEqual(s.store.readEntry(id, Buffer.from(k, 'hex')), v);
    }
  }
});

test('replaceAll keeps every entry, the border and the size', () => {
  const rnd = random(7);
  const s = abi();
  const entries = new Map();
  for (let i = 0; i < 400; i++) entries.set(hex(randomKey(rnd)), randomValue(rnd));
  // A snapshot container (§12) as the runtime hands it over: keys sorted bytewise.
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [new TextEncoder().encode('LXTSNAP\0'), new Uint8Array(4)];
  const u32 = (n) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  parts.push(u32(1), u32(1), u32(sorted.length));
  for (const [k, v] of sorted) parts.push(u32(k.length / 2), Buffer.from(k, 'hex'), u32(v.length), v);
  const snapshot = Buffer.concat(parts);
  s.reset();
  assert.equal(s.store.create(0), 0);
  // Growing the memory detaches the store's view of it: the store takes a fresh one.
  s.store.memory.grow(Math.ceil(snapshot.length / 65536));
  const [at, len] = [4 * 65536, snapshot.length];
  new Uint8Array(s.store.memory.buffer).set(snapshot, at);
  assert.equal(s.store.replaceAll(at, len), 0);
  const tables = new Map([[1, new Map([...entries].map(([k, v]) => [k, v]))], [2, new Map()]]);
  assert.equal(s.store.size, modelSize(tables));
  assert.equal(s.len(1), modelBorder(tables.get(1)));
  for (const [k, v] of entries) assert.deepEqual(s.get(1, Buffer.from(k, 'hex')), v);
  assert.equal(s.store.contains(3), 0);
  assert.equal(s.store.create(0), 0);
  assert.equal(new DataView(s.store.memory.buffer).getUint32(0, true), 4, 'ids are not reused');
});

test('a sequence forms the array part in any order, and a queue does not keep an empty one', () => {
  const s = abi();
  const t = s.store.tables.get(1);
  for (let i = 100; i >= 1; i--) {
    s.reset();
    s.set(1, intBytes(2, i), intBytes(2, i));
  }
  assert.deepEqual([t.arr.length, t.hash.size, s.len(1)], [100, 0, 100]);
  // A queue: push at the end, pop at the front.
  for (let i = 101; i <= 1000; i++) {
    s.reset();
    s.set(1, intBytes(2, i), intBytes(2, i));
    s.reset();
    s.delete(1, intBytes(2, i - 100));
  }
  assert.ok(t.arr.length < 400, `array part of ${t.arr.length} for ${t.arrCount} entries`);
  assert.equal(t.arrCount + t.hash.size, 100);
  assert.equal(s.len(1), 0);
  // Most of a sequence deleted but its start: the start stays in the
  // array part, and refilling the rest makes it whole again.
  const u = s.store.tables.get(2);
  const fill = (from, to) => {
    for (let i = from; i <= to; i++) {
      s.reset();
      s.set(2, intBytes(2, i), intBytes(2, i));
    }
  };
  fill(1, 100);
  for (let i = 3; i <= 90; i++) {
    s.reset();
    s.delete(2, intBytes(2, i));
  }
  s.reset();
  s.set(2, Uint8Array.of(4, 1, 0, 0, 0, 120), intBytes(2, 0));
  assert.deepEqual([u.arr.length, s.len(2)], [2, 2]);
  fill(3, 90);
  assert.deepEqual([u.arr.length, u.hash.size, s.len(2)], [100, 1, 100]);
});
