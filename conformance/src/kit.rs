//! The JS half of the kit as files: the vector runner, the differential
//! driver, the cross-check and their library, compiled into the crate so
//! that a `luaxt` built from anywhere (the packed crate, crates.io) can
//! run them, not only one built inside this repository.
//! [`write_kit`] lays them out as the repository does (`js/` beside
//! `vectors/`), which is where the scripts look for the vectors.

use std::io;
use std::path::{Path, PathBuf};

/// The scripts of `conformance/js/`, by file name.
pub const JS_FILES: [(&str, &str); 4] = [
    ("lib.mjs", include_str!("../js/lib.mjs")),
    ("run.mjs", include_str!("../js/run.mjs")),
    ("differential.mjs", include_str!("../js/differential.mjs")),
    ("cross.mjs", include_str!("../js/cross.mjs")),
];

/// Where [`write_kit`] put the scripts.
#[derive(Debug, Clone)]
pub struct KitPaths {
    /// The vector runner (`node run.mjs MODULE`).
    pub runner: PathBuf,
    /// The driver of the generated differential run.
    pub driver: PathBuf,
    /// The cross-check of `tests/cross.rs`.
    pub cross: PathBuf,
}

/// Writes the scripts to `dir/js/` and the vectors ([`crate::FILES`]) to
/// `dir/vectors/`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("luaxt-kit-doc-{}", std::process::id()));
/// let kit = luaxt_conformance::kit::write_kit(&dir)?;
/// assert!(kit.runner.ends_with("js/run.mjs"));
/// assert!(dir.join("vectors/01-overview.json").is_file());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_kit(dir: &Path) -> io::Result<KitPaths> {
    let js = dir.join("js");
    let vectors = dir.join("vectors");
    std::fs::create_dir_all(&js)?;
    std::fs::create_dir_all(&vectors)?;
    for (name, text) in JS_FILES {
        std::fs::write(js.join(name), text)?;
    }
    for (name, text) in crate::FILES {
        std::fs::write(vectors.join(name), text)?;
    }
    Ok(KitPaths {
        runner: js.join("run.mjs"),
        driver: js.join("differential.mjs"),
        cross: js.join("cross.mjs"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every script of conformance/js/ the kit needs is compiled in, and
    /// what the scripts import is among them.
    #[test]
    fn every_script_and_its_imports_are_in_the_kit() {
        let names: Vec<&str> = JS_FILES.iter().map(|(name, _)| *name).collect();
        for (name, text) in JS_FILES {
            for line in text.lines().filter(|l| l.starts_with("import ")) {
                if let Some(local) = line.split("'./").nth(1) {
                    let file = local.split('\'').next().unwrap_or_default();
                    assert!(
                        names.contains(&file),
                        "{name} imports {file}, not in JS_FILES"
                    );
                }
            }
        }
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("js");
        if dir.is_dir() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let file = entry.unwrap().file_name().into_string().unwrap();
                if file.ends_with(".mjs") && !file.ends_with(".test.mjs") {
                    assert!(names.contains(&file.as_str()), "{file} is not in JS_FILES");
                }
            }
        }
    }
}
