// Runs one limit case for test/runtime.limits.test.mjs in its own thread, so the
// test can terminate it if a limit fails to hold (a backstop far above the
// limits under test, never a timed pass).
import { parentPort, workerData } from 'node:worker_threads';
import { createRuntime } from '../src/index.js';

const { options, setup, work } = workerData;
const rt = await createRuntime(options);
try {
  if (setup) rt.compute(setup);
  const value = rt.compute(work);
  parentPort.postMessage({ ok: true, value });
} catch (e) {
  parentPort.postMessage({ ok: false, kind: e.kind, limitKind: e.limitKind, message: String(e.message) });
}
