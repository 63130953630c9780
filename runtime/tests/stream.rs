//! `Runtime::process_stream` and cancellation (`CancelToken`): batches,
//! progress, backpressure (the source is pulled one batch at a time),
//! cancellation between batches and inside a running call, errors.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use luaxt_format::Value;
use luaxt_runtime::store::{StoreResult, TableData, TableId};
use luaxt_runtime::{
    Batch, CancelToken, Error, HOME_ID, LimitKind, Limits, MemoryStore, Runtime, Store,
    StreamOptions,
};

/// Far above anything these tests need; a cancellation that fails to stop
/// a call ends it here as a deadline instead, and the test fails.
const BACKSTOP: Duration = Duration::from_secs(120);

fn runtime() -> Runtime<MemoryStore> {
    let limits = Limits::default()
        .with_instructions(None)
        .with_deadline(Some(BACKSTOP));
    Runtime::new(MemoryStore::new(), limits).expect("runtime")
}

const SUM: &str = r#"
local s = 0
for _, x in ipairs(_io.input.batch) do s = s + x end
_io.output = { sum = s, index = _io.input.batchIndex, offset = _io.input.offset,
               total = _io.input.total, batches = _io.input.totalBatches, meta = _io.meta }
"#;

fn field(output: &Value, name: &str) -> Value {
    output
        .as_table()
        .and_then(|t| t.get(&Value::from(name)))
        .cloned()
        .unwrap_or(Value::Nil)
}

#[test]
fn batches_report_progress_and_outputs() {
    let mut rt = runtime();
    let mut seen: Vec<Batch> = Vec::new();
    let options = StreamOptions {
        batch_size: 100,
        meta: Some(Value::from("m")),
        ..StreamOptions::default()
    };
    let processed = rt
        .process_stream(SUM, 1..=1050i64, &options, |batch| {
            seen.push(batch);
            Ok::<(), Error>(())
        })
        .unwrap();
    assert_eq!(processed, 1050);
    assert_eq!(seen.len(), 11);
    for (i, batch) in seen.iter().enumerate() {
        let i = i as u64;
        assert_eq!((batch.index, batch.offset), (i, i * 100));
        assert_eq!(batch.len, if i == 10 { 50 } else { 100 });
        assert_eq!(batch.processed, batch.offset + batch.len as u64);
        assert_eq!((batch.total, batch.total_batches), (Some(1050), Some(11)));
        let out = &batch.output;
        assert_eq!(field(out, "index"), Value::Int(i as i64));
        assert_eq!(field(out, "offset"), Value::Int(i as i64 * 100));
        assert_eq!(field(out, "total"), Value::Int(1050));
        assert_eq!(field(out, "batches"), Value::Int(11));
        assert_eq!(field(out, "meta"), Value::from("m"));
    }
    let sum: i64 = seen
        .iter()
        .map(|b| field(&b.output, "sum").as_i64().unwrap())
        .sum();
    assert_eq!(sum, 1050 * 1051 / 2);
    // Nothing of the last batch stays in `_io`.
    assert_eq!(rt.compute("return next(_io)").unwrap(), Value::Nil);
}

#[test]
fn an_unknown_total_is_absent_and_structs_cross_by_serde() {
    #[derive(serde::Serialize)]
    struct Sale {
        region: &'static str,
        amount: f64,
    }
    let mut rt = runtime();
    let mut n = 0;
    let source = std::iter::from_fn(|| {
        n += 1;
        (n <= 5).then_some(Sale {
            region: if n % 2 == 0 { "north" } else { "south" },
            amount: n as f64,
        })
    });
    let mut outputs = Vec::new();
    rt.process_stream(
        "local t = 0 for _, s in ipairs(_io.input.batch) do t = t + s.amount end
         _io.output = { t, _io.input.total == nil, _io.input.totalBatches == nil, _io.input.batch[1].region }",
        source,
        &StreamOptions { batch_size: 2, ..StreamOptions::default() },
        |batch| {
            assert_eq!((batch.total, batch.total_batches), (None, None));
            outputs.push(batch.output.to_string());
            Ok::<(), Error>(())
        },
    )
    .unwrap();
    assert_eq!(
        outputs,
        [
            r#"{3.0, true, true, "south"}"#,
            r#"{7.0, true, true, "south"}"#,
            r#"{5.0, true, true, "south"}"#
        ]
    );
}

