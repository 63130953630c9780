// The decoder: one LXT document → JS values (§2 values, §4 canonical
// checks, §5 errors in wire order, §8 mapping).
//
// The decoder is iterative: every open table is a Frame in `framePool`, so a
// hostile 100 000-deep nest costs no JS stack and stops at max_depth.

import { T_NIL, T_BOOL, T_INT, T_FLOAT, T_STR, T_BYTES, T_TABLE, T_REF, TWO_32, TWO_63 } from './tags.js';
import { decodeError, hexByte } from './errors.js';
import { checkOptions, limitOption, strictOption, DECODE_OPTIONS } from './limits.js';
import { TableRef } from './ref.js';
import { decodeUtf8 } from './utf8.js';
import { cachedKey, KEY_CACHE_MAX_LEN } from './key-cache.js';
import { keyString, keyOrderAt } from './keys.js';
import { setOwn } from './tables.js';
import { SHAPE_MAX_KEYS, shapeFor, learnShape, buildFromShape } from './decode-shapes.js';
import { canonicalise } from './decode-canonical.js';

/** Frame modes: what the table is being decoded into. */
const M_ARRAY = 0; // array part only so far
const M_PENDING = 1; // no array part, hash part started, first key not read
const M_OBJECT = 2; // no array part, string keys in canonical order → plain object
const M_MAP = 3; // canonical so far → Map in wire (= canonical) order
const M_SLOW = 4; // entries collected, canonicalised when the table ends
const M_SHAPE = 5; // like M_OBJECT, following a learned key sequence (a DecodedShape)

/** One open table. Frames are pooled by depth and reused across calls. */
class Frame {
  constructor() {
    this.tagAt = 0; // offset of the 0x06 tag
    this.n = 0; // array count
    this.i = 0; // array values read
    this.m = -1; // hash count (-1: not read yet)
    this.j = 0; // hash values read
    this.mode = M_ARRAY;
    this.holes = false; // a nil in the array part (noncanonical)
    this.arr = null; // array part values up to the first nil
    this.moved = null; // after a nil: flat [key, value, …] of the array values that follow (§4.4)
    this.obj = null; // M_OBJECT result
    this.map = null; // M_MAP result
    this.entries = null; // M_SLOW: flat [key, value, enc, …] of hash entries
    this.seen = null; // M_SLOW: Set of encoded hash keys (binary strings)
    this.key = undefined; // the hash key whose value is read next
    this.keyEnc = ''; // its encoding (M_SLOW only)
    this.prevStart = -1; // wire bytes of the previous hash key (order check)
    this.prevEnd = -1;
    this.dupAt = -1; // first later occurrence of a duplicate key
    this.shape = null; // M_SHAPE: the predicted key sequence
    this.vals = []; // M_SHAPE: values so far (reused)
    this.keys = []; // M_OBJECT: keys in wire order, to learn a shape (reused)
  }
}

const framePool = [];
const FRAME_POOL_KEEP = 256; // frames kept between calls (deeper documents allocate more)
let framesUsed = 0; // frames opened by the current call
const EMPTY = new Uint8Array(0);
const LARGE_DOCUMENT = 1 << 20; // bytes
const EMPTY_VIEW = new DataView(EMPTY.buffer);

// The document, a DataView of it, its length and the read position: fields
// of one constant object rather than module-level `let`s, which V8 reaches
// more slowly from the many functions that read them (as in encode.js).
const doc = { src: EMPTY, view: EMPTY_VIEW, end: 0, rp: 0 };
let decMaxDepth = 128;
let decMaxSize = 268435456;
let decLarge = false; // a large document (see buildFromShape)
let noncanonAt = -1; // first noncanonical item (wire order), -1 if none
let decoding = false;

/**
 * Decodes one LXT document (§1) into JS values by the mapping of §8.
 *
 * Lenient by default: noncanonical but valid input is accepted (nil table
 * entries dropped, float keys normalised, any NaN read as NaN, tables
 * canonicalised). With `strict: true` such input gives `noncanonical` (only
 * when nothing else is wrong, §4.6).
 *
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} bytes
 * @param {{ maxDepth?: number, maxSize?: number, strict?: boolean }} [options]
 * @returns {*} null, boolean, number, bigint, string, Uint8Array, Array,
 *   plain object, Map or TableRef
 * @throws {LxtError} with the class and byte offset of §5
 */
