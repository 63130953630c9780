// The JS side of the LXT 1 conformance kit: loading the vectors, the §8
// view of a typed JSON value, exact comparison and display, and the runner.
// No dependencies beyond Node's standard library.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const HERE = dirname(fileURLToPath(import.meta.url));
export const VECTOR_DIR = join(HERE, '..', 'vectors');
export const KNOWN_DIR = join(HERE, '..', 'known-failures');
export const BRAND = Symbol.for('luaxt.TableRef');
const SAFE = 2n ** 53n - 1n;

/** Every vector of every file in `dir`, in file order. */
/**
 * Imports the codec under test: a file path (relative to the working
 * directory), or the name of a package installed where the command runs
 * (`luaxt-format`, `@scope/codec`), resolved from the working directory
 * as the user's own code would resolve it.
 */
export async function importCodec(spec) {
  try {
    if (/^[./]/.test(spec) || existsSync(spec)) return await import(pathToFileURL(resolve(spec)).href);
    const fromCwd = createRequire(pathToFileURL(join(process.cwd(), 'package.json')).href);
    return await import(pathToFileURL(fromCwd.resolve(spec)).href);
  } catch (e) {
    throw new Error(`cannot load the codec ${spec}: ${String(e.message).split('\n')[0]}`);
  }
}

export function loadVectors(dir = VECTOR_DIR) {
  const out = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    for (const v of doc.vectors) out.push({ ...v, file });
  }
  return out;
}

/** Ids listed in a known-failures file (`id  # why` lines). */
export function loadKnown(path) {
  const ids = new Set();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const id = line.split('#')[0].trim();
    if (id) ids.add(id);
  }
  return ids;
}

const HEX_DIGITS = '0123456789abcdef';
const HEX_VALUE = new Uint8Array(128);
for (let i = 0; i < 16; i++) {
  HEX_VALUE[HEX_DIGITS.charCodeAt(i)] = i;
  HEX_VALUE[HEX_DIGITS.toUpperCase().charCodeAt(i)] = i;
}
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4] + HEX_DIGITS[b & 15]);

/** Bytes from hex (a table lookup per digit: the differential run parses a lot of it). */
export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) {
    out[i] = (HEX_VALUE[hex.charCodeAt(j) & 127] << 4) | HEX_VALUE[hex.charCodeAt(j + 1) & 127];
  }
  return out;
}

export function bytesToHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i]];
  return s;
}

export function isRef(x) {
  return x !== null && typeof x === 'object' && x[BRAND] === true;
}

/** A TableRef as §8 defines it: any object branded with the symbol. */
export function makeRef(id) {
  return { id, [BRAND]: true };
}

function floatFromBits(hex) {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(hex));
  return view.getFloat64(0);
}

