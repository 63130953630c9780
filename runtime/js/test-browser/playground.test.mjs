// The playground in Debian's Chromium (playwright-core, no browser
// download): write _home, save, reload, load, and _home is back; a Lua
// error is shown to the user; a stream job over a generated input shows
// its progress, and Cancel stops it, between batches or inside a batch
// that never ends (the runtime runs in a worker, the page is cross-origin
// isolated).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
let server;
let context;
let page;
let url;
const profile = mkdtempSync(join(tmpdir(), 'luaxt-chromium-'));

before(async () => {
  server = await startServer(0);
  url = `http://127.0.0.1:${server.address().port}/playground/`;
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => console.error('page error:', e));
});

after(async () => {
  await context?.close();
  server?.close();
  rmSync(profile, { recursive: true, force: true });
});

async function open() {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
}

async function run(code, input = '') {
  await page.fill('#code', code);
  await page.fill('#input', input);
  await page.click('#run');
  await page.waitForFunction(() => /^run: /.test(document.getElementById('status').textContent));
}

test('_home survives save, reload and load (IndexedDB)', async () => {
  await open();
  await run('_home.user = { name = "Ada", langs = { "lua", "js" } } _home.count = 41 + _io.input.n print("saved it") _io.output = "ok" return _home.count', '{"n": 1}');
  assert.equal(await page.textContent('#error'), '');
  assert.equal(await page.textContent('#result'), '42');
  assert.equal(await page.textContent('#output'), '"ok"');
  assert.match(await page.textContent('#printed'), /saved it/);
  assert.match(await page.textContent('#home'), /"Ada"/);
  await page.click('#save');
  await page.waitForFunction(() => /^save: /.test(document.getElementById('status').textContent));
  assert.equal(await page.textContent('#status'), 'save: done');

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.doesNotMatch(await page.textContent('#home'), /Ada/);
  await page.click('#load');
  await page.waitForFunction(() => /^load: /.test(document.getElementById('status').textContent));
  assert.equal(await page.textContent('#status'), 'load: done');
  const home = await page.textContent('#home');
  assert.match(home, /"Ada"/);
  assert.match(home, /"count": 42/);
  await run('return _home.count + #_home.user.langs');
  assert.equal(await page.textContent('#result'), '44');
  await page.screenshot({ path: '/tmp/luaxt-playground.png', fullPage: true });
});

test('a Lua error is shown to the user', async () => {
  await open();
  await run('local t = nil\nreturn t.field');
  const error = await page.textContent('#error');
  assert.match(error, /LuaError \(lua\).*attempt to index/);
  assert.ok(await page.isVisible('#error'));
  assert.equal(await page.textContent('#status'), 'run: failed');
  await run('error("custom failure")');
  assert.match(await page.textContent('#error'), /custom failure/);
  await run('return 1');
  assert.equal(await page.textContent('#error'), '');
});

test('examples, Ctrl+Enter, the time and memory of a run, LXT bytes and a shared link', async () => {
  await open();
  await page.selectOption('#example', 'stats');
  assert.match(await page.inputValue('#code'), /mean = sum \/ n/);
  await page.focus('#code');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => /^run: /.test(document.getElementById('status').textContent));
  assert.match(await page.textContent('#status'), /^run: done in [\d.]+ ms, WebAssembly memory [\d.]+ MiB$/);
  assert.deepEqual(JSON.parse(await page.textContent('#output')), { count: 3, mean: 12.916666666666666, max: 17.25 });
  // A table of three records: tag 06 and an array count of 3 first.
  assert.match(await page.textContent('#input-hex'), /^000000  06 03 00 00 00 06/);
  assert.match(await page.textContent('#output-hex'), /^000000  06 00 00 00 00 03 00 00 00/);
  // Editing leaves the example list; a shared link brings code and input back.
  await page.fill('#code', '_io.output = _io.input.x * 2');
  assert.equal(await page.inputValue('#example'), '');
  await page.fill('#input', '{"x": 21}');
  await page.click('#share');
  const link = page.url();
  assert.match(link, /#job=[A-Za-z0-9_-]+$/);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  await page.goto(link);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.equal(await page.inputValue('#code'), '_io.output = _io.input.x * 2');
  assert.equal(await page.inputValue('#input'), '{"x": 21}');
  await page.click('#run');
  await page.waitForFunction(() => /^run: /.test(document.getElementById('status').textContent));
  assert.equal(await page.textContent('#output'), '42');
});

