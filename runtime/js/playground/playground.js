// The playground: runs Lua in the luaxt runtime, shows the return value,
// _io.output, what print wrote and _home; saves and loads _home in
// IndexedDB; runs a stream job over a large generated input with progress
// and a Cancel button. The runtime lives in a worker (luaxt/worker), so the
// page stays responsive while Lua runs, and Cancel stops even a batch that
// never ends (the page is cross-origin isolated: scripts/serve.mjs).
// Examples to start from (examples.js), Ctrl/Cmd+Enter to run, the time and
// WebAssembly memory of each run, the LXT bytes of input and output, and a
// link that holds the code and input. No build step: the package is
// imported as ES modules.
import { TableRef, serializeObject } from '../src/index.js';
import { createWorkerRuntime } from '../src/worker.js';
import { toHex } from './hex.js';
import { EXAMPLES } from './examples.js';

const $ = (id) => document.getElementById(id);

// Walks _home (and the external tables it references) into plain tables.
const HOME_LUA = `
local seen = {}
local function walk(t, depth)
  if depth > 8 then return "…" end
  local out = {}
  for k, v in pairs(t) do
    if type(v) == "table" and getmetatable(v) ~= nil and not seen[v] then
      seen[v] = true
      v = walk(v, depth + 1)
    end
    out[k] = v
  end
  return out
end
return walk(_home, 0)
`;

/** JSON with BigInt, Map, bytes and references shown readably. */
function show(value) {
  return JSON.stringify(
    value,
    (_, v) => {
      if (typeof v === 'bigint') return `${v}n`;
      if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [typeof k === 'string' ? k : `[${String(k)}]`, x]));
      if (v instanceof Uint8Array) return `<${v.length} bytes>`;
      if (v instanceof TableRef) return `<ext.table ${v.id}>`;
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      return v;
    },
    2,
  );
}

function showError(e) {
  const lines = [`${e.name ?? 'Error'}${e.kind ? ` (${e.kind})` : ''}: ${e.luaMessage ?? e.message}`];
  if (e.traceback) lines.push(e.traceback);
  $('error').textContent = lines.join('\n');
}

/** Bytes as hex, 16 to a line, each line led by its offset. */
function hexDump(bytes) {
  const lines = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = toHex(bytes.subarray(at, at + 16));
    lines.push(`${at.toString(16).padStart(6, '0')}  ${row}`);
  }
  return lines.join('\n') || '(none)';
}

/** The LXT encoding of a value as a hex dump, or why there is none; the
 * link `linkId` opens the bytes in the inspector. */
function lxtDump(value, linkId) {
  const link = $(linkId);
  link.href = './inspector.html';
  if (value === undefined) return '(none)';
  try {
    const bytes = serializeObject(value);
    link.href = `./inspector.html#hex=${toHex(bytes, '')}`;
    return hexDump(bytes);
  } catch (e) {
    return `cannot encode: ${e.message}`;
  }
}

// A shareable link: the code and input in the URL's fragment, as
// base64url of their JSON (the fragment never reaches a server).
function shareLink() {
  const json = JSON.stringify({ code: $('code').value, input: $('input').value });
  const bytes = new TextEncoder().encode(json);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const encoded = btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  return `${location.origin}${location.pathname}#job=${encoded}`;
}

/** The code and input of a shared link, or null. */
function sharedJob() {
  const match = /^#job=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (!match) return null;
  try {
    const binary = atob(match[1].replaceAll('-', '+').replaceAll('_', '/'));
    const job = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof job.code === 'string' && typeof job.input === 'string' ? job : null;
  } catch {
    return null;
  }
}

let runtime;
/** The AbortController of what runs now (Cancel aborts it), or null. */
let running = null;

async function refreshHome() {
  try {
    $('home').textContent = show(await runtime.compute(HOME_LUA));
  } catch (e) {
    showError(e);
  }
}

const BUTTONS = ['run', 'save', 'load', 'job-run'];

function setRunning(controller) {
  running = controller;
  for (const id of BUTTONS) $(id).disabled = controller !== null;
  $('cancel').disabled = controller === null;
}

const wasCancelled = (e, signal) => signal.aborted && (e?.kind === 'cancelled' || e?.name === 'AbortError');

async function guarded(label, fn) {
  $('error').textContent = '';
  $('status').textContent = `${label}…`;
  const controller = new AbortController();
  setRunning(controller);
  try {
    if (runtime.trapped) await runtime.recreate();
    const detail = await fn(controller.signal);
    $('status').textContent = detail ? `${label}: done in ${detail}` : `${label}: done`;
  } catch (e) {
    if (wasCancelled(e, controller.signal)) {
      $('status').textContent = `${label}: cancelled`;
    } else {
      showError(e);
      $('status').textContent = `${label}: failed`;
    }
  } finally {
    setRunning(null);
  }
  await refreshHome();
}

/**
 * The generated input of the stream job: records made as they are pulled.
 * Each time a batch's records are all pulled, `data-pulled` on the progress
 * bar says how many (the batch goes to the worker right after, before any
 * click is handled).
 */
