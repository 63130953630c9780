// `node --test conformance/js/`: the reference codec passes every vector
// (except the ids in known-failures/js-reference.txt, which should be none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFailure, KNOWN_DIR, loadKnown, loadVectors, runVectors } from './lib.mjs';

const CODEC = fileURLToPath(new URL('../../format/js/src/index.js', import.meta.url));

test('the reference codec passes every vector', async () => {
  const codec = await import(CODEC);
  const known = loadKnown(join(KNOWN_DIR, 'js-reference.txt'));
  const vectors = loadVectors();
  assert.ok(vectors.length >= 300, `${vectors.length} vectors`);
  const { passed, failures } = runVectors(codec, vectors);
  const failed = new Set(failures.map((f) => f.id));
  const unexpected = failures.filter((f) => !known.has(f.id)).map(formatFailure);
  const stale = [...known].filter((id) => !failed.has(id)).map((id) => `STALE ${id}`);
  assert.deepEqual([...unexpected, ...stale], [], `${passed} passed, ${failed.size} failed`);
});
