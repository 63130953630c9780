// luaxt: the reference JavaScript codec of LXT 1.
//
// The rules live in spec/decisions.md (and the spec chapters that expand it);
// this file follows them in section order:
//   §2 tags and values · §3 keys · §4 canonical form · §5 errors · §6 limits
//   · §8 JavaScript mapping.
// The module has no dependencies and runs in Node >= 20 and in browsers.

// ---------------------------------------------------------------------------
// §2 Tags
// ---------------------------------------------------------------------------

/**
 * The tag byte that starts every LXT value (§2). Bytes 0x08–0xFF are
 * reserved and decode as `unknown_tag`.
 * @readonly
 * @enum {number}
 */
export const Tag = Object.freeze({
  NIL: 0x00,
  BOOL: 0x01,
  INT: 0x02,
  FLOAT: 0x03,
  STR: 0x04,
  BYTES: 0x05,
  TABLE: 0x06,
  REF: 0x07,
});

const T_NIL = 0x00;
const T_BOOL = 0x01;
const T_INT = 0x02;
const T_FLOAT = 0x03;
const T_STR = 0x04;
const T_BYTES = 0x05;
const T_TABLE = 0x06;
const T_REF = 0x07;

const TWO_32 = 4294967296;
const U32_MAX = 0xffffffff;
const TWO_63 = 9223372036854775808; // 2^63 as a double (exact)
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

// ---------------------------------------------------------------------------
// §5 Errors
// ---------------------------------------------------------------------------

/** Short phrases for messages, by the spec's stable class names (§5). */
const PHRASES = {
  truncated: 'truncated input',
  unknown_tag: 'unknown tag',
  invalid_bool: 'invalid boolean',
  invalid_utf8: 'invalid utf-8',
  length_overflow: 'length overflow',
  depth_exceeded: 'nesting depth exceeded',
  invalid_key: 'invalid key',
  duplicate_key: 'duplicate key',
  trailing_bytes: 'trailing bytes',
  noncanonical: 'noncanonical encoding',
  integer_overflow: 'integer out of i64 range',
  cycle: 'cyclic table',
  unsupported_type: 'unsupported type',
};

/**
 * An LXT decode or encode error.
 *
 * `kind` is one of the spec's stable class names (§5): `truncated`,
 * `unknown_tag`, `invalid_bool`, `invalid_utf8`, `length_overflow`,
 * `depth_exceeded`, `invalid_key`, `duplicate_key`, `trailing_bytes`,
 * `noncanonical`, `integer_overflow`, `cycle`, `unsupported_type`.
 *
 * `offset` is the byte offset into the document for decode errors (the
 * offset rules of §5) and -1 for encode errors, which carry a `path` such as
 * `$.a[3]` instead.
 */
export class LxtError extends Error {
  /**
   * @param {string} kind a class name of §5
   * @param {number} offset byte offset (decode) or -1 (encode)
   * @param {string} [message] defaults to the class phrase (and offset)
   */
  constructor(kind, offset, message) {
    super(message ?? (offset >= 0 ? `${PHRASES[kind] ?? kind} at offset ${offset}` : PHRASES[kind] ?? kind));
    this.name = 'LxtError';
    /** @type {string} */
    this.kind = kind;
    /** @type {number} */
    this.offset = offset;
    /** @type {string | undefined} where an encode error happened, e.g. `$.a[3]` */
    this.path = undefined;
  }
}

/** A decode error of `kind` at `offset`; `detail` goes between phrase and offset. */
function decodeError(kind, offset, detail = '') {
  return new LxtError(kind, offset, `${PHRASES[kind]}${detail} at offset ${offset}`);
}

function hexByte(byte) {
  return ' 0x' + byte.toString(16).padStart(2, '0');
}

/** An encode error; the path is added while the error unwinds (see withPath). */
function encodeError(kind, detail = '') {
  const err = new LxtError(kind, -1, PHRASES[kind] + detail);
  err.path = '';
  return err;
}

// ---------------------------------------------------------------------------
// §6 Limits
// ---------------------------------------------------------------------------

/** The spec's default limits (§6): depth 128 tables, size 256 MiB. */
export const DEFAULT_LIMITS = Object.freeze({ maxDepth: 128, maxSize: 268435456 });

const DECODE_OPTIONS = ['maxDepth', 'maxSize', 'strict'];
const ENCODE_OPTIONS = ['maxDepth', 'maxSize'];

/**
 * Refuses an options argument that is not an object or names an option
 * `fn` does not know: a misspelt `{ scrict: true }` must not silently
 * decode leniently.
 */
function checkOptions(options, known, fn) {
  if (options == null) return;
  if (typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object (got ${typeof options})`);
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(name)} (known: ${known.join(', ')})`);
    }
  }
}

/** Reads the boolean option `strict` (default false). */
function strictOption(options) {
  const value = options == null ? undefined : options.strict;
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`LXT option strict must be a boolean (got ${describeOption(value)})`);
  return value;
}

