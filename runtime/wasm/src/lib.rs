//! The WebAssembly module of luaxt: the runtime's wasm-bindgen exports
//! (`luaxt_runtime::wasm`) and the inspector page's (`inspector`), linked
//! into one `cdylib`. Build it with `scripts/build-wasm`; the JS package in
//! `runtime/js` loads the result. Its global allocator grows the memory
//! geometrically (see `alloc`).
//!
//! - `inspector`: the dump, verdict, canonical re-encoding and JSON views
//!   of a document, and JSON text to LXT, in plain Rust (tested natively);
//! - `exports` (wasm32 only): their wasm-bindgen wrappers;
//! - `alloc`: the global allocator.
//!
//! ```
//! // The inspector's functions also run natively.
//! let doc = luaxt_wasm::inspector::document(&[0x01, 0x01], false, 64);
//! assert!(doc.contains(r#""canonical":true"#));
//! ```

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod alloc;
#[cfg(target_arch = "wasm32")]
mod exports;
pub mod inspector;

#[cfg(target_arch = "wasm32")]
pub use luaxt_runtime::wasm::exports::LuaRuntime;
