/**
 * Anything the codec treats as a reference (tag 0x07): an object with a u32
 * `id` and `[Symbol.for("luaxt.TableRef")] === true`.
 */
export interface TableRefLike {
  readonly id: number;
  readonly [brand: symbol]: unknown;
}

/** A reference to an external table by u32 id, branded with `Symbol.for("luaxt.TableRef")`. */
export declare class TableRef implements TableRefLike {
  /** @throws {RangeError} when `id` is not a u32 */
  constructor(id: number);
  readonly id: number;
  readonly [brand: symbol]: unknown;
}
