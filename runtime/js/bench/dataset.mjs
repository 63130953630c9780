// The shared benchmark data set. The Rust benchmark generates the same
// records from the same generator, draw for draw: do not reorder the draws.

/**
 * splitmix64 over BigInt (u64 wrapping); each call returns a u64 BigInt.
 * `BigInt.asUintN(64, x)` is `x & 0xFFFFFFFFFFFFFFFFn` for the non-negative
 * values here, only faster:
 *   state = (state + 0x9E3779B97F4A7C15) mod 2^64; z = state;
 *   z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) mod 2^64;
 *   z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) mod 2^64;
 *   return z ^ (z >> 31);
 */
export function splitmix64(seed = 42n) {
  const wrap = BigInt.asUintN;
  let state = wrap(64, seed);
  return function next() {
    state = wrap(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = wrap(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = wrap(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}

const TAGS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const BIO_CHARS = 'abcdefghijklmnopqrstuvwxyz ';

/** A float in [0, 1) from the top 53 bits of a u64. */
function unit(r) {
  return Number(r >> 11n) / 2 ** 53;
}

/**
 * Float fields must stay floats on the wire (JS encodes an integral safe
 * number as an integer, §8). An integral value is astronomically unlikely
 * (p ≈ 2^-40 per draw); assert that none occurs so the Rust side can write
 * these fields as floats unconditionally.
 */
function float(x) {
  if (Number.isInteger(x)) throw new Error(`data set: float field ${x} is integral`);
  return x;
}

/** Record i, drawing from `next` in the fixed order. */
export function makeRecord(i, next) {
  const name = 'user_' + (next() % 100000n);
  const score = float(unit(next()) * 1000);
  const active = (next() & 1n) === 1n;
  const k = Number(next() % 4n);
  const tags = [];
  for (let t = 0; t < k; t++) tags.push(TAGS[Number(next() % 5n)]);
  const len = 100 + Number(next() % 400n);
  let bio = '';
  for (let c = 0; c < len; c++) bio += BIO_CHARS[Number(next() % 27n)];
  const readings = [];
  for (let r = 0; r < 8; r++) readings.push(float(unit(next()) * 100 - 50));
  const counts = [];
  for (let c = 0; c < 4; c++) counts.push(Number(next() % 1000000n) - 500000);
  const lat = float(unit(next()) * 180 - 90);
  const lon = float(unit(next()) * 360 - 180);
  const city = 'city_' + (next() % 1000n);
  return { id: i, name, score, active, tags, bio, readings, counts, geo: { lat, lon, city } };
}

/** The data set: `n` records from splitmix64 with initial state 42. */
export function makeDataset(n = 20000) {
  const next = splitmix64(42n);
  const records = new Array(n);
  for (let i = 0; i < n; i++) records[i] = makeRecord(i, next);
  return records;
}
