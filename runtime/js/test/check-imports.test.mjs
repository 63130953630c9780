// The imports check fails for a module importing anything but
// wasm-bindgen's glue (an unresolved C symbol becomes such an import).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/check-imports.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'luaxt-imports-'));

/** A module with one type `() -> ()` and one function import `module.name`. */
function moduleImporting(module, name) {
  const str = (s) => [s.length, ...Buffer.from(s)];
  const importEntry = [1, ...str(module), ...str(name), 0x00, 0x00];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
    0x02, importEntry.length, ...importEntry,
  ]);
}

function check(file) {
  return spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
}

test('a module importing env.foo fails the check', () => {
  const file = join(dir, 'bad_bg.wasm');
  writeFileSync(file, moduleImporting('env', 'foo'));
  assert.ok(WebAssembly.validate(moduleImporting('env', 'foo')));
  const r = check(file);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unexpected import env\.foo/);
});

test('a module importing only from its glue passes', () => {
  const file = join(dir, 'good_bg.wasm');
  writeFileSync(file, moduleImporting('./good_bg.js', '__wbg_x'));
  const r = check(file);
  assert.equal(r.status, 0, r.stderr);
});

const built = fileURLToPath(new URL('../dist/luaxt_bg.wasm', import.meta.url));
test('the built module passes', { skip: !existsSync(built) && 'dist/ not built' }, () => {
  assert.equal(check(built).status, 0);
});
