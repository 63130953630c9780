// Type declarations of the input views (src/view.js, spec §9.7, §11.7).

/**
 * The runtime's view of one JS value: answers the calls of spec §11.7 for it. The runtime
 * package creates one per view input; the value must not change while a call reads it.
 */
export declare class ValueInput {
  constructor(value: unknown);
  /** Points the input at the runtime's linear memory. */
  attach(memory: WebAssembly.Memory): void;
  root(outPtr: number, outCap: number): number;
  get(node: number, keyPtr: number, keyLen: number, outPtr: number, outCap: number): number;
  len(node: number): number;
  next(node: number, afterPtr: number, afterLen: number, outPtr: number, outCap: number): number;
  chunk(node: number, first: number, count: number, outPtr: number, outCap: number): number;
  value(node: number, outPtr: number, outCap: number): number;
  lastError(outPtr: number, outCap: number): number;
  /** The work done since the last call, in bytes (tables laid out); the runtime charges it. */
  takeWork(): number;
}

/** Whether `value` would encode to more than `limit` bytes (a walk that stops as soon as it knows). */
export declare function encodesLargerThan(value: unknown, limit: number): boolean;