function bitsOf(x) {
  if (Number.isNaN(x)) return '0x7ff8000000000000';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return '0x' + view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** What §8 says deserializeObject returns for a typed JSON value (§7). */
export function toJs(t) {
  if (t === null) return null;
  if (typeof t === 'boolean') return t;
  if ('int' in t) {
    const b = BigInt(t.int);
    return b <= SAFE && b >= -SAFE ? Number(b) : b;
  }
  if ('float' in t) return floatFromBits(t.float);
  if ('str' in t) return t.str;
  if ('bytes' in t) return hexToBytes(t.bytes);
  if ('ref' in t) return makeRef(t.ref);
  const { array, hash } = t.table;
  if (hash.length === 0) return array.map(toJs);
  if (array.length === 0 && hash.every(([k]) => k !== null && typeof k === 'object' && 'str' in k)) {
    const o = {};
    for (const [k, v] of hash) {
      Object.defineProperty(o, k.str, { value: toJs(v), enumerable: true, writable: true, configurable: true });
    }
    return o;
  }
  const m = new Map();
  array.forEach((v, i) => m.set(i + 1, toJs(v)));
  for (const [k, v] of hash) m.set(toJs(k), toJs(v));
  return m;
}

/** Whether the §8 round trip keeps `t` (no float with a safe integral value but -0). */
export function jsLossless(t) {
  if (t === null || typeof t !== 'object') return true;
  if ('float' in t) {
    const x = floatFromBits(t.float);
    return !(Number.isSafeInteger(x) && !Object.is(x, -0));
  }
  if ('table' in t) {
    return t.table.array.every(jsLossless) && t.table.hash.every(([k, v]) => jsLossless(k) && jsLossless(v));
  }
  return true;
}

function isPlainObject(x) {
  if (x === null || typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Exact equality: Object.is for numbers, BigInt by value, Map by entry
 * order, Uint8Array by content, TableRef by brand and id, plain objects by
 * own keys in order. */
export function same(a, e) {
  if (typeof e === 'number') return typeof a === 'number' && Object.is(a, e);
  if (typeof e === 'bigint') return typeof a === 'bigint' && a === e;
  if (e === null || typeof e !== 'object') return a === e;
  if (a === null || typeof a !== 'object') return false;
  if (isRef(e)) return isRef(a) && a.id === e.id;
  if (isRef(a)) return false;
  if (e instanceof Uint8Array) {
    // §8.1: a new Uint8Array (not a Buffer or another subclass).
    return Object.getPrototypeOf(a) === Uint8Array.prototype && a.length === e.length && a.every((x, i) => x === e[i]);
  }
  if (Array.isArray(e)) {
    return Array.isArray(a) && a.length === e.length && e.every((x, i) => i in a && same(a[i], x));
  }
  if (e instanceof Map) {
    if (!(a instanceof Map) || a.size !== e.size) return false;
    const ae = [...a];
    return [...e].every(([k, v], i) => same(ae[i][0], k) && same(ae[i][1], v));
  }
  // §8.1: a decoded object has the prototype Object.prototype and own,
  // enumerable, writable, configurable data properties.
  if (!isPlainObject(a) || Array.isArray(a) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(e)) return false;
  const ak = Reflect.ownKeys(a);
  const ek = Reflect.ownKeys(e);
  return ak.length === ek.length && ek.every((k, i) => {
    const d = Object.getOwnPropertyDescriptor(a, ak[i]);
    return ak[i] === k && d !== undefined && 'value' in d && d.enumerable && d.writable && d.configurable &&
      same(d.value, Object.getOwnPropertyDescriptor(e, k).value);
  });
}

/** An exact, readable rendering: -0, NaN, 5n, Uint8Array[00ff], TableRef(7). */
export function describe(v, depth = 0) {
  if (depth > 20) return '…';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'function';
  if (isRef(v)) return `TableRef(${describe(v.id)})`;
  if (v instanceof Uint8Array) return `${v.constructor.name}[${bytesToHex(v)}]`;
  if (Array.isArray(v)) return `[${Array.from(v, (x) => describe(x, depth + 1)).join(', ')}]`;
  if (v instanceof Map) {
    return `Map{${[...v].map(([k, x]) => `${describe(k, depth + 1)} => ${describe(x, depth + 1)}`).join(', ')}}`;
  }
  if (isPlainObject(v)) {
    const props = Reflect.ownKeys(v).map((k) => {
      const d = Object.getOwnPropertyDescriptor(v, k);
      return `${typeof k === 'string' ? JSON.stringify(k) : k.toString()}: ${describe(d.value, depth + 1)}`;
    });
    return `${Object.getPrototypeOf(v) === null ? 'null-proto ' : ''}{${props.join(', ')}}`;
  }
  return Object.prototype.toString.call(v);
}

/** The neutral JSON view of a decoded JS value (the same form as the Rust
 * `luaxt_conformance::js_view`), for cross-checks. */
export function jsView(v) {
  if (typeof v === 'number') return { number: bitsOf(v) };
  if (typeof v === 'bigint') return { bigint: v.toString() };
  if (typeof v === 'string') return { string: v };
  if (v === null || typeof v === 'boolean') return v;
  if (isRef(v)) return { ref: v.id };
  if (v instanceof Uint8Array) return { bytes: bytesToHex(v) };
  if (Array.isArray(v)) return { array: Array.from(v, jsView) };
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [jsView(k), jsView(x)]) };
  if (isPlainObject(v)) return { object: Object.keys(v).map((k) => [k, jsView(v[k])]) };
  return { unknown: describe(v) };
}

/** Evaluates a vector's JS expression. */
export function evalJs(source) {
  return new Function(`"use strict"; return (${source});`)();
}

function options(v, extra = {}) {
  const o = { ...extra };
  if (v.limits?.max_depth !== undefined) o.maxDepth = v.limits.max_depth;
  if (v.limits?.max_size !== undefined) o.maxSize = v.limits.max_size;
  return o;
}

function attempt(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, err };
  }
}

function showErr(err) {
  if (err && typeof err === 'object' && 'kind' in err) {
    return err.offset !== undefined && err.offset >= 0
      ? `error ${err.kind} at ${err.offset}`
      : `error ${err.kind}`;
  }
  return `threw ${err && err.name ? `${err.name}: ${err.message}` : String(err)}`;
}

