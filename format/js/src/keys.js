// §3 keys and §4.2 the key order: what a key is on the wire, and the one
// order of keys in a table.
//
// The order (§4.2) is the bytewise order of encoded keys, a proper prefix
// first. `keyOrder` is that rule, on binary strings (keyBinary), and every
// sort of keys in this package and in the runtime uses it. Two fast paths
// compute the same order without building strings, and
// test/key-order.test.mjs checks that they agree with `keyOrder`:
// `keyOrderAt` compares two keys in place in a byte array (the decoder's
// order check), and `intKeyRank` ranks integer keys 1..2^32-1 (array
// indices).

import { T_BOOL, T_INT, T_FLOAT, T_STR, T_BYTES, T_REF, TWO_32, TWO_63, I64_MIN, I64_MAX } from './tags.js';
import { LxtError, encodeError, describe } from './errors.js';
import { isTableRef, isU32 } from './ref.js';
import { isWellFormed, utf8Encoder } from './utf8.js';

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
export function encodeKeyBytes(value) {
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

/**
 * The binary-string form of key bytes (one char per byte, latin-1). JS
 * compares strings by UTF-16 code unit, one unit per byte here, so these
 * strings compare in the key order, and equal keys give equal strings (Map
 * and Set keys).
 */
export function keyBinary(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  }
  return s;
}

/** The key encoding of `value` as a binary string. */
export function keyString(value) {
  return keyBinary(encodeKeyBytes(value));
}

/**
 * THE key order (§4.2) on binary strings (keyBinary): negative when key `x`
 * comes first, 0 for the same key, positive after.
 */
export function keyOrder(x, y) {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * keyOrder of two encoded keys in place, `bytes[aStart, aEnd)` and
 * `bytes[bStart, bEnd)` (memcmp, then the shorter first): what keyOrder
 * says of their binary strings, without making them.
 */
export function keyOrderAt(bytes, aStart, aEnd, bStart, bEnd) {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  const len = aLen < bLen ? aLen : bLen;
  for (let k = 0; k < len; k++) {
    const d = bytes[aStart + k] - bytes[bStart + k];
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

/**
 * A rank of the integer key `n` (1 ≤ n < 2^32) in the key order: for such
 * keys, keyOrder of their encodings is the order of their ranks. (The
 * encodings share the tag and differ only in the four low bytes, little-endian
 * first, so they compare like the byte-swapped u32.)
 */
export function intKeyRank(n) {
  return bswap32(n);
}

/** The integer key of rank `r` (the inverse of intKeyRank). */
export function intKeyOfRank(r) {
  return bswap32(r);
}

function bswap32(x) {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

/** The positive int31 an encoded integer key stands for, or 0. */
export function keyIndex(b) {
  if (b[0] !== T_INT || b[4] > 0x7f || b[5] !== 0 || b[6] !== 0 || b[7] !== 0 || b[8] !== 0) return 0;
  return b[1] | (b[2] << 8) | (b[3] << 16) | (b[4] << 24);
}
