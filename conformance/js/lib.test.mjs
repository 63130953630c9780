// Unit tests of the runner's comparison and display (no codec needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, jsLossless, makeRef, same, toJs } from './lib.mjs';

test('describe shows -0, NaN, BigInt, bytes and references exactly', () => {
  assert.equal(describe(-0), '-0');
  assert.equal(describe(NaN), 'NaN');
  assert.equal(describe(9007199254740992n), '9007199254740992n');
  assert.equal(describe(new Uint8Array([0, 255])), 'Uint8Array[00ff]');
  assert.equal(describe(makeRef(7)), 'TableRef(7)');
  assert.equal(describe(new Map([[1, 'a']])), 'Map{1 => "a"}');
  assert.equal(describe({ a: [1, -0] }), '{"a": [1, -0]}');
});

test('same compares exactly', () => {
  assert.ok(!same(0, -0));
  assert.ok(same(NaN, NaN));
  assert.ok(!same(1, 1n));
  assert.ok(same(new Map([[1, 'a'], ['b', 2]]), new Map([[1, 'a'], ['b', 2]])));
  assert.ok(!same(new Map([['b', 2], [1, 'a']]), new Map([[1, 'a'], ['b', 2]])), 'Map order counts');
  assert.ok(!same(Buffer.from([1]), new Uint8Array([1])), 'a Buffer is not a plain Uint8Array');
  assert.ok(same({ id: 3, [Symbol.for('luaxt.TableRef')]: true }, makeRef(3)));
  assert.ok(!same({ id: 3 }, makeRef(3)), 'the brand counts');
  assert.ok(!same({ a: 1 }, new Map([['a', 1]])));
  assert.ok(!same([1], { 1: 1 }));
});

test('toJs follows the §8.1 decode mapping', () => {
  assert.equal(toJs({ int: '9007199254740991' }), 9007199254740991);
  assert.equal(toJs({ int: '9007199254740992' }), 9007199254740992n);
  assert.ok(Object.is(toJs({ float: '0x8000000000000000' }), -0));
  assert.deepEqual(toJs({ table: { array: [], hash: [] } }), []);
  assert.ok(toJs({ table: { array: [true], hash: [[{ str: 'a' }, true]] } }) instanceof Map);
  const o = toJs({ table: { array: [], hash: [[{ str: '__proto__' }, { int: '1' }]] } });
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
  assert.deepEqual(Object.keys(o), ['__proto__']);
  assert.ok(!jsLossless({ float: '0x4014000000000000' }), '5.0 comes back as the integer 5');
  assert.ok(jsLossless({ float: '0x8000000000000000' }), '-0 stays a float');
});
