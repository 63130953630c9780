// Streams (runtime.stream, processStream) and cancellation (signals,
// setCancel, the worker runtime): sources of every kind, backpressure
// counted in pulls, progress, errors of the source, cancellation between
// batches and inside a running Lua call, the runtime usable afterwards.
// Every wait has a generous backstop (the test's timeout); nothing passes
// by timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createRuntime, LuaError, MapStore } from '../src/index.js';
import { createWorkerRuntime } from '../src/worker.js';

const BACKSTOP = { timeout: 120_000 };
const rt = await createRuntime();

const SUM = `
local s = 0
for _, r in ipairs(_io.input.batch) do s = s + (type(r) == "table" and r.v or r) end
_io.output = { sum = s, index = _io.input.batchIndex, offset = _io.input.offset,
               total = _io.input.total, batches = _io.input.totalBatches, meta = _io.meta }`;

/** An async generator of `n` records `{ id, v }` (endless for Infinity) that counts its pulls. */
function counted(n = Infinity) {
  const counter = { pulls: 0, closed: false };
  counter.source = (async function* records() {
    try {
      for (let i = 0; i < n; i++) {
        counter.pulls++;
        yield { id: i, v: i };
      }
    } finally {
      counter.closed = true;
    }
  })();
  return counter;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

test('an async generator streams its outputs batch by batch, with progress', BACKSTOP, async () => {
  const { source } = counted(1050);
  const progress = [];
  const outputs = [];
  for await (const output of rt.stream(SUM, source, { batchSize: 100, metadata: 'm', onProgress: (p) => progress.push(p) })) {
    outputs.push(output);
  }
  assert.equal(outputs.length, 11);
  assert.deepEqual(outputs[0], { sum: 4950, index: 0, offset: 0, meta: 'm' }, 'no total for a generator');
  assert.deepEqual(outputs[10], { sum: 1050 * 1049 / 2 - 1000 * 999 / 2, index: 10, offset: 1000, meta: 'm' });
  assert.deepEqual(progress.map((p) => [p.batchIndex, p.processed, p.total, p.totalBatches]), outputs.map((_, i) => [i, Math.min(1050, (i + 1) * 100), undefined, undefined]));
  assert.deepEqual(progress[3].output, outputs[3]);
  // A total the host knows is passed on.
  const withTotal = await rt.processStream(SUM, counted(250).source, { total: 250 });
  assert.deepEqual(withTotal.map((o) => [o.total, o.batches]), [[250, 3], [250, 3], [250, 3]]);
  assert.equal(rt.compute('return next(_io)'), null, 'nothing of a batch stays in _io');
});

test('arrays, iterables and Sets', BACKSTOP, async () => {
  const items = Array.from({ length: 1050 }, (_, i) => i + 1);
  const outputs = await rt.processStream(SUM, items);
  assert.equal(outputs.length, 11);
  assert.deepEqual(outputs[0], { sum: 5050, index: 0, offset: 0, total: 1050, batches: 11 });
  assert.deepEqual(await rt.processStream('_io.output = #_io.input.batch', [1, 2, 3, 4, 5], { batchSize: 2 }), [2, 2, 1]);
  assert.deepEqual(await rt.processStream('_io.output = #_io.input.batch', [], { batchSize: 2 }), []);
  function* gen() {
    for (let i = 1; i <= 5; i++) yield i;
  }
  assert.deepEqual((await rt.processStream(SUM, gen(), { batchSize: 2 })).map((o) => [o.sum, o.total]), [[3, undefined], [7, undefined], [5, undefined]]);
  assert.deepEqual((await rt.processStream(SUM, new Set([1, 2, 3]), { batchSize: 2 })).map((o) => [o.sum, o.total, o.batches]), [[3, 3, 2], [3, 3, 2]]);
  // View mode: each batch is read through a view.
  const [kind] = await rt.processStream('_io.output = { getmetatable(_io.input), #_io.input.batch }', items, { batchSize: 2000, inputMode: 'view' });
  assert.deepEqual(kind, ['input view', 1050]);
  // What cannot be a source, or a bad option, is refused at once.
  assert.throws(() => rt.stream(SUM, 'abc'), TypeError);
  assert.throws(() => rt.stream(SUM, 42), TypeError);
  assert.throws(() => rt.stream(SUM, [], { batchSize: 0 }), RangeError);
  assert.throws(() => rt.stream(SUM, [], { batchSize: 1.5 }), RangeError);
  assert.throws(() => rt.stream(SUM, [], { signal: {} }), TypeError);
  await assert.rejects(rt.processStream(SUM, null), TypeError);
});

test('backpressure: a batch is pulled only when the previous one is done and taken', BACKSTOP, async () => {
  const counter = counted();
  const stream = rt.stream(SUM, counter.source, {
    batchSize: 100,
    onProgress: async (p) => {
      // The batch is done; the next one is not pulled while progress waits.
      assert.equal(counter.pulls, p.processed);
      await tick();
      assert.equal(counter.pulls, p.processed);
    },
  });
  assert.equal(counter.pulls, 0, 'nothing is pulled before the first next()');
  for (let i = 0; i < 5; i++) {
    const { value } = await stream.next();
    assert.equal(value.index, i);
    await tick();
    await tick();
    assert.equal(counter.pulls, (i + 1) * 100, 'the consumer holds the stream');
  }
  await stream.return();
  assert.equal(counter.pulls, 500);
  assert.ok(counter.closed, 'return() closes the source');
});

test('a ReadableStream is read one record per chunk, and cancelled when the consumer stops', BACKSTOP, async () => {
  let pulls = 0;
  let cancelled = null;
  const readable = new ReadableStream(
    {
      pull(controller) {
        pulls++;
        controller.enqueue({ v: pulls });
      },
      cancel(reason) {
        cancelled = reason ?? 'cancelled';
      },
    },
    { highWaterMark: 0 },
  );
  const outputs = [];
  for await (const output of rt.stream(SUM, readable, { batchSize: 10 })) {
    outputs.push(output.sum);
    assert.equal(pulls, outputs.length * 10);
    if (outputs.length === 3) break;
  }
  assert.deepEqual(outputs, [55, 155, 255]);
  assert.equal(pulls, 30);
  assert.notEqual(cancelled, null, 'the stream was cancelled');
  // A finite stream, read to its end.
  const finite = new ReadableStream({
    start(controller) {
      for (let i = 1; i <= 25; i++) controller.enqueue(i);
      controller.close();
    },
  });
  assert.deepEqual((await rt.processStream(SUM, finite, { batchSize: 10 })).map((o) => o.sum), [55, 155, 115]);
});

test('errors of the source end the stream with that error', BACKSTOP, async () => {
  const broken = new Error('source broke');
  async function* failing() {
    for (let i = 0; i < 250; i++) yield i;
    throw broken;
  }
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const o of rt.stream(SUM, failing(), { batchSize: 100 })) seen.push(o.index);
    })(),
    (e) => e === broken,
  );
  assert.deepEqual(seen, [0, 1]);
  function* failingSync() {
    yield 1;
    throw broken;
  }
  await assert.rejects(rt.processStream(SUM, failingSync()), (e) => e === broken);
  const erroring = new ReadableStream({
    start(controller) {
      controller.enqueue(1);
      controller.error(broken);
    },
  });
  await assert.rejects(rt.processStream(SUM, erroring), (e) => e === broken);
  // A Lua error in a batch ends the stream and closes the source.
  const counter = counted();
  await assert.rejects(rt.processStream('if _io.input.batchIndex == 1 then error("bad batch") end', counter.source), (e) => e instanceof LuaError && /bad batch/.test(e.message));
  assert.equal(counter.pulls, 200);
  assert.ok(counter.closed);
  // onProgress throwing ends it too.
  await assert.rejects(rt.processStream(SUM, [1, 2, 3], { batchSize: 1, onProgress: () => { throw broken; } }), (e) => e === broken);
  assert.equal(rt.compute('return 1 + 1'), 2);
});

