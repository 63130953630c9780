// The table mapping of §8.2, shared by the encoder and the runtime's input views.

/** The kind of table a JS value encodes as: 'array', 'map', 'object', or null for anything else. */
export declare function tableKind(value: unknown): 'array' | 'map' | 'object' | null;
/** The array part of an Array (§4.1): the length of its leading run of present (non-null) elements. */
export declare function arrayExtent(array: readonly unknown[]): number;
/** The indices i ≥ start of an Array's present elements, in the canonical order of their keys i + 1. */
export declare function sparseIndices(array: readonly unknown[], start: number): number[];
/** A plain object's own keys in canonical order, each with its encoding. */
export declare function objectKeysInOrder(object: object): [string, Uint8Array][];
/** A Map as the table it encodes as: the values at keys 1..n, and the other entries in canonical order. */
export declare function mapTable(map: Map<unknown, unknown>): {
  array: unknown[];
  arrayKeys: unknown[];
  hash: [string, Uint8Array, unknown, unknown][];
};
