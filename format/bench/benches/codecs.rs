//! Encode/decode throughput of LXT against other serde formats on one
//! shared data set (see `BENCHMARKS.md`). Run with
//! `cargo bench -p luaxt-format-bench`.
//!
//! The data set is generated exactly as the JS benchmark generates it, and
//! the SHA-256 of its LXT encoding (as a `Value`) is printed so the two can
//! be compared.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use luaxt_derive::{Decode, Encode};
use luaxt_format::{DecodeOptions, Table, Value, ValueRef};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Records in the data set.
const N: usize = 20_000;

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Geo {
    lat: f64,
    lon: f64,
    city: String,
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, Clone, PartialEq)]
struct Record {
    id: i64,
    name: String,
    score: f64,
    active: bool,
    tags: Vec<String>,
    bio: String,
    readings: Vec<f64>,
    counts: Vec<i64>,
    geo: Geo,
}

/// splitmix64, as specified for the shared data set.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `(next() >> 11) / 2^53 * scale + offset`; never integral here (the
    /// JS codec writes integral floats as integers, so both sides must see
    /// only fractional ones).
    fn float(&mut self, scale: f64, offset: f64) -> f64 {
        let x = (self.next() >> 11) as f64 / 9_007_199_254_740_992.0 * scale + offset;
        assert!(x.fract() != 0.0, "integral float {x} drawn");
        x
    }
}

fn generate() -> Vec<Record> {
    const TAGS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "epsilon"];
    const BIO: &[u8; 27] = b"abcdefghijklmnopqrstuvwxyz ";
    let mut rng = SplitMix(42);
    (0..N)
        .map(|i| {
            let id = i as i64;
            let name = format!("user_{}", rng.next() % 100_000);
            let score = rng.float(1000.0, 0.0);
            let active = rng.next() & 1 == 1;
            let k = rng.next() % 4;
            let tags = (0..k)
                .map(|_| TAGS[(rng.next() % 5) as usize].to_string())
                .collect();
            let len = 100 + rng.next() % 400;
            let bio = (0..len)
                .map(|_| BIO[(rng.next() % 27) as usize] as char)
                .collect();
            let readings = (0..8).map(|_| rng.float(100.0, -50.0)).collect();
            let counts = (0..4)
                .map(|_| (rng.next() % 1_000_000) as i64 - 500_000)
                .collect();
            let lat = rng.float(180.0, -90.0);
            let lon = rng.float(360.0, -180.0);
            let city = format!("city_{}", rng.next() % 1000);
            Record {
                id,
                name,
                score,
                active,
                tags,
                bio,
                readings,
                counts,
                geo: Geo { lat, lon, city },
            }
        })
        .collect()
}

fn entry(key: &str, value: Value) -> (Value, Value) {
    (Value::from(key), value)
}

/// A record as a `Value`: a table with exactly the record's string keys.
fn record_value(r: &Record) -> Value {
    let strings =
        |v: &[String]| Table::from_array(v.iter().map(|s| Value::from(s.as_str())).collect());
    let geo = Table::from_entries([
        entry("lat", Value::Float(r.geo.lat)),
        entry("lon", Value::Float(r.geo.lon)),
        entry("city", Value::from(r.geo.city.as_str())),
    ])
    .unwrap();
    let table = Table::from_entries([
        entry("id", Value::Int(r.id)),
        entry("name", Value::from(r.name.as_str())),
        entry("score", Value::Float(r.score)),
        entry("active", Value::Bool(r.active)),
        entry("tags", Value::Table(strings(&r.tags))),
        entry("bio", Value::from(r.bio.as_str())),
        entry(
            "readings",
            Value::Table(Table::from_array(
                r.readings.iter().map(|&f| Value::Float(f)).collect(),
            )),
        ),
        entry(
            "counts",
            Value::Table(Table::from_array(
                r.counts.iter().map(|&i| Value::Int(i)).collect(),
            )),
        ),
        entry("geo", Value::Table(geo)),
    ])
    .unwrap();
    Value::Table(table)
}

