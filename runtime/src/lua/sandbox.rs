//! The sandboxed Lua state and the hook that enforces [`Limits`].
//!
//! Loaded: base (without `dofile` and `loadfile`; `load` only accepts text
//! chunks), `table`, `string` (without `dump`), `math`, `utf8`,
//! `coroutine`, and `os` reduced to `time`, `clock` and `date`. Not loaded:
//! `io`, `package`/`require`, `debug`. Host code is loaded as text only,
//! so a binary chunk never reaches the VM.
//!
//! Limits. One budget counts VM instructions and the work of C library
//! loops, and checks the deadline and the host's cancellation
//! (`crate::cancel`) as it counts:
//! - the count hook (`luaxt_hook`, `lua/luaxt_budget.c`) charges every
//!   [`Limits::HOOK_INTERVAL`] instructions, and once a limit has tripped
//!   it runs at every instruction;
//! - the string, utf8 and table libraries are Lua's own, patched (`lua/`)
//!   to charge the work of their loops (pattern backtracking, plain
//!   `find`, `%q`, `string.byte`/`char`/`unpack`, `utf8.len`/`codepoint`/
//!   `offset`/`char` and the `utf8.codes` iterator,
//!   `table.move`/`insert`/`remove`/`concat`/`sort`/`unpack`), so a limit
//!   holds inside them too, and the patched VM charges instructions that
//!   compare long strings by their length, bringing the hook forward;
//! - work that may happen where no error can be raised is counted where it
//!   happens and charged at the next instruction (`luaxt_vm_work`):
//!   creating a long string costs its length (`lstring.c`: `string.rep`,
//!   `upper`, `sub`, `format`, concatenation, every `luaL_Buffer` result),
//!   parsing a chunk its bytes (`lzio.c`), a full collection (also the
//!   emergency one at the memory limit) or a switch of the collector's
//!   mode the heap (`lgc.c`), `collectgarbage("step", n)` its n KB
//!   (`lapi.c`);
//! - the collector's parameters cannot be changed (`setpause`,
//!   `setstepmul`, `incremental`/`generational` with arguments): a pause of
//!   0 would run a whole collection at every allocation;
//! - tables with weak keys and strong values are kept strong (`lgc.c`):
//!   settling them is quadratic work inside one collector step;
//! - where Lua runs code with hooks off: `setmetatable` refuses a
//!   metatable with a `__gc` field (finalizers run with hooks off), and
//!   once a limit has tripped `xpcall` does not call the script's message
//!   handler (it runs before unwinding, inside the hook);
//! - where a script could catch the limit error: `pcall`, `xpcall`,
//!   `coroutine.resume`, `coroutine.close` and `load` (whose reader
//!   function runs protected) raise it again.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use mlua::{Lua, LuaOptions, StdLib};

use crate::cancel::CancelCheck;
use crate::error::LimitKind;
use crate::limits::Limits;

/// Lua code that trims the libraries mlua opened.
const TRIM: &str = r#"
local stopped = ...
local error, select, type, rawget = error, select, type, rawget
dofile, loadfile = nil, nil
string.dump = nil
local time, clock, date = os.time, os.clock, os.date
os = { time = time, clock = clock, date = date }
-- After a limit trips, an error caught by a protected call is raised
-- again, so a script cannot catch its way past the instruction budget or
-- the deadline. (The hook also checks at every instruction by then.)
local function check(ok, ...)
  if not ok then
    local why = stopped()
    if why then error(why, 0) end
  end
  return ok, ...
end
local rawpcall, rawxpcall = pcall, xpcall
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
local resume, close = coroutine.resume, coroutine.close
coroutine.resume = function(...) return check(resume(...)) end
coroutine.close = function(...) return check(close(...)) end
local rawload = load
load = function(chunk, name, mode, ...)
  -- Only text chunks; an explicit env argument (even nil) is passed on.
  -- A reader function runs protected: its limit error is raised again.
  if select('#', ...) > 0 then return check(rawload(chunk, name, "t", (...))) end
  return check(rawload(chunk, name, "t"))
end
-- Finalizers run with hooks off (lgc.c, GCTM), where no budget can stop
-- them: a metatable with a __gc field is refused.
local rawsetmetatable = setmetatable
setmetatable = function(t, mt)
  if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
    error("setmetatable: __gc metamethods are not allowed in the sandbox", 2)
  end
  return rawsetmetatable(t, mt)
end
-- The collector's parameters could make every allocation run a whole
-- collection, work no budget sees: they stay Lua's defaults. (Full
-- collections and large steps are charged by the patched lgc.c/lapi.c.)
local rawcollectgarbage = collectgarbage
collectgarbage = function(opt, ...)
  if opt == "setpause" or opt == "setstepmul"
    or ((opt == "incremental" or opt == "generational") and select('#', ...) > 0) then
    error("collectgarbage: the collector's parameters cannot be changed in the sandbox", 2)
  end
  return rawcollectgarbage(opt, ...)
