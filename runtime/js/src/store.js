/**
 * The host side of external tables (spec §11): every table is kept in
 * JavaScript (an array part for the keys 1..n and a hash part in insertion
 * order for the others, see `Table`), so large data stays out of
 * WebAssembly memory. The runtime calls these methods with pointers and
 * lengths into its memory; results are status codes, and an output that
 * does not fit is reported by its length and asked for again (§11.5).
 *
 * @module luaxt/store
 */

import { SlotIndex } from './slot-index.js';

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
/** The traversals of one table whose place `next` keeps after their last key is deleted (see `Table`). */
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

/** A hash part with at least this many positions, more than half of them emptied, is compacted. */
const COMPACT_MIN = 64;

/**
 * A table (spec §11.1). Entries are kept in two parts, as Lua keeps its
 * own tables:
 *
 * - the **array part** `arr`: the value of the integer key `i` at
 *   `arr[i - 1]` for `1 ≤ i ≤ arr.length` (`undefined` where a key is
 *   absent), and in `present` which of its slots hold one. A new key
 *   `arr.length + 1` is appended, and the integer keys that follow it move
 *   over from the hash part;
 * - the **hash part**: every other key, by its key string (the key bytes
 *   as Latin-1 characters, so equal bytes are equal strings), in insertion
 *   order: a new key takes the next **position** in `entries`, and
 *   `positions` maps the key string to it. A deleted entry leaves its
 *   position empty (`live` tells which hold an entry); when more than half
 *   are empty, the entries move down to the first positions, in the same
 *   order (`compact`). `hashInts` counts its integer keys in the array
 *   part's range, so most integer misses never build a key string.
 *
 * A value is kept in the most compact form that gives back its bytes
 * exactly: an LXT integer of at most 53 bits as a JS number (`02` and the
 * i64), a boolean as a JS boolean (`01 00`, `01 01`), up to `SMALL_VALUE`
 * bytes as a string of the bytes, and anything longer as a `Uint8Array`.
 * A small entry then costs the JS heap 8 bytes (an integer in the array
 * part) to about 120 (a string key and a short value), where a `Map`
 * entry of an object and two `Uint8Array`s cost about 550.
 *
 * `next` walks the array part by index, then the hash part by position.
 * The array part never shrinks when a key is deleted (its slot becomes
 * `undefined`), so a position in it stays valid; it is given up only by
 * an insert (`spill`), which the spec lets change the order. In the hash
 * part, `cursors` remembers where the last key given to each traversal
 * was (for `MAX_CURSORS` traversals at most; a compaction moves them
 * along), so deleting it does not disturb the traversal; after any other
 * key, a traversal goes on from where that key is, and a key that is
 * neither is invalid.
 *
 * No call walks the table: `SlotIndex` finds the next present key, the
 * next hole (the border) and the next live position in O(log n), and a
 * spill or a compaction moves entries that earlier calls put there, so its
 * cost is amortized over those calls.
 */
class Table {
  constructor() {
    /** @type {Array<StoredValue | undefined>} */
    this.arr = [];
    /** The slots of `arr` that hold a value. */
    this.present = new SlotIndex();
    /**
     * The hash part by position: the key string of position `at` at
     * `entries[2 * at]`, its value after it (both `undefined` once deleted).
     * @type {Array<string | StoredValue | undefined>}
     */
    this.entries = [];
    /** @type {Map<string, number>} */
    this.positions = new Map();
    /** The positions of the hash part that hold an entry. */
    this.live = new SlotIndex();
    /** Keys of the hash part that are integers in 1..2^31-1. */
    this.hashInts = 0;
    this.border = 0;
    /**
     * The key last returned by each traversal of the hash part → the
     * position it goes on from; made by the first such traversal.
     * @type {Map<string, number> | null}
     */
    this.cursors = null;
  }