test('an abort between batches stops the stream with the signal\'s reason, pulling nothing more', BACKSTOP, async () => {
  const counter = counted();
  const controller = new AbortController();
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const o of rt.stream(SUM, counter.source, { batchSize: 100, signal: controller.signal, onProgress: (p) => p.batchIndex === 2 && controller.abort() })) seen.push(o.index);
    })(),
    (e) => e.name === 'AbortError',
  );
  assert.deepEqual(seen, [0, 1, 2], 'the output of the batch that was done is still given');
  assert.equal(counter.pulls, 300);
  assert.ok(counter.closed, 'the source is closed');
  // A reason of one's own, and a signal aborted before the stream starts.
  const reason = new Error('stop now');
  const counter2 = counted();
  await assert.rejects(rt.processStream(SUM, counter2.source, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.equal(counter2.pulls, 0);
  // A source that never answers: the abort ends the wait.
  const stuck = {
    [Symbol.asyncIterator]() {
      let n = 0;
      return { next: () => (n++ < 100 ? Promise.resolve({ done: false, value: n }) : new Promise(() => {})), return: () => Promise.resolve({ done: true }) };
    },
  };
  const controller3 = new AbortController();
  const outputs = [];
  await assert.rejects(
    (async () => {
      for await (const o of rt.stream(SUM, stuck, { batchSize: 100, signal: controller3.signal })) {
        outputs.push(o.sum);
        setTimeout(() => controller3.abort(), 10);
      }
    })(),
    (e) => e.name === 'AbortError',
  );
  assert.deepEqual(outputs, [5050]);
});