/// The data set's LXT written by hand, keys in canonical order, with no
/// serde and no checks: what producing these bytes costs at least, a
/// yardstick for the serde encoder (not a codec anyone would use).
fn by_hand(records: &[Record]) -> Vec<u8> {
    fn string(out: &mut Vec<u8>, text: &str) {
        out.push(0x04);
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    fn number(out: &mut Vec<u8>, tag: u8, bits: [u8; 8]) {
        out.push(tag);
        out.extend_from_slice(&bits);
    }
    fn head(out: &mut Vec<u8>, array: usize, hash: Option<usize>) {
        out.push(0x06);
        out.extend_from_slice(&(array as u32).to_le_bytes());
        if let Some(hash) = hash {
            out.extend_from_slice(&(hash as u32).to_le_bytes());
        }
    }
    const NO_HASH: [u8; 4] = [0; 4];
    let mut out = Vec::new();
    head(&mut out, records.len(), None);
    for r in records {
        head(&mut out, 0, Some(9));
        string(&mut out, "id");
        number(&mut out, 0x02, r.id.to_le_bytes());
        string(&mut out, "bio");
        string(&mut out, &r.bio);
        string(&mut out, "geo");
        head(&mut out, 0, Some(3));
        string(&mut out, "lat");
        number(&mut out, 0x03, r.geo.lat.to_le_bytes());
        string(&mut out, "lon");
        number(&mut out, 0x03, r.geo.lon.to_le_bytes());
        string(&mut out, "city");
        string(&mut out, &r.geo.city);
        string(&mut out, "name");
        string(&mut out, &r.name);
        string(&mut out, "tags");
        head(&mut out, r.tags.len(), None);
        for tag in &r.tags {
            string(&mut out, tag);
        }
        out.extend_from_slice(&NO_HASH);
        string(&mut out, "score");
        number(&mut out, 0x03, r.score.to_le_bytes());
        string(&mut out, "active");
        out.extend_from_slice(&[0x01, r.active as u8]);
        string(&mut out, "counts");
        head(&mut out, r.counts.len(), None);
        for count in &r.counts {
            number(&mut out, 0x02, count.to_le_bytes());
        }
        out.extend_from_slice(&NO_HASH);
        string(&mut out, "readings");
        head(&mut out, r.readings.len(), None);
        for reading in &r.readings {
            number(&mut out, 0x03, reading.to_le_bytes());
        }
        out.extend_from_slice(&NO_HASH);
    }
    out.extend_from_slice(&NO_HASH);
    out
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn codecs(c: &mut Criterion) {
    let records = generate();
    let value = Value::Table(Table::from_array(
        records.iter().map(record_value).collect(),
    ));
    let lxt = luaxt_format::encode(&value).unwrap();
    println!("dataset: {N} records, LXT {} bytes", lxt.len());
    println!(
        "dataset sha256 (LXT of the Value): {}",
        hex(&Sha256::digest(&lxt))
    );

    // Every codec's own encoding, checked to round-trip once.
    let check = |name: &str, ok: bool| assert!(ok, "{name} does not round-trip the data set");
    let typed = luaxt_format::to_vec(&records).unwrap();
    assert!(
        typed == lxt,
        "typed serde output must equal the canonical Value encoding"
    );
    assert!(
        luaxt_format::native::to_vec(&records).unwrap() == lxt,
        "the derived encoder's output must equal the canonical Value encoding"
    );
    assert!(
        by_hand(&records) == lxt,
        "the hand-written bytes must equal the canonical Value encoding"
    );
    check(
        "luaxt derive",
        luaxt_format::native::from_slice::<Vec<Record>>(&lxt).unwrap() == records,
    );
    check(
        "luaxt typed",
        luaxt_format::from_slice::<Vec<Record>>(&lxt).unwrap() == records,
    );
    check(
        "luaxt Value",
        luaxt_format::from_slice::<Value>(&lxt).unwrap() == value,
    );
    let rmp_named = rmp_serde::to_vec_named(&records).unwrap();
    let rmp_compact = rmp_serde::to_vec(&records).unwrap();
    let mut cbor = Vec::new();
    ciborium::into_writer(&records, &mut cbor).unwrap();
    let post = postcard::to_allocvec(&records).unwrap();
    let json = serde_json::to_vec(&records).unwrap();
    check(
        "rmp named",
        rmp_serde::from_slice::<Vec<Record>>(&rmp_named).unwrap() == records,
    );
    check(
        "rmp compact",
        rmp_serde::from_slice::<Vec<Record>>(&rmp_compact).unwrap() == records,
    );
    check(
        "ciborium",
        ciborium::from_reader::<Vec<Record>, _>(&cbor[..]).unwrap() == records,
    );
    check(
        "postcard",
        postcard::from_bytes::<Vec<Record>>(&post).unwrap() == records,
    );
    // serde_json's default float parsing may differ in the last bit.
    check(
        "serde_json",
        serde_json::from_slice::<Vec<Record>>(&json).unwrap().len() == N,
    );
    for (name, bytes) in [
        ("luaxt", &lxt),
        ("rmp_named", &rmp_named),
        ("rmp_compact", &rmp_compact),
        ("ciborium", &cbor),
        ("postcard", &post),
        ("serde_json", &json),
    ] {
        println!("size {name} {}", bytes.len());
    }

    if std::env::var_os("LUAXT_SKIP_QUICK").is_none() {
        quick_table(
            &records,
            &value,
            &lxt,
            &rmp_named,
            &rmp_compact,
            &cbor,
            &post,
            &json,
        );
    }

    let mut group = c.benchmark_group("encode");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("luaxt_value", |b| {
        b.iter(|| luaxt_format::encode(black_box(&value)).unwrap())
    });
    group.bench_function("luaxt_serde", |b| {
        b.iter(|| luaxt_format::to_vec(black_box(&records)).unwrap())
    });
    group.bench_function("rmp_named", |b| {
        b.iter(|| rmp_serde::to_vec_named(black_box(&records)).unwrap())
    });
    group.bench_function("rmp_compact", |b| {
        b.iter(|| rmp_serde::to_vec(black_box(&records)).unwrap())
    });
    group.bench_function("ciborium", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            ciborium::into_writer(black_box(&records), &mut out).unwrap();
            out
        })
    });
    group.bench_function("postcard", |b| {
        b.iter(|| postcard::to_allocvec(black_box(&records)).unwrap())
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| serde_json::to_vec(black_box(&records)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("luaxt_value", |b| {
        b.iter(|| luaxt_format::decode(black_box(&lxt)).unwrap())
    });
    group.bench_function("luaxt_valueref", |b| {
        b.iter(|| ValueRef::decode(black_box(&lxt)).unwrap())
    });
    group.bench_function("luaxt_serde", |b| {
        b.iter(|| luaxt_format::from_slice::<Vec<Record>>(black_box(&lxt)).unwrap())
    });
    group.bench_function("luaxt_check", |b| {
        b.iter(|| DecodeOptions::new().check(black_box(&lxt)).unwrap())
    });
    group.bench_function("rmp_named", |b| {
        b.iter(|| rmp_serde::from_slice::<Vec<Record>>(black_box(&rmp_named)).unwrap())
    });
    group.bench_function("rmp_compact", |b| {
        b.iter(|| rmp_serde::from_slice::<Vec<Record>>(black_box(&rmp_compact)).unwrap())
    });
    group.bench_function("ciborium", |b| {
        b.iter(|| ciborium::from_reader::<Vec<Record>, _>(black_box(&cbor[..])).unwrap())
    });
    group.bench_function("postcard", |b| {
        b.iter(|| postcard::from_bytes::<Vec<Record>>(black_box(&post)).unwrap())
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| serde_json::from_slice::<Vec<Record>>(black_box(&json)).unwrap())
    });
    group.bench_function("rmpv_value", |b| {
        b.iter(|| rmpv::decode::read_value(&mut black_box(&rmp_named[..])).unwrap())
    });
    group.bench_function("ciborium_value", |b| {
        b.iter(|| ciborium::from_reader::<ciborium::Value, _>(black_box(&cbor[..])).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&json)).unwrap())
    });
    group.finish();
}

