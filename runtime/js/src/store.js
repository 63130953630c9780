/**
 * The host side of external tables (spec §11): every table is kept in
 * JavaScript (an array part for the keys 1..n and a `Map` for the others,
 * see `Table`), so large data stays out of WebAssembly memory. The runtime
 * calls these methods with pointers and lengths into its memory; results
 * are status codes, and an output that does not fit is reported by its
 * length and asked for again (§11.5).
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
const TWO_32 = 4294967296;

/**
 * Values up to this many bytes are kept as a string of their bytes (or as
 * a number or boolean, below); longer ones as a `Uint8Array`. A string
 * costs its length plus 16 bytes of JS heap, a small `Uint8Array` about
 * 200 (the view, its ArrayBuffer and the bytes); a long value is copied
 * into Wasm memory with one `set` instead of a loop over its characters.
 */
const SMALL_VALUE = 256;

/** An array part at least this long that is less than a quarter full moves to the hash part on the next insert. */
const SPARSE_MIN = 64;

/**
 * A table (spec §11.1). Entries are kept in two parts, as Lua keeps its
 * own tables:
 *
 * - the **array part** `arr`: the value of the integer key `i` at
 *   `arr[i - 1]` for `1 ≤ i ≤ arr.length` (`undefined` where a key is
 *   absent). A new key `arr.length + 1` is appended, and the integer keys
 *   that follow it move over from the hash part;
 * - the **hash part** `hash`: every other key, by its key string (the key
 *   bytes as Latin-1 characters, so equal bytes are equal strings), in
 *   insertion order. `hashInts` counts its integer keys in the array
 *   part's range, so most integer misses never build a key string.
 *
 * A value is kept in the most compact form that gives back its bytes
 * exactly: an LXT integer of at most 53 bits as a JS number (`02` and the
 * i64), a boolean as a JS boolean (`01 00`, `01 01`), up to `SMALL_VALUE`
 * bytes as a string of the bytes, and anything longer as a `Uint8Array`.
 * A small entry then costs the JS heap 8 bytes (an integer in the array
 * part) to about 100 (a string key and a short value), where a `Map`
 * entry of an object and two `Uint8Array`s cost about 550.
 *
 * `next` walks the array part by index, then the hash part in insertion
 * order through a live iterator per traversal (`cursors`), which deleting
 * visited keys does not disturb. The array part never shrinks when a key
 * is deleted (its slot becomes `undefined`), so a position in it stays
 * valid; it is given up only by an insert (`spill`), which the spec lets
 * change the order.
 */
class Table {
  constructor() {
    /** @type {Array<StoredValue | undefined>} */
    this.arr = [];
    /** Keys present in `arr`. */
    this.arrCount = 0;
    /** @type {Map<string, StoredValue>} */
    this.hash = new Map();
    /** Keys of `hash` that are integers in 1..2^31-1. */
    this.hashInts = 0;
    this.border = 0;
    /** @type {Map<string, Iterator<[string, StoredValue]>>} */
    this.cursors = new Map();
    /** The last `next` answer in the hash part, so a retry with a bigger buffer repeats it. */
    this.lastNext = null;
  }

  get size() {
    return this.arrCount + this.hash.size;
  }
}

/** @typedef {number | boolean | string | Uint8Array} StoredValue */

/** Reused arguments of `String.fromCharCode`. */
const charCodes = [];

/** Latin-1 string of the bytes `m[p .. p + n)`. */
function latin1(m, p, n) {
  if (n === 9) {
    return String.fromCharCode(m[p], m[p + 1], m[p + 2], m[p + 3], m[p + 4], m[p + 5], m[p + 6], m[p + 7], m[p + 8]);
  }
  if (n <= 4096) {
    charCodes.length = n;
    for (let i = 0; i < n; i++) charCodes[i] = m[p + i];
    return String.fromCharCode.apply(null, charCodes);
  }
  let s = '';
  for (let i = 0; i < n; i += 4096) s += latin1(m, p + i, Math.min(4096, n - i));
  return s;
}

/** Latin-1 string of `bytes`: a Map key with byte equality. */
export function keyString(bytes) {
  return latin1(bytes, 0, bytes.length);
}

