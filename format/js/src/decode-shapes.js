// Decoded object shapes. Records of one shape repeat their keys, so the
// decoder remembers one key sequence per first key (replaced when 16 objects
// in a row do not follow it). A later object with that first key and the
// same count is matched against it byte for byte (the sequence was checked
// once: valid UTF-8, strictly increasing), and is built in one step, by a
// generated object literal once the shape is common.

import { encodeKeyBytes } from './keys.js';
import { setOwn } from './tables.js';

export const SHAPE_MAX_KEYS = 64;
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
    this.buildLarge = null; // the same for large documents (its own allocation site)
  }
}

/** The learned shape of objects with `count` keys whose first key is `key`, or undefined. */
export function shapeFor(key, count) {
  const shape = shapesByFirstKey.get(key);
  return shape !== undefined && shape.count === count ? shape : undefined;
}

/** Learns the key sequence of a decoded object (string keys in canonical order). */
export function learnShape(keys) {
  for (let k = 0; k < keys.length; k++) if (keys[k].length > SHAPE_MAX_KEY_LENGTH) return;
  const known = shapesByFirstKey.get(keys[0]);
  if (known !== undefined && ++known.misses < SHAPE_REPLACE_AFTER) return; // keep it a while
  if (shapesByFirstKey.size >= SHAPE_TABLE_MAX) shapesByFirstKey.clear();
  shapesByFirstKey.set(keys[0], new DecodedShape(keys));
}

/**
 * Builds the object of `shape` from its values `vals` (then cleared for
 * reuse). `large`: the document is large, so its values outlive several
 * young-generation collections; such objects come from a builder of their
 * own, whose allocation site V8 can then learn to place in the old
 * generation directly (objects of small documents, mostly short-lived,
 * would otherwise teach the shared site the opposite).
 */
export function buildFromShape(shape, vals, large) {
  const keys = shape.keys;
  shape.misses = 0;
  if (shape.build === null && ++shape.uses >= SHAPE_COMPILE_AFTER) {
    shape.build = compileBuilder(keys);
    shape.buildLarge = compileBuilder(keys);
  }
  let obj;
  if (typeof shape.build === 'function') obj = large ? shape.buildLarge(vals) : shape.build(vals);
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

