/**
 * A runtime in a worker (a Web Worker in browsers, a worker thread in
 * Node): the same Lua runtime as `createRuntime`, with every call
 * asynchronous, so a long job does not block the page, and an
 * `AbortSignal` that stops a call *while it runs*.
 *
 * A WebAssembly call runs to its end on its thread, so no event (an
 * abort, a click) is seen there while it runs. The worker's runtime asks a
 * flag in a SharedArrayBuffer at every budget check instead (every 1000
 * Lua instructions, spec §11.8), and this side sets the flag when a call's
 * signal aborts. SharedArrayBuffer needs a cross-origin isolated page in
 * browsers (COOP and COEP headers; always available in Node); without it
 * (`canCancelInCall` false), a signal is seen between batches only, and a
 * runaway call is stopped by its limits or by `recreate()`, which
 * terminates the worker.
 *
 * @module luaxt/worker
 */

import { serializeObject, deserializeObject } from 'luaxt-format';
import { LuaError, RuntimeTrappedError } from './index.js';
import { batchStream, collect } from './stream.js';
import { REQUEST_CODE } from './internal.js';

const isNode = typeof process !== 'undefined' && !!process.versions && !!process.versions.node;
const ENTRY_URL = new URL('./worker-entry.js', import.meta.url);

/** The options that cross into the worker (functions do not). */
const PASSED = ['memoryLimit', 'instructionLimit', 'timeLimitMs', 'storeLimit', 'inputMode', 'statePath', 'dbName', 'storeName', 'stateKey', 'gc'];

function workerOptions(options) {
  if (options.store !== undefined) throw new TypeError('a worker runtime keeps its store in the worker: the store option cannot cross');
  const passed = {};
  for (const name of PASSED) if (options[name] !== undefined) passed[name] = options[name];
  if (options.wasm !== undefined) passed.wasm = options.wasm instanceof URL ? options.wasm.href : options.wasm;
  return passed;
}

/** A worker with one interface for Node and browsers. */
async function spawn(onMessage, onFailure) {
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker(ENTRY_URL);
    worker.on('message', onMessage);
    worker.on('error', (e) => onFailure(e));
    worker.on('exit', (code) => onFailure(new Error(`the runtime's worker exited (code ${code})`)));
    return { post: (m, t) => worker.postMessage(m, t), terminate: () => worker.terminate() };
  }
  const worker = new Worker(ENTRY_URL, { type: 'module' });
  worker.addEventListener('message', (e) => onMessage(e.data));
  worker.addEventListener('error', (e) => {
    e.preventDefault?.();
    onFailure(new Error(`the runtime's worker failed: ${e.message ?? 'error'}`));
  });
  worker.addEventListener('messageerror', () => onFailure(new Error("a message from the runtime's worker could not be read")));
  return { post: (m, t) => worker.postMessage(m, t), terminate: () => worker.terminate() };
}

function toError(record) {
  if (record.name === 'RuntimeTrappedError') return new RuntimeTrappedError(record.message);
  if (typeof record.kind === 'string') {
    return new LuaError(record.luaMessage ?? record.message, {
      kind: record.kind,
      luaMessage: record.luaMessage,
      traceback: record.traceback,
      limitKind: record.limitKind,
      formatKind: record.formatKind,
    });
  }
  const Type = { TypeError, RangeError }[record.name] ?? Error;
  const error = new Type(record.message);
  if (record.name && error.name !== record.name) error.name = record.name;
  return error;
}

const decode = (bytes) => (bytes === null || bytes === undefined ? null : deserializeObject(bytes));
const encode = (value) => serializeObject(value);

/**
 * Creates a runtime in a worker. Options: those of `createRuntime` except
 * `store` (the store lives in the worker); `onPrint` is called here.
 * @param {import('./worker.d.ts').WorkerRuntimeOptions} [options]
 * @returns {Promise<import('./worker.d.ts').WorkerRuntime>}
 */
