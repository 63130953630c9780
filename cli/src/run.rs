//! `luaxt run`: run a Lua script in the sandboxed runtime, with JSON input
//! and output and `_home` kept in a state file.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use luaxt_format::{DecodeOptions, Tag};
use luaxt_runtime::persist;
use luaxt_runtime::{
    Error as RtError, HOME_ID, InputMode, LimitKind, Limits, MemoryStore, Runtime, SnapshotError,
    Store, StoreError,
};

use crate::limits::parse_bytes;
use crate::lock::StateLock;
use crate::progress::Progress;
use crate::{ExitStatus, io as cli_io};

/// The state file used when `--state` is not given.
pub const DEFAULT_STATE: &str = ".luaxt-state";

/// Arguments of `luaxt run`.
#[derive(Debug, Args)]
#[command(after_help = "\
The script runs in the runtime's sandbox (no files, no os.execute, no \
require). It reads its input from `_io.input`, writes its result to \
`_io.output`, and keeps what must outlive the run in `_home`. What it \
prints with print() goes to stderr when it ends (also when it fails), so \
stdout carries only the JSON output.

Input: --input FILE.json is converted with the plain JSON mapping of \
`luaxt encode` (or the typed notation with --typed) and becomes `_io.input`; \
without it `_io.input` is nil. An input that fits in a quarter of \
--memory-limit as LXT (any input with --memory-limit 0) is copied into Lua \
tables, the fastest to walk; a \
larger one (or any, with --input-mode view) is read through a read-only \
view: only what it touches enters the Lua heap, and `for i, rec in ext.chunks(_io.input, 1024)` walks an array \
1024 records at a time. Output: `_io.output` is printed as JSON (null \
when unset), with the mapping of `luaxt decode`.

State: `_home` is loaded from the state file before the run and saved back \
(atomically) after a successful one. The default state file is \
`.luaxt-state` in the current directory; --state FILE picks another, \
--no-state runs without one. A state file that does not exist yet is \
created only if the script left something in `_home`, readable by its \
owner only (0600); a save keeps the permissions of the file it replaces. \
When the script \
fails (a Lua error, a limit, output that cannot be converted), the state \
file is left as it was.

Concurrent runs: load, run and save happen under an exclusive lock on \
the lock file `.NAME.lock` beside the state file, so two runs on one state \
file never lose each other's updates. A run that finds the state file in \
use fails at once with exit code 4 (\"state file ... is in use by another \
luaxt run\"); with --wait it waits until the other run is done. \
--no-state takes no lock. The lock file stays beside a state file; a run \
that leaves no state file removes it.

A Lua error prints the message and the traceback and exits with 2; so does a \
limit: --memory-limit (Lua heap), --time-limit (wall clock), \
--instruction-limit (VM instructions, and the work of the string, utf8 and \
table libraries, of making long strings, of parsing and of garbage collections) and --store-limit (what `_home`, `_io` and `ext.table()` tables \
hold: keys and values, plus 64 bytes per entry and 256 per table; by default \
the memory limit; a script can catch a write over it with pcall). With --time-limit, a watchdog also \
ends the process (exit 2) if the script is still running at the limit plus \
half of it (at least one second more): a backstop, never needed so far.

Examples:
  luaxt run examples/stats/stats.lua --input examples/stats/data.json
  luaxt run examples/counter/counter.lua --state counter.state
  luaxt run examples/counter/counter.lua --state counter.state --wait
  luaxt run job.lua --no-state --memory-limit 64M --time-limit 2.5 --compact")]
