import type { TableRefLike } from './ref.js';

/** A value that can be a table key (§3); NaN is a number but not a key. */
export type LxtKey = boolean | number | bigint | string | Uint8Array | TableRefLike;

/**
 * The normalised canonical encoding of a key (§3): equal bytes ⇔ the same
 * key, so a host can key a Map by them.
 * @throws {LxtError} invalid_key, integer_overflow, invalid_utf8, unsupported_type
 */
export declare function encodeKey(value: LxtKey): Uint8Array;

/** The binary-string form of key bytes, whose JS string order is the canonical key order (§4.2). */
export declare function keyBinary(keyBytes: Uint8Array): string;

