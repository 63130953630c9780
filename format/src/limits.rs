//! Decoding and encoding limits (spec §6).

/// Bounds on nesting and size that protect a decoder from hostile input.
///
/// Built from [`Limits::DEFAULT`] with the `with_` methods (the struct is
/// `#[non_exhaustive]`, so a later limit is not a breaking change):
///
/// ```
/// use luaxt_format::Limits;
/// let tight = Limits::DEFAULT.with_max_depth(4);
/// assert_eq!(Limits::default().max_depth, 128);
/// assert_eq!(tight.max_size, 256 * 1024 * 1024);
/// assert_eq!(tight.with_max_size(1 << 10).max_size, 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Most tables nested inside each other: a scalar has depth 0, a table
    /// depth 1, a table inside it depth 2. Deeper gives `depth_exceeded`.
    pub max_depth: u32,
    /// Largest document, and largest declared length or count, in bytes.
    /// Larger gives `length_overflow`.
    pub max_size: u64,
}

impl Limits {
    /// The spec's defaults: depth 128, size 256 MiB.
    pub const DEFAULT: Limits = Limits {
        max_depth: 128,
        max_size: 256 * 1024 * 1024,
    };

    /// These limits with `max_depth` instead.
    #[must_use]
    pub const fn with_max_depth(self, max_depth: u32) -> Limits {
        Limits { max_depth, ..self }
    }

    /// These limits with `max_size` instead.
    #[must_use]
    pub const fn with_max_size(self, max_size: u64) -> Limits {
        Limits { max_size, ..self }
    }

    /// No limit on size (a declared length is still checked against the
    /// bytes that are left), and the given depth.
    pub const fn unbounded_size(max_depth: u32) -> Limits {
        Limits {
            max_depth,
            max_size: u64::MAX,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
