// The JS store's accounting of the store limit (spec §6.7), without the
// WebAssembly build: the store is driven through its ABI on a plain memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MapStore, Status, ENTRY_COST, TABLE_COST } from '../src/store.js';
import { random } from '../test-support/random.mjs';

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
  assert.deepEqual([t.arr.length, t.positions.size, s.len(1)], [100, 0, 100]);
  // A queue: push at the end, pop at the front.
  for (let i = 101; i <= 1000; i++) {
    s.reset();
    s.set(1, intBytes(2, i), intBytes(2, i));
    s.reset();
    s.delete(1, intBytes(2, i - 100));
  }
  assert.ok(t.arr.length < 400, `array part of ${t.arr.length} for ${t.present.count} entries`);
  assert.equal(t.present.count + t.positions.size, 100);
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
  assert.deepEqual([u.arr.length, u.positions.size, s.len(2)], [100, 1, 100]);
});

// ---------------------------------------------------------------------------
// The store against a reference model of its exact behaviour: every answer
// of get, len and next (order, END and INVALID included) and the size.
// The model is the store written the slow and plain way: an array part of
// the keys 1..n with its holes, a hash part as a list of every entry ever
// inserted (a deleted one only marked dead), found by a linear search, and
// the position after the last key each traversal returned (as many as
// MAX_CURSORS traversals, the oldest forgotten first).

const SPARSE_MIN = 64;
const MAX_CURSORS = 64;

/** The key string (Latin-1 of the bytes) of the integer key `n`. */
const intKeyString = (n) => String.fromCharCode(...intBytes(2, n));
const latin1 = (bytes) => String.fromCharCode(...bytes);
const bytesOf = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** The integer of a key string if it is an integer key in 1..2^31-1, else 0. */
function indexOf(s) {
  if (s.length !== 9 || s.charCodeAt(0) !== 2) return 0;
  const n = new DataView(bytesOf(s).buffer).getBigInt64(1, true);
  return n >= 1n && n < 2n ** 31n ? Number(n) : 0;
}

class ModelTable {
  constructor() {
    /** Values by index, undefined for a hole; its length is the array part's. */
    this.arr = [];
    /** `{ key, value, dead }` in insertion order. */
    this.hash = [];
    /** Key string → the position in `hash` its traversal goes on from. */
    this.cursors = new Map();
  }

  live(key) {
    return this.hash.find((e) => !e.dead && e.key === key);
  }

  get(key) {
    const k = indexOf(key);
    if (k !== 0 && k <= this.arr.length) return this.arr[k - 1];
    return this.live(key)?.value;
  }

  border() {
    let n = 0;
    while (this.get(intKeyString(n + 1)) !== undefined) n++;
    return n;
  }

  set(key, value) {
    const k = indexOf(key);
    if (k !== 0 && k <= this.arr.length) {
      this.arr[k - 1] = value;
      return;
    }
    const entry = this.live(key);
    if (entry !== undefined) {
      entry.value = value;
      return;
    }
    // A new key: a mostly empty array part gives up its keys past the border first.
    const present = this.arr.filter((v) => v !== undefined).length;
    if (this.arr.length >= SPARSE_MIN && present * 4 < this.arr.length) {
      const border = this.border();
      for (let i = border; i < this.arr.length; i++) {
        if (this.arr[i] !== undefined) this.hash.push({ key: intKeyString(i + 1), value: this.arr[i], dead: false });
      }
      this.arr.length = border;
    }
    if (k !== 0 && k === this.arr.length + 1) {
      this.arr.push(value);
      // The keys that follow move over from the hash part.
      for (let e = this.live(intKeyString(this.arr.length + 1)); e !== undefined; e = this.live(intKeyString(this.arr.length + 1))) {
        e.dead = true;
        this.arr.push(e.value);
      }
    } else {
      this.hash.push({ key, value, dead: false });
    }
  }

  delete(key) {
    const k = indexOf(key);
    if (k !== 0 && k <= this.arr.length) this.arr[k - 1] = undefined;
    else {
      const entry = this.live(key);
      if (entry !== undefined) entry.dead = true;
    }
  }

