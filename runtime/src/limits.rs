//! Execution limits of a [`Runtime`](crate::Runtime).

use std::time::Duration;

/// Bounds on what one script may use. Every field is optional.
///
/// ```
/// use luaxt_runtime::Limits;
/// use std::time::Duration;
/// let limits = Limits {
///     memory: Some(64 << 20),
///     instructions: Some(10_000_000),
///     deadline: Some(Duration::from_secs(2)),
///     ..Limits::default()
/// };
/// assert_eq!(Limits::default().memory, Some(512 << 20));
/// assert_eq!(Limits::default().store, Some(256 << 20));
/// # let _ = limits;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
