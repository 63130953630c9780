//! Print capture: a `print` that keeps its lines for the host instead of
//! writing to stdout (the CLI writes them to stderr, so stdout carries only
//! the JSON output).
//!
//! Why it is built this way:
//!
//! - The lines live in a Lua table, so the **memory limit covers them**: a
//!   script cannot print its way past [`Limits::memory`](crate::Limits).
//! - The table is an upvalue of the new `print` and sits in the Lua
//!   registry, which the sandbox gives scripts no way to reach (no `debug`
//!   library): a script can neither read, replace nor empty it.
//! - `print` captures `select`, `tostring` and `table.concat` when the
//!   capture is installed and converts its arguments **when called**, inside
//!   the script's budget. A script that later redefines those globals (or
//!   `print` itself) changes nothing about the lines already printed.
//! - [`Runtime::take_prints`] reads the table with raw accesses from Rust
//!   and **runs no Lua code**: no metamethod, no script function, and no
//!   instruction the budget would have to pay for. A script that tripped a
//!   limit, or planted an endless function under some global name, cannot
//!   run again or lose its output at the flush.

use mlua::{ChunkMode, Table};

use crate::error::{Error, Result};
use crate::runtime::Runtime;
use crate::store::Store;

/// Registry key of the table of printed lines.
const LOG_KEY: &str = "luaxt.printed";

/// Replaces the global `print`; the log table comes in as the argument.
const CAPTURE: &str = r##"
local log = ...
local select, tostring, concat = select, tostring, table.concat
print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do
    parts[i] = tostring((select(i, ...)))
  end
  log[#log + 1] = concat(parts, "\t")
end
"##;

impl<S: Store + 'static> Runtime<S> {
    /// Replaces the global `print` with one that keeps each line (the
    /// arguments through `tostring`, joined by tabs) in the Lua heap until
    /// [`take_prints`](Runtime::take_prints). See the module docs for why
    /// a script cannot reach or replace what it collects.
    ///
    /// Calling it again installs a fresh `print`; lines not taken yet are
    /// kept.
    ///
    /// ```
    /// use luaxt_runtime::{Limits, MemoryStore, Runtime};
    /// let mut rt = Runtime::new(MemoryStore::new(), Limits::default())?;
    /// rt.capture_prints()?;
    /// rt.compute("print('hello', 1, nil) print('bye')")?;
    /// assert_eq!(rt.take_prints()?, b"hello\t1\tnil\nbye\n");
    /// assert_eq!(rt.take_prints()?, b"");
    /// # Ok::<(), luaxt_runtime::Error>(())
    /// ```
    pub fn capture_prints(&mut self) -> Result<()> {
        let log = match self.lua.named_registry_value::<Option<Table>>(LOG_KEY) {
            Ok(Some(log)) => log,
            _ => {
                let log = self.lua.create_table().map_err(Error::from_lua)?;
                self.lua
                    .set_named_registry_value(LOG_KEY, &log)
                    .map_err(Error::from_lua)?;
                log
            }
        };
        // Host code: a fresh budget, so a limit the last script tripped
        // does not stop it.
        self.budget.start(&self.limits);
        self.lua
            .load(CAPTURE)
            .set_name("=print")
            .set_mode(ChunkMode::Text)
            .call::<()>(log)
            .map_err(Error::from_lua)
    }

    /// Takes the lines printed since the last call, each followed by a
    /// newline (empty when nothing was printed or
    /// [`capture_prints`](Runtime::capture_prints) was never called). The
    /// bytes are what the script printed (Lua strings need not be UTF-8).
    ///
    /// Runs no Lua code, so it works after any error or limit and costs
    /// the script nothing.
    pub fn take_prints(&mut self) -> Result<Vec<u8>> {
        let log = match self.lua.named_registry_value::<Option<Table>>(LOG_KEY) {
            Ok(Some(log)) => log,
            Ok(None) => return Ok(Vec::new()),
            Err(e) => return Err(Error::from_lua(e)),
        };
        let mut text = Vec::new();
        for i in 1..=log.raw_len() {
            let line: mlua::String = log.raw_get(i).map_err(Error::from_lua)?;
            text.extend_from_slice(&line.as_bytes());
            text.push(b'\n');
        }
        log.clear().map_err(Error::from_lua)?;
        Ok(text)
    }
}