export async function createWorkerRuntime(options = {}) {
  const passed = workerOptions(options);
  // One flag per runtime: 0 while a call may run, 1 to stop it.
  const flag = typeof SharedArrayBuffer === 'function' && (isNode || globalThis.crossOriginIsolated === true)
    ? new Int32Array(new SharedArrayBuffer(4))
    : null;
  let worker = null;
  let nextId = 1;
  const pending = new Map();
  let queue = Promise.resolve();
  let busy = false;
  let closed = false;
  let trapped = false;
  let lastPrinted = '';
  let lastSaved = null;
  let failure = null;

  function onMessage(reply) {
    const entry = pending.get(reply.id);
    if (!entry) return;
    pending.delete(reply.id);
    trapped = reply.trapped;
    if (reply.printed !== undefined) {
      lastPrinted = reply.printed;
      if (reply.printed && options.onPrint) options.onPrint(reply.printed);
    }
    if (reply.ok) entry.resolve(reply.value);
    else entry.reject(toError(reply.error));
  }

  function onFailure(error) {
    failure = error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  }

  async function start() {
    failure = null;
    const own = await spawn(onMessage, (e) => {
      if (worker === own) onFailure(e);
    });
    worker = own;
    await post('init', [passed, flag]);
  }

  function post(op, args, transfer = []) {
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.post({ id, op, args }, transfer);
    });
  }

  /**
   * Runs one message at a time. `signal` stops it: before it is posted
   * (the call fails at once, as a cancelled call does) and, with a
   * shared flag, while it runs.
   */
  function call(op, args, { signal, transfer } = {}) {
    const run = async () => {
      if (closed) throw new Error('luaxt runtime is closed');
      if (flag) Atomics.store(flag, 0, signal?.aborted ? 1 : 0);
      const onAbort = () => {
        if (flag) Atomics.store(flag, 0, 1);
      };
      signal?.addEventListener('abort', onAbort);
      busy = true;
      try {
        return await post(op, args, transfer);
      } finally {
        busy = false;
        signal?.removeEventListener('abort', onAbort);
        if (flag) Atomics.store(flag, 0, 0);
      }
    };
    const result = queue.then(run, run);
    queue = result.catch(() => {});
    return result;
  }

  await start();

  const modeOf = (o) => o?.inputMode ?? passed.inputMode ?? 'auto';
  const metaOf = (o) => {
    const meta = o?.metadata ?? o?.meta;
    return meta === undefined ? null : encode(meta);
  };

  const runtime = {
    /** True when a signal can stop a call while it runs (a SharedArrayBuffer flag). */
    get canCancelInCall() {
      return flag !== null;
    },
    get trapped() {
      return trapped;
    },

    async compute(code, opts = {}) {
      return decode(await call('compute', [code], { signal: opts?.signal }));
    },

    async computeWithIo(code, input, opts = {}) {
      const bytes = input === undefined ? null : encode(input);
      const meta = metaOf(opts);
      const transfer = [bytes, meta].filter(Boolean).map((b) => b.buffer);
      const r = await call('computeWithIo', [code, bytes, modeOf(opts), meta], { signal: opts?.signal, transfer });
      return { returnValue: decode(r.returnValue), output: decode(r.output), metadata: decode(r.metadata) };
    },

    stream(code, source, opts = {}) {
      if (typeof code !== 'string') throw new TypeError('code must be a string');
      const mode = modeOf(opts);
      const meta = metaOf(opts);
      const signal = opts?.signal;
      return batchStream(source, opts, async (input) => {
        const bytes = encode(input);
        const metaCopy = meta === null ? null : meta.slice();
        const transfer = [bytes.buffer, ...(metaCopy ? [metaCopy.buffer] : [])];
        return decode(await call('batch', [code, bytes, mode, metaCopy], { signal, transfer }));
      });
    },

    processStream(code, source, opts = {}) {
      try {
        return collect(runtime.stream(code, source, opts));
      } catch (e) {
        return Promise.reject(e);
      }
    },

    async request(method, params, opts = {}) {
      if (typeof method !== 'string' || method === '') throw new TypeError('method must be a non-empty string');
      return (await runtime.computeWithIo(REQUEST_CODE, { method, params: params ?? null }, opts)).output;
    },

    printed() {
      return lastPrinted;
    },

    async saveState() {
      const bytes = await call('saveState', []);
      lastSaved = bytes;
      return bytes;
    },

    async loadState(bytes) {
      const loaded = await call('loadState', [bytes ?? null]);
      if (loaded) lastSaved = loaded;
      return loaded !== null;
    },

    /**
     * A fresh runtime restored from the last saved state. A worker that
     * is running a call (a runaway script, a call a signal could not stop)
     * is terminated and replaced; the call fails.
     */
    async recreate() {
      if (closed) throw new Error('luaxt runtime is closed');
      if (busy || failure) {
        const old = worker;
        onFailure(new Error('the runtime was recreated while this call ran'));
        await old.terminate();
        await queue;
        await start();
        if (lastSaved) await call('loadState', [lastSaved]);
        trapped = false;
        return { restored: lastSaved !== null };
      }
      return call('recreate', []);
    },

    /** Bytes the Lua heap uses. */
    usedMemory() {
      return call('usedMemory', []);
    },

    /** The worker's WebAssembly memory, Lua heap and JS heap (bytes; null where unknown). */
    memoryUsage() {
      return call('memory', []);
    },

    /** Frees the runtime and ends the worker. */
    async close() {
      if (closed) return;
      try {
        if (!busy && !failure) await call('close', []);
      } catch {
        /* ending anyway */
      }
      closed = true;
      await worker.terminate();
    },
  };
  return runtime;
}

export default createWorkerRuntime;