/// A source of `len` records (endless for `None`) that counts how often it
/// is asked for one, the end included.
fn counted_to(pulls: &Rc<Cell<u64>>, len: Option<u64>) -> impl Iterator<Item = i64> + use<> {
    let pulls = Rc::clone(pulls);
    std::iter::from_fn(move || {
        pulls.set(pulls.get() + 1);
        (len.is_none_or(|len| pulls.get() <= len)).then_some(1)
    })
}

/// An endless source that counts how often it is asked for a record.
fn counted(pulls: &Rc<Cell<u64>>) -> impl Iterator<Item = i64> + use<> {
    counted_to(pulls, None)
}

#[test]
fn the_source_is_pulled_one_batch_at_a_time() {
    let mut rt = runtime();
    let pulls = Rc::new(Cell::new(0u64));
    let watched = Rc::clone(&pulls);
    // 250 records: two full batches, then a short one that ends the stream.
    let source = counted_to(&pulls, Some(250));
    let mut at_each_batch = Vec::new();
    rt.process_stream(SUM, source, &StreamOptions::default(), |batch| {
        at_each_batch.push((batch.processed, watched.get()));
        Ok::<(), Error>(())
    })
    .unwrap();
    // When a batch is done, exactly its records and those before it have
    // been pulled (the short last batch also saw the end of the source).
    assert_eq!(at_each_batch, [(100, 100), (200, 200), (250, 251)]);
    assert_eq!(
        pulls.get(),
        251,
        "the source is not asked again after its end"
    );

    // An endless source: the stream pulls only what its batches need, and
    // the callback's error ends it.
    let pulls = Rc::new(Cell::new(0u64));
    let err = rt
        .process_stream(SUM, counted(&pulls), &StreamOptions::default(), |batch| {
            if batch.index == 2 {
                return Err(HostError::Enough);
            }
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err, HostError::Enough);
    assert_eq!(pulls.get(), 300);
}

/// A host's own error type, for a callback that stops the stream.
#[derive(Debug, PartialEq)]
enum HostError {
    Enough,
    Runtime(String),
}

impl From<Error> for HostError {
    fn from(err: Error) -> Self {
        HostError::Runtime(err.to_string())
    }
}

#[test]
fn cancelling_between_batches_stops_pulling_and_the_runtime_goes_on() {
    let mut rt = runtime();
    let token = CancelToken::new();
    let pulls = Rc::new(Cell::new(0u64));
    let mut batches = 0;
    let err = rt
        .process_stream(
            SUM,
            counted(&pulls),
            &StreamOptions {
                cancel: Some(token.clone()),
                ..StreamOptions::default()
            },
            |batch| {
                batches += 1;
                if batch.index == 1 {
                    token.cancel();
                }
                Ok::<(), Error>(())
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::Limit(LimitKind::Cancelled)), "{err}");
    assert_eq!((batches, pulls.get()), (2, 200));
    // The stream's token was the stream's: later calls run.
    assert_eq!(rt.compute("return 1 + 1").unwrap(), Value::Int(2));
    // A stream with a token cancelled before it starts pulls nothing.
    let pulls = Rc::new(Cell::new(0u64));
    let err = rt
        .process_stream(
            SUM,
            counted(&pulls),
            &StreamOptions {
                cancel: Some(token),
                ..StreamOptions::default()
            },
            |_| Ok::<(), Error>(()),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Limit(LimitKind::Cancelled)), "{err}");
    assert_eq!(pulls.get(), 0);
}

