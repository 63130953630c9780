// Type declarations of the JS store of external tables (src/store.js, spec §11).

/** Status codes of spec §11.4. */
export declare const Status: Readonly<{ ABSENT: -1; END: -1; NO_SUCH_TABLE: -2; IDS_EXHAUSTED: -3; INVALID: -4; BACKEND: -5; QUOTA: -6 }>;
/** The store limit's counting rule (spec §6.7): an entry counts its key and value bytes plus ENTRY_COST, a table TABLE_COST. */
export declare const ENTRY_COST: 64;
export declare const TABLE_COST: 256;
/** The fixed ids of `_home` and `_io` (§11.1). */
export declare const HOME_ID: 1;
export declare const IO_ID: 2;

/** Latin-1 string of `bytes`: a Map key with byte equality. */
export declare function keyString(bytes: Uint8Array): string;

/** An in-memory store on Maps implementing the host calls of spec §11.3. */
export declare class MapStore {
  constructor();
  /** Points the store at the runtime's linear memory. */
  attach(memory: WebAssembly.Memory): void;
  /** Number of entries in every table. */
  readonly entryCount: number;
  /** The store's size as the store limit counts it (spec §6.7). */
  readonly size: number;
  /** The store limit in bytes, or -1 for none. */
  readonly quota: number;
  /** Sets the store limit (spec §6.7); a negative number removes it. Called by the runtime. */
  setQuota(limit: number): number;
  /**
   * The message `lastError` reports. The package sets it when an ABI
   * method throws (and answers BACKEND for it).
   */
  error: string;
  create(outIdPtr: number): number;
  contains(id: number): number;
  get(id: number, keyPtr: number, keyLen: number, outPtr: number, outCap: number): number;
  set(id: number, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number): number;
  delete(id: number, keyPtr: number, keyLen: number): number;
  len(id: number, outPtr: number): number;
  next(id: number, afterPtr: number, afterLen: number, outPtr: number, outCap: number): number;
  tableIds(outPtr: number, outCap: number): number;
  replaceAll(ptr: number, len: number): number;
  lastError(outPtr: number, outCap: number): number;
  /** Host-side read (not ABI): the value bytes under encoded key `key`, or undefined. Do not modify them. */
  readEntry(id: number, key: Uint8Array): Uint8Array | undefined;
  /** Host-side write (not ABI): stores `value` (now owned by the store) under `key`; undefined deletes. Throws a RangeError past the store limit. */
  writeEntry(id: number, key: Uint8Array, value: Uint8Array | undefined): void;
}

/** The tables of a snapshot container (§12). */
export declare function readSnapshotTables(bytes: Uint8Array): Array<[number, Array<[Uint8Array, Uint8Array]>]>;