function showResult(r, asHex = false) {
  if (!r.ok) return showErr(r.err);
  if (asHex) return r.value instanceof Uint8Array ? bytesToHex(r.value) : `not a Uint8Array: ${describe(r.value)}`;
  return describe(r.value);
}

function containsBytes(t) {
  if (t === null || typeof t !== 'object') return false;
  if ('bytes' in t) return true;
  if ('table' in t) return t.table.array.some(containsBytes) || t.table.hash.some(([k, v]) => containsBytes(k) || containsBytes(v));
  return false;
}

/** Runs vectors against a module with serializeObject/deserializeObject.
 * Returns { passed, failures: [{ id, section, check, expected, actual }] }. */
export function runVectors(codec, vectors, { filter } = {}) {
  const { serializeObject, deserializeObject } = codec;
  const failures = [];
  let passed = 0;
  for (const v of vectors) {
    if (filter && !v.id.startsWith(filter)) continue;
    const mine = [];
    const fail = (check, expected, actual) => mine.push({ id: v.id, section: v.section, check, expected, actual });
    const decode = (bytes, strict) =>
      attempt(() => deserializeObject(bytes, options(v, strict ? { strict: true } : {})));
    const encode = (value) => attempt(() => serializeObject(value, options(v)));
    try {
      if (v.class === 'valid' || v.class === 'noncanonical') {
        const expected = toJs(v.value);
        const input = hexToBytes(v.hex);
        const lenient = decode(input, false);
        if (!lenient.ok || !same(lenient.value, expected)) fail('decode', describe(expected), showResult(lenient));
        if (v.js?.value !== undefined) {
          const jsExpected = evalJs(v.js.value);
          if (!lenient.ok || !same(lenient.value, jsExpected)) {
            fail('decode (js.value)', describe(jsExpected), showResult(lenient));
          }
        }
        if (lenient.ok && containsBytes(v.value)) {
          input.fill(0xaa); // bytes must be copies, never views into the input
          if (!same(lenient.value, expected)) {
            fail('bytes are copies', describe(expected), `${describe(lenient.value)} after the input was overwritten`);
          }
        }
        const strict = decode(hexToBytes(v.hex), true);
        if (v.class === 'valid') {
          if (!strict.ok || !same(strict.value, expected)) fail('strict decode', describe(expected), showResult(strict));
        } else if (strict.ok || strict.err?.kind !== 'noncanonical' || strict.err?.offset !== v.offset) {
          fail('strict decode', `error noncanonical at ${v.offset}`, showResult(strict));
        }
        const canonical = v.canonical_hex ?? v.hex;
        if (lenient.ok && jsLossless(v.value)) {
          const again = encode(lenient.value);
          if (!again.ok || bytesToHex(again.value) !== canonical) {
            fail('encode (decoded value)', canonical, showResult(again, true));
          }
        }
        if (v.js?.source !== undefined) {
          const out = encode(evalJs(v.js.source));
          if (!out.ok || bytesToHex(out.value) !== v.hex) fail(`encode ${v.js.source}`, v.hex, showResult(out, true));
        }
      } else if (v.class === 'invalid') {
        for (const strict of [false, true]) {
          const r = decode(hexToBytes(v.hex), strict);
          if (r.ok || r.err?.kind !== v.error || r.err?.offset !== v.offset) {
            fail(strict ? 'strict decode' : 'decode', `error ${v.error} at ${v.offset}`, showResult(r));
          }
        }
      } else if (v.class === 'encode_error') {
        const input = v.js?.source !== undefined ? evalJs(v.js.source) : toJs(v.value);
        const r = encode(input);
        if (r.ok || r.err?.kind !== v.error) {
          fail(`encode ${v.js?.source ?? describe(input)}`, `error ${v.error}`, showResult(r, true));
        }
        // §5.5, §8.4: an encode error's offset is -1.
        else if (r.err.offset !== -1) fail('encode error offset', '-1', describe(r.err.offset));
      }
    } catch (err) {
      fail('runner', 'no exception', `threw ${err && err.stack ? err.stack.split('\n')[0] : String(err)}`);
    }
    if (mine.length === 0) passed++;
    failures.push(...mine);
  }
  return { passed, failures };
}

export function formatFailure(f) {
  return `FAIL ${f.id} (§${f.section}) ${f.check}\n  expected: ${f.expected}\n  actual:   ${f.actual}`;
}