/// A `MemoryStore` that raises a flag when a script writes `_home`: how
/// another thread learns that a call is running.
struct Watched {
    inner: MemoryStore,
    wrote_home: Arc<AtomicBool>,
}

impl Store for Watched {
    fn create_table(&mut self) -> StoreResult<TableId> {
        self.inner.create_table()
    }
    fn contains_table(&self, id: TableId) -> bool {
        self.inner.contains_table(id)
    }
    fn get(&self, id: TableId, key: &[u8]) -> StoreResult<Option<Vec<u8>>> {
        self.inner.get(id, key)
    }
    fn set(&mut self, id: TableId, key: &[u8], value: &[u8]) -> StoreResult<()> {
        if id == HOME_ID {
            self.wrote_home.store(true, Ordering::Release);
        }
        self.inner.set(id, key, value)
    }
    fn delete(&mut self, id: TableId, key: &[u8]) -> StoreResult<()> {
        self.inner.delete(id, key)
    }
    fn len(&self, id: TableId) -> StoreResult<u64> {
        self.inner.len(id)
    }
    fn next(&self, id: TableId, after: Option<&[u8]>) -> StoreResult<Option<(Vec<u8>, Vec<u8>)>> {
        self.inner.next(id, after)
    }
    fn table_ids(&self) -> StoreResult<Vec<TableId>> {
        self.inner.table_ids()
    }
    fn set_quota(&mut self, limit: Option<u64>) -> StoreResult<()> {
        self.inner.set_quota(limit)
    }
    fn replace_all(&mut self, tables: Vec<TableData>) -> StoreResult<()> {
        self.inner.replace_all(tables)
    }
}

/// A runtime over a `Watched` store, and a thread that cancels `token` as
/// soon as a script has written `_home` (or gives up at the backstop).
fn watched_with_canceller(token: &CancelToken) -> (Runtime<Watched>, thread::JoinHandle<bool>) {
    let wrote_home = Arc::new(AtomicBool::new(false));
    let store = Watched {
        inner: MemoryStore::new(),
        wrote_home: Arc::clone(&wrote_home),
    };
    let limits = Limits::default()
        .with_instructions(None)
        .with_deadline(Some(BACKSTOP));
    let rt = Runtime::new(store, limits).unwrap();
    let token = token.clone();
    let canceller = thread::spawn(move || {
        let start = Instant::now();
        while !wrote_home.load(Ordering::Acquire) {
            if start.elapsed() > BACKSTOP {
                return false;
            }
            thread::sleep(Duration::from_millis(1));
        }
        token.cancel();
        true
    });
    (rt, canceller)
}

#[test]
fn cancelling_stops_an_endless_loop_inside_a_batch() {
    let token = CancelToken::new();
    let (mut rt, canceller) = watched_with_canceller(&token);
    let mut batches = Vec::new();
    // The second batch loops forever, catching every error it can.
    let code = r#"
        if _io.input.batchIndex == 1 then
          _home.looping = true
          while true do pcall(function() while true do end end) end
        end
        _io.output = _io.input.batchIndex
    "#;
    let err = rt
        .process_stream(
            code,
            0..1_000_000,
            &StreamOptions {
                cancel: Some(token),
                ..StreamOptions::default()
            },
            |batch| {
                batches.push(batch.output);
                Ok::<(), Error>(())
            },
        )
        .unwrap_err();
    assert!(
        canceller.join().unwrap(),
        "the script never started its loop"
    );
    assert!(matches!(err, Error::Limit(LimitKind::Cancelled)), "{err}");
    assert_eq!(batches, [Value::Int(0)]);
    // The runtime is usable, its store kept what the script wrote.
    assert_eq!(
        rt.compute("return _home.looping").unwrap(),
        Value::Bool(true)
    );
    let mut n = 0;
    rt.process_stream(SUM, 0..1000i64, &StreamOptions::default(), |_| {
        n += 1;
        Ok::<(), Error>(())
    })
    .unwrap();
    assert_eq!(n, 10);
}

