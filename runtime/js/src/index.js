/**
 * The luaxt runtime for JavaScript: Lua 5.4 in WebAssembly with its
 * external tables in a JavaScript store (spec §11), values crossing as one
 * LXT buffer per call (the reference codec), state saved to a file (Node)
 * or IndexedDB (browsers).
 *
 * Every runtime gets its own WebAssembly instance (the C side of Lua has
 * global state, so one instance runs one Lua state). The compiled module
 * is shared. Instances of closed runtimes are reused; WebAssembly memory
 * never shrinks, so an instance keeps the largest size it ever reached.
 *
 * This module is the runtime API (`createRuntime` and the runtime it
 * returns); beside it, one module per job:
 *   instances.js    the compiled module and the pool of instances
 *   guard.js        the store as the WebAssembly side calls it (§11.4)
 *   persistence.js  saved state: state files (Node), IndexedDB (browsers)
 *   errors.js       LuaError, RuntimeTrappedError, what a trap looks like
 *   store.js        MapStore, the default store (§11)
 *   view.js         views of the input (§9.7)
 *   stream.js       batches of an input stream
 *   worker.js       the runtime in a worker (worker-entry.js inside it)
 * The codec is the luaxt-format package.
 *
 * @module luaxt
 */

import { MapStore, IO_ID } from './store.js';
import { serializeObject, deserializeObject, encodeKey, tableKind } from 'luaxt-format';
import { ValueInput, encodesLargerThan } from './view.js';
import { batchStream, collect } from './stream.js';
import { INTERNAL, REQUEST_CODE } from './internal.js';
import { isNode } from './env.js';
import { LuaError, RuntimeTrappedError, isTrap, toLuaError } from './errors.js';
import { compileModule, newInstance, releaseInstance } from './instances.js';
import { guardStore } from './guard.js';
import { idbRun, nodeReadState, nodeWriteState } from './persistence.js';

export { MapStore } from './store.js';
export { ValueInput } from './view.js';
export { LuaError, RuntimeTrappedError } from './errors.js';
export { POOL_MEMORY_LIMIT } from './instances.js';
export { inspectLxt, inspectDocument, jsonToLxt } from './inspect.js';

/** Inputs whose encoding is longer than this are views in the auto mode (spec §9.7): 1 MiB. */
export const VIEW_THRESHOLD = 1 << 20;

const INPUT_MODES = ['copy', 'view', 'auto'];

/** An input mode option, checked: 'copy', 'view' or 'auto' (undefined: 'auto'). */
function inputModeOption(mode, name) {
  if (mode === undefined) return 'auto';
  if (!INPUT_MODES.includes(mode)) {
    throw new TypeError(`${name} must be 'copy', 'view' or 'auto', not ${JSON.stringify(mode)}`);
  }
  return mode;
}
export { serializeObject, deserializeObject, TableRef, LxtError } from 'luaxt-format';

/** Default Lua heap limit of the package: 256 MiB. */
export const DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024;

/** Encoded keys of the `_io` fields (spec §11.2). */
const INPUT_KEY = encodeKey('input');
const OUTPUT_KEY = encodeKey('output');
const META_KEY = encodeKey('meta');

// ---------------------------------------------------------------------------
// The runtime

class Runtime {
  constructor(options, module) {
    this.options = options;
    this.module = module;
    this.instance = null;
    this.store = null;
    this.rt = null;
    this.trapped = null;
    this.lastSaved = null;
    this.lastPrinted = '';
    this.closed = false;
    /** The runtime's own cancel check (setCancel), or null. */
    this.cancel = null;
  }

  /**
   * Hands the runtime its cancel check (spec §11.8): the runtime's own
   * (setCancel), or-ed with `extra`, a call's signal.
   */
  applyCancel(extra = null) {
    const base = this.cancel;
    const check = base && extra ? () => base() || extra() : base ?? extra;
    this.rt.setCancelCheck(check ?? undefined);
  }

