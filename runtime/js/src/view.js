/**
 * The input as a view (spec §9.7, §11.7): the host keeps a JS value and
 * the runtime reads it a piece at a time, so only what a script touches is
 * encoded and crosses into WebAssembly memory.
 *
 * `ValueInput` answers the runtime's calls (`root`, `get`, `len`, `next`,
 * `chunk`, `value`) for one value. Its tables are the tables the codec
 * would encode the value into (§8.2): the same kinds, keys, border and key
 * order, taken from the codec's own functions, so a view reads what a copy
 * would. Each table gets a node id when it is first handed out.
 *
 * @module luaxt/view
 */

import {
  serializeObject,
  tableKind,
  arrayExtent,
  sparseIndices,
  objectKeysInOrder,
  mapTable,
  keyBinary,
} from 'luaxt-format';
import { Status } from './store.js';

/** Item records (§11.7): a value's LXT bytes, or a table's node id. */
const ITEM_VALUE = 0;
const ITEM_TABLE = 1;

/** Tables whose canonical forms stay cached (an LRU of node ids). */
const FORMS_KEPT = 1024;

/**
 * Bytes of work (`takeWork`, which the runtime charges at 16 bytes a step)
 * for each entry a form lays out: walking, sorting or indexing a table's
 * entries costs about four VM instructions' time each. A script that reads
 * more tables round-robin than FORMS_KEPT makes every read lay its table
 * out again, and pays for it.
 */
