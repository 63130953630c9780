//! `luaxt conformance`: run the golden vectors against `luaxt-format` or a
//! JavaScript module.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use clap::Args;
use luaxt_conformance::{KNOWN_FAILURES_RUST, KnownFailures, LuaxtFormat, differential};

use crate::{ExitStatus, io as cli_io};

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
must be installed for that. MODULE is an ES module file, or the name of \
an npm package installed where the command runs, exporting \
serializeObject and deserializeObject.

--generate N runs N generated cases instead of the fixed vectors (--js \
only): seeded documents of every shape implementations treat specially \
and their mutations, each judged by luaxt-format and checked in the \
module like a vector. Each mismatch (at most 5) is minimised and printed \
as a vector line ready for conformance/vectors/. The seed is printed \
first; --seed S repeats a run. Exit code 1 on any mismatch.

Examples:
  luaxt conformance
  luaxt conformance --rust --filter keys.
  luaxt conformance --js format/js/src/index.js
  luaxt conformance --js luaxt-format          (a package installed here)
  luaxt conformance --js ./my-codec.mjs --known my-known-failures.txt
  luaxt conformance --js ./my-codec.mjs --generate 100000
  luaxt conformance --js ./my-codec.mjs --generate 100000 --seed 0x2a
  luaxt conformance --export lxt1-vectors.json   (every vector, one file)")]
pub struct ConformanceArgs {
    /// Check the JavaScript codec exported by MODULE (a path or package name).
    #[arg(long, value_name = "MODULE", conflicts_with = "rust")]
    pub js: Option<String>,
    /// Check the reference Rust codec, luaxt-format (the default).
    #[arg(long)]
    pub rust: bool,
    /// The JS runner script [default: the kit's conformance/js/run.mjs, built into luaxt].
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
    /// Run N generated cases against the JS module instead of the vectors.
    #[arg(long, value_name = "N", requires = "js", conflicts_with_all = ["filter", "known"])]
    pub generate: Option<u64>,
    /// The seed of a generated run (decimal or 0x hex) [default: random].
    #[arg(long, value_name = "S", requires = "generate", value_parser = parse_seed)]
    pub seed: Option<u64>,
    /// The JS driver of a generated run [default: the kit's conformance/js/differential.mjs, built into luaxt].
    #[arg(long, value_name = "DIFFERENTIAL.mjs", requires = "generate")]
    pub driver: Option<PathBuf>,
    /// Write every vector as one JSON file (`-` for stdout) and check
    /// nothing: what an implementation in another language reads.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["js", "rust", "filter", "known"])]
    pub export: Option<PathBuf>,
}

fn parse_seed(text: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|e| format!("not a u64: {e}"))
}

