//! `luaxt decode`: LXT → JSON.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use luaxt_format::DecodeOptions;

use crate::progress::Progress;
use crate::{ExitStatus, io as cli_io};

/// Output formats of `decode`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum To {
    /// JSON: the JS mapping of spec §8, or the typed notation of §7 with --typed.
    Json,
}

/// Arguments of `luaxt decode`.
#[derive(Debug, Args)]
#[command(after_help = "\
Plain JSON (the spec's JavaScript mapping, §8): nil → null, integers → numbers \
(exact, even beyond 2^53), floats → numbers written with a '.' or exponent so \
they read back as floats (5.0, -0.0), strings → strings, a table with only an \
array part → array (the empty table → []), a table with only string keys → \
object (keys in canonical order). What plain JSON cannot carry is an error \
that names its JSON path: NaN and ±Infinity, bytes, references, and tables \
with holes, integer or other non-string keys, or both parts. --typed writes \
the lossless typed notation (§7) instead, which carries every value.

A decode error prints its class and offset (see `luaxt inspect` for the \
bytes around it) and exits with 2.

Examples:
  luaxt decode state.lxt
  luaxt decode --typed state.lxt -o state.json
  luaxt encode data.json | luaxt decode --strict")]
pub struct DecodeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub to: To,
    /// Write the typed JSON notation (spec §7) instead of plain JSON.
    #[arg(long)]
    pub typed: bool,
    /// Reject valid but noncanonical input (class `noncanonical`).
    #[arg(long)]
    pub strict: bool,
    /// Read hex text (whitespace and `#` comments ignored) instead of raw bytes.
    #[arg(long)]
    pub hex: bool,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
    /// Write JSON on one line instead of indented.
    #[arg(long)]
    pub compact: bool,
    /// Input file (default: stdin; `-` is stdin).
    #[arg(value_name = "IN")]
    pub input: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// Runs `luaxt decode`.
pub fn run(args: &DecodeArgs) -> Result<ExitStatus> {
    let To::Json = args.to;
    let name = cli_io::describe(args.input.as_deref());
    let progress = Progress::start(format!("reading {name}"));
    let bytes = cli_io::read_lxt(args.input.as_deref(), args.hex)?;
    progress.set(format!("decoding {name}"));
    let value = DecodeOptions::new()
        .strict(args.strict)
        .limits(args.limits.limits())
        .decode_ref(&bytes)
        .map_err(|e| crate::decode_error(&name, &bytes, &e))?;
    progress.set("converting");
    let dialect = luaxt_json::Dialect::from_typed_flag(args.typed);
    // Written as it is made: to a file, the text is never whole in memory.
    cli_io::Output::new(args.output.clone()).write_with(|out| {
        Ok(luaxt_json::write_json_text(
            &value,
            dialect,
            args.compact,
            out,
        )?)
    })?;
    drop(progress);
    Ok(ExitStatus::Ok)
}
