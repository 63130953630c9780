// Benchmark: input → Lua aggregation → output at 1, 10 and 100 MB in copy
// mode (bench/views.bench.mjs compares the input modes), and
// external-table get/set per second; luaxt next to the earlier system's
// reported figures and to wasmoon doing the same job in this process.
//
//   node bench/runtime.bench.mjs [--sizes 1,10,100] [--runs 3] [--no-write]
import { writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { LuaFactory } from 'wasmoon';
import { pack } from 'msgpackr';
import { createRuntime, serializeObject } from '../src/index.js';
import { recordsOfSize, AGGREGATE_LUA, aggregateJs } from './records.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
};
const sizes = arg('sizes', '1,10,100').split(',').map(Number);
const runs = Number(arg('runs', 3));
const earlier = { 1: 15, 10: 120, 100: 1200 };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function timeIt(fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const luaxt = await createRuntime({ memoryLimit: 3 * 1024 * 1024 * 1024 - 1, instructionLimit: -1 });
const factory = new LuaFactory();
// Warm both JITs (and the module) on a small input before anything is timed.
{
  const warm = recordsOfSize(256 * 1024);
  for (let i = 0; i < 3; i++) {
    luaxt.computeWithIo(AGGREGATE_LUA, warm, { inputMode: 'copy' });
    pack(warm);
  }
  luaxt.clearIo();
}
const rows = [];
const phases = [];

for (const mb of sizes) {
  const input = recordsOfSize(mb * 1024 * 1024);
  const bytes = serializeObject(input).length;
  const expected = aggregateJs(input);

  // luaxt: encode (JS) → setInput → Lua reads _io.input (decode) → aggregation → output.
  const luaxtMs = await timeIt(() => {
    const { output } = luaxt.computeWithIo(AGGREGATE_LUA, input, { inputMode: 'copy' });
    if (output.count !== expected.count || output.sum !== expected.sum) throw new Error('luaxt: wrong result');
    luaxt.clearIo();
  });
  // Where the time goes (one run).
  let t0 = performance.now();
  const encoded = serializeObject(input);
  const encodeMs = performance.now() - t0;
  luaxt.clearIo();
  t0 = performance.now();
  luaxt.setInput(input, { mode: 'copy' });
  const setInputMs = performance.now() - t0;
  t0 = performance.now();
  luaxt.compute('local x = _io.input');
  const decodeMs = performance.now() - t0;
  t0 = performance.now();
  luaxt.compute(AGGREGATE_LUA.replace('local items = _io.input.items', 'local items = _io.input.items'));
  const secondMs = performance.now() - t0;
  luaxt.clearIo();
  phases.push({ mb, bytes: encoded.length, encodeMs, setInputMs, decodeMs, aggregateMs: secondMs - decodeMs });

  // A floor for any pipeline that must serialize the JS input: msgpackr
  // (a fast JS encoder) encoding the same input, and nothing else.
  const packMs = await timeIt(() => pack(input));

  // wasmoon: its own interop (lua.global.set), the same Lua code, result read back.
  const engine = await factory.createEngine();
  const wasmoonMs = await timeIt(async () => {
    engine.global.set('_io', { input });
    await engine.doString(AGGREGATE_LUA);
    const output = await engine.doString('return _io.output');
    if (output.count !== expected.count) throw new Error('wasmoon: wrong result');
  });
  engine.global.close();
  rows.push({ mb, bytes, records: input.items.length, luaxtMs, wasmoonMs, earlierMs: earlier[mb], packMs });
  console.error(`${mb} MB done: luaxt ${fmt(luaxtMs)} ms, wasmoon ${fmt(wasmoonMs)} ms`);
}

// External table get/set per second.
const N = 200000;
let t0 = performance.now();
luaxt.compute(`_home.bench = ext.table() local t = _home.bench for i = 1, ${N} do t[i] = i * 2 end`);
const setPerSec = N / ((performance.now() - t0) / 1000);
t0 = performance.now();
luaxt.compute(`local t, s = _home.bench, 0 for i = 1, ${N} do s = s + t[i] end return s`);
const getPerSec = N / ((performance.now() - t0) / 1000);
luaxt.compute('_home.bench = nil');

const lines = [
  '| input | encoded bytes | records | luaxt ms | luaxt records/s | wasmoon ms | vs wasmoon | earlier ms | vs earlier | 4× earlier budget ms | msgpackr encode alone ms |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) =>
    `| ${r.mb} MB | ${r.bytes} | ${r.records} | ${fmt(r.luaxtMs)} | ${Math.round(r.records / (r.luaxtMs / 1000)).toLocaleString('en')} | ` +
      `${fmt(r.wasmoonMs)} | ${(r.wasmoonMs / r.luaxtMs).toFixed(2)}× | ${r.earlierMs ?? '–'} | ` +
      `${r.earlierMs ? (r.earlierMs / r.luaxtMs).toFixed(2) + '×' : '–'} | ${r.earlierMs ? fmt(r.earlierMs / 4) : '–'} | ${fmt(r.packMs)} |`,
  ),
  '',
  '| where luaxt spends the time (one run) | encode in JS ms | setInput (encode + store) ms | first `_io.input` read (decode into Lua) ms | aggregation (2nd compute − 1st read) ms |',
  '|---|---|---|---|---|',
  ...phases.map((p) => `| ${p.mb} MB | ${fmt(p.encodeMs)} | ${fmt(p.setInputMs)} | ${fmt(p.decodeMs)} | ${fmt(p.aggregateMs)} |`),
  '',
  `External table (${N} integer keys): set ${Math.round(setPerSec).toLocaleString('en')} /s, get ${Math.round(getPerSec).toLocaleString('en')} /s.`,
];
const verdict = (ok) => (ok ? 'yes' : '**no**');
lines.push(
  '',
  '| input | faster than wasmoon | ≥ 4× faster than earlier | msgpackr encode alone within the 4× budget |',
  '|---|---|---|---|',
  ...rows.map((r) =>
    `| ${r.mb} MB | ${verdict(r.luaxtMs < r.wasmoonMs)} | ${r.earlierMs ? verdict(r.luaxtMs * 4 <= r.earlierMs) : '–'} | ` +
      `${r.earlierMs ? verdict(r.packMs <= r.earlierMs / 4) : '–'} |`,
  ),
);
const table = lines.join('\n');
console.log(table);

if (!process.argv.includes('--no-write')) {
  const command = `node bench/runtime.bench.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism?.() ?? os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const doc = `# luaxt runtime benchmark

Input → Lua aggregation → output: \`{ items = [record…] }\` (records with
integers, a float, strings and a boolean; \`bench/records.mjs\`), the Lua
code of \`AGGREGATE_LUA\` (count, sum, per-category sums), the result read
back into JS. luaxt: \`computeWithIo\` (one encoded buffer in, one out).
wasmoon ${JSON.parse(readFileSync(new URL('../node_modules/wasmoon/package.json', import.meta.url))).version}:
\`lua.global.set('_io', { input })\`, the same Lua code, \`return _io.output\`.
Earlier: the figures the earlier system reported (not re-measured).
Median of ${runs} runs, after a warm-up of both runtimes and msgpackr.

The last column of the first table is a floor, not a competitor: msgpackr
(a fast JS encoder) serializing the same input and doing nothing else.
Any pipeline that starts from JS values has to serialize them once; where
that alone takes longer than a quarter of the earlier figure, no such
pipeline can be 4× faster than it, whatever the Lua side does.

- Command: \`${command}\` (in runtime/js)
- Date: ${new Date().toISOString()}
- Machine: ${machine}

${table}
`;
  writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), doc);
}
