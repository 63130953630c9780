// Benchmark of streams (runtime.stream): an async generator of N records
// through a per-batch Lua aggregation, with a running total kept in a Lua
// global, for N = 100 000 and 1 000 000. For each runtime (this thread,
// and the worker runtime) and input mode: the time, the peak JS heap and
// the WebAssembly memory, sampled after every batch, to show that memory
// does not depend on the number of records; then how fast an abort stops
// a batch that is running (worker runtime, in-call cancellation).
//
//   node --expose-gc bench/stream.bench.mjs [--sizes 100000,1000000] [--batch 1000] [--cancel 10000,100000]
//
// `--cancel ''` leaves the cancellation runs out (under a small
// --max-old-space-size, a worker holding a batch of 100 000 records runs out
// of heap).
//
// Peak JS heap: the most `used_heap_size` seen after a batch, above what
// was used before the run (the heap between two samples is not seen; V8
// collects lazily, so garbage counts until it does). Kept: the heap after a
// full collection at the end, above the start. WebAssembly memory never
// shrinks, so its size at the end is its peak.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { createRuntime } from '../src/index.js';
import { createWorkerRuntime } from '../src/worker.js';
import { record } from './records.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const sizes = arg('sizes', '100000,1000000').split(',').map(Number);
const batchSize = Number(arg('batch', 1000));
const cancelBatches = arg('cancel', '10000,100000').split(',').filter(Boolean).map(Number);
const MiB = 1024 * 1024;
const mib = (bytes) => (bytes / MiB).toFixed(1);
const gc = globalThis.gc ?? (() => {});
const heap = () => v8.getHeapStatistics().used_heap_size;

const JOB = `
local n, sum, qty = 0, 0.0, 0
for _, r in ipairs(_io.input.batch) do
  n = n + 1
  sum = sum + r.value
  qty = qty + r.qty
end
totals = totals or { n = 0, sum = 0.0, qty = 0 }
totals.n, totals.sum, totals.qty = totals.n + n, totals.sum + sum, totals.qty + qty
_io.output = { batch = _io.input.batchIndex, n = n, sum = sum }
`;

async function* records(n) {
  for (let i = 0; i < n; i++) yield record(i);
}

function expected(n) {
  let sum = 0;
  let qty = 0;
  for (let i = 0; i < n; i++) {
    const r = record(i);
    sum += r.value;
    qty += r.qty;
  }
  return { n, sum, qty };
}

const wasmBytes = readFileSync(new URL('../dist/luaxt_bg.wasm', import.meta.url));
const options = () => ({ wasm: new WebAssembly.Module(wasmBytes), instructionLimit: -1 });

async function onThisThread(n, mode) {
  const rt = await createRuntime(options());
  gc();
  const heapBefore = heap();
  let peakHeap = heapBefore;
  let wasmAtTenth = 0;
  let outputs = 0;
  const t0 = performance.now();
  for await (const output of rt.stream(JOB, records(n), {
    batchSize,
    inputMode: mode,
    onProgress: (p) => {
      peakHeap = Math.max(peakHeap, heap());
      if (p.processed <= n / 10) wasmAtTenth = rt.wasmMemory.buffer.byteLength;
    },
  })) {
    if (output.n > 0) outputs++;
  }
  const ms = performance.now() - t0;
  const totals = rt.compute('return totals');
  const wasm = rt.wasmMemory.buffer.byteLength;
  gc();
  const retained = heap() - heapBefore;
  rt.close();
  return { ms, peakHeap: peakHeap - heapBefore, retained, wasm, wasmAtTenth, totals, outputs };
}

