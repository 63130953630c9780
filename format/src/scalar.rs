//! [`Scalar`], the one view of a scalar value: what the wire reads
//! (`wire.rs`), what a key can be (`key.rs`), what a value shows the
//! writer (`table.rs`'s `View`). Its own module, below both the wire and
//! the key rules, so neither imports the other for it.

use crate::Tag;

/// A scalar value as read from (or about to be written to) the wire: every
/// type but nil and tables, with strings and bytes borrowed. It is what a
/// key can be (§3.1), so keys are compared through it too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    /// `0x01` boolean.
    Bool(bool),
    /// `0x02` integer.
    Int(i64),
    /// `0x03` float.
    Float(f64),
    /// `0x04` UTF-8 string.
    Str(&'a str),
    /// `0x05` raw bytes.
    Bytes(&'a [u8]),
    /// `0x07` reference to an external table.
    Ref(u32),
}

impl Scalar<'_> {
    /// The tag this scalar encodes with.
    #[inline]
    pub const fn tag(&self) -> Tag {
        match self {
            Scalar::Bool(_) => Tag::Bool,
            Scalar::Int(_) => Tag::Int,
            Scalar::Float(_) => Tag::Float,
            Scalar::Str(_) => Tag::Str,
            Scalar::Bytes(_) => Tag::Bytes,
            Scalar::Ref(_) => Tag::Ref,
        }
    }

    /// The integer, if this is one.
    #[inline]
    pub const fn as_int(&self) -> Option<i64> {
        match self {
            Scalar::Int(i) => Some(*i),
            _ => None,
        }
    }
}
