// §6 Limits and the options of the two entry points. Options are checked
// before anything is read or written: a misspelt `{ scrict: true }` must not
// silently decode leniently.

/** The spec's default limits (§6): depth 128 tables, size 256 MiB. */
export const DEFAULT_LIMITS = Object.freeze({ maxDepth: 128, maxSize: 268435456 });

export const DECODE_OPTIONS = ['maxDepth', 'maxSize', 'strict'];
export const ENCODE_OPTIONS = ['maxDepth', 'maxSize'];

/**
 * Refuses an options argument that is not an object or names an option
 * `fn` does not know.
 */
export function checkOptions(options, known, fn) {
  if (options == null) return;
  if (typeof options !== 'object') {
    throw new TypeError(`${fn}: options must be an object (got ${typeof options})`);
  }
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(name)} (known: ${known.join(', ')})`);
    }
  }
}

/** Reads the boolean option `strict` (default false). */
export function strictOption(options) {
  const value = options == null ? undefined : options.strict;
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`LXT option strict must be a boolean (got ${describeOption(value)})`);
  return value;
}

function describeOption(value) {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Reads `maxDepth` / `maxSize` from options, with the defaults of §6. */
export function limitOption(options, name) {
  const value = options == null ? undefined : options[name];
  if (value === undefined) return DEFAULT_LIMITS[name];
  if (typeof value !== 'number' || !(value >= 0) || !(Number.isInteger(value) || value === Infinity)) {
    throw new TypeError(`LXT option ${name} must be a non-negative integer (got ${describeOption(value)})`);
  }
  return value;
}