  /** `[key, value]`, 'END' or 'INVALID'. */
  next(after) {
    const k = after === null ? 0 : indexOf(after);
    if (after === null || (k !== 0 && k <= this.arr.length)) {
      for (let i = k; i < this.arr.length; i++) if (this.arr[i] !== undefined) return [intKeyString(i + 1), this.arr[i]];
      return this.nextInHash(after ?? '', 0);
    }
    let from = this.cursors.get(after);
    if (from === undefined) {
      const at = this.hash.findIndex((e) => !e.dead && e.key === after);
      if (at < 0) return 'INVALID';
      from = at + 1;
    }
    return this.nextInHash(after, from);
  }

  nextInHash(after, from) {
    this.cursors.delete(after);
    for (let i = from; i < this.hash.length; i++) {
      const e = this.hash[i];
      if (e.dead) continue;
      if (this.cursors.size >= MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value);
      this.cursors.set(e.key, i + 1);
      return [e.key, e.value];
    }
    return 'END';
  }

  get size() {
    return this.arr.filter((v) => v !== undefined).length + this.hash.filter((e) => !e.dead).length;
  }

  bytes() {
    let n = TABLE_COST;
    for (let i = 0; i < this.arr.length; i++) if (this.arr[i] !== undefined) n += 9 + this.arr[i].length + ENTRY_COST;
    for (const e of this.hash) if (!e.dead) n += e.key.length + e.value.length + ENTRY_COST;
    return n;
  }
}

/** `next` through the ABI as the model answers it: `[key, value]` strings and bytes, 'END' or 'INVALID'. */
function storeNext(s, id, after) {
  s.reset();
  const [at, len] = after === null ? [0, 0] : s.put(bytesOf(after));
  const out = 60000;
  // First with a buffer too small for any record, then with the size asked for (§11.5).
  const n = s.store.next(id, at, len, out, 4);
  if (n === Status.END) return 'END';
  if (n === Status.INVALID) {
    assert.equal(s.store.error, "invalid key to 'next'");
    return 'INVALID';
  }
  assert.ok(n > 4, `next status ${n}`);
  assert.equal(s.store.next(id, at, len, out, n), n);
  const record = new Uint8Array(s.store.memory.buffer).slice(out, out + n);
  const keyLen = new DataView(record.buffer).getUint32(0, true);
  return [latin1(record.subarray(4, 4 + keyLen)), record.slice(4 + keyLen)];
}

function modelKey(rnd) {
  const r = rnd();
  if (r < 0.55) return intKeyString(1 + Math.floor(rnd() * 160));
  if (r < 0.6) return latin1(intBytes(2, [0, -1, 2 ** 31, 2 ** 32 + 1, 1000][Math.floor(rnd() * 5)]));
  if (r < 0.9) return latin1(Uint8Array.of(4, 2, 0, 0, 0, 97 + Math.floor(rnd() * 26), 97 + Math.floor(rnd() * 4)));
  return latin1(Uint8Array.from({ length: Math.floor(rnd() * 12) + 1 }, () => Math.floor(rnd() * 256)));
}