/** A MapStore that calls `onHomeWrite` whenever a script writes `_home`. */
function watchedStore(onHomeWrite) {
  return () => {
    const store = new MapStore();
    const set = store.set;
    store.set = function watchedSet(id, ...rest) {
      if (id === 1) onHomeWrite();
      return set.call(this, id, ...rest);
    };
    return store;
  };
}

test('an abort during a batch stops the running Lua call (cancelled), and the runtime goes on', BACKSTOP, async () => {
  const controller = new AbortController();
  // The abort comes from code that runs during the call: the store, on
  // the script's first write to _home, inside its endless loop.
  const r = await createRuntime({ instructionLimit: -1, timeLimitMs: 100_000, store: watchedStore(() => controller.abort()) });
  const seen = [];
  await assert.rejects(
    (async () => {
      const code = 'if _io.input.batchIndex == 2 then while true do pcall(function() _home.n = (_home.n or 0) + 1 end) end end _io.output = _io.input.batchIndex';
      for await (const o of r.stream(code, counted().source, { signal: controller.signal })) seen.push(o);
    })(),
    (e) => e instanceof LuaError && e.kind === 'cancelled',
  );
  assert.deepEqual(seen, [0, 1]);
  assert.ok(r.compute('return _home.n') >= 1);
  assert.equal(r.compute('return 1 + 1'), 2, 'the runtime is usable');
  assert.deepEqual(await r.processStream('_io.output = #_io.input.batch', [1, 2, 3]), [3]);
  r.close();
});

test('setCancel with a shared flag: another thread stops an endless call', BACKSTOP, async () => {
  const started = new Int32Array(new SharedArrayBuffer(4));
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const r = await createRuntime({
    instructionLimit: -1,
    timeLimitMs: 100_000,
    store: watchedStore(() => {
      Atomics.store(started, 0, 1);
      Atomics.notify(started, 0);
    }),
  });
  r.setCancel(flag);
  // Waits until the script has entered its loop, then sets the flag.
  const canceller = new Worker(
    `const { workerData: [started, flag] } = require('node:worker_threads');
     Atomics.wait(started, 0, 0, 100000);
     Atomics.store(flag, 0, 1);`,
    { eval: true, workerData: [started, flag] },
  );
  const exited = new Promise((resolve) => canceller.once('exit', resolve));
  assert.throws(
    () => r.compute('_home.entered = true while true do pcall(function() while true do end end) end'),
    (e) => e instanceof LuaError && e.kind === 'cancelled' && e.limitKind === undefined,
  );
  await exited;
  assert.equal(Atomics.load(started, 0), 1);
  // While the flag is set, calls fail at once; cleared, they run.
  assert.throws(() => r.compute('_home.ran = true'), (e) => e.kind === 'cancelled');
  Atomics.store(flag, 0, 0);
  assert.deepEqual(r.compute('return { _home.entered, _home.ran }'), [true]);
  r.setCancel(null);
  Atomics.store(flag, 0, 1);
  assert.equal(r.compute('return 6 * 7'), 42, 'setCancel(null) removes it');
  assert.throws(() => r.setCancel('yes'), TypeError);
  r.close();
});

