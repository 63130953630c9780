// The errors of the runtime: what a call throws, and how an error from
// the WebAssembly side becomes one.

/**
 * An error of the runtime: a Lua error (`kind` "lua", with `luaMessage`
 * and `traceback`), a limit ("memory", "limit"), a cancelled call
 * ("cancelled"), a store, format, snapshot or io error. The runtime stays
 * usable after it.
 */
export class LuaError extends Error {
  constructor(message, { kind = 'lua', luaMessage, traceback, formatKind, limitKind, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'LuaError';
    /** "lua" | "memory" | "limit" | "cancelled" | "store" | "format" | "snapshot" | "io" */
    this.kind = kind;
    /** The Lua error message (the value given to `error`) for kind "lua". */
    this.luaMessage = luaMessage ?? message;
    /** Lua's traceback, when there is one. */
    this.traceback = traceback;
    if (formatKind !== undefined) this.formatKind = formatKind;
    /** For kind "limit": "instructions", "deadline" or "store". */
    if (limitKind !== undefined) this.limitKind = limitKind;
  }
}

/**
 * The WebAssembly instance trapped (a Rust panic, `unreachable`, running
 * out of WebAssembly memory). The instance is unusable: every call throws
 * this error until `runtime.recreate()` builds a new one from the last saved state
 * (recreation is explicit, never automatic, so unsaved changes are never
 * dropped silently).
 */
export class RuntimeTrappedError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'RuntimeTrappedError';
    this.kind = 'trap';
  }
}

/** Whether `e` means the WebAssembly instance trapped (and is unusable). */
export function isTrap(e) {
  if (e instanceof WebAssembly.RuntimeError) return true;
  if (e instanceof WebAssembly.Exception) return true;
  if (e && typeof e === 'object' && typeof e.kind === 'string') return false;
  const message = e && e.message ? String(e.message) : '';
  return /Module terminated|unreachable|recursive use of an object|null pointer passed to rust|already borrowed|out of memory/i.test(message);
}

/** A runtime error of the WebAssembly side as a {@link LuaError}. */
export function toLuaError(e) {
  return new LuaError(e.luaMessage ?? e.message, {
    kind: e.kind,
    luaMessage: e.luaMessage,
    traceback: e.traceback,
    formatKind: e.formatKind,
    limitKind: e.limitKind,
    cause: e,
  });
}
