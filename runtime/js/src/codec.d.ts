// Type declarations of the reference LXT 1 codec (src/codec.js).
// The rules are in spec/decisions.md; §8 is the JavaScript mapping.

/** The tag byte that starts every LXT value (§2); 0x08–0xFF are reserved. */
export declare const Tag: Readonly<{
  NIL: 0x00;
  BOOL: 0x01;
  INT: 0x02;
  FLOAT: 0x03;
  STR: 0x04;
  BYTES: 0x05;
  TABLE: 0x06;
  REF: 0x07;
}>;

/** The spec's default limits (§6): depth 128 nested tables, size 256 MiB. */
export declare const DEFAULT_LIMITS: Readonly<{ maxDepth: 128; maxSize: 268435456 }>;

/** The stable error class names of §5. */
export type LxtErrorKind =
  | 'truncated'
  | 'unknown_tag'
  | 'invalid_bool'
  | 'invalid_utf8'
  | 'length_overflow'
  | 'depth_exceeded'
  | 'invalid_key'
  | 'duplicate_key'
  | 'trailing_bytes'
  | 'noncanonical'
  | 'integer_overflow'
  | 'cycle'
  | 'unsupported_type';

/**
 * A decode or encode error. Decode errors carry the byte offset of §5 and a
 * message like "unknown tag 0x09 at offset 17"; encode errors have offset -1
 * and a `path` such as `$.a[3]`.
 */
export declare class LxtError extends Error {
  constructor(kind: LxtErrorKind, offset: number, message?: string);
  /** One of the class names of §5. */
  kind: LxtErrorKind;
  /** Byte offset into the document (decode), or -1 (encode). */
  offset: number;
  /** Where an encode error happened, e.g. `$.a[3]`; undefined for decode errors. */
  path: string | undefined;
}

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

/** A value that can be a table key (§3); NaN is a number but not a key. */
export type LxtKey = boolean | number | bigint | string | Uint8Array | TableRefLike;

/** A table decoded as a plain object: no array part, string keys only. */
export interface LxtObject {
  [key: string]: LxtValue;
}

/**
 * What `deserializeObject` returns (§8): nil → null; integers → number
 * (|v| ≤ 2^53−1) or bigint; floats → number; strings; bytes → Uint8Array;
 * tables → Array (hash part empty), plain object (string keys only) or Map;
 * references → TableRef.
 */
export type LxtValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | TableRef
  | LxtValue[]
  | LxtObject
  | Map<LxtKey, LxtValue>;

/**
 * What `serializeObject` accepts (§8): the decoded types, plus undefined
 * (nil at top level; an omitted entry or a hole inside tables), Buffer (a
 * Uint8Array), any branded TableRef, arrays with holes and null-prototype
 * objects.
 */
export type LxtInput =
  | undefined
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | TableRefLike
  | readonly LxtInput[]
  | { readonly [key: string]: LxtInput }
  | ReadonlyMap<LxtKey, LxtInput>;

/** Limits of §6; both default to DEFAULT_LIMITS. */
export interface LxtLimits {
  /** Most nested tables (a scalar has depth 0, a table 1). Default 128. */
  maxDepth?: number;
  /** Largest document and declared length, in bytes. Default 268435456. */
  maxSize?: number;
}

export interface EncodeOptions extends LxtLimits {}

export interface DecodeOptions extends LxtLimits {
  /** Reject noncanonical input with `noncanonical` (§4.6). Default false. */
  strict?: boolean;
}

/**
 * Encodes a JS value as a canonical LXT document.
 * @returns a fresh Uint8Array
 * @throws {LxtError} invalid_key, duplicate_key, depth_exceeded, length_overflow,
 *   invalid_utf8, integer_overflow, cycle, unsupported_type
 */
export declare function serializeObject(value: LxtInput, options?: EncodeOptions): Uint8Array;

/**
 * Decodes one LXT document; lenient unless `strict`.
 * @throws {LxtError} with the class and byte offset of §5
 */
export declare function deserializeObject(
  bytes: Uint8Array | ArrayBuffer | ArrayBufferView,
  options?: DecodeOptions,
): LxtValue;

/**
 * The normalised canonical encoding of a key (§3): equal bytes ⇔ the same
 * key, so a host can key a Map by them.
 * @throws {LxtError} invalid_key, integer_overflow, invalid_utf8, unsupported_type
 */
export declare function encodeKey(value: LxtKey): Uint8Array;

// The table mapping of §8.2, shared by the encoder and the runtime's input views (src/view.js).

/** The kind of table a JS value encodes as: 'array', 'map', 'object', or null for anything else. */
export declare function tableKind(value: unknown): 'array' | 'map' | 'object' | null;
/** The array part of an Array (§4.1): the length of its leading run of present (non-null) elements. */
export declare function arrayExtent(array: readonly unknown[]): number;
/** The indices i ≥ start of an Array's present elements, in the canonical order of their keys i + 1. */
export declare function sparseIndices(array: readonly unknown[], start: number): number[];
/** A plain object's own keys in canonical order, each with its encoding. */
export declare function objectKeysInOrder(object: object): [string, Uint8Array][];
/** A Map as the table it encodes as: the values at keys 1..n, and the other entries in canonical order. */
export declare function mapTable(map: Map<unknown, unknown>): {
  array: unknown[];
  arrayKeys: unknown[];
  hash: [string, Uint8Array, unknown, unknown][];
};
/** The binary-string form of key bytes, whose JS string order is the canonical key order (§4.2). */
export declare function keyBinary(keyBytes: Uint8Array): string;
