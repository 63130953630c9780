//! Atomic snapshot files (native only: the `fs` feature).
//!
//! The policy (spec §12.6), and why:
//!
//! - The new content goes to a **fresh temporary file in the same
//!   directory**, named `.NAME.XXXXXX.tmp` (six random letters and digits)
//!   and created exclusively (`O_CREAT | O_EXCL`). Exclusive creation never
//!   follows a symlink and never opens a file someone else made, so a link
//!   planted at a guessable name cannot redirect the write, and two savers
//!   never share a temporary file. The same directory keeps the rename on
//!   one file system.
//! - The temporary file gets the **permission bits of the file it replaces**
//!   (a 0600 state file stays 0600); a new state file is created 0600, since
//!   state is private to its owner until they say otherwise.
//! - It is **fsynced**, **renamed over** the target and the **directory is
//!   fsynced**, so after a crash the path holds the old complete file or
//!   the new complete file, never a mix and never an empty file.
//! - If the target path is a **symlink, the link itself is replaced** by
//!   the new file; the file it pointed to is left as it was. Writing
//!   through the link would let whoever can create a link in the directory
//!   make the saver overwrite any file the saver may write.
//!
//! A process killed between creating the temporary file and the rename
//! leaves that file behind; [`stale_temps`] finds such files for a caller
//! that knows no other save of the same path is under way.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Random letters and digits in a temporary file's name.
const RANDOM_CHARS: usize = 6;
/// The end of every temporary file's name.
const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically (see [`write_atomic_with`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Creates a new temporary file beside `path` (see the module docs), lets
/// `write` fill it, gives it the permissions of the file it replaces,
/// fsyncs it, renames it over `path` and fsyncs the directory. If `write`
/// or any step before the rename fails, the temporary file is removed and
/// `path` is untouched.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    write_atomic_in(path, RANDOM_CHARS, write)
}

/// [`write_atomic_with`] with `random` random characters in the temporary
/// name (the unit tests use none, to know the name in advance).
fn write_atomic_in(
    path: &Path,
    random: usize,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    let dir = parent_dir(path);
    // `symlink_metadata`: the permissions of a symlink's target are not
    // the state file's (a planted link must not choose them).
    let permissions = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Some(meta.permissions()),
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    // tempfile creates the file with O_CREAT | O_EXCL and mode 0600, and
    // deletes it when dropped before `persist`.
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix(path)?)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(random)
        .tempfile_in(dir)?;
    write(temp.as_file_mut())?;
    if let Some(permissions) = permissions {
        temp.as_file().set_permissions(permissions)?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Temporary files of `path` that a killed save left behind: the entries
/// of its directory named like [`write_atomic_with`]'s temporary files
/// (`.NAME.XXXXXX.tmp`). Removing one is safe only while no other save of
/// `path` can be under way (the CLI holds its lock on the state file then);
/// otherwise that save's rename would fail.
pub fn stale_temps(path: &Path) -> io::Result<Vec<PathBuf>> {
    let prefix = temp_prefix(path)?;
    let dir = parent_dir(path);
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if is_temp_name(&prefix, &entry.file_name()) {
            found.push(entry.path());
        }
    }
    Ok(found)
}

/// `.NAME.`: the start of the temporary files of `path`.
fn temp_prefix(path: &Path) -> io::Result<OsString> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    Ok(prefix)
}

/// Whether `name` is `prefix`, [`RANDOM_CHARS`] letters or digits and
/// [`TEMP_SUFFIX`].
fn is_temp_name(prefix: &OsStr, name: &OsStr) -> bool {
    name.as_encoded_bytes()
        .strip_prefix(prefix.as_encoded_bytes())
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX.as_bytes()))
        .is_some_and(|random| {
            random.len() == RANDOM_CHARS && random.iter().all(u8::is_ascii_alphanumeric)
        })
}

/// The directory `path` is in (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Makes the rename durable: without it a crash can forget the new
/// directory entry even though the file's content reached the disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_match_only_the_pattern() {
        let prefix = temp_prefix(Path::new("dir/state.lxts")).unwrap();
        assert_eq!(prefix, ".state.lxts.");
        let yes = |name: &str| is_temp_name(&prefix, OsStr::new(name));
        assert!(yes(".state.lxts.a1B2c3.tmp"));
        assert!(!yes(".state.lxts.tmp"), "the old fixed name");
        assert!(!yes(".state.lxts.a1B2c.tmp"));
        assert!(!yes(".state.lxts.a1B2c3d.tmp"));
        assert!(!yes(".state.lxts.a1-2c3.tmp"));
        assert!(!yes(".other.a1B2c3.tmp"));
        assert!(!yes("state.lxts"));
        assert!(temp_prefix(Path::new("/")).is_err());
    }

    /// With no random characters the temporary name is known in advance:
    /// a symlink planted there makes the save fail and is not followed.
    #[cfg(unix)]
    #[test]
    fn a_link_at_the_temporary_name_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state");
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(".state..tmp")).unwrap();
        let err = write_atomic_in(&path, 0, |file| file.write_all(b"snapshot")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(!path.exists());
        // A dangling link is not followed either (no file is created).
        let nowhere = dir.path().join("nowhere");
        fs::remove_file(dir.path().join(".state..tmp")).unwrap();
        std::os::unix::fs::symlink(&nowhere, dir.path().join(".state..tmp")).unwrap();
        assert!(write_atomic_in(&path, 0, |file| file.write_all(b"snapshot")).is_err());
        assert!(!nowhere.exists());
    }
}
