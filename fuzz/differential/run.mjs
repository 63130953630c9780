#!/usr/bin/env node
// Differential check: every file of a corpus (default fuzz/corpus/decode)
// through the reference JS codec (format/js/src/index.js) and through
// luaxt-format (the lxt-oracle helper in this folder). For lenient and
// strict decoding they must agree on accept/reject, on the error class and
// offset, and, when both accept, on the re-encoding: the JS codec's
// decode-then-encode must write exactly the bytes of Rust's decoded value
// after the JS mapping of spec §8 (`js` in the oracle's output).
//
// Usage: node fuzz/differential/run.mjs [DIR|FILE…]
// Env: LXT_ORACLE=path to a built lxt-oracle (else it is built with cargo).
// Exit status 1 on any disagreement; each is printed with both results.

import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { deserializeObject, serializeObject } = await import(
  resolve(root, 'format/js/src/index.js')
);

const inputs = process.argv.slice(2);
if (inputs.length === 0) inputs.push(resolve(root, 'fuzz/corpus/decode'));

let oracle = process.env.LXT_ORACLE;
if (!oracle) {
  const manifest = resolve(here, '../Cargo.toml');
  execFileSync(
    'cargo',
    ['build', '--quiet', '--release', '--manifest-path', manifest, '-p', 'luaxt-differential'],
    { stdio: 'inherit' },
  );
  oracle = resolve(here, '../target/release/lxt-oracle');
}
const lines = execFileSync(oracle, inputs, { maxBuffer: 1 << 30, encoding: 'utf8' })
  .split('\n')
  .filter((line) => line.length > 0);

const toHex = (bytes) => Buffer.from(bytes).toString('hex');

/** What the JS codec decides, in the oracle's shape. */
function js(bytes, strict) {
  let value;
  try {
    value = deserializeObject(bytes, { strict });
  } catch (err) {
    if (err?.kind === undefined) return { ok: false, error: `exception: ${err}`, offset: -1 };
    return { ok: false, error: err.kind, offset: err.offset };
  }
  try {
    return { ok: true, js: toHex(serializeObject(value)) };
  } catch (err) {
    return { ok: false, error: `re-encode failed: ${err?.kind ?? ''} ${err}`, offset: -1 };
  }
}

function agree(rust, mine) {
  if (rust.ok !== mine.ok) return false;
  if (!rust.ok) return rust.error === mine.error && rust.offset === mine.offset;
  return rust.js === mine.js;
}

let files = 0;
let disagreements = 0;
for (const line of lines) {
  const rust = JSON.parse(line);
  const bytes = new Uint8Array(Buffer.from(rust.hex, 'hex'));
  files++;
  for (const mode of ['lenient', 'strict']) {
    const mine = js(bytes, mode === 'strict');
    if (!agree(rust[mode], mine)) {
      disagreements++;
      const short = (r) => JSON.stringify(r, (k, v) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v));
      console.log(`DISAGREE ${mode} ${rust.file}`);
      console.log(`  input: ${toHex(bytes).slice(0, 400)}${bytes.length > 200 ? '…' : ''}`);
      console.log(`  rust:  ${short(rust[mode])}`);
      console.log(`  js:    ${short(mine)}`);
    }
  }
}
console.log(`differential: ${files} files, ${disagreements} disagreements`);
if (files === 0) {
  console.log('differential: no input files');
  process.exit(1);
}
process.exit(disagreements === 0 ? 0 : 1);
