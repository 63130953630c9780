//! The sandboxed Lua state and the hook that enforces [`Limits`].
//!
//! Loaded: base (without `dofile` and `loadfile`; `load` only accepts text
//! chunks), `table`, `string` (without `dump`), `math`, `utf8`,
//! `coroutine`, and `os` reduced to `time`, `clock` and `date`. Not loaded:
//! `io`, `package`/`require`, `debug`. Host code is loaded as text only,
//! so a binary chunk never reaches the VM.
//!
//! Limits and the places Lua runs code with hooks off: `setmetatable`
//! refuses a metatable with a `__gc` field (finalizers run with hooks off,
//! so no budget could stop one); once a limit trips, `xpcall` does not call
//! the script's message handler (it would run with hooks off too), and
//! `pcall`, `xpcall` and `coroutine.resume` raise the limit error again.
//! Not yet covered (issue 15): `__close` handlers run while a thread is
//! reset after a limit error, and long-running C functions
//! (`string.find` backtracking, `table.move`/`sort` of huge ranges,
//! `string.rep` of empty strings) do not check the budget.

use std::cell::Cell;
use std::rc::Rc;

use mlua::{HookTriggers, Lua, LuaOptions, StdLib, VmState};

use crate::error::LimitKind;
use crate::limits::Limits;

/// Lua code that trims the libraries mlua opened.
const TRIM: &str = r#"
dofile, loadfile = nil, nil
local rawload, select = load, select
load = function(chunk, name, mode, ...)
  -- Only text chunks; an explicit env argument (even nil) is passed on.
  if select('#', ...) > 0 then return rawload(chunk, name, "t", (...)) end
  return rawload(chunk, name, "t")
end
string.dump = nil
local time, clock, date = os.time, os.clock, os.date
os = { time = time, clock = clock, date = date }
-- After a limit trips, an error caught by pcall, xpcall or
-- coroutine.resume is raised again, so a script cannot catch its way
-- past the instruction budget or the deadline.
local stopped, error = ..., error
local rawpcall, rawxpcall, resume = pcall, xpcall, coroutine.resume
local function check(ok, ...)
  if not ok then
    local why = stopped()
    if why then error(why, 0) end
  end
  return ok, ...
end
pcall = function(...) return check(rawpcall(...)) end
-- A message handler runs before the stack unwinds, and for an error raised
-- by the budget hook it runs with hooks off: once a limit has tripped, the
-- script's handler is not called at all.
xpcall = function(f, handler, ...)
  local guarded = function(...)
    if stopped() then return ... end
    return handler(...)
  end
  return check(rawxpcall(f, guarded, ...))
end
-- Finalizers run with hooks off (lgc.c, GCTM), where no budget can stop
-- them: a metatable with a __gc field is refused.
local rawsetmetatable, rawget, type = setmetatable, rawget, type
setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: __gc metamethods are not allowed in the sandbox", 2)
  end
  return rawsetmetatable(t, mt)
end
coroutine.resume = function(...) return check(resume(...)) end
"#;

/// Creates the sandboxed Lua state with `budget`'s hook installed.
pub(crate) fn new_lua(limits: &Limits, budget: &Rc<Budget>) -> mlua::Result<Lua> {
    let libs = StdLib::TABLE
        | StdLib::STRING
        | StdLib::MATH
        | StdLib::UTF8
        | StdLib::COROUTINE
        | StdLib::OS;
    let lua = Lua::new_with(libs, LuaOptions::new())?;
    let watched = Rc::clone(budget);
    let stopped =
        lua.create_function(move |_, ()| Ok(watched.tripped().map(|kind| kind.to_string())))?;
    lua.load(TRIM).set_name("=sandbox").call::<()>(stopped)?;
    install_hook(&lua, Rc::clone(budget))?;
    if let Some(bytes) = limits.memory {
        lua.set_memory_limit(bytes)?;
    }
    Ok(lua)
}

/// The per-call state of the instruction budget and deadline.
#[derive(Debug, Default)]
pub(crate) struct Budget {
    limit: Cell<Option<u64>>,
    used: Cell<u64>,
    deadline: Cell<Option<web_time::Instant>>,
    tripped: Cell<Option<LimitKind>>,
}

impl Budget {
    /// Starts a new `compute` call.
    pub(crate) fn start(&self, limits: &Limits) {
        self.limit.set(limits.instructions);
        self.used.set(0);
        self.tripped.set(None);
        self.deadline
            .set(limits.deadline.map(|d| web_time::Instant::now() + d));
    }

    /// The limit that stopped the current call, if any.
    pub(crate) fn tripped(&self) -> Option<LimitKind> {
        self.tripped.get()
    }

    fn check(&self) -> Option<LimitKind> {
        if let Some(kind) = self.tripped.get() {
            return Some(kind);
        }
        let used = self.used.get() + u64::from(Limits::HOOK_INTERVAL);
        self.used.set(used);
        if self.limit.get().is_some_and(|limit| used > limit) {
            self.tripped.set(Some(LimitKind::Instructions));
        }
        // `web_time` reads `performance.now()` on wasm32, so the deadline
        // holds in the browser and in Node too.
        if self
            .deadline
            .get()
            .is_some_and(|deadline| web_time::Instant::now() >= deadline)
        {
            self.tripped.set(Some(LimitKind::Deadline));
        }
        self.tripped.get()
    }
}

/// Installs the budget hook (for the main thread and every coroutine).
/// Once a limit trips, every later check errors again, so a script that
/// catches the error with `pcall` is stopped at its next check.
fn install_hook(lua: &Lua, budget: Rc<Budget>) -> mlua::Result<()> {
    let triggers = HookTriggers::new().every_nth_instruction(Limits::HOOK_INTERVAL);
    lua.set_global_hook(triggers, move |_lua, _debug| match budget.check() {
        Some(kind) => Err(mlua::Error::runtime(kind.to_string())),
        None => Ok(VmState::Continue),
    })
}
