// Inputs of 1, 10 and 100 MB (far beyond the earlier system's 64 KB
// buffer): a Lua aggregation checked against the same computation in JS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntime, serializeObject } from '../src/index.js';
import { recordsOfSize, AGGREGATE_LUA, aggregateJs } from '../bench/records.mjs';

const rt = await createRuntime({ memoryLimit: 3 * 1024 * 1024 * 1024 - 1, instructionLimit: -1 });

for (const mb of [1, 10, 100]) {
  test(`${mb} MB input aggregated in Lua`, () => {
    const input = recordsOfSize(mb * 1024 * 1024);
    const size = serializeObject(input).length;
    assert.ok(size > mb * 1e6, `input is ${size} bytes`);
    const { output } = rt.computeWithIo(AGGREGATE_LUA, input);
    const expected = aggregateJs(input);
    assert.equal(output.count, expected.count);
    assert.equal(output.qty, expected.qty);
    assert.equal(output.active, expected.active);
    assert.equal(output.sum, expected.sum);
    assert.deepEqual(output.byCategory, expected.byCategory);
    rt.clearIo();
  });
}

test('a 20 MB string value in an external table and back', () => {
  const big = 'x'.repeat(20 * 1024 * 1024);
  const r = rt.computeWithIo('_home.big = _io.input _io.output = _home.big return #_home.big', big);
  assert.equal(r.returnValue, big.length);
  assert.equal(r.output.length, big.length);
  rt.compute('_home.big = nil');
});
