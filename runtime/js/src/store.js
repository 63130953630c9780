/**
 * The host side of external tables (spec §11): every table is a `Map` from
 * encoded key to encoded value, kept in JavaScript so large data stays out
 * of WebAssembly memory. The runtime calls these methods with pointers and
 * lengths into its memory; results are status codes, and an output that
 * does not fit is reported by its length and asked for again (§11.5).
 *
 * @module luaxt/store
 */

/** Status codes of spec §11.4. */
export const Status = Object.freeze({
  ABSENT: -1,
  END: -1,
  NO_SUCH_TABLE: -2,
  IDS_EXHAUSTED: -3,
  INVALID: -4,
  BACKEND: -5,
  QUOTA: -6,
});

/**
 * The store limit's counting rule (spec §6.7), the same as the Rust
 * runtime's (`store::entry_size`): an entry counts its key and value bytes
 * plus ENTRY_COST, a table counts TABLE_COST.
 */
export const ENTRY_COST = 64;
export const TABLE_COST = 256;

function quotaMessage(limit) {
  return `store limit of ${limit} bytes reached (keys and values, plus ${ENTRY_COST} bytes per entry and ${TABLE_COST} per table)`;
}

/** The fixed ids of `_home` and `_io` (§11.1). */
export const HOME_ID = 1;
export const IO_ID = 2;

const SNAPSHOT_MAGIC = 'LXTSNAP\0';
const MAX_CURSORS = 64;

/**
 * A table: entries by key string (the key bytes as Latin-1 characters,
 * so equal bytes are equal strings), its border (`#t`), and the positions
 * of traversals in progress.
 */
class Table {
  constructor() {
    /** @type {Map<string, {key: Uint8Array, value: Uint8Array}>} */
    this.entries = new Map();
    this.border = 0;
    /** @type {Map<string, Iterator<[string, {key: Uint8Array, value: Uint8Array}]>>} */
    this.cursors = new Map();
    /** The last `next` answer, so a retry with a bigger buffer repeats it. */
    this.lastNext = null;
  }
}

/** Latin-1 string of `bytes`: a Map key with byte equality. */
export function keyString(bytes) {
  if (bytes.length <= 64) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  }
  return s;
}

/** The key string of the integer key `n` (tag 0x02, i64 LE), 0 ≤ n < 2^53. */
function intKeyString(n) {
  let s = '\x02';
  for (let i = 0; i < 8; i++) {
    s += String.fromCharCode(n % 256);
    n = Math.floor(n / 256);
  }
  return s;
}

/** The integer of an integer key if it is in 1..2^32-1, else 0. */
function smallIntKey(bytes) {
  if (bytes.length !== 9 || bytes[0] !== 0x02) return 0;
  if (bytes[5] | bytes[6] | bytes[7] | bytes[8]) return 0;
  return (bytes[1] | (bytes[2] << 8) | (bytes[3] << 16)) + bytes[4] * 0x1000000;
}

/**
 * Sets an entry (its key string `k`, its old entry `old` or undefined) and
 * moves the border past a new key `border + 1`.
 */
function putEntry(t, k, old, key, value) {
  const fresh = old === undefined;
  t.entries.set(k, { key, value });
  if (fresh && smallIntKey(key) === t.border + 1) {
    do t.border++;
    while (t.entries.has(intKeyString(t.border + 1)));
  }
}

/**
 * Deletes an entry; deleting a key of the sequence moves the border back.
 * Returns what the entry counted against the store limit (0 if absent).
 */
function removeEntry(t, key) {
  const k = keyString(key);
  const old = t.entries.get(k);
  if (old === undefined) return 0;
  t.entries.delete(k);
  const n = smallIntKey(key);
  if (n !== 0 && n <= t.border) t.border = n - 1;
  return old.key.length + old.value.length + ENTRY_COST;
}

/** What `value` under a key of `keyLen` bytes adds to a store where `old` is stored (§6.7). */
function growth(keyLen, old, valueLen) {
  return old === undefined ? keyLen + valueLen + ENTRY_COST : valueLen - old.value.length;
}

/**
 * An in-memory store on `Map`s, implementing the calls of spec §11.3 for
 * one runtime instance. Call {@link MapStore#attach} with the instance's
 * memory before the first call.
 */
export class MapStore {
  constructor() {
    /** @type {Map<number, Table>} */
    this.tables = new Map([[HOME_ID, new Table()], [IO_ID, new Table()]]);
    this.nextId = 3;
    /** The store's size as the store limit counts it (§6.7). */
    this.size = 2 * TABLE_COST;
    /** The store limit in bytes, or -1 for none (set by the runtime). */
    this.quota = -1;
    this.error = '';
    /** @type {WebAssembly.Memory | null} */
    this.memory = null;
  }

