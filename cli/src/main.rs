//! `luaxt`: inspect, convert, check and run LXT 1 data from the command line.

mod check;
mod conformance;
mod decode;
mod encode;
mod hex;
mod inspect;
mod io;
mod limits;
mod lock;
mod progress;
mod run;
mod state;

use std::process::ExitCode;
use std::sync::LazyLock;

use clap::{CommandFactory, Parser, Subcommand};

/// How a command ended; the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// 0: success (valid and canonical, for `check`).
    Ok = 0,
    /// 1: valid but noncanonical (`check`), or failures (`conformance`).
    Noncanonical = 1,
    /// 2: invalid input: bad LXT or JSON, a Lua error, a limit hit.
    Invalid = 2,
    /// 3: usage or I/O error.
    Usage = 3,
    /// 4: `run`: the state file is in use by another run (without `--wait`).
    InUse = 4,
}

/// What `--version` prints after the name: this crate's version and the
/// format version luaxt-format reads and writes, `0.1.0 (LXT 1)`.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "{} ({})",
        env!("CARGO_PKG_VERSION"),
        luaxt_format::FORMAT_VERSION
    )
});

#[derive(Debug, Parser)]
#[command(
    name = "luaxt",
    version = VERSION.as_str(),
    about = "Inspect, convert, check and run LXT 1 data",
    long_about = "Inspect, convert, check and run LXT 1 data: the type-tagged binary value \
format shared by Lua, Rust and JavaScript (see spec/ in the repository).",
    after_help = "\
Exit codes:
  0  success
  1  check: valid but noncanonical; conformance: some vectors failed
  2  invalid input (LXT, JSON, typed JSON), a Lua error or a limit hit
  3  usage error or I/O error (a missing file, say)
  4  run: the state file is in use by another luaxt run (see --wait)

Examples:
  luaxt inspect state.lxt
  luaxt encode data.json -o data.lxt && luaxt decode data.lxt
  luaxt check --strict *.lxt
  luaxt run examples/stats/stats.lua --input examples/stats/data.json
  luaxt conformance --rust
  luaxt completions bash > /etc/bash_completion.d/luaxt
  luaxt man | man -l -"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Annotated dump of an LXT document: offsets, tags, values, errors.
    Inspect(inspect::InspectArgs),
    /// Convert JSON (plain or typed) to LXT.
    Encode(encode::EncodeArgs),
    /// Convert LXT to JSON (plain or typed).
    Decode(decode::DecodeArgs),
    /// Validate LXT files; the exit code tells canonical, noncanonical, invalid.
    Check(check::CheckArgs),
    /// Run a Lua script in the sandbox: JSON in, JSON out, `_home` in a state file.
    Run(run::RunArgs),
    /// Run the golden vectors against luaxt-format or a JavaScript codec.
    Conformance(conformance::ConformanceArgs),
    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  luaxt completions bash > ~/.local/share/bash-completion/completions/luaxt
  luaxt completions zsh > ~/.zfunc/_luaxt
  luaxt completions fish > ~/.config/fish/completions/luaxt.fish")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): luaxt's, or one subcommand's.
    #[command(after_help = "\
Examples:
  luaxt man > ~/.local/share/man/man1/luaxt.1
  luaxt man run > ~/.local/share/man/man1/luaxt-run.1
  luaxt man | man -l -")]
    Man {
        /// The subcommand whose page to print (default: the tool's).
        subcommand: Option<String>,
    },
}

/// Writes the man page of `luaxt`, or of `luaxt SUBCOMMAND`, to stdout.
fn print_man_page(subcommand: Option<&str>) -> anyhow::Result<ExitStatus> {
    let tool = Cli::command();
    let page = match subcommand {
        None => tool,
        Some(name) => {
            let Some(sub) = tool.find_subcommand(name) else {
                return Err(io::usage(format!(
                    "no subcommand {name:?}: see luaxt --help"
                )));
            };
            // The page's name is the command a reader types.
            sub.clone()
                .name(format!("luaxt-{name}"))
                .version(VERSION.as_str())
        }
    };
    let mut text = Vec::new();
    clap_mangen::Man::new(page).render(&mut text)?;
    io::Output::new(None).write(&text)?;
    Ok(ExitStatus::Ok)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                ExitStatus::Usage as u8
            } else {
                0
            });
        }
    };
    let result = match &cli.command {
        Command::Inspect(args) => inspect::run(args),
        Command::Encode(args) => encode::run(args),
        Command::Decode(args) => decode::run(args),
        Command::Check(args) => check::run(args),
        Command::Run(args) => run::run(args),
        Command::Conformance(args) => conformance::run(args),
        Command::Completions { shell } => {
            // Into a buffer first: clap_complete panics on a write error,
            // and a reader that stops early (`| head`) is not one.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "luaxt", &mut script);
            io::Output::new(None)
                .write(&script)
                .map(|()| ExitStatus::Ok)
        }
        Command::Man { subcommand } => print_man_page(subcommand.as_deref()),
    };
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            if io::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("luaxt: {e:#}");
            ExitCode::from(exit_status(&e) as u8)
        }
    }
}

/// The exit status for an error: a state file in use is 4, usage and I/O
/// errors are 3, the rest 2.
fn exit_status(e: &anyhow::Error) -> ExitStatus {
    if e.chain().any(|c| c.is::<lock::StateInUse>()) {
        return ExitStatus::InUse;
    }
    let usage = e
        .chain()
        .any(|c| c.is::<io::UsageError>() || c.is::<std::io::Error>());
    if usage {
        ExitStatus::Usage
    } else {
        ExitStatus::Invalid
    }
}

/// A decode error with its class and offset, for messages.
pub fn decode_error(name: &str, bytes: &[u8], e: &luaxt_format::Error) -> anyhow::Error {
    if state::is_snapshot(bytes) {
        return anyhow::anyhow!(
            "invalid LXT in {name}: {}; {}",
            luaxt_format::inspect::describe_error(e),
            state::HINT
        );
    }
    anyhow::anyhow!(
        "invalid LXT in {name}: {}",
        luaxt_format::inspect::describe_error(e)
    )
}
