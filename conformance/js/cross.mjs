#!/usr/bin/env node
// Cross-check helper for the Rust tests (tests/cross.rs).
//
//   node conformance/js/cross.mjs <codec module> <input.json>
//
// input: {"mode": "decode", "cases": [{"id", "hex", "limits"?}]}
//   → for each case {"id", "view"} (the neutral view of the decoded value,
//     see lib.mjs jsView) or {"id", "error": {"kind", "offset"}}
// input: {"mode": "roundtrip", "cases": [{"id", "hex"}]}
//   → {"id", "hex"}: serializeObject(deserializeObject(bytes)), or "error".
// Output is one JSON document on stdout.
import { readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes, importCodec, jsView } from './lib.mjs';

const [modulePath, inputPath] = process.argv.slice(2);
const codec = await importCodec(modulePath);
const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const out = [];
for (const c of input.cases) {
  const options = {};
  if (c.limits?.max_depth !== undefined) options.maxDepth = c.limits.max_depth;
  if (c.limits?.max_size !== undefined) options.maxSize = c.limits.max_size;
  try {
    const value = codec.deserializeObject(hexToBytes(c.hex), options);
    if (input.mode === 'roundtrip') out.push({ id: c.id, hex: bytesToHex(codec.serializeObject(value)) });
    else out.push({ id: c.id, view: jsView(value) });
  } catch (err) {
    out.push({ id: c.id, error: { kind: err?.kind ?? String(err), offset: err?.offset ?? null } });
  }
}
process.stdout.write(JSON.stringify(out));
