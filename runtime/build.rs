//! Builds the C parts of the runtime's Lua.
//!
//! Both targets compile the patched libraries in `lua/` (`lstrlib.c` and
//! `ltablib.c`, which charge their work to the sandbox's budget, and
//! `luaxt_budget.c`) against the Lua 5.4.8 of the `lua-src` crate, the same
//! sources mlua's vendored build uses natively.
//!
//! On `wasm32-unknown-unknown`, where mlua's vendored build refuses the
//! target (see shared/design/lua-on-wasm32.md), this script also compiles
//! the whole of Lua from `lua-src`: clang-16 against wasi-libc's headers,
//! with setjmp/longjmp lowered to WebAssembly exception handling and a
//! small C shim (`csrc/`) in place of every OS-facing libc call, then links
//! the pure parts of wasi-libc (strings, math, printf, strtod, malloc).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The patched libraries and the budget glue they call.
const PATCHED: [&str; 3] = ["lua/lstrlib.c", "lua/ltablib.c", "lua/luaxt_budget.c"];

/// The Lua version directory inside the lua-src crate.
const LUA_DIR: &str = "lua-5.4.8";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-changed=lua");
    let lua = lua_sources();
    let target = std::env::var("TARGET").unwrap_or_default();
    if target == "wasm32-unknown-unknown" {
        build_wasm(&lua);
    } else {
        let mut build = cc::Build::new();
        configure(&mut build, &lua);
        build.files(PATCHED).compile("luaxt_lualib");
    }
}

/// What every Lua source is compiled with, on both targets: lua-src's
/// headers and its Lua 5.4 configuration (`LUA_COMPAT_5_3`).
fn configure(build: &mut cc::Build, lua: &Path) {
    build
        .include(lua)
        .define("LUA_COMPAT_5_3", None)
        .warnings(false);
}

fn build_wasm(lua: &Path) {
    let mut build = cc::Build::new();
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
    configure(&mut build, lua);
    let mut sources: Vec<_> = std::fs::read_dir(lua)
        .unwrap_or_else(|e| panic!("cannot read Lua's sources in {}: {e}", lua.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "c"))
        // The interpreter and compiler programs, not the library.
        .filter(|path| !path.ends_with("lua.c") && !path.ends_with("luac.c"))
        .collect();
    sources.sort();
    build.files(&sources).files(PATCHED);
    build.file("csrc/sjlj.c").file("csrc/host.c");
    build.compile("lua5.4");

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
/// the `lua-5.4.8` folder of the lua-src crate, found through `cargo
/// metadata` (lua-src is a build-dependency so that Cargo fetches it and
/// the lock file pins it).
fn lua_sources() -> PathBuf {
    println!("cargo:rerun-if-env-changed=LUAXT_LUA_SRC");
    if let Some(dir) = std::env::var_os("LUAXT_LUA_SRC") {
        return PathBuf::from(dir);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("set by Cargo");
    // Only the host's packages (lua-src is a build-dependency): the
    // others may not have been downloaded, and no network is needed.
    let host = std::env::var("HOST").expect("set by Cargo");
    let output = Command::new(cargo)
        .args(["metadata", "--format-version=1", "--offline"])
        .args(["--filter-platform", &host])
        .current_dir(&manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed (set LUAXT_LUA_SRC to Lua 5.4.8's source directory instead): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let manifest_path = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|package| package["name"] == "lua-src")
        .and_then(|package| package["manifest_path"].as_str())
        .expect("lua-src is a build-dependency of luaxt-runtime");
    let dir = Path::new(manifest_path)
        .parent()
        .expect("a manifest has a directory")
        .join(LUA_DIR);
    assert!(
        dir.join("lua.h").exists(),
        "no Lua sources in {}",
        dir.display()
    );
    dir
}

/// A tool from the environment, or its Debian default.
fn tool(var: &str, default: &str) -> String {
    println!("cargo:rerun-if-env-changed={var}");
    std::env::var(var).unwrap_or_else(|_| default.into())
}
