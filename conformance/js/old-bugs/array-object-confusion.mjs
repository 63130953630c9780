// Old bug: arrays and objects confused. Decoded arrays become objects with
// keys "1".."n"; encoded objects whose keys look like indices become arrays.
import { codec, mapDeep } from './base.mjs';

export function deserializeObject(bytes, options) {
  return mapDeep(codec.deserializeObject(bytes, options), (x) =>
    Array.isArray(x) ? Object.fromEntries(x.map((v, i) => [String(i + 1), v])) : x);
}
export function serializeObject(value, options) {
  return codec.serializeObject(mapDeep(value, (x) => {
    if (x === null || typeof x !== 'object' || Array.isArray(x) || x instanceof Map || x instanceof Uint8Array) return x;
    const keys = Object.keys(x);
    return keys.length > 0 && keys.every((k, i) => k === String(i + 1)) ? keys.map((k) => x[k]) : x;
  }), options);
}
