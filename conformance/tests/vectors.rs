//! Runs every vector against luaxt-format, checks the data itself, and
//! derives coverage from it.

use std::collections::{BTreeMap, BTreeSet};

use luaxt_conformance::{
    Class, FILES, KNOWN_FAILURES_RUST, KnownFailures, LuaxtFormat, run, systematic, tables,
    typed_to_value, value_to_typed, vectors,
};
use luaxt_format::{ErrorKind, Tag, Value};

#[test]
fn luaxt_format_passes_every_vector_except_known_failures() {
    let all = vectors();
    let report = run(&LuaxtFormat, &all);
    let known = KnownFailures::parse(KNOWN_FAILURES_RUST);
    for failure in &report.failures {
        let tag = if known.contains(&failure.id) {
            "known"
        } else {
            "NEW"
        };
        println!("[{tag}] {failure}");
    }
    println!("{}", report.summary());
    if let Err(problems) = report.check(&known) {
        panic!("unexpected results against known-failures/rust.txt:\n{problems}");
    }
}

#[test]
fn vector_ids_are_unique_and_typed_values_are_canonical() {
    let mut ids = BTreeSet::new();
    for v in vectors() {
        assert!(ids.insert(v.id.clone()), "duplicate id {}", v.id);
        assert!(
            !v.description.is_empty() && !v.description.contains('\n'),
            "{}",
            v.id
        );
        if let Some(json) = &v.value {
            let value = typed_to_value(json).unwrap_or_else(|e| panic!("{}: {e}", v.id));
            assert_eq!(
                &value_to_typed(&value),
                json,
                "{}: typed JSON not canonical",
                v.id
            );
        }
        if matches!(v.class, Class::Invalid | Class::EncodeError) {
            let class = v.error.as_deref().unwrap_or_default();
            let kind = ErrorKind::from_name(class).unwrap_or_else(|| panic!("{}: {class}", v.id));
            assert!(ErrorKind::SPEC_CLASSES.contains(&kind), "{}: {class}", v.id);
            if v.class == Class::Invalid {
                assert!(
                    ErrorKind::DECODE_CLASSES.contains(&kind),
                    "{}: {class}",
                    v.id
                );
                assert_ne!(
                    kind,
                    ErrorKind::Noncanonical,
                    "{}: use class noncanonical",
                    v.id
                );
            }
        }
    }
    assert!(ids.len() >= 300, "only {} vectors", ids.len());
}

#[test]
fn every_file_follows_the_schema_fields() {
    let schema: serde_json::Value = serde_json::from_str(luaxt_conformance::SCHEMA).unwrap();
    let allowed: BTreeSet<&str> = schema["$defs"]["vector"]["properties"]
        .as_object()
        .expect("schema lists vector properties")
        .keys()
        .map(String::as_str)
        .collect();
    for (file, text) in FILES {
        let doc = luaxt_conformance::parse_json(text).unwrap();
        for v in doc["vectors"].as_array().unwrap() {
            for key in v.as_object().unwrap().keys() {
                assert!(
                    allowed.contains(key.as_str()),
                    "{file}: {} has field {key}",
                    v["id"]
                );
            }
            let section = v["section"].as_str().unwrap();
            let chapter = section.split('.').next().unwrap();
            // 9x files are generated sets that span chapters.
            if !file.starts_with('9') {
                assert_eq!(&file[..2], format!("{chapter:0>2}"), "{}: file", v["id"]);
            }
        }
    }
}

#[test]
fn generated_vectors_are_up_to_date() {
    for (name, text) in systematic::GENERATED_FILES {
        let committed = FILES.iter().find(|(f, _)| *f == name).unwrap().1;
        assert!(
            text() == committed,
            "vectors/{name} is stale: run `cargo run -p luaxt-conformance --bin generate-vectors`"
        );
    }
}

