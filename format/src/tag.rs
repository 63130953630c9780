//! The tag byte that starts every LXT value (spec §2).

/// The type of an encoded value, from its first byte.
///
/// Every other part of the crate (parsers, writers, the CLI dump, the JS
/// constants) follows this one table.
///
/// ```
/// use luaxt_format::Tag;
/// assert_eq!(Tag::from_byte(0x04), Some(Tag::Str));
/// assert_eq!(Tag::from_byte(0x08), None); // reserved in LXT 1
/// assert_eq!(Tag::Table as u8, 0x06);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Tag {
    /// `0x00`: nil, no payload (§2.1).
    Nil = 0x00,
    /// `0x01`: boolean, one byte 0x00 or 0x01 (§2.2).
    Bool = 0x01,
    /// `0x02`: integer, i64 little-endian (§2.3).
    Int = 0x02,
    /// `0x03`: float, IEEE 754 binary64 bits little-endian (§2.4).
    Float = 0x03,
    /// `0x04`: UTF-8 string with a u32 length (§2.5).
    Str = 0x04,
    /// `0x05`: raw bytes with a u32 length (§2.6).
    Bytes = 0x05,
    /// `0x06`: table by value: array part, then hash part (§2.7).
    Table = 0x06,
    /// `0x07`: reference to an external table by u32 id (§2.8).
    Ref = 0x07,
}

impl Tag {
    /// All tags of LXT 1, in byte order.
    pub const ALL: [Tag; 8] = [
        Tag::Nil,
        Tag::Bool,
        Tag::Int,
        Tag::Float,
        Tag::Str,
        Tag::Bytes,
        Tag::Table,
        Tag::Ref,
    ];

    /// The tag for `byte`, or `None` for the reserved bytes 0x08–0xFF (§2.9).
    #[inline]
    pub const fn from_byte(byte: u8) -> Option<Tag> {
        match byte {
            0x00 => Some(Tag::Nil),
            0x01 => Some(Tag::Bool),
            0x02 => Some(Tag::Int),
            0x03 => Some(Tag::Float),
            0x04 => Some(Tag::Str),
            0x05 => Some(Tag::Bytes),
            0x06 => Some(Tag::Table),
            0x07 => Some(Tag::Ref),
            _ => None,
        }
    }

    /// The spec's lowercase name of the type ("nil", "boolean", …).
    pub const fn name(self) -> &'static str {
        match self {
            Tag::Nil => "nil",
            Tag::Bool => "boolean",
            Tag::Int => "integer",
            Tag::Float => "float",
            Tag::Str => "string",
            Tag::Bytes => "bytes",
            Tag::Table => "table",
            Tag::Ref => "reference",
        }
    }

    /// Whether a value of this type may be a table key (§3.1); floats also
    /// need a non-NaN value.
    pub const fn can_be_key(self) -> bool {
        !matches!(self, Tag::Nil | Tag::Table)
    }
}

impl From<Tag> for u8 {
    fn from(tag: Tag) -> u8 {
        tag as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips_or_is_reserved() {
        for byte in 0..=255u8 {
            match Tag::from_byte(byte) {
                Some(tag) => assert_eq!(tag as u8, byte),
                None => assert!(byte >= 0x08),
            }
        }
        assert_eq!(Tag::ALL.len(), 8);
    }
}
