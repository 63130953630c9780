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

/// Where output goes: a file or stdout, written only when everything
/// succeeded.
///
/// A regular file (or a new one) is written to a temporary file beside
/// it, renamed over it at the end: an error half-way (a value with no
/// JSON form, a full disk) leaves the file as it was. The new file keeps
/// the old one's permissions, or gets those a new file gets. Anything
/// else (stdout, a pipe, a device, a symbolic link, which a rename would
/// replace instead of following, or a file in a directory where no new
/// file can be made) gets the whole output at once, gathered in memory
/// first.
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

    /// Writes what `write` writes to the [`Sink`]; nothing at all if it
    /// fails.
    pub fn write_with(&self, write: impl FnOnce(&mut Sink) -> Result<()>) -> Result<()> {
        if let Some((path, temp)) = self.replaceable() {
            return replace(path, temp, write);
        }
        let mut sink = Sink::to(Dest::Memory);
        write(&mut sink)?;
        self.write_in_place(&sink.buf)
    }

    /// Writes what `write` writes as it goes, for output `write` cannot
    /// fail to make half-way (it was checked before, say by a run into
    /// [`io::sink`]): a regular or new file as [`Output::write_with`] does,
    /// anything else (stdout, a pipe, a device) straight through, a chunk
    /// at a time. The output is never whole in memory, so its size is
    /// bounded by the destination only; an error of the destination half-way
    /// leaves there what was written before it.
    pub fn stream(&self, write: impl FnOnce(&mut Sink) -> Result<()>) -> Result<()> {
        if let Some((path, temp)) = self.replaceable() {
            return replace(path, temp, write);
        }
        let (dest, name): (Box<dyn Write>, String) = match &self.path {
            Some(path) => {
                let file = fs::File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                (Box::new(file), path.display().to_string())
            }
            None => (Box::new(io::stdout()), "<stdout>".into()),
        };
        Sink::to(Dest::Direct(dest)).run(write, &name)?;
        Ok(())
    }

    /// The output file and a temporary file beside it to write instead,
    /// when a rename can replace it. A directory no file can be added to
    /// still lets a file in it be written in place.
    fn replaceable(&self) -> Option<(&Path, tempfile::NamedTempFile)> {
        let path = self.path.as_deref()?;
        if !is_replaceable(path) {
            return None;
        }
        Some((path, temp_file_beside(path).ok()?))
    }

    /// Writes all of `bytes`.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        self.write_with(|out| Ok(out.write_all(bytes)?))
    }

    /// Writes `bytes` to the path itself or to stdout.
    fn write_in_place(&self, bytes: &[u8]) -> Result<()> {
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

/// Whether `e` is a write to a pipe whose reader has gone (`| head`):
/// the reader took what it wanted, and the command succeeded.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Whether `path` is a regular file or nothing yet (not a link, a pipe or
/// a device): what a rename can replace as a write would.
fn is_replaceable(path: &Path) -> bool {
    match fs::symlink_metadata(path) {
        Ok(meta) => meta.file_type().is_file(),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

/// A new file in `path`'s directory, with `path`'s permissions if it
/// exists, else those a new file gets.
fn temp_file_beside(path: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".luaxt-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // What `File::create` gives: 0666 less the umask, which the
        // system applies when the file is created.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir)?;
    if let Ok(meta) = fs::metadata(path) {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    Ok(temp)
}

/// Writes through `temp`, renamed over `path` once `write` succeeded; on
/// any error `temp` goes (errors as [`Sink::run`] reports them).
fn replace(
    path: &Path,
    temp: tempfile::NamedTempFile,
    write: impl FnOnce(&mut Sink) -> Result<()>,
) -> Result<()> {
    let name = path.display().to_string();
    if let Dest::Temp(temp) = Sink::to(Dest::Temp(temp)).run(write, &name)? {
        temp.persist(path)
            .with_context(|| format!("cannot write {name}"))?;
    }
    Ok(())
}

/// Where a [`Sink`] passes its chunks on.
enum Dest {
    /// Nowhere: the caller takes the whole output at the end.
    Memory,
    /// A temporary file, renamed over the output at the end.
    Temp(tempfile::NamedTempFile),
    /// The output itself (stdout, a pipe, a device).
    Direct(Box<dyn Write>),
}

/// What [`Output::write_with`] and [`Output::stream`] write to: memory,
/// passed on to the destination a chunk at a time when there is one.
/// Small writes (a JSON token) are one copy, with no call through a trait
/// object.
pub struct Sink {
    buf: Vec<u8>,
    dest: Dest,
    /// The first error of the destination, reported as its own.
    error: Option<io::Error>,
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sink")
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl Sink {
    /// Bytes gathered before they go to the destination.
    const CHUNK: usize = 1 << 20;

    fn to(dest: Dest) -> Sink {
        let buf = match dest {
            Dest::Memory => Vec::new(),
            _ => Vec::with_capacity(Sink::CHUNK),
        };
        Sink {
            buf,
            dest,
            error: None,
        }
    }

    /// Runs `write` into this sink and flushes it; its destination, for
    /// the caller to finish. An error of the destination is reported as
    /// `name`'s, whatever `write` made of it; any other error of `write`
    /// is passed on as it is.
    fn run(mut self, write: impl FnOnce(&mut Sink) -> Result<()>, name: &str) -> Result<Dest> {
        let written = write(&mut self).and_then(|()| Ok(self.flush()?));
        if let Some(e) = self.error {
            return Err(e).with_context(|| format!("cannot write {name}"));
        }
        written.map(|()| self.dest)
    }

    /// Writes what was gathered to the destination, if there is one.
    fn pass_on(&mut self) -> io::Result<()> {
        let result = match &mut self.dest {
            Dest::Memory => return Ok(()),
            // Through the `File`: tempfile's own writer would add the
            // temporary file's name, which the user never sees otherwise.
            Dest::Temp(temp) => temp.as_file_mut().write_all(&self.buf),
            Dest::Direct(out) => out.write_all(&self.buf).and_then(|()| out.flush()),
        };
        self.buf.clear();
        if let Err(e) = &result
            && self.error.is_none()
        {
            self.error = Some(io::Error::new(e.kind(), e.to_string()));
        }
        result
    }
}

impl Write for Sink {
    #[inline]
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    #[inline]
    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Sink::CHUNK && !matches!(self.dest, Dest::Memory) {
            self.pass_on()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.pass_on()
    }
}
