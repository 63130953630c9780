//! `luaxt conformance`: run the golden vectors against `luaxt-format` or a
//! JavaScript module.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use clap::Args;
use luaxt_conformance::{KNOWN_FAILURES_RUST, KnownFailures, LuaxtFormat};

use crate::{ExitStatus, io as cli_io};

/// The JS runner in this repository, found from the crate's source folder.
const DEFAULT_RUNNER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../conformance/js/run.mjs");

/// Arguments of `luaxt conformance`.
#[derive(Debug, Args)]
#[command(after_help = "\
Runs every golden vector of the conformance kit (valid, noncanonical, \
invalid and encode-error vectors; spec sections 1-8) and prints each \
failure, then the line `N passed, M failed`. A failure whose id is in the \
known-failures list (for Rust, conformance/known-failures/rust.txt built \
into the kit; --known FILE for either) is marked and tolerated. Exit code 0 \
when nothing failed unexpectedly, 1 when something did or a listed id \
passes (stale), 3 when the runner could not be started.

--rust (the default) checks the reference Rust codec, luaxt-format, in \
process. --js MODULE checks a JavaScript codec: it runs \
`node conformance/js/run.mjs MODULE` from this repository (or the runner \
given with --runner) and passes its output and verdict through; Node.js \
must be installed for that. MODULE is an ES module file exporting \
serializeObject and deserializeObject.

Examples:
  luaxt conformance
  luaxt conformance --rust --filter keys.
  luaxt conformance --js runtime/js/src/codec.js
  luaxt conformance --js ./my-codec.mjs --known my-known-failures.txt")]
pub struct ConformanceArgs {
    /// Check the JavaScript codec exported by MODULE (a path or package name).
    #[arg(long, value_name = "MODULE", conflicts_with = "rust")]
    pub js: Option<String>,
    /// Check the reference Rust codec, luaxt-format (the default).
    #[arg(long)]
    pub rust: bool,
    /// The JS runner script [default: conformance/js/run.mjs of this repository].
    #[arg(long, value_name = "RUN.mjs", requires = "js")]
    pub runner: Option<PathBuf>,
    /// The Node.js executable.
    #[arg(long, value_name = "NODE", default_value = "node", requires = "js")]
    pub node: PathBuf,
    /// Only run vectors whose id starts with PREFIX (e.g. `values.str.`).
    #[arg(long, value_name = "PREFIX")]
    pub filter: Option<String>,
    /// Known-failures list: one vector id per line, `#` comments.
    #[arg(long, value_name = "FILE")]
    pub known: Option<PathBuf>,
}

/// Runs `luaxt conformance`.
pub fn run(args: &ConformanceArgs) -> Result<ExitStatus> {
    match &args.js {
        Some(module) => run_js(args, module),
        None => run_rust(args),
    }
}

fn run_rust(args: &ConformanceArgs) -> Result<ExitStatus> {
    let mut vectors = luaxt_conformance::vectors();
    if let Some(filter) = &args.filter {
        vectors.retain(|v| v.id.starts_with(filter.as_str()));
        if vectors.is_empty() {
            return Err(cli_io::usage(format!(
                "no vector id starts with {filter:?}"
            )));
        }
    }
    let (known, known_name) = match &args.known {
        Some(path) => (
            String::from_utf8_lossy(&cli_io::read(Some(path))?).into_owned(),
            path.display().to_string(),
        ),
        None => (
            KNOWN_FAILURES_RUST.to_owned(),
            "conformance/known-failures/rust.txt".to_owned(),
        ),
    };
    let mut known = KnownFailures::parse(&known);
    if args.filter.is_some() {
        // Entries outside the selection are not stale.
        let ids: Vec<String> = known.ids().map(str::to_owned).collect();
        let selected: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| vectors.iter().any(|v| v.id == *id))
            .collect();
        known = KnownFailures::parse(&selected.join("\n"));
    }
    let report = luaxt_conformance::run(&LuaxtFormat, &vectors);
    for failure in &report.failures {
        let mark = if known.contains(&failure.id) {
            "[known] "
        } else {
            ""
        };
        println!("{mark}{failure}");
    }
    let verdict = report.check(&known);
    if let Err(problems) = &verdict {
        for stale in problems.lines().filter(|l| l.starts_with("STALE ")) {
            println!("{stale} ({known_name})");
        }
    }
    println!("luaxt-format: {} vectors", vectors.len());
    println!("{}", report.summary());
    Ok(match verdict {
        Ok(()) => ExitStatus::Ok,
        Err(_) => ExitStatus::Noncanonical,
    })
}

fn run_js(args: &ConformanceArgs, module: &str) -> Result<ExitStatus> {
    let runner = args
        .runner
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_RUNNER));
    if !runner.is_file() {
        return Err(cli_io::usage(format!(
            "the JS runner {} does not exist: pass --runner PATH/TO/run.mjs",
            runner.display()
        )));
    }
    // The module is made absolute, so the runner finds it whatever it
    // resolves relative to.
    if !Path::new(module).is_file() {
        return Err(cli_io::usage(format!("the module {module} does not exist")));
    }
    let module = std::fs::canonicalize(module).with_context(|| format!("cannot read {module}"))?;
    let mut command = Command::new(&args.node);
    command.arg(&runner).arg(&module);
    if let Some(filter) = &args.filter {
        command.arg("--filter").arg(filter);
    }
    if let Some(known) = &args.known {
        command.arg("--known").arg(std::path::absolute(known)?);
    }
    let status = command.status().map_err(|e| {
        cli_io::usage(format!(
            "cannot start {}: {e} (is Node.js installed? --node PATH picks another)",
            args.node.display()
        ))
    })?;
    Ok(match status.code() {
        Some(0) => ExitStatus::Ok,
        Some(1) => ExitStatus::Noncanonical,
        // The runner's usage error (a module without the two exports).
        Some(2) => ExitStatus::Usage,
        _ => ExitStatus::Invalid,
    })
}
