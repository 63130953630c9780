// §2.8 and §8.3: references to external tables (tag 0x07). A reference is
// any object branded with Symbol.for("luaxt.TableRef"), so that copies of
// this package (or other code) agree on what a reference is.

import { U32_MAX } from './tags.js';

export const REF_BRAND = Symbol.for('luaxt.TableRef');

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

export function isU32(id) {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= U32_MAX;
}

/** Whether the object `value` is branded as a reference (§8.3). */
export function isTableRef(value) {
  return value[REF_BRAND] === true;
}
