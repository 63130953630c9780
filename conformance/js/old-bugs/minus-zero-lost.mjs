// Old bug: -0 becomes 0 (on the way in and on the way out).
import { codec, mapDeep } from './base.mjs';

const bug = (x) => (Object.is(x, -0) ? 0 : x);
export function deserializeObject(bytes, options) {
  return mapDeep(codec.deserializeObject(bytes, options), bug);
}
export function serializeObject(value, options) {
  return codec.serializeObject(mapDeep(value, bug), options);
}
