//! `luaxt inspect`: an annotated dump of an LXT document, written by
//! `luaxt_format::inspect` (which the WebAssembly build can use too), or of
//! a state file table by table (`state.rs`).

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use luaxt_format::DecodeOptions;

use crate::{ExitStatus, io as cli_io};

/// Arguments of `luaxt inspect`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each line shows the offset (decimal), the tag byte, and the item, indented by \
nesting. Table count fields get their own lines. Items that are valid but not \
canonical are marked. On a decode error the dump stops before the bad item and \
the error class, its offset and the bytes around it follow; the exit code is 2.

A state file of `luaxt run` (a runtime snapshot, spec §12, recognised by its \
magic LXTSNAP) is shown table by table, one entry a line, in the notation of \
the spec's examples: {10, name = \"Ada\", data = <bytes 00 FF>, home = <reference 3>}.

Examples:
  luaxt inspect value.lxt
  luaxt inspect .luaxt-state
  echo '06 01 00 00 00 02 0a 00 00 00 00 00 00 00 00 00 00 00' | luaxt inspect --hex -
  luaxt encode data.json | luaxt inspect -")]
pub struct InspectArgs {
    /// The LXT file, or `-` for stdin.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
    /// Read hex text (whitespace and `#` comments ignored) instead of raw bytes.
    #[arg(long)]
    pub hex: bool,
    /// Report noncanonical input as an error (strict decoding).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
    /// Show at most this many characters of a string and bytes of a bytes value.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub width: usize,
}

/// Runs `luaxt inspect`.
pub fn run(args: &InspectArgs) -> Result<ExitStatus> {
    let bytes = cli_io::read_lxt(Some(&args.file), args.hex)?;
    if crate::state::is_snapshot(&bytes) {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let status = crate::state::dump(&bytes, &args.limits.limits(), args.width, &mut out)?;
        out.flush()?;
        return Ok(status);
    }
    let options = DecodeOptions::new()
        .strict(args.strict)
        .limits(args.limits.limits());
    let dump = luaxt_format::inspect::inspect(&bytes, &options, args.width);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    out.write_all(dump.text.as_bytes())?;
    out.flush()?;
    Ok(match dump.verdict {
        Ok(_) => ExitStatus::Ok,
        Err(_) => ExitStatus::Invalid,
    })
}
