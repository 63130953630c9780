//! The WebAssembly face of the runtime (`wasm32` only): a wasm-bindgen
//! class, [`exports::LuaRuntime`], over a [`Runtime`](crate::Runtime)
//! whose store is the JavaScript host's ([`host_store::JsStore`], spec §11).
//! The JS package in `runtime/js` wraps it.

mod c_hooks;
mod calls;
pub mod exports;
pub mod host_input;
pub mod host_store;