#[test]
fn key_order_vectors_cover_every_kind_sequence_both_ways() {
    let all = luaxt_conformance::vectors();
    let orders: Vec<_> = all
        .iter()
        .filter(|v| v.file == "91-key-orders.json")
        .collect();
    // 36 pairs in five settings, 216 triples in three; repeated kinds twice.
    assert_eq!(orders.len(), 5 * (30 + 2 * 6) + 3 * (120 + 2 * 96));
    for setting in [
        "bare",
        "after-strings",
        "after-array",
        "many-keys",
        "shape-records",
    ] {
        let of = |class: Class| {
            orders
                .iter()
                .filter(|v| v.id.starts_with(&format!("keyorder.{setting}.")) && v.class == class)
                .count()
        };
        assert!(
            of(Class::Valid) > 0 && of(Class::Noncanonical) > 0,
            "{setting}"
        );
    }
    // The sequence of issue 16: a string key after a reference key after a
    // string key is out of order, in every setting.
    for setting in ["bare", "after-strings", "after-array"] {
        let id = format!("keyorder.{setting}.str-ref-str.asc");
        let v = orders.iter().find(|v| v.id == id).unwrap();
        assert_eq!(v.class, Class::Noncanonical, "{id}");
    }
}

#[test]
fn truncations_are_errors_at_or_before_the_end() {
    let all = luaxt_conformance::vectors();
    let cut: Vec<_> = all
        .iter()
        .filter(|v| v.file == "92-truncations.json")
        .collect();
    assert!(cut.len() > 1000, "{}", cut.len());
    for v in cut {
        assert_eq!(v.class, Class::Invalid, "{}", v.id);
        let len = v.bytes.as_ref().unwrap().len();
        assert!(v.offset.unwrap() <= len, "{}", v.id);
        let error = v.error.as_deref().unwrap();
        assert!(
            ["truncated", "length_overflow"].contains(&error),
            "{}: {error}",
            v.id
        );
    }
}

/// Spec sections that have no byte vectors of their own, and why. A
/// chapter number exempts its subsections.
const NOT_BYTE_LEVEL: [(&str, &str); 12] = [
    (
        "5.5",
        "how errors are reported: every runner checks class and offset of every error vector",
    ),
    (
        "6.4",
        "the API of the limits: every vector with `limits` goes through it",
    ),
    ("6.5", "the `limits` member of the vectors themselves"),
    (
        "6.6",
        "memory: asserted by format/tests/allocation.rs and the decode fuzz targets",
    ),
    (
        "7",
        "the typed JSON notation: every vector is written in it (and the tests check its spelling)",
    ),
    ("9", "Lua mapping: tested by the runtime"),
    ("10", "serde mapping: tested by luaxt-format's serde tests"),
    ("11", "host ABI: runtime issue"),
    ("12", "snapshot container: runtime issue"),
    (
        "13",
        "versioning: no bytes of its own (new tags are unknown_tag, §2.9)",
    ),
    (
        "1.1",
        "conventions: little-endian numbers are covered under 1.1 ids, keywords are not testable",
    ),
    ("8.5", "the heading of 8.5.1–8.5.13, which have vectors"),
];

fn exempt(section: &str) -> bool {
    NOT_BYTE_LEVEL
        .iter()
        .any(|(s, _)| section == *s || section.starts_with(&format!("{s}.")))
}

