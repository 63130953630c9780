// The compiled module (shared) and its instances (one per runtime, reused
// when a runtime closes cleanly and its memory stayed small).

import { isNode } from './env.js';

const DEFAULT_WASM_URL = new URL('../dist/luaxt_bg.wasm', import.meta.url);
const GLUE_URL = new URL('../dist/luaxt.js', import.meta.url);

/** Compiled modules by source (only for URL/string sources and the default). */
const moduleCache = new Map();
/** Instances whose runtime was closed cleanly, by module. */
const idleInstances = new WeakMap();
let glueCounter = 0;

export async function compileModule(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  const url = source === undefined ? DEFAULT_WASM_URL : source instanceof URL ? source : new URL(String(source), isNode ? undefined : globalThis.location?.href);
  const key = url.href;
  let promise = moduleCache.get(key);
  if (promise === undefined) {
    promise = (async () => {
      if (isNode && url.protocol === 'file:') {
        const { readFile } = await import('node:fs/promises');
        return WebAssembly.compile(await readFile(url));
      }
      const response = await fetch(url);
      if (!response.ok) throw new Error(`failed to fetch ${url.href}: ${response.status} ${response.statusText}`);
      if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('Content-Type') === 'application/wasm') {
        return WebAssembly.compileStreaming(response);
      }
      return WebAssembly.compile(await response.arrayBuffer());
    })();
    promise.catch(() => moduleCache.delete(key));
    moduleCache.set(key, promise);
  }
  return promise;
}

/**
 * A fresh instance: wasm-bindgen's glue keeps the instance in module
 * state, so each instance imports its own copy of the glue (a distinct
 * URL query makes a distinct module).
 */
export async function newInstance(module) {
  const idle = idleInstances.get(module);
  if (idle && idle.length > 0) return idle.pop();
  const glue = await import(`${GLUE_URL.href}?instance=${++glueCounter}`);
  const exports = glue.initSync({ module });
  return { glue, exports, memory: exports.memory };
}

/**
 * An instance whose WebAssembly memory grew past this (64 MiB) is dropped
 * when its runtime closes instead of going back to the pool: memory never
 * shrinks, and the next runtime should not start with it.
 */
export const POOL_MEMORY_LIMIT = 64 * 1024 * 1024;

export function releaseInstance(module, instance) {
  if (instance.memory.buffer.byteLength > POOL_MEMORY_LIMIT) return;
  let idle = idleInstances.get(module);
  if (idle === undefined) idleInstances.set(module, (idle = []));
  idle.push(instance);
}

