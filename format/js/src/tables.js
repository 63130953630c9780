// §8.2 and §4: which JS values are tables, and the canonical table each
// one maps to (array part, hash part in key order, nil entries left out).
// The encoder writes these tables; readers that walk a JS value without
// encoding it (the runtime's input views) read them, so both see one
// mapping.

import { encodeKeyBytes, keyBinary, keyOrder, keyIndex, intKeyRank, intKeyOfRank } from './keys.js';
import { encodeError, withPath, mapKeySegment, describe } from './errors.js';
import { isTableRef } from './ref.js';
import { shapeOf } from './object-keys.js';

/**
 * The kind of table a JS value encodes as (§8.2): 'array' (an Array),
 * 'map' (a Map), 'object' (a plain object), or null for anything else.
 */
export function tableKind(v) {
  // A TableRef is branded, so a branded Array or Map is a reference (§8.3).
  if (v === null || typeof v !== 'object' || isTableRef(v)) return null;
  return unbrandedTableKind(v);
}

/**
 * tableKind of an object known not to be branded (the encoder checks the
 * brand at each of its call sites, where V8 sees only a few kinds of object).
 */
export function unbrandedTableKind(v) {
  if (Array.isArray(v)) return 'array';
  // Plain objects before the instanceof checks (a Map or Uint8Array never has
  // these prototypes): they are the common case.
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return 'object';
  return v instanceof Map ? 'map' : null;
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
  // Keys i + 1 < 2^32, so their ranks sort them in key order.
  const order = new Float64Array(present.length);
  for (let k = 0; k < present.length; k++) order[k] = intKeyRank(present[k] + 1);
  order.sort();
  const indices = new Array(order.length);
  for (let k = 0; k < order.length; k++) indices[k] = intKeyOfRank(order[k]) - 1;
  return indices;
}

/** A plain object's own keys in canonical order, each with its encoding: `[[name, keyBytes], …]`. */
export function objectKeysInOrder(obj) {
  const keys = Object.keys(obj);
  if (keys.length === 0) return [];
  const shape = shapeOf(keys);
  return shape.sorted.map((name, k) => [name, shape.bytes[k]]);
}

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
    items.push({ key, value, bytes, enc: keyBinary(bytes), index: keyIndex(bytes) });
  }
  items.sort((a, b) => keyOrder(a.enc, b.enc));
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

/** A `__proto__` key becomes an own data property, never the prototype (§8). */
export function setOwn(obj, key, value) {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else obj[key] = value;
}
