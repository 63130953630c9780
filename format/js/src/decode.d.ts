import type { TableRef } from './ref.js';
import type { LxtKey } from './keys.js';
import type { DecodeOptions } from './limits.js';

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
 * Decodes one LXT document; lenient unless `strict`.
 * @throws {LxtError} with the class and byte offset of §5
 */
export declare function deserializeObject(
  bytes: Uint8Array | ArrayBuffer | ArrayBufferView,
  options?: DecodeOptions,
): LxtValue;