test('worker runtime: a signal stops a running call, between and inside batches', BACKSTOP, async () => {
  const w = await createWorkerRuntime({ instructionLimit: -1, timeLimitMs: 100_000 });
  try {
    assert.equal(w.canCancelInCall, true);
    assert.deepEqual(await w.compute('return { 1, "x", ext.table() ~= nil }'), [1, 'x', true]);
    const io = await w.computeWithIo('_io.output = #_io.input return _io.meta.m', [1, 2, 3], { metadata: { m: 'meta' } });
    assert.deepEqual(io, { returnValue: 'meta', output: 3, metadata: { m: 'meta' } });

    // An endless batch, stopped by an abort that comes while it runs.
    const controller = new AbortController();
    const counter = counted();
    const seen = [];
    const code = 'if _io.input.batchIndex == 3 then _home.entered = true while true do end end _io.output = _io.input.batchIndex';
    await assert.rejects(
      (async () => {
        for await (const o of w.stream(code, counter.source, { batchSize: 1000, signal: controller.signal })) {
          seen.push(o);
          // A timer runs only after this turn's microtasks, which pull
          // the next batch and post it to the worker: the abort comes
          // while the worker has it.
          if (o === 2) setTimeout(() => controller.abort(), 0);
        }
      })(),
      (e) => e instanceof LuaError && e.kind === 'cancelled',
    );
    assert.deepEqual(seen, [0, 1, 2]);
    assert.equal(counter.pulls, 4000);
    assert.ok(counter.closed);
    assert.equal(await w.compute('return 1 + 1'), 2, 'usable afterwards');

    // A timeout signal on a plain call.
    await assert.rejects(w.compute('while true do end', { signal: AbortSignal.timeout(20) }), (e) => e.kind === 'cancelled');
    // Between batches: the signal's reason.
    const c2 = new AbortController();
    await assert.rejects(w.processStream(SUM, counted().source, { signal: c2.signal, onProgress: (p) => p.batchIndex === 1 && c2.abort() }), (e) => e.name === 'AbortError');
    assert.deepEqual((await w.processStream(SUM, [1, 2, 3], { batchSize: 2 })).map((o) => o.sum), [3, 3]);
  } finally {
    await w.close();
  }
});

test('worker runtime: recreate() ends a call no signal stops, and restores the saved state', BACKSTOP, async () => {
  const w = await createWorkerRuntime({ instructionLimit: -1 });
  try {
    await w.compute('_home.kept = "yes"');
    await w.saveState();
    await w.compute('_home.kept = "unsaved"');
    const runaway = w.compute('while true do end');
    const failed = assert.rejects(runaway, /recreated/);
    const queued = assert.rejects(w.compute('return 1'), /recreated/);
    await tick();
    assert.deepEqual(await w.recreate(), { restored: true });
    await failed;
    await queued;
    assert.equal(await w.compute('return _home.kept'), 'yes');
  } finally {
    await w.close();
  }
});

test('memory stays flat over a long stream, views included', BACKSTOP, async () => {
  const r = await createRuntime({ instructionLimit: -1 });
  const code = 'local n = 0 for _, x in ipairs(_io.input.batch) do n = n + x.qty end _io.output = n';
  const luaKiB = () => r.compute('collectgarbage("collect") return collectgarbage("count")');
  for (const inputMode of ['copy', 'view']) {
    const heap = [];
    const wasm = [];
    const records = (async function* () {
      for (let i = 0; i < 400_000; i++) yield { id: i, name: `record ${i}`, qty: i % 7 };
    })();
    for await (const n of r.stream(code, records, {
      batchSize: 1000,
      inputMode,
      onProgress: (p) => {
        if (p.batchIndex % 50 === 49) {
          heap.push(luaKiB());
          wasm.push(r.wasmMemory.buffer.byteLength);
        }
      },
    })) {
      assert.ok(n > 0);
    }
    // Each view a batch reads is collected, and so is what held it: the
    // Lua heap and WebAssembly memory after 400 batches are what they
    // were after 50.
    assert.ok(heap.at(-1) < heap[0] + 512, `${inputMode}: the Lua heap grew from ${heap[0]} KiB to ${heap.at(-1)} KiB`);
    assert.equal(wasm.at(-1), wasm[0], `${inputMode}: WebAssembly memory grew`);
  }
  r.close();
});
