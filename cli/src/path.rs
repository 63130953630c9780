//! JSON paths for error messages (`$.users[3].name`).

use std::fmt;

/// A path from the document root, built while walking a value.
#[derive(Debug, Default)]
pub struct Path {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Index(usize),
    Key(String),
}

impl Path {
    /// The root, `$`.
    pub fn root() -> Path {
        Path::default()
    }

    /// Enters array element `i` (0-based, as JSON counts).
    pub fn push_index(&mut self, i: usize) {
        self.parts.push(Part::Index(i));
    }

    /// Enters object member `key`.
    pub fn push_key(&mut self, key: &str) {
        self.parts.push(Part::Key(key.to_owned()));
    }

    /// Leaves the last part.
    pub fn pop(&mut self) {
        self.parts.pop();
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