async function inWorker(n, mode) {
  const w = await createWorkerRuntime(options());
  gc();
  const heapBefore = heap();
  let peakHeap = heapBefore;
  let workerPeakHeap = 0;
  let wasmAtTenth = 0;
  let outputs = 0;
  const t0 = performance.now();
  const every = Math.max(1, Math.floor(n / batchSize / 20));
  for await (const output of w.stream(JOB, records(n), {
    batchSize,
    inputMode: mode,
    onProgress: async (p) => {
      peakHeap = Math.max(peakHeap, heap());
      // The worker's own memory, every twentieth of the run (a round trip).
      if (p.batchIndex % every === 0) {
        const m = await w.memoryUsage();
        workerPeakHeap = Math.max(workerPeakHeap, m.jsHeap);
        if (p.processed <= n / 10) wasmAtTenth = m.wasm;
      }
    },
  })) {
    if (output.n > 0) outputs++;
  }
  const ms = performance.now() - t0;
  const totals = await w.compute('return totals');
  const { wasm, jsHeap } = await w.memoryUsage();
  gc();
  const retained = heap() - heapBefore;
  await w.close();
  return { ms, peakHeap: peakHeap - heapBefore, retained, wasm, wasmAtTenth, totals, outputs, workerPeakHeap: Math.max(workerPeakHeap, jsHeap) };
}

/** Aborts a stream of endless records while a batch runs; how long the abort took to stop it. */
async function cancelLatency(batch) {
  const w = await createWorkerRuntime(options());
  // Warm up, and time one batch of this size.
  let t = performance.now();
  await w.processStream(JOB, records(batch), { batchSize: batch });
  const batchMs = performance.now() - t;
  const controller = new AbortController();
  let abortedAt = 0;
  let processedAtAbort = 0;
  let processed = 0;
  let error = null;
  t = performance.now();
  try {
    for await (const output of w.stream(JOB, records(Infinity), { batchSize: batch, signal: controller.signal })) {
      processed += output.n;
      if (processed === 3 * batch) {
        // Abort half-way through the next batch.
        setTimeout(() => {
          abortedAt = performance.now();
          processedAtAbort = processed;
          controller.abort();
        }, batchMs / 2);
      }
    }
  } catch (e) {
    error = e;
  }
  const stoppedMs = performance.now() - abortedAt;
  const after = await w.compute('return 1 + 1');
  await w.close();
  return { batchMs, stoppedMs, kind: error?.kind ?? error?.name, processedAtAbort, processed, usable: after === 2 };
}

console.log(`stream of records from an async generator, batches of ${batchSize}, Node ${process.version}`);
console.log('| runtime | input | records | s | records/s | peak JS heap MiB | JS heap kept MiB | Wasm memory MiB (at 10%) | worker JS heap MiB | check |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const n of sizes) {
  const want = expected(n);
  for (const [where, run] of [['this thread', onThisThread], ['worker', inWorker]]) {
    for (const mode of ['copy', 'view']) {
      const r = await run(n, mode);
      const ok =
        r.totals.n === want.n && r.totals.qty === want.qty && Math.abs(r.totals.sum - want.sum) < 1e-6 * want.sum && r.outputs === Math.ceil(n / batchSize);
      console.log(
        `| ${where} | ${mode} | ${n} | ${(r.ms / 1000).toFixed(1)} | ${Math.round(n / (r.ms / 1000))} | ${mib(r.peakHeap)} | ${mib(r.retained)} | ${mib(r.wasm)} (${mib(r.wasmAtTenth)}) | ${r.workerPeakHeap === undefined ? '' : mib(r.workerPeakHeap)} | ${ok ? 'ok' : `WRONG ${JSON.stringify(r.totals)}`} |`,
      );
    }
  }
}

if (cancelBatches.length > 0) {
  console.log('\ncancellation of a running batch (worker runtime, abort half-way through a batch)');
  console.log('| batch | one batch ms | abort to stop ms | error | records done at abort | records done | usable after |');
  console.log('|---:|---:|---:|---|---:|---:|---|');
}
for (const batch of cancelBatches) {
  const r = await cancelLatency(batch);
  console.log(`| ${batch} | ${r.batchMs.toFixed(0)} | ${r.stoppedMs.toFixed(1)} | ${r.kind} | ${r.processedAtAbort} | ${r.processed} | ${r.usable} |`);
}
