//! [`LuaRuntime`]: the class JavaScript sees. Values cross as LXT bytes,
//! one buffer per call; the JS package encodes and decodes them with the
//! reference codec.

use wasm_bindgen::prelude::*;

use luaxt_runtime::wasm_host::take_printed;
use luaxt_runtime::{Error, LimitKind, Limits, Runtime};

use crate::host_input::{HostInput, JsInput};
use crate::host_store::{HostStore, JsStore};

/// A Lua 5.4 runtime whose external tables live in a JavaScript store.
#[wasm_bindgen]
pub struct LuaRuntime {
    inner: Runtime<JsStore>,
}

/// Reads an optional limit given as a JS number (`undefined`/`null` for
/// none, a negative number for "no limit").
fn limit(value: Option<f64>) -> Option<u64> {
    value.filter(|v| *v >= 0.0).map(|v| v as u64)
}

#[wasm_bindgen]
impl LuaRuntime {
    /// Creates a runtime over `store` (spec §11) with the given limits;
    /// a missing limit keeps the default, a negative one removes it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        store: HostStore,
        memory_limit: Option<f64>,
        instruction_limit: Option<f64>,
        time_limit_ms: Option<f64>,
        store_limit: Option<f64>,
    ) -> Result<LuaRuntime, JsValue> {
        let mut limits = Limits::default();
        if memory_limit.is_some() {
            limits.memory = limit(memory_limit).map(|bytes| bytes as usize);
        }
        if instruction_limit.is_some() {
            limits.instructions = limit(instruction_limit);
        }
        if time_limit_ms.is_some() {
            limits.deadline = limit(time_limit_ms).map(std::time::Duration::from_millis);
        }
        if store_limit.is_some() {
            limits.store = limit(store_limit);
        }
        let inner = Runtime::new(JsStore::new(store), limits).map_err(to_js)?;
        Ok(LuaRuntime { inner })
    }

    /// Runs `code`; returns the LXT encoding of its first return value.
    pub fn compute(&mut self, code: &str) -> Result<Vec<u8>, JsValue> {
        let value = self.inner.compute(code).map_err(to_js)?;
        luaxt_format::encode(&value).map_err(|e| to_js(Error::Format(e)))
    }

    /// Sets the cancel check (spec §11.8): a function the runtime calls at
    /// every budget check of a running call (every 1000 VM instructions
    /// and 4096 steps of C work). A truthy result, or a throw, stops the
    /// call with an error of kind "cancelled", and a call that starts while
    /// it answers so fails at once. `undefined` removes it.
    #[wasm_bindgen(js_name = setCancelCheck)]
    pub fn set_cancel_check(&mut self, check: Option<js_sys::Function>) {
        self.inner.set_cancel_check(check.map(|check| {
            std::rc::Rc::new(move || {
                check
                    .call0(&JsValue::UNDEFINED)
                    .map_or(true, |answer| answer.is_truthy())
            }) as std::rc::Rc<dyn Fn() -> bool>
        }));
    }

    /// Stores the LXT-encoded `bytes` as `_io.input`.
    #[wasm_bindgen(js_name = setInput)]
    pub fn set_input(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner.set_input_encoded(bytes).map_err(to_js)
    }

    /// Makes `_io.input` a view of the host's input object (spec §9.7,
    /// §11.7): Lua reads it through read-only views.
    #[wasm_bindgen(js_name = setInputView)]
    pub fn set_input_view(&mut self, input: HostInput) -> Result<(), JsValue> {
        self.inner
            .set_input_source(std::rc::Rc::new(JsInput::new(input)))
            .map_err(to_js)
    }

    /// Drops a view input (before the host writes `_io.input` into its
    /// store itself).
    #[wasm_bindgen(js_name = clearInputView)]
    pub fn clear_input_view(&mut self) {
        self.inner.clear_input_source();
    }

    /// The LXT encoding of `_io.output`, or `undefined` when it is nil.
    #[wasm_bindgen(js_name = getOutput)]
    pub fn output(&self) -> Result<Option<Vec<u8>>, JsValue> {
        self.inner.output_encoded().map_err(to_js)
    }

    /// Stores the LXT-encoded `bytes` as `_io.meta`.
    #[wasm_bindgen(js_name = setMeta)]
    pub fn set_meta(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        let value = luaxt_format::decode(bytes).map_err(|e| to_js(Error::Format(e)))?;
        self.inner.set_meta_value(&value).map_err(to_js)
    }

    /// The LXT encoding of `_io.meta`.
    #[wasm_bindgen(js_name = getMeta)]
    pub fn meta(&self) -> Result<Vec<u8>, JsValue> {
        let value = self.inner.meta_value().map_err(to_js)?;
        luaxt_format::encode(&value).map_err(|e| to_js(Error::Format(e)))
    }

    /// Clears `_io.input`, `_io.output` and `_io.meta`.
    #[wasm_bindgen(js_name = clearIo)]
    pub fn clear_io(&mut self) -> Result<(), JsValue> {
        self.inner.clear_io().map_err(to_js)
    }

    /// A snapshot (spec §12) of `_home` and every table reachable from it.
    pub fn snapshot(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.snapshot().map_err(to_js)
    }

    /// Replaces the store's content by a snapshot; a bad snapshot is
    /// refused and changes nothing.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner.restore(bytes).map_err(to_js)
    }

    /// Bytes the Lua heap uses now.
    #[wasm_bindgen(js_name = usedMemory)]
    pub fn used_memory(&self) -> f64 {
        self.inner.used_memory() as f64
    }

    /// What Lua's `print` wrote since the last call.
    #[wasm_bindgen(js_name = takePrinted)]
    pub fn take_printed(&self) -> String {
        take_printed()
    }
}

/// A JS `Error` with `kind` ("lua", "memory", "limit", "cancelled",
/// "store", "format", "snapshot", "io"), for Lua errors `luaMessage` and
/// `traceback`, for limits `limitKind`.
fn to_js(err: Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    let kind = match &err {
        Error::Lua { .. } => "lua",
        Error::Memory(_) => "memory",
        Error::Limit(LimitKind::Cancelled) => "cancelled",
        Error::Limit(_) => "limit",
        Error::Store(_) => "store",
        Error::Format(_) => "format",
        Error::Snapshot(_) => "snapshot",
        _ => "io",
    };
    let set = |name: &str, value: JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(name), &value);
    };
    set("kind", kind.into());
    if let Error::Lua { message, traceback } = &err {
        set("luaMessage", message.as_str().into());
        if let Some(traceback) = traceback {
            set("traceback", traceback.as_str().into());
        }
    }
    if let Error::Limit(limit) = &err {
        let name = match limit {
            LimitKind::Instructions => Some("instructions"),
            LimitKind::Deadline => Some("deadline"),
            LimitKind::Store => Some("store"),
            LimitKind::Cancelled => None,
        };
        if let Some(name) = name {
            set("limitKind", name.into());
        }
    }
    if let Error::Format(format) = &err {
        set("formatKind", format.kind().name().into());
    }
    js.into()
}
