// The playground: runs Lua in the luaxt runtime, shows the return value,
// _io.output, what print wrote and _home; saves and loads _home in
// IndexedDB. No build step: the package is imported as ES modules.
import { createRuntime, TableRef } from '../src/index.js';

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

let runtime;

function refreshHome() {
  try {
    $('home').textContent = show(runtime.compute(HOME_LUA));
  } catch (e) {
    showError(e);
  }
}

async function guarded(label, fn) {
  $('error').textContent = '';
  $('status').textContent = `${label}…`;
  try {
    if (runtime.trapped) await runtime.recreate();
    await fn();
    $('status').textContent = `${label}: done`;
  } catch (e) {
    showError(e);
    $('status').textContent = `${label}: failed`;
  }
  refreshHome();
}

async function main() {
  try {
    runtime = await createRuntime({ dbName: 'luaxt-playground', storeName: 'state' });
  } catch (e) {
    showError(e);
    $('status').textContent = 'failed to load the runtime';
    return;
  }
  $('run').addEventListener('click', () =>
    guarded('run', () => {
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
      const r = runtime.computeWithIo($('code').value, input);
      $('result').textContent = show(r.returnValue);
      $('output').textContent = show(r.output);
      $('printed').textContent = runtime.printed();
    }),
  );
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
  refreshHome();
  $('status').textContent = 'ready';
  document.body.dataset.ready = 'true';
}

main();
