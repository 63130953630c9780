#!/usr/bin/env node
// Checks a JS LXT 1 codec against every conformance vector.
//
//   node conformance/js/run.mjs ./my-codec.mjs [--known FILE] [--filter ID-PREFIX] [--quiet]
//   node conformance/js/run.mjs luaxt-format     (a package installed here)
//
// The module must export serializeObject(value, options?) -> Uint8Array and
// deserializeObject(bytes, options?) -> value (options: maxDepth, maxSize,
// strict), throwing errors with `kind` (and `offset` when decoding).
// Prints each failure with id, spec section, expected and actual, then
// "N passed, M failed"; exits 1 on any failure not listed in --known (or a
// listed id that passes: stale), 2 on a usage error.

import { formatFailure, importCodec, loadKnown, loadVectors, runVectors } from './lib.mjs';

function usage(message) {
  console.error(`${message}\nusage: node conformance/js/run.mjs <module> [--known FILE] [--filter ID-PREFIX] [--quiet]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let modulePath;
let knownPath;
let filter;
let quiet = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--known') knownPath = args[++i];
  else if (args[i] === '--filter') filter = args[++i];
  else if (args[i] === '--quiet') quiet = true;
  else if (!modulePath) modulePath = args[i];
  else usage(`unexpected argument ${args[i]}`);
}
if (!modulePath) usage('no module given');

const codec = await importCodec(modulePath).catch((e) => usage(e.message));
for (const name of ['serializeObject', 'deserializeObject']) {
  if (typeof codec[name] !== 'function') usage(`${modulePath} does not export ${name}`);
}
const known = knownPath ? loadKnown(knownPath) : new Set();
const { passed, failures } = runVectors(codec, loadVectors(), { filter });

const failedIds = new Set(failures.map((f) => f.id));
let unexpected = 0;
for (const f of failures) {
  if (!known.has(f.id)) unexpected++;
  if (!quiet || !known.has(f.id)) console.log((known.has(f.id) ? '[known] ' : '') + formatFailure(f));
}
const unexpectedIds = new Set(failures.filter((f) => !known.has(f.id)).map((f) => f.id));
const stale = [...known].filter((id) => !failedIds.has(id));
for (const id of stale) console.log(`STALE ${id}: listed in ${knownPath} but it passes (or does not exist)`);
const knownFailing = [...failedIds].filter((id) => known.has(id)).length;
if (knownFailing) console.log(`${knownFailing} known failures (listed in ${knownPath})`);
console.log(`${passed} passed, ${unexpectedIds.size + stale.length + knownFailing} failed`);
process.exitCode = unexpected > 0 || stale.length > 0 ? 1 : 0; // not process.exit(): it would cut piped output
