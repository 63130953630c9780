// Type declarations of the luaxt runtime package (src/index.js).
import type { LxtInput, LxtValue } from 'luaxt-format';
import { MapStore } from './store.js';

export { serializeObject, deserializeObject, TableRef, LxtError } from 'luaxt-format';
export type { LxtInput, LxtValue } from 'luaxt-format';
export { MapStore } from './store.js';
export { ValueInput } from './view.js';
export { inspectLxt, inspectDocument, jsonToLxt } from './inspect.js';
export type { LxtInspection, LxtVerdict } from './inspect.js';

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

export type LuaErrorKind = 'lua' | 'memory' | 'limit' | 'cancelled' | 'store' | 'format' | 'snapshot' | 'io';

/**
 * A Lua error, a limit, or a cancelled call (kind "cancelled": a call's signal or the runtime's
 * cancel source stopped it); the runtime stays usable after it.
 */
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

/** Reported after each batch of a stream. */
export interface StreamProgress {
  /** 0 for the first batch. */
  batchIndex: number;
  /** Batches in the source; undefined when its length is not known. */
  totalBatches: number | undefined;
  /** Records processed so far, this batch included. */
  processed: number;
  /** Records in the source (an array's length, a Set's or Map's size, or options.total); else undefined. */
  total: number | undefined;
  /** The batch's `_io.output`. */
  output: LxtValue;
}

/**
 * What a stream reads records from, one record per element: an array, any iterable (a generator,
 * a Set), an async iterable (an async generator), or a web ReadableStream (one record per chunk).
 * Nothing but the current batch is read ahead.
 */
export type StreamSource<T = LxtInput> = T[] | Iterable<T> | AsyncIterable<T> | ReadableStream<T>;

export interface StreamOptions {
  /** Records per batch (default 100); an integer of at least 1. */
  batchSize?: number;
  /**
   * Called after each batch; a returned Promise is awaited before the next batch is pulled (so it
   * can slow the stream down, or let a page repaint). An exception ends the stream.
   */
  onProgress?: (p: StreamProgress) => void | Promise<void>;
  /** `_io.meta` of every batch. */
  metadata?: LxtInput;
  /** How each batch's `_io.input` crosses (default: the runtime's inputMode). */
  inputMode?: InputMode;
  /**
   * Stops the stream: checked before each batch is pulled and run (the stream throws
   * `signal.reason`, an AbortError unless you gave another), it also ends a pull that waits for
   * the source, and it stops a running batch at its next budget check (a LuaError of kind
   * "cancelled") when the abort can happen while Lua runs: from another thread through the worker
   * runtime (luaxt/worker), or from code that runs during the call (a store).
   */
  signal?: AbortSignal;
  /** Records in the source, when you know it and the runtime cannot (a generator): sets `total` and `totalBatches`. */
  total?: number;
}

/** A cancel source: an AbortSignal, an Int32Array (cancel while element 0 is not 0, read with Atomics.load), a function, or null. */
export type CancelSource = AbortSignal | Int32Array | (() => boolean) | null;

export interface LuaxtRuntime {
  /**
   * Runs Lua code; returns its first return value, decoded (nil → null). A `signal` that is aborted
   * (before the call, or by code that runs during it) stops it with a LuaError of kind "cancelled".
   */
  compute(code: string, options?: { signal?: AbortSignal }): LxtValue;
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
  /** clearIo, setInput(input, { mode: options.inputMode }), setMetadata(options.metadata), compute(code, { signal }). */
  computeWithIo(
    code: string,
    input?: LxtInput,
    options?: { metadata?: LxtInput; inputMode?: InputMode; signal?: AbortSignal },
  ): ComputeWithIoResult;
  /**
   * Runs `code` once per batch of `source` with `_io.input = { batch, batchIndex, offset, total,
   * totalBatches }` (0-based; the last two only when the length is known) and yields each batch's
   * `_io.output` as it is produced. The source is read one batch at a time, only when the next
   * output is asked for (backpressure), and never whole; `_io` is cleared around each batch, so
   * memory stays bounded by one batch at any length. Errors of the source, of a batch and of
   * onProgress end the stream; so do `break` and `return()`, which close the source (an
   * iterator's `return()`, a ReadableStream's `cancel()`). Lua globals and `_home` persist from
   * batch to batch.
   */
  stream(code: string, source: StreamSource, options?: StreamOptions): AsyncIterableIterator<LxtValue>;
  /** `stream`, collected: resolves to the `_io.output` of every batch, in order. */
  processStream(code: string, source: StreamSource, options?: StreamOptions): Promise<LxtValue[]>;
  /**
   * The runtime's own cancel source, asked at every budget check of every call (every 1000 Lua
   * instructions, spec §11.8); null removes it. While it says cancel, a running call stops and new
   * calls fail at once, with a LuaError of kind "cancelled". A JS thread runs nothing else while
   * its WebAssembly call runs, so only another thread can flip it then: an Int32Array over a
   * SharedArrayBuffer that another worker or thread sets with Atomics.store.
   */
  setCancel(source: CancelSource): void;
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
