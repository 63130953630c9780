// Codec benchmark: the LXT codec (luaxt-format) against msgpackr,
// @msgpack/msgpack and JSON, in one process, at several sizes.
//
//   node bench/codec.bench.mjs [--sets 1k,20k,1MB,10MB,100MB] [--rounds 7]
//                              [--warmup 10] [--codec MODULE]
//
// Data sets:
// - `1k`, `20k` (any `<n>k` or plain count): records of the shared data set
//   (bench/dataset.mjs; the Rust benchmark generates the same records), an
//   array of n records of about 650 bytes each.
// - `1MB`, `10MB`, `100MB` (any `<n>MB`): the runtime benchmark's records
//   (bench/records.mjs, about 120 bytes each), `{ items: [...] }` of about
//   that many bytes as LXT: 8 497, 84 974 and 849 737 records. (850 000
//   records of the shared set would be about 550 MB: past LXT's default
//   256 MiB document limit and V8's longest string, which JSON needs.)
//
// Each codec encodes the whole value as one document and decodes it back.
// Ten warm-up rounds by default: msgpackr's encoder reaches its steady
// speed only after about ten calls of the 20 k set (it ran 18–20 ms in the
// first rounds and 14 ms from about the tenth on), so fewer would flatter
// this codec.
// After warm-up the rounds run interleaved (codec A, B, C…, then again) so
// that load on the machine hits every codec alike; the tables show medians.
// A full garbage collection runs before each timed call, so no call pays for
// the garbage of the one before (each call's own collections count). The
// ratios are medians of per-round ratios: a round is short, so a drift in
// the machine's speed between rounds cancels out of them.
//
// `--codec MODULE` measures another build of the codec (a path, e.g. an
// older codec.js kept for a before/after table).

import { createHash } from 'node:crypto';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deepStrictEqual } from 'node:assert/strict';
import { Packr, isNativeAccelerationEnabled } from 'msgpackr';
import { Encoder, Decoder } from '@msgpack/msgpack';

import { makeDataset } from './dataset.mjs';
import { recordsOfSize } from './records.mjs';

const args = parseArgs(process.argv.slice(2), {
  sets: '1k,20k,1MB,10MB,100MB',
  rounds: '7',
  warmup: '10',
  codec: 'luaxt-format',
});
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup);
const codecModule = args.codec === 'luaxt-format' ? 'luaxt-format' : pathToFileURL(resolve(args.codec)).href;
const { serializeObject, deserializeObject } = await import(codecModule);

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(\w+)$/.exec(argv[i]);
    if (!m || !(m[1] in defaults) || i + 1 >= argv.length) {
      console.error(`usage: node bench/codec.bench.mjs ${Object.keys(defaults).map((k) => `[--${k} ${defaults[k]}]`).join(' ')}`);
      process.exit(2);
    }
    out[m[1]] = argv[++i];
  }
  return out;
}

/** The data set named `name`: { label, records (count), value }. */
function makeSet(name) {
  let m = /^(\d+)MB$/i.exec(name);
  if (m) {
    const value = recordsOfSize(Number(m[1]) * 1e6);
    return { label: `${m[1]} MB (runtime records)`, records: value.items.length, value };
  }
  m = /^(\d+)(k?)$/i.exec(name);
  if (m) {
    const n = Number(m[1]) * (m[2] ? 1000 : 1);
    return { label: `${n} shared records`, records: n, value: makeDataset(n) };
  }
  throw new Error(`unknown data set ${name}`);
}

/** The codecs, each `encode()` → output, `decode(output)` → value, `size(output)`. */
function makeCodecs(value) {
  const packr = new Packr();
  const packrPlain = new Packr({ useRecords: false });
  const mpEncoder = new Encoder();
  const mpDecoder = new Decoder();
  const textEncoder = new TextEncoder();
  const bytes = (b) => b.length;
  return [
    { id: 'lxt', name: 'luaxt LXT 1', encode: () => serializeObject(value), decode: (b) => deserializeObject(b), strict: (b) => deserializeObject(b, STRICT), size: bytes },
    { id: 'packr', name: 'msgpackr (records)', encode: () => packr.pack(value), decode: (b) => packr.unpack(b), size: bytes },
    { id: 'plain', name: 'msgpackr (useRecords: false)', encode: () => packrPlain.pack(value), decode: (b) => packrPlain.unpack(b), size: bytes },
    { id: 'mp', name: '@msgpack/msgpack', encode: () => mpEncoder.encode(value), decode: (b) => mpDecoder.decode(b), size: bytes },
    { id: 'json', name: 'JSON ¹', encode: () => JSON.stringify(value), decode: (t) => JSON.parse(t), size: (t) => textEncoder.encode(t).length },
  ];
}
const STRICT = { strict: true };

