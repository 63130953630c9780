// luaxt-format: the reference JavaScript codec of LXT 1 (spec/, §8 is the
// JavaScript mapping). Each name is declared beside the module that defines it.

export { Tag } from './tags.js';
export { LxtError, type LxtErrorKind } from './errors.js';
export { DEFAULT_LIMITS, type LxtLimits, type EncodeOptions, type DecodeOptions } from './limits.js';
export { TableRef, type TableRefLike } from './ref.js';
export { encodeKey, keyBinary, type LxtKey } from './keys.js';
export { tableKind, arrayExtent, sparseIndices, objectKeysInOrder, mapTable } from './tables.js';
export { deserializeObject, type LxtValue, type LxtObject } from './decode.js';
export { serializeObject, type LxtInput } from './encode.js';
