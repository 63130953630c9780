#!/usr/bin/env node
// The JS half of the generated differential run (`luaxt conformance --js
// MODULE --generate N`): reads one vector per line on stdin (the schema of
// conformance/vectors/*.json, written by the Rust oracle) and writes one
// line per vector to stdout: `[]` when the module passes it, otherwise the
// JSON array of its failures ({ id, section, check, expected, actual }).
// A line starting with # is echoed (the Rust side marks the end of a batch).
// The checks are those of run.mjs (lib.mjs runVectors), one vector at a time.
//
//   some-producer | node conformance/js/differential.mjs ./my-codec.mjs

import { importCodec, runVectors } from './lib.mjs';

const modulePath = process.argv[2];
if (!modulePath) {
  console.error('usage: node conformance/js/differential.mjs <module>  (vectors on stdin, one per line)');
  process.exit(2);
}
const codec = await importCodec(modulePath).catch((e) => {
  console.error(e.message);
  process.exit(2);
});
for (const name of ['serializeObject', 'deserializeObject']) {
  if (typeof codec[name] !== 'function') {
    console.error(`${modulePath} does not export ${name}`);
    process.exit(2);
  }
}

function answer(line) {
  if (line.startsWith('#')) return line; // a marker of the Rust side, echoed
  let vector;
  try {
    vector = JSON.parse(line);
  } catch (err) {
    return JSON.stringify([{ id: '?', section: '', check: 'driver', expected: 'a JSON vector', actual: String(err) }]);
  }
  return JSON.stringify(runVectors(codec, [vector]).failures);
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop();
  let out = '';
  for (const line of lines) if (line) out += answer(line) + '\n';
  if (out) process.stdout.write(out);
});
process.stdin.on('end', () => {
  if (pending) process.stdout.write(answer(pending) + '\n');
});
