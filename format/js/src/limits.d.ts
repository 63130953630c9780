/** The spec's default limits (§6): depth 128 nested tables, size 256 MiB. */
export declare const DEFAULT_LIMITS: Readonly<{ maxDepth: 128; maxSize: 268435456 }>;

/** Limits of §6; both default to DEFAULT_LIMITS. */
export interface LxtLimits {
  /** Most nested tables (a scalar has depth 0, a table 1). Default 128. */
  maxDepth?: number;
  /** Largest document and declared length, in bytes. Default 268435456. */
  maxSize?: number;
}

export interface EncodeOptions extends LxtLimits {}

export interface DecodeOptions extends LxtLimits {
  /** Reject noncanonical input with `noncanonical` (§4.6). Default false. */
  strict?: boolean;
}
