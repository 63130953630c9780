// Codec benchmark: this LXT codec against msgpackr, @msgpack/msgpack and JSON
// on the shared data set (bench/dataset.mjs), in one process.
//
//   node bench/codec.bench.mjs [records=20000] [rounds=10]
//
// Each codec encodes the whole array as one document and decodes it back.
// After warm-up, the rounds run interleaved (codec A, B, C…, then again) so
// that load on the machine hits every codec alike; the table shows the median
// round. A full garbage collection runs before each timed call, so no call
// pays for the garbage of the one before (each call's own collections count).
// MB/s is 10^6 bytes of that codec's own output per second.

import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { deepStrictEqual } from 'node:assert/strict';
import { Packr, isNativeAccelerationEnabled } from 'msgpackr';
import { Encoder, Decoder } from '@msgpack/msgpack';

import { serializeObject, deserializeObject } from '../src/codec.js';
import { makeDataset } from './dataset.mjs';

const N = Number(process.argv[2] ?? 20000);
const ROUNDS = Number(process.argv[3] ?? 10);
const WARMUP = 3;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

const started = performance.now();
const records = makeDataset(N);
const generatedMs = performance.now() - started;

const lxtBytes = serializeObject(records);
const sha256 = createHash('sha256').update(lxtBytes).digest('hex');
deepStrictEqual(deserializeObject(lxtBytes, { strict: true }), records);

const packr = new Packr();
const packrPlain = new Packr({ useRecords: false });
const mpEncoder = new Encoder();
const mpDecoder = new Decoder();
const textEncoder = new TextEncoder();

/** Each codec: encode(records) → output, decode(output) → records, size(output) → bytes. */
const codecs = [
  {
    name: 'luaxt LXT 1 (this codec)',
    encode: () => serializeObject(records),
    decode: (bytes) => deserializeObject(bytes),
    size: (bytes) => bytes.length,
  },
  {
    name: 'msgpackr (Packr, defaults: records)',
    encode: () => packr.pack(records),
    decode: (bytes) => packr.unpack(bytes),
    size: (bytes) => bytes.length,
  },
  {
    name: 'msgpackr (useRecords: false)',
    encode: () => packrPlain.pack(records),
    decode: (bytes) => packrPlain.unpack(bytes),
    size: (bytes) => bytes.length,
  },
  {
    name: '@msgpack/msgpack',
    encode: () => mpEncoder.encode(records),
    decode: (bytes) => mpDecoder.decode(bytes),
    size: (bytes) => bytes.length,
  },
  {
    name: 'JSON.stringify / JSON.parse ¹',
    encode: () => JSON.stringify(records),
    decode: (text) => JSON.parse(text),
    size: (text) => textEncoder.encode(text).length,
  },
];

// Sanity: every codec reads back what it wrote.
for (const codec of codecs) {
  const out = codec.encode();
  deepStrictEqual(codec.decode(out).length, N);
  codec.output = out;
  codec.bytes = codec.size(out);
  codec.encodeMs = [];
  codec.decodeMs = [];
}

function timeIt(fn) {
  collectGarbage();
  const t = performance.now();
  fn();
  return performance.now() - t;
}

for (let round = 0; round < WARMUP + ROUNDS; round++) {
  for (const codec of codecs) {
    const enc = timeIt(codec.encode);
    const dec = timeIt(() => codec.decode(codec.output));
    if (round >= WARMUP) {
      codec.encodeMs.push(enc);
      codec.decodeMs.push(dec);
    }
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
const fmtMB = (x) => x.toFixed(1);

const lines = [];
lines.push(`Data set: ${N} records (splitmix64, seed 42), generated in ${(generatedMs / 1000).toFixed(1)} s`);
lines.push(`LXT document: ${lxtBytes.length} bytes, SHA-256 ${sha256}`);
lines.push(
  `Node ${process.version}, ${WARMUP} warm-up + ${ROUNDS} timed rounds (median, full GC before each call), msgpackr native acceleration: ${isNativeAccelerationEnabled}`,
);
lines.push('');
lines.push('| codec | encoded size (bytes) | encode records/s | encode MB/s | decode records/s | decode MB/s |');
lines.push('|---|---:|---:|---:|---:|---:|');
for (const codec of codecs) {
  const enc = median(codec.encodeMs) / 1000;
  const dec = median(codec.decodeMs) / 1000;
  const mb = codec.bytes / 1e6;
  lines.push(
    `| ${codec.name} | ${fmtInt(codec.bytes)} | ${fmtInt(N / enc)} | ${fmtMB(mb / enc)} | ${fmtInt(N / dec)} | ${fmtMB(mb / dec)} |`,
  );
}
lines.push('');
lines.push('¹ JSON: encode is JSON.stringify to a string, decode is JSON.parse of it; the size is its UTF-8 length.');
console.log(lines.join('\n'));
