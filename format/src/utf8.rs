//! The UTF-8 check of string content (§2.5): the one function every
//! reader of a `0x04` string calls ([`to_str`]), and the ASCII tests the
//! typed decoder's fast paths use before it.
//!
//! Text is first tested as ASCII, 32 bytes a step; only text that is not
//! goes to `core::str::from_utf8`. (`simdutf8` was tried: no change on
//! the benchmark's records, whose text is ASCII, so it is not a
//! dependency.)

/// The high bit of each byte of a word: set only in non-ASCII bytes.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Text up to this many bytes is first tried as ASCII.
const SHORT: usize = 32;

/// `bytes` as text, or the offset in `bytes` of the first byte that is not
/// part of valid UTF-8: the check of every `0x04` string's content (§2.5),
/// here and in the runtime (exported as `luaxt_format::utf8_text`).
///
/// ```
/// use luaxt_format::utf8_text;
/// assert_eq!(utf8_text(b"caf\xc3\xa9"), Ok("caf\u{e9}"));
/// assert_eq!(utf8_text(b"ab\xff"), Err(2));
/// ```
#[inline]
pub fn to_str(bytes: &[u8]) -> Result<&str, usize> {
    // ASCII text (most text) is checked faster than by the general
    // validator.
    if is_ascii(bytes) {
        // SAFETY: ASCII bytes are valid UTF-8.
        return Ok(unsafe { core::str::from_utf8_unchecked(bytes) });
    }
    core::str::from_utf8(bytes).map_err(|e| e.valid_up_to())
}

/// Whether `bytes` is ASCII: 32 bytes a step, as four words whose high
/// bits are tested at once. Most text is ASCII, and this pass is cheaper
/// than the validator's own ASCII path; other text pays it up to its
/// first non-ASCII byte.
#[inline]
fn is_ascii(bytes: &[u8]) -> bool {
    let chunks = bytes.chunks_exact(32);
    let rest = chunks.remainder();
    let word = |chunk: &[u8], at: usize| {
        let mut w = [0; 8];
        w.copy_from_slice(&chunk[at..at + 8]);
        u64::from_le_bytes(w)
    };
    chunks
        .map(|chunk| word(chunk, 0) | word(chunk, 8) | word(chunk, 16) | word(chunk, 24))
        .all(|words| words & HIGH_BITS == 0)
        && rest.is_ascii()
}

/// The first `len` (0 to 8) bytes of `word` (8 bytes of the input from
/// the start of some text), loaded little-endian and moved to the top of
/// the word: their high bits are the ASCII check, and swapping its bytes
/// gives their big-endian value. (Text loaded as a word, not a number of
/// the format: `wire.rs` reads those.)
#[inline(always)]
pub(crate) fn short_content(word: [u8; 8], len: usize) -> u64 {
    u64::from_le_bytes(word)
        .checked_shl(64 - 8 * len as u32)
        .unwrap_or(0)
}

/// Whether `input[start..start + len]` is short ASCII text (up to 32
/// bytes); `false` also when it cannot tell, so the caller validates.
/// The caller has checked that the range is within `input`.
#[inline(always)]
pub(crate) fn short_ascii(input: &[u8], start: usize, len: usize) -> bool {
    if len <= 8 {
        if let Some(word) = input.get(start..).and_then(|rest| rest.first_chunk::<8>()) {
            // The bytes past the text shift out.
            return short_content(*word, len) & HIGH_BITS == 0;
        }
    }
    len <= SHORT && input[start..start + len].is_ascii()
}

/// The string content `input[start..start + len]` as text, or the offset
/// in it of the first byte that is not part of valid UTF-8: [`to_str`],
/// after a test for short ASCII text that may load bytes of `input` past
/// the content. The caller has checked that the range is within `input`.
#[inline(always)]
pub(crate) fn content_str(input: &[u8], start: usize, len: usize) -> Result<&str, usize> {
    let content = &input[start..start + len];
    if short_ascii(input, start, len) {
        // SAFETY: ASCII bytes are valid UTF-8.
        return Ok(unsafe { core::str::from_utf8_unchecked(content) });
    }
    to_str(content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_those_of_core() {
        let cases: [&[u8]; 7] = [
            b"",
            b"plain ascii",
            "h\u{e9}llo \u{1F600}".as_bytes(),
            b"bad \xFF byte",
            b"truncated \xE2\x82",
            &[b'a'; 100],
            b"\xED\xA0\x80 surrogate",
        ];
        for bytes in cases {
            let expected = core::str::from_utf8(bytes).map_err(|e| e.valid_up_to());
            assert_eq!(to_str(bytes), expected, "{bytes:?}");
        }
        // A bad byte deep inside a long ASCII run.
        let mut long = [b'x'; 300];
        long[257] = 0x80;
        assert_eq!(to_str(&long), Err(257));
    }

    #[test]
    fn a_non_ascii_byte_anywhere_in_long_text_is_seen() {
        // Every word of every 32-byte step, and the tail after the last.
        for at in 0..100 {
            let mut bad = [b'x'; 100];
            bad[at] = 0xFF;
            assert_eq!(to_str(&bad), Err(at), "0xFF at {at}");
        }
        for at in 0..99 {
            let mut text = [b'x'; 100];
            text[at..at + 2].copy_from_slice("\u{e9}".as_bytes());
            assert!(to_str(&text).is_ok(), "e-acute at {at}");
            text[at + 1] = b'x';
            assert_eq!(to_str(&text), Err(at), "a cut e-acute at {at}");
        }
    }

    #[test]
    fn short_ascii_reads_only_the_text() {
        let input = b"abc\xFFdefghijklmnop";
        assert!(short_ascii(input, 0, 3));
        assert!(!short_ascii(input, 0, 4));
        assert!(short_ascii(input, 4, 12));
    }
}
