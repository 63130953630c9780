//! Hex text: reading `--hex` input, writing hex output and error windows.

use std::fmt::Write as _;

use anyhow::{Result, bail};

/// Parses hex text: pairs of hex digits, any case. ASCII whitespace is
/// ignored, and so is everything from a `#` to the end of its line, so a
/// file can carry comments. An optional `0x` before a group is skipped.
/// What is left is decoded by the `hex` crate; a bad digit is reported at
/// its line and column.
pub fn parse(text: &str) -> Result<Vec<u8>> {
    let mut digits = String::with_capacity(text.len());
    // (line, column) of each digit kept, to place an error.
    let mut places = Vec::with_capacity(text.len());
    for (line_no, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("");
        for word in line.split_ascii_whitespace() {
            let word = word
                .strip_prefix("0x")
                .or_else(|| word.strip_prefix("0X"))
                .unwrap_or(word);
            for (col, c) in word.char_indices() {
                digits.push(c);
                places.push((line_no + 1, col + 1));
            }
        }
    }
    match hex::decode(&digits) {
        Ok(bytes) => Ok(bytes),
        Err(hex::FromHexError::InvalidHexCharacter { c, index }) => {
            // `index` counts characters, `places` one per character.
            let nth = digits[..index].chars().count();
            let (line, col) = places[nth];
            bail!("invalid hex text: {c:?} on line {line} is not a hex digit (col {col})")
        }
        Err(_) => bail!("invalid hex text: odd number of hex digits"),
    }
}

/// Lowercase hex without separators (`00ff`).
pub fn encode(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Lowercase hex with a space between bytes (`06 00 00`).
pub fn spaced(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Hex text for files: 32 bytes a line, spaced, ending with a newline.
pub fn lines(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3 + 1);
    for chunk in bytes.chunks(32) {
        s.push_str(&spaced(chunk));
        s.push('\n');
    }
    s
}

/// Rows of 16 bytes around `offset` (up to `radius` bytes either side),
/// each starting with its decimal offset; the byte at `offset` is put in
/// brackets, and an offset at the end of the input shows `[end]`.
pub fn window(bytes: &[u8], offset: usize, radius: usize) -> String {
    let first = offset.saturating_sub(radius) / 16 * 16;
    let last = (offset + radius + 1).min(bytes.len());
    let at_end = offset >= bytes.len();
    let mut out = String::new();
    let mut row = first;
    loop {
        let end = (row + 16).min(last).max(row);
        let _ = write!(out, "  {row:>8} ");
        for (at, b) in (row..end).zip(&bytes[row..end]) {
            if at == offset {
                let _ = write!(out, "[{b:02x}]");
            } else if at == offset + 1 && at != row {
                let _ = write!(out, "{b:02x}");
            } else {
                let _ = write!(out, " {b:02x}");
            }
        }
        if at_end && (row..row + 16).contains(&offset) {
            out.push_str(" [end]");
        }
        out.push('\n');
        row += 16;
        if row >= last && !(at_end && offset >= row) {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spaced_commented_and_prefixed_hex() {
        assert_eq!(
            parse("06 00 00 00 00 # empty\n0x0000 00 00\n").unwrap(),
            [6, 0, 0, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(parse("FFa0").unwrap(), [0xff, 0xa0]);
        assert!(parse("0").is_err());
        assert!(parse("zz").is_err());
    }

    #[test]
    fn encodes() {
        assert_eq!(encode(&[0, 255]), "00ff");
        assert_eq!(spaced(&[6, 1]), "06 01");
    }

    #[test]
    fn window_marks_the_offset() {
        let bytes: Vec<u8> = (0..40).collect();
        let w = window(&bytes, 20, 4);
        assert_eq!(w, "        16  10 11 12 13[14]15 16 17 18\n");
        let w = window(&[1, 2], 2, 8);
        assert_eq!(w, "         0  01 02 [end]\n");
        let w = window(&[], 0, 8);
        assert_eq!(w, "         0  [end]\n");
    }
}