/// Seconds this thread has spent on a CPU (`CLOCK_THREAD_CPUTIME_ID`).
/// Unlike wall-clock time it does not count the time the thread waited
/// while other processes ran, so it stays meaningful on a shared machine.
fn cpu_time() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// Runs every case once per round, `ROUNDS` rounds, and prints the median
/// run of each (in on-CPU time) as a Markdown table, then the typed luaxt
/// decode against each other typed decode, round by round.
#[allow(clippy::too_many_arguments)]
fn quick_table(
    records: &[Record],
    value: &Value,
    lxt: &[u8],
    rmp_named: &[u8],
    rmp_compact: &[u8],
    cbor: &[u8],
    post: &[u8],
    json: &[u8],
) {
    const ROUNDS: usize = 15;
    const WARM_UP: usize = 2;
    type Case<'a> = (&'a str, &'a str, usize, Box<dyn Fn() + 'a>);
    let cases: Vec<Case<'_>> = vec![
        (
            "encode",
            "luaxt `Value`",
            lxt.len(),
            Box::new(|| drop(black_box(luaxt_format::encode(black_box(value)).unwrap()))),
        ),
        (
            "encode",
            "luaxt serde (typed)",
            lxt.len(),
            Box::new(|| drop(black_box(luaxt_format::to_vec(black_box(records)).unwrap()))),
        ),
        (
            "encode",
            "luaxt derive (typed)",
            lxt.len(),
            Box::new(|| {
                drop(black_box(
                    luaxt_format::native::to_vec(black_box(records)).unwrap(),
                ))
            }),
        ),
        (
            "encode",
            "luaxt by hand (same bytes, no serde; a yardstick)",
            lxt.len(),
            Box::new(|| drop(black_box(by_hand(black_box(records))))),
        ),
        (
            "encode",
            "rmp-serde named",
            rmp_named.len(),
            Box::new(|| {
                drop(black_box(
                    rmp_serde::to_vec_named(black_box(records)).unwrap(),
                ))
            }),
        ),
        (
            "encode",
            "rmp-serde compact",
            rmp_compact.len(),
            Box::new(|| drop(black_box(rmp_serde::to_vec(black_box(records)).unwrap()))),
        ),
        (
            "encode",
            "ciborium",
            cbor.len(),
            Box::new(|| {
                let mut out = Vec::new();
                ciborium::into_writer(black_box(records), &mut out).unwrap();
                drop(black_box(out));
            }),
        ),
        (
            "encode",
            "postcard",
            post.len(),
            Box::new(|| {
                drop(black_box(
                    postcard::to_allocvec(black_box(records)).unwrap(),
                ))
            }),
        ),
        (
            "encode",
            "serde_json",
            json.len(),
            Box::new(|| drop(black_box(serde_json::to_vec(black_box(records)).unwrap()))),
        ),
        (
            "decode",
            "luaxt `Value` (dynamic)",
            lxt.len(),
            Box::new(|| drop(black_box(luaxt_format::decode(black_box(lxt)).unwrap()))),
        ),
        (
            "decode",
            "luaxt `ValueRef` (dynamic, borrowed)",
            lxt.len(),
            Box::new(|| drop(black_box(ValueRef::decode(black_box(lxt)).unwrap()))),
        ),
        (
            "decode",
            "luaxt serde (typed)",
            lxt.len(),
            Box::new(|| {
                drop(black_box(
                    luaxt_format::from_slice::<Vec<Record>>(black_box(lxt)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "luaxt derive (typed)",
            lxt.len(),
            Box::new(|| {
                drop(black_box(
                    luaxt_format::native::from_slice::<Vec<Record>>(black_box(lxt)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "luaxt serde (typed, strict)",
            lxt.len(),
            Box::new(|| {
                let strict = DecodeOptions::new().strict(true);
                drop(black_box(
                    luaxt_format::from_slice_with::<Vec<Record>>(black_box(lxt), &strict).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "luaxt derive (typed, strict)",
            lxt.len(),
            Box::new(|| {
                let strict = DecodeOptions::new().strict(true);
                drop(black_box(
                    luaxt_format::native::from_slice_with::<Vec<Record>>(black_box(lxt), &strict)
                        .unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "luaxt `ValueRef` (dynamic, strict)",
            lxt.len(),
            Box::new(|| {
                let strict = DecodeOptions::new().strict(true);
                drop(black_box(strict.decode_ref(black_box(lxt)).unwrap()))
            }),
        ),
        (
            "decode",
            "luaxt check (validates, builds nothing)",
            lxt.len(),
            Box::new(|| {
                black_box(DecodeOptions::new().check(black_box(lxt)).unwrap());
            }),
        ),
        (
            "decode",
            "rmp-serde named (typed)",
            rmp_named.len(),
            Box::new(|| {
                drop(black_box(
                    rmp_serde::from_slice::<Vec<Record>>(black_box(rmp_named)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "rmp-serde compact (typed)",
            rmp_compact.len(),
            Box::new(|| {
                drop(black_box(
                    rmp_serde::from_slice::<Vec<Record>>(black_box(rmp_compact)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "ciborium (typed)",
            cbor.len(),
            Box::new(|| {
                drop(black_box(
                    ciborium::from_reader::<Vec<Record>, _>(black_box(cbor)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "postcard (typed)",
            post.len(),
            Box::new(|| {
                drop(black_box(
                    postcard::from_bytes::<Vec<Record>>(black_box(post)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "serde_json (typed)",
            json.len(),
            Box::new(|| {
                drop(black_box(
                    serde_json::from_slice::<Vec<Record>>(black_box(json)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "rmpv `Value` (dynamic)",
            rmp_named.len(),
            Box::new(|| {
                drop(black_box(
                    rmpv::decode::read_value(&mut black_box(rmp_named)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "`ciborium::Value` (dynamic)",
            cbor.len(),
            Box::new(|| {
                drop(black_box(
                    ciborium::from_reader::<ciborium::Value, _>(black_box(cbor)).unwrap(),
                ))
            }),
        ),
        (
            "decode",
            "`serde_json::Value` (dynamic)",
            json.len(),
            Box::new(|| {
                drop(black_box(
                    serde_json::from_slice::<serde_json::Value>(black_box(json)).unwrap(),
                ))
            }),
        ),
    ];
    // LUAXT_ONLY=<codec name> runs one decode case LUAXT_REPS (50) times and
    // exits (for profiling it alone); "encode <codec name>" an encode case.
    if let Some(only) = std::env::var_os("LUAXT_ONLY") {
        let only = only.to_string_lossy();
        let (op, name) = match only.strip_prefix("encode ") {
            Some(name) => ("encode", name),
            None => ("decode", &*only),
        };
        let case = cases
            .iter()
            .find(|c| c.0 == op && c.1.contains(name))
            .expect("LUAXT_ONLY names a case");
        let reps = std::env::var("LUAXT_REPS").map_or(50, |r| r.parse().unwrap_or(50));
        for _ in 0..reps {
            (case.3)();
        }
        std::process::exit(0);
    }
    // Rounds: every case once per round, in turn, so that a change of load
    // on the machine hits all cases alike; two rounds warm up.
    let mut times = vec![Vec::with_capacity(ROUNDS); cases.len()];
    for round in 0..WARM_UP + ROUNDS {
        for (i, (_, _, _, run)) in cases.iter().enumerate() {
            // An untimed run first leaves the heap as this case leaves it
            // (as when it runs in a loop), not as the case before did.
            run();
            let start = cpu_time();
            run();
            if round >= WARM_UP {
                times[i].push(cpu_time() - start);
            }
        }
    }
    println!("\nmedian of {ROUNDS} rounds per case (on-CPU time of the thread):\n");
    println!("| op | codec | ms | records/s | MB/s (own output) | size (bytes) |");
    println!("|---|---|---:|---:|---:|---:|");
    for ((op, name, size, _), runs) in cases.iter().zip(&times) {
        let secs = median(runs.clone());
        println!(
            "| {op} | {name} | {:.1} | {:.0} k | {:.0} | {size} |",
            secs * 1e3,
            N as f64 / secs / 1e3,
            *size as f64 / secs / 1e6
        );
    }
    // Within one round the cases ran seconds apart, so the ratio of two of
    // them is steadier than the ratio of their medians.
    let position = |op: &str, name: &str| {
        cases
            .iter()
            .position(|c| c.0 == op && c.1 == name)
            .expect("a case of the bench")
    };
    for (op, ours) in [
        ("decode", "luaxt serde (typed)"),
        ("decode", "luaxt derive (typed)"),
        ("encode", "luaxt serde (typed)"),
        ("encode", "luaxt derive (typed)"),
    ] {
        let us = position(op, ours);
        println!("\n{ours} {op} ÷ each other typed {op}, per round ({ROUNDS} rounds):\n");
        println!("| ÷ codec | median | range | rounds luaxt was faster |");
        println!("|---|---:|---:|---:|");
        for (i, (case_op, name, _, _)) in cases.iter().enumerate() {
            // Typed codecs only: not the dynamic values (`Value`, rmpv…).
            let typed = if op == "decode" {
                name.contains("(typed)")
            } else {
                !name.contains('`')
            };
            if *case_op != op || i == us || !typed {
                continue;
            }
            let (mid, low, high, faster) = per_round(&times[us], &times[i]);
            println!("| {name} | {mid:.3} | {low:.2}–{high:.2} | {faster} of {ROUNDS} |");
        }
    }
    println!();
    // Strict mode (§4.6) against lenient, round by round.
    println!("strict decode ÷ lenient decode, per round ({ROUNDS} rounds):\n");
    println!("| decode | median | range |");
    println!("|---|---:|---:|");
    for (lenient, strict) in [
        ("luaxt serde (typed)", "luaxt serde (typed, strict)"),
        ("luaxt derive (typed)", "luaxt derive (typed, strict)"),
        (
            "luaxt `ValueRef` (dynamic, borrowed)",
            "luaxt `ValueRef` (dynamic, strict)",
        ),
    ] {
        let (mid, low, high, _) = per_round(
            &times[position("decode", strict)],
            &times[position("decode", lenient)],
        );
        println!("| {lenient} | {mid:.3} | {low:.2}–{high:.2} |");
    }
    println!();
}

/// One case's time ÷ another's, round by round: the median ratio, the
/// lowest and highest, and in how many rounds the first was faster.
fn per_round(ours: &[f64], theirs: &[f64]) -> (f64, f64, f64, usize) {
    let ratios: Vec<f64> = ours.iter().zip(theirs).map(|(o, t)| o / t).collect();
    let faster = ratios.iter().filter(|r| **r < 1.0).count();
    let (low, high) = ratios
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), r| (l.min(*r), h.max(*r)));
    (median(ratios), low, high, faster)
}

/// The median of some timings or ratios.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = codecs
}
criterion_main!(benches);