  get size() {
    return this.present.count + this.positions.size;
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

/** Adds the key string `s` to the end of the hash part of `t`. */
function hashAdd(t, s, v) {
  const at = t.entries.length / 2;
  t.entries.push(s, v);
  t.positions.set(s, at);
  t.live.add(at);
}

/** Removes the key string `s` from the hash part of `t`; its value, or undefined if absent. */
function hashDelete(t, s) {
  const at = t.positions.get(s);
  if (at === undefined) return undefined;
  const old = t.entries[2 * at + 1];
  t.positions.delete(s);
  t.entries[2 * at] = undefined;
  t.entries[2 * at + 1] = undefined;
  t.live.remove(at);
  if (t.entries.length >= 2 * COMPACT_MIN && t.positions.size * 4 < t.entries.length) compact(t);
  return old;
}

/**
 * Moves the hash part's entries to the first positions, in order; a
 * traversal's cursor moves to the position of the entry it would have
 * given next.
 */
function compact(t) {
  const old = t.entries;
  const entries = [];
  // The cursors' positions in order, and where each one goes.
  const from = t.cursors === null ? [] : [...new Set(t.cursors.values())].sort((a, b) => a - b);
  const to = new Map();
  let c = 0;
  for (let at = 0; 2 * at < old.length; at++) {
    const key = old[2 * at];
    if (key === undefined) continue;
    const moved = entries.length / 2;
    for (; c < from.length && from[c] <= at; c++) to.set(from[c], moved);
    t.positions.set(key, moved);
    entries.push(key, old[2 * at + 1]);
  }
  for (; c < from.length; c++) to.set(from[c], entries.length / 2);
  if (t.cursors !== null) for (const [key, at] of t.cursors) t.cursors.set(key, to.get(at));
  t.entries = entries;
  t.live.reset(entries.length / 2);
}

/** Moves the border past the key `border + 1` just added, over the keys present after it. */
function advanceBorder(t) {
  // The key `arr.length + 1` is never in the hash part (`migrate` takes
  // it), so the border stops at the first empty slot of the array part.
  t.border = t.present.nextFree(t.border);
}

/** Appends the integer keys after the array part that are in the hash part. */
function migrate(t) {
  while (t.hashInts !== 0) {
    const v = hashDelete(t, intKeyString(t.arr.length + 1));
    if (v === undefined) return;
    t.hashInts--;
    t.present.add(t.arr.length);
    t.arr.push(v);
  }
}

/**
 * Moves the keys of a mostly empty array part past the border into the
 * hash part: it keeps `1..border`, all present.
 */
function spill(t) {
  const arr = t.arr;
  for (let i = t.present.nextOccupied(t.border); i !== -1; i = t.present.nextOccupied(i + 1)) {
    hashAdd(t, intKeyString(i + 1), arr[i]);
    t.hashInts++;
  }
  arr.length = t.border;
  t.present.truncate(t.border);
}

/** Removes the key `m[p .. p + n)` from `t`; what it counted against the store limit (0 if absent). */
function removeKey(t, m, p, n) {
  const k = indexKey(m, p, n);
  let old;
  if (k !== 0 && k <= t.arr.length) {
    old = t.arr[k - 1];
    if (old === undefined) return 0;
    t.arr[k - 1] = undefined;
    t.present.remove(k - 1);
  } else {
    if (k !== 0 && t.hashInts === 0) return 0;
    old = hashDelete(t, latin1(m, p, n));
    if (old === undefined) return 0;
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
        t.present.add(k - 1);
        if (k === t.border + 1) advanceBorder(t);
      }
      return true;
    }
    let s = null;
    if (k === 0 || t.hashInts !== 0) {
      s = latin1(m, p, n);
      const at = t.positions.get(s);
      if (at !== undefined) {
        const grow = len - valueLength(t.entries[2 * at + 1]);
        if (!this.fits(grow)) return false;
        this.size += grow;
        t.entries[2 * at + 1] = v;
        return true;
      }
    }
    const grow = n + len + ENTRY_COST;
    if (!this.fits(grow)) return false;
    this.size += grow;
    if (t.arr.length >= SPARSE_MIN && t.present.count * 4 < t.arr.length) spill(t);
    if (k !== 0 && k === t.arr.length + 1) {
      t.present.add(k - 1);
      t.arr.push(v);
      if (t.hashInts !== 0) migrate(t);
    } else {
      hashAdd(t, s ?? latin1(m, p, n), v);
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
    const at = t.positions.get(latin1(m, p, n));
    return at === undefined ? undefined : t.entries[2 * at + 1];
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
    const i = k < t.arr.length ? t.present.nextOccupied(k) : -1;
    if (i !== -1) {
      const v = t.arr[i];
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
   * entry when `first`. A traversal goes on from the position its cursor
   * remembers for `after`, else from after the position of `after`; a key
   * that is neither is invalid. Nothing changes until an entry is written,
   * so a call again with a bigger buffer gives the same entry (§11.5).
   */
  nextInHash(t, after, first, outPtr, outCap) {
    let from = 0;
    if (!first) {
      from = t.cursors === null ? undefined : t.cursors.get(after);
      if (from === undefined) {
        const at = t.positions.get(after);
        if (at === undefined) return this.fail(Status.INVALID, "invalid key to 'next'");
        from = at + 1;
      }
    }
    const at = t.live.nextOccupied(from);
    if (at === -1) {
      if (t.cursors !== null) t.cursors.delete(after);
      return Status.END;
    }
    const key = t.entries[2 * at];
    const value = t.entries[2 * at + 1];
    const n = 4 + key.length + valueLength(value);
    if (n > outCap) return n;
    const m = this.view();
    writeU32(m, outPtr, key.length);
    for (let i = 0; i < key.length; i++) m[outPtr + 4 + i] = key.charCodeAt(i);
    writeValue(m, outPtr + 4 + key.length, value);
    const cursors = t.cursors ?? (t.cursors = new Map());
    cursors.delete(after);
    if (cursors.size >= MAX_CURSORS) cursors.delete(cursors.keys().next().value);
    cursors.set(key, at + 1);
    return n;
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