test('the inspector shows luaxt inspect\'s dump, from hex, JSON or a playground link', async () => {
  const inspector = url.replace(/playground\/$/, 'playground/inspector.html');
  await page.goto(`${inspector}#hex=020700000000000000`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.match(await page.textContent('#dump'), /^  offset tag\n +0 02  integer 7\nok: 9 bytes, canonical\n$/);
  assert.equal(await page.textContent('#verdict'), 'valid, canonical');
  assert.equal(await page.textContent('#value'), '7');
  assert.equal(await page.textContent('#plain'), '7');
  assert.equal(await page.textContent('#typed-json'), '{\n  "int": "7"\n}');
  assert.match(await page.textContent('#canonical'), /^02 07 00 00 00 00 00 00 00\n\(the same bytes/);
  const shown = () => page.$eval('body', (b) => Number(b.dataset.shown));
  const fill = async (selector, text) => {
    const before = await shown();
    await page.fill(selector, text);
    await page.waitForFunction((n) => Number(document.body.dataset.shown) > n, before);
  };
  // Noncanonical bytes (the float key 1.0 for the integer 1): marked in
  // place, and the canonical form (written by Rust) differs.
  await fill('#hex', '06 00000000 01000000 03 000000000000f03f 0101');
  assert.match(await page.textContent('#dump'), /valid but noncanonical/);
  assert.match(await page.textContent('#verdict'), /first noncanonical item is at offset 9/);
  assert.equal(await page.$eval('#bytes mark.noncanonical', (m) => m.dataset.offset), '9');
  assert.match(await page.textContent('#canonical'), /^06 01 00 00 00 01 01 00 00 00 00\n\(differs from the input\)$/);
  // An error: its class and offset, the byte marked where it is.
  await fill('#hex', '04 09000000 61');
  assert.match(await page.textContent('#verdict'), /^error: length_overflow at offset 1/);
  assert.equal(await page.$eval('#bytes mark.error', (m) => [m.dataset.offset, m.textContent].join()), '1,09');
  assert.match(await page.textContent('#canonical'), /do not decode/);
  await fill('#hex', '09');
  assert.match(await page.textContent('#dump'), /error: unknown_tag at offset 0/);
  // Bytes: no plain JSON (and why), the typed view carries them.
  await fill('#hex', '05 01000000 ff');
  assert.match(await page.textContent('#plain'), /not plain JSON: at \$: bytes/);
  assert.match(await page.textContent('#typed-json'), /"bytes": "ff"/);
  // JSON in, converted by the CLI's Rust code; typed notation too; a bad one says why.
  await fill('#json', '{"name": "Ada"}');
  assert.match(await page.inputValue('#hex'), /^06 00 00 00 00 01 00 00 00 04 04/);
  assert.match(await page.textContent('#dump'), /string "Ada"/);
  await fill('#json', '{"name": "Ada", "name": "Bob"}');
  assert.match(await page.textContent('#json-status'), /^invalid_json: .*duplicate key "name"/);
  await page.check('#typed');
  await fill('#json', '{"float": "0x3ff8000000000000"}');
  assert.match(await page.inputValue('#hex'), /^03 00 00 00 00 00 00 f8 3f$/);
  assert.equal(await page.textContent('#value'), '1.5');
  // The playground links a run's output bytes here.
  await open();
  await run('_io.output = { n = 7 }');
  const href = await page.getAttribute('#output-inspect', 'href');
  assert.match(href, /^\.\/inspector\.html#hex=06/);
  await page.click('#bytes summary');
  await page.click('#output-inspect');
  await page.waitForURL(/inspector\.html#hex=/);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  assert.match(await page.textContent('#dump'), /key string "n"[\s\S]*integer 7/);
});

/** Starts the stream job with `records` and `batch`, and the job code if given. */
async function startJob(records, batch, code) {
  if (code !== undefined) await page.fill('#job-code', code);
  await page.fill('#job-records', String(records));
  await page.fill('#job-batch', String(batch));
  await page.selectOption('#job-mode', 'view');
  await page.click('#job-run');
}

const jobEnded = () => page.waitForFunction(() => /^job: /.test(document.getElementById('status').textContent), null, { timeout: 120000 });

test('a stream job over a generated input runs to its end, with progress', async () => {
  await open();
  await startJob(200000, 10000);
  await jobEnded();
  assert.equal(await page.textContent('#status'), 'job: done');
  assert.match(await page.textContent('#job-status'), /^done: 200000 records in /);
  assert.equal(await page.$eval('#job-progress', (p) => p.value), 200000);
  // sum of (i % 1000) / 4 over 200 000 records
  assert.deepEqual(JSON.parse(await page.textContent('#job-output')), { records: 200000, sum: 200 * 124875 });
  assert.match(await page.textContent('#job-memory'), /WebAssembly memory: [\d.]+ MiB/);
  await page.screenshot({ path: '/tmp/luaxt-playground-job.png', fullPage: true });
});

test('Cancel stops a job over a million records, and the runtime goes on', async () => {
  await open();
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
  assert.match(await page.textContent('#job-note'), /stops a batch while it runs/);
  await startJob(1000000, 10000);
  assert.equal(await page.isEnabled('#cancel'), true);
  assert.equal(await page.isEnabled('#job-run'), false);
  // Progress is shown while it runs.
  await page.waitForFunction(() => document.getElementById('job-progress').value >= 30000, null, { timeout: 120000 });
  assert.match(await page.textContent('#job-status'), /^\d+ \/ 1000000 records, batch \d+ of 100$/);
  await page.click('#cancel');
  await jobEnded();
  assert.equal(await page.textContent('#status'), 'job: cancelled');
  const [, processed] = (await page.textContent('#job-status')).match(/^cancelled .* after (\d+) records$/);
  assert.ok(Number(processed) >= 30000 && Number(processed) < 1000000, processed);
  assert.equal(await page.textContent('#error'), '');
  assert.equal(await page.isEnabled('#cancel'), false);
  await run('return 1 + 1');
  assert.equal(await page.textContent('#result'), '2');
});

test('Cancel stops a batch that never ends, inside the running Lua call', async () => {
  await open();
  await startJob(100000, 1000, 'if _io.input.batchIndex == 1 then while true do end end _io.output = _io.input.batchIndex');
  // All of the second batch is pulled: it is in the worker (or on its way
  // there) before the click is handled, and it never ends by itself.
  await page.waitForFunction(() => document.getElementById('job-progress').dataset.pulled === '2000', null, { timeout: 120000 });
  await page.click('#cancel');
  await jobEnded();
  assert.equal(await page.textContent('#status'), 'job: cancelled');
  assert.equal(await page.textContent('#job-status'), 'cancelled inside a running batch after 1000 records');
  assert.equal(await page.textContent('#job-output'), '0');
  await run('return 6 * 7');
  assert.equal(await page.textContent('#result'), '42');
});
