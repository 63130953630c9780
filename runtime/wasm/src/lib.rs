//! The WebAssembly module of `luaxt-runtime`: this crate only links the
//! runtime's wasm-bindgen exports (`luaxt_runtime::wasm`) into a `cdylib`.
//! Build it with `scripts/build-wasm`; the JS package in `runtime/js`
//! loads the result. On other targets it is empty. Its global allocator
//! grows the memory geometrically (see `alloc`).
//!
//! ```
//! // Nothing to call natively: the module is used from JavaScript.
//! assert!(cfg!(not(target_arch = "wasm32")) || cfg!(target_arch = "wasm32"));
//! ```

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod alloc;

#[cfg(target_arch = "wasm32")]
pub use luaxt_runtime::wasm::exports::LuaRuntime;
