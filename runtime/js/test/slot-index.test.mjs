// SlotIndex (src/slot-index.js) against a model: a plain array of booleans
// searched slot by slot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlotIndex } from '../src/slot-index.js';
import { random } from '../test-support/random.mjs';

class Model {
  constructor() {
    this.slots = [];
  }
  add(i) {
    while (this.slots.length <= i) this.slots.push(false);
    this.slots[i] = true;
  }
  remove(i) {
    if (i < this.slots.length) this.slots[i] = false;
  }
  reset(n) {
    this.slots = Array.from({ length: n }, () => true);
  }
  truncate(n) {
    for (let i = n; i < this.slots.length; i++) this.slots[i] = false;
  }
  has(i) {
    return this.slots[i] === true;
  }
  get count() {
    return this.slots.filter(Boolean).length;
  }
  nextOccupied(i) {
    for (let j = i; j < this.slots.length; j++) if (this.slots[j]) return j;
    return -1;
  }
  nextFree(i) {
    let j = i;
    while (this.slots[j] === true) j++;
    return j;
  }
}

/** Checks searches from `probes` positions and from around every change. */
function agree(index, model, positions, what) {
  for (const i of positions) {
    assert.equal(index.nextOccupied(i), model.nextOccupied(i), `${what}: nextOccupied(${i})`);
    assert.equal(index.nextFree(i), model.nextFree(i), `${what}: nextFree(${i})`);
    assert.equal(index.has(i), model.has(i), `${what}: has(${i})`);
  }
  assert.equal(index.count, model.count, `${what}: count`);
}

test('random adds, removes, truncations and resets agree with the model', () => {
  // Sizes that stay in one word, in the bitmap alone, and span two and three levels of counts.
  for (const size of [20, 700, 40_000, 1_200_000]) {
    for (let seed = 1; seed <= 3; seed++) {
      const rnd = random(seed * 1000 + size);
      const index = new SlotIndex();
      const model = new Model();
      const touched = [];
      for (let round = 0; round < 30; round++) {
        const r = rnd();
        if (r < 0.3) {
          // A dense run, then a few holes in it: full blocks and full words.
          const from = Math.floor(rnd() * size);
          const to = Math.min(size, from + Math.floor(rnd() * size));
          for (let i = from; i < to; i++) {
            index.add(i);
            model.add(i);
          }
          for (let h = 0; h < 3; h++) {
            const i = from + Math.floor(rnd() * (to - from));
            index.remove(i);
            model.remove(i);
            touched.push(i);
          }
          touched.push(from, to);
        } else if (r < 0.5) {
          // Clearing a run: empty blocks.
          const from = Math.floor(rnd() * size);
          const to = Math.min(size, from + Math.floor(rnd() * size));
          for (let i = from; i < to; i++) {
            index.remove(i);
            model.remove(i);
          }
          touched.push(from, to);
        } else if (r < 0.55) {
          const n = Math.floor(rnd() * size);
          index.truncate(n);
          model.truncate(n);
          touched.push(n);
        } else if (r < 0.58) {
          const n = Math.floor(rnd() * size);
          index.reset(n);
          model.reset(n);
          touched.push(n);
        } else {
          for (let k = 0; k < 50; k++) {
            const i = Math.floor(rnd() * size);
            if (rnd() < 0.5) {
              index.add(i);
              model.add(i);
            } else {
              index.remove(i);
              model.remove(i);
            }
            touched.push(i);
          }
        }
        const probes = [0, 1, 31, 32, 1023, 1024, size - 1, size, size + 5];
        for (let k = 0; k < 20; k++) probes.push(Math.floor(rnd() * (size + 100)));
        for (const t of touched.slice(-20)) probes.push(Math.max(0, t - 1), t, t + 1);
        agree(index, model, probes, `size ${size} seed ${seed} round ${round}`);
      }
    }
  }
});

test('searches skip over large empty and full stretches', () => {
  const index = new SlotIndex();
  const n = 3_000_000;
  for (let i = 0; i < n; i++) index.add(i);
  assert.equal(index.nextFree(0), n);
  index.remove(n - 7);
  assert.equal(index.nextFree(5), n - 7);
  for (let i = 0; i < n - 1; i++) index.remove(i);
  assert.equal(index.count, 1);
  assert.equal(index.nextOccupied(0), n - 1);
  assert.equal(index.nextOccupied(n), -1);
  index.truncate(1);
  assert.deepEqual([index.count, index.nextOccupied(0), index.nextFree(0)], [0, -1, 0]);
  // Every word full and every block of counts full: the first free slot is the capacity.
  const full = new SlotIndex();
  for (let i = 0; i < 32 * 32 * 32; i++) full.add(i);
  assert.equal(full.nextFree(0), 32 * 32 * 32);
  assert.equal(full.nextOccupied(32 * 32 * 32 - 1), 32 * 32 * 32 - 1);
});

test('an index whose slots are 0..n-1 keeps no bitmap until a hole', () => {
  const index = new SlotIndex();
  const model = new Model();
  const both = (op, i) => {
    index[op](i);
    model[op](i);
  };
  const probes = [0, 1, 9, 10, 11, 31, 32, 49, 50, 69, 70, 71, 72, 73, 98, 99, 100, 2000];
  for (let i = 0; i < 100; i++) both('add', i);
  both('add', 40);
  both('remove', 99);
  both('remove', 98);
  both('remove', 500);
  both('truncate', 50);
  agree(index, model, probes, 'a prefix');
  assert.deepEqual([index.prefix, index.words.length], [true, 0]);
  both('remove', 10);
  assert.equal(index.prefix, false);
  agree(index, model, probes, 'a hole');
  both('reset', 70);
  both('add', 72);
  assert.equal(index.prefix, false);
  agree(index, model, probes, 'a gap after a reset');
  both('reset', 0);
  both('add', 0);
  assert.equal(index.prefix, true);
  agree(index, model, probes, 'reset to nothing');
});
