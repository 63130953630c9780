// The packed npm packages in Debian's Chromium, as a page without a
// bundler uses them: an import map names the two packages, the page
// encodes and decodes with luaxt-format and runs Lua with luaxt (its
// WebAssembly fetched from the installed package). Run by
// scripts/test-packages in the scratch project: node browser.mjs ROOT.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.argv[2];
const { chromium } = await import(pathToFileURL(join(root, 'node_modules/playwright-core/index.mjs')).href);
const here = process.cwd();
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

const PAGE = `<!doctype html>
<script type="importmap">
{ "imports": {
  "luaxt-format": "/node_modules/luaxt-format/src/index.js",
  "luaxt": "/node_modules/luaxt/src/index.js"
} }
</script>
<script type="module">
import { serializeObject, deserializeObject } from 'luaxt-format';
import { createRuntime } from 'luaxt';
try {
  const back = deserializeObject(serializeObject({ n: [1, 2, 3] }));
  if (back.n.length !== 3) throw new Error('codec round trip');
  const lua = await createRuntime();
  const { output } = lua.computeWithIo('_io.output = { sum = _io.input[1] + _io.input[2] }', [40, 2]);
  if (output.sum !== 42) throw new Error('runtime: ' + JSON.stringify(output));
  document.title = 'ok';
} catch (e) {
  document.title = 'failed: ' + e.message;
}
</script>`;

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path === '/') return res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
  const file = normalize(join(here, decodeURIComponent(path)));
  if (!file.startsWith(here)) return res.writeHead(403).end();
  let body;
  try {
    body = await readFile(file);
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => document.title !== '', null, { timeout: 30000 });
  const title = await page.title();
  if (title !== 'ok') throw new Error(`the packed packages in Chromium: ${title}`);
  console.log('the packed packages in Chromium: ok');
} finally {
  await browser.close();
  server.close();
}