export function deserializeObject(bytes, options) {
  const input = asBytes(bytes);
  checkOptions(options, DECODE_OPTIONS, 'deserializeObject');
  const maxDepth = limitOption(options, 'maxDepth');
  const maxSize = limitOption(options, 'maxSize');
  const strict = strictOption(options);
  if (input.length > maxSize) {
    throw decodeError('length_overflow', 0, ` (document of ${input.length} bytes > max_size ${maxSize})`);
  }
  if (decoding) throw new Error('deserializeObject is not re-entrant');
  decoding = true;
  doc.src = input;
  doc.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  doc.end = input.length;
  decLarge = input.length >= LARGE_DOCUMENT;
  doc.rp = 0;
  decMaxDepth = maxDepth;
  decMaxSize = maxSize;
  noncanonAt = -1;
  framesUsed = 0;
  try {
    const value = decodeDocument();
    if (doc.rp < doc.end) throw decodeError('trailing_bytes', doc.rp);
    if (strict && noncanonAt >= 0) throw decodeError('noncanonical', noncanonAt);
    return value;
  } catch (err) {
    releaseFrames(); // tables left open by the error hold partial results
    throw err;
  } finally {
    if (framePool.length > FRAME_POOL_KEEP) framePool.length = FRAME_POOL_KEEP;
    doc.src = EMPTY;
    doc.view = EMPTY_VIEW;
    decoding = false;
  }
}

function releaseFrames() {
  const used = Math.min(framesUsed, framePool.length);
  for (let d = 0; d < used; d++) {
    const f = framePool[d];
    f.arr = f.obj = f.map = f.entries = f.seen = f.shape = f.moved = null;
    f.key = undefined;
    f.vals.length = 0;
  }
}

