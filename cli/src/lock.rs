//! The lock that makes `luaxt run`'s load → run → save of one state file
//! exclusive, so two runs never lose each other's updates (spec §12.7).
//!
//! The lock is an advisory lock (`flock` on Unix, `LockFileEx` on Windows,
//! through std's `File::lock`) on a lock file beside the state file,
//! `.NAME.lock`. Not on the state file itself: a save replaces the state
//! file by a rename, so a lock on it would guard an inode that is no
//! longer the state file. The operating system releases the lock when the
//! process ends, however it ends, so a killed run never leaves the state
//! locked.
//!
//! The lock file stays while a state file exists. A run that leaves no
//! state file (a script that keeps nothing in `_home`) removes it, so a
//! stateless run leaves nothing behind. That is safe because a lock counts
//! only once its holder has checked that the path still names the file it
//! locked: a run that locked a lock file just removed starts over with the
//! new one.

use std::fmt;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The error of a run that finds the state file locked and may not wait.
#[derive(Debug)]
pub struct StateInUse {
    /// The state file.
    pub state: PathBuf,
}

impl fmt::Display for StateInUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "state file {} is in use by another luaxt run (use --wait to wait for it)",
            self.state.display()
        )
    }
}

impl std::error::Error for StateInUse {}

/// An exclusive lock on a state file, released when dropped.
#[derive(Debug)]
pub struct StateLock {
    file: File,
    path: PathBuf,
}

/// `.NAME.lock` beside `state`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(state.file_name().unwrap_or(state.as_os_str()));
    name.push(".lock");
    state.with_file_name(name)
}

impl StateLock {
    /// Locks `state`. When another run holds the lock: with `wait`, calls
    /// `waiting` once and blocks until the lock is free; without it, fails
    /// at once with [`StateInUse`].
    pub fn acquire(state: &Path, wait: bool, mut waiting: impl FnMut()) -> Result<StateLock> {
        let path = lock_path(state);
        let mut told = false;
        loop {
            let file = open(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) if wait => {
                    if !told {
                        waiting();
                        told = true;
                    }
                    file.lock()
                        .with_context(|| format!("cannot lock {}", path.display()))?;
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(StateInUse {
                        state: state.to_path_buf(),
                    }
                    .into());
                }
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
            if still_named(&file, &path)? {
                return Ok(StateLock { file, path });
            }
            // The holder removed the file we locked; lock the new one.
        }
    }

    /// Removes the lock file and releases the lock: for a run that leaves
    /// no state file behind. A run waiting on the removed file starts over
    /// (see the module docs).
    pub fn remove(self) -> Result<()> {
        match fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("cannot remove {}", self.path.display()));
            }
        }
        drop(self.file);
        Ok(())
    }
}

/// Opens (or creates) the lock file without following a symlink at its
/// name. Read-only when the file is someone else's and not writable: a
/// lock needs no write access.
fn open(path: &Path) -> Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true);
    no_follow(&mut options);
    let opened = options.open(path).or_else(|e| {
        if e.kind() == io::ErrorKind::PermissionDenied {
            let mut options = OpenOptions::new();
            options.read(true);
            no_follow(&mut options);
            options.open(path)
        } else {
            Err(e)
        }
    });
    opened.map_err(|e| {
        if is_symlink_error(&e) {
            anyhow::anyhow!(
                "lock file {} is a symlink; luaxt does not follow one there (remove it if you did not make it)",
                path.display()
            )
        } else {
            anyhow::Error::new(e).context(format!("cannot open lock file {}", path.display()))
        }
    })
}

#[cfg(unix)]
fn no_follow(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(libc::O_NOFOLLOW);
}

#[cfg(not(unix))]
fn no_follow(_options: &mut OpenOptions) {}

#[cfg(unix)]
fn is_symlink_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_symlink_error(_e: &io::Error) -> bool {
    false
}

/// Whether `path` still names the file `file` has open.
#[cfg(unix)]
fn still_named(file: &File, path: &Path) -> Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let open = file.metadata()?;
    match fs::symlink_metadata(path) {
        Ok(named) => Ok(named.dev() == open.dev() && named.ino() == open.ino()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot check {}", path.display())),
    }
}

/// Windows does not let a file that is open be removed unless opened for
/// it, which std does not do: the file locked is the file named.
#[cfg(not(unix))]
fn still_named(_file: &File, _path: &Path) -> Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_is_a_hidden_sibling() {
        assert_eq!(
            lock_path(Path::new("dir/counter.state")),
            Path::new("dir/.counter.state.lock")
        );
        assert_eq!(
            lock_path(Path::new(".luaxt-state")),
            Path::new("..luaxt-state.lock")
        );
    }

    #[test]
    fn a_second_lock_is_refused_or_waits() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s");
        let first = StateLock::acquire(&state, false, || {}).unwrap();
        let err = StateLock::acquire(&state, false, || {}).unwrap_err();
        assert!(err.is::<StateInUse>(), "{err:#}");
        assert_eq!(
            err.to_string(),
            format!(
                "state file {} is in use by another luaxt run (use --wait to wait for it)",
                state.display()
            )
        );

        // A waiter opens the lock file, finds it locked and says so (once).
        let (told, heard) = std::sync::mpsc::channel();
        let waiter = {
            let state = state.clone();
            std::thread::spawn(move || {
                StateLock::acquire(&state, true, || told.send(()).unwrap()).unwrap()
            })
        };
        heard.recv().unwrap();
        // The holder removes the file the waiter has open: the waiter gets
        // the lock of a file no longer named, must notice, and lock the new
        // one, so a third run finds the state locked.
        first.remove().unwrap();
        let second = waiter.join().unwrap();
        assert!(heard.try_recv().is_err(), "told once");
        assert!(lock_path(&state).exists());
        let err = StateLock::acquire(&state, false, || {}).unwrap_err();
        assert!(err.is::<StateInUse>(), "{err:#}");
        drop(second);
        StateLock::acquire(&state, false, || {}).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_lock_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s");
        let target = dir.path().join("target");
        std::os::unix::fs::symlink(&target, lock_path(&state)).unwrap();
        let err = StateLock::acquire(&state, false, || {}).unwrap_err();
        assert!(err.to_string().contains("is a symlink"), "{err:#}");
        assert!(!target.exists());
    }
}