/// The section numbers decisions.md lists: its chapter table, with every
/// subsection named in each row; "2.1 nil … 2.8 reference" and
/// "8.5.1–8.5.13" are ranges.
fn listed_sections(decisions: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in decisions.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, chapter, file, topic, _] = cells[..] else {
            continue;
        };
        if !file.ends_with(".md") || chapter.parse::<u32>().is_err() {
            continue;
        }
        out.insert(chapter.to_owned());
        // Section numbers in the topic, with the text before each.
        let mut numbers: Vec<(String, String)> = Vec::new();
        let mut gap = String::new();
        for word in topic.split(|c: char| c.is_whitespace() || c == ',' || c == '–' || c == '…')
        {
            if word.starts_with(&format!("{chapter}."))
                && word.chars().all(|c| c.is_ascii_digit() || c == '.')
            {
                numbers.push((word.to_owned(), std::mem::take(&mut gap)));
            }
            gap.push_str(word);
            gap.push(' ');
        }
        let raw_topic = topic.to_owned();
        for (i, (number, _)) in numbers.iter().enumerate() {
            out.insert(number.clone());
            let Some((next, _)) = numbers.get(i + 1) else {
                continue;
            };
            let between = raw_topic
                .split_once(number.as_str())
                .and_then(|(_, rest)| rest.split_once(next.as_str()))
                .map(|(mid, _)| mid.to_owned())
                .unwrap_or_default();
            let (Some((parent, lo)), Some((parent2, hi))) =
                (number.rsplit_once('.'), next.rsplit_once('.'))
            else {
                continue;
            };
            if parent == parent2 && (between.contains('…') || between.contains('–')) {
                if let (Ok(lo), Ok(hi)) = (lo.parse::<u32>(), hi.parse::<u32>()) {
                    for n in lo..=hi {
                        out.insert(format!("{parent}.{n}"));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn coverage_derived_from_the_data() {
    let all = vectors();
    let mut missing = Vec::new();

    // Every tag in some valid vector's value.
    let mut tags = BTreeSet::new();
    for v in all.iter().filter(|v| v.class == Class::Valid) {
        let value = typed_to_value(v.value.as_ref().unwrap()).unwrap();
        tags.insert(value.tag());
        for t in tables(&value) {
            for item in t.array() {
                tags.insert(item.tag());
            }
            for (k, item) in t.hash() {
                tags.insert(k.tag());
                tags.insert(item.tag());
            }
        }
    }
    for tag in Tag::ALL {
        if !tags.contains(&tag) {
            missing.push(format!(
                "tag {:#04x} ({}) in a valid vector",
                tag as u8,
                tag.name()
            ));
        }
    }
    // Every key type as a key.
    let mut key_tags = BTreeSet::new();
    for v in all.iter().filter(|v| v.class == Class::Valid) {
        let value = typed_to_value(v.value.as_ref().unwrap()).unwrap();
        for t in tables(&value) {
            key_tags.extend(t.hash().iter().map(|(k, _)| k.tag()));
        }
    }
    for tag in Tag::ALL.into_iter().filter(|t| t.can_be_key()) {
        if !key_tags.contains(&tag) {
            missing.push(format!("key type {}", tag.name()));
        }
    }

    // Every error class of the spec.
    let mut classes: BTreeSet<String> = all.iter().filter_map(|v| v.error.clone()).collect();
    if all.iter().any(|v| v.class == Class::Noncanonical) {
        classes.insert("noncanonical".into());
    }
    for kind in ErrorKind::SPEC_CLASSES {
        if !classes.contains(kind.name()) {
            missing.push(format!("error class {}", kind.name()));
        }
    }
    // Every decode class in an `invalid` vector (noncanonical aside), and
    // every encode class in an `encode_error` vector.
    let by_class = |class: Class| -> BTreeSet<String> {
        all.iter()
            .filter(|v| v.class == class)
            .filter_map(|v| v.error.clone())
            .collect()
    };
    let (decode, encode) = (by_class(Class::Invalid), by_class(Class::EncodeError));
    for kind in ErrorKind::DECODE_CLASSES
        .into_iter()
        .filter(|k| *k != ErrorKind::Noncanonical)
    {
        if !decode.contains(kind.name()) {
            missing.push(format!("invalid vector for {}", kind.name()));
        }
    }
    for name in [
        "invalid_key",
        "duplicate_key",
        "depth_exceeded",
        "length_overflow",
        "invalid_utf8",
        "integer_overflow",
        "cycle",
        "unsupported_type",
    ] {
        if !encode.contains(name) {
            missing.push(format!("encode_error vector for {name}"));
        }
    }
    // Every reserved-tag region and every class of the three vector kinds.
    let mut per_class: BTreeMap<Class, usize> = BTreeMap::new();
    for v in &all {
        *per_class.entry(v.class).or_default() += 1;
    }
    for class in [
        Class::Valid,
        Class::Noncanonical,
        Class::Invalid,
        Class::EncodeError,
    ] {
        if per_class.get(&class).copied().unwrap_or(0) == 0 {
            missing.push(format!("a vector of class {}", class.name()));
        }
    }

    // Every section decisions.md lists (when the spec is next to the crate).
    let decisions = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/decisions.md");
    match std::fs::read_to_string(decisions) {
        Ok(text) => {
            let listed = listed_sections(&text);
            for s in ["1", "2.5", "2.9", "4.6", "8.5.7"] {
                assert!(
                    listed.contains(s),
                    "{s} not parsed from decisions.md: {listed:?}"
                );
            }
            let covered: BTreeSet<&str> = all.iter().map(|v| v.section.as_str()).collect();
            for section in &listed {
                if exempt(section) {
                    continue;
                }
                let has = covered
                    .iter()
                    .any(|c| c == section || c.starts_with(&format!("{section}.")));
                if !has {
                    missing.push(format!("section {section}"));
                }
            }
            for section in &covered {
                let known = listed.contains(*section);
                assert!(
                    known,
                    "a vector cites section {section}, which decisions.md does not list"
                );
            }
        }
        Err(e) => println!("spec/decisions.md not found ({e}): section coverage not checked"),
    }

    assert!(
        missing.is_empty(),
        "not covered by any vector:\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn known_failures_logic() {
    let all = vectors();
    let ids = ["values.nil", "values.bool.true"];
    let some: Vec<_> = all
        .iter()
        .filter(|v| ids.contains(&v.id.as_str()))
        .cloned()
        .collect();
    struct Broken;
    impl luaxt_conformance::Implementation for Broken {
        fn decode(
            &self,
            _: &[u8],
            _: bool,
            _: luaxt_format::Limits,
        ) -> Result<Value, (String, usize)> {
            Ok(Value::Bool(true))
        }
        fn encode(&self, _: &Value, _: luaxt_format::Limits) -> Result<Vec<u8>, String> {
            Ok(vec![1, 1])
        }
    }
    let report = run(&Broken, &some);
    assert_eq!(report.summary(), "1 passed, 1 failed");
    assert!(
        report
            .check(&KnownFailures::parse("values.nil # broken on purpose"))
            .is_ok()
    );
    let unexpected = report.check(&KnownFailures::parse("")).unwrap_err();
    assert!(
        unexpected.contains("FAIL values.nil (§2.1) decode"),
        "{unexpected}"
    );
    let stale = report
        .check(&KnownFailures::parse("values.nil\nvalues.bool.true"))
        .unwrap_err();
    assert!(stale.contains("STALE values.bool.true"), "{stale}");
}

/// A check of the repository, not of the crate: the generator and the
/// spec's examples are not in the packed crate (cargo writes
/// `Cargo.toml.orig` there, which says where the test runs).
#[test]
fn normative_files_match_their_generator_and_the_spec_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    if dir.join("Cargo.toml.orig").exists() {
        println!("the packed crate has no tools/ or spec/: a repository check, not run here");
        return;
    }
    let tool = dir.join("tools/make_vectors.py");
    match std::process::Command::new("python3")
        .arg(tool)
        .arg("--check")
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "tools/make_vectors.py --check failed (rerun it without --check, or fix the vector it names):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            assert!(
                std::env::var_os("LUAXT_REQUIRE_ALL").is_none(),
                "python3 not found (LUAXT_REQUIRE_ALL is set): {e}"
            );
            println!("python3 not available ({e}): generator check skipped");
        }
    }
}