function timeIt(fn, arg) {
  collectGarbage();
  const t = performance.now();
  fn(arg);
  return performance.now() - t;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmtInt = (x) => Math.round(x).toLocaleString('en-US').replaceAll(',', ' ');
const fmtMs = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const fmtX = (x) => x.toFixed(2) + '×';
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const lines = [];
const say = (line = '') => {
  lines.push(line);
  console.log(line);
};
say(`Codec: ${args.codec}; Node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}; msgpackr native acceleration: ${isNativeAccelerationEnabled}`);
say(`${WARMUP} warm-up + ${ROUNDS} timed rounds per set, interleaved; medians; full GC before each timed call`);
const summary = [];

for (const setName of args.sets.split(',')) {
  const loadBefore = load();
  const set = makeSet(setName);
  const codecs = makeCodecs(set.value);
  const lxtBytes = codecs[0].encode();
  deepStrictEqual(deserializeObject(lxtBytes, STRICT), set.value);
  const sha = createHash('sha256').update(lxtBytes).digest('hex');
  for (const codec of codecs) {
    codec.output = codec.encode();
    codec.bytes = codec.size(codec.output);
    codec.enc = [];
    codec.dec = [];
    codec.sdec = [];
  }
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    for (const codec of codecs) {
      const enc = timeIt(codec.encode);
      const dec = timeIt(codec.decode, codec.output);
      const sdec = codec.strict ? timeIt(codec.strict, codec.output) : 0;
      if (round >= WARMUP) {
        codec.enc.push(enc);
        codec.dec.push(dec);
        codec.sdec.push(sdec);
      }
    }
  }
  say('');
  say(`### ${set.label}: ${fmtInt(set.records)} records, LXT ${fmtInt(lxtBytes.length)} bytes (SHA-256 ${sha.slice(0, 12)}…); load ${loadBefore} → ${load()}`);
  say('');
  say('| codec | encode records/s | decode records/s | encode ms | decode ms | size (bytes) |');
  say('|---|---:|---:|---:|---:|---:|');
  for (const codec of codecs) {
    const enc = median(codec.enc);
    const dec = median(codec.dec);
    say(`| ${codec.name} | ${fmtInt(set.records / (enc / 1000))} | ${fmtInt(set.records / (dec / 1000))} | ${fmtMs(enc)} | ${fmtMs(dec)} | ${fmtInt(codec.bytes)} |`);
    if (codec.strict) {
      const sdec = median(codec.sdec);
      say(`| ${codec.name}, strict decode | | ${fmtInt(set.records / (sdec / 1000))} | | ${fmtMs(sdec)} | |`);
    }
  }
  // Speed ratios within each round (>1: luaxt is faster).
  const [lxt, packr, plain] = codecs;
  const ratio = (mine, theirs) => median(mine.map((t, r) => theirs[r] / t));
  const row = {
    set: set.label,
    records: set.records,
    decVsPackr: ratio(lxt.dec, packr.dec),
    decVsPlain: ratio(lxt.dec, plain.dec),
    strictVsPackr: ratio(lxt.sdec, packr.dec),
    strictVsPlain: ratio(lxt.sdec, plain.dec),
    encVsPlain: ratio(lxt.enc, plain.enc),
    encTimeVsPlain: median(lxt.enc.map((t, r) => t / plain.enc[r])),
    strictCost: median(lxt.sdec.map((t, r) => t / lxt.dec[r])) - 1,
  };
  summary.push(row);
}

say('');
say('### luaxt against msgpackr (speed ratios, median of per-round ratios; > 1×: luaxt faster)');
say('');
say('| data set | records | decode vs records | decode vs useRecords: false | strict decode vs records | strict decode vs useRecords: false | encode vs useRecords: false | encode time / msgpackr\'s | strict decode cost |');
say('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of summary) {
  say(`| ${r.set} | ${fmtInt(r.records)} | ${fmtX(r.decVsPackr)} | ${fmtX(r.decVsPlain)} | ${fmtX(r.strictVsPackr)} | ${fmtX(r.strictVsPlain)} | ${fmtX(r.encVsPlain)} | ${fmtX(r.encTimeVsPlain)} | ${(100 * r.strictCost).toFixed(1)} % |`);
}
say('');
say('¹ JSON: encode is JSON.stringify to a string, decode is JSON.parse of it; the size is its UTF-8 length.');
