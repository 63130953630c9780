// The inspector's functions: what `luaxt inspect`, `luaxt decode` and
// `luaxt encode` compute, run by the same Rust code in the WebAssembly
// module (not a JavaScript copy of it). Each call borrows an instance from
// the pool and gives it back.

import { isTrap } from './errors.js';
import { compileModule, newInstance, releaseInstance } from './instances.js';

/** Runs `call(glue)` on a pooled instance of the module from `wasm`. */
async function withInstance(wasm, call) {
  const module = await compileModule(wasm);
  const instance = await newInstance(module);
  let result;
  try {
    result = call(instance.glue);
  } catch (e) {
    // A trapped instance is not given back to the pool.
    if (!isTrap(e)) releaseInstance(module, instance);
    throw e;
  }
  releaseInstance(module, instance);
  return result;
}

function checkBytes(name, bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name} expects a Uint8Array`);
}

const widthOf = (width) => Math.max(1, Math.floor(width));

/**
 * The annotated dump of LXT `bytes` that `luaxt inspect` prints: offsets,
 * tags, nesting, count fields, noncanonical items marked, an error at its
 * offset with the bytes around it.
 * @param {Uint8Array} bytes
 * @param {{ strict?: boolean, width?: number, wasm?: any }} [options]
 * @returns {Promise<string>}
 */
export async function inspectLxt(bytes, { strict = false, width = 64, wasm } = {}) {
  checkBytes('inspectLxt', bytes);
  return withInstance(wasm, (glue) => glue.inspectLxt(bytes, !!strict, widthOf(width)));
}

/**
 * Everything the inspector page shows of `bytes`: the dump, the verdict
 * (an error's class and offset), and for a valid document its canonical
 * re-encoding and its typed and plain JSON (see index.d.ts for the shape).
 * @param {Uint8Array} bytes
 * @param {{ strict?: boolean, width?: number, wasm?: any }} [options]
 */
export async function inspectDocument(bytes, { strict = false, width = 64, wasm } = {}) {
  checkBytes('inspectDocument', bytes);
  const text = await withInstance(wasm, (glue) => glue.inspectDocument(bytes, !!strict, widthOf(width)));
  const doc = JSON.parse(text);
  if (doc.canonicalHex !== undefined) {
    const hex = doc.canonicalHex;
    doc.canonical = new Uint8Array(hex.length / 2);
    for (let i = 0; i < doc.canonical.length; i++) doc.canonical[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    delete doc.canonicalHex;
  }
  return doc;
}

/**
 * JSON text to LXT bytes, converted as `luaxt encode` does: plain JSON, or
 * the typed notation of spec §7 with `typed: true`. Throws an `Error` with
 * the CLI's message and a `kind` (`invalid_json`, `cannot_encode`,
 * `not_typed`).
 * @param {string} text
 * @param {{ typed?: boolean, wasm?: any }} [options]
 * @returns {Promise<Uint8Array>}
 */
export async function jsonToLxt(text, { typed = false, wasm } = {}) {
  if (typeof text !== 'string') throw new TypeError('jsonToLxt expects a string');
  return withInstance(wasm, (glue) => glue.jsonToLxt(text, !!typed));
}
