// Benchmark of external-table access from Lua (spec §11): gets and sets
// per second through the JS store, and the JavaScript heap one entry
// costs in it.
//
//   node bench/ext.bench.mjs [--sizes 200000,1000000] [--runs 3] [--heap 1000000]
//
// Rates: one `compute` filling a fresh `ext.table()` with `t[i] = i * 2`
// (sets, the loop of bench/runtime.bench.mjs), then overwriting every key
// (`t[i] = i`, sets of existing keys), then summing `t[i]` (gets); median
// of the runs. Heap: the growth of `process.memoryUsage()` after a full
// collection, for `--heap` entries of each shape, divided by the count.
// `heapUsed` is V8's heap; ArrayBuffer backing stores (a `Uint8Array`'s
// bytes) are outside it, so their growth (less the WebAssembly memory's)
// is shown too.
import v8 from 'node:v8';
import vm from 'node:vm';
import { createRuntime } from '../src/index.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const sizes = arg('sizes', '200000,1000000').split(',').map(Number);
const runs = Number(arg('runs', 3));
const heapCount = Number(arg('heap', 1000000));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (n, ms) => Math.round(n / (ms / 1000)).toLocaleString('en');

const options = { memoryLimit: 3 * 1024 * 1024 * 1024 - 1, instructionLimit: -1, storeLimit: null };
const lua = await createRuntime(options);

function timed(code) {
  const t0 = performance.now();
  const result = lua.compute(code);
  return [performance.now() - t0, result];
}

// Warm the JIT and the store's paths.
for (let i = 0; i < 3; i++) {
  lua.compute('local t = ext.table() for i = 1, 20000 do t[i] = i end local s = 0 for i = 1, 20000 do s = s + t[i] end');
}

console.log('| keys | insert sets/s | overwrite sets/s | gets/s |');
console.log('|---|---|---|---|');
for (const n of sizes) {
  const insert = [];
  const overwrite = [];
  const get = [];
  for (let r = 0; r < runs; r++) {
    insert.push(timed(`_home.bench = ext.table() local t = _home.bench for i = 1, ${n} do t[i] = i * 2 end`)[0]);
    overwrite.push(timed(`local t = _home.bench for i = 1, ${n} do t[i] = i end`)[0]);
    const [ms, sum] = timed(`local t, s = _home.bench, 0 for i = 1, ${n} do s = s + t[i] end return s`);
    if (sum !== (n * (n + 1)) / 2) throw new Error(`wrong sum ${sum}`);
    get.push(ms);
    lua.compute('_home.bench = nil');
  }
  console.log(`| ${n.toLocaleString('en')} | ${rate(n, median(insert))} | ${rate(n, median(overwrite))} | ${rate(n, median(get))} |`);
}
lua.close();

// JS heap per entry: a fresh runtime per shape.
const SHAPES = [
  ['integer keys 1..n, integer values (`t[i] = i`)', 't[i] = i'],
  ['integer keys 1..n, float values (`t[i] = i + 0.5`)', 't[i] = i + 0.5'],
  ['string keys, integer values (`t["k" .. i] = i`)', 't["k" .. i] = i'],
  ['integer keys 1..n, small table values (`t[i] = { id = i, name = "item " .. i }`)', 't[i] = { id = i, name = "item " .. i }'],
];
console.log('');
console.log(`| ${heapCount.toLocaleString('en')} entries of | JS heap bytes/entry | ArrayBuffer bytes/entry (not the Wasm memory) |`);
console.log('|---|---|---|');
for (const [what, assign] of SHAPES) {
  const rt = await createRuntime(options);
  rt.compute('return 1');
  const measure = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, buffers: m.arrayBuffers - rt.wasmMemory.buffer.byteLength };
  };
  const before = measure();
  rt.compute(`local t = ext.table() _home.t = t for i = 1, ${heapCount} do ${assign} end`);
  const after = measure();
  if (rt.compute('return #_home.t') !== (assign.startsWith('t[i]') ? heapCount : 0)) throw new Error('wrong border');
  const per = (x) => ((after[x] - before[x]) / heapCount).toFixed(1);
  console.log(`| ${what} | ${per('heap')} | ${per('buffers')} |`);
  rt.close();
}