/** The key string of the integer key `n` (tag 0x02, i64 LE), 0 ≤ n < 2^53. */
function intKeyString(n) {
  const hi = Math.floor(n / TWO_32);
  const lo = n - hi * TWO_32;
  return String.fromCharCode(2, lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24, hi & 255, (hi >>> 8) & 255, (hi >>> 16) & 255, hi >>> 24);
}

/** The integer of the key `m[p .. p + n)` if it is an integer key in 1..2^31-1, else 0. */
function indexKey(m, p, n) {
  if (n !== 9 || m[p] !== 2 || (m[p + 4] & 0x80) !== 0 || (m[p + 5] | m[p + 6] | m[p + 7] | m[p + 8]) !== 0) return 0;
  return m[p + 1] | (m[p + 2] << 8) | (m[p + 3] << 16) | (m[p + 4] << 24);
}

/** The stored form of the value bytes `m[p .. p + n)` (a copy: they may be Wasm memory). */
function storedValue(m, p, n) {
  if (n === 9 && m[p] === 2) {
    const hi = m[p + 5] | (m[p + 6] << 8) | (m[p + 7] << 16) | (m[p + 8] << 24);
    if (hi >= -0x200000 && hi < 0x200000) {
      return hi * TWO_32 + ((m[p + 1] | (m[p + 2] << 8) | (m[p + 3] << 16) | (m[p + 4] << 24)) >>> 0);
    }
  } else if (n === 2 && m[p] === 1 && m[p + 1] < 2) {
    return m[p + 1] === 1;
  }
  if (n <= SMALL_VALUE) return latin1(m, p, n);
  return m.slice(p, p + n);
}

/** The stored form of `bytes`, which the store may keep. */
function ownedValue(bytes) {
  return bytes.length <= SMALL_VALUE ? storedValue(bytes, 0, bytes.length) : bytes;
}

/** The length of a stored value's bytes. */
function valueLength(v) {
  switch (typeof v) {
    case 'number':
      return 9;
    case 'boolean':
      return 2;
    default:
      return v.length;
  }
}

/** Writes `02` and the i64 LE of the integer `v` (|v| ≤ 2^53) at `m[p]`. */
function writeInt(m, p, v) {
  let lo = v;
  let hi = v < 0 ? -1 : 0;
  if ((v | 0) !== v) {
    hi = Math.floor(v / TWO_32);
    lo = v - hi * TWO_32;
  }
  m[p] = 2;
  m[p + 1] = lo;
  m[p + 2] = lo >>> 8;
  m[p + 3] = lo >>> 16;
  m[p + 4] = lo >>> 24;
  m[p + 5] = hi;
  m[p + 6] = hi >> 8;
  m[p + 7] = hi >> 16;
  m[p + 8] = hi >> 24;
}

/** Writes the bytes of a stored value at `m[p]`. */
function writeValue(m, p, v) {
  switch (typeof v) {
    case 'number':
      writeInt(m, p, v);
      return;
    case 'boolean':
      m[p] = 1;
      m[p + 1] = v ? 1 : 0;
      return;
    case 'string':
      for (let i = 0; i < v.length; i++) m[p + i] = v.charCodeAt(i);
      return;
    default:
      m.set(v, p);
  }
}

/** The bytes of a stored value as a `Uint8Array` (the store's own for a long value). */
function valueBytes(v) {
  if (v instanceof Uint8Array) return v;
  const bytes = new Uint8Array(valueLength(v));
  writeValue(bytes, 0, v);
  return bytes;
}

/** Writes the u32 LE `n` at `m[p]`. */
function writeU32(m, p, n) {
  m[p] = n;
  m[p + 1] = n >>> 8;
  m[p + 2] = n >>> 16;
  m[p + 3] = n >>> 24;
}

/**
 * Whether the integer key `k` (≥ 1) is in `t`. (The border never passes
 * the array part, whose next key is never in the hash part, so the second
 * line is a safeguard.)
 */
function hasIndex(t, k) {
  if (k <= t.arr.length) return t.arr[k - 1] !== undefined;
  return t.hashInts !== 0 && t.hash.has(intKeyString(k));
}

/** Moves the border past the key `border + 1` just added, over the keys present after it. */
function advanceBorder(t) {
  do t.border++;
  while (hasIndex(t, t.border + 1));
}