pub struct RunArgs {
    /// The Lua 5.4 script (a first line starting with `#` is skipped).
    #[arg(value_name = "SCRIPT.lua")]
    pub script: PathBuf,
    /// JSON file whose value becomes `_io.input` (`-` for stdin).
    #[arg(long, value_name = "FILE.json")]
    pub input: Option<PathBuf>,
    /// Read the input and write the output in the typed JSON notation (§7).
    #[arg(long)]
    pub typed: bool,
    /// How the input reaches Lua: `copy` (decoded into Lua tables, in the
    /// Lua heap), `view` (kept by luaxt, read field by field through a
    /// read-only view, spec §9.7), `auto` (a copy when four times the
    /// input's LXT size fits in the memory limit or there is none, else a
    /// view).
    #[arg(long, value_enum, value_name = "MODE", default_value = "auto")]
    pub input_mode: InputModeArg,
    /// State file that holds `_home` between runs [default: .luaxt-state].
    #[arg(long, value_name = "FILE", conflicts_with = "no_state")]
    pub state: Option<PathBuf>,
    /// Neither load nor save a state file (and take no lock).
    #[arg(long)]
    pub no_state: bool,
    /// Wait for a state file that another luaxt run is using, instead of
    /// failing with exit code 4.
    #[arg(long, conflicts_with = "no_state")]
    pub wait: bool,
    /// Most bytes the Lua heap may use; suffixes K, M, G (powers of 1024);
    /// 0 for no limit.
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes, default_value = "512M")]
    pub memory_limit: usize,
    /// Most seconds the script may run (wall clock), e.g. 2 or 0.5.
    #[arg(long, value_name = "SECS", value_parser = parse_secs)]
    pub time_limit: Option<Duration>,
    /// Most Lua VM instructions the script may run (0 for no limit).
    #[arg(long, value_name = "N", default_value_t = 1_000_000_000)]
    pub instruction_limit: u64,
    /// Most bytes the store may hold (`_home`, `_io`, ext tables, the
    /// input); suffixes K, M, G; 0 for no limit [default: the memory limit].
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    pub store_limit: Option<usize>,
    /// Write JSON on one line instead of indented.
    #[arg(long)]
    pub compact: bool,
    /// Write the output to this file instead of stdout.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// LXT limits of the input (checked before the script starts) and of
    /// what the script stores.
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
}

fn parse_secs(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("{text:?} is not a positive number of seconds"))
}

/// Runs `luaxt run`: with a state file, under its lock (module `lock`).
pub fn run(args: &RunArgs) -> Result<ExitStatus> {
    if args.no_state {
        return run_script(args, None);
    }
    let path = args
        .state
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_STATE));
    let mut waiting = None;
    let lock = StateLock::acquire(&path, args.wait, || {
        waiting = Some(Progress::start(format!(
            "waiting for state file {} (in use by another luaxt run)",
            path.display()
        )));
    })?;
    drop(waiting);
    remove_stale_temps(&path);
    let result = run_script(args, Some(&path));
    if std::fs::symlink_metadata(&path).is_err() {
        // Nothing to guard: a stateless run leaves no lock file behind. If
        // it cannot be removed, it stays, which is harmless.
        let _ = lock.remove();
    }
    result
}