function describeOption(value) {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Reads `maxDepth` / `maxSize` from options, with the defaults of §6. */
function limitOption(options, name) {
  const value = options == null ? undefined : options[name];
  if (value === undefined) return DEFAULT_LIMITS[name];
  if (typeof value !== 'number' || !(value >= 0) || !(Number.isInteger(value) || value === Infinity)) {
    throw new TypeError(`LXT option ${name} must be a non-negative integer (got ${describeOption(value)})`);
  }
  return value;
}

// ---------------------------------------------------------------------------
// §8 TableRef (reference, tag 0x07)
// ---------------------------------------------------------------------------

const REF_BRAND = Symbol.for('luaxt.TableRef');

/**
 * A reference to an external table by u32 id (tag 0x07). The encoder
 * recognises any object that carries `[Symbol.for("luaxt.TableRef")] === true`
 * and a numeric `id`, not only instances of this class.
 */
export class TableRef {
  /** @param {number} id a u32 (0 ≤ id ≤ 4294967295) */
  constructor(id) {
    if (!isU32(id)) throw new RangeError(`TableRef id must be a u32 (got ${String(id)})`);
    /** @type {number} */
    this.id = id;
    this[REF_BRAND] = true;
  }
}

function isU32(id) {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= U32_MAX;
}

function isTableRef(value) {
  return value[REF_BRAND] === true;
}

// ---------------------------------------------------------------------------
// §2.5 UTF-8 (RFC 3629)
// ---------------------------------------------------------------------------

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();
const hasIsWellFormed = typeof String.prototype.isWellFormed === 'function';

/**
 * The index of the first byte of the first invalid or incomplete UTF-8
 * sequence in `bytes[start, end)`, or `end` when all of it is valid
 * (start + Rust's `Utf8Error::valid_up_to`). Rejects overlong forms,
 * surrogates and code points above U+10FFFF (RFC 3629).
 */
function utf8ValidUpTo(bytes, start, end) {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need; // continuation bytes
    let lo = 0x80; // allowed range of the second byte
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong 3-byte forms
      else if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // no overlong 4-byte forms
      else if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    if (i + 1 >= end) return i;
    const b1 = bytes[i + 1];
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      if (i + k >= end || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return end;
}

/** A string is well-formed UTF-16 (no lone surrogates), so it has a UTF-8 form. */
function isWellFormed(s) {
  if (hasIsWellFormed) return s.isWellFormed();
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Latin-1 string of `bytes`: one char per byte, so `<` compares bytewise. */
function bytesToBinary(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  }
  return s;
}

// ---------------------------------------------------------------------------
// §3 Keys: types, normalisation, identity
// ---------------------------------------------------------------------------

/** Describes a JS value for messages. */
function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const name = value.constructor && value.constructor.name;
    return name ? name : 'object';
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  return String(value);
}

/**
 * The normalised canonical encoding of a table key (§3): what the key is on
 * the wire, so two keys are the same key iff these bytes are equal. A host may
 * key a `Map` by these bytes.
 *
 * - boolean → 0x01; string → 0x04 (a lone surrogate → `invalid_utf8`);
 *   Uint8Array → 0x05; TableRef (branded) → 0x07 (id not a u32 →
 *   `unsupported_type`);
 * - number: an integer in i64 range (including -0 and unsafe integers such as
 *   2^60) → integer 0x02, anything else (1.5, ±Infinity, 2^63) → float 0x03,
 *   NaN → `invalid_key`;
 * - BigInt in i64 range → integer, outside → `integer_overflow`;
 * - null, undefined, NaN, tables (Array, Map, plain object) and every other
 *   value (functions, symbols, Date…) → `invalid_key`.
 *
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function encodeKey(value) {
  try {
    return encodeKeyBytes(value);
  } catch (err) {
    if (err instanceof LxtError) err.path = undefined;
    throw err;
  }
}

/** encodeKey without the public error clean-up (encode errors keep a path). */
function encodeKeyBytes(value) {
  switch (typeof value) {
    case 'boolean':
      return Uint8Array.of(T_BOOL, value ? 1 : 0);
    case 'number': {
      if (value !== value) throw encodeError('invalid_key', ': NaN');
      const bytes = new Uint8Array(9);
      const view = new DataView(bytes.buffer);
      if (Number.isInteger(value) && value >= -TWO_63 && value < TWO_63) {
        bytes[0] = T_INT;
        if (Number.isSafeInteger(value)) {
          view.setUint32(1, value >>> 0, true);
          view.setInt32(5, Math.floor(value / TWO_32) | 0, true);
        } else view.setBigInt64(1, BigInt(value), true);
      } else {
        bytes[0] = T_FLOAT;
        view.setFloat64(1, value, true);
      }
      return bytes;
    }
    case 'bigint': {
      if (value < I64_MIN || value > I64_MAX) throw encodeError('integer_overflow', `: ${value}n`);
      const bytes = new Uint8Array(9);
      bytes[0] = T_INT;
      new DataView(bytes.buffer).setBigInt64(1, value, true);
      return bytes;
    }
    case 'string': {
      if (!isWellFormed(value)) throw encodeError('invalid_utf8', ': string with a lone surrogate');
      const utf8 = utf8Encoder.encode(value);
      const bytes = new Uint8Array(5 + utf8.length);
      bytes[0] = T_STR;
      new DataView(bytes.buffer).setUint32(1, utf8.length, true);
      bytes.set(utf8, 5);
      return bytes;
    }
    case 'object':
      if (value === null) break;
      if (value instanceof Uint8Array) {
        const bytes = new Uint8Array(5 + value.length);
        bytes[0] = T_BYTES;
        new DataView(bytes.buffer).setUint32(1, value.length, true);
        bytes.set(value, 5);
        return bytes;
      }
      if (isTableRef(value)) {
        if (!isU32(value.id)) throw encodeError('unsupported_type', `: TableRef id ${describe(value.id)} is not a u32`);
        const bytes = new Uint8Array(5);
        bytes[0] = T_REF;
        new DataView(bytes.buffer).setUint32(1, value.id, true);
        return bytes;
      }
      break;
  }
  throw encodeError('invalid_key', `: ${describe(value)} cannot be a key`);
}

/** The key encoding as a latin-1 string (for Sets and bytewise sorting). */
function keyString(value) {
  return bytesToBinary(encodeKeyBytes(value));
}

/** Sorts `[binaryKey, …]`-bearing records by their binary key (bytewise). */
function byBinaryKey(a, b) {
  return a.enc < b.enc ? -1 : a.enc > b.enc ? 1 : 0;
}

// ---------------------------------------------------------------------------
// Decoder (§2 values, §4 canonical checks, §5 errors in wire order, §8 mapping)
//
// The decoder is iterative: every open table is a Frame in `framePool`, so a
// hostile 100 000-deep nest costs no JS stack and stops at max_depth.
// ---------------------------------------------------------------------------

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
const EMPTY_VIEW = new DataView(EMPTY.buffer);

let src = EMPTY; // the document
let srcView = EMPTY_VIEW;
let srcEnd = 0;
let rp = 0; // read position
let decMaxDepth = 128;
let decMaxSize = 268435456;
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
  src = input;
  srcView = new DataView(input.buffer, input.byteOffset, input.byteLength);
  srcEnd = input.length;
  rp = 0;
  decMaxDepth = maxDepth;
  decMaxSize = maxSize;
  noncanonAt = -1;
  framesUsed = 0;
  try {
    const value = decodeDocument();
    if (rp < srcEnd) throw decodeError('trailing_bytes', rp);
    if (strict && noncanonAt >= 0) throw decodeError('noncanonical', noncanonAt);
    return value;
  } catch (err) {
    releaseFrames(); // tables left open by the error hold partial results
    throw err;
  } finally {
    if (framePool.length > FRAME_POOL_KEEP) framePool.length = FRAME_POOL_KEEP;
    src = EMPTY;
    srcView = EMPTY_VIEW;
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
  return (src[at] | (src[at + 1] << 8) | (src[at + 2] << 16)) + src[at + 3] * 0x1000000;
}

/**
 * The main loop: reads the document's value, opening a Frame for each table
 * and handing each finished value to the innermost open table.
 */
function decodeDocument() {
  let depth = 0;
  let value;
  outer: for (;;) {
    const at = rp;
    const tag = at < srcEnd ? src[at] : -1;
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
      rp = at + 1;
      return null;
    case T_BOOL:
      return readBool(at);
    case T_INT:
      return readInt(at);
    case T_FLOAT: {
      const v = readFloat(at);
      if (v !== v && !isCanonicalNaN(at)) noteNoncanonical(at); // §4.3
      return v;
    }
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
  if (srcEnd - at < 2) throw decodeError('truncated', at + 1);
  const b = src[at + 1];
  if (b > 1) throw decodeError('invalid_bool', at + 1, hexByte(b));
  rp = at + 2;
  return b === 1;
}

/** §2.3 integer: i64 LE → number when |v| ≤ 2^53−1, else BigInt (§8). */
function readInt(at) {
  if (srcEnd - at < 9) throw decodeError('truncated', at + 1);
  const lo = u32At(at + 1);
  const hi = srcView.getInt32(at + 5, true);
  rp = at + 9;
  if (hi >= -0x200000 && hi < 0x200000) {
    const v = hi * TWO_32 + lo;
    if (v !== -9007199254740992) return v;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** §2.4 float: binary64 LE → number (-0, NaN, ±Infinity, subnormals exact). */
function readFloat(at) {
  if (srcEnd - at < 9) throw decodeError('truncated', at + 1);
  rp = at + 9;
  return srcView.getFloat64(at + 1, true);
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
  if (srcEnd - at < 5) throw decodeError('truncated', at + 1);
  const len = u32At(at + 1);
  const start = at + 5;
  if (len > srcEnd - start) throw decodeError('length_overflow', at + 1, ` (${len} > ${srcEnd - start})`);
  if (len > decMaxSize) throw decodeError('length_overflow', at + 1, ` (${len} > max_size ${decMaxSize})`);
  rp = start + len;
  return start;
}

/** §2.6 bytes → a Uint8Array copy. */
function readBytes(at) {
  const start = readLengthPrefixed(at);
  return src.slice(start, rp);
}

/** §2.8 reference → TableRef. */
function readRef(at) {
  if (srcEnd - at < 5) throw decodeError('truncated', at + 1);
  rp = at + 5;
  return new TableRef(u32At(at + 1));
}

// §2.5 strings. Short strings are decoded here (ASCII fast path); long ones
// by TextDecoder (fatal). Short keys go through a small cache, so repeated
// keys cost no allocation and come back as the same (internalised) string.

const SHORT_STRING = 32;
const KEY_CACHE_SIZE = 4096; // a power of two
const KEY_CACHE_MAX_LEN = 24;
const keyCacheBytes = new Array(KEY_CACHE_SIZE).fill(null);
const keyCacheStrings = new Array(KEY_CACHE_SIZE).fill('');

/** Reads a string value (or, with `isKey`, a string key) whose tag is at `at`. */
function readString(at, isKey) {
  const start = readLengthPrefixed(at);
  const len = rp - start;
  if (len === 0) return '';
  if (isKey && len <= KEY_CACHE_MAX_LEN) return cachedKey(start, len);
  return decodeUtf8(start, len);
}

/** A short key string from the cache, decoding and caching it on a miss. */
function cachedKey(start, len) {
  let h = len;
  for (let i = start, end = start + len; i < end; i++) h = Math.imul(h ^ src[i], 0x9e3779b1);
  const slot = (h ^ (h >>> 15)) & (KEY_CACHE_SIZE - 1);
  const known = keyCacheBytes[slot];
  if (known !== null && known.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (known[i] !== src[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return keyCacheStrings[slot];
  }
  const s = decodeUtf8(start, len);
  keyCacheBytes[slot] = src.slice(start, start + len);
  keyCacheStrings[slot] = s;
  return s;
}

/** UTF-8 content `src[start, start+len)` → string, or `invalid_utf8` at the first bad sequence. */
function decodeUtf8(start, len) {
  if (len <= SHORT_STRING) {
    const s = len <= 16 ? shortAscii(start, len) : null;
    if (s !== null) return s;
    const t = decodeUtf8ByHand(start, start + len);
    if (t !== null) return t;
  } else {
    try {
      return utf8Decoder.decode(src.subarray(start, start + len));
    } catch {
      // fall through to locate the error
    }
  }
  throw decodeError('invalid_utf8', utf8ValidUpTo(src, start, start + len));
}

const fromCharCode = String.fromCharCode;

/** An ASCII run of 1..16 bytes as a string, or null if a byte is ≥ 0x80. */
function shortAscii(s, n) {
  if (n > 8) {
    const head = shortAscii(s, 8);
    if (head === null) return null;
    const tail = shortAscii(s + 8, n - 8);
    return tail === null ? null : head + tail;
  }
  const a = src[s];
  if (n === 1) return a < 0x80 ? fromCharCode(a) : null;
  const b = src[s + 1];
  if (n === 2) return (a | b) < 0x80 ? fromCharCode(a, b) : null;
  const c = src[s + 2];
  if (n === 3) return (a | b | c) < 0x80 ? fromCharCode(a, b, c) : null;
  const d = src[s + 3];
  if (n === 4) return (a | b | c | d) < 0x80 ? fromCharCode(a, b, c, d) : null;
  const e = src[s + 4];
  if (n === 5) return (a | b | c | d | e) < 0x80 ? fromCharCode(a, b, c, d, e) : null;
  const f = src[s + 5];
  if (n === 6) return (a | b | c | d | e | f) < 0x80 ? fromCharCode(a, b, c, d, e, f) : null;
  const g = src[s + 6];
  if (n === 7) return (a | b | c | d | e | f | g) < 0x80 ? fromCharCode(a, b, c, d, e, f, g) : null;
  const h = src[s + 7];
  return (a | b | c | d | e | f | g | h) < 0x80 ? fromCharCode(a, b, c, d, e, f, g, h) : null;
}

/** Decodes a short UTF-8 run by hand; null when it is not valid UTF-8. */
function decodeUtf8ByHand(start, end) {
  if (utf8ValidUpTo(src, start, end) !== end) return null;
  const units = [];
  let i = start;
  while (i < end) {
    const b = src[i];
    if (b < 0x80) {
      units.push(b);
      i += 1;
    } else if (b < 0xe0) {
      units.push(((b & 0x1f) << 6) | (src[i + 1] & 0x3f));
      i += 2;
    } else if (b < 0xf0) {
      units.push(((b & 0x0f) << 12) | ((src[i + 1] & 0x3f) << 6) | (src[i + 2] & 0x3f));
      i += 3;
    } else {
      const cp =
        (((b & 0x07) << 18) | ((src[i + 1] & 0x3f) << 12) | ((src[i + 2] & 0x3f) << 6) | (src[i + 3] & 0x3f)) -
        0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      i += 4;
    }
  }
  return fromCharCode.apply(null, units);
}

// §2.7 tables.

const PREALLOCATE_MAX = 256;

/** Opens the table whose 0x06 tag is at `at`: reads and checks the array count. */
function openTable(depth, at) {
  if (srcEnd - at < 5) throw decodeError('truncated', at + 1);
  const n = u32At(at + 1);
  rp = at + 5;
  if (n > srcEnd - rp) throw decodeError('length_overflow', at + 1, ` (${n} values > ${srcEnd - rp} bytes left)`);
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
  f.arr = n === 0 ? null : n <= PREALLOCATE_MAX ? new Array(n) : [];
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
    const at = rp;
    const tag = at < srcEnd ? src[at] : -1;
    if (tag === T_TABLE) return true;
    storeArrayValue(f, readScalar(tag, at, 1));
  }
  if (f.m < 0) readHashCount(f);
  while (f.j < f.m) {
    readKey(f);
    const at = rp;
    const tag = at < srcEnd ? src[at] : -1;
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
function setOwn(obj, key, value) {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else obj[key] = value;
}

/** Reads the hash count (after the array part) and picks how to build the table. */
function readHashCount(f) {
  const at = rp;
  if (srcEnd - at < 4) throw decodeError('truncated', at);
  const m = u32At(at);
  rp = at + 4;
  if (2 * m > srcEnd - rp) throw decodeError('length_overflow', at, ` (${m} pairs need ${2 * m} bytes > ${srcEnd - rp} left)`);
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
  const at = rp;
  if (f.mode === M_SHAPE) {
    if (matchShapeKey(f, at)) return;
    leaveShape(f, f.j);
  }
  const tag = at < srcEnd ? src[at] : -1;
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
  const c = f.prevStart >= 0 ? compareWire(f.prevStart, f.prevEnd, at, rp) : -1;
  f.prevStart = at;
  f.prevEnd = rp;
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
  const shape = shapesByFirstKey.get(key);
  if (shape !== undefined && shape.count === f.m) {
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

/** Bytewise order of two encoded keys in the input (memcmp, shorter first). */
function compareWire(aStart, aEnd, bStart, bEnd) {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  const len = aLen < bLen ? aLen : bLen;
  for (let k = 0; k < len; k++) {
    const d = src[aStart + k] - src[bStart + k];
    if (d !== 0) return d;
  }
  return aLen - bLen;
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
      result = buildFromShape(f);
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

// Decoded object shapes. Records of one shape repeat their keys, so the
// decoder remembers one key sequence per first key (replaced when 16 objects
// in a row do not follow it). A later object with that first key and the
// same count is matched against it byte for byte (the sequence was checked
// once: valid UTF-8, strictly increasing), and is built in one step, by a
// generated object literal once the shape is common.

const SHAPE_MAX_KEYS = 64;
const SHAPE_MAX_KEY_LENGTH = 64; // longer keys are not learned (bounds the memory kept)
const SHAPE_TABLE_MAX = 4096;
const SHAPE_COMPILE_AFTER = 8; // uses before a literal builder is generated
const SHAPE_REPLACE_AFTER = 16; // objects in a row that did not follow a shape before it is replaced
const shapesByFirstKey = new Map();
let canCompile = true; // false where eval is not allowed (CSP)

/** A learned key sequence of decoded plain objects. */
class DecodedShape {
  constructor(keys) {
    this.keys = keys.slice();
    this.count = keys.length;
    const parts = keys.map(encodeKeyBytes);
    this.offsets = new Uint32Array(parts.length + 1);
    let total = 0;
    for (let k = 0; k < parts.length; k++) {
      this.offsets[k] = total;
      total += parts[k].length;
    }
    this.offsets[parts.length] = total;
    this.encoded = new Uint8Array(total);
    for (let k = 0; k < parts.length; k++) this.encoded.set(parts[k], this.offsets[k]);
    this.view = new DataView(this.encoded.buffer);
    this.uses = 0;
    this.misses = 0; // objects in a row with this first key that did not follow the shape
    this.build = null; // (values) => object, once compiled
  }
}

function learnShape(keys) {
  for (let k = 0; k < keys.length; k++) if (keys[k].length > SHAPE_MAX_KEY_LENGTH) return;
  const known = shapesByFirstKey.get(keys[0]);
  if (known !== undefined && ++known.misses < SHAPE_REPLACE_AFTER) return; // keep it a while
  if (shapesByFirstKey.size >= SHAPE_TABLE_MAX) shapesByFirstKey.clear();
  shapesByFirstKey.set(keys[0], new DecodedShape(keys));
}

/** Whether the key at `at` is the shape's next key; if so it is consumed. */
function matchShapeKey(f, at) {
  const shape = f.shape;
  const from = shape.offsets[f.j];
  const len = shape.offsets[f.j + 1] - from;
  if (srcEnd - at < len) return false;
  // Four bytes at a time, then the tail.
  const view = shape.view;
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    if (srcView.getInt32(at + k, true) !== view.getInt32(from + k, true)) return false;
  }
  const encoded = shape.encoded;
  for (; k < len; k++) {
    if (src[at + k] !== encoded[from + k]) return false;
  }
  f.key = shape.keys[f.j];
  f.prevStart = at;
  f.prevEnd = rp = at + len;
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

/** Builds an object that followed its shape to the end. */
function buildFromShape(f) {
  const shape = f.shape;
  const vals = f.vals;
  const keys = shape.keys;
  shape.misses = 0;
  if (shape.build === null && ++shape.uses >= SHAPE_COMPILE_AFTER) shape.build = compileBuilder(keys);
  let obj;
  if (typeof shape.build === 'function') obj = shape.build(vals);
  else {
    obj = {};
    for (let k = 0; k < keys.length; k++) setOwn(obj, keys[k], vals[k]);
  }
  for (let k = 0; k < keys.length; k++) vals[k] = undefined;
  return obj;
}

/**
 * `(v) => ({"k0": v[0], "k1": v[1], …})`: an object literal gets its final
 * hidden class at once. False when eval is unavailable or a key is
 * `__proto__` (which a literal would treat as the prototype).
 */
function compileBuilder(keys) {
  if (!canCompile || keys.includes('__proto__')) return false;
  const fields = keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`);
  try {
    return new Function('v', `return { ${fields.join(', ')} };`);
  } catch {
    canCompile = false;
    return false;
  }
}

/**
 * Builds the canonical form of a noncanonical (or not object/array shaped)
 * table: the array part runs to the first nil, or takes the hash keys that
 * continue it (§4.1); the other entries (nil ones already dropped) go in
 * encoded-key order (§4.2); then it maps to Array, plain object or Map
 * (§8). In place where it can, and without an object per entry, so that a
 * table costs little more than the value it becomes.
 */
function canonicalise(f) {
  const array = f.arr === null ? [] : f.arr; // f.arr stops at the first nil
  const e = f.entries; // flat [key, value, enc, …]; enc null = moved to the array
  const m = e === null ? 0 : e.length / 3;
  if (!f.holes && m > 0) {
    const byKey = new Map(); // integer key above the array part → entry index
    for (let k = 0; k < m; k++) {
      const key = e[3 * k];
      if (typeof key === 'number' && Number.isSafeInteger(key) && key > array.length) byKey.set(key, k);
    }
    for (let k; (k = byKey.get(array.length + 1)) !== undefined; ) {
      array.push(e[3 * k + 1]);
      e[3 * k + 2] = null;
    }
  }
  const order = entryOrder(e, m);
  const moved = f.moved; // flat [key, value, …], keys increasing (positions after the first nil)
  const movedCount = moved === null ? 0 : moved.length / 2;
  if (order.length === 0 && movedCount === 0) return array;
  if (array.length === 0 && movedCount === 0 && order.every((k) => typeof e[3 * k] === 'string')) {
    const obj = {};
    for (const k of order) setOwn(obj, e[3 * k], e[3 * k + 1]);
    return obj;
  }
  const map = new Map();
  for (let i = 0; i < array.length; i++) map.set(i + 1, array[i]);
  // Moved keys are below 2^32: their LE encodings compare like the byte-swapped value.
  const movedOrder = new Float64Array(movedCount);
  for (let k = 0; k < movedCount; k++) movedOrder[k] = bswap32(moved[2 * k]);
  movedOrder.sort();
  let j = 0; // next of `order`
  for (let k = 0; k < movedCount; k++) {
    const key = bswap32(movedOrder[k]);
    const enc = keyString(key);
    for (; j < order.length && e[3 * order[j] + 2] < enc; j++) map.set(e[3 * order[j]], e[3 * order[j] + 1]);
    map.set(key, moved[2 * movedIndex(moved, key) + 1]);
  }
  for (; j < order.length; j++) map.set(e[3 * order[j]], e[3 * order[j] + 1]);
  return map;
}

/** Indices of the entries of a flat [key, value, enc, …] list still to place, in encoded-key order. */
function entryOrder(e, m) {
  let count = 0;
  for (let k = 0; k < m; k++) if (e[3 * k + 2] !== null) count++;
  const order = new Uint32Array(count);
  for (let k = 0, at = 0; k < m; k++) if (e[3 * k + 2] !== null) order[at++] = k;
  return order.sort((a, b) => {
    const x = e[3 * a + 2];
    const y = e[3 * b + 2];
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Where `key` is in a flat [key, value, …] list with increasing keys. */
function movedIndex(moved, key) {
  let lo = 0;
  let hi = moved.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (moved[2 * mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// ---------------------------------------------------------------------------
// Encoder (§2 values, §4 canonical form, §8 JS → LXT)
//
// Writes into one growing buffer reused across calls; the result is a copy.
// Recursion depth is bounded by maxDepth (tables) and cycles are caught first.
// ---------------------------------------------------------------------------

const INITIAL_OUT = 64 * 1024;
const KEEP_OUT_MAX = 64 * 1024 * 1024; // a larger buffer is dropped after the call

let out = new Uint8Array(INITIAL_OUT);
let outView = new DataView(out.buffer);
let wp = 0; // write position
let encMaxDepth = 128;
let encMaxSize = 268435456;
let open = []; // the tables being written, by depth (cycle detection)
let encoding = false;

/**
 * Encodes a JS value as a canonical LXT document (§4, mapping of §8).
 *
 * @param {*} value
 * @param {{ maxDepth?: number, maxSize?: number }} [options]
 * @returns {Uint8Array} a fresh array (never a view of an internal buffer)
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
  wp = 0;
  encMaxDepth = maxDepth;
  encMaxSize = maxSize;
  try {
    writeValue(value, 0);
    if (wp > maxSize) throw encodeError('length_overflow', ` (document of ${wp} bytes > max_size ${maxSize})`);
    return out.slice(0, wp);
  } catch (err) {
    throw finishEncodeError(err);
  } finally {
    open.length = 0;
    if (out.length > KEEP_OUT_MAX) setOutput(new Uint8Array(INITIAL_OUT));
    encoding = false;
  }
}

/** serializeObject called from a getter during another call: use fresh state. */
function serializeReentrant(value, maxDepth, maxSize) {
  const saved = [out, wp, encMaxDepth, encMaxSize, open];
  setOutput(new Uint8Array(256));
  open = [];
  encoding = false;
  try {
    return serializeObject(value, { maxDepth, maxSize });
  } finally {
    setOutput(saved[0]);
    [, wp, encMaxDepth, encMaxSize, open] = saved;
    encoding = true;
  }
}

function setOutput(buffer) {
  out = buffer;
  outView = new DataView(buffer.buffer);
}

/** Completes an encode error's message with its path; maps a JS stack overflow. */
function finishEncodeError(err) {
  if (err instanceof LxtError && err.path !== undefined) {
    const path = '$' + err.path;
    err.path = path;
    err.message += ` at ${path}`;
    return err;
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    const e = new LxtError('depth_exceeded', -1, 'nesting depth exceeded: the JS call stack ran out (lower maxDepth)');
    e.path = '$';
    return e;
  }
  return err;
}

/** Prepends a path segment to an encode error as it unwinds. */
function withPath(err, segment) {
  if (err instanceof LxtError && err.path !== undefined) err.path = segment + err.path;
  return err;
}

function indexSegment(i) {
  return `[${i}]`;
}

function propSegment(key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function mapKeySegment(key) {
  if (typeof key === 'string') return `[${JSON.stringify(key)}]`;
  if (typeof key === 'bigint') return `[${key}n]`;
  if (key instanceof Uint8Array) return '[<bytes>]';
  if (key !== null && typeof key === 'object' && isTableRef(key)) return `[<ref ${key.id}>]`;
  return `[${describe(key)}]`;
}

/** Makes room for `n` more bytes. */
function ensure(n) {
  if (wp + n > out.length) grow(wp + n);
}

function grow(required) {
  let size = out.length * 2;
  while (size < required) size *= 2;
  const bigger = new Uint8Array(size);
  bigger.set(out.subarray(0, wp));
  setOutput(bigger);
}

function writeU32(at, v) {
  out[at] = v;
  out[at + 1] = v >>> 8;
  out[at + 2] = v >>> 16;
  out[at + 3] = v >>> 24;
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
      out[wp] = T_BOOL;
      out[wp + 1] = v ? 1 : 0;
      wp += 2;
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
  out[wp++] = T_NIL; // null / undefined at top level (§8)
}

/** number: a safe integer (not -0) → integer, anything else → float (§8). */
function writeNumber(x) {
  ensure(9);
  if ((x | 0) === x) {
    if (x === 0 && 1 / x < 0) {
      writeFloat(x);
      return;
    }
    out[wp] = T_INT;
    out[wp + 1] = x;
    out[wp + 2] = x >> 8;
    out[wp + 3] = x >> 16;
    out[wp + 4] = x >> 24;
    const sign = x >> 31;
    out[wp + 5] = sign;
    out[wp + 6] = sign;
    out[wp + 7] = sign;
    out[wp + 8] = sign;
    wp += 9;
  } else if (Number.isSafeInteger(x)) {
    out[wp] = T_INT;
    writeU32(wp + 1, x >>> 0);
    writeU32(wp + 5, Math.floor(x / TWO_32) | 0);
    wp += 9;
  } else writeFloat(x);
}

/** §2.4 float; NaN always as the canonical 0x7FF8000000000000 (§4.3). */
function writeFloat(x) {
  out[wp] = T_FLOAT;
  if (x !== x) {
    writeU32(wp + 1, 0);
    writeU32(wp + 5, 0x7ff80000);
  } else outView.setFloat64(wp + 1, x, true);
  wp += 9;
}

/** BigInt in i64 range → integer; outside → `integer_overflow` (§8). */
function writeBigInt(x) {
  if (x < I64_MIN || x > I64_MAX) throw encodeError('integer_overflow', `: ${x}n`);
  ensure(9);
  out[wp] = T_INT;
  outView.setBigInt64(wp + 1, x, true);
  wp += 9;
}

/** §2.5 string: UTF-8 with a u32 length; lone surrogates → `invalid_utf8`. */
function writeString(s) {
  const len = s.length;
  if (len > encMaxSize) throw tooLong('string', len);
  ensure(5 + len * 3);
  const start = wp + 5;
  let p = start;
  if (len <= 64) {
    for (let i = 0; i < len; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        out[p++] = c;
      } else if (c < 0x800) {
        out[p++] = 0xc0 | (c >> 6);
        out[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        out[p++] = 0xe0 | (c >> 12);
        out[p++] = 0x80 | ((c >> 6) & 0x3f);
        out[p++] = 0x80 | (c & 0x3f);
      } else {
        const c2 = i + 1 < len ? s.charCodeAt(i + 1) : 0;
        if (c > 0xdbff || c2 < 0xdc00 || c2 > 0xdfff) {
          throw encodeError('invalid_utf8', `: lone surrogate U+${c.toString(16).toUpperCase()} in string`);
        }
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
        out[p++] = 0xf0 | (c >> 18);
        out[p++] = 0x80 | ((c >> 12) & 0x3f);
        out[p++] = 0x80 | ((c >> 6) & 0x3f);
        out[p++] = 0x80 | (c & 0x3f);
      }
    }
  } else {
    if (!isWellFormed(s)) throw encodeError('invalid_utf8', ': string with a lone surrogate');
    p += utf8Encoder.encodeInto(s, out.subarray(start, start + len * 3)).written;
  }
  const bytes = p - start;
  if (bytes > encMaxSize || bytes > U32_MAX) throw tooLong('string', bytes);
  out[wp] = T_STR;
  writeU32(wp + 1, bytes);
  wp = p;
}

function tooLong(what, len) {
  return encodeError('length_overflow', ` (${what} of ${len} > max_size ${Math.min(encMaxSize, U32_MAX)})`);
}

/**
 * Objects: the TableRef brand first (§8.2: a branded array is a reference),
 * then Array, bytes, Map, plain object; anything else is unsupported (§8).
 */
function writeObject(v, depth) {
  switch (tableKind(v)) {
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

// The table mapping of §8.2, for the encoder and for readers that walk a
// value without encoding it (the runtime's input views, src/view.js).

/**
 * The kind of table a JS value encodes as (§8.2): 'array' (an Array),
 * 'map' (a Map), 'object' (a plain object), or null for anything else.
 */
export function tableKind(v) {
  // A TableRef is branded, so a branded Array or Map is a reference (§8.3).
  if (v === null || typeof v !== 'object' || isTableRef(v)) return null;
  if (Array.isArray(v)) return 'array';
  if (v instanceof Map) return 'map';
  if (v instanceof Uint8Array) return null;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null ? 'object' : null;
}

/** The array part of an Array (§4.1): the leading run of present (non-null) elements. */
export function arrayExtent(a) {
  const len = a.length;
  let n = 0;
  while (n < len && a[n] != null) n++;
  return n;
}

/**
 * The indices i ≥ start of an Array's present elements, in the canonical
 * order of their keys i + 1 (§4.2): the hash part of an array with holes.
 */
export function sparseIndices(a, start) {
  const len = a.length;
  const present = [];
  if (len - start > 4096) {
    // Possibly sparse: walk the own index keys instead of every slot.
    for (const k of Object.keys(a)) {
      const i = Number(k);
      if (i >= start && String(i) === k && a[i] != null) present.push(i);
    }
  } else {
    for (let i = start; i < len; i++) if (a[i] != null) present.push(i);
  }
  // Integer keys i+1 < 2^32: their LE encodings compare like the byte-swapped value.
  const order = new Float64Array(present.length);
  for (let k = 0; k < present.length; k++) order[k] = bswap32(present[k] + 1);
  order.sort();
  const indices = new Array(order.length);
  for (let k = 0; k < order.length; k++) indices[k] = bswap32(order[k]) - 1;
  return indices;
}

/** A plain object's own keys in canonical order, each with its encoding: `[[name, keyBytes], …]`. */
export function objectKeysInOrder(obj) {
  const keys = Object.keys(obj);
  if (keys.length === 0) return [];
  const shape = shapeOf(keys);
  return shape.sorted.map((name, k) => [name, shape.encoded.subarray(shape.offsets[k], shape.offsets[k + 1])]);
}

/** The binary-string form of key bytes: JS string order is their canonical order (§4.2). */
export function keyBinary(bytes) {
  return bytesToBinary(bytes);
}

/** §2.6 bytes (Uint8Array, Buffer). */
function writeBytes(b) {
  const len = b.length;
  if (len > encMaxSize || len > U32_MAX) throw tooLong('bytes', len);
  ensure(5 + len);
  out[wp] = T_BYTES;
  writeU32(wp + 1, len);
  out.set(b, wp + 5);
  wp += 5 + len;
}

/** §2.8 reference: a branded object whose id is a u32. */
function writeRef(r) {
  const id = r.id;
  if (!isU32(id)) throw encodeError('unsupported_type', `: TableRef id ${describe(id)} is not a u32`);
  ensure(5);
  out[wp] = T_REF;
  writeU32(wp + 1, id);
  wp += 5;
}

/** Enters a table: `cycle` if it is already open, `depth_exceeded` past max_depth. */
function enterTable(t, depth) {
  for (let k = 0; k < depth; k++) {
    if (open[k] === t) throw encodeError('cycle');
  }
  if (depth >= encMaxDepth) throw encodeError('depth_exceeded', ` (more than ${encMaxDepth} nested tables)`);
  open[depth] = t;
}

/** Writes a table header `06 n`; the hash count follows the array values. */
function writeTableHeader(n) {
  if (n > encMaxSize) throw tooLong('table', n);
  ensure(5);
  out[wp] = T_TABLE;
  writeU32(wp + 1, n);
  wp += 5;
}

/** Writes a u32 hash count. */
function writeCount(m) {
  if (m > encMaxSize) throw tooLong('table', m);
  ensure(4);
  writeU32(wp, m);
  wp += 4;
}

/**
 * Array → table (§8, §4.1): element i is key i+1; null/undefined/holes are
 * absent keys. The leading run of present elements is the array part, the
 * rest go to the hash part as integer keys in bytewise (LE) order.
 */
function writeArrayTable(a, depth) {
  enterTable(a, depth);
  const len = a.length;
  const n = arrayExtent(a);
  writeTableHeader(n);
  let i = 0;
  try {
    for (; i < n; i++) writeValue(a[i], depth + 1);
  } catch (err) {
    throw withPath(err, indexSegment(i));
  }
  if (n + 1 >= len) writeCount(0);
  else writeSparseTail(a, n + 1, depth);
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
      out[wp] = T_INT;
      writeU32(wp + 1, key);
      writeU32(wp + 5, 0);
      wp += 9;
      writeValue(a[i], depth + 1);
    }
  } catch (err) {
    throw withPath(err, indexSegment(i));
  }
}

function bswap32(x) {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

// Plain objects. The sorted key order and the encoded keys are cached per
// shape (the list of own keys), so records of one shape sort once.

const SHAPE_CACHE_MAX = 4096; // shapes; the cache starts over when full
const SHAPE_CACHE_MAX_KEYS = 64; // larger objects (dictionaries) are sorted each time
const shapeCache = new Map(); // first key → Shape[]
let shapeCount = 0;

/** A plain object's key list in canonical order, with the keys pre-encoded. */
class Shape {
  constructor(keys) {
    this.keys = keys.slice(); // own keys as Object.keys gives them
    const encoded = [];
    for (let k = 0; k < keys.length; k++) {
      let bytes;
      try {
        bytes = encodeKeyBytes(keys[k]);
      } catch (err) {
        throw withPath(err, propSegment(keys[k]));
      }
      encoded.push({ key: keys[k], bytes, enc: bytesToBinary(bytes) });
    }
    encoded.sort(byBinaryKey);
    let total = 0;
    for (const e of encoded) total += e.bytes.length;
    this.sorted = encoded.map((e) => e.key); // keys in canonical order
    this.encoded = new Uint8Array(total); // their encodings, concatenated
    this.offsets = new Uint32Array(encoded.length + 1);
    let at = 0;
    for (let k = 0; k < encoded.length; k++) {
      this.offsets[k] = at;
      this.encoded.set(encoded[k].bytes, at);
      at += encoded[k].bytes.length;
    }
    this.offsets[encoded.length] = at;
  }
}

function sameKeys(a, b) {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The cached Shape for this key list, built on a miss. */
function shapeOf(keys) {
  let list = shapeCache.get(keys[0]);
  if (list !== undefined) {
    for (let k = 0; k < list.length; k++) if (sameKeys(list[k].keys, keys)) return list[k];
  }
  const shape = new Shape(keys);
  if (keys.length <= SHAPE_CACHE_MAX_KEYS) {
    if (shapeCount >= SHAPE_CACHE_MAX) {
      shapeCache.clear();
      shapeCount = 0;
      list = undefined;
    }
    if (list === undefined) shapeCache.set(keys[0], (list = []));
    list.push(shape);
    shapeCount++;
  }
  return shape;
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
  const sorted = shape.sorted;
  const encoded = shape.encoded;
  const offsets = shape.offsets;
  ensure(4);
  const countAt = wp;
  wp += 4;
  let m = 0;
  let k = 0;
  try {
    for (; k < sorted.length; k++) {
      const v = obj[sorted[k]];
      if (v === null || v === undefined) continue;
      const from = offsets[k];
      const to = offsets[k + 1];
      ensure(to - from);
      for (let b = from; b < to; b++) out[wp++] = encoded[b];
      writeValue(v, depth + 1);
      m++;
    }
  } catch (err) {
    throw withPath(err, propSegment(sorted[k]));
  }
  writeU32(countAt, m);
}

/**
 * Map → table (§8): keys by the key rules (§3) and normalised, equal keys →
 * `duplicate_key`, null/undefined values omitted, then canonical form:
 * integer keys 1..n in the array part, the rest sorted by encoded key.
 */
/**
 * A Map as the table it encodes as (§8.2, §4): `array`, the values at the
 * integer keys 1..n (their Map keys in `arrayKeys`), and `hash`, the other
 * entries as `[binaryKey, keyBytes, value, mapKey]` in canonical order.
 * Entries whose value is null or undefined are left out; two keys with one
 * encoding are `duplicate_key`.
 */
export function mapTable(map) {
  const items = [];
  for (const [key, value] of map) {
    let bytes;
    try {
      bytes = encodeKeyBytes(key);
    } catch (err) {
      throw withPath(err, mapKeySegment(key));
    }
    items.push({ key, value, bytes, enc: bytesToBinary(bytes), index: keyIndex(bytes) });
  }
  items.sort(byBinaryKey);
  for (let k = 1; k < items.length; k++) {
    if (items[k].enc === items[k - 1].enc) {
      const detail = `: ${describe(items[k - 1].key)} and ${describe(items[k].key)} are the same key`;
      throw withPath(encodeError('duplicate_key', detail), mapKeySegment(items[k].key));
    }
  }
  // Array extent (§4.1) among the entries that are not nil.
  const byIndex = new Map();
  for (const item of items) {
    if (item.value === null || item.value === undefined) continue;
    if (item.index > 0) byIndex.set(item.index, item);
  }
  let n = 0;
  while (byIndex.has(n + 1)) n++;
  const array = new Array(n);
  const arrayKeys = new Array(n);
  for (let i = 1; i <= n; i++) {
    const item = byIndex.get(i);
    array[i - 1] = item.value;
    arrayKeys[i - 1] = item.key;
  }
  const hash = [];
  for (const item of items) {
    if (item.value === null || item.value === undefined || (item.index > 0 && item.index <= n)) continue;
    hash.push([item.enc, item.bytes, item.value, item.key]);
  }
  return { array, arrayKeys, hash };
}

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
      out.set(bytes, wp);
      wp += bytes.length;
      writeValue(value, depth + 1);
    }
  } catch (err) {
    throw withPath(err, mapKeySegment(current));
  }
}

/** The positive int31 an encoded integer key stands for, or 0. */
function keyIndex(b) {
  if (b[0] !== T_INT || b[4] > 0x7f || b[5] !== 0 || b[6] !== 0 || b[7] !== 0 || b[8] !== 0) return 0;
  return b[1] | (b[2] << 8) | (b[3] << 16) | (b[4] << 24);
}
