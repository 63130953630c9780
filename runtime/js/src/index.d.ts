// Type declarations of the luaxt runtime package (src/index.js).
import type { LxtInput, LxtValue } from './codec.js';
import { MapStore } from './store.js';

export { serializeObject, deserializeObject, TableRef, LxtError } from './codec.js';
export type { LxtInput, LxtValue } from './codec.js';
export { MapStore } from './store.js';
export { ValueInput } from './view.js';

/**
 * How `_io.input` reaches Lua (spec §9.7): 'copy' encodes it whole into the store and Lua
 * decodes it on first read; 'view' keeps the JS value here and Lua reads it through read-only
 * views, a piece at a time (WebAssembly memory stays small at any size); 'auto' (the default)
 * is a view for inputs whose encoding is longer than VIEW_THRESHOLD.
 */
export type InputMode = 'copy' | 'view' | 'auto';
/** 1 MiB. */
export declare const VIEW_THRESHOLD: number;
/** A closed runtime's instance goes back to the pool only if its WebAssembly memory is at most this (64 MiB). */
export declare const POOL_MEMORY_LIMIT: number;

/** The package's default Lua heap limit: 256 MiB. */
export declare const DEFAULT_MEMORY_LIMIT: number;

export type LuaErrorKind = 'lua' | 'memory' | 'limit' | 'store' | 'format' | 'snapshot' | 'io';

/** A Lua error or a limit; the runtime stays usable after it. */
export declare class LuaError extends Error {
  constructor(message: string, options?: { kind?: LuaErrorKind; luaMessage?: string; traceback?: string; formatKind?: string; limitKind?: LimitKind; cause?: unknown });
  readonly name: 'LuaError';
  kind: LuaErrorKind;
  /** The Lua error message (the value given to `error`). */
  luaMessage: string;
  traceback?: string;
  /** For kind "format": the LXT error class (e.g. "depth_exceeded"). */
  formatKind?: string;
  /** For kind "limit": which limit stopped the call. */
  limitKind?: LimitKind;
}

/** The limits of a call: the instruction budget, the deadline, the store limit. */
export type LimitKind = 'instructions' | 'deadline' | 'store';

/** The WebAssembly instance trapped and is unusable until `recreate()`. */
export declare class RuntimeTrappedError extends Error {
  readonly name: 'RuntimeTrappedError';
  readonly kind: 'trap';
}

export interface RuntimeOptions {
  /** Lua heap limit in bytes (default 256 MiB); null or a negative number: none. */
  memoryLimit?: number | null;
  /** Lua instructions per call (default 1e9); negative: none. */
  instructionLimit?: number;
  /** Wall-clock limit per call in ms (default none). */
  timeLimitMs?: number;
  /**
   * Store limit in bytes (default 256 MiB; null or a negative number: none), counted as spec §6.7
   * says: keys and values, plus 64 bytes per entry and 256 per table. A script's write past it is a
   * Lua error it can catch (uncaught: a LuaError of kind "limit", limitKind "store"); setInput past
   * it throws. A custom store must implement setQuota to enforce it.
   */
  storeLimit?: number | null;
  /** The default input mode of setInput and computeWithIo (default 'auto'); anything else is a TypeError. */
  inputMode?: InputMode;
  /** The module: bytes, a URL (string or URL), or a compiled Module. Default: dist/luaxt_bg.wasm of the package. */
  wasm?: BufferSource | URL | string | WebAssembly.Module;
  /**
   * Node: the state file of saveState/loadState, written atomically (spec §12.6: a new
   * temporary file created exclusively beside it, fsync, rename; its permissions kept, a new
   * one 0600; a symlink at the path replaced). No lock: processes sharing one state file
   * serialise their own load, run and save.
   */
  statePath?: string;
  /** Browser: IndexedDB database (default "luaxt"), object store (default "state") and key (default "default"). */
  dbName?: string;
  storeName?: string;
  stateKey?: string;
  /** Called with what Lua's `print` wrote, after each call that printed. */
  onPrint?: (text: string) => void;
  /** Lua collector mode set at start: "generational" (default), "incremental", or null to leave Lua's default. */
  gc?: 'generational' | 'incremental' | null;
  /** Makes the store of each instance (default: a new MapStore). */
  store?: () => MapStore;
}

export interface ComputeWithIoResult {
  returnValue: LxtValue;
  output: LxtValue;
  metadata: LxtValue;
}

export interface StreamProgress {
  batchIndex: number;
  totalBatches: number;
  processed: number;
  total: number;
  output: LxtValue;
}

export interface LuaxtRuntime {
  /** Runs Lua code; returns its first return value, decoded (nil → null). */
  compute(code: string): LxtValue;
  /**
   * Sets `_io.input`: a copy (one encoded buffer in the store) or a view of `value` (kept here,
   * read by Lua a piece at a time; do not change it while a call runs), by `options.mode` or the
   * runtime's `inputMode`. Only tables are views.
   */
  setInput(value: LxtInput, options?: { mode?: InputMode }): void;
  /** `_io.output`, decoded; null when nil. */
  getOutput(): LxtValue;
  setMetadata(meta: LxtInput): void;
  getMetadata(): LxtValue;
  /** Clears `_io.input`, `_io.output` and `_io.meta`. */
  clearIo(): void;
  /** clearIo, setInput(input, { mode: options.inputMode }), setMetadata(options.metadata), compute(code). */
  computeWithIo(
    code: string,
    input?: LxtInput,
    options?: { metadata?: LxtInput; inputMode?: InputMode },
  ): ComputeWithIoResult;
  /**
   * Runs `code` once per batch with `_io.input = { batch, batchIndex,
   * totalBatches, offset, total }`; resolves to the `_io.output` of each batch.
   */
  processStream(
    code: string,
    items: Iterable<LxtInput>,
    options?: { batchSize?: number; onProgress?: (p: StreamProgress) => void | Promise<void>; metadata?: LxtInput },
  ): Promise<LxtValue[]>;
  /** Calls the global Lua function `method` (dotted paths allowed) with `params`; returns its result. */
  request(method: string, params?: LxtInput): LxtValue;
  /** What `print` wrote during the last compute. */
  printed(): string;
  /** Snapshot of `_home`, persisted (Node: options.statePath; browser: IndexedDB); returns the bytes. */
  saveState(): Promise<Uint8Array>;
  /** Restores `bytes`, or the persisted state; false when there is none. */
  loadState(bytes?: Uint8Array): Promise<boolean>;
  /** A fresh instance and store, restored from the last saved state. */
  recreate(): Promise<{ restored: boolean }>;
  /** Frees the Lua state; the instance is reused by a later createRuntime. */
  close(): void;
  /** True after a trap, until recreate(). */
  readonly trapped: boolean;
  /** Bytes the Lua heap uses. */
  usedMemory(): number;
  /** The instance's WebAssembly memory. */
  readonly wasmMemory: WebAssembly.Memory;
  /** The store of the external tables. */
  readonly store: MapStore;
}

export declare function createRuntime(options?: RuntimeOptions): Promise<LuaxtRuntime>;
export default createRuntime;
