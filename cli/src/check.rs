//! `luaxt check`: validate LXT files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use luaxt_format::{Canonicity, DecodeOptions};

use crate::{ExitStatus, io as cli_io};

/// Arguments of `luaxt check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Prints one line per file:
  FILE: ok (canonical, N bytes)
  FILE: noncanonical (valid; first noncanonical item at offset X)
  FILE: invalid: CLASS at offset X: message
  FILE: error: cannot read ...

Exit code (the worst over all files):
  0  every file is valid and canonical
  1  every file is valid, some are not canonical (without --strict)
  2  some file is invalid (with --strict, noncanonical counts as invalid,
     class `noncanonical`)
  3  usage error, or a file could not be read

Examples:
  luaxt check state.lxt
  luaxt check --strict vectors/*.lxt
  printf '\\x00' | luaxt check -")]
pub struct CheckArgs {
    /// LXT files; `-` reads stdin.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Treat valid but noncanonical files as invalid.
    #[arg(long)]
    pub strict: bool,
    /// Read hex text (whitespace and `#` comments ignored) instead of raw bytes.
    #[arg(long)]
    pub hex: bool,
    #[command(flatten)]
    pub limits: crate::limits::LimitArgs,
}

/// Runs `luaxt check`.
pub fn run(args: &CheckArgs) -> Result<ExitStatus> {
    let mut worst = ExitStatus::Ok;
    let options = DecodeOptions::new()
        .strict(args.strict)
        .limits(args.limits.limits());
    for file in &args.files {
        let name = cli_io::describe(Some(file));
        let progress = crate::progress::Progress::start(format!("checking {name}"));
        let (line, status) = match cli_io::read_lxt(Some(file), args.hex) {
            Err(e) => {
                let status = if e.chain().any(|c| c.is::<std::io::Error>()) {
                    ExitStatus::Usage
                } else {
                    ExitStatus::Invalid
                };
                (format!("error: {e:#}"), status)
            }
            Ok(bytes) => match options.check(&bytes) {
                Ok(Canonicity::Canonical) => (
                    format!("ok (canonical, {} bytes)", bytes.len()),
                    ExitStatus::Ok,
                ),
                Ok(Canonicity::Noncanonical { offset }) => (
                    format!("noncanonical (valid; first noncanonical item at offset {offset})"),
                    ExitStatus::Noncanonical,
                ),
                Err(e) => {
                    let hint = if crate::state::is_snapshot(&bytes) {
                        format!("; {}", crate::state::HINT)
                    } else {
                        String::new()
                    };
                    let line = format!(
                        "invalid: {}{hint}",
                        luaxt_format::inspect::describe_error(&e)
                    );
                    (line, ExitStatus::Invalid)
                }
            },
        };
        // Clear the progress line before printing.
        drop(progress);
        println!("{name}: {line}");
        worst = worst.max(status);
    }
    Ok(worst)
}
