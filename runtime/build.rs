//! Builds the runtime's Lua: Lua 5.4.8's C sources from the `lua-src`
//! crate (the sources mlua vendors), with the files patched in `lua/` in
//! place of their originals (`PATCHED`: they charge their work to the
//! sandbox's budget) and the budget glue
//! (`luaxt_budget.c`). mlua links it through mlua-sys's `external` feature.
//!
//! On `wasm32-unknown-unknown` (see shared/design/lua-on-wasm32.md) the
//! sources are compiled by clang-16 against wasi-libc's headers, with
//! setjmp/longjmp lowered to WebAssembly exception handling and a small C
//! shim (`csrc/`) in place of every OS-facing libc call, and the pure parts
//! of wasi-libc (strings, math, printf, strtod, malloc) are linked.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Lua's files that `lua/` replaces with patched copies (each says at its
/// top what it charges to the budget): the VM's long-string compares, the
/// creation of long strings, the parser's input, full garbage collections
/// and large collection steps, the loops of the string, utf8 and table
/// libraries, walks along long collision chains of hash parts and
/// rehashes, the instructions of coroutines and `__call` chains (`ldo.c`),
/// the parser's jump-list and name searches (`lcode.c`, `lparser.c`),
/// string-to-number scans and float formatting (`lobject.c`), the time
/// functions (`loslib.c`);
/// and the hashes of keys take a secret (`lstate.c`, `ltable.c`).
const PATCHED: [&str; 15] = [
    "lvm.c",
    "loslib.c",
    "lobject.c",
    "ldo.c",
    "lcode.c",
    "lparser.c",
    "ltable.c",
    "lstate.c",
    "lstring.c",
    "lzio.c",
    "lgc.c",
    "lapi.c",
    "lstrlib.c",
    "lutf8lib.c",
    "ltablib.c",
];

/// luaxt's own C file beside them.
const GLUE: &str = "lua/luaxt_budget.c";

/// The Lua version directory inside the lua-src crate.
const LUA_DIR: &str = "lua-5.4.8";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-changed=lua");
    readme_path();
    let lua = lua_sources();
    let target = std::env::var("TARGET").unwrap_or_default();
    let wasm = target == "wasm32-unknown-unknown";

    let mut build = cc::Build::new();
    build
        // lua/ first, so that its files are found before the originals.
        .include("lua")
        .include(&lua)
        .define("LUA_COMPAT_5_3", None)
        .warnings(false);
    if wasm {
        configure_wasm(&mut build);
    } else {
        configure_native(&mut build);
    }
    build.files(sources(&lua)).file(GLUE);
    for file in PATCHED {
        build.file(Path::new("lua").join(file));
    }
    if wasm {
        build.file("csrc/sjlj.c").file("csrc/host.c");
    }
    build.compile("lua5.4");
    if wasm {
        link_wasi_libc();
    }
}

/// Every C file of Lua's library, but the patched ones.
fn sources(lua: &Path) -> Vec<PathBuf> {
    let mut sources: Vec<_> = std::fs::read_dir(lua)
        .unwrap_or_else(|e| panic!("cannot read Lua's sources in {}: {e}", lua.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "c"))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // The interpreter and compiler programs are not the library.
            !PATCHED.contains(&name) && name != "lua.c" && name != "luac.c"
        })
        .collect();
    sources.sort();
    sources
}

/// What lua-src sets for the same target (`LUA_USE_POSIX` for what the
/// sandbox opens: `os.time`/`os.date`), and Lua's API checks in the dev
/// profile, which catch a host that misuses the stack.
fn configure_native(build: &mut cc::Build) {
    match std::env::var("CARGO_CFG_TARGET_FAMILY").as_deref() {
        Ok("unix") => {
            build.define("LUA_USE_POSIX", None);
        }
        Ok("windows") => {
            build.define("LUA_USE_WINDOWS", None);
        }
        _ => {}
    }
    if std::env::var("PROFILE").is_ok_and(|profile| profile == "debug") {
        build.define("LUA_USE_APICHECK", None);
    }
}

fn configure_wasm(build: &mut cc::Build) {
    build
        .compiler(tool("LUAXT_WASM_CC", "clang-16"))
        .archiver(tool("LUAXT_WASM_AR", "llvm-ar-16"))
        // Only for wasi-libc's headers: the objects link into the
        // wasm32-unknown-unknown module as they are.
        .flag("--target=wasm32-wasi")
        .flag("-mllvm")
        .flag("-wasm-enable-sjlj")
        .flag("-include")
        .flag("csrc/redirect.h")
        .include("csrc/include")
        .define("l_signalT", "int")
        .opt_level(2);
}

