// Benchmark of the input modes (spec §9.7) on the shared record data set
// at 1, 10 and 100 MB, in one process: for each mode, the end-to-end time
// of reading one field and of the aggregation of bench/runtime.bench.mjs,
// and how much WebAssembly memory each job needs (a fresh instance per
// job: memory never shrinks).
//
//   node bench/views.bench.mjs [--sizes 1,10,100] [--runs 3]
import { readFileSync } from 'node:fs';
import { createRuntime } from '../src/index.js';
import { recordsOfSize, AGGREGATE_LUA, aggregateJs } from './records.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const sizes = arg('sizes', '1,10,100').split(',').map(Number);
const runs = Number(arg('runs', 3));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MiB = 1024 * 1024;

const ONE_FIELD = '_io.output = _io.input.items[1].name';
const CHUNKED = AGGREGATE_LUA.replace(
  'for i = 1, #items do\n  local r = items[i]',
  'for i, r in ext.chunks(items, 1024) do',
);
const JOBS = [
  ['one field', 'copy', ONE_FIELD],
  ['one field', 'view', ONE_FIELD],
  ['aggregate', 'copy', AGGREGATE_LUA],
  ['aggregate', 'view', AGGREGATE_LUA],
  ['aggregate', 'chunks', CHUNKED],
];

// A module of its own for every job: instances are pooled per module, and
// a pooled instance keeps the memory an earlier job grew.
const wasmBytes = readFileSync(new URL('../dist/luaxt_bg.wasm', import.meta.url));

/** A fresh instance (its memory as small as it starts), the job's time, and how much memory it grew. */
async function measure(code, input, mode) {
  const rt = await createRuntime({
    wasm: new WebAssembly.Module(wasmBytes),
    memoryLimit: 3 * 1024 * MiB - 1,
    instructionLimit: -1,
    storeLimit: null,
  });
  rt.compute('return 1');
  const before = rt.wasmMemory.buffer.byteLength;
  const t0 = performance.now();
  const { output } = rt.computeWithIo(code, input, { inputMode: mode === 'chunks' ? 'view' : mode });
  const ms = performance.now() - t0;
  const grown = rt.wasmMemory.buffer.byteLength - before;
  rt.close();
  return { ms, grown, output };
}

const rows = [];
for (const mb of sizes) {
  const input = recordsOfSize(mb * MiB);
  const expected = aggregateJs(input);
  for (const [job, mode, code] of JOBS) {
    const times = [];
    let grown = 0;
    for (let r = 0; r < runs; r++) {
      const m = await measure(code, input, mode);
      if (job === 'aggregate' && (m.output.count !== expected.count || m.output.sum !== expected.sum)) {
        throw new Error(`${job} ${mode}: wrong result`);
      }
      times.push(m.ms);
      grown = Math.max(grown, m.grown);
    }
    const ms = median(times);
    rows.push({ mb, records: input.items.length, job, mode, ms, perSec: (input.items.length / ms) * 1000, grown });
    console.error(`${mb} MB ${job} ${mode}: ${ms.toFixed(1)} ms, +${(grown / MiB).toFixed(1)} MiB wasm`);
  }
}

console.log('| input | records | job | mode | time | records/s | WebAssembly memory grown |');
console.log('|---|---:|---|---|---:|---:|---:|');
for (const r of rows) {
  const rate = r.job === 'one field' ? '' : `${Math.round(r.perSec / 1000)} k`;
  console.log(
    `| ${r.mb} MB | ${r.records} | ${r.job} | ${r.mode} | ${r.ms.toFixed(1)} ms | ${rate} | ${(r.grown / MiB).toFixed(1)} MiB |`,
  );
}