const WORK_PER_ENTRY = 64;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What the codec would encode the table `t` (of kind `kind`) into, as far
 * as a reader needs it: `border` (the array part's length), `get(key)` for
 * a decoded key, and `entries()`, the hash part in canonical order as
 * `[binaryKey, keyBytes, value]`, built on first use.
 */
class Form {
  /** `count(n)` is told of every n entries the form lays out (work). */
  constructor(t, kind, count) {
    this.t = t;
    this.kind = kind;
    this.count = count;
    this.hash = null;
    this.positions = null;
    if (kind === 'array') {
      this.border = arrayExtent(t);
      count(this.border);
    } else if (kind === 'map') {
      const table = mapTable(t);
      this.array = table.array;
      this.hash = table.hash;
      this.border = table.array.length;
      count(t.size);
    } else this.border = 0;
  }

  /** The value at the encoded key `key` (a Uint8Array), or undefined. */
  get(key) {
    if (this.kind === 'array') {
      const i = intKey(key);
      if (i === null || i < 1 || i > this.t.length) return undefined;
      return present(this.t[i - 1]);
    }
    if (this.kind === 'object') {
      const name = stringKey(key);
      if (name === null || !Object.prototype.propertyIsEnumerable.call(this.t, name)) return undefined;
      return present(this.t[name]);
    }
    const i = intKey(key);
    if (i !== null && i >= 1 && i <= this.border) return this.array[i - 1];
    return this.index().get(keyBinary(key));
  }

  /** The hash part: `[binaryKey, keyBytes, value]` in canonical order. */
  entries() {
    if (this.hash !== null && this.kind === 'map') return this.hash;
    if (this.hash === null) {
      const hash = [];
      if (this.kind === 'array') {
        for (const i of sparseIndices(this.t, this.border + 1)) {
          const bytes = intKeyBytes(i + 1);
          hash.push([keyBinary(bytes), bytes, this.t[i]]);
        }
      } else {
        for (const [name, bytes] of objectKeysInOrder(this.t)) {
          const value = this.t[name];
          if (value !== null && value !== undefined) hash.push([keyBinary(bytes), bytes, value]);
        }
      }
      this.hash = hash;
      this.count(hash.length);
    }
    return this.hash;
  }

  /** Binary key → value of the hash part (maps only). */
  index() {
    if (this.positions === null) {
      this.positions = new Map(this.entries().map(([k, , v]) => [k, v]));
      this.count(this.positions.size);
    }
    return this.positions;
  }

  /** Binary key → position in `entries()`. */
  positionOf(binary) {
    if (this.order === undefined) {
      this.order = new Map(this.entries().map(([k], at) => [k, at]));
      this.count(this.order.size);
    }
    return this.order.get(binary);
  }
}

/** The text of a string key (tag 0x04), or null (another tag, or not UTF-8). */
function stringKey(key) {
  if (key[0] !== 0x04) return null;
  // Field names are short and ASCII: read them by hand.
  if (key.length <= 37) {
    let name = '';
    for (let i = 5; i < key.length; i++) {
      const c = key[i];
      if (c >= 0x80) return decodeKey(key);
      name += String.fromCharCode(c);
    }
    return name;
  }
  return decodeKey(key);
}

function decodeKey(key) {
  try {
    return utf8.decode(key.subarray(5));
  } catch {
    return null;
  }
}

function present(value) {
  return value === null || value === undefined ? undefined : value;
}

/** The integer of an integer key (tag 0x02) if it is a safe integer, else null. */
function intKey(key) {
  if (key.length !== 9 || key[0] !== 0x02) return null;
  const low = (key[1] | (key[2] << 8) | (key[3] << 16) | (key[4] << 24)) >>> 0;
  const high = key[5] | (key[6] << 8) | (key[7] << 16) | (key[8] << 24);
  const n = high * 0x100000000 + low;
  return Number.isSafeInteger(n) ? n : null;
}

function intKeyBytes(n) {
  const bytes = new Uint8Array(9);
  bytes[0] = 0x02;
  const view = new DataView(bytes.buffer);
  view.setUint32(1, n >>> 0, true);
  view.setInt32(5, Math.floor(n / 0x100000000), true);
  return bytes;
}

/**
 * The runtime's view of one JS value (§11.7). Attach it to the instance's
 * memory, then hand it to `LuaRuntime.setInputView`. The value must not
 * change while a call reads it.
 */
export class ValueInput {
  constructor(value) {
    /** The input (not `value`: that is a method of the ABI). */
    this.input = value;
    /** @type {object[]} node id → table */
    this.nodes = [];
    /** @type {Map<object, number>} table → node id */
    this.ids = new Map();
    /** @type {Map<number, Form>} recently used forms, oldest first */
    this.forms = new Map();
    this.error = '';
    /** The answer that did not fit the caller's buffer, asked for again (§11.5). */
    this.pending = null;
    /** @type {WebAssembly.Memory | null} */
    this.memory = null;
    /** Bytes of work since the last `takeWork` (see WORK_PER_ENTRY). */
    this.work = 0;
    this.countEntries = (n) => {
      this.work += n * WORK_PER_ENTRY;
    };
  }

  /** The work done since the last call, in bytes (§11.7); the runtime charges it. */
  takeWork() {
    const work = this.work;
    this.work = 0;
    return work;
  }

  /** Points the input at the runtime's linear memory. */
  attach(memory) {
    this.memory = memory;
  }

  fail(e) {
    this.error = e instanceof Error ? e.message : String(e);
    return Status.BACKEND;
  }

  nodeOf(t) {
    let id = this.ids.get(t);
    if (id === undefined) {
      id = this.nodes.length;
      this.nodes.push(t);
      this.ids.set(t, id);
    }
    return id;
  }

  form(node) {
    let form = this.forms.get(node);
    if (form !== undefined) {
      this.forms.delete(node);
      this.forms.set(node, form);
      return form;
    }
    const t = this.nodes[node];
    if (t === undefined) throw new RangeError(`no input table ${node}`);
    form = new Form(t, tableKind(t), this.countEntries);
    this.forms.set(node, form);
    if (this.forms.size > FORMS_KEPT) this.forms.delete(this.forms.keys().next().value);
    return form;
  }

  /**
   * The value at the encoded key `key` of table `node`: an Array or a plain
   * object is read directly, a Map through its form.
   */
  lookup(node, key) {
    const t = this.nodes[node];
    if (t === undefined) throw new RangeError(`no input table ${node}`);
    if (Array.isArray(t)) {
      const i = intKey(key);
      return i === null || i < 1 || i > t.length ? undefined : present(t[i - 1]);
    }
    if (!(t instanceof Map)) {
      const name = stringKey(key);
      if (name === null || !Object.prototype.propertyIsEnumerable.call(t, name)) return undefined;
      return present(t[name]);
    }
    return this.form(node).get(key);
  }

  /** The item record of `value`: a node id for a table, else its encoding. */
  item(value) {
    if (tableKind(value) !== null) {
      const record = new Uint8Array(5);
      record[0] = ITEM_TABLE;
      new DataView(record.buffer).setUint32(1, this.nodeOf(value), true);
      return record;
    }
    const bytes = serializeObject(value);
    const record = new Uint8Array(1 + bytes.length);
    record[0] = ITEM_VALUE;
    record.set(bytes, 1);
    return record;
  }

  /**
   * Runs `answer()` and writes its bytes at `outPtr` if they fit (§11.5);
   * returns their length, or ABSENT for null. An answer that does not fit
   * is kept for the same call, which comes again with a bigger buffer
   * (`call()` names it; only computed then).
   */
  answer(call, outPtr, outCap, answer) {
    try {
      let bytes;
      if (this.pending !== null && this.pending.call === call()) bytes = this.pending.bytes;
      else bytes = answer();
      this.pending = null;
      if (bytes === null) return Status.ABSENT;
      if (bytes.length > outCap) {
        this.pending = { call: call(), bytes };
        return bytes.length;
      }
      new Uint8Array(this.memory.buffer, outPtr, bytes.length).set(bytes);
      return bytes.length;
    } catch (e) {
      this.pending = null;
      return this.fail(e);
    }
  }

  /** The key bytes at `ptr`: a view of the runtime's memory, valid during the call. */
  key(ptr, len) {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  root(outPtr, outCap) {
    return this.answer(() => 'root', outPtr, outCap, () => this.item(this.input));
  }

  get(node, keyPtr, keyLen, outPtr, outCap) {
    const key = this.key(keyPtr, keyLen);
    return this.answer(() => `get ${node} ${keyBinary(key)}`, outPtr, outCap, () => {
      const value = this.lookup(node, key);
      return value === undefined ? null : this.item(value);
    });
  }

  len(node) {
    try {
      return this.form(node).border;
    } catch (e) {
      this.fail(e);
      return -1;
    }
  }

  /** The entry after `after` (the first for none): the array part, then the hash part. */
  next(node, afterPtr, afterLen, outPtr, outCap) {
    const after = this.key(afterPtr, afterLen);
    return this.answer(() => `next ${node} ${keyBinary(after)}`, outPtr, outCap, () => {
      const form = this.form(node);
      let position = 0;
      if (after.length > 0) {
        const i = intKey(after);
        if (i !== null && i >= 1 && i <= form.border) position = i;
        else {
          const at = form.positionOf(keyBinary(after));
          if (at === undefined) throw new Error("invalid key to 'next'");
          position = form.border + at + 1;
        }
      }
      let keyBytes;
      let value;
      if (position < form.border) {
        keyBytes = intKeyBytes(position + 1);
        value = form.kind === 'map' ? form.array[position] : form.t[position];
      } else {
        const entry = form.entries()[position - form.border];
        if (entry === undefined) return null;
        [, keyBytes, value] = entry;
      }
      const item = this.item(value);
      const record = new Uint8Array(4 + keyBytes.length + item.length);
      new DataView(record.buffer).setUint32(0, keyBytes.length, true);
      record.set(keyBytes, 4);
      record.set(item, 4 + keyBytes.length);
      return record;
    });
  }

  /** `t[first .. first + count - 1]` (up to the border) as one encoded table. */
  chunk(node, first, count, outPtr, outCap) {
    return this.answer(() => `chunk ${node} ${first} ${count}`, outPtr, outCap, () => {
      const form = this.form(node);
      const start = Math.max(0, first - 1);
      const end = Math.min(form.border, start + count);
      if (form.kind === 'object' || end <= start) return serializeObject([]);
      return serializeObject((form.kind === 'map' ? form.array : form.t).slice(start, end));
    });
  }

  /** Table `node` whole, encoded. */
  value(node, outPtr, outCap) {
    return this.answer(() => `value ${node}`, outPtr, outCap, () => {
      const t = this.nodes[node];
      if (t === undefined) throw new RangeError(`no input table ${node}`);
      return serializeObject(t);
    });
  }

  lastError(outPtr, outCap) {
    const bytes = new TextEncoder().encode(this.error);
    if (bytes.length <= outCap) new Uint8Array(this.memory.buffer).set(bytes, outPtr);
    return bytes.length;
  }
}

/**
 * Whether `value` would encode to more than `limit` bytes, found by a
 * walk that stops as soon as it knows (for the auto input mode: at most
 * about `limit` bytes' worth of work, whatever the size of `value`).
 */
export function encodesLargerThan(value, limit) {
  let size = 0;
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        size += 5 + v.length;
        break;
      case 'number':
      case 'bigint':
        size += 9;
        break;
      case 'boolean':
        size += 2;
        break;
      case 'object':
        if (v === null) break;
        if (v instanceof Uint8Array) size += 5 + v.length;
        else if (Array.isArray(v)) {
          size += 9;
          for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
        } else if (v instanceof Map) {
          size += 9;
          for (const [k, item] of v) {
            stack.push(k);
            stack.push(item);
          }
        } else {
          size += 9;
          for (const k in v) {
            if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
            size += 5 + k.length;
            stack.push(v[k]);
          }
        }
        break;
      default:
        size += 1;
    }
    if (size > limit) return true;
  }
  return false;
}
