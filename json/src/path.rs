//! JSON paths for error messages (`$.users[3].name`).

use std::fmt;

/// A path from the document root, as [`WayOut::path`] gives it.
#[derive(Debug, Default)]
pub struct Path {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Index(usize),
    Key(String),
}

/// The way from a value back to the root, recorded while an error about it
/// unwinds (innermost step first): reading costs nothing until something
/// fails.
#[derive(Debug, Default)]
pub struct WayOut {
    steps: Vec<Part>,
}

impl WayOut {
    /// The value was element `i` (0-based) of an array.
    pub fn index(&mut self, i: usize) {
        self.steps.push(Part::Index(i));
    }

    /// The value was the member `key` of an object.
    pub fn key(&mut self, key: &str) {
        self.steps.push(Part::Key(key.to_owned()));
    }

    /// The path from the root to the value.
    pub fn path(&self) -> Path {
        let mut parts = Vec::with_capacity(self.steps.len());
        for step in self.steps.iter().rev() {
            parts.push(match step {
                Part::Index(i) => Part::Index(*i),
                Part::Key(k) => Part::Key(k.clone()),
            });
        }
        Path { parts }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for part in &self.parts {
            match part {
                Part::Index(i) => write!(f, "[{i}]")?,
                Part::Key(k)
                    if !k.is_empty()
                        && !k.starts_with(|c: char| c.is_ascii_digit())
                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    write!(f, ".{k}")?
                }
                Part::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}
