//! `luaxt encode`: JSON → LXT.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use luaxt_json::{Dialect, json_to_lxt};

use crate::progress::Progress;
use crate::{ExitStatus, hex, io as cli_io};

/// Input formats of `encode`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum From {
    /// JSON: the JS mapping of spec §8, or the typed notation of §7 with --typed.
    Json,
}

/// Arguments of `luaxt encode`.
#[derive(Debug, Args)]
#[command(after_help = "\
Plain JSON follows the spec's JavaScript mapping (§8), with one difference: \
a number written without fraction or exponent that fits in i64 becomes an \
LXT integer exactly (JS would make integers beyond 2^53 floats); every other \
number (1.0, 1e3, 2^64) becomes a float. Objects become tables with string \
keys, arrays become tables with keys 1..n, null in an array is a hole, null \
as an object member leaves the member out, and an object with the same key \
twice is an error. --typed reads the lossless typed \
notation (§7): {\"int\": \"-12\"}, {\"float\": \"0x3ff8000000000000\"}, \
{\"str\": \"a\"}, {\"bytes\": \"00ff\"}, {\"ref\": 7}, \
{\"table\": {\"array\": [...], \"hash\": [[k, v], ...]}}.

The output is canonical LXT. Binary output is not written to a terminal: use \
-o FILE, a pipe, or --hex.

Examples:
  luaxt encode data.json -o data.lxt
  echo '{\"name\": \"luaxt\", \"tags\": [1, 2]}' | luaxt encode --hex
  luaxt encode --typed vector.json -o value.lxt")]
pub struct EncodeArgs {
    /// Input format.
    #[arg(long, value_enum, default_value = "json")]
    pub from: From,
    /// Read the typed JSON notation (spec §7) instead of plain JSON.
    #[arg(long)]
    pub typed: bool,
    /// Input file (default: stdin; `-` is stdin).
    #[arg(value_name = "IN")]
    pub input: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write hex text (spaced, 32 bytes a line) instead of raw bytes.
    #[arg(long)]
    pub hex: bool,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
}

/// Runs `luaxt encode`.
pub fn run(args: &EncodeArgs) -> Result<ExitStatus> {
    let From::Json = args.from;
    let output = cli_io::Output::new(args.output.clone());
    if !args.hex && output.is_terminal() {
        return Err(cli_io::usage(
            "refusing to write binary LXT to a terminal: use -o FILE, a pipe, or --hex",
        ));
    }
    let name = cli_io::describe(args.input.as_deref());
    let progress = Progress::start(format!("reading {name}"));
    let text = cli_io::read_text(args.input.as_deref())?;
    progress.set(format!("converting JSON from {name}"));
    let dialect = Dialect::from_typed_flag(args.typed);
    let bytes = json_to_lxt(&text, &name, dialect, &args.limits.limits())?;
    drop(text);
    drop(progress);
    if args.hex {
        output.write(hex::lines(&bytes).as_bytes())?;
    } else {
        output.write(&bytes)?;
    }
    Ok(ExitStatus::Ok)
}
