// The limits of issue 15 in the WebAssembly runtime: the same cases as the
// Rust tests (runtime/tests/sandbox.rs, store_limit.rs), each in a worker
// thread that is terminated if it runs for 60 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { createRuntime, LuaError, MapStore } from '../src/index.js';

const BACKSTOP_MS = 60_000;

/** Runs `setup` then `work` in a fresh runtime with `options` in a worker. */
function runLimited(options, setup, work) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../test-support/limits-worker.mjs', import.meta.url), {
      workerData: { options, setup, work },
    });
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error(`still running after ${BACKSTOP_MS} ms: ${work}`));
    }, BACKSTOP_MS);
    worker.once('message', (result) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const budgetOnly = { memoryLimit: 512 << 20, instructionLimit: 20_000_000 };
const deadlineOnly = { memoryLimit: 512 << 20, instructionLimit: -1, timeLimitMs: 500 };

// Work inside C library functions, where the count hook never runs.
const C_LOOPS = [
  ['backtracking find', '', 'return string.rep("a", 200):find(string.rep("a*", 30) .. "b")'],
  ['backtracking gsub', '', 'return string.rep("a", 200):gsub(string.rep("a*", 30) .. "b", "")'],
  ['table.move over 2^40 indices', '', 'table.move({1}, 1, 2^40, 2)'],
  ['table.insert behind a huge __len', '', 'table.insert(setmetatable({}, {__len = function() return 2^40 end}), 1, 0)'],
  ['balanced match from every position', 's = string.rep("(", 200000)', 'return s:find("%b()")'],
  ['plain find of a near miss', 's, p = string.rep("a", 1 << 22), string.rep("a", 1 << 16) .. "b"', 'return s:find(p, 1, true)'],
  [
    'table.sort of 4 million numbers',
    't = table.pack(string.byte(string.rep("\\1\\9\\5\\7", 200000), 1, -1)) for k = 1, 4 do table.move(t, 1, 800000, k * 800000 + 1) end',
    'table.sort(t)',
  ],
  ['string.format %q of 64 MiB of control characters', 's = string.rep("\\1", 64 << 20)', 'return #string.format("%q", s)'],
];

for (const [what, setup, work] of C_LOOPS) {
  test(`${what}: stops at the instruction budget and at the deadline`, async () => {
    const budget = await runLimited(budgetOnly, setup, work);
    assert.deepEqual([budget.ok, budget.kind, budget.limitKind], [false, 'limit', 'instructions'], budget.message);
    const deadline = await runLimited(deadlineOnly, setup, work);
    assert.deepEqual([deadline.ok, deadline.kind, deadline.limitKind], [false, 'limit', 'deadline'], deadline.message);
  });
}

const ESCAPES = [
  ['an endless message handler', 'xpcall(function() error("x") end, function() while true do end end)'],
  ['an endless __close while unwinding', 'local g <close> = setmetatable({}, {__close = function() while true do end end}) while true do end'],
  ['pcall in a loop', 'while true do pcall(function() while true do end end) end'],
  ['load with an endless reader', 'while true do load(function() while true do end end) end'],
  [
    'coroutine.close of an endless __close',
    `while true do
       local co = coroutine.create(function()
         local g <close> = setmetatable({}, {__close = function() while true do end end})
         coroutine.yield()
       end)
       coroutine.resume(co) coroutine.close(co)
     end`,
  ],
];

for (const [what, code] of ESCAPES) {
  test(`${what}: ends at the limit`, async () => {
    for (const options of [budgetOnly, deadlineOnly]) {
      const result = await runLimited(options, '', code);
      assert.deepEqual([result.ok, result.kind], [false, 'limit'], result.message);
    }
  });
}

// What a script makes the host do (the store here is JavaScript's): a value
// built for the store within the memory limit's room, store copies and the
// C work an attack pass found uncharged (session 9), in the same runtime.
test('a table reachable twice forty levels down stops at the memory limit', async () => {
  const code = 'local t = {1} for i = 1, 40 do t = {t, t} end _home.x = t';
  const result = await runLimited({ memoryLimit: 32 << 20 }, '', code);
  assert.deepEqual([result.ok, result.kind], [false, 'memory'], result.message);
  assert.match(result.message, /not enough memory/);
});

const HOST_WORK = [
  ['a string written to the store', 's = string.rep("x", 1 << 20)', 'while true do _home.s = s end'],
  ['a string read from the store', '_home.s = string.rep("x", 1 << 20)', 'while true do local s = _home.s end'],
  ['a table converted for the store', 't = {} for i = 1, 20000 do t[i] = i end', 'while true do _home.t = t end'],
  ['long strings made', '', 'while true do local s = string.rep("x", 1 << 22) end'],
  ['utf8.len', 's = string.rep("x", 1 << 22)', 'while true do local n = utf8.len(s) end'],
  ['parsing', 'src = "return " .. string.rep("1 + ", 200000) .. "1"', 'while true do load(src) end'],
];

for (const [what, setup, work] of HOST_WORK) {
  test(`${what}: stops at the instruction budget`, async () => {
    const result = await runLimited({ memoryLimit: 256 << 20, instructionLimit: 1_000_000, timeLimitMs: 20_000 }, setup, work);
    assert.deepEqual([result.ok, result.kind, result.limitKind], [false, 'limit', 'instructions'], result.message);
  });
}

// Store calls a script can repeat that once walked the table in the JS store
// (a border walk after refilling t[1], next over a run of deleted array keys,
// next after a key no traversal returned: 13, 8 and 89 s here): each is
// O(log n) now, and the script finishes well within its time limit.
test('store calls that walked a table: a script repeating them finishes within the time limit', async () => {
  const work = `
    local n = 100000
    local h = ext.table()
    for i = 1, n do h["k" .. i] = i end
    local last, found = "k" .. (n - 1), 0
    for r = 1, n do
      local k, v = next(h, last)
      if k == "k" .. n and v == n then found = found + 1 end
    end
    local a = ext.table()
    for i = 1, n do a[i] = i end
    for r = 1, n do a[1] = nil a[1] = 1 end
    local b = ext.table()
    for i = 1, n do b[i] = i end
    for i = 1, n - 1 do b[i] = nil end
    local skipped = 0
    for r = 1, n do if next(b) == n then skipped = skipped + 1 end end
    return {found, #a, skipped}`;
  const result = await runLimited({ memoryLimit: 256 << 20, timeLimitMs: 20_000 }, '', work);
  assert.deepEqual([result.ok, result.value], [true, [100000, 100000, 100000]], result.message);
});

// Lua's string hash seed in WebAssembly was the host's current second and
// addresses that are the same in every run: every runtime walked a table's
// string keys in the same order, so a script could choose keys that
// collide. The seed now takes the process secret (lstate.c).
test('string keys hash with a seed a script cannot predict', async () => {
  const code = `local t = {} for i = 1, 32 do t["key" .. i] = i end
    local order = {} for k in pairs(t) do order[#order + 1] = k end
    return table.concat(order, ",")`;
  const a = await createRuntime();
  const b = await createRuntime();
  assert.notEqual(a.compute(code), b.compute(code));
  a.close();
  b.close();
});

test('finalizers are refused', async () => {
  const rt = await createRuntime();
  assert.match(rt.compute('return select(2, pcall(setmetatable, {}, {__gc = function() end}))'), /__gc metamethods are not allowed/);
  rt.close();
});

test('the store limit bounds what a script writes and keeps what was stored', async () => {
  const result = await runLimited(
    { memoryLimit: 64 << 20, storeLimit: 64 << 20 },
    '',
    'for i = 1, 3000 do _home[i] = string.rep("x", 2^20) end',
  );
  assert.deepEqual([result.ok, result.kind, result.limitKind], [false, 'limit', 'store'], result.message);

  const rt = await createRuntime({ storeLimit: 1 << 20 });
  const [ok, err, small] = rt.compute(`
    _home.small = "kept"
    local ok, err = pcall(function() _home.big = string.rep("x", 2^21) end)
    return {ok, tostring(err), _home.small}`);
  assert.equal(ok, false);
  assert.match(err, /store limit of 1048576 bytes reached/);
  assert.equal(small, 'kept');
  for (const code of ['for i = 1, 1e6 do ext.table() end', 'for i = 1, 1e6 do _io[i] = string.rep("x", 1024) end']) {
    assert.throws(() => rt.compute(code), (e) => e instanceof LuaError && e.limitKind === 'store');
    assert.ok(rt.store.size <= 1 << 20, `${code}: ${rt.store.size}`);
  }
  rt.compute('for k in pairs(_io) do _io[k] = nil end');
  // The host's own writes are refused past the limit too, changing nothing.
  rt.setInput(1);
  assert.throws(() => rt.setInput('x'.repeat(2 << 20)), /store limit/);
  assert.equal(rt.compute('return _io.input'), 1);
  rt.close();
});

test('a store without setQuota runs only without a store limit', async () => {
  const legacy = () => {
    const store = new MapStore();
    store.setQuota = undefined;
    return store;
  };
  await assert.rejects(createRuntime({ store: legacy }), /cannot enforce a store limit/);
  const rt = await createRuntime({ store: legacy, storeLimit: null });
  assert.equal(rt.compute('_home.x = 1 return _home.x'), 1);
  rt.close();
});