test('the store answers exactly as the reference model (order, END, INVALID, border, size)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rnd = random(seed * 7919);
    const { store, put } = storeWithMemory();
    const s = { store, put, reset: put.reset };
    const models = new Map([[1, new ModelTable()], [2, new ModelTable()]]);
    /** Traversals under way: `[table id, last key or null]`. */
    const walks = [];
    const keysOf = (model) => [...model.arr.keys()].filter((i) => model.arr[i] !== undefined).map((i) => intKeyString(i + 1)).concat(model.hash.filter((e) => !e.dead).map((e) => e.key));
    const setKey = (id, key, value) => {
      s.reset();
      assert.equal(store.set(id, ...put(bytesOf(key)), ...put(value)), 0);
      models.get(id).set(key, value);
    };
    const deleteKey = (id, key) => {
      s.reset();
      assert.equal(store.delete(id, ...put(bytesOf(key))), 0);
      models.get(id).delete(key);
    };
    for (let op = 0; op < 1500; op++) {
      const id = 1 + Math.floor(rnd() * 2);
      const model = models.get(id);
      const what = `seed ${seed} op ${op}`;
      const r = rnd();
      if (r < 0.3) setKey(id, modelKey(rnd), randomValue(rnd));
      else if (r < 0.42) deleteKey(id, modelKey(rnd));
      else if (r < 0.44) {
        // A run of the sequence, in either direction.
        const from = 1 + Math.floor(rnd() * 100);
        const to = from + Math.floor(rnd() * 120);
        const up = rnd() < 0.7;
        for (let i = from; i <= to; i++) setKey(id, intKeyString(up ? i : to + from - i), randomValue(rnd));
      } else if (r < 0.46) {
        // Most of a run deleted: a sparse array part that the next insert gives up.
        const from = 1 + Math.floor(rnd() * 100);
        for (let i = from; i <= from + 150; i++) if (rnd() < 0.9) deleteKey(id, intKeyString(i));
      } else if (r < 0.48) {
        // Many traversals at once, more than the cursors kept.
        for (let i = 0; i < 30; i++) walks.push([id, null]);
      } else if (r < 0.8 && walks.length > 0) {
        // A step of a traversal under way, which may delete or change what it visited.
        const w = Math.floor(rnd() * walks.length);
        const [wid, after] = walks[w];
        const got = storeNext(s, wid, after);
        assert.deepEqual(got, models.get(wid).next(after), `${what}: next of walk ${w} after ${JSON.stringify(after)}`);
        if (typeof got === 'string') walks.splice(w, 1);
        else {
          walks[w][1] = got[0];
          const q = rnd();
          if (q < 0.4) deleteKey(wid, got[0]);
          else if (q < 0.5) setKey(wid, got[0], randomValue(rnd));
        }
      } else if (r < 0.85) {
        // `next` after any key: present, deleted, never seen.
        const key = rnd() < 0.5 && model.size > 0 ? keysOf(model)[Math.floor(rnd() * model.size)] : modelKey(rnd);
        assert.deepEqual(storeNext(s, id, key), model.next(key), `${what}: next after ${JSON.stringify(key)}`);
      } else {
        const key = modelKey(rnd);
        s.reset();
        const [at, len] = put(bytesOf(key));
        const n = store.get(id, at, len, 50000, 100000);
        const want = model.get(key);
        if (want === undefined) assert.equal(n, Status.ABSENT, `${what}: get`);
        else assert.deepEqual(new Uint8Array(store.memory.buffer).slice(50000, 50000 + n), want, `${what}: get`);
      }
      s.reset();
      assert.equal(store.len(id, 60000), 0);
      assert.equal(Number(new DataView(store.memory.buffer).getBigUint64(60000, true)), model.border(), `${what}: border`);
      assert.equal(store.size, models.get(1).bytes() + models.get(2).bytes(), `${what}: size`);
      assert.equal(store.entryCount, models.get(1).size + models.get(2).size, `${what}: entries`);
    }
    // A whole traversal of each table from the start.
    for (const [id, model] of models) {
      for (let after = null; ; ) {
        const got = storeNext(s, id, after);
        assert.deepEqual(got, model.next(after), `seed ${seed}: final traversal`);
        if (typeof got === 'string') break;
        after = got[0];
      }
    }
  }
});

// ---------------------------------------------------------------------------
// Calls a script can repeat that once walked the table (each took O(n) host
// time that no instruction budget saw): at these sizes the walks took 20 to
// 40 s in all; now every call is O(log n).

/** A store whose table 1 holds the integer keys 1..n, and helpers on a fixed scratch memory. */
function bigStore() {
  const { store } = storeWithMemory();
  const m = new Uint8Array(store.memory.buffer);
  const dv = new DataView(store.memory.buffer);
  const KEY = 1024;
  const VALUE = 2048;
  const OUT = 4096;
  m.set(intBytes(2, 7), VALUE);
  const intKey = (i) => {
    m.set(intBytes(2, i), KEY);
    return [KEY, 9];
  };
  const strKey = (s) => {
    m.set(Uint8Array.of(4, s.length, 0, 0, 0, ...new TextEncoder().encode(s)), KEY);
    return [KEY, 5 + s.length];
  };
  /** The key of the record `next` wrote, as a Latin-1 string. */
  const nextKey = () => latin1(m.subarray(OUT + 4, OUT + 4 + dv.getUint32(OUT, true)));
  const border = () => {
    assert.equal(store.len(1, OUT), 0);
    return Number(dv.getBigUint64(OUT, true));
  };
  return { store, intKey, strKey, nextKey, border, VALUE, OUT };
}