/// Runs `luaxt conformance`.
pub fn run(args: &ConformanceArgs) -> Result<ExitStatus> {
    if let Some(path) = &args.export {
        let text = luaxt_conformance::bundle::bundle_text();
        cli_io::Output::new(Some(path.clone())).write(text.as_bytes())?;
        return Ok(ExitStatus::Ok);
    }
    match (&args.js, args.generate) {
        (Some(module), Some(cases)) => run_generated(args, module, cases),
        (Some(module), None) => run_js(args, module),
        (None, _) => run_rust(args),
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

/// One of the kit's JS scripts, and the temporary directory it was written
/// to (if it is the built-in one), which must outlive the run.
struct JsScript {
    path: PathBuf,
    _kit: Option<tempfile::TempDir>,
}

/// One of the kit's JS scripts: the one given (`--runner`, `--driver`), or
/// the one built into luaxt (`luaxt_conformance::kit`), written with the
/// vectors into a temporary directory, so an installed luaxt needs no
/// source tree.
fn js_script(
    given: Option<&PathBuf>,
    built_in: fn(&luaxt_conformance::kit::KitPaths) -> &PathBuf,
    what: &str,
    flag: &str,
) -> Result<JsScript> {
    let Some(script) = given else {
        let dir = tempfile::Builder::new().prefix("luaxt-kit-").tempdir()?;
        let kit = luaxt_conformance::kit::write_kit(dir.path())
            .with_context(|| format!("cannot write the JS kit to {}", dir.path().display()))?;
        return Ok(JsScript {
            path: built_in(&kit).clone(),
            _kit: Some(dir),
        });
    };
    if !script.is_file() {
        return Err(cli_io::usage(format!(
            "the JS {what} {} does not exist: pass {flag}",
            script.display()
        )));
    }
    Ok(JsScript {
        path: script.clone(),
        _kit: None,
    })
}

/// A module argument as the JS side imports it: an existing path made
/// absolute (so the runner finds it whatever it resolves relative to),
/// anything else passed on as a package name, which the runner resolves
/// from the working directory (`importCodec` in conformance/js/lib.mjs).
fn module_specifier(module: &str) -> Result<String> {
    if Path::new(module).exists() {
        let path =
            std::fs::canonicalize(module).with_context(|| format!("cannot read {module}"))?;
        return Ok(path.display().to_string());
    }
    if module.starts_with('.') || module.starts_with('/') {
        return Err(cli_io::usage(format!("the module {module} does not exist")));
    }
    Ok(module.to_owned())
}

fn run_generated(args: &ConformanceArgs, module: &str, cases: u64) -> Result<ExitStatus> {
    let driver = js_script(
        args.driver.as_ref(),
        |kit| &kit.driver,
        "driver",
        "--driver PATH/TO/differential.mjs",
    )?;
    let seed = args.seed.unwrap_or_else(random_seed);
    println!(
        "generated differential: {cases} cases, seed 0x{seed:x} (repeat with --seed 0x{seed:x})"
    );
    let options = differential::Options {
        node: args.node.clone(),
        driver: driver.path.clone(),
        module: module_specifier(module)?,
        cases,
        seed,
        max_reports: 5,
    };
    let report = differential::run(&options).map_err(|e| {
        cli_io::usage(format!(
            "the differential run failed: {e} (is Node.js installed? --node PATH picks another)"
        ))
    })?;
    for (index, why) in &report.oracle_failures {
        println!("ORACLE case {index}: luaxt-format disagrees with itself: {why}");
    }
    for m in &report.mismatches {
        println!("MISMATCH case {} (minimised):", m.index);
        for f in &m.failures {
            println!(
                "  {}: expected {}, got {}",
                f["check"].as_str().unwrap_or("?"),
                f["expected"].as_str().unwrap_or("?"),
                f["actual"].as_str().unwrap_or("?")
            );
        }
        println!("  vector: {}", m.vector);
    }
    let classes: Vec<String> = report
        .classes
        .iter()
        .map(|(class, n)| format!("{n} {class}"))
        .collect();
    println!(
        "{} cases ({}; {} not statable under their limits) in {:.2} s: {:.0} cases/s",
        report.cases,
        classes.join(", "),
        report.unstatable,
        report.elapsed.as_secs_f64(),
        report.rate()
    );
    println!(
        "{} mismatches, {} oracle failures",
        report.mismatched,
        report.oracle_failures.len()
    );
    Ok(
        if report.mismatched == 0 && report.oracle_failures.is_empty() {
            ExitStatus::Ok
        } else {
            ExitStatus::Noncanonical
        },
    )
}

/// A seed from the clock and the process id: a new run each time.
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    nanos ^ (u64::from(std::process::id()) << 32)
}

fn run_js(args: &ConformanceArgs, module: &str) -> Result<ExitStatus> {
    let runner = js_script(
        args.runner.as_ref(),
        |kit| &kit.runner,
        "runner",
        "--runner PATH/TO/run.mjs",
    )?;
    let module = module_specifier(module)?;
    let mut command = Command::new(&args.node);
    command.arg(&runner.path).arg(&module);
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
