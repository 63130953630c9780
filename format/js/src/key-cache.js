// The decoder's cache of short key strings: records repeat their keys, so a
// key seen before costs a hash and a compare, no allocation, and comes back
// as the same (internalised) string, which keeps objects on one hidden class.

import { decodeUtf8 } from './utf8.js';

const KEY_CACHE_SIZE = 4096; // a power of two
/** Longer keys are decoded each time. */
export const KEY_CACHE_MAX_LEN = 24;
const keyCacheBytes = new Array(KEY_CACHE_SIZE).fill(null);
const keyCacheStrings = new Array(KEY_CACHE_SIZE).fill('');

/** The string of the UTF-8 key `bytes[start, start+len)` (1 ≤ len ≤ KEY_CACHE_MAX_LEN), cached. */
export function cachedKey(bytes, start, len) {
  let h = len;
  for (let i = start, end = start + len; i < end; i++) h = Math.imul(h ^ bytes[i], 0x9e3779b1);
  const slot = (h ^ (h >>> 15)) & (KEY_CACHE_SIZE - 1);
  const known = keyCacheBytes[slot];
  if (known !== null && known.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (known[i] !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return keyCacheStrings[slot];
  }
  const s = decodeUtf8(bytes, start, len);
  keyCacheBytes[slot] = bytes.slice(start, start + len);
  keyCacheStrings[slot] = s;
  return s;
}
