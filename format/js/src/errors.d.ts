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
