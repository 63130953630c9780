// luaxt-format: the reference JavaScript codec of LXT 1.
//
// The rules live in spec/ (spec/decisions.md lists them; §8 is the
// JavaScript mapping). One module per job:
//   tags.js      §2 the tag bytes
//   errors.js    §5 LxtError, messages, encode paths
//   limits.js    §6 default limits, option checks
//   ref.js       §2.8 TableRef
//   utf8.js      §2.5 UTF-8 validation, decoding, encoding
//   keys.js      §3 encodeKey, §4.2 the key order
//   tables.js    §8.2 what is a table, and its canonical form (§4)
//   decode.js    deserializeObject (with key-cache.js, decode-shapes.js,
//                decode-canonical.js)
//   encode.js    serializeObject (with object-keys.js)
// No dependencies; Node >= 20 and browsers.

export { Tag } from './tags.js';
export { LxtError } from './errors.js';
export { DEFAULT_LIMITS } from './limits.js';
export { TableRef } from './ref.js';
export { encodeKey, keyBinary } from './keys.js';
export { tableKind, arrayExtent, sparseIndices, objectKeysInOrder, mapTable } from './tables.js';
export { deserializeObject } from './decode.js';
export { serializeObject } from './encode.js';
