//! The generated differential run against a JavaScript module.
//!
//! Generated cases ([`crate::cases`]) are judged by luaxt-format
//! ([`crate::oracle`]) and streamed as vectors, one per line, to
//! `conformance/js/differential.mjs`, which runs the kit's JS checks
//! (decode lenient and strict, class and offset, the §8 value, re-encoding)
//! against the module and answers one line per vector. A writer thread
//! generates and judges while the main thread reads the answers, so Rust
//! and Node work side by side. Every mismatch is minimised
//! ([`crate::shrink`]) with the same Node process and returned as a vector
//! ready to commit.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::cases::{self, Case};
use crate::oracle::{Judged, judge};
use crate::shrink::shrink;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Node.js executable.
    pub node: PathBuf,
    /// `conformance/js/differential.mjs`.
    pub driver: PathBuf,
    /// The module under test: a path or a package name.
    pub module: String,
    /// How many cases.
    pub cases: u64,
    /// The run's seed (case `i` is `cases::case(seed, i)`).
    pub seed: u64,
    /// At most this many mismatches are minimised and reported.
    pub max_reports: usize,
}

/// A case the module gets wrong.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The case's index in the run.
    pub index: u64,
    /// The module's failures on the minimised case (JSON objects).
    pub failures: Vec<Json>,
    /// The minimised case as a vector, ready for `vectors/*.json`.
    pub vector: Json,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Cases judged and run.
    pub cases: u64,
    /// Cases whose canonical form does not fit their limits (not sent).
    pub unstatable: u64,
    /// Verdicts by class (`valid`, `noncanonical`, `invalid`).
    pub classes: std::collections::BTreeMap<String, u64>,
    /// Time from the first case to the last answer.
    pub elapsed: Duration,
    /// Mismatches, minimised (at most `max_reports`).
    pub mismatches: Vec<Mismatch>,
    /// How many cases mismatched in all.
    pub mismatched: u64,
    /// Cases on which luaxt-format disagreed with itself, with the reason.
    pub oracle_failures: Vec<(u64, String)>,
}

impl Report {
    /// Cases per second over the whole run.
    pub fn rate(&self) -> f64 {
        self.cases as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The line that ends the stream; the driver echoes it.
const END: &str = "#end";

fn vector_of(seed: u64, index: u64, case: &Case) -> Result<Judged, String> {
    let id = format!("generated.s{seed:x}.c{index}");
    judge(&id, &case.description(), &case.bytes(), case.limits)
}

/// Runs the differential; an `Err` is a failure to run Node or talk to it.
pub fn run(options: &Options) -> std::io::Result<Report> {
    let mut child = Command::new(&options.node)
        .arg(&options.driver)
        .arg(&options.module)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let stdin = child.stdin.take().expect("piped");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let (seed, count) = (options.seed, options.cases);
    let start = Instant::now();
    // The writer judges and sends; it hands back what the reader needs to
    // know about the cases it did not send.
    let writer = std::thread::spawn(move || -> std::io::Result<(ChildStdin, Vec<u64>, Report)> {
        let mut out = BufWriter::with_capacity(1 << 16, stdin);
        let mut sent = Vec::new();
        let mut report = Report::default();
        for index in 0..count {
            let case = cases::case(seed, index);
            match vector_of(seed, index, &case) {
                Ok(Judged::Vector(v)) => {
                    *report
                        .classes
                        .entry(v["class"].as_str().unwrap_or("?").to_owned())
                        .or_insert(0) += 1;
                    writeln!(out, "{v}")?;
                    sent.push(index);
                }
                Ok(Judged::Unstatable) => report.unstatable += 1,
                Err(why) => report.oracle_failures.push((index, why)),
            }
        }
        writeln!(out, "{END}")?;
        out.flush()?;
        let stdin = out.into_inner().map_err(|e| e.into_error())?;
        Ok((stdin, sent, report))
    });
    let mut failing = Vec::new();
    let mut answered = 0u64;
    let mut line = String::new();
    loop {
        line.clear();
        if stdout.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other(format!(
                "the JS driver exited after {answered} answers"
            )));
        }
        match line.trim() {
            END => break,
            "[]" => {}
            failures => failing.push((answered, failures.to_owned())),
        }
        answered += 1;
    }
    let (mut stdin, sent, mut report) = writer
        .join()
        .map_err(|_| std::io::Error::other("the case writer panicked"))??;
    report.elapsed = start.elapsed();
    report.cases = count;
    report.mismatched = failing.len() as u64;
    for (position, first_answer) in failing.into_iter().take(options.max_reports) {
        let index = sent[position as usize];
        let mismatch = minimise(seed, index, &first_answer, &mut stdin, &mut stdout)?;
        report.mismatches.push(mismatch);
    }
    drop(stdin);
    child.wait()?;
    Ok(report)
}

fn ask(
    stdin: &mut ChildStdin,
    stdout: &mut BufReader<ChildStdout>,
    vector: &Json,
) -> std::io::Result<Vec<Json>> {
    writeln!(stdin, "{vector}")?;
    stdin.flush()?;
    let mut line = String::new();
    if stdout.read_line(&mut line)? == 0 {
        return Err(std::io::Error::other(
            "the JS driver exited while minimising",
        ));
    }
    serde_json::from_str(&line).map_err(std::io::Error::other)
}

fn checks(failures: &[Json]) -> Vec<String> {
    failures
        .iter()
        .map(|f| f["check"].as_str().unwrap_or("?").to_owned())
        .collect()
}

/// Shrinks case `index` while the module still fails the same checks.
fn minimise(
    seed: u64,
    index: u64,
    first_answer: &str,
    stdin: &mut ChildStdin,
    stdout: &mut BufReader<ChildStdout>,
) -> std::io::Result<Mismatch> {
    let first: Vec<Json> = serde_json::from_str(first_answer).unwrap_or_default();
    let wanted = checks(&first);
    let mut io_error = None;
    let small = shrink(cases::case(seed, index), 2000, |candidate| {
        if io_error.is_some() {
            return false;
        }
        let Ok(Judged::Vector(v)) = vector_of(seed, index, candidate) else {
            return false;
        };
        match ask(stdin, stdout, &v) {
            Ok(failures) => checks(&failures).iter().any(|c| wanted.contains(c)),
            Err(e) => {
                io_error = Some(e);
                false
            }
        }
    });
    if let Some(e) = io_error {
        return Err(e);
    }
    let Ok(Judged::Vector(mut vector)) = vector_of(seed, index, &small) else {
        unreachable!("the minimised case was judged before")
    };
    vector["id"] = Json::from(format!("generated.found.s{seed:x}-c{index}"));
    vector["description"] = Json::from(format!(
        "found by the generated run (seed 0x{seed:x}, case {index}) and minimised; it began as {}",
        cases::case(seed, index).description()
    ));
    let failures = ask(stdin, stdout, &vector)?;
    Ok(Mismatch {
        index,
        failures,
        vector,
    })
}
