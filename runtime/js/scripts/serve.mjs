// A tiny static server for the playground: serves runtime/js/ on
// 127.0.0.1 (PORT, default 8787; 0 picks a free port) with the MIME types
// browsers need (application/wasm for streaming compilation), cross-origin
// isolated (COOP and COEP headers, for SharedArrayBuffer).
//
// The runtime imports the codec by its package name, 'luaxt-format', which
// a browser cannot resolve by itself (and module workers take no import
// map). Like a bundler's dev server, this one serves the codec package
// (format/js/src) under /luaxt-format/ and rewrites that bare specifier
// in the JavaScript it serves.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const codecRoot = fileURLToPath(new URL('../../../format/js/src/', import.meta.url));
const CODEC_PREFIX = '/luaxt-format/';
const BARE_CODEC = /(from\s*|import\s*\(\s*)(['"])luaxt-format\2/g;
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function startServer(port = Number(process.env.PORT ?? 8787)) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const codec = url.pathname.startsWith(CODEC_PREFIX);
      const base = codec ? codecRoot : root;
      const rest = codec ? url.pathname.slice(CODEC_PREFIX.length) : url.pathname;
      let path = normalize(join(base, decodeURIComponent(rest)));
      if (!path.startsWith(base) || path.split(sep).includes('node_modules')) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if ((await stat(path).catch(() => null))?.isDirectory()) path = join(path, 'index.html');
      let body = await readFile(path);
      if (extname(path) === '.js' || extname(path) === '.mjs') {
        body = body.toString('utf8').replace(BARE_CODEC, `$1$2${CODEC_PREFIX}index.js$2`);
      }
      res.writeHead(200, {
        'Content-Type': types[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
        // Cross-origin isolation: the page may share memory with its
        // workers (SharedArrayBuffer), which the worker runtime's in-call
        // cancellation needs. Everything is served from this origin.
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startServer();
  console.log(`luaxt playground: http://127.0.0.1:${server.address().port}/playground/`);
}