  /** Points the store at the runtime's linear memory. */
  attach(memory) {
    this.memory = memory;
  }

  /** A fresh view of memory (growth detaches old views). */
  view() {
    return new Uint8Array(this.memory.buffer);
  }

  fail(status, message) {
    this.error = message;
    return status;
  }

  table(id) {
    return this.tables.get(id >>> 0);
  }

  /** Sets the store limit (§6.7): bytes, or a negative number for none. */
  setQuota(limit) {
    this.quota = limit < 0 ? -1 : limit;
    return 0;
  }

  /** Whether the store may grow by `bytes` under its limit. */
  fits(bytes) {
    return this.quota < 0 || bytes <= 0 || this.size + bytes <= this.quota;
  }

  /** Number of entries in every table: what stays out of Wasm memory. */
  get entryCount() {
    let n = 0;
    for (const t of this.tables.values()) n += t.entries.size;
    return n;
  }

  create(outIdPtr) {
    if (this.nextId > 0xffffffff) return this.fail(Status.IDS_EXHAUSTED, 'no table ids left');
    if (!this.fits(TABLE_COST)) return this.fail(Status.QUOTA, quotaMessage(this.quota));
    const id = this.nextId++;
    this.tables.set(id, new Table());
    this.size += TABLE_COST;
    new DataView(this.memory.buffer).setUint32(outIdPtr, id, true);
    return 0;
  }

  contains(id) {
    return this.tables.has(id >>> 0) ? 1 : 0;
  }

  get(id, keyPtr, keyLen, outPtr, outCap) {
    const t = this.table(id);
    if (!t) return this.fail(Status.NO_SUCH_TABLE, `ext.table ${id >>> 0} does not exist`);
    const mem = this.view();
    const entry = t.entries.get(keyString(mem.subarray(keyPtr, keyPtr + keyLen)));
    if (entry === undefined) return Status.ABSENT;
    const n = entry.value.length;
    if (n <= outCap) mem.set(entry.value, outPtr);
    return n;
  }

  set(id, keyPtr, keyLen, valuePtr, valueLen) {
    const t = this.table(id);
    if (!t) return this.fail(Status.NO_SUCH_TABLE, `ext.table ${id >>> 0} does not exist`);
    const mem = this.view();
    const key = mem.slice(keyPtr, keyPtr + keyLen);
    const k = keyString(key);
    const old = t.entries.get(k);
    const grow = growth(keyLen, old, valueLen);
    if (!this.fits(grow)) return this.fail(Status.QUOTA, quotaMessage(this.quota));
    this.size += grow;
    putEntry(t, k, old, key, mem.slice(valuePtr, valuePtr + valueLen));
    return 0;
  }

  delete(id, keyPtr, keyLen) {
    const t = this.table(id);
    if (!t) return this.fail(Status.NO_SUCH_TABLE, `ext.table ${id >>> 0} does not exist`);
    this.size -= removeEntry(t, this.view().subarray(keyPtr, keyPtr + keyLen));
    return 0;
  }

  // Host-side access (not part of the ABI): the JS package writes
  // `_io.input` and reads `_io.output` here directly, so those buffers
  // never cross into Wasm memory just to be stored. The runtime validates
  // every value it reads, wherever it came from.

  /**
   * The value bytes under the encoded key `key` of table `id`, or
   * undefined. The array is the store's own: do not modify it.
   */
  readEntry(id, key) {
    return this.table(id)?.entries.get(keyString(key))?.value;
  }

  /**
   * Stores `value` (LXT bytes, owned by the store from now on) under the
   * encoded key `key` of table `id`; `undefined` deletes the entry. A value
   * that would take the store past its limit throws a RangeError and
   * changes nothing.
   */
  writeEntry(id, key, value) {
    const t = this.table(id);
    if (!t) throw new RangeError(`ext.table ${id >>> 0} does not exist`);
    if (value === undefined) {
      this.size -= removeEntry(t, key);
      return;
    }
    const k = keyString(key);
    const old = t.entries.get(k);
    const grow = growth(key.length, old, value.length);
    if (!this.fits(grow)) throw new RangeError(quotaMessage(this.quota));
    this.size += grow;
    putEntry(t, k, old, key.slice(), value);
  }

  len(id, outPtr) {
    const t = this.table(id);
    if (!t) return this.fail(Status.NO_SUCH_TABLE, `ext.table ${id >>> 0} does not exist`);
    new DataView(this.memory.buffer).setBigUint64(outPtr, BigInt(t.border), true);
    return 0;
  }

