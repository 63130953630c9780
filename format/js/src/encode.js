// The encoder: a JS value → one canonical LXT document (§2 values, §4
// canonical form, §8 JS → LXT).
//
// Writes into one growing buffer. A small result is a copy and the buffer is
// reused; a large one is handed over (the result is a view of the whole
// written buffer, which the encoder never touches again), which saves a copy
// of the document and its page faults. Recursion depth is bounded by
// maxDepth (tables) and cycles are caught first.

import { T_NIL, T_BOOL, T_INT, T_FLOAT, T_STR, T_BYTES, T_TABLE, T_REF, TWO_32, U32_MAX, I64_MIN, I64_MAX } from './tags.js';
import {
  encodeError,
  describe,
  withPath,
  indexSegment,
  propSegment,
  mapKeySegment,
  finishEncodeError,
} from './errors.js';
import { checkOptions, limitOption, ENCODE_OPTIONS } from './limits.js';
import { isTableRef, isU32, REF_BRAND } from './ref.js';
import { encodeUtf8Short, encodeUtf8Long } from './utf8.js';
import { unbrandedTableKind, arrayExtent, sparseIndices, mapTable } from './tables.js';
import { shapeOf } from './object-keys.js';

const INITIAL_OUT = 64 * 1024;
const KEEP_OUT_MAX = 64 * 1024 * 1024; // a larger buffer is dropped after the call
const HAND_OVER_MIN = 1024 * 1024; // results this large take the buffer itself…
// …when they fill at least half of it (the result's ArrayBuffer is at most
// twice its length).
const EMPTY = new Uint8Array(0);

// In Node, output buffers come from Buffer.allocUnsafeSlow (an ArrayBuffer
// of their own, not zero-filled: calloc's zeroing cost about 0.4 ms per
// 14 MB buffer). The encoder writes every byte of a document and zeroes the
// rest of a buffer before it hands it over, so no stale memory is ever
// visible through a result's ArrayBuffer.
const allocUnsafe = typeof globalThis.Buffer?.allocUnsafeSlow === 'function' ? globalThis.Buffer.allocUnsafeSlow : null;

