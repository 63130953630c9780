// The vectors catch the old bugs: run.mjs, pointed at the reference codec
// with one deliberate old bug, must report failures (and exit non-zero).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const CODEC = here('../../format/js/src/index.js');

// Each bug, and vectors that must be among the failures.
const BUGS = {
  'integral-float-as-integer': ['js.encode.number-2p53', 'values.float.2p53'],
  'minus-zero-lost': ['js.decode.float-minus-zero', 'js.encode.number-minus-zero', 'values.float.minus-zero'],
  'bigint-through-number': ['js.decode.int-2p53', 'values.int.i64-max', 'values.int.2p53-plus-one'],
  'array-object-confusion': ['js.decode.array', 'js.decode.table-empty', 'values.table.10-20'],
  'keys-as-strings': ['keys.compat.int-and-string-1', 'js.decode.map-zero-key', 'js.encode.map-int-key'],
  'strict-ignored': ['canonical.order.strings-swapped', 'keyorder.after-strings.str-ref-str.asc', 'keyorder.bare.ref-str'],
};

for (const [bug, mustFail] of Object.entries(BUGS)) {
  test(`the runner catches the old bug: ${bug}`, { skip: !existsSync(CODEC) && 'no reference codec' }, () => {
    const run = spawnSync(process.execPath, [here('run.mjs'), here(`old-bugs/${bug}.mjs`)], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    assert.equal(run.status, 1, `exit status (stderr: ${run.stderr})`);
    const last = run.stdout.trimEnd().split('\n').at(-1);
    const m = /^(\d+) passed, (\d+) failed$/.exec(last);
    assert.ok(m, `last line: ${last}`);
    assert.ok(Number(m[2]) > 0, last);
    for (const id of mustFail) {
      assert.match(run.stdout, new RegExp(`^FAIL ${id.replaceAll('.', '\\.')} `, 'm'), `${id} should fail`);
    }
  });
}

test('the runner passes the unmodified reference codec (with its known-failures list)', { skip: !existsSync(CODEC) && 'no reference codec' }, () => {
  const known = here('../known-failures/js-reference.txt');
  const run = spawnSync(process.execPath, [here('run.mjs'), CODEC, '--known', known], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, run.stdout.slice(-4000));
  assert.match(run.stdout, /^\d+ passed, \d+ failed$/m);
});

test('a module without the exports is a usage error', () => {
  const run = spawnSync(process.execPath, [here('run.mjs'), here('lib.mjs')], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /does not export serializeObject/);
});