/** Appends the integer keys after the array part that are in the hash part. */
function migrate(t) {
  while (t.hashInts !== 0) {
    const k = intKeyString(t.arr.length + 1);
    const v = t.hash.get(k);
    if (v === undefined) return;
    t.hash.delete(k);
    t.hashInts--;
    t.arr.push(v);
    t.arrCount++;
  }
}

/**
 * Moves the keys of a mostly empty array part past the border into the
 * hash part: it keeps `1..border`, all present.
 */
function spill(t) {
  const arr = t.arr;
  for (let i = t.border; i < arr.length; i++) {
    if (arr[i] === undefined) continue;
    t.hash.set(intKeyString(i + 1), arr[i]);
    t.hashInts++;
  }
  arr.length = t.border;
  t.arrCount = t.border;
}

/** Removes the key `m[p .. p + n)` from `t`; what it counted against the store limit (0 if absent). */
function removeKey(t, m, p, n) {
  const k = indexKey(m, p, n);
  let old;
  if (k !== 0 && k <= t.arr.length) {
    old = t.arr[k - 1];
    if (old === undefined) return 0;
    t.arr[k - 1] = undefined;
    t.arrCount--;
  } else {
    if (k !== 0 && t.hashInts === 0) return 0;
    const s = latin1(m, p, n);
    old = t.hash.get(s);
    if (old === undefined) return 0;
    t.hash.delete(s);
    if (k !== 0) t.hashInts--;
  }
  if (k !== 0 && k <= t.border) t.border = k - 1;
  return n + valueLength(old) + ENTRY_COST;
}

