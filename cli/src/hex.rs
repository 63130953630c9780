//! Hex text: reading `--hex` input and writing hex output (the dumps'
//! spaced hex and error windows are `luaxt_format::inspect`'s).

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

/// Hex text for files: 32 bytes a line, spaced, ending with a newline.
pub fn lines(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3 + 1);
    for chunk in bytes.chunks(32) {
        s.push_str(&luaxt_format::inspect::spaced(chunk));
        s.push('\n');
    }
    s
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
        assert_eq!(lines(&[6, 1]), "06 01\n");
    }
}