test('refilling the first key of a long sequence finds the border without walking it', () => {
  const { store, intKey, border, VALUE } = bigStore();
  const n = 200_000;
  for (let i = 1; i <= n; i++) store.set(1, ...intKey(i), VALUE, 9);
  for (let r = 0; r < 100_000; r++) {
    store.delete(1, ...intKey(1));
    if (r % 10_000 === 0) assert.equal(border(), 0);
    store.set(1, ...intKey(1), VALUE, 9);
  }
  assert.equal(border(), n);
  // A hole in the middle: the border stops there, and again after it is filled.
  store.delete(1, ...intKey(n / 2));
  store.delete(1, ...intKey(1));
  store.set(1, ...intKey(1), VALUE, 9);
  assert.equal(border(), n / 2 - 1);
  store.set(1, ...intKey(n / 2), VALUE, 9);
  assert.equal(border(), n);
});

test('next skips a long run of deleted keys of the array part without walking it', () => {
  const { store, intKey, nextKey, VALUE, OUT } = bigStore();
  const n = 200_000;
  for (let i = 1; i <= n; i++) store.set(1, ...intKey(i), VALUE, 9);
  for (let i = 1; i < n; i++) store.delete(1, ...intKey(i));
  for (let r = 0; r < 100_000; r++) {
    assert.equal(store.next(1, 0, 0, OUT, 64), 4 + 9 + 9);
    if (r % 10_000 === 0) assert.equal(nextKey(), intKeyString(n));
  }
  assert.equal(nextKey(), intKeyString(n));
  assert.equal(store.next(1, ...intKey(1), OUT, 64), 4 + 9 + 9);
  assert.equal(nextKey(), intKeyString(n));
  assert.equal(store.next(1, ...intKey(n), OUT, 64), Status.END);
});

test('next after a key no traversal returned finds it without scanning the hash part', () => {
  const { store, strKey, nextKey, VALUE, OUT } = bigStore();
  const n = 100_000;
  for (let i = 0; i < n; i++) store.set(1, ...strKey(`k${i}`), VALUE, 9);
  const last = latin1(Uint8Array.of(4, 6, 0, 0, 0, ...new TextEncoder().encode(`k${n - 1}`)));
  for (let r = 0; r < 50_000; r++) {
    assert.equal(store.next(1, ...strKey(`k${n - 2}`), OUT, 64), 4 + last.length + 9);
    if (r % 10_000 === 0) assert.equal(nextKey(), last);
    // Each from a key of its own too: more keys than the cursors kept.
    const i = (r * 7919) % (n - 1);
    assert.equal(store.next(1, ...strKey(`k${i}`), OUT, 64) > 0, true);
    assert.equal(nextKey(), latin1(Uint8Array.of(4, `k${i + 1}`.length, 0, 0, 0, ...new TextEncoder().encode(`k${i + 1}`))));
  }
  assert.equal(store.next(1, ...strKey(`k${n - 1}`), OUT, 64), Status.END);
  // A deleted key no traversal returned is unknown; one a traversal returned goes on.
  store.delete(1, ...strKey('k5'));
  assert.equal(store.next(1, ...strKey('k5'), OUT, 64), Status.INVALID);
  assert.ok(store.next(1, ...strKey('k6'), OUT, 64) > 0);
  store.delete(1, ...strKey('k7'));
  assert.ok(store.next(1, ...strKey('k7'), OUT, 64) > 0);
  assert.equal(nextKey(), latin1(Uint8Array.of(4, 2, 0, 0, 0, 107, 56)));
});
