// The key order has one rule, keyOrder (src/keys.js); its fast paths must
// say the same on every pair of keys: keyOrderAt (in place, the decoder's
// order check) and intKeyRank (integer keys 1..2^32-1, array indices).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { encodeKey, keyBinary, keyOrder, keyOrderAt, intKeyRank, intKeyOfRank } from '../src/keys.js';
import { TableRef } from '../src/ref.js';

/** A small seeded generator (xorshift32), so a failure repeats. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const CHARS = ['a', 'é', '😀', 'z', '\u0000'];

function randomKey(r) {
  const pick = Math.floor(r() * 9);
  const int = (bits) => Math.floor(r() * 2 ** bits);
  switch (pick) {
    case 0: return r() < 0.5;
    case 1: return int(8) - 128;
    case 2: return int(32) * (r() < 0.5 ? -1 : 1);
    case 3: return (int(21) * 2 ** 32 + int(32)) * (r() < 0.5 ? -1 : 1);
    case 4: return (r() - 0.5) * 10 ** int(4) + 0.5;
    case 5: return Array.from({ length: int(3) }, () => CHARS[int(3) % CHARS.length]).join('') + 'k'.repeat(int(2));
    case 6: return Uint8Array.from({ length: int(3) }, () => int(8));
    case 7: return new TableRef(int(32));
    default: return 2n ** BigInt(int(6)) * (r() < 0.5 ? -1n : 1n) - (r() < 0.5 ? 1n : 0n);
  }
}

test('keyOrderAt says what keyOrder says, on keys of every kind', () => {
  const r = rng(0x2a);
  const keys = Array.from({ length: 400 }, () => encodeKey(randomKey(r)));
  const all = new Uint8Array(keys.reduce((n, k) => n + k.length, 0));
  const at = [];
  let p = 0;
  for (const k of keys) {
    all.set(k, p);
    at.push([p, p + k.length]);
    p += k.length;
  }
  const binaries = keys.map(keyBinary);
  for (let a = 0; a < keys.length; a++) {
    for (let b = 0; b < keys.length; b++) {
      const rule = Math.sign(keyOrder(binaries[a], binaries[b]));
      const fast = Math.sign(keyOrderAt(all, at[a][0], at[a][1], at[b][0], at[b][1]));
      if (rule !== fast) assert.fail(`keys ${binaries[a]} and ${binaries[b]}: keyOrder ${rule}, keyOrderAt ${fast}`);
    }
  }
});

test('intKeyRank orders integer keys 1..2^32-1 as keyOrder does, and intKeyOfRank inverts it', () => {
  const r = rng(7);
  const edges = [1, 2, 255, 256, 257, 65535, 65536, 2 ** 24, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
  const ints = [...edges, ...Array.from({ length: 300 }, () => 1 + Math.floor(r() * (2 ** 32 - 1)))];
  const binaries = ints.map((n) => keyBinary(encodeKey(n)));
  for (let a = 0; a < ints.length; a++) {
    assert.equal(intKeyOfRank(intKeyRank(ints[a])), ints[a]);
    for (let b = 0; b < ints.length; b++) {
      const rule = Math.sign(keyOrder(binaries[a], binaries[b]));
      const fast = Math.sign(intKeyRank(ints[a]) - intKeyRank(ints[b]));
      if (rule !== fast) assert.fail(`keys ${ints[a]} and ${ints[b]}: keyOrder ${rule}, intKeyRank ${fast}`);
    }
  }
});

test('keyOrder is the bytewise order of encodings, a proper prefix first (§4.2)', () => {
  // Tags first (boolean 01 < integer 02 < string 04 < bytes 05 < reference 07).
  const byTag = [true, 256, 'a', new Uint8Array([0]), new TableRef(1)].map((k) => keyBinary(encodeKey(k)));
  for (let i = 1; i < byTag.length; i++) assert.ok(keyOrder(byTag[i - 1], byTag[i]) < 0);
  assert.ok(keyOrder(keyBinary(encodeKey('a')), keyBinary(encodeKey('b'))) < 0);
  assert.ok(keyOrder(keyBinary(encodeKey('b')), keyBinary(encodeKey('ab'))) < 0, 'the u32 length comes first: "b" (1 byte) before "ab"');
  assert.ok(keyOrder(keyBinary(encodeKey(256)), keyBinary(encodeKey(2))) < 0, 'little-endian: 256 (00 01 …) before 2 (02 00 …)');
  assert.ok(keyOrder('\u0004', '\u0004\u0000') < 0, 'a proper prefix first');
  assert.equal(keyOrder(keyBinary(encodeKey(1)), keyBinary(encodeKey(1.0))), 0);
});