#[test]
fn a_cancel_token_stops_plain_calls_and_c_work() {
    for code in [
        "_home.started = true while true do end",
        // Backtracking inside one call of string.find, where no VM
        // instruction runs: the C library's charges see the token.
        r#"_home.started = true return string.rep("a", 200):find(string.rep("a*", 30) .. "b")"#,
    ] {
        let token = CancelToken::new();
        let (mut rt, canceller) = watched_with_canceller(&token);
        rt.set_cancel_token(Some(token.clone()));
        let err = rt.compute(code).unwrap_err();
        assert!(canceller.join().unwrap(), "{code}: never started");
        assert!(
            matches!(err, Error::Limit(LimitKind::Cancelled)),
            "{code}: {err}"
        );
        assert!(err.to_string().contains("cancelled"), "{err}");
        // While the token is cancelled, calls fail at once without running.
        let err = rt.compute("_home.ran = true").unwrap_err();
        assert!(matches!(err, Error::Limit(LimitKind::Cancelled)), "{err}");
        rt.set_cancel_token(Some(CancelToken::new()));
        assert_eq!(rt.compute("return _home.ran").unwrap(), Value::Nil);
        rt.set_cancel_token(None);
        assert_eq!(rt.compute("return 6 * 7").unwrap(), Value::Int(42));
    }
}

#[test]
fn errors_end_the_stream() {
    let mut rt = runtime();
    // A Lua error in the second batch.
    let mut batches = 0;
    let err = rt
        .process_stream(
            "if _io.input.batchIndex == 1 then error('bad batch') end",
            0..1000,
            &StreamOptions::default(),
            |_| {
                batches += 1;
                Ok::<(), Error>(())
            },
        )
        .unwrap_err();
    assert_eq!(err.lua_message(), Some("compute:1: bad batch"));
    assert_eq!(batches, 1);

    // A source that fails after 150 records: the first batch runs, the
    // error ends the stream.
    let source = (0..1000).map(|i| {
        if i == 150 {
            Err(Error::Lua {
                message: "source broke".into(),
                traceback: None,
            })
        } else {
            Ok(i)
        }
    });
    let mut batches = 0;
    let err = rt
        .try_process_stream(SUM, source, &StreamOptions::default(), |_| {
            batches += 1;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.lua_message(), Some("source broke"));
    assert_eq!(batches, 1);
    assert_eq!(rt.compute("return next(_io)").unwrap(), Value::Nil);
}

#[test]
fn memory_stays_flat_over_many_batches() {
    let mut rt = runtime();
    let heap = |rt: &mut Runtime<MemoryStore>| {
        rt.compute("collectgarbage('collect') return collectgarbage('count')")
            .unwrap()
            .as_f64()
            .unwrap()
    };
    let record = |i: i64| (i, format!("name {i}"), [i as f64 * 0.5; 4]);
    let before = heap(&mut rt);
    // Each batch reports the Lua heap (KiB) while it still holds its input.
    let mut kib = Vec::new();
    rt.process_stream(
        "local n = 0 for _, r in ipairs(_io.input.batch) do n = n + #r[2] end
         _io.output = collectgarbage('count')",
        (0..200_000).map(record),
        &StreamOptions {
            batch_size: 1000,
            ..StreamOptions::default()
        },
        |batch| {
            kib.push(batch.output.as_f64().unwrap());
            Ok::<(), Error>(())
        },
    )
    .unwrap();
    let after = heap(&mut rt);
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let (early, late) = (max(&kib[..20]), max(&kib[100..]));
    assert!(
        late < early * 2.0 + 512.0,
        "the Lua heap grew over the stream: {early} KiB in the first 20 batches, {late} KiB in the last 100"
    );
    assert!(
        after - before < 256.0,
        "the stream left {} KiB in the Lua heap",
        after - before
    );
}