fn link_wasi_libc() {
    let libc = std::env::var("LUAXT_WASI_LIBC").unwrap_or_else(|_| "/usr/lib/wasm32-wasi".into());
    assert!(
        Path::new(&libc).join("libc.a").exists(),
        "wasi-libc not found in {libc}: install Debian's wasi-libc (or set LUAXT_WASI_LIBC)"
    );
    println!("cargo:rustc-link-search=native={libc}");
    // Before `c`: otherwise libc.a's printf and strtod objects pull in
    // stdio and with it WASI imports.
    println!("cargo:rustc-link-lib=static=c-printscan-long-double");
    println!("cargo:rustc-link-lib=static=c");
}

/// The directory of Lua's C sources: `LUAXT_LUA_SRC` if set, otherwise
/// the `lua-5.4.8` folder of the lua-src crate (a build-dependency, so that
/// Cargo fetches it and the lock file pins it), found through `cargo
/// metadata`, or, where that cannot resolve the package (a packaged crate
/// whose siblings are not published yet), in Cargo's registry sources.
fn lua_sources() -> PathBuf {
    println!("cargo:rerun-if-env-changed=LUAXT_LUA_SRC");
    if let Some(dir) = std::env::var_os("LUAXT_LUA_SRC") {
        return PathBuf::from(dir);
    }
    let found = from_metadata().or_else(from_registry);
    let dir = found.unwrap_or_else(|| {
        panic!(
            "Lua 5.4.8's sources (the lua-src crate) were not found: set LUAXT_LUA_SRC to their directory"
        )
    });
    assert!(
        dir.join("lua.h").exists(),
        "no Lua sources in {}",
        dir.display()
    );
    dir
}

/// lua-src's folder as `cargo metadata` gives it. Only the host's packages
/// (lua-src is a build-dependency). Offline first: everything this build
/// needs is downloaded already. A build of one package on a fresh machine
/// may not have fetched the rest of the workspace's dependencies
/// (dev-dependencies among them), which cargo metadata also lists: then
/// once more with the network.
fn from_metadata() -> Option<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let host = std::env::var("HOST").ok()?;
    let metadata = |offline: bool| {
        let mut command = Command::new(&cargo);
        command
            .args(["metadata", "--format-version=1"])
            .args(["--filter-platform", &host])
            .current_dir(&manifest);
        if offline {
            command.arg("--offline");
        }
        command.output().ok().filter(|out| out.status.success())
    };
    let output = metadata(true).or_else(|| metadata(false))?;
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).ok()?;
    let manifest_path = metadata["packages"]
        .as_array()?
        .iter()
        .find(|package| package["name"] == "lua-src")?["manifest_path"]
        .as_str()?
        .to_owned();
    Some(Path::new(&manifest_path).parent()?.join(LUA_DIR))
}

/// lua-src's folder among Cargo's registry sources (`$CARGO_HOME/registry
/// /src/*/lua-src-*`), the newest that holds Lua 5.4.8.
fn from_registry() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(home.join("registry").join("src"))
        .ok()?
        .flatten()
        .flat_map(|index| {
            std::fs::read_dir(index.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("lua-src-"))
        })
        .map(|path| path.join(LUA_DIR))
        .filter(|dir| dir.join("lua.h").exists())
        .collect();
    found.sort();
    found.pop()
}

/// A tool from the environment, or its Debian default.
fn tool(var: &str, default: &str) -> String {
    println!("cargo:rerun-if-env-changed={var}");
    std::env::var(var).unwrap_or_else(|_| default.into())
}

/// Where the README whose Rust examples run as doctests is: beside the
/// manifest in the packed crate (cargo copies `readme = "../README.md"`
/// there), one level up in the repository. `LUAXT_README` names it.
fn readme_path() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let packed = manifest_dir.join("README.md");
    let readme = if packed.is_file() {
        packed
    } else {
        manifest_dir.join("../README.md")
    };
    println!("cargo:rerun-if-changed={}", readme.display());
    println!("cargo:rustc-env=LUAXT_README={}", readme.display());
}
