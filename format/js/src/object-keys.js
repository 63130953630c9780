// A plain object's keys in canonical order (§4.2), cached per key list:
// records of one shape have the same own keys in the same order, so they
// are encoded and sorted once for all of them.

import { encodeKeyBytes, keyBinary, keyOrder } from './keys.js';
import { withPath, propSegment } from './errors.js';

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
      encoded.push({ key: keys[k], bytes, enc: keyBinary(bytes) });
    }
    encoded.sort((a, b) => keyOrder(a.enc, b.enc));
    /** Keys in canonical order. */
    this.sorted = encoded.map((e) => e.key);
    /** Their encodings: key k is `bytes[k]`. */
    this.bytes = encoded.map((e) => e.bytes);
    // The same as little-endian 32-bit words, each key padded to whole words,
    // for the encoder to copy a word at a time: key k is `words[wordAt[k],
    // wordAt[k+1])`.
    this.wordAt = new Uint32Array(encoded.length + 1);
    for (let k = 0; k < encoded.length; k++) this.wordAt[k + 1] = this.wordAt[k] + ((encoded[k].bytes.length + 3) >>> 2);
    const padded = new Uint8Array(4 * this.wordAt[encoded.length]);
    for (let k = 0; k < encoded.length; k++) padded.set(encoded[k].bytes, 4 * this.wordAt[k]);
    const view = new DataView(padded.buffer);
    this.words = new Int32Array(padded.length / 4);
    for (let w = 0; w < this.words.length; w++) this.words[w] = view.getInt32(4 * w, true);
    /** Byte length of key k. */
    this.lengths = Uint32Array.from(encoded, (e) => e.bytes.length);
    this.uses = 0;
    /** The encoder's generated entry writer: null (not yet), false (none) or a function. */
    this.writer = null;
  }
}

const NO_SHAPE = { keys: [] };
let recent0 = NO_SHAPE;
let recent1 = NO_SHAPE;

function sameKeys(a, b) {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * The Shape of the key list `keys` (at least one key), built on a miss. An
 * invalid key (a lone surrogate) is `invalid_utf8` with the key's path.
 */
export function shapeOf(keys) {
  // The two shapes used last first: records and the objects in them alternate.
  if (sameKeys(recent0.keys, keys)) return recent0;
  if (sameKeys(recent1.keys, keys)) {
    const shape = recent1;
    recent1 = recent0;
    return (recent0 = shape);
  }
  const shape = cachedShape(keys);
  if (keys.length <= SHAPE_CACHE_MAX_KEYS) {
    recent1 = recent0;
    recent0 = shape;
  }
  return shape;
}

function cachedShape(keys) {
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
