//! # luaxt-runtime
//!
//! Lua 5.4 (through mlua) with **external tables**: tables whose entries
//! live, encoded in LXT 1, in a [`Store`] the host owns. Lua code sees
//! `ext.table()`, `_home` and `_io` as ordinary tables.
//!
//! ```
//! use luaxt_runtime::{Limits, MemoryStore, Runtime};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize)]
//! struct Sale { region: String, amount: f64 }
//!
//! #[derive(Deserialize, Debug, PartialEq)]
//! struct Report { count: i64, total: f64, top: String }
//!
//! let mut rt = Runtime::new(MemoryStore::new(), Limits::default())?;
//! rt.set_input(&vec![
//!     Sale { region: "north".into(), amount: 120.0 },
//!     Sale { region: "south".into(), amount: 80.5 },
//!     Sale { region: "north".into(), amount: 30.0 },
//! ])?;
//!
//! rt.compute(r#"
//!     local by, total = {}, 0
//!     for _, sale in ipairs(_io.input) do
//!         by[sale.region] = (by[sale.region] or 0) + sale.amount
//!         total = total + sale.amount
//!     end
//!     local top = next(by)
//!     for region, sum in pairs(by) do if sum > by[top] then top = region end end
//!     _io.output = { count = #_io.input, total = total, top = top }
//!     _home.runs = (_home.runs or 0) + 1   -- persistent state
//! "#)?;
//!
//! let report: Report = rt.output()?;
//! assert_eq!(report, Report { count: 3, total: 230.5, top: "north".into() });
//! # Ok::<(), luaxt_runtime::Error>(())
//! ```
//!
//! The same calls exist for [`luaxt_format::Value`]
//! ([`Runtime::set_input_value`], [`Runtime::output_value`]) and for
//! encoded bytes ([`Runtime::set_input_encoded`],
//! [`Runtime::output_encoded`]).
//!
//! ## Lua API
//! - `ext.table()` creates an external table; `ext.id(t)` is its id and
//!   `tostring(t)` is `"ext.table: <id>"`.
//! - `t[k]`, `t[k] = v`, `t[k] = nil` (delete), `#t` (the border: the
//!   largest `n` with keys `1..n` present), `pairs`, `ipairs`,
//!   `table.insert`/`remove`/`concat`/`unpack` (Lua 5.4's table library
//!   honours the metamethods).
//! - Values follow the Lua mapping of spec §9 (module `convert`
//!   documents it): integers and floats stay apart, strings are binary-safe,
//!   plain tables are stored **by value** (a copy: changing the table you
//!   read does not change the store until you assign it again), external
//!   tables **by reference** (reading one back gives the same proxy).
//!   Functions, userdata and threads are refused with an error naming the
//!   key.
//! - Keys: `t[1]` and `t["1"]` are different keys; `t[1.0]` is `t[1]`;
//!   assigning with a nil or NaN key is an error as for plain tables
//!   (reading with one gives nil).
//! - `_home` (id [`HOME_ID`]) is the persistent root: snapshots keep it and
//!   every table reachable from it. `_io` (id [`IO_ID`]) carries
//!   `_io.input`, `_io.output` and `_io.meta` between host and script.
//!
//! ## How bulk input reaches Lua
//! Two ways, chosen per input by [`Runtime::set_input_mode`] (spec §9.7):
//! - **Copy**: the whole input is **one** encoded LXT value under
//!   `_io.input`, one host call however large. The first read of
//!   `_io.input` in a [`Runtime::compute`] call decodes it eagerly into a
//!   plain Lua table (straight from the bytes) and caches it until the call
//!   ends. A plain Lua table is the fastest thing Lua walks, but the whole
//!   input lives in the Lua heap (count it in [`Limits::memory`]).
//! - **View**: the host keeps the input (an [`InputSource`]; natively an
//!   [`LxtInput`], the LXT bytes read in place) and `_io.input` is a read-only view: `t[k]`, `#t`,
//!   `ipairs` and `pairs` read what they touch, so the Lua heap stays small
//!   at any input size. `for i, rec in ext.chunks(_io.input, 1024)` copies
//!   1024 elements at a time into Lua: a full scan in bounded memory, as
//!   fast as a copy.
//!
//! The default, [`InputMode::Auto`], is a view for inputs above 1 MiB.
//!
//! ## Sandbox and limits
//! Only base (no `dofile`/`loadfile`; `load` takes text chunks only),
//! `table`, `string` (no `dump`), `math`, `utf8`, `coroutine` and `os.time`
//! / `os.clock` / `os.date` are loaded. [`Limits`] sets a memory limit, an
//! instruction budget, a deadline and a store limit; hitting one gives
//! [`Error::Memory`] or [`Error::Limit`], and the runtime stays usable
//! with every store write made before it kept. Spec §6.7 says exactly what
//! each covers. In short, they hold whatever the script does: the
//! string, utf8 and table libraries, the VM, the parser and the collector
//! are built from Lua's sources with a few patched files (`runtime/lua/`)
//! that charge the work done inside one instruction or C function
//! (backtracking patterns, `table.move` over huge ranges, comparing or
//! making long strings, parsing, full collections) to the budget; the
//! collector's parameters are fixed; finalizers are
//! refused; a limit error cannot be caught by `pcall`, `xpcall`,
//! `coroutine.resume`/`close` or `load`; and every store write is counted
//! against the store limit by one rule ([`store::entry_size`]).
//!
//! ```
//! use luaxt_runtime::{Error, LimitKind, Limits, MemoryStore, Runtime};
//! let limits = Limits::default().with_instructions(Some(10_000_000));
//! let mut rt = Runtime::new(MemoryStore::new(), limits)?;
//! // Exponential backtracking inside string.find, caught in a pcall.
//! let err = rt
//!     .compute(r#"pcall(string.find, string.rep("a", 200), string.rep("a*", 30) .. "b")"#)
//!     .unwrap_err();
//! assert!(matches!(err, Error::Limit(LimitKind::Instructions)));
//! assert_eq!(rt.compute("return 1 + 1")?, luaxt_format::Value::Int(2));
//! # Ok::<(), luaxt_runtime::Error>(())
//! ```
//!
//! ## Streams and cancellation
//! [`Runtime::process_stream`] runs one script over a sequence of records
//! (any `IntoIterator` of serde values), a batch at a time: each batch is
//! `_io.input.batch`, it is pulled from the source only when the previous
//! batch is done, and its output goes to a callback as soon as it is
//! produced, so memory is bounded by one batch at any length.
//! A [`CancelToken`] stops a stream between batches, and a running call
//! from another thread: the budget's charge (every 1000 instructions, and
//! every 4096 steps of C work) sees it, and the call ends with
//! [`Error::Limit`]`(`[`LimitKind::Cancelled`]`)`, which a script cannot
//! catch; the runtime stays usable ([`Runtime::set_cancel_token`]).
//!
//! ## Printing
//! `print` writes to stdout, as in Lua. A host that wants the lines for
//! itself calls [`Runtime::capture_prints`] once and
//! [`Runtime::take_prints`] after each run: the lines stay in the Lua heap
//! (under the memory limit) where no script can reach them, and taking
//! them runs no Lua code.
//!
//! ## Persistence
//! [`Runtime::snapshot`] / [`Runtime::restore`] give and take the snapshot
//! container of spec §12 (magic, version, tables, entries, CRC-32);
//! [`Runtime::save_state`] / [`Runtime::load_state`] (feature `fs`, on by
//! default) write and read it atomically. A snapshot keeps `_home` and the
//! tables reachable from it, so tables no longer referenced do not pile up.
//!
//! ## Modules
//! [`store`] (the host trait), [`memory_store`] ([`MemoryStore`]; its
//! array parts' holes in `array_holes`), [`input`] (input views), `lua/` (the Lua binding: sandbox and the limit
//! hook, proxies, external tables, Lua ↔ LXT), `cancel` ([`CancelToken`]),
//! `stream` ([`Runtime::process_stream`]), [`snapshot`] (the container),
//! `persist` (atomic files), `prints` (print capture for the host),
//! `runtime` ([`Runtime`]), `error`; on wasm32, `wasm_host` (what the C
//! shim of the WebAssembly build calls). The module's JavaScript face
//! (`LuaRuntime`, the host store and input of spec §11) is the
//! `luaxt-wasm` crate in `runtime/wasm`, over this crate's public API.

mod array_holes;
mod cancel;
mod error;
pub mod input;
mod limits;
mod lua;
pub mod memory_store;
#[cfg(feature = "fs")]
pub mod persist;
mod prints;
mod runtime;
pub mod snapshot;
pub mod store;
mod stream;
#[cfg(target_arch = "wasm32")]
pub mod wasm_host;

/// The Rust examples of the repository's README, run as doctests.
#[cfg(doctest)]
#[doc = include_str!(env!("LUAXT_README"))]
pub struct ReadmeExamples;

pub use cancel::CancelToken;
pub use error::{Error, LimitKind, Result, SnapshotError};
pub use input::{InputMode, InputSource, LxtInput, TreeInput};
pub use limits::Limits;
pub use memory_store::MemoryStore;
pub use runtime::Runtime;
pub use store::{HOME_ID, IO_ID, Store, StoreError, StoreResult, TableData, TableId};
pub use stream::{Batch, StreamOptions};
