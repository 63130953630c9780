// §5 Errors: the error class, its messages, and the path an encode error
// carries (`$.a[3]`), built segment by segment as the error unwinds.

import { isTableRef } from './ref.js';

/** Short phrases for messages, by the spec's stable class names (§5). */
const PHRASES = {
  truncated: 'truncated input',
  unknown_tag: 'unknown tag',
  invalid_bool: 'invalid boolean',
  invalid_utf8: 'invalid utf-8',
  length_overflow: 'length overflow',
  depth_exceeded: 'nesting depth exceeded',
  invalid_key: 'invalid key',
  duplicate_key: 'duplicate key',
  trailing_bytes: 'trailing bytes',
  noncanonical: 'noncanonical encoding',
  integer_overflow: 'integer out of i64 range',
  cycle: 'cyclic table',
  unsupported_type: 'unsupported type',
};

/**
 * An LXT decode or encode error.
 *
 * `kind` is one of the spec's stable class names (§5): `truncated`,
 * `unknown_tag`, `invalid_bool`, `invalid_utf8`, `length_overflow`,
 * `depth_exceeded`, `invalid_key`, `duplicate_key`, `trailing_bytes`,
 * `noncanonical`, `integer_overflow`, `cycle`, `unsupported_type`.
 *
 * `offset` is the byte offset into the document for decode errors (the
 * offset rules of §5) and -1 for encode errors, which carry a `path` such as
 * `$.a[3]` instead.
 */
export class LxtError extends Error {
  /**
   * @param {string} kind a class name of §5
   * @param {number} offset byte offset (decode) or -1 (encode)
   * @param {string} [message] defaults to the class phrase (and offset)
   */
  constructor(kind, offset, message) {
    super(message ?? (offset >= 0 ? `${PHRASES[kind] ?? kind} at offset ${offset}` : PHRASES[kind] ?? kind));
    this.name = 'LxtError';
    /** @type {string} */
    this.kind = kind;
    /** @type {number} */
    this.offset = offset;
    /** @type {string | undefined} where an encode error happened, e.g. `$.a[3]` */
    this.path = undefined;
  }
}

/** A decode error of `kind` at `offset`; `detail` goes between phrase and offset. */
export function decodeError(kind, offset, detail = '') {
  return new LxtError(kind, offset, `${PHRASES[kind]}${detail} at offset ${offset}`);
}

/** ` 0x09`: a byte for messages. */
export function hexByte(byte) {
  return ' 0x' + byte.toString(16).padStart(2, '0');
}

/** An encode error; the path is added while the error unwinds (see withPath). */
export function encodeError(kind, detail = '') {
  const err = new LxtError(kind, -1, PHRASES[kind] + detail);
  err.path = '';
  return err;
}

/** Describes a JS value for messages. */
export function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const name = value.constructor && value.constructor.name;
    return name ? name : 'object';
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  return String(value);
}

/** Prepends a path segment to an encode error as it unwinds. */
export function withPath(err, segment) {
  if (err instanceof LxtError && err.path !== undefined) err.path = segment + err.path;
  return err;
}

/** `[3]`: the path segment of an array element. */
export function indexSegment(i) {
  return `[${i}]`;
}

/** `.name` or `["odd key"]`: the path segment of an object property. */
export function propSegment(key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The path segment of a Map entry, by the kind of its key. */
export function mapKeySegment(key) {
  if (typeof key === 'string') return `[${JSON.stringify(key)}]`;
  if (typeof key === 'bigint') return `[${key}n]`;
  if (key instanceof Uint8Array) return '[<bytes>]';
  if (key !== null && typeof key === 'object' && isTableRef(key)) return `[<ref ${key.id}>]`;
  return `[${describe(key)}]`;
}

/** Completes an encode error's message with its path; maps a JS stack overflow. */
export function finishEncodeError(err) {
  if (err instanceof LxtError && err.path !== undefined) {
    const path = '$' + err.path;
    err.path = path;
    err.message += ` at ${path}`;
    return err;
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    const e = new LxtError('depth_exceeded', -1, 'nesting depth exceeded: the JS call stack ran out (lower maxDepth)');
    e.path = '$';
    return e;
  }
  return err;
}
