//! [`Runtime::process_stream`]: one script over a sequence of records, a
//! batch at a time, in bounded memory.

use luaxt_format::Value;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::cancel::{CancelCheck, CancelToken};
use crate::error::{Error, LimitKind};
use crate::runtime::Runtime;
use crate::store::Store;

/// Options of [`Runtime::process_stream`].
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Records per batch (default 100; `0` counts as `1`).
    pub batch_size: usize,
    /// How many records the source holds, if the host knows (`total` and
    /// `totalBatches` in the batch input, [`Batch::total`]). `None`: the
    /// iterator's `size_hint` when it is exact, else unknown.
    pub total: Option<u64>,
    /// `_io.meta` of every batch.
    pub meta: Option<Value>,
    /// Cancels the stream: checked before each batch is pulled, and inside
    /// each running call (as [`Runtime::set_cancel_token`] does, for the
    /// duration of the stream). `None` keeps the runtime's own token.
    pub cancel: Option<CancelToken>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            batch_size: 100,
            total: None,
            meta: None,
            cancel: None,
        }
    }
}

/// A batch the script has finished, handed to the callback of
/// [`Runtime::process_stream`]: its progress and its output.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// 0 for the first batch.
    pub index: u64,
    /// Records before this batch.
    pub offset: u64,
    /// Records in this batch (the last one may be short).
    pub len: usize,
    /// Records processed so far, this batch included.
    pub processed: u64,
    /// Records in the source, when known.
    pub total: Option<u64>,
    /// Batches in the source, when the total is known.
    pub total_batches: Option<u64>,
    /// `_io.output` after the batch (nil when the script set none).
    pub output: Value,
}

/// What the script sees as `_io.input`: the JS package's shape.
struct BatchInput<'a, T> {
    batch: &'a [T],
    index: u64,
    offset: u64,
    total: Option<u64>,
    total_batches: Option<u64>,
}

impl<T: Serialize> Serialize for BatchInput<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut input = serializer.serialize_struct("BatchInput", 5)?;
        input.serialize_field("batch", self.batch)?;
        input.serialize_field("batchIndex", &self.index)?;
        input.serialize_field("offset", &self.offset)?;
        // None is nil, which a table does not hold: the field is absent.
        input.serialize_field("total", &self.total)?;
        input.serialize_field("totalBatches", &self.total_batches)?;
        input.end()
    }
}

/// The most records reserved up front for one batch.
const RESERVE_AT_MOST: usize = 1 << 16;