function newOutput(size) {
  if (allocUnsafe === null) return new Uint8Array(size);
  const b = allocUnsafe(size);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

// The output buffer, a DataView of it, and the write position. They are
// fields of one constant object, not module-level `let`s: V8 reaches these
// faster from the many functions that read and write them (the 20 k record
// encode took 0.88–0.97× the time in paired runs), and the generated
// object writers, which cannot see this module's scope, get the object
// itself.
const buf = { out: EMPTY, view: new DataView(EMPTY.buffer), wp: 0 };
setOutput(newOutput(INITIAL_OUT));
let nextCapacity = INITIAL_OUT; // the size of a new buffer after a hand-over
let encMaxDepth = 128;
let encMaxSize = 268435456;
let open = []; // the tables being written, by depth (cycle detection)
let encoding = false;

/**
 * Encodes a JS value as a canonical LXT document (§4, mapping of §8).
 *
 * @param {*} value
 * @param {{ maxDepth?: number, maxSize?: number }} [options]
 * @returns {Uint8Array} a fresh array: its ArrayBuffer belongs to it alone
 *   (never reused by the encoder), and may be larger than the document
 * @throws {LxtError} `invalid_key`, `duplicate_key`, `depth_exceeded`,
 *   `length_overflow`, `invalid_utf8`, `integer_overflow`, `cycle`,
 *   `unsupported_type`; offset -1, `path` like `$.a[3]`
 */
export function serializeObject(value, options) {
  checkOptions(options, ENCODE_OPTIONS, 'serializeObject');
  const maxDepth = limitOption(options, 'maxDepth');
  const maxSize = limitOption(options, 'maxSize');
  if (encoding) return serializeReentrant(value, maxDepth, maxSize);
  encoding = true;
  buf.wp = 0;
  encMaxDepth = maxDepth;
  encMaxSize = maxSize;
  if (buf.out.length === 0) setOutput(newOutput(nextCapacity));
  try {
    writeValue(value, 0);
    if (buf.wp > maxSize) throw encodeError('length_overflow', ` (document of ${buf.wp} bytes > max_size ${maxSize})`);
    return result();
  } catch (err) {
    throw finishEncodeError(err);
  } finally {
    // Cleared, not truncated: regrowing it every call costs about 5 % of an encode.
    open.fill(null);
    if (open.length > 256) open.length = 0;
    if (buf.out.length > KEEP_OUT_MAX) {
      setOutput(EMPTY);
      nextCapacity = INITIAL_OUT;
    }
    encoding = false;
  }
}

/**
 * The document written: a copy when it is small (the buffer is reused), else
 * the buffer itself; the next call then starts with a buffer about as large
 * (documents of one program tend to have similar sizes).
 */
function result() {
  if (buf.wp < HAND_OVER_MIN || buf.wp < buf.out.length >>> 1) return buf.out.slice(0, buf.wp);
  if (allocUnsafe !== null) buf.out.fill(0, buf.wp);
  const doc = buf.out.subarray(0, buf.wp);
  nextCapacity = Math.max(INITIAL_OUT, buf.wp + (buf.wp >>> 3));
  setOutput(EMPTY);
  return doc;
}

/** serializeObject called from a getter during another call: use fresh state. */
function serializeReentrant(value, maxDepth, maxSize) {
  const saved = [buf.out, buf.wp, encMaxDepth, encMaxSize, open];
  setOutput(new Uint8Array(256));
  open = [];
  encoding = false;
  try {
    return serializeObject(value, { maxDepth, maxSize });
  } finally {
    setOutput(saved[0]);
    [, buf.wp, encMaxDepth, encMaxSize, open] = saved;
    encoding = true;
  }
}

function setOutput(buffer) {
  buf.out = buffer;
  buf.view = new DataView(buffer.buffer);
}

/** Makes room for `n` more bytes. */
function ensure(n) {
  if (buf.wp + n > buf.out.length) grow(buf.wp + n);
}

function grow(required) {
  let size = Math.max(buf.out.length * 2, INITIAL_OUT);
  while (size < required) size *= 2;
  const bigger = newOutput(size);
  bigger.set(buf.out.subarray(0, buf.wp));
  setOutput(bigger);
}

function writeU32(at, v) {
  buf.out[at] = v;
  buf.out[at + 1] = v >>> 8;
  buf.out[at + 2] = v >>> 16;
  buf.out[at + 3] = v >>> 24;
}

/** Writes one value; `depth` is the number of tables around it. */
function writeValue(v, depth) {
  switch (typeof v) {
    case 'string':
      writeString(v);
      return;
    case 'number':
      writeNumber(v);
      return;
    case 'object':
      if (v === null) break;
      writeObject(v, depth);
      return;
    case 'boolean':
      ensure(2);
      buf.out[buf.wp] = T_BOOL;
      buf.out[buf.wp + 1] = v ? 1 : 0;
      buf.wp += 2;
      return;
    case 'bigint':
      writeBigInt(v);
      return;
    case 'undefined':
      break;
    default:
      throw encodeError('unsupported_type', `: ${typeof v}`);
  }
  ensure(1);
  buf.out[buf.wp++] = T_NIL; // null / undefined at top level (§8)
}

/** number: a safe integer (not -0) → integer, anything else → float (§8). */
function writeNumber(x) {
  ensure(9);
  writeNumberInRoom(x);
}

/**
 * writeNumber where the room is made (9 bytes). Small enough for V8 to
 * inline into the array and record loops: the two common cases (an int32
 * that is not -0, a finite float that is not a safe integer) are here, the
 * rest (-0, larger safe integers, NaN) in writeOtherNumber.
 */
function writeNumberInRoom(x) {
  if ((x | 0) === x && (x !== 0 || 1 / x > 0)) {
    buf.out[buf.wp] = T_INT;
    buf.view.setInt32(buf.wp + 1, x, true);
    buf.view.setInt32(buf.wp + 5, x >> 31, true); // the sign, extended
    buf.wp += 9;
  } else if (x === x && !Number.isSafeInteger(x)) {
    buf.out[buf.wp] = T_FLOAT;
    buf.view.setFloat64(buf.wp + 1, x, true);
    buf.wp += 9;
  } else writeOtherNumber(x);
}

/** writeNumberInRoom's rare cases: -0 and NaN (floats), safe integers past int32. */
function writeOtherNumber(x) {
  if (Number.isSafeInteger(x) && (x !== 0 || 1 / x > 0)) {
    buf.out[buf.wp] = T_INT;
    writeU32(buf.wp + 1, x >>> 0);
    writeU32(buf.wp + 5, Math.floor(x / TWO_32) | 0);
    buf.wp += 9;
  } else writeFloat(x);
}

/** §2.4 float; NaN always as the canonical 0x7FF8000000000000 (§4.3). */
function writeFloat(x) {
  buf.out[buf.wp] = T_FLOAT;
  if (x !== x) {
    writeU32(buf.wp + 1, 0);
    writeU32(buf.wp + 5, 0x7ff80000);
  } else buf.view.setFloat64(buf.wp + 1, x, true);
  buf.wp += 9;
}

/** BigInt in i64 range → integer; outside → `integer_overflow` (§8). */
function writeBigInt(x) {
  if (x < I64_MIN || x > I64_MAX) throw encodeError('integer_overflow', `: ${x}n`);
  ensure(9);
  buf.out[buf.wp] = T_INT;
  buf.view.setBigInt64(buf.wp + 1, x, true);
  buf.wp += 9;
}

/** §2.5 string: UTF-8 with a u32 length; lone surrogates → `invalid_utf8`. */
function writeString(s) {
  const len = s.length;
  if (len > encMaxSize) throw tooLong('string', len);
  ensure(5 + len * 3);
  const start = buf.wp + 5;
  const p = len <= 64 ? encodeUtf8Short(buf.out, start, s) : encodeUtf8Long(buf.out, start, s);
  const bytes = p - start;
  if (bytes > encMaxSize || bytes > U32_MAX) throw tooLong('string', bytes);
  buf.out[buf.wp] = T_STR;
  writeU32(buf.wp + 1, bytes);
  buf.wp = p;
}

function tooLong(what, len) {
  return encodeError('length_overflow', ` (${what} of ${len} > max_size ${Math.min(encMaxSize, U32_MAX)})`);
}

/**
 * Objects: the TableRef brand first (§8.2: a branded array is a reference),
 * then Array, bytes, Map, plain object; anything else is unsupported (§8).
 */
function writeObject(v, depth) {
  writeObjectBranded(v, depth, isTableRef(v));
}

/**
 * writeObject with the brand test (`v[REF_BRAND] === true`, isTableRef's)
 * already made by the caller: the hot callers (array elements, the
 * generated object writers) make it inline, at a site that sees few kinds
 * of object, where one shared test sees them all (and is slow).
 */
function writeObjectBranded(v, depth, branded) {
  switch (branded ? null : unbrandedTableKind(v)) {
    case 'array':
      return writeArrayTable(v, depth);
    case 'object':
      return writeObjectTable(v, depth);
    case 'map':
      return writeMapTable(v, depth);
  }
  if (isTableRef(v)) writeRef(v);
  else if (v instanceof Uint8Array) writeBytes(v);
  else throw encodeError('unsupported_type', `: ${describe(v)}`);
}

/** §2.6 bytes (Uint8Array, Buffer). */
function writeBytes(b) {
  const len = b.length;
  if (len > encMaxSize || len > U32_MAX) throw tooLong('bytes', len);
  ensure(5 + len);
  buf.out[buf.wp] = T_BYTES;
  writeU32(buf.wp + 1, len);
  buf.out.set(b, buf.wp + 5);
  buf.wp += 5 + len;
}

/** §2.8 reference: a branded object whose id is a u32. */
function writeRef(r) {
  const id = r.id;
  if (!isU32(id)) throw encodeError('unsupported_type', `: TableRef id ${describe(id)} is not a u32`);
  ensure(5);
  buf.out[buf.wp] = T_REF;
  writeU32(buf.wp + 1, id);
  buf.wp += 5;
}

/** Enters a table: `cycle` if it is already open, `depth_exceeded` past max_depth. */
function enterTable(t, depth) {
  for (let k = 0; k < depth; k++) {
    if (open[k] === t) throw encodeError('cycle');
  }
  if (depth >= encMaxDepth) throw depthExceeded();
  open[depth] = t;
}

// Out of enterTable, which is then small enough for V8 to inline.
function depthExceeded() {
  return encodeError('depth_exceeded', ` (more than ${encMaxDepth} nested tables)`);
}

/** A table count (array or hash part) past max_size → `length_overflow`. */
function checkCount(n) {
  if (n > encMaxSize) throw tooLong('table', n);
}

/** Writes a table header `06 n`; the hash count follows the array values. */
function writeTableHeader(n) {
  checkCount(n);
  ensure(5);
  buf.out[buf.wp] = T_TABLE;
  writeU32(buf.wp + 1, n);
  buf.wp += 5;
}

/** Writes a u32 hash count. */
function writeCount(m) {
  checkCount(m);
  ensure(4);
  writeU32(buf.wp, m);
  buf.wp += 4;
}

/**
 * Array → table (§8, §4.1): element i is key i+1; null/undefined/holes are
 * absent keys. The leading run of present elements is the array part, the
 * rest go to the hash part as integer keys in bytewise (LE) order.
 */
function writeArrayTable(a, depth) {
  enterTable(a, depth);
  const len = a.length;
  // The array part is written as it is found (one load per element) and its
  // count filled in after; a count that could exceed max_size is checked first.
  if (len > encMaxSize) checkCount(arrayExtent(a));
  ensure(5);
  const headerAt = buf.wp;
  buf.wp += 5;
  let i = 0;
  try {
    while (i < len) {
      const v = a[i];
      if (typeof v === 'number') {
        i = (v | 0) === v ? writeIntRun(a, i, len) : writeFloatRun(a, i, len);
        continue;
      }
      if (typeof v === 'string') writeString(v);
      else if (v === null || v === undefined) break;
      else if (typeof v === 'object') writeObjectBranded(v, depth + 1, v[REF_BRAND] === true);
      else writeValue(v, depth + 1);
      i++;
    }
  } catch (err) {
    throw withPath(err, indexSegment(i));
  }
  const n = i;
  buf.out[headerAt] = T_TABLE;
  writeU32(headerAt + 1, n);
  if (n + 1 >= len) writeCount(0);
  else writeSparseTail(a, n + 1, depth);
}

/**
 * Writes the numbers of an array from a[i] on and returns the index of the
 * first element that is not a number (or `len`). Two copies of one loop,
 * picked by the first number, so that each reads mostly one kind of array
 * (small integers, or doubles, which it then reads without a number object
 * each). Room is made for a chunk of numbers at a time.
 */
const RUN_CHUNK = 256; // numbers written per check for room

function writeIntRun(a, i, len) {
  while (i < len) {
    const end = Math.min(len, i + RUN_CHUNK);
    ensure(9 * (end - i));
    for (; i < end; i++) {
      const v = a[i];
      if (typeof v !== 'number') return i;
      writeNumberInRoom(v);
    }
  }
  return i;
}

function writeFloatRun(a, i, len) {
  while (i < len) {
    const end = Math.min(len, i + RUN_CHUNK);
    ensure(9 * (end - i));
    for (; i < end; i++) {
      const v = a[i];
      if (typeof v !== 'number') return i;
      writeNumberInRoom(v);
    }
  }
  return i;
}

/** The hash part of an array with holes: keys i+1 for present a[i], i ≥ start. */
function writeSparseTail(a, start, depth) {
  const indices = sparseIndices(a, start);
  writeCount(indices.length);
  let i = -1;
  try {
    for (let k = 0; k < indices.length; k++) {
      i = indices[k];
      const key = i + 1;
      ensure(9);
      buf.out[buf.wp] = T_INT;
      writeU32(buf.wp + 1, key);
      writeU32(buf.wp + 5, 0);
      buf.wp += 9;
      writeValue(a[i], depth + 1);
    }
  } catch (err) {
    throw withPath(err, indexSegment(i));
  }
}

/**
 * Plain object → table with string keys (§8): own enumerable string keys,
 * null/undefined values omitted, keys in bytewise order of their encodings.
 */
function writeObjectTable(obj, depth) {
  enterTable(obj, depth);
  const keys = Object.keys(obj);
  writeTableHeader(0);
  if (keys.length === 0) {
    writeCount(0);
    return;
  }
  const shape = shapeOf(keys);
  ensure(4);
  const countAt = buf.wp;
  buf.wp += 4;
  const write = shape.writer === null ? shapeWriter(shape) : shape.writer;
  const m = write === false ? writeEntries(obj, shape, depth + 1) : write(obj, depth + 1);
  writeU32(countAt, m);
}

/** Writes the entries of `obj` (a plain object of `shape`); returns how many were not nil. */
function writeEntries(obj, shape, depth) {
  const sorted = shape.sorted;
  let m = 0;
  let k = 0;
  try {
    for (; k < sorted.length; k++) {
      const v = obj[sorted[k]];
      if (v === null || v === undefined) continue;
      writeKey(shape, k);
      if (typeof v === 'number') writeNumber(v);
      else writeValue(v, depth);
      m++;
    }
  } catch (err) {
    throw withPath(err, propSegment(sorted[k]));
  }
  return m;
}

// Objects of a common shape get a generated writeEntries with one property
// load per key: each load site sees one key (and mostly one hidden class),
// where the loop's `obj[sorted[k]]` sees them all and is megamorphic. The
// generated code also stores each key as constant words, with one check for
// room that covers a number after it (written in place by writeNumberInRoom).
const WRITER_AFTER = 8; // objects of a shape before its writer is generated
let canCompile = true; // false where eval is not allowed (CSP)

/** The shape's generated writer once the shape is common, else false (use writeEntries). */
function shapeWriter(shape) {
  if (!canCompile || ++shape.uses < WRITER_AFTER) return false;
  const lines = [];
  for (let k = 0; k < shape.sorted.length; k++) {
    lines.push(
      `k = ${k}; v = o[${JSON.stringify(shape.sorted[k])}];`,
      `if (v !== null && v !== undefined) { ${keyWriterCode(shape, k)} if (typeof v === 'number') numIn(v); else if (typeof v === 'string') str(v); else if (typeof v === 'object') obj(v, depth, v[B] === true); else value(v, depth); m++; }`,
    );
  }
  const body = `return function (o, depth) {
  let k = 0, v, m = 0, p, view;
  try {
    ${lines.join('\n    ')}
  } catch (err) {
    throw fail(err, S.sorted[k]);
  }
  return m;
};`;
  try {
    shape.writer = new Function('key', 'buf', 'ensure', 'value', 'numIn', 'str', 'obj', 'B', 'fail', 'S', body)(
      writeKey,
      buf,
      ensure,
      writeValue,
      writeNumberInRoom,
      writeString,
      writeObjectBranded,
      REF_BRAND,
      failAt,
      shape,
    );
  } catch {
    canCompile = false;
    shape.writer = false;
  }
  return shape.writer;
}

// Keys of up to this many words are stored by the generated code itself.
const INLINE_KEY_WORDS = 16;

/**
 * The generated code that writes key k and makes room for a number after
 * it. A key of up to INLINE_KEY_WORDS words is stored as constant words in
 * place (the padding after it is overwritten next), a longer one by writeKey.
 */
function keyWriterCode(shape, k) {
  const from = shape.wordAt[k];
  const to = shape.wordAt[k + 1];
  if (to - from > INLINE_KEY_WORDS) return `key(S, ${k}); ensure(9);`;
  const room = 4 * (to - from) + 9;
  const stores = [];
  for (let w = from; w < to; w++) stores.push(`view.setInt32(p + ${4 * (w - from)}, ${shape.words[w]}, true);`);
  return `p = buf.wp; if (p + ${room} > buf.out.length) ensure(${room}); view = buf.view; ${stores.join(' ')} buf.wp = p + ${shape.lengths[k]};`;
}

function failAt(err, key) {
  return withPath(err, propSegment(key));
}

/** Writes the shape's key k, a word at a time (the padding after it is overwritten next). */
function writeKey(shape, k) {
  const words = shape.words;
  const from = shape.wordAt[k];
  const to = shape.wordAt[k + 1];
  ensure(4 * (to - from));
  const view = buf.view;
  let p = buf.wp;
  for (let w = from; w < to; w++, p += 4) view.setInt32(p, words[w], true);
  buf.wp += shape.lengths[k];
}

/**
 * Map → table (§8): keys by the key rules (§3) and normalised, equal keys →
 * `duplicate_key`, null/undefined values omitted, then canonical form:
 * integer keys 1..n in the array part, the rest sorted by encoded key.
 */
function writeMapTable(map, depth) {
  enterTable(map, depth);
  const { array, arrayKeys, hash } = mapTable(map);
  writeTableHeader(array.length);
  let current = null;
  try {
    for (let i = 0; i < array.length; i++) {
      current = arrayKeys[i];
      writeValue(array[i], depth + 1);
    }
    writeCount(hash.length);
    for (const [, bytes, value, key] of hash) {
      current = key;
      ensure(bytes.length);
      buf.out.set(bytes, buf.wp);
      buf.wp += bytes.length;
      writeValue(value, depth + 1);
    }
  } catch (err) {
    throw withPath(err, mapKeySegment(current));
  }
}