/// Removes the temporary files that a killed save of `path` left behind.
/// Only under the lock: then no other save of `path` is under way.
/// Best effort; a file that stays is only clutter.
fn remove_stale_temps(path: &Path) {
    if let Ok(stale) = persist::stale_temps(path) {
        for temp in stale {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Loads `_home` from `state` (if it exists), runs the script, and saves
/// `_home` back after a successful run.
fn run_script(args: &RunArgs, state: Option<&Path>) -> Result<ExitStatus> {
    let script_name = args.script.display().to_string();
    let code = cli_io::read_text(Some(&args.script))?;
    let code = skip_shebang(&code);

    let limits = Limits::unlimited()
        .with_memory((args.memory_limit > 0).then_some(args.memory_limit))
        .with_instructions((args.instruction_limit > 0).then_some(args.instruction_limit))
        .with_deadline(args.time_limit)
        .with_store(Some(store_limit(args)).filter(|&bytes| bytes > 0))
        .with_format(args.limits.limits());
    let mut runtime = Runtime::new(MemoryStore::new(), limits)
        .map_err(|e| anyhow!("cannot start the runtime: {e}"))?;

    let state_existed = match state {
        Some(path) if path.exists() => {
            // A pipe or a device would block the read, or never end it.
            if !path.is_file() {
                return Err(cli_io::usage(format!(
                    "state file {} is not a regular file",
                    path.display()
                )));
            }
            runtime.load_state(path).map_err(|e| state_error(path, e))?;
            true
        }
        _ => false,
    };

    let progress = Progress::start(format!("starting {script_name}"));
    if let Some(input) = &args.input {
        // Converted and checked against the limits before the script
        // starts: an input that is too large is the input's error.
        let name = cli_io::describe(Some(input));
        progress.set(format!("reading {name}"));
        let text = cli_io::read_text(Some(input))?;
        let dialect = luaxt_json::Dialect::from_typed_flag(args.typed);
        let bytes = luaxt_json::json_to_lxt(&text, &name, dialect, &limits.format)
            .with_context(|| format!("cannot use {name} as the script's input"))?;
        drop(text);
        runtime.set_input_mode(args.input_mode.resolve(bytes.len(), args.memory_limit));
        // The bytes are the format crate's own encoding: not checked twice.
        runtime.set_input_encoded_here(bytes).map_err(|e| match e {
            RtError::Store(StoreError::Quota { .. }) => {
                anyhow!("cannot pass {name} to the script: {e}; raise it with --store-limit")
            }
            e => anyhow!("cannot pass {name} to the script: {e}"),
        })?;
    }

    progress.set(format!("running {script_name}"));
    runtime
        .capture_prints()
        .map_err(|e| anyhow!("cannot start the runtime: {e}"))?;
    let watchdog = args
        .time_limit
        .map(|limit| Watchdog::arm(limit, script_name.clone()));
    let result = runtime.compute(code);
    drop(watchdog);
    drop(progress);
    flush_prints(&mut runtime);
    if let Err(e) = result {
        return Err(script_error(&script_name, args, e));
    }

    // Read where the store's copy is (no second tree of owned strings),
    // and checked by writing it nowhere before it is written anywhere: the
    // text is then streamed, never whole in memory (a script's output
    // can grow six times as JSON, a control character becoming `\u0001`).
    let encoded = runtime
        .output_encoded()
        .map_err(|e| anyhow!("cannot read _io.output: {e}"))?;
    let encoded = encoded.as_deref().unwrap_or(&[Tag::Nil as u8]);
    let output = DecodeOptions::new()
        .limits(limits.format)
        .decode_ref(encoded)
        .map_err(|e| anyhow!("cannot read _io.output: {e}"))?;
    let dialect = luaxt_json::Dialect::from_typed_flag(args.typed);
    luaxt_json::write_json_text(&output, dialect, args.compact, std::io::sink())
        .context("_io.output cannot be written as plain JSON (the state file was not changed)")?;

    // The output goes first and the state last: a run whose output
    // cannot be written leaves the state as it was, so running it again
    // neither loses that output nor applies the script's update twice.
    // (Saved first, the state would move on with the output lost.)
    let snapshot = match state {
        Some(path) => {
            let home_empty = runtime
                .store()
                .next(HOME_ID, None)
                .map(|entry| entry.is_none())
                .unwrap_or(false);
            (state_existed || !home_empty)
                .then(|| runtime.snapshot().map(|bytes| (path, bytes)))
                .transpose()
                .map_err(|e| state_error(path, e))?
        }
        None => None,
    };
    let written = cli_io::Output::new(args.output.clone()).stream(|sink| {
        Ok(luaxt_json::write_json_text(
            &output,
            dialect,
            args.compact,
            sink,
        )?)
    });
    match written {
        Ok(()) => {}
        // A reader that stops early (`| head`) took what it wanted: the
        // run succeeded, as `main` reports it, so its state is saved.
        Err(e) if cli_io::is_broken_pipe(&e) => {}
        Err(e) => {
            return Err(match &snapshot {
                Some((path, _)) => e.context(format!(
                    "the output could not be written, so state file {} was not changed",
                    path.display()
                )),
                None => e,
            });
        }
    }
    if let Some((path, bytes)) = snapshot {
        persist::write_atomic(path, &bytes).map_err(|e| {
            anyhow::Error::new(e).context(format!(
                "state file {}: not saved (the output was written)",
                path.display()
            ))
        })?;
    }
    Ok(ExitStatus::Ok)
}

/// Writes what the script printed to stderr: lines kept by the runtime's
/// print capture (in the Lua heap, out of the script's reach), taken
/// without running any Lua code, so nothing the script left behind runs
/// again here.
fn flush_prints(runtime: &mut Runtime<MemoryStore>) {
    match runtime.take_prints() {
        Ok(text) => {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(&text);
            let _ = err.flush();
        }
        Err(e) => eprintln!("luaxt: cannot read what the script printed: {e}"),
    }
}

/// Lua's loader skips a first line starting with `#`; `load` does not, so
/// blank it here (keeping the line count, so line numbers stay right).
fn skip_shebang(code: &str) -> &str {
    if code.starts_with('#') {
        match code.find('\n') {
            Some(at) => &code[at..],
            None => "",
        }
    } else {
        code
    }
}

fn state_error(path: &Path, e: RtError) -> anyhow::Error {
    match e {
        RtError::Io(io) => anyhow::Error::new(io).context(format!("state file {}", path.display())),
        RtError::Snapshot(SnapshotError::OverLimit {
            table,
            what,
            reason,
            ..
        }) => anyhow!(
            "state file {}: table {table}: a {what} is over this run's --max-depth or --max-size ({reason}): give the limits of the run that saved it",
            path.display()
        ),
        other => anyhow!("state file {}: {other}", path.display()),
    }
}

/// The runtime names chunks `compute`; show the script's name instead.
fn rename_chunk(text: &str, script: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("compute:") {
        let after = &rest[at + "compute:".len()..];
        let boundary = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        out.push_str(&rest[..at]);
        if boundary && after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(script);
            out.push(':');
        } else {
            out.push_str("compute:");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn script_error(script: &str, args: &RunArgs, e: RtError) -> anyhow::Error {
    match e {
        RtError::Lua { message, traceback } => {
            let message = rename_chunk(&message, script);
            match traceback {
                Some(tb) => anyhow!(
                    "lua error in {script}: {message}\n{}",
                    rename_chunk(&tb, script)
                ),
                None => anyhow!("lua error in {script}: {message}"),
            }
        }
        RtError::Memory(detail) => anyhow!(
            "{script}: memory limit of {} bytes exceeded ({detail}); raise it with --memory-limit",
            args.memory_limit
        ),
        RtError::Limit(LimitKind::Deadline) => anyhow!(
            "{script}: time limit of {}s exceeded; raise it with --time-limit",
            args.time_limit.unwrap_or_default().as_secs_f64()
        ),
        RtError::Limit(LimitKind::Instructions) => anyhow!(
            "{script}: instruction limit of {} exceeded; raise it with --instruction-limit (0 = none)",
            args.instruction_limit
        ),
        RtError::Limit(LimitKind::Store) => anyhow!(
            "{script}: store limit of {} bytes exceeded (keys and values, plus 64 bytes per entry and 256 per table); raise it with --store-limit (0 = none)",
            store_limit(args)
        ),
        other => anyhow!("{script}: {other}"),
    }
}

/// `--input-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputModeArg {
    /// Decoded into Lua tables.
    Copy,
    /// Read through a read-only view.
    View,
    /// A copy when the input fits well in the memory limit, else a view.
    Auto,
}

/// Copy, by `auto`, inputs whose LXT size times this fits in the memory
/// limit: on record data the decoded copy takes about 2.5 times the bytes
/// in the Lua heap, and the script needs room beside it.
const COPY_HEADROOM: usize = 4;

impl InputModeArg {
    /// The mode for an input of `encoded_len` bytes under a memory limit of
    /// `memory_limit` bytes (0: none, so always a copy). A copy is the
    /// fastest to walk; a view keeps the heap small whatever the input's
    /// size.
    fn resolve(self, encoded_len: usize, memory_limit: usize) -> InputMode {
        match self {
            InputModeArg::Copy => InputMode::Copy,
            InputModeArg::View => InputMode::View,
            InputModeArg::Auto => {
                if memory_limit == 0 || encoded_len <= memory_limit / COPY_HEADROOM {
                    InputMode::Copy
                } else {
                    InputMode::View
                }
            }
        }
    }
}

/// The store limit: `--store-limit`, or the memory limit, so that by
/// default what a script can grow in the store is bounded like its heap.
fn store_limit(args: &RunArgs) -> u64 {
    args.store_limit.unwrap_or(args.memory_limit) as u64
}

/// The last line of defence behind the runtime's deadline: a thread that
/// ends the process if the script is still running well past
/// `--time-limit`. The runtime stops every script at the limit it knows
/// of (the hook, the charges of the C libraries); this catches what it
/// does not, such as one VM instruction that compares two huge strings.
/// The state file is left as it was, as after any failed run.
struct Watchdog {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Watchdog {
    fn arm(limit: Duration, script: String) -> Watchdog {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watched = std::sync::Arc::clone(&done);
        let grace = (limit / 2).max(Duration::from_secs(1));
        std::thread::spawn(move || {
            std::thread::sleep(limit + grace);
            if !watched.load(std::sync::atomic::Ordering::SeqCst) {
                eprintln!(
                    "{script}: time limit of {}s exceeded; the script did not stop at the limit and was ended by the watchdog",
                    limit.as_secs_f64()
                );
                std::process::exit(ExitStatus::Invalid as i32);
            }
        });
        Watchdog { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_may_be_fractional() {
        assert_eq!(parse_secs("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_secs("0.5s"), Ok(Duration::from_millis(500)));
        assert!(parse_secs("0").is_err());
        assert!(parse_secs("-1").is_err());
        assert!(parse_secs("soon").is_err());
    }

    #[test]
    fn chunk_names_become_the_script_path() {
        assert_eq!(
            rename_chunk("compute:3: boom\n\tcompute:3: in main chunk", "job.lua"),
            "job.lua:3: boom\n\tjob.lua:3: in main chunk"
        );
        assert_eq!(rename_chunk("precompute:3", "x"), "precompute:3");
        assert_eq!(rename_chunk("compute: x", "x"), "compute: x");
    }

    #[test]
    fn shebang_lines_are_skipped() {
        assert_eq!(skip_shebang("#!/usr/bin/env luaxt\nreturn 1"), "\nreturn 1");
        assert_eq!(skip_shebang("return 1"), "return 1");
    }
}
