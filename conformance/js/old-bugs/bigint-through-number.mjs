// Old bug: every integer goes through Number, so integers beyond 2^53 are
// rounded (and come back as numbers, not BigInt).
import { codec, mapDeep } from './base.mjs';

export const serializeObject = codec.serializeObject;
export function deserializeObject(bytes, options) {
  return mapDeep(codec.deserializeObject(bytes, options), (x) => (typeof x === 'bigint' ? Number(x) : x));
}