  /** Runs `fn(rt)` with `signal` (if any) cancelling it too. */
  withSignal(signal, fn) {
    if (!signal) return this.call(fn);
    this.call(() => this.applyCancel(() => signal.aborted));
    try {
      return this.call(fn);
    } finally {
      if (!this.trapped && !this.closed) this.applyCancel();
    }
  }

  async start() {
    const instance = await newInstance(this.module);
    const store = guardStore(this.options.store ? this.options.store() : new MapStore());
    store.attach(instance.memory);
    const o = this.options;
    const memoryLimit = o.memoryLimit === undefined ? DEFAULT_MEMORY_LIMIT : o.memoryLimit ?? -1;
    let rt;
    try {
      const storeLimit = o.storeLimit === undefined ? undefined : o.storeLimit ?? -1;
      rt = new instance.glue.LuaRuntime(
        store,
        memoryLimit,
        o.instructionLimit ?? undefined,
        o.timeLimitMs ?? undefined,
        storeLimit,
      );
    } catch (e) {
      if (!isTrap(e)) releaseInstance(this.module, instance);
      throw e && typeof e.kind === 'string' ? toLuaError(e) : e;
    }
    this.instance = instance;
    this.store = store;
    this.rt = rt;
    this.trapped = null;
    this.applyCancel();
    // Lua's generational collector decodes large inputs about 3x faster
    // than the default incremental one (BENCHMARKS.md).
    const gc = o.gc === undefined ? 'generational' : o.gc;
    if (gc) this.call((r) => r.compute(`collectgarbage(${JSON.stringify(gc)})`));
    rt.takePrinted();
  }

  /** Runs `fn(rt)` and turns errors into LuaError / RuntimeTrappedError. */
  call(fn) {
    if (this.closed) throw new Error('luaxt runtime is closed');
    if (this.trapped) {
      throw new RuntimeTrappedError(
        `luaxt runtime is unusable after a trap (${this.trapped.message}); call recreate()`,
        { cause: this.trapped },
      );
    }
    try {
      return fn(this.rt);
    } catch (e) {
      if (isTrap(e)) {
        this.trapped = e instanceof Error ? e : new Error(String(e));
        throw new RuntimeTrappedError(
          `luaxt runtime trapped: ${this.trapped.message}; the instance is unusable, call recreate() ` +
            `to continue from the last saved state`,
          { cause: e },
        );
      }
      if (e && typeof e.kind === 'string') throw toLuaError(e);
      throw e;
    }
  }

  takePrinted() {
    let text = '';
    try {
      if (!this.trapped) text = this.rt.takePrinted();
    } catch {
      text = '';
    }
    this.lastPrinted = text;
    if (text && this.options.onPrint) this.options.onPrint(text);
    return text;
  }
}

/**
 * A cancel source as a function that says whether to cancel: an
 * AbortSignal, an Int32Array (cancelled while its element 0 is not 0, read
 * with Atomics.load: a SharedArrayBuffer lets another thread set it while a
 * call runs), a function, or null/undefined (none).
 */
function cancelCheck(source) {
  if (source === null || source === undefined) return null;
  if (typeof source === 'function') return () => !!source();
  if (source instanceof Int32Array) return () => Atomics.load(source, 0) !== 0;
  if (typeof source === 'object' && typeof source.aborted === 'boolean') return () => source.aborted;
  throw new TypeError('a cancel source must be an AbortSignal, an Int32Array, a function or null');
}

/**
 * Creates a runtime. See index.d.ts for the options and methods.
 * @param {import('./index.d.ts').RuntimeOptions} [options]
 * @returns {Promise<import('./index.d.ts').LuaxtRuntime>}
 */
