//! Execution limits of a [`Runtime`](crate::Runtime).

use std::time::Duration;

/// Bounds on what one script may use. Every field is optional.
///
/// ```
/// use luaxt_runtime::Limits;
/// use std::time::Duration;
/// let limits = Limits::default()
///     .with_memory(Some(64 << 20))
///     .with_instructions(Some(10_000_000))
///     .with_deadline(Some(Duration::from_secs(2)));
/// assert_eq!(Limits::default().memory, Some(512 << 20));
/// assert_eq!(Limits::default().store, Some(256 << 20));
/// assert_eq!(limits.store, Some(256 << 20));
/// ```
///
/// The struct is `#[non_exhaustive]` (a later limit is not a breaking
/// change): start from [`Limits::default`] or [`Limits::unlimited`] and
/// change what you need with the `with_` methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most bytes the Lua heap may hold (mlua's memory limit). Input that
    /// Lua decodes lives there too. Default 512 MiB.
    pub memory: Option<usize>,
    /// Most VM instructions one `compute` call may run, counted in steps of
    /// [`Limits::HOOK_INTERVAL`]. Default 1 000 000 000.
    pub instructions: Option<u64>,
    /// Most wall-clock time one `compute` call may run. Default none.
    /// Checked by the same hook as the instruction budget; on `wasm32` the
    /// clock is the host's `performance.now()` (through `web-time`).
    pub deadline: Option<Duration>,
    /// Most bytes the store may hold, counted as spec §6.7 says: keys and
    /// values, plus [`ENTRY_COST`](crate::store::ENTRY_COST) per entry and
    /// [`TABLE_COST`](crate::store::TABLE_COST) per table. A script's write
    /// over it is a Lua error it can catch (uncaught, the call ends with
    /// [`LimitKind::Store`](crate::LimitKind::Store)); host writes over it
    /// fail with [`StoreError::Quota`](crate::StoreError::Quota). Nothing
    /// stored is lost. Default 256 MiB.
    pub store: Option<u64>,
    /// LXT limits for values Lua writes and values it reads (depth, size).
    pub format: luaxt_format::Limits,
}

impl Limits {
    /// Instructions between two checks of the budget and the deadline.
    pub const HOOK_INTERVAL: u32 = 1000;

    /// These limits with the memory limit `memory` (`None`: no limit).
    #[must_use]
    pub const fn with_memory(self, memory: Option<usize>) -> Limits {
        Limits { memory, ..self }
    }

    /// These limits with the instruction budget `instructions`.
    #[must_use]
    pub const fn with_instructions(self, instructions: Option<u64>) -> Limits {
        Limits {
            instructions,
            ..self
        }
    }

    /// These limits with the deadline `deadline`.
    #[must_use]
    pub const fn with_deadline(self, deadline: Option<Duration>) -> Limits {
        Limits { deadline, ..self }
    }

    /// These limits with the store limit `store`.
    #[must_use]
    pub const fn with_store(self, store: Option<u64>) -> Limits {
        Limits { store, ..self }
    }

    /// These limits with the LXT limits `format`.
    #[must_use]
    pub const fn with_format(self, format: luaxt_format::Limits) -> Limits {
        Limits { format, ..self }
    }

    /// No memory limit, no instruction budget, no deadline, no store limit.
    pub const fn unlimited() -> Limits {
        Limits {
            memory: None,
            instructions: None,
            deadline: None,
            store: None,
            format: luaxt_format::Limits::DEFAULT,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: Some(512 << 20),
            instructions: Some(1_000_000_000),
            store: Some(256 << 20),
            ..Limits::unlimited()
        }
    }
}
