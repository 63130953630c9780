// The store as the WebAssembly side calls it: an ABI method that throws
// answers BACKEND instead of unwinding through the runtime (spec §11.4).

import { Status } from './store.js';

/** The store's ABI methods (spec §11.3) and how many arguments each takes. */
const ABI_ARITY = { create: 1, contains: 1, get: 5, set: 5, delete: 3, len: 2, next: 5, tableIds: 2, replaceAll: 2, setQuota: 1 };

/**
 * `original` called on `store` with `arity` arguments, answering `BACKEND`
 * if it throws. (Of fixed arity: rest parameters and `apply` allocate on
 * every call, about 5 % of an external-table get or set.)
 */
function guarded(store, name, original, arity) {
  const failed = (e) => {
    store.error = `store.${name} threw: ${e instanceof Error ? e.message : String(e)}`;
    return Status.BACKEND;
  };
  switch (arity) {
    case 1:
      return function guarded1(a) {
        try {
          return original.call(store, a);
        } catch (e) {
          return failed(e);
        }
      };
    case 2:
      return function guarded2(a, b) {
        try {
          return original.call(store, a, b);
        } catch (e) {
          return failed(e);
        }
      };
    case 3:
      return function guarded3(a, b, c) {
        try {
          return original.call(store, a, b, c);
        } catch (e) {
          return failed(e);
        }
      };
    default:
      return function guarded5(a, b, c, d, e) {
        try {
          return original.call(store, a, b, c, d, e);
        } catch (err) {
          return failed(err);
        }
      };
  }
}

/**
 * Wraps the store's ABI methods so that one that throws answers `BACKEND`
 * (spec §11.4) with the exception's message as its `lastError`: the
 * runtime makes that a store error (in Lua, an error a script can catch),
 * and the instance stays usable. Left alone, the exception would unwind
 * through the runtime's Wasm frames in the middle of a Lua call, which the
 * instance cannot continue from.
 */
export function guardStore(store) {
  if (typeof store.setQuota !== 'function') {
    // A store written before the store limit existed: it can run without
    // a limit, but cannot enforce one.
    store.setQuota = function noQuota(limit) {
      if (limit < 0) return 0;
      store.error = 'this store has no setQuota, so it cannot enforce a store limit (pass storeLimit: null)';
      return Status.BACKEND;
    };
  }
  for (const [name, arity] of Object.entries(ABI_ARITY)) {
    const original = store[name];
    if (typeof original === 'function') store[name] = guarded(store, name, original, arity);
  }
  const lastError = store.lastError;
  store.lastError = function guardedLastError(...args) {
    try {
      return lastError.apply(store, args);
    } catch {
      return 0; // no message rather than no instance
    }
  };
  return store;
}

