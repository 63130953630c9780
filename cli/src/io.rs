//! Reading inputs and writing outputs: files or `-` for stdin/stdout.

use std::fmt;
use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// An error in how the tool was called or in reaching a file: exit code 3.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A usage error as an `anyhow::Error`.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

/// Where an input comes from, for messages.
pub fn describe(path: Option<&Path>) -> String {
    match path {
        None => "<stdin>".to_owned(),
        Some(p) if p == Path::new("-") => "<stdin>".to_owned(),
        Some(p) => p.display().to_string(),
    }
}

fn is_stdin(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p == Path::new("-"))
}

/// Reads a whole file, or stdin for `None` or `-`.
pub fn read(path: Option<&Path>) -> Result<Vec<u8>> {
    if is_stdin(path) {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("cannot read <stdin>")?;
        return Ok(buf);
    }
    let path = path.unwrap_or(Path::new("-"));
    fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads text (UTF-8), or stdin for `None` or `-`.
pub fn read_text(path: Option<&Path>) -> Result<String> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (bad byte at offset {})",
            describe(path),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads LXT bytes: raw, or hex text with `hex`.
pub fn read_lxt(path: Option<&Path>, hex: bool) -> Result<Vec<u8>> {
    if hex {
        let text = read_text(path)?;
        crate::hex::parse(&text).with_context(|| format!("cannot read {}", describe(path)))
    } else {
        read(path)
    }
}

/// Where output goes: a file (written only when everything succeeded) or
/// stdout.
#[derive(Debug, Clone)]
pub struct Output {
    path: Option<PathBuf>,
}

impl Output {
    /// `None` or `-` is stdout.
    pub fn new(path: Option<PathBuf>) -> Self {
        let path = path.filter(|p| p != Path::new("-"));
        Output { path }
    }

    /// Whether this is stdout and stdout is a terminal.
    pub fn is_terminal(&self) -> bool {
        self.path.is_none() && io::stdout().is_terminal()
    }

    /// Writes all of `bytes`.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        match &self.path {
            Some(path) => {
                fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
            }
            None => {
                let mut out = io::stdout().lock();
                out.write_all(bytes)
                    .and_then(|()| out.flush())
                    .context("cannot write <stdout>")
            }
        }
    }
}
