// Shared by the old-bug wrappers: the reference codec (or the module named
// by LXT_REFERENCE_CODEC) and a deep value transform.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const path = process.env.LXT_REFERENCE_CODEC
  ? pathToFileURL(resolve(process.env.LXT_REFERENCE_CODEC)).href
  : new URL('../../../format/js/src/index.js', import.meta.url).href;
export const codec = await import(path);

const BRAND = Symbol.for('luaxt.TableRef');

/** Rebuilds `v` bottom-up, applying `f` to every value (keys included). */
export function mapDeep(v, f) {
  if (v !== null && typeof v === 'object' && v[BRAND] !== true && !(v instanceof Uint8Array)) {
    if (Array.isArray(v)) return f(Array.from(v, (x) => mapDeep(x, f)));
    if (v instanceof Map) return f(new Map([...v].map(([k, x]) => [mapDeep(k, f), mapDeep(x, f)])));
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const o = {};
      for (const k of Object.keys(v)) {
        Object.defineProperty(o, k, { value: mapDeep(v[k], f), enumerable: true, writable: true, configurable: true });
      }
      return f(o);
    }
  }
  return f(v);
}
