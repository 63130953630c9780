//! Snapshots: save and load, what they keep, and what they refuse.
#![cfg(feature = "fs")]

use std::fs;

use luaxt_format::Value;
use luaxt_runtime::persist::{stale_temps, write_atomic_with};
use luaxt_runtime::{Error, Limits, MemoryStore, Runtime, SnapshotError, Store};

fn runtime() -> Runtime<MemoryStore> {
    Runtime::new(MemoryStore::new(), Limits::default()).expect("runtime")
}

#[test]
fn earlier_test_4_persistence_across_save_and_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.lxts");
    let mut first = runtime();
    first
        .compute(
            r#"
            _home.data = "persistent"
            _home.n = 42
            local list = ext.table()
            for i = 1, 1000 do list[i] = "Item " .. i end
            _home.list = list
            _home.nested = { a = { b = { c = 1.5 } } }
            "#,
        )
        .unwrap();
    first.save_state(&path).unwrap();
    assert_eq!(
        stale_temps(&path).unwrap(),
        Vec::<std::path::PathBuf>::new()
    );

    let mut second = runtime();
    second.load_state(&path).unwrap();
    second
        .compute(
            r#"
            assert(_home.data == "persistent")
            assert(_home.n == 42 and math.type(_home.n) == "integer")
            assert(#_home.list == 1000 and _home.list[1000] == "Item 1000")
            assert(_home.nested.a.b.c == 1.5)
            -- New tables never reuse a restored id.
            assert(ext.id(ext.table()) > ext.id(_home.list))
            "#,
        )
        .unwrap();
}

#[test]
fn hundred_thousand_items_survive_a_snapshot() {
    let mut rt = runtime();
    rt.compute(
        "local t = ext.table() for i = 1, 100000 do t[i] = 'Item ' .. i end _home.items = t",
    )
    .unwrap();
    let bytes = rt.snapshot().unwrap();
    let mut other = runtime();
    other.restore(&bytes).unwrap();
    other
        .compute("assert(#_home.items == 100000 and _home.items[99999] == 'Item 99999')")
        .unwrap();
    assert_eq!(
        other.snapshot().unwrap(),
        bytes,
        "snapshots are deterministic"
    );
}

#[test]
fn only_tables_reachable_from_home_are_kept() {
    let mut rt = runtime();
    rt.compute(
        r#"
        garbage = ext.table(); garbage.x = 1
        local kept = ext.table(); kept.y = 2
        local deeper = ext.table(); deeper.z = 3
        kept.inner = { ref = deeper }
        _home.kept = kept
        _io.output = "io is not persistent"
        "#,
    )
    .unwrap();
    let bytes = rt.snapshot().unwrap();
    let mut other = runtime();
    other.restore(&bytes).unwrap();
    other
        .compute("assert(_home.kept.y == 2 and _home.kept.inner.ref.z == 3)")
        .unwrap();
    assert_eq!(
        other.store().table_count(),
        2 + 2,
        "_home, _io, kept, deeper"
    );
    assert_eq!(other.output_value().unwrap(), Value::Nil);
    // A stale handle to a dropped table errors instead of aliasing.
    rt.restore(&bytes).unwrap();
    let err = rt.compute("return garbage.x").unwrap_err();
    assert!(
        err.lua_message().unwrap().contains("does not exist"),
        "{err:?}"
    );
}

#[test]
fn corrupted_and_truncated_snapshots_are_refused_and_change_nothing() {
    let mut source = runtime();
    source.compute("_home.v = 'from snapshot'").unwrap();
    let good = source.snapshot().unwrap();

    let mut rt = runtime();
    rt.compute("_home.v = 'current'").unwrap();
    let check_unchanged = |rt: &mut Runtime<MemoryStore>| {
        assert_eq!(
            rt.compute("return _home.v").unwrap(),
            Value::from("current")
        );
    };

    // Every truncation is refused.
    for len in 0..good.len() {
        let err = rt.restore(&good[..len]).unwrap_err();
        assert!(matches!(err, Error::Snapshot(_)), "len {len}: {err:?}");
    }
    check_unchanged(&mut rt);
    // Every single flipped bit is refused.
    for at in 0..good.len() {
        let mut bad = good.clone();
        bad[at] ^= 0x10;
        assert!(rt.restore(&bad).is_err(), "flip at {at}");
    }
    check_unchanged(&mut rt);
    // Specific classes.
    let mut bad = good.clone();
    bad[0] = b'X';
    assert!(matches!(
        rt.restore(&bad),
        Err(Error::Snapshot(SnapshotError::BadMagic))
    ));
    let mut bad = good.clone();
    bad[8] = 2;
    assert!(matches!(
        rt.restore(&bad),
        Err(Error::Snapshot(SnapshotError::UnsupportedVersion(2)))
    ));
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(matches!(
        rt.restore(&bad),
        Err(Error::Snapshot(SnapshotError::Checksum { .. }))
    ));
    check_unchanged(&mut rt);

    // The same through files.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.lxts");
    fs::write(&path, &good[..good.len() / 2]).unwrap();
    assert!(rt.load_state(&path).is_err());
    assert!(rt.load_state(dir.path().join("missing")).is_err());
    check_unchanged(&mut rt);
    rt.restore(&good).unwrap();
    assert_eq!(
        rt.compute("return _home.v").unwrap(),
        Value::from("from snapshot")
    );
}

