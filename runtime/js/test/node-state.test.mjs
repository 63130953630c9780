// State files under Node (spec §12.6): the atomic write, planted
// symlinks, permissions. Needs no WebAssembly build (node-state.js only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomPart, readStateFile, writeStateFile } from '../src/node-state.js';

const posix = process.platform !== 'win32';
const fresh = () => mkdtempSync(join(tmpdir(), 'luaxt-state-'));
const temps = (dir) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
const mode = (path) => statSync(path).mode & 0o7777;
const bytes = (text) => new TextEncoder().encode(text);

test('write then read; a missing file reads as null; no temporary file stays', async () => {
  const dir = fresh();
  const path = join(dir, 'state.lxts');
  assert.equal(await readStateFile(path), null);
  await writeStateFile(path, bytes('one'));
  await writeStateFile(path, bytes('two'));
  assert.deepEqual(await readStateFile(path), bytes('two'));
  assert.deepEqual(temps(dir), []);
});

test('temporary names follow the pattern .NAME.XXXXXX.tmp', () => {
  for (let i = 0; i < 100; i++) assert.match(randomPart(), /^[A-Za-z0-9]{6}$/);
});

test('a failed write leaves the old file and no temporary file', async () => {
  const dir = fresh();
  const path = join(dir, 'state.lxts');
  await writeStateFile(path, bytes('old'));
  await assert.rejects(writeStateFile(path, 42));
  assert.deepEqual(await readStateFile(path), bytes('old'));
  assert.deepEqual(temps(dir), []);
});

test('concurrent writers never share a temporary file: the result is one whole snapshot', async () => {
  const dir = fresh();
  const path = join(dir, 'state.lxts');
  const contents = Array.from({ length: 20 }, (_, i) => bytes(`writer ${i} `.repeat(10000)));
  await Promise.all(contents.map((c) => writeStateFile(path, c)));
  const result = await readStateFile(path);
  assert.ok(contents.some((c) => Buffer.compare(Buffer.from(c), Buffer.from(result)) === 0));
  assert.deepEqual(temps(dir), []);
});

test('a symlink at a temporary name is never followed', { skip: !posix }, async () => {
  const dir = fresh();
  const path = join(dir, 'state.lxts');
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious');
  // The name of older versions and a name the writer is made to pick.
  symlinkSync(victim, join(dir, '.state.lxts.tmp'));
  symlinkSync(victim, join(dir, '.state.lxts.AAAAAA.tmp'));
  await assert.rejects(writeStateFile(path, bytes('snapshot'), () => 'AAAAAA'), { code: 'EEXIST' });
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.equal(await readStateFile(path), null);
  // With random names, saves go on beside the planted links.
  for (let i = 0; i < 20; i++) await writeStateFile(path, bytes(`round ${i}`));
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.deepEqual(await readStateFile(path), bytes('round 19'));
  assert.ok(lstatSync(join(dir, '.state.lxts.AAAAAA.tmp')).isSymbolicLink());
});

test('a save keeps the permission bits of the file it replaces; a new file is 0600', { skip: !posix }, async () => {
  const dir = fresh();
  const path = join(dir, 'state.lxts');
  await writeStateFile(path, bytes('one'));
  assert.equal(mode(path), 0o600);
  for (const kept of [0o600, 0o640, 0o644, 0o400]) {
    chmodSync(path, kept);
    await writeStateFile(path, bytes(`mode ${kept}`));
    assert.equal(mode(path), kept);
  }
});

test('a symlink at the state path is replaced, its target left as it was', { skip: !posix }, async () => {
  const dir = fresh();
  const path = join(dir, 'state.lxts');
  const target = join(dir, 'elsewhere');
  writeFileSync(target, 'old');
  chmodSync(target, 0o644);
  symlinkSync(target, path);
  assert.deepEqual(await readStateFile(path), bytes('old'));
  await writeStateFile(path, bytes('new'));
  assert.equal(readFileSync(target, 'utf8'), 'old');
  assert.ok(lstatSync(path).isFile());
  assert.equal(mode(path), 0o600);
  assert.deepEqual(await readStateFile(path), bytes('new'));
});
