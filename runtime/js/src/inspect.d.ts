// Types of inspect.js: the inspector's functions, run by the Rust code of
// `luaxt inspect`, `luaxt decode` and `luaxt encode` in the WebAssembly module.

/** Where the module comes from (as `RuntimeOptions['wasm']`). */
type WasmSource = BufferSource | URL | string | WebAssembly.Module;

/** The decoder's verdict on a document. */
export type LxtVerdict =
  | { ok: true; canonical: true }
  | { ok: true; canonical: false; /** The first noncanonical item. */ noncanonicalOffset: number }
  | {
      ok: false;
      /** The error class of spec §10, e.g. `length_overflow`. */
      kind: string;
      /** Where the error is, when it has a place. */
      offset: number | null;
      /** `class at offset N: details`, as `luaxt inspect` prints it. */
      message: string;
    };

/** What the inspector page shows of a document. */
export interface LxtInspection {
  /** The annotated dump `luaxt inspect` prints. */
  dump: string;
  verdict: LxtVerdict;
  /** The canonical re-encoding, when the bytes decode (leniently). */
  canonical?: Uint8Array;
  /** Why the value cannot be re-encoded (it exceeds the writer's limits). */
  canonicalError?: string;
  /** The value in the typed notation of spec §7 (pretty JSON text). */
  typed?: string;
  /** The value as plain JSON text, as `luaxt decode` writes it... */
  plain?: string;
  /** ...or why plain JSON cannot carry it. */
  plainError?: string;
}

/**
 * The annotated dump of LXT bytes that `luaxt inspect` prints (offsets,
 * tags, nesting, noncanonical items, an error at its offset).
 */
export declare function inspectLxt(
  bytes: Uint8Array,
  options?: { strict?: boolean; width?: number; wasm?: WasmSource },
): Promise<string>;

/** The dump, the verdict and the views of a document. */
export declare function inspectDocument(
  bytes: Uint8Array,
  options?: { strict?: boolean; width?: number; wasm?: WasmSource },
): Promise<LxtInspection>;

/**
 * JSON text to LXT bytes as `luaxt encode` converts it (plain JSON, or the
 * typed notation with `typed: true`). Rejects with an `Error` whose `kind`
 * is `invalid_json`, `cannot_encode` or `not_typed`.
 */
export declare function jsonToLxt(text: string, options?: { typed?: boolean; wasm?: WasmSource }): Promise<Uint8Array>;