async function* generated(n, batchSize) {
  const progress = $('job-progress');
  for (let i = 0; i < n; i++) {
    if ((i + 1) % batchSize === 0 || i + 1 === n) progress.dataset.pulled = String(i + 1);
    yield { id: i, name: `record ${i}`, value: (i % 1000) / 4, tags: [`t${i % 7}`, `u${i % 3}`] };
  }
}

/** Lets the page paint between batches (a stream's batches follow each other in microtasks). */
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

async function runJob(signal) {
  const total = Math.max(0, Math.floor(Number($('job-records').value)));
  const batchSize = Math.max(1, Math.floor(Number($('job-batch').value)));
  const progress = $('job-progress');
  progress.max = Math.max(1, total);
  progress.value = 0;
  progress.dataset.pulled = '0';
  $('job-output').textContent = '';
  let processed = 0;
  const started = performance.now();
  const status = (text) => ($('job-status').textContent = text);
  status(`0 / ${total} records`);
  try {
    for await (const output of runtime.stream($('job-code').value, generated(total, batchSize), {
      batchSize,
      total,
      inputMode: $('job-mode').value,
      signal,
      onProgress: async (p) => {
        processed = p.processed;
        progress.value = processed;
        status(`${processed} / ${total} records, batch ${p.batchIndex + 1} of ${p.totalBatches}`);
        await nextFrame();
      },
    })) {
      $('job-output').textContent = show(output);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    status(`done: ${processed} records in ${seconds} s`);
  } catch (e) {
    if (wasCancelled(e, signal)) {
      const where = e.kind === 'cancelled' ? 'inside a running batch' : 'between batches';
      status(`cancelled ${where} after ${processed} records`);
    }
    throw e;
  } finally {
    const memory = await runtime.memoryUsage().catch(() => null);
    if (memory) $('job-memory').textContent = `WebAssembly memory: ${(memory.wasm / 2 ** 20).toFixed(1)} MiB`;
  }
}

async function main() {
  try {
    runtime = await createWorkerRuntime({ dbName: 'luaxt-playground', storeName: 'state' });
  } catch (e) {
    showError(e);
    $('status').textContent = 'failed to load the runtime';
    return;
  }
  $('run').addEventListener('click', () =>
    guarded('run', async (signal) => {
      const text = $('input').value.trim();
      let input;
      try {
        input = text === '' ? undefined : JSON.parse(text);
      } catch (e) {
        throw new Error(`input is not valid JSON: ${e.message}`);
      }
      $('result').textContent = '';
      $('output').textContent = '';
      $('printed').textContent = '';
      $('input-hex').textContent = lxtDump(input, 'input-inspect');
      $('output-hex').textContent = '';
      const started = performance.now();
      const r = await runtime.computeWithIo($('code').value, input, { signal });
      const ms = performance.now() - started;
      $('result').textContent = show(r.returnValue);
      $('output').textContent = show(r.output);
      $('output-hex').textContent = lxtDump(r.output ?? undefined, 'output-inspect');
      $('printed').textContent = runtime.printed();
      const memory = await runtime.memoryUsage().catch(() => null);
      const wasm = memory ? `, WebAssembly memory ${(memory.wasm / 2 ** 20).toFixed(1)} MiB` : '';
      return `${ms.toFixed(1)} ms${wasm}`;
    }),
  );
  const run = () => {
    if (!$('run').disabled) $('run').click();
  };
  for (const id of ['code', 'input']) {
    $(id).addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        run();
      }
    });
  }
  $('example').addEventListener('change', () => {
    const example = EXAMPLES[$('example').value];
    if (!example) return;
    $('code').value = example.code;
    $('input').value = example.input;
  });
  for (const id of ['code', 'input']) $(id).addEventListener('input', () => ($('example').value = ''));
  $('share').addEventListener('click', async () => {
    const link = shareLink();
    history.replaceState(null, '', link);
    const copied = await navigator.clipboard?.writeText(link).then(() => true, () => false);
    $('share-note').textContent = copied ? 'link copied' : 'link in the address bar';
  });
  $('save').addEventListener('click', () =>
    guarded('save', async () => {
      const bytes = await runtime.saveState();
      $('status').textContent = `saved ${bytes.length} bytes`;
    }),
  );
  $('load').addEventListener('click', () =>
    guarded('load', async () => {
      if (!(await runtime.loadState())) throw new Error('no saved state');
    }),
  );
  $('job-run').addEventListener('click', () => guarded('job', runJob));
  $('cancel').addEventListener('click', () => running?.abort());
  $('job-note').textContent = runtime.canCancelInCall
    ? 'Cancel stops a batch while it runs (this page is cross-origin isolated).'
    : 'This page is not cross-origin isolated: Cancel stops the job between batches only.';
  const shared = sharedJob();
  if (shared) {
    $('code').value = shared.code;
    $('input').value = shared.input;
  }
  await refreshHome();
  $('status').textContent = 'ready';
  document.body.dataset.ready = 'true';
}

main();
