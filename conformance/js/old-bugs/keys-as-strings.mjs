// Old bug: table keys stored as decimal strings, so t[1] and t["1"] collide
// and number keys come back as strings.
import { codec, mapDeep } from './base.mjs';

const stringKeys = (x) => (x instanceof Map ? new Map([...x].map(([k, v]) => [String(k), v])) : x);
export function deserializeObject(bytes, options) {
  return mapDeep(codec.deserializeObject(bytes, options), (x) => {
    if (Array.isArray(x)) return new Map(x.map((v, i) => [String(i + 1), v]));
    return stringKeys(x);
  });
}
export function serializeObject(value, options) {
  return codec.serializeObject(mapDeep(value, stringKeys), options);
}
