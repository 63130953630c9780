//! [`PreallocationBudget`]: how much room a document's declared counts may
//! reserve before their items are read.

use core::cell::Cell;

/// Items a document's tables may reserve room for before they are read. A
/// declared count is only checked against the bytes left, and nested
/// tables share those bytes, so granting each count in full would let
/// nested headers reserve memory quadratic in the input; drawing on one
/// budget keeps the total within what the input can fill, while every
/// table of a canonical document still gets its exact size. Shared by the
/// decoder (value slots) and the serde deserializer (size hints), both
/// with one item per two input bytes.
#[derive(Debug)]
pub(crate) struct PreallocationBudget(Cell<usize>);

impl PreallocationBudget {
    /// A budget of `items`.
    pub(crate) fn new(items: usize) -> Self {
        PreallocationBudget(Cell::new(items))
    }

    /// Room for a table part that declares `count` items: as much as is
    /// left (the serde deserializer's size hints).
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn take(&self, count: usize) -> usize {
        let left = self.0.get();
        let granted = count.min(left);
        self.0.set(left - granted);
        granted
    }

    /// Room for all of `count` items, or (taking nothing) `false`.
    pub(crate) fn take_all(&self, count: usize) -> bool {
        let left = self.0.get();
        if count > left {
            return false;
        }
        self.0.set(left - count);
        true
    }
}