/**
 * An in-memory store implementing the calls of spec §11.3 for one runtime
 * instance (see `Table` for how it keeps entries). Call
 * {@link MapStore#attach} with the instance's memory before the first call.
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
    /** A view of the memory, replaced when growth detaches it. */
    this.bytes = new Uint8Array(0);
    /** The last table looked up (tables are only ever dropped by `replaceAll`). */
    this.lastId = -1;
    this.lastTable = undefined;
  }

  /** Points the store at the runtime's linear memory. */
  attach(memory) {
    this.memory = memory;
    this.bytes = new Uint8Array(memory.buffer);
  }

  /** A current view of memory (growth detaches old views, which then have length 0). */
  view() {
    const m = this.bytes;
    return m.length !== 0 ? m : (this.bytes = new Uint8Array(this.memory.buffer));
  }

  fail(status, message) {
    this.error = message;
    return status;
  }

  table(id) {
    id >>>= 0;
    if (id === this.lastId) return this.lastTable;
    const t = this.tables.get(id);
    if (t !== undefined) {
      this.lastId = id;
      this.lastTable = t;
    }
    return t;
  }

  noTable(id) {
    return this.fail(Status.NO_SUCH_TABLE, `ext.table ${id >>> 0} does not exist`);
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
    for (const t of this.tables.values()) n += t.size;
    return n;
  }

  /**
   * Stores the value `v` (stored form, `len` bytes) under the key
   * `m[p .. p + n)` of `t`; false, changing nothing, when that would take
   * the store past its limit.
   */
  put(t, m, p, n, v, len) {
    const k = indexKey(m, p, n);
    if (k !== 0 && k <= t.arr.length) {
      const old = t.arr[k - 1];
      const grow = old === undefined ? n + len + ENTRY_COST : len - valueLength(old);
      if (!this.fits(grow)) return false;
      this.size += grow;
      t.arr[k - 1] = v;
      if (old === undefined) {
        t.arrCount++;
        if (k === t.border + 1) advanceBorder(t);
      }
      return true;
    }
    let s = null;
    if (k === 0 || t.hashInts !== 0) {
      s = latin1(m, p, n);
      const old = t.hash.get(s);
      if (old !== undefined) {
        const grow = len - valueLength(old);
        if (!this.fits(grow)) return false;
        this.size += grow;
        t.hash.set(s, v);
        return true;
      }
    }
    const grow = n + len + ENTRY_COST;
    if (!this.fits(grow)) return false;
    this.size += grow;
    if (t.arr.length >= SPARSE_MIN && t.arrCount * 4 < t.arr.length) spill(t);
    if (k !== 0 && k === t.arr.length + 1) {
      t.arr.push(v);
      t.arrCount++;
      if (t.hashInts !== 0) migrate(t);
    } else {
      t.hash.set(s ?? latin1(m, p, n), v);
      if (k !== 0) t.hashInts++;
    }
    if (k !== 0 && k === t.border + 1) advanceBorder(t);
    return true;
  }

  /** The stored value under the key `m[p .. p + n)` of `t`, or undefined. */
  lookup(t, m, p, n) {
    const k = indexKey(m, p, n);
    if (k !== 0) {
      if (k <= t.arr.length) return t.arr[k - 1];
      if (t.hashInts === 0) return undefined;
    }
    return t.hash.get(latin1(m, p, n));
  }

  create(outIdPtr) {
    if (this.nextId > 0xffffffff) return this.fail(Status.IDS_EXHAUSTED, 'no table ids left');
    if (!this.fits(TABLE_COST)) return this.fail(Status.QUOTA, quotaMessage(this.quota));
    const id = this.nextId++;
    this.tables.set(id, new Table());
    this.size += TABLE_COST;
    writeU32(this.view(), outIdPtr, id);
    return 0;
  }

  contains(id) {
    return this.tables.has(id >>> 0) ? 1 : 0;
  }

  get(id, keyPtr, keyLen, outPtr, outCap) {
    const t = this.table(id);
    if (t === undefined) return this.noTable(id);
    const m = this.view();
    const v = this.lookup(t, m, keyPtr, keyLen);
    if (v === undefined) return Status.ABSENT;
    const n = valueLength(v);
    if (n <= outCap) writeValue(m, outPtr, v);
    return n;
  }

  set(id, keyPtr, keyLen, valuePtr, valueLen) {
    const t = this.table(id);
    if (t === undefined) return this.noTable(id);
    const m = this.view();
    if (this.put(t, m, keyPtr, keyLen, storedValue(m, valuePtr, valueLen), valueLen)) return 0;
    return this.fail(Status.QUOTA, quotaMessage(this.quota));
  }

  delete(id, keyPtr, keyLen) {
    const t = this.table(id);
    if (t === undefined) return this.noTable(id);
    this.size -= removeKey(t, this.view(), keyPtr, keyLen);
    return 0;
  }

  // Host-side access (not part of the ABI): the JS package writes
  // `_io.input` and reads `_io.output` here directly, so those buffers
  // never cross into Wasm memory just to be stored. The runtime validates
  // every value it reads, wherever it came from.

  /**
   * The value bytes under the encoded key `key` of table `id`, or
   * undefined. The array may be the store's own: do not modify it.
   */
  readEntry(id, key) {
    const t = this.table(id);
    if (t === undefined) return undefined;
    const v = this.lookup(t, key, 0, key.length);
    return v === undefined ? undefined : valueBytes(v);
  }

  /**
   * Stores `value` (LXT bytes, owned by the store from now on) under the
   * encoded key `key` of table `id`; `undefined` deletes the entry. A value
   * that would take the store past its limit throws a RangeError and
   * changes nothing.
   */
  writeEntry(id, key, value) {
    const t = this.table(id);
    if (t === undefined) throw new RangeError(`ext.table ${id >>> 0} does not exist`);
    if (value === undefined) {
      this.size -= removeKey(t, key, 0, key.length);
      return;
    }
    if (!this.put(t, key, 0, key.length, ownedValue(value), value.length)) throw new RangeError(quotaMessage(this.quota));
  }

  len(id, outPtr) {
    const t = this.table(id);
    if (t === undefined) return this.noTable(id);
    const m = this.view();
    const hi = Math.floor(t.border / TWO_32);
    writeU32(m, outPtr, t.border - hi * TWO_32);
    writeU32(m, outPtr + 4, hi);
    return 0;
  }

  /**
   * The entry after `after` (the first for an empty `after`): the array
   * part by index, then the hash part in insertion order.
   */
  next(id, afterPtr, afterLen, outPtr, outCap) {
    const t = this.table(id);
    if (t === undefined) return this.noTable(id);
    const m = this.view();
    const k = afterLen === 0 ? 0 : indexKey(m, afterPtr, afterLen);
    if (afterLen !== 0 && (k === 0 || k > t.arr.length)) {
      return this.nextInHash(t, latin1(m, afterPtr, afterLen), false, outPtr, outCap);
    }
    // `after` is in the array part (or absent): the next present index.
    const arr = t.arr;
    for (let i = k; i < arr.length; i++) {
      const v = arr[i];
      if (v === undefined) continue;
      const n = 4 + 9 + valueLength(v);
      if (n <= outCap) {
        writeU32(m, outPtr, 9);
        writeInt(m, outPtr + 4, i + 1);
        writeValue(m, outPtr + 13, v);
      }
      return n;
    }
    return this.nextInHash(t, afterLen === 0 ? '' : latin1(m, afterPtr, afterLen), true, outPtr, outCap);
  }

  /**
   * The entry of the hash part after the key string `after`, or its first
   * entry when `first`. Traversals follow the Map's insertion order
   * through a live iterator per traversal.
   */
  nextInHash(t, after, first, outPtr, outCap) {
    let answer = t.lastNext !== null && t.lastNext.after === after && t.lastNext.first === first ? t.lastNext : null;
    if (answer === null) {
      const iterator = first ? t.hash.entries() : this.cursorAfter(t, after);
      if (iterator === null) return this.fail(Status.INVALID, "invalid key to 'next'");
      const step = iterator.next();
      answer = { after, first, iterator, entry: step.done ? null : step.value };
      t.lastNext = answer;
    }
    if (answer.entry === null) {
      t.lastNext = null;
      t.cursors.delete(after);
      return Status.END;
    }
    const [key, value] = answer.entry;
    const n = 4 + key.length + valueLength(value);
    if (n > outCap) return n;
    const m = this.view();
    writeU32(m, outPtr, key.length);
    for (let i = 0; i < key.length; i++) m[outPtr + 4 + i] = key.charCodeAt(i);
    writeValue(m, outPtr + 4 + key.length, value);
    t.lastNext = null;
    t.cursors.delete(after);
    if (t.cursors.size >= MAX_CURSORS) t.cursors.delete(t.cursors.keys().next().value);
    t.cursors.set(key, answer.iterator);
    return n;
  }

  /** An iterator of the hash part positioned just after `after`, or null if it is unknown. */
  cursorAfter(t, after) {
    const known = t.cursors.get(after);
    if (known !== undefined) return known;
    // A traversal this store did not see begin: find `after` by scanning.
    const iterator = t.hash.entries();
    for (let step = iterator.next(); !step.done; step = iterator.next()) {
      if (step.value[0] === after) return iterator;
    }
    return null;
  }

  tableIds(outPtr, outCap) {
    const ids = [...this.tables.keys()].sort((a, b) => a - b);
    const n = 4 * ids.length;
    if (n > outCap) return n;
    const m = this.view();
    ids.forEach((id, i) => writeU32(m, outPtr + 4 * i, id));
    return n;
  }

  /** Replaces every table by those of a snapshot the runtime has checked (§12). */
  replaceAll(ptr, len) {
    const bytes = this.view().slice(ptr, ptr + len);
    const tables = readSnapshotTables(bytes);
    let size = 0;
    for (const [, entries] of tables) {
      size += TABLE_COST;
      for (const [key, value] of entries) size += key.length + value.length + ENTRY_COST;
    }
    for (const id of [HOME_ID, IO_ID]) if (!tables.some(([t]) => t === id)) size += TABLE_COST;
    if (this.quota >= 0 && size > this.quota) return this.fail(Status.QUOTA, quotaMessage(this.quota));
    const quota = this.quota;
    this.quota = -1;
    let maxId = 2;
    this.tables = new Map();
    this.lastId = -1;
    this.lastTable = undefined;
    for (const [id, entries] of tables) {
      const t = new Table();
      // The sequence 1, 2, … first and in order, so that it forms the array part.
      const index = (e) => indexKey(e[0], 0, e[0].length);
      const ints = entries.filter((e) => index(e) !== 0).sort((a, b) => index(a) - index(b));
      for (const list of [ints, entries.filter((e) => index(e) === 0)]) {
        for (const [key, value] of list) this.put(t, key, 0, key.length, ownedValue(value), value.length);
      }
      this.tables.set(id, t);
      maxId = Math.max(maxId, id);
    }
    for (const id of [HOME_ID, IO_ID]) if (!this.tables.has(id)) this.tables.set(id, new Table());
    this.quota = quota;
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
