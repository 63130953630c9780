//! Benchmarks: external-table access from Lua next to plain Lua tables,
//! and the `_io` pipeline (set_input → Lua aggregation → output) at 1, 10
//! and 100 MB. Run with `cargo bench -p luaxt-runtime`; numbers are in
//! `runtime/BENCHMARKS.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use luaxt_format::{Table, Value, encoded_len};
use luaxt_runtime::{InputMode, Limits, MemoryStore, Runtime};

const OPS: i64 = 100_000;

fn runtime() -> Runtime<MemoryStore> {
    Runtime::new(MemoryStore::new(), Limits::unlimited()).expect("runtime")
}

fn table_access(c: &mut Criterion) {
    let mut rt = runtime();
    rt.compute(&format!(
        "ext_t = ext.table() plain_t = {{}} for i = 1, {OPS} do ext_t[i] = i plain_t[i] = i end"
    ))
    .unwrap();
    let mut group = c.benchmark_group("table_access");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(OPS as u64));
    for (name, table) in [("ext", "ext_t"), ("plain", "plain_t")] {
        let set = format!("local t = {table} for i = 1, {OPS} do t[i] = i + 1 end");
        group.bench_function(BenchmarkId::new("set", name), |b| {
            b.iter(|| rt.compute(black_box(&set)).unwrap())
        });
        let get = format!("local t, s = {table}, 0 for i = 1, {OPS} do s = s + t[i] end return s");
        group.bench_function(BenchmarkId::new("get", name), |b| {
            b.iter(|| rt.compute(black_box(&get)).unwrap())
        });
    }
    group.finish();
}

fn record(i: i64, payload: &str) -> Value {
    let mut t = Table::new();
    t.insert("id".into(), i.into()).unwrap();
    t.insert("name".into(), format!("record {i:06}").into())
        .unwrap();
    t.insert("score".into(), (i as f64 * 0.5).into()).unwrap();
    t.insert("payload".into(), payload.into()).unwrap();
    Value::Table(t)
}

/// Records whose encoding is about `mb` MB: 100 000 of them from 10 MB up,
/// 10 000 for 1 MB (100 000 records cannot be smaller than ~9 MB), with a
/// `payload` string filling each record to size.
fn records(mb: usize) -> Value {
    let count: usize = if mb >= 10 { 100_000 } else { 10_000 };
    let bare = encoded_len(&record(0, "")).unwrap() + 1;
    let payload = "x".repeat((mb * 1_000_000 / count).saturating_sub(bare));
    let items = (0..count as i64).map(|i| record(i, &payload)).collect();
    Value::Table(Table::from_array(items))
}

const AGGREGATE: &str = r#"
local n, sum, bytes, best = 0, 0, 0, nil
for _, r in ipairs(_io.input) do
  n = n + 1
  sum = sum + r.score
  bytes = bytes + #r.payload
  if not best or r.score > best.score then best = r end
end
_io.output = { count = n, mean = sum / n, bytes = bytes, best = best.name }
"#;

/// The pipeline of every input mode: copy (decoded into Lua), view (read
/// through the view field by field), chunks (the view copied into Lua
/// 4096 records at a time by `ext.chunks`).
const MODES: [(&str, InputMode, &str); 3] = [
    ("copy", InputMode::Copy, "ipairs(_io.input)"),
    ("view", InputMode::View, "ipairs(_io.input)"),
    ("chunks", InputMode::View, "ext.chunks(_io.input, 4096)"),
];

fn io_pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("io_pipeline");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for mb in [1, 10, 100] {
        let input = records(mb);
        let size = encoded_len(&input).unwrap() as u64;
        let count = input.as_table().map_or(0, |t| t.len());
        eprintln!("io_pipeline/{mb}MB: {count} records, {size} bytes encoded");
        group.throughput(Throughput::Bytes(size));
        for (name, mode, walk) in MODES {
            let mut rt = runtime();
            rt.set_input_mode(mode);
            let script = AGGREGATE.replace("ipairs(_io.input)", walk);
            group.bench_function(BenchmarkId::new(name, format!("{mb}MB")), |b| {
                b.iter(|| {
                    rt.set_input_value(&input).unwrap();
                    rt.compute(&script).unwrap();
                    black_box(rt.output_value().unwrap())
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, table_access, io_pipeline);
criterion_main!(benches);
