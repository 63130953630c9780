// Type declarations of the worker runtime (src/worker.js).
import type { LxtInput, LxtValue } from 'luaxt-format';
import type { ComputeWithIoResult, InputMode, RuntimeOptions, StreamOptions, StreamSource } from './index.js';

/** The options of createRuntime, without `store` (the store lives in the worker). */
export type WorkerRuntimeOptions = Omit<RuntimeOptions, 'store'>;

/**
 * The runtime of createRuntime, in a worker (a module Web Worker in browsers, a worker thread in
 * Node): every call is asynchronous and runs one at a time, in order; values cross as LXT bytes,
 * exactly. A call's `signal` stops it while it runs (a LuaError of kind "cancelled", the runtime
 * stays usable) when `canCancelInCall` is true.
 */
export interface WorkerRuntime {
  /**
   * True when a signal can stop a running call: the runtime's flag is a SharedArrayBuffer (always
   * in Node; in browsers only on a cross-origin isolated page: COOP same-origin and COEP
   * require-corp). Otherwise a signal is seen before a call and between batches only.
   */
  readonly canCancelInCall: boolean;
  /** True after a trap in the worker, until recreate(). */
  readonly trapped: boolean;
  compute(code: string, options?: { signal?: AbortSignal }): Promise<LxtValue>;
  computeWithIo(
    code: string,
    input?: LxtInput,
    options?: { metadata?: LxtInput; inputMode?: InputMode; signal?: AbortSignal },
  ): Promise<ComputeWithIoResult>;
  /** As LuaxtRuntime.stream; each batch crosses to the worker when it is pulled. */
  stream(code: string, source: StreamSource, options?: StreamOptions): AsyncIterableIterator<LxtValue>;
  processStream(code: string, source: StreamSource, options?: StreamOptions): Promise<LxtValue[]>;
  request(method: string, params?: LxtInput, options?: { signal?: AbortSignal }): Promise<LxtValue>;
  /** What `print` wrote during the last call. */
  printed(): string;
  saveState(): Promise<Uint8Array>;
  loadState(bytes?: Uint8Array): Promise<boolean>;
  /**
   * A fresh runtime restored from the last saved state. If a call is running (a runaway script a
   * signal could not stop), the worker is terminated and replaced, and that call rejects.
   */
  recreate(): Promise<{ restored: boolean }>;
  /** Bytes the Lua heap uses. */
  usedMemory(): Promise<number>;
  /** The worker's WebAssembly memory, Lua heap and JS heap, in bytes (null where the platform does not tell). */
  memoryUsage(): Promise<{ wasm: number; lua: number | null; jsHeap: number | null }>;
  /** Frees the runtime and ends the worker. */
  close(): Promise<void>;
}

export declare function createWorkerRuntime(options?: WorkerRuntimeOptions): Promise<WorkerRuntime>;
export default createWorkerRuntime;
