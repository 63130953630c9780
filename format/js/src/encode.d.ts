import type { TableRefLike } from './ref.js';
import type { LxtKey } from './keys.js';
import type { EncodeOptions } from './limits.js';

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

/**
 * Encodes a JS value as a canonical LXT document.
 * @returns a fresh Uint8Array: its ArrayBuffer belongs to it alone (never
 *   reused by the encoder) and may be larger than the document
 * @throws {LxtError} invalid_key, duplicate_key, depth_exceeded, length_overflow,
 *   invalid_utf8, integer_overflow, cycle, unsupported_type
 */
export declare function serializeObject(value: LxtInput, options?: EncodeOptions): Uint8Array;
