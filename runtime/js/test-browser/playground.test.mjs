// The playground in Debian's Chromium (playwright-core, no browser
// download): write _home, save, reload, load, and _home is back; a Lua
// error is shown to the user.
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
