// The canonical form (§4) of a table the decoder could not build on its
// fast paths: one with a nil in the array part, nil values, keys out of
// order, or keys of mixed kinds. Used by lenient decoding; strict decoding
// reports such a table as noncanonical after building it.

import { keyString, keyOrder, intKeyRank, intKeyOfRank } from './keys.js';
import { setOwn } from './tables.js';

/**
 * Builds the canonical form of a noncanonical (or not object/array shaped)
 * table: the array part runs to the first nil, or takes the hash keys that
 * continue it (§4.1); the other entries (nil ones already dropped) go in
 * encoded-key order (§4.2); then it maps to Array, plain object or Map
 * (§8). In place where it can, and without an object per entry, so that a
 * table costs little more than the value it becomes.
 */
export function canonicalise(f) {
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
  // Moved keys are below 2^32, so their ranks sort them in key order.
  const movedOrder = new Float64Array(movedCount);
  for (let k = 0; k < movedCount; k++) movedOrder[k] = intKeyRank(moved[2 * k]);
  movedOrder.sort();
  let j = 0; // next of `order`
  for (let k = 0; k < movedCount; k++) {
    const key = intKeyOfRank(movedOrder[k]);
    const enc = keyString(key);
    for (; j < order.length && keyOrder(e[3 * order[j] + 2], enc) < 0; j++) map.set(e[3 * order[j]], e[3 * order[j] + 1]);
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
  return order.sort((a, b) => keyOrder(e[3 * a + 2], e[3 * b + 2]));
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