export async function createRuntime(options = {}) {
  const module = await compileModule(options.wasm);
  const state = new Runtime(options, module);
  await state.start();
  const decode = (bytes) => (bytes === undefined || bytes === null ? null : deserializeObject(bytes));
  const dbName = options.dbName ?? 'luaxt';
  const storeName = options.storeName ?? 'state';
  const stateKey = options.stateKey ?? 'default';

  async function persistedState() {
    if (isNode) return options.statePath ? nodeReadState(options.statePath) : null;
    if (typeof indexedDB === 'undefined') return null;
    const value = await idbRun(dbName, storeName, 'readonly', (s) => s.get(stateKey));
    return value === undefined ? null : new Uint8Array(value);
  }

  async function persist(bytes) {
    if (isNode) {
      if (options.statePath) await nodeWriteState(options.statePath, bytes);
      return;
    }
    if (typeof indexedDB === 'undefined') return;
    await idbRun(dbName, storeName, 'readwrite', (s) => s.put(bytes, stateKey));
  }

  const computeBytes = (code, signal) => {
    try {
      return state.withSignal(signal, (rt) => rt.compute(code));
    } finally {
      state.takePrinted();
    }
  };
  const compute = (code, opts = {}) => decode(computeBytes(code, opts?.signal));
  // `_io` fields go straight to and from the store (it lives in JS): one
  // encode or decode, no copy through Wasm memory. The runtime decodes
  // (and validates) `_io.input` when Lua first reads it in a compute.
  // A store without host-side access goes through the runtime instead.
  const direct = (store) => typeof store.writeEntry === 'function' && typeof store.readEntry === 'function';
  const ioWrite = (key, value, viaRuntime) => {
    const bytes = serializeObject(value);
    state.call((rt) => {
      if (!direct(state.store)) return viaRuntime(rt, bytes);
      state.store.writeEntry(IO_ID, key, bytes.length === 1 && bytes[0] === 0 ? undefined : bytes);
    });
  };
  const ioRead = (key, viaRuntime) =>
    decode(state.call((rt) => (direct(state.store) ? state.store.readEntry(IO_ID, key) : viaRuntime(rt))));
  // Input modes (spec §9.7): a view keeps the value here and lets Lua
  // read it a piece at a time; a copy encodes it whole into the store.
  const defaultMode = inputModeOption(options.inputMode, 'inputMode');
  const setInput = (value, opts = {}) => {
    const mode = inputModeOption(opts.mode ?? defaultMode, 'mode');
    const view =
      tableKind(value) !== null && (mode === 'view' || (mode === 'auto' && encodesLargerThan(value, VIEW_THRESHOLD)));
    if (!view) {
      state.call((rt) => rt.clearInputView());
      return ioWrite(INPUT_KEY, value, (rt, bytes) => rt.setInput(bytes));
    }
    state.call((rt) => {
      const input = new ValueInput(value);
      input.attach(state.instance.memory);
      rt.setInputView(input);
    });
  };
  // The worker runtime (worker.js) moves LXT bytes, not values, so that
  // every value (references included) crosses exactly.
  const setInputBytes = (bytes, mode = defaultMode) => {
    inputModeOption(mode, 'mode');
    if (mode === 'view' || (mode === 'auto' && bytes.length > VIEW_THRESHOLD)) {
      const value = deserializeObject(bytes);
      if (tableKind(value) !== null) return setInput(value, { mode: 'view' });
    }
    state.call((rt) => {
      rt.clearInputView();
      if (!direct(state.store)) return rt.setInput(bytes);
      state.store.writeEntry(IO_ID, INPUT_KEY, bytes.length === 1 && bytes[0] === 0 ? undefined : bytes);
    });
  };
  const rawRead = (key, viaRuntime) =>
    state.call((rt) => (direct(state.store) ? state.store.readEntry(IO_ID, key) : viaRuntime(rt))) ?? null;
  const setMetaBytes = (bytes) =>
    state.call((rt) => {
      if (!direct(state.store)) return rt.setMeta(bytes);
      state.store.writeEntry(IO_ID, META_KEY, bytes.length === 1 && bytes[0] === 0 ? undefined : bytes);
    });
  const getOutput = () => ioRead(OUTPUT_KEY, (rt) => rt.getOutput());
  const setMetadata = (meta) => ioWrite(META_KEY, meta, (rt, bytes) => rt.setMeta(bytes));
  const getMetadata = () => ioRead(META_KEY, (rt) => rt.getMeta());
  const clearIo = () => state.call((rt) => rt.clearIo());

  const computeWithIo = (code, input, opts = {}) => {
    clearIo();
    if (input !== undefined) setInput(input, { mode: opts.inputMode });
    const meta = opts.metadata ?? opts.meta;
    if (meta !== undefined) setMetadata(meta);
    const returnValue = compute(code, { signal: opts.signal });
    return { returnValue, output: getOutput(), metadata: getMetadata() };
  };

  // One batch of a stream: its input and metadata in, the script, its
  // output out, and `_io` cleared on both sides so that nothing of a batch
  // stays in the runtime.
  const runBatch = (code, { inputMode, metadata, signal }) => {
    const mode = inputModeOption(inputMode ?? defaultMode, 'inputMode');
    const meta = metadata === undefined ? undefined : serializeObject(metadata);
    return (input) => {
      clearIo();
      try {
        setInput(input, { mode });
        if (meta !== undefined) setMetaBytes(meta);
        computeBytes(code, signal);
        return getOutput();
      } finally {
        if (!state.trapped && !state.closed) clearIo();
      }
    };
  };

  const runtime = {
    compute,
    setInput,
    getOutput,
    setMetadata,
    getMetadata,
    clearIo,
    computeWithIo,

    setCancel(source) {
      const check = cancelCheck(source);
      state.cancel = check;
      state.call(() => state.applyCancel());
    },

    stream(code, source, opts = {}) {
      if (typeof code !== 'string') throw new TypeError('code must be a string');
      return batchStream(source, opts, runBatch(code, opts ?? {}));
    },

    processStream(code, source, opts = {}) {
      try {
        return collect(runtime.stream(code, source, opts));
      } catch (e) {
        return Promise.reject(e);
      }
    },

    request(method, params) {
      if (typeof method !== 'string' || method === '') throw new TypeError('method must be a non-empty string');
      return computeWithIo(REQUEST_CODE, { method, params: params ?? null }).output;
    },

    printed() {
      return state.lastPrinted;
    },

    async saveState() {
      const bytes = state.call((rt) => rt.snapshot());
      await persist(bytes);
      state.lastSaved = bytes;
      return bytes;
    },

    async loadState(bytes) {
      const snapshot = bytes ?? (await persistedState());
      if (snapshot === null || snapshot === undefined) return false;
      state.call((rt) => rt.restore(snapshot));
      state.lastSaved = new Uint8Array(snapshot);
      return true;
    },

    async recreate() {
      const old = state.instance;
      const oldRt = state.rt;
      const wasTrapped = state.trapped !== null;
      const saved = state.lastSaved ?? (await persistedState());
      await state.start();
      if (!wasTrapped && old) {
        try {
          oldRt.free();
          releaseInstance(state.module, old);
        } catch {
          /* the old instance is dropped */
        }
      }
      if (saved) {
        state.call((rt) => rt.restore(saved));
        state.lastSaved = saved;
      }
      return { restored: !!saved };
    },

    close() {
      if (state.closed) return;
      state.closed = true;
      if (!state.trapped) {
        try {
          state.rt.free();
          releaseInstance(state.module, state.instance);
        } catch {
          /* dropped */
        }
      }
    },

    get trapped() {
      return state.trapped !== null;
    },
    usedMemory() {
      return state.call((rt) => rt.usedMemory());
    },
    get wasmMemory() {
      return state.instance.memory;
    },
    get store() {
      return state.store;
    },
  };
  Object.defineProperty(runtime, INTERNAL, {
    value: {
      computeBytes,
      setInputBytes,
      setMetaBytes,
      outputBytes: () => rawRead(OUTPUT_KEY, (rt) => rt.getOutput()),
      metaBytes: () => rawRead(META_KEY, (rt) => rt.getMeta()),
      lastSaved: () => state.lastSaved,
    },
  });
  return runtime;
}

export default createRuntime;
