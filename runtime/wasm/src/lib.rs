//! The WebAssembly module of luaxt, one `cdylib`: everything of the
//! runtime that only exists in the browser lives here, over
//! `luaxt-runtime`'s public API. Build it with `scripts/build-wasm`; the
//! JS package in `runtime/js` loads the result.
//!
//! - `runtime_exports` (wasm32): `LuaRuntime`, the class JavaScript sees;
//! - `host_store`, `host_input`, `calls` (wasm32): the runtime's store and
//!   input answered by JavaScript objects through the host ABI (spec §11);
//! - `inspector`: the dump, verdict, canonical re-encoding and JSON views
//!   of a document, and JSON text to LXT, in plain Rust (tested natively);
//!   `inspector_exports` (wasm32) wraps them;
//! - `alloc`: the global allocator, growing the memory geometrically.
//!
//! ```
//! // The inspector's functions also run natively.
//! let doc = luaxt_wasm::inspector::document(&[0x01, 0x01], false, 64);
//! assert!(doc.contains(r#""canonical":true"#));
//! ```

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod alloc;
#[cfg(target_arch = "wasm32")]
mod calls;
#[cfg(target_arch = "wasm32")]
mod host_input;
#[cfg(target_arch = "wasm32")]
mod host_store;
pub mod inspector;
#[cfg(target_arch = "wasm32")]
mod inspector_exports;
#[cfg(target_arch = "wasm32")]
mod runtime_exports;

#[cfg(target_arch = "wasm32")]
pub use runtime_exports::LuaRuntime;