end
-- A field rawset into an external table or an input view would hide the
-- host's entry behind a Lua one: refused (their metatables are locked to
-- these names).
local rawset_, getmetatable = rawset, getmetatable
rawset = function(t, k, v)
  local locked = getmetatable(t)
  if locked == "ext.table" or locked == "input view" then
    error("rawset: " .. locked .. " entries live in the host; assign them instead", 2)
  end
  return rawset_(t, k, v)
end
"#;

/// The registry field of the charge function the patched C libraries
/// call (`LUAXT_CHARGE_KEY` in `lua/luaxt_budget.h`).
const CHARGE_KEY: &str = "luaxt.charge";

// The count hook of `lua/luaxt_budget.c` (built by build.rs).
unsafe extern "C-unwind" {
    fn luaxt_hook(state: *mut mlua::ffi::lua_State, debug: *mut mlua::ffi::lua_Debug);
}

// Records C work for the hook's next charge, and forgets the work
// counted but not charged yet (`lua/luaxt_budget.c`).
unsafe extern "C" {
    fn luaxt_vm_work(state: *mut mlua::ffi::lua_State, bytes: usize);
    fn luaxt_forget_work();
}

/// The process's secret for the hash of number keys (`luaxt_key_secret`
/// in `lua/luaxt_budget.h`): each new Lua state takes it (the patched
/// `lstate.c`), so it is the same for every state and never changes under
/// a table. Random: with Lua's own hash a script could choose keys that
/// all collide, and one rehash would walk chains of all of them.
#[unsafe(no_mangle)]
pub extern "C" fn luaxt_process_secret() -> u64 {
    static SECRET: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *SECRET.get_or_init(random_secret)
}

/// 64 random bits: the system's, through std's hash seeds.
#[cfg(not(target_arch = "wasm32"))]
fn random_secret() -> u64 {
    use std::hash::BuildHasher;
    std::hash::RandomState::new().hash_one("luaxt key secret")
}

/// 64 random bits from the host's `Math.random` (std has no source of
/// randomness on `wasm32-unknown-unknown`).
#[cfg(target_arch = "wasm32")]
fn random_secret() -> u64 {
    let half = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (half() << 32) | half()
}

/// Bytes copied or scanned that make one step of the budget
/// (`LUAXT_BYTES_PER_STEP` in `lua/luaxt_budget.h`).
const BYTES_PER_STEP: usize = 16;

/// Records `bytes` of work done for the running Lua code outside the VM
/// (a copy into or out of the store) for the hook's next charge, which it
/// brings forward to the next instruction once enough has built up.
/// Raises nothing, so it suits code that must not unwind (the raw
/// metamethods); small amounts cost nothing (`VM_WORK_MIN` in
/// `lua/luaxt_budget.c` says how small).
///
/// # Safety
/// `state` is the running Lua thread.
#[inline]
pub(crate) unsafe fn record_work(state: *mut mlua::ffi::lua_State, bytes: usize) {
    // SAFETY: the caller's; the C function only touches the hook fields.
    unsafe { luaxt_vm_work(state, bytes) }
}

/// Creates the sandboxed Lua state with `budget`'s hook installed.
pub(crate) fn new_lua(limits: &Limits, budget: &Rc<Budget>) -> mlua::Result<Lua> {
    // The string, utf8 and table libraries are the patched ones of `lua/`.
    let libs = StdLib::TABLE
        | StdLib::STRING
        | StdLib::MATH
        | StdLib::UTF8
        | StdLib::COROUTINE
        | StdLib::OS;
    let lua = Lua::new_with(libs, LuaOptions::new())?;
    let charged = Rc::clone(budget);
    let charge = lua.create_function(move |_, steps: i64| {
        charged
            .charge(u64::try_from(steps).unwrap_or(0))
            .map_err(|kind| mlua::Error::runtime(kind.to_string()))
    })?;
    lua.set_named_registry_value(CHARGE_KEY, charge)?;
    let watched = Rc::clone(budget);
    let stopped =
        lua.create_function(move |_, ()| Ok(watched.tripped().map(|kind| kind.to_string())))?;
    lua.load(TRIM).set_name("=sandbox").call::<()>(stopped)?;
    install_hook(&lua)?;
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
    /// When the deadline was last checked.
    checked: Cell<Option<web_time::Instant>>,
    tripped: Cell<Option<LimitKind>>,
    /// Asked at every charge: the host's cancellation (`crate::cancel`).
    cancel: RefCell<Option<CancelCheck>>,
}