#[test]
fn a_save_interrupted_half_way_leaves_the_old_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.lxts");
    let mut rt = runtime();
    rt.compute("_home.v = 'old'").unwrap();
    rt.save_state(&path).unwrap();
    let old = fs::read(&path).unwrap();

    // A writer that fails half way (a full disk, a killed process).
    rt.compute("_home.v = 'new'").unwrap();
    let new = rt.snapshot().unwrap();
    let err = write_atomic_with(&path, |file| {
        use std::io::Write;
        file.write_all(&new[..new.len() / 2])?;
        Err(std::io::Error::other("simulated crash"))
    })
    .unwrap_err();
    assert_eq!(err.to_string(), "simulated crash");
    assert_eq!(fs::read(&path).unwrap(), old);
    assert!(stale_temps(&path).unwrap().is_empty());

    // A crash that left a half-written temporary file behind (the name a
    // killed save leaves): readers never look at it, and saves go on.
    let leftover = dir.path().join(".state.lxts.Ab12Cd.tmp");
    fs::write(&leftover, &new[..new.len() / 2]).unwrap();
    assert_eq!(stale_temps(&path).unwrap(), vec![leftover.clone()]);
    let mut fresh = runtime();
    fresh.load_state(&path).unwrap();
    assert_eq!(fresh.compute("return _home.v").unwrap(), Value::from("old"));
    rt.save_state(&path).unwrap();
    fresh.load_state(&path).unwrap();
    assert_eq!(fresh.compute("return _home.v").unwrap(), Value::from("new"));
    assert_eq!(stale_temps(&path).unwrap(), vec![leftover]);
}

/// The attack of issue 15: a symlink at the temporary name of older
/// versions (`.NAME.tmp`) and at names of the current pattern must not
/// redirect a save.
#[cfg(unix)]
#[test]
fn symlinks_at_temporary_names_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.lxts");
    let victim = dir.path().join("victim");
    fs::write(&victim, b"precious").unwrap();
    let mut planted = vec![dir.path().join(".state.lxts.tmp")];
    planted.extend(
        ["aaaaaa", "000000", "AbCdEf", "zZ9zZ9"]
            .map(|random| dir.path().join(format!(".state.lxts.{random}.tmp"))),
    );
    for link in &planted {
        std::os::unix::fs::symlink(&victim, link).unwrap();
    }
    let mut rt = runtime();
    for round in 0..20 {
        rt.compute(&format!("_home.round = {round}")).unwrap();
        rt.save_state(&path).unwrap();
    }
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    for link in &planted {
        assert!(fs::symlink_metadata(link).unwrap().is_symlink());
    }
    let mut fresh = runtime();
    fresh.load_state(&path).unwrap();
    assert_eq!(
        fresh.compute("return _home.round").unwrap(),
        Value::from(19)
    );
}

#[cfg(unix)]
#[test]
fn a_save_keeps_the_permissions_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.lxts");
    let mode = |path: &std::path::Path| fs::metadata(path).unwrap().permissions().mode() & 0o7777;
    let mut rt = runtime();
    rt.compute("_home.v = 1").unwrap();
    rt.save_state(&path).unwrap();
    assert_eq!(mode(&path), 0o600, "a new state file is private");
    for kept in [0o600, 0o640, 0o644, 0o400] {
        fs::set_permissions(&path, fs::Permissions::from_mode(kept)).unwrap();
        rt.save_state(&path).unwrap();
        assert_eq!(mode(&path), kept);
    }
}

/// A symlink at the state path is replaced by the new file: the file it
/// pointed to keeps its content and its permissions.
#[cfg(unix)]
#[test]
fn a_symlink_at_the_state_path_is_replaced_not_written_through() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.lxts");
    let target = dir.path().join("elsewhere");
    let mut rt = runtime();
    rt.compute("_home.v = 'old'").unwrap();
    rt.save_state(&target).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
    let old = fs::read(&target).unwrap();
    std::os::unix::fs::symlink(&target, &path).unwrap();
    rt.load_state(&path).unwrap();
    rt.compute("_home.v = 'new'").unwrap();
    rt.save_state(&path).unwrap();
    assert_eq!(fs::read(&target).unwrap(), old);
    let meta = fs::symlink_metadata(&path).unwrap();
    assert!(meta.is_file(), "the link was replaced by a file");
    assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
    let mut fresh = runtime();
    fresh.load_state(&path).unwrap();
    assert_eq!(fresh.compute("return _home.v").unwrap(), Value::from("new"));
}

#[test]
fn store_content_after_restore_matches_the_snapshot() {
    let mut rt = runtime();
    rt.compute("_home[1] = 'a' _home[2] = 'b' _home.k = true")
        .unwrap();
    let bytes = rt.snapshot().unwrap();
    let mut other = runtime();
    other.restore(&bytes).unwrap();
    assert_eq!(other.store().len(luaxt_runtime::HOME_ID).unwrap(), 2);
    assert_eq!(other.store().entry_count(luaxt_runtime::HOME_ID), 3);
}