/** Accepts Uint8Array (Buffer included), ArrayBuffer and other views as bytes. */
function asBytes(bytes) {
  if (bytes instanceof Uint8Array) {
    // A plain Uint8Array view, so that .slice() copies (Buffer#slice does not).
    return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw new TypeError('deserializeObject expects a Uint8Array, Buffer or ArrayBuffer');
}

/** Records the first noncanonical item (§4.6); reported only in strict mode. */
function noteNoncanonical(at) {
  if (noncanonAt < 0) noncanonAt = at;
}

/** u32 little-endian at `at` (the caller has checked the bounds). */
function u32At(at) {
  return (doc.src[at] | (doc.src[at + 1] << 8) | (doc.src[at + 2] << 16)) + doc.src[at + 3] * 0x1000000;
}

/**
 * The main loop: reads the document's value, opening a Frame for each table
 * and handing each finished value to the innermost open table.
 */
function decodeDocument() {
  let depth = 0;
  let value;
  outer: for (;;) {
    const at = doc.rp;
    const tag = at < doc.end ? doc.src[at] : -1;
    if (tag === T_TABLE) {
      if (depth >= decMaxDepth) {
        throw decodeError('depth_exceeded', at, ` (more than ${decMaxDepth} nested tables)`);
      }
      const frame = openTable(depth, at);
      depth++;
      if (fillTable(frame)) continue;
      value = closeTable(frame);
      depth--;
    } else {
      value = readScalar(tag, at, depth);
    }
    while (depth > 0) {
      const frame = framePool[depth - 1];
      storeItem(frame, value);
      if (fillTable(frame)) continue outer;
      value = closeTable(frame);
      depth--;
    }
    return value;
  }
}

/** Reads a non-table value whose tag (or -1 at the end of input) is at `at`. */
function readScalar(tag, at, depth) {
  switch (tag) {
    case T_NIL:
      if (depth > 0) noteNoncanonical(at); // §4.4: a table never holds nil
      doc.rp = at + 1;
      return null;
    case T_BOOL:
      return readBool(at);
    case T_INT:
      return readInt(at);
    case T_FLOAT:
      return readFloatValue(at);
    case T_STR:
      return readString(at, false);
    case T_BYTES:
      return readBytes(at);
    case T_REF:
      return readRef(at);
    case -1:
      throw decodeError('truncated', at);
    default:
      throw decodeError('unknown_tag', at, hexByte(tag));
  }
}

/** §2.2 boolean: one payload byte, 0x00 or 0x01. */
function readBool(at) {
  if (doc.end - at < 2) throw decodeError('truncated', at + 1);
  const b = doc.src[at + 1];
  if (b > 1) throw decodeError('invalid_bool', at + 1, hexByte(b));
  doc.rp = at + 2;
  return b === 1;
}

/** §2.3 integer: i64 LE → number when |v| ≤ 2^53−1, else BigInt (§8). */
function readInt(at) {
  if (doc.end - at < 9) throw decodeError('truncated', at + 1);
  const lo = u32At(at + 1);
  const hi = doc.view.getInt32(at + 5, true);
  doc.rp = at + 9;
  if (hi >= -0x200000 && hi < 0x200000) {
    const v = hi * TWO_32 + lo;
    if (v !== -9007199254740992) return v;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** §2.4 float: binary64 LE → number (-0, NaN, ±Infinity, subnormals exact). */
function readFloat(at) {
  if (doc.end - at < 9) throw decodeError('truncated', at + 1);
  doc.rp = at + 9;
  return doc.view.getFloat64(at + 1, true);
}

/** A float value in a table (§2.4), a noncanonical NaN noted (§4.3). */
function readFloatValue(at) {
  const v = readFloat(at);
  if (v !== v && !isCanonicalNaN(at)) noteNoncanonical(at);
  return v;
}

/**
 * The array of an array part whose first value is a float: its own
 * allocation site, so V8 learns to make such arrays hold unboxed doubles.
 */
function newFloatArray(n) {
  return new Array(n);
}

/** §4.3: the only canonical NaN is 0x7FF8000000000000. */
function isCanonicalNaN(at) {
  return u32At(at + 1) === 0 && u32At(at + 5) === 0x7ff80000;
}

/**
 * Reads the u32 length of a string or bytes value at `at` and checks it
 * against the bytes left and max_size (§5 `length_overflow` at the field).
 * Returns the content start; `rp` moves past the content.
 */
function readLengthPrefixed(at) {
  if (doc.end - at < 5) throw decodeError('truncated', at + 1);
  const len = u32At(at + 1);
  const start = at + 5;
  if (len > doc.end - start) throw decodeError('length_overflow', at + 1, ` (${len} > ${doc.end - start})`);
  if (len > decMaxSize) throw decodeError('length_overflow', at + 1, ` (${len} > max_size ${decMaxSize})`);
  doc.rp = start + len;
  return start;
}

/** §2.6 bytes → a Uint8Array copy. */
function readBytes(at) {
  const start = readLengthPrefixed(at);
  return doc.src.slice(start, doc.rp);
}

/** §2.8 reference → TableRef. */
function readRef(at) {
  if (doc.end - at < 5) throw decodeError('truncated', at + 1);
  doc.rp = at + 5;
  return new TableRef(u32At(at + 1));
}

/** §2.5: reads a string value (or, with `isKey`, a string key) whose tag is at `at`. */
function readString(at, isKey) {
  const start = readLengthPrefixed(at);
  const len = doc.rp - start;
  if (len === 0) return '';
  if (isKey && len <= KEY_CACHE_MAX_LEN) return cachedKey(doc.src, start, len);
  return decodeUtf8(doc.src, start, len);
}

// §2.7 tables.
const PREALLOCATE_MAX = 256;

/** Opens the table whose 0x06 tag is at `at`: reads and checks the array count. */
function openTable(depth, at) {
  if (doc.end - at < 5) throw decodeError('truncated', at + 1);
  const n = u32At(at + 1);
  doc.rp = at + 5;
  if (n > doc.end - doc.rp) throw decodeError('length_overflow', at + 1, ` (${n} values > ${doc.end - doc.rp} bytes left)`);
  if (n > decMaxSize) throw decodeError('length_overflow', at + 1, ` (${n} > max_size ${decMaxSize})`);
  let f = framePool[depth];
  if (f === undefined) f = framePool[depth] = new Frame();
  if (depth >= framesUsed) framesUsed = depth + 1;
  f.tagAt = at;
  f.n = n;
  f.i = 0;
  f.m = -1;
  f.j = 0;
  f.mode = M_ARRAY;
  f.holes = false;
  // Preallocate only small array parts: a declared count is checked against
  // the bytes left, but nested headers could still claim depth × input size.
  f.arr = n === 0 ? null : n > PREALLOCATE_MAX ? [] : doc.rp < doc.end && doc.src[doc.rp] === T_FLOAT ? newFloatArray(n) : new Array(n);
  f.obj = f.map = f.entries = f.seen = f.moved = null;
  f.prevStart = -1;
  f.dupAt = -1;
  f.shape = null;
  return f;
}

/**
 * Reads the table's entries whose values are scalars, in place; returns true
 * when a value that is a table comes next (its tag at `rp`, its key already
 * read), false when the table is complete.
 */
function fillTable(f) {
  while (f.i < f.n) {
    const at = doc.rp;
    const tag = at < doc.end ? doc.src[at] : -1;
    if (tag === T_TABLE) return true;
    if (tag === T_FLOAT && !f.holes) {
      // Floats straight into the array: no number object per value.
      f.arr[f.i++] = readFloatValue(at);
      continue;
    }
    storeArrayValue(f, readScalar(tag, at, 1));
  }
  if (f.m < 0) readHashCount(f);
  while (f.j < f.m) {
    readKey(f);
    const at = doc.rp;
    const tag = at < doc.end ? doc.src[at] : -1;
    if (tag === T_TABLE) return true;
    storeHashValue(f, readScalar(tag, at, 1));
  }
  return false;
}

/** Stores a table value (never nil) in the table: the next array slot or the pending key. */
function storeItem(f, value) {
  if (f.i < f.n) storeArrayValue(f, value);
  else storeHashValue(f, value);
}

/**
 * Stores the next array-part value. Lenient decoding drops a nil (key i is
 * absent, §4.4): the array part ends there, and the values after it are
 * kept as [key, value] pairs for the hash part, so nils cost no memory.
 */
function storeArrayValue(f, value) {
  if (f.holes) {
    if (value !== null) f.moved.push(f.i + 1, value);
  } else if (value === null) {
    f.holes = true;
    f.arr.length = f.i;
    f.moved = [];
  } else f.arr[f.i] = value;
  f.i++;
}

/** Stores the value of the pending hash key. */
function storeHashValue(f, value) {
  f.j++;
  if (value === null) {
    if (f.mode === M_SHAPE) leaveShape(f, f.j - 1);
    dropNilEntry(f);
    return;
  }
  switch (f.mode) {
    case M_OBJECT:
      setOwn(f.obj, f.key, value);
      break;
    case M_SHAPE:
      f.vals[f.j - 1] = value;
      break;
    case M_MAP:
      f.map.set(f.key, value);
      break;
    default:
      f.entries.push(f.key, value, f.keyEnc);
  }
}

/** A `__proto__` key becomes an own data property, never the prototype (§8). */

/** Reads the hash count (after the array part) and picks how to build the table. */
function readHashCount(f) {
  const at = doc.rp;
  if (doc.end - at < 4) throw decodeError('truncated', at);
  const m = u32At(at);
  doc.rp = at + 4;
  if (2 * m > doc.end - doc.rp) throw decodeError('length_overflow', at, ` (${m} pairs need ${2 * m} bytes > ${doc.end - doc.rp} left)`);
  if (m > decMaxSize) throw decodeError('length_overflow', at, ` (${m} > max_size ${decMaxSize})`);
  f.m = m;
  if (m === 0) return;
  if (f.holes) {
    f.mode = M_SLOW;
    f.entries = [];
    f.seen = new Set();
  } else if (f.n > 0) {
    const map = new Map();
    const arr = f.arr;
    for (let i = 0; i < f.n; i++) map.set(i + 1, arr[i]);
    f.map = map;
    f.mode = M_MAP;
  } else f.mode = M_PENDING;
}

/**
 * Reads a hash key (§3): a scalar, never nil, NaN or a table
 * (`invalid_key` at its tag). Checks canonical order, array extent and
 * normalisation (§4.2, §4.1, §4.5) and notes duplicates (§5), which are
 * reported when the table ends.
 */
function readKey(f) {
  const at = doc.rp;
  if (f.mode === M_SHAPE) {
    if (matchShapeKey(f, at)) return;
    leaveShape(f, f.j);
  }
  const tag = at < doc.end ? doc.src[at] : -1;
  let key;
  let normalised = false;
  switch (tag) {
    case T_STR:
      key = readString(at, true);
      break;
    case T_INT:
      key = readInt(at);
      break;
    case T_BOOL:
      key = readBool(at);
      break;
    case T_FLOAT:
      key = readFloat(at);
      if (key !== key) throw decodeError('invalid_key', at, ': NaN');
      if (Number.isInteger(key) && key >= -TWO_63 && key < TWO_63) {
        key = key === 0 ? 0 : Number.isSafeInteger(key) ? key : BigInt(key); // §3.2 (-0.0 → 0)
        normalised = true;
      }
      break;
    case T_BYTES:
      key = readBytes(at);
      break;
    case T_REF:
      key = readRef(at);
      break;
    case T_NIL:
      throw decodeError('invalid_key', at, ': nil');
    case T_TABLE:
      throw decodeError('invalid_key', at, ': table');
    case -1:
      throw decodeError('truncated', at);
    default:
      throw decodeError('unknown_tag', at, hexByte(tag));
  }
  f.key = key;
  if (f.mode === M_PENDING) startHash(f, key, tag);
  const rule = checkKeyRules(f, key, tag, at, normalised);
  if (f.mode !== M_SLOW) checkKeyFast(f, key, tag, at, rule);
  if (f.mode === M_SLOW) checkKeySlow(f, key, at);
  else if (f.mode === M_OBJECT) f.keys.push(key);
}

/**
 * The canonical-form rules of a hash key, checked in every mode (§4.5 a
 * normalised float key, §4.1 the key n+1, §4.2 a key not above the
 * previous one in wire order). Returns KEY_NONCANONICAL (noted), KEY_SAME
 * (the same bytes as the previous key) or KEY_ABOVE.
 */
function checkKeyRules(f, key, tag, at, normalised) {
  const c = f.prevStart >= 0 ? keyOrderAt(doc.src, f.prevStart, f.prevEnd, at, doc.rp) : -1;
  f.prevStart = at;
  f.prevEnd = doc.rp;
  if (normalised || (tag === T_INT && key === f.n + 1) || c > 0) {
    noteNoncanonical(at);
    return KEY_NONCANONICAL;
  }
  return c === 0 ? KEY_SAME : KEY_ABOVE;
}

/**
 * The first hash key of a table without array part picks the JS value: a
 * string key starts a plain object (following a learned shape when one
 * starts with this key and has m keys), any other key a Map.
 */
function startHash(f, key, tag) {
  if (tag !== T_STR) {
    f.map = new Map();
    f.mode = M_MAP;
    return;
  }
  const shape = shapeFor(key, f.m);
  if (shape !== undefined) {
    f.shape = shape;
    f.mode = M_SHAPE;
  } else {
    f.obj = {};
    f.keys.length = 0;
    f.mode = M_OBJECT;
  }
}

const KEY_NONCANONICAL = 0;
const KEY_SAME = 1;
const KEY_ABOVE = 2;

/**
 * Duplicate bookkeeping while the table is canonical so far: keys strictly
 * increase bytewise, so a duplicate can only equal the previous key or an
 * array index. A noncanonical key, or a non-string key in an object, moves
 * the frame to the slow path.
 */
function checkKeyFast(f, key, tag, at, rule) {
  if (rule === KEY_NONCANONICAL) {
    toSlow(f);
    return;
  }
  const inArray = tag === T_INT && typeof key === 'number' && key >= 1 && key <= f.n;
  if ((rule === KEY_SAME || inArray) && f.dupAt < 0) f.dupAt = at;
  if (f.mode === M_OBJECT && tag !== T_STR) toSlow(f); // a bytes/ref key after strings: not an object
}

/** Key checks on the slow path: a Set of encoded keys sees every duplicate. */
function checkKeySlow(f, key, at) {
  if (typeof key === 'number' && key >= 1 && key <= f.n && Number.isInteger(key)) {
    if (f.dupAt < 0) f.dupAt = at;
  }
  const enc = keyString(key);
  if (f.seen.has(enc)) {
    if (f.dupAt < 0) f.dupAt = at;
  } else f.seen.add(enc);
  f.keyEnc = enc;
}

/** Moves the hash entries read so far into the slow path's entry list and key Set. */
function toSlow(f) {
  const entries = [];
  const seen = new Set();
  if (f.mode === M_OBJECT) {
    const obj = f.obj;
    for (const key of Object.keys(obj)) {
      const enc = keyString(key);
      seen.add(enc);
      entries.push(key, obj[key], enc);
    }
  } else if (f.mode === M_MAP) {
    let skip = f.n; // the array part stays in f.arr
    for (const [key, value] of f.map) {
      if (skip > 0) {
        skip--;
        continue;
      }
      const enc = keyString(key);
      seen.add(enc);
      entries.push(key, value, enc);
    }
  }
  f.entries = entries;
  f.seen = seen;
  f.obj = null;
  f.map = null;
  f.mode = M_SLOW;
}

/** A nil hash value (§4.4): lenient decoding drops the entry, the key stays seen. */
function dropNilEntry(f) {
  if (f.mode !== M_SLOW) {
    toSlow(f);
    f.seen.add(keyString(f.key));
  }
}

/** Ends a table: reports a duplicate key (§5), then builds the JS value (§8). */
function closeTable(f) {
  if (f.dupAt >= 0) throw decodeError('duplicate_key', f.dupAt);
  let result;
  switch (f.mode) {
    case M_ARRAY:
      result = f.holes ? canonicalise(f) : f.n > 0 ? f.arr : [];
      break;
    case M_OBJECT:
      result = f.obj;
      if (f.m >= 2 && f.m <= SHAPE_MAX_KEYS && f.keys.length === f.m) learnShape(f.keys);
      break;
    case M_SHAPE:
      result = buildFromShape(f.shape, f.vals, decLarge);
      break;
    case M_MAP:
      result = f.map;
      break;
    default:
      result = canonicalise(f);
  }
  f.arr = f.obj = f.map = f.entries = f.seen = f.moved = null;
  f.key = undefined;
  return result;
}

// Shapes (decode-shapes.js): matching a learned key sequence on the wire.

/** Whether the key at `at` is the shape's next key; if so it is consumed. */
function matchShapeKey(f, at) {
  const shape = f.shape;
  const from = shape.offsets[f.j];
  const len = shape.offsets[f.j + 1] - from;
  if (doc.end - at < len) return false;
  // Four bytes at a time, then the tail.
  const view = shape.view;
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    if (doc.view.getInt32(at + k, true) !== view.getInt32(from + k, true)) return false;
  }
  const encoded = shape.encoded;
  for (; k < len; k++) {
    if (doc.src[at + k] !== encoded[from + k]) return false;
  }
  f.key = shape.keys[f.j];
  f.prevStart = at;
  f.prevEnd = doc.rp = at + len;
  return true;
}

/** The object stopped following its shape: continue as M_OBJECT with `count` entries. */
function leaveShape(f, count) {
  const keys = f.shape.keys;
  const obj = {};
  f.keys.length = 0;
  for (let k = 0; k < count; k++) {
    setOwn(obj, keys[k], f.vals[k]);
    f.keys.push(keys[k]);
    f.vals[k] = undefined;
  }
  f.obj = obj;
  f.shape = null;
  f.mode = M_OBJECT;
}