/// How often the deadline is checked at least, while a deadline is set:
/// the hook's interval shrinks below [`Limits::HOOK_INTERVAL`] while
/// instructions are slow (each comparing or copying huge strings), so a
/// thousand of them cannot carry a script far past its deadline.
const CHECK_EVERY: Duration = Duration::from_millis(1);

impl Budget {
    /// Starts a new `compute` call.
    pub(crate) fn start(&self, limits: &Limits) {
        // Work the C side counted since the last charge (the host parsing
        // its own code, a collection after a memory error) is not this
        // call's.
        // SAFETY: resets a counter of this thread; takes no Lua state.
        unsafe { luaxt_forget_work() };
        self.limit.set(limits.instructions);
        self.used.set(0);
        self.tripped.set(None);
        let now = web_time::Instant::now();
        self.checked.set(Some(now));
        self.deadline.set(limits.deadline.map(|d| now + d));
    }

    /// Sets what every charge asks whether the host cancelled the call;
    /// returns the check it replaces.
    pub(crate) fn set_cancel(&self, check: Option<CancelCheck>) -> Option<CancelCheck> {
        self.cancel.replace(check)
    }

    /// Whether the host has cancelled (asks the check now).
    pub(crate) fn cancelled(&self) -> bool {
        let check = self.cancel.borrow().clone();
        check.is_some_and(|check| check.cancelled())
    }

    /// The limit that stopped the current call, if any.
    pub(crate) fn tripped(&self) -> Option<LimitKind> {
        self.tripped.get()
    }

    /// Charges `bytes` of host work done for the script (converting a value
    /// it stores or returns, copying a value it reads) as
    /// `bytes / BYTES_PER_STEP` steps: the limit that has tripped, if any.
    pub(crate) fn charge_bytes(&self, bytes: usize) -> Result<(), LimitKind> {
        self.charge((bytes / BYTES_PER_STEP) as u64).map(|_| ())
    }

    /// Charges `steps` to the instruction budget and checks the deadline.
    /// The hook charges the instructions run since its last call, the
    /// patched C libraries the work of their loops (`lua/luaxt_budget.h`:
    /// a step is about one VM instruction's time). Returns the number of
    /// instructions the hook should run before its next charge, or the
    /// limit that has tripped.
    pub(crate) fn charge(&self, steps: u64) -> Result<u32, LimitKind> {
        let used = self.used.get().saturating_add(steps);
        self.used.set(used);
        if self.tripped.get().is_none() && self.cancelled() {
            self.tripped.set(Some(LimitKind::Cancelled));
        }
        if self.tripped.get().is_none() && self.limit.get().is_some_and(|limit| used > limit) {
            self.tripped.set(Some(LimitKind::Instructions));
        }
        let mut next = Limits::HOOK_INTERVAL;
        if let Some(deadline) = self.deadline.get() {
            // `web_time` reads `performance.now()` on wasm32, so the
            // deadline holds in the browser and in Node too.
            let now = web_time::Instant::now();
            if now >= deadline && self.tripped.get().is_none() {
                self.tripped.set(Some(LimitKind::Deadline));
            }
            if let Some(then) = self.checked.replace(Some(now)) {
                next = next_interval(steps, now.saturating_duration_since(then));
            }
        }
        match self.tripped.get() {
            Some(kind) => Err(kind),
            None => Ok(next),
        }
    }
}

/// The hook interval that makes `steps` taking `elapsed` take about
/// [`CHECK_EVERY`], between 1 and [`Limits::HOOK_INTERVAL`].
fn next_interval(steps: u64, elapsed: Duration) -> u32 {
    if elapsed <= CHECK_EVERY {
        return Limits::HOOK_INTERVAL;
    }
    let fitting = steps as f64 * CHECK_EVERY.as_secs_f64() / elapsed.as_secs_f64();
    fitting.clamp(1.0, f64::from(Limits::HOOK_INTERVAL)) as u32
}

/// Installs the budget hook (`luaxt_hook` in `lua/luaxt_budget.c`) on the
/// main thread; coroutines inherit it when they are created. It charges
/// [`Limits::HOOK_INTERVAL`] instructions at a time through the same charge
/// function as the C libraries, so once a limit trips every later check
/// errors again, and a script that catches the error with `pcall` is
/// stopped at its next check.
fn install_hook(lua: &Lua) -> mlua::Result<()> {
    let interval = std::ffi::c_int::try_from(Limits::HOOK_INTERVAL).expect("a small interval");
    // SAFETY: `exec_raw` hands over the main thread's state, where the hook
    // is set as Lua's own `debug.sethook` would set it.
    unsafe {
        lua.exec_raw::<()>((), |state| {
            mlua::ffi::lua_sethook(state, Some(luaxt_hook), mlua::ffi::LUA_MASKCOUNT, interval);
        })
    }
}