impl<S: Store + 'static> Runtime<S> {
    /// Runs `code` once per batch of `items`, pulling each batch only when
    /// the previous one is done, and hands each batch's output to
    /// `on_batch` as it is produced; returns the number of records
    /// processed.
    ///
    /// The script sees `_io.input = { batch = {…}, batchIndex = 0, offset
    /// = 0, total = n, totalBatches = m }` (0-based `batchIndex` and
    /// `offset`; `total` and `totalBatches` only when known) and
    /// `_io.meta = options.meta`; each batch's input crosses by the input
    /// mode ([`set_input_mode`](Runtime::set_input_mode)). `_io` is
    /// cleared before and after each batch, so nothing of a batch stays in
    /// the runtime: memory is bounded by one batch, whatever the number of
    /// records. Lua globals and the store persist from batch to batch, as
    /// between [`compute`](Runtime::compute) calls.
    ///
    /// The stream ends at the first error: of a batch (a Lua error, a
    /// limit), of `on_batch` (which may return its own error type `E`), or
    /// a cancellation ([`StreamOptions::cancel`]): checked before each batch
    /// and inside each call, it ends the stream with
    /// [`Error::Limit`]`(`[`LimitKind::Cancelled`]`)`. The runtime stays
    /// usable after every one of them.
    ///
    /// ```
    /// use luaxt_runtime::{Limits, MemoryStore, Runtime, StreamOptions};
    /// let mut rt = Runtime::new(MemoryStore::new(), Limits::default())?;
    /// let mut sums = Vec::new();
    /// let processed = rt.process_stream(
    ///     "local s = 0 for _, x in ipairs(_io.input.batch) do s = s + x end _io.output = s",
    ///     1..=10,
    ///     &StreamOptions { batch_size: 4, ..StreamOptions::default() },
    ///     |batch| {
    ///         assert_eq!(batch.total, Some(10));
    ///         sums.push(batch.output.as_i64().unwrap());
    ///         Ok::<(), luaxt_runtime::Error>(())
    ///     },
    /// )?;
    /// assert_eq!((processed, sums), (10, vec![10, 26, 19]));
    /// # Ok::<(), luaxt_runtime::Error>(())
    /// ```
    pub fn process_stream<T, E>(
        &mut self,
        code: &str,
        items: impl IntoIterator<Item = T>,
        options: &StreamOptions,
        on_batch: impl FnMut(Batch) -> Result<(), E>,
    ) -> Result<u64, E>
    where
        T: Serialize,
        E: From<Error>,
    {
        self.try_process_stream(code, items.into_iter().map(Ok), options, on_batch)
    }

    /// [`process_stream`](Runtime::process_stream) over a source that can
    /// fail: the first `Err` item ends the stream with that error (the
    /// records of its batch read so far are not processed).
    pub fn try_process_stream<T, E>(
        &mut self,
        code: &str,
        items: impl IntoIterator<Item = Result<T, E>>,
        options: &StreamOptions,
        mut on_batch: impl FnMut(Batch) -> Result<(), E>,
    ) -> Result<u64, E>
    where
        T: Serialize,
        E: From<Error>,
    {
        let previous = options
            .cancel
            .clone()
            .map(|token| self.budget.set_cancel(Some(CancelCheck::from(token))));
        let result = self.run_stream(code, items.into_iter(), options, &mut on_batch);
        if let Some(previous) = previous {
            self.budget.set_cancel(previous);
        }
        match result {
            Ok(processed) => {
                self.clear_io()?;
                Ok(processed)
            }
            Err(err) => {
                // The error is the news; a failure to clear comes second.
                let _ = self.clear_io();
                Err(err)
            }
        }
    }

    fn run_stream<T, E>(
        &mut self,
        code: &str,
        mut items: impl Iterator<Item = Result<T, E>>,
        options: &StreamOptions,
        on_batch: &mut impl FnMut(Batch) -> Result<(), E>,
    ) -> Result<u64, E>
    where
        T: Serialize,
        E: From<Error>,
    {
        let batch_size = options.batch_size.max(1);
        let total = options.total.or_else(|| match items.size_hint() {
            (low, Some(high)) if low == high => u64::try_from(low).ok(),
            _ => None,
        });
        let total_batches = total.map(|total| total.div_ceil(batch_size as u64));
        let mut offset = 0u64;
        for index in 0u64.. {
            if self.budget.cancelled() {
                return Err(Error::Limit(LimitKind::Cancelled).into());
            }
            let mut batch = Vec::with_capacity(batch_size.min(RESERVE_AT_MOST));
            for item in items.by_ref().take(batch_size) {
                batch.push(item?);
            }
            if batch.is_empty() {
                break;
            }
            self.clear_io()?;
            self.set_input(&BatchInput {
                batch: &batch,
                index,
                offset,
                total,
                total_batches,
            })?;
            if let Some(meta) = &options.meta {
                self.set_meta_value(meta)?;
            }
            self.compute(code)?;
            let output = self.output_value()?;
            self.clear_io()?;
            let len = batch.len();
            drop(batch);
            let processed = offset + len as u64;
            on_batch(Batch {
                index,
                offset,
                len,
                processed,
                total,
                total_batches,
                output,
            })?;
            offset = processed;
            if len < batch_size {
                // The source has ended: it is not asked again.
                break;
            }
        }
        Ok(offset)
    }
}
