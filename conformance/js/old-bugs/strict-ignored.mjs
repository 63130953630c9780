// Old bug: the strict option is dropped, so noncanonical input is accepted.
import { codec } from './base.mjs';

export function deserializeObject(bytes, options) {
  const { strict, ...rest } = options ?? {};
  return codec.deserializeObject(bytes, rest);
}
export const serializeObject = codec.serializeObject;
