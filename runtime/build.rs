//! Builds Lua 5.4's C library for `wasm32-unknown-unknown`, where mlua's
//! vendored build refuses the target (see shared/design/lua-on-wasm32.md).
//! Native targets need nothing here: mlua builds its own vendored Lua.
//!
//! The recipe: clang-16 compiles Lua against wasi-libc's headers, with
//! setjmp/longjmp lowered to WebAssembly exception handling and a small C
//! shim (`csrc/`) in place of every OS-facing libc call, then links the
//! pure parts of wasi-libc (strings, math, printf, strtod, malloc).

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-changed=lua");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target != "wasm32-unknown-unknown" {
        return;
    }

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
        .define("LUA_COMPAT_5_3", None)
        .define("l_signalT", "int")
        .opt_level(2)
        .warnings(false);
    let mut sources: Vec<_> = std::fs::read_dir("lua")
        .expect("runtime/lua holds Lua's sources")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "c"))
        .collect();
    sources.sort();
    build.files(&sources);
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

/// A tool from the environment, or its Debian default.
fn tool(var: &str, default: &str) -> String {
    println!("cargo:rerun-if-env-changed={var}");
    std::env::var(var).unwrap_or_else(|_| default.into())
}
