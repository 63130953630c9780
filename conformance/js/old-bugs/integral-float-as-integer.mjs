// Old bug: an integral number beyond the safe range (2^53, 1e21…) written as
// an integer instead of a float (Number.isInteger instead of isSafeInteger).
import { codec, mapDeep } from './base.mjs';

export const deserializeObject = codec.deserializeObject;
export function serializeObject(value, options) {
  const bug = (x) =>
    typeof x === 'number' && Number.isInteger(x) && !Object.is(x, -0) && Math.abs(x) < 2 ** 63 ? BigInt(x) : x;
  return codec.serializeObject(mapDeep(value, bug), options);
}
