// §2.5 UTF-8 (RFC 3629) for both directions: validation with the offset of
// the first bad sequence, decoding a byte range, encoding into a buffer.
// Internal to the package.

import { decodeError, encodeError } from './errors.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export const utf8Encoder = new TextEncoder();
const hasIsWellFormed = typeof String.prototype.isWellFormed === 'function';
const fromCharCode = String.fromCharCode;

/**
 * The index of the first byte of the first invalid or incomplete UTF-8
 * sequence in `bytes[start, end)`, or `end` when all of it is valid
 * (start + Rust's `Utf8Error::valid_up_to`). Rejects overlong forms,
 * surrogates and code points above U+10FFFF (RFC 3629).
 */
export function utf8ValidUpTo(bytes, start, end) {
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
export function isWellFormed(s) {
  if (hasIsWellFormed) return s.isWellFormed();
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

// Decoding. Short strings are decoded here (an ASCII fast path, then a hand
// decoder): below about 32 bytes that beats TextDecoder's call overhead.
// Long ones go to TextDecoder (fatal).

const SHORT_STRING = 32;

/**
 * The UTF-8 content `bytes[start, start+len)` as a string, or
 * `invalid_utf8` at the first bad sequence.
 */
export function decodeUtf8(bytes, start, len) {
  if (len <= SHORT_STRING) {
    const s = len <= 16 ? shortAscii(bytes, start, len) : null;
    if (s !== null) return s;
    const t = decodeUtf8ByHand(bytes, start, start + len);
    if (t !== null) return t;
  } else if (nodeUtf8Slice !== null) {
    const s = nodeUtf8Slice.call(bytes, start, start + len);
    if (s.indexOf('\ufffd') < 0 || utf8ValidUpTo(bytes, start, start + len) === start + len) return s;
  } else {
    try {
      return utf8Decoder.decode(bytes.subarray(start, start + len));
    } catch {
      // fall through to locate the error
    }
  }
  throw decodeError('invalid_utf8', utf8ValidUpTo(bytes, start, start + len));
}

// Node's Buffer#utf8Slice decodes a range of any Uint8Array without
// TextDecoder's wrapper and subarray (about half the instructions on
// 100..500-byte strings). It replaces invalid UTF-8 by U+FFFD, so a result
// without U+FFFD came from valid input (and a one-byte string, the common
// case, cannot hold U+FFFD: that test costs nothing); one with it is checked.
const nodeUtf8Slice =
  typeof globalThis.process?.versions?.node === 'string' && typeof globalThis.Buffer?.prototype?.utf8Slice === 'function'
    ? globalThis.Buffer.prototype.utf8Slice
    : null;

/** An ASCII run of 1..16 bytes as a string, or null if a byte is ≥ 0x80. */
function shortAscii(src, s, n) {
  if (n > 8) {
    const head = shortAscii(src, s, 8);
    if (head === null) return null;
    const tail = shortAscii(src, s + 8, n - 8);
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
function decodeUtf8ByHand(src, start, end) {
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

// Encoding.

/**
 * Writes the UTF-8 form of `s` into `out` at `p` by hand (for short
 * strings, where TextEncoder's call costs more than the loop) and returns
 * the end; `out` has room for 3 bytes per UTF-16 unit. A lone surrogate is
 * `invalid_utf8`.
 */
export function encodeUtf8Short(out, p, s) {
  // ASCII in a loop small enough for V8 to inline at the callers; the rest
  // from the first other unit on.
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encodeUtf8From(out, p, s, i);
    out[p++] = c;
  }
  return p;
}

/** encodeUtf8Short from the unit at `from` on (written at `p`). */
function encodeUtf8From(out, p, s, from) {
  const len = s.length;
  for (let i = from; i < len; i++) {
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
  return p;
}

/**
 * Writes the UTF-8 form of a long `s` into `out` at `p` with
 * TextEncoder.encodeInto and returns the end; `out` has room for 3 bytes
 * per UTF-16 unit. A lone surrogate (which encodeInto writes as U+FFFD) is
 * `invalid_utf8`, found after the write: a string that took one byte per
 * unit is ASCII and needs no check (every other unit takes 2 or 3 bytes, a
 * surrogate pair 4), so the common case skips a second pass over it.
 */
export function encodeUtf8Long(out, p, s) {
  const written =
    nodeUtf8Write !== null
      ? nodeUtf8Write.call(out, s, p, s.length * 3)
      : utf8Encoder.encodeInto(s, out.subarray(p, p + s.length * 3)).written;
  if (written !== s.length && !isWellFormed(s)) throw encodeError('invalid_utf8', ': string with a lone surrogate');
  return p + written;
}

// Node's Buffer#utf8Write works on any Uint8Array and skips encodeInto's
// subarray and result object: about 40 % faster on 100..500-byte strings.
const nodeUtf8Write =
  typeof globalThis.process?.versions?.node === 'string' && typeof globalThis.Buffer?.prototype?.utf8Write === 'function'
    ? globalThis.Buffer.prototype.utf8Write
    : null;
