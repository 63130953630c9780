// The worker side of the worker runtime (worker.js): one runtime of
// index.js, answering the messages of the page or thread that created it.
// Values cross as LXT bytes (transferred), so every value, references
// included, arrives exactly as the runtime encoded it.
import { createRuntime } from './index.js';
import { INTERNAL } from './internal.js';

const isNode = typeof process !== 'undefined' && !!process.versions && !!process.versions.node;
const port = isNode ? (await import('node:worker_threads')).parentPort : globalThis;
const v8 = isNode ? await import('node:v8') : null;

let runtime = null;
let raw = null;

function errorRecord(e) {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const record = { name: e.name, message: e.message };
  for (const field of ['kind', 'luaMessage', 'traceback', 'limitKind', 'formatKind']) {
    if (typeof e[field] === 'string') record[field] = e[field];
  }
  return record;
}

/** The bytes and the transfer list of a reply (a copy we own, transferred). */
function own(bytes) {
  return bytes === null || bytes === undefined ? null : bytes.slice();
}

const ops = {
  async init(options, flag) {
    runtime = await createRuntime(options);
    raw = runtime[INTERNAL];
    if (flag) runtime.setCancel(flag);
    return true;
  },
  compute(code) {
    return own(raw.computeBytes(code));
  },
  computeWithIo(code, input, mode, meta) {
    runtime.clearIo();
    if (input !== null) raw.setInputBytes(input, mode);
    if (meta !== null) raw.setMetaBytes(meta);
    const returnValue = own(raw.computeBytes(code));
    return { returnValue, output: own(raw.outputBytes()), metadata: own(raw.metaBytes()) };
  },
  batch(code, input, mode, meta) {
    runtime.clearIo();
    try {
      raw.setInputBytes(input, mode);
      if (meta !== null) raw.setMetaBytes(meta);
      raw.computeBytes(code);
      return own(raw.outputBytes());
    } finally {
      if (!runtime.trapped) runtime.clearIo();
    }
  },
  saveState() {
    return runtime.saveState();
  },
  async loadState(bytes) {
    const loaded = await runtime.loadState(bytes ?? undefined);
    return loaded ? raw.lastSaved() : null;
  },
  recreate() {
    return runtime.recreate();
  },
  usedMemory() {
    return runtime.usedMemory();
  },
  memory() {
    return {
      wasm: runtime.wasmMemory.buffer.byteLength,
      lua: runtime.trapped ? null : runtime.usedMemory(),
      jsHeap: v8 ? v8.getHeapStatistics().used_heap_size : (globalThis.performance?.memory?.usedJSHeapSize ?? null),
    };
  },
  close() {
    runtime?.close();
    return true;
  },
};

function transferables(value) {
  if (value instanceof Uint8Array) return [value.buffer];
  if (value && typeof value === 'object') {
    return Object.values(value).filter((v) => v instanceof Uint8Array).map((v) => v.buffer);
  }
  return [];
}

async function handle(message) {
  const { id, op, args } = message;
  let reply;
  try {
    const value = await ops[op](...args);
    reply = { id, ok: true, value };
  } catch (e) {
    reply = { id, ok: false, error: errorRecord(e) };
  }
  if (runtime && op !== 'init') reply.printed = runtime.printed();
  reply.trapped = runtime?.trapped ?? false;
  port.postMessage(reply, reply.ok ? transferables(reply.value) : []);
}

if (isNode) port.on('message', handle);
else port.addEventListener('message', (event) => handle(event.data));