  /**
   * The entry after `after` (the first for an empty `after`). Traversals
   * follow the Map's insertion order through a live iterator per
   * traversal, which deleting visited keys does not disturb.
   */
  next(id, afterPtr, afterLen, outPtr, outCap) {
    const t = this.table(id);
    if (!t) return this.fail(Status.NO_SUCH_TABLE, `ext.table ${id >>> 0} does not exist`);
    const after = keyString(this.view().subarray(afterPtr, afterPtr + afterLen));
    let answer = t.lastNext && t.lastNext.id === id && t.lastNext.after === after ? t.lastNext : null;
    if (answer === null) {
      const iterator = this.cursorAfter(t, after);
      if (iterator === null) return this.fail(Status.INVALID, "invalid key to 'next'");
      const step = iterator.next();
      answer = { id, after, iterator, entry: step.done ? null : step.value };
      t.lastNext = answer;
    }
    if (answer.entry === null) {
      t.lastNext = null;
      t.cursors.delete(after);
      return Status.END;
    }
    const [k, { key, value }] = answer.entry;
    const n = 4 + key.length + value.length;
    if (n > outCap) return n;
    const mem = this.view();
    new DataView(mem.buffer).setUint32(outPtr, key.length, true);
    mem.set(key, outPtr + 4);
    mem.set(value, outPtr + 4 + key.length);
    t.lastNext = null;
    t.cursors.delete(after);
    if (t.cursors.size >= MAX_CURSORS) t.cursors.delete(t.cursors.keys().next().value);
    t.cursors.set(k, answer.iterator);
    return n;
  }

  /** An iterator positioned just after `after`, or null if it is unknown. */
  cursorAfter(t, after) {
    if (after === '') return t.entries.entries();
    const known = t.cursors.get(after);
    if (known !== undefined) return known;
    // A traversal this store did not see begin: find `after` by scanning.
    const iterator = t.entries.entries();
    for (let step = iterator.next(); !step.done; step = iterator.next()) {
      if (step.value[0] === after) return iterator;
    }
    return null;
  }

  tableIds(outPtr, outCap) {
    const ids = [...this.tables.keys()].sort((a, b) => a - b);
    const n = 4 * ids.length;
    if (n > outCap) return n;
    const dv = new DataView(this.memory.buffer);
    ids.forEach((id, i) => dv.setUint32(outPtr + 4 * i, id, true));
    return n;
  }

  /** Replaces every table by those of a snapshot the runtime has checked (§12). */
  replaceAll(ptr, len) {
    const bytes = this.view().slice(ptr, ptr + len);
    const tables = readSnapshotTables(bytes);
    let size = 0;
    for (const [id, entries] of tables) {
      size += TABLE_COST;
      for (const [key, value] of entries) size += key.length + value.length + ENTRY_COST;
    }
    for (const id of [HOME_ID, IO_ID]) if (!tables.some(([t]) => t === id)) size += TABLE_COST;
    if (this.quota >= 0 && size > this.quota) return this.fail(Status.QUOTA, quotaMessage(this.quota));
    let maxId = 2;
    this.tables = new Map();
    for (const [id, entries] of tables) {
      const t = new Table();
      for (const [key, value] of entries) t.entries.set(keyString(key), { key, value });
      while (t.entries.has(intKeyString(t.border + 1))) t.border++;
      this.tables.set(id, t);
      maxId = Math.max(maxId, id);
    }
    for (const id of [HOME_ID, IO_ID]) if (!this.tables.has(id)) this.tables.set(id, new Table());
    this.size = size;
    this.nextId = Math.max(this.nextId, maxId + 1);
    return 0;
  }

  lastError(outPtr, outCap) {
    const bytes = new TextEncoder().encode(this.error);
    if (bytes.length <= outCap) this.view().set(bytes, outPtr);
    return bytes.length;
  }
}

/**
 * The tables of a snapshot container (§12): `[id, [[key, value], …]]`.
 * The runtime validates snapshots (checksum included) before handing
 * them over, so this reader only walks the layout.
 */
export function readSnapshotTables(bytes) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== SNAPSHOT_MAGIC) throw new Error('not a luaxt snapshot');
  let at = 12;
  const u32 = () => {
    const v = dv.getUint32(at, true);
    at += 4;
    return v;
  };
  const count = u32();
  const tables = [];
  for (let i = 0; i < count; i++) {
    const id = u32();
    const n = u32();
    const entries = [];
    for (let j = 0; j < n; j++) {
      const keyLen = u32();
      const key = bytes.slice(at, at + keyLen);
      at += keyLen;
      const valueLen = u32();
      entries.push([key, bytes.slice(at, at + valueLen)]);
      at += valueLen;
    }
    tables.push([id, entries]);
  }
  return tables;
}
