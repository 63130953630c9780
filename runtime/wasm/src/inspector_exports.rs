//! The inspector's wasm-bindgen exports: thin wrappers over `inspector`.

use wasm_bindgen::prelude::*;

use crate::inspector;

/// The annotated dump of LXT `bytes` that `luaxt inspect` prints. `strict`
/// makes a noncanonical document an error; strings and bytes values show
/// up to `width` characters or bytes.
#[wasm_bindgen(js_name = inspectLxt)]
pub fn inspect_lxt(bytes: &[u8], strict: bool, width: u32) -> String {
    inspector::dump(bytes, strict, width as usize)
}

/// Everything the inspector page shows of `bytes`, as JSON text
/// (`inspector::document` says the shape).
#[wasm_bindgen(js_name = inspectDocument)]
pub fn inspect_document(bytes: &[u8], strict: bool, width: u32) -> String {
    inspector::document(bytes, strict, width as usize)
}

/// JSON text to LXT bytes as `luaxt encode` converts it; throws an `Error`
/// whose message is the CLI's and whose `kind` names the class.
#[wasm_bindgen(js_name = jsonToLxt)]
pub fn json_to_lxt(text: &str, typed: bool) -> Result<Vec<u8>, JsValue> {
    inspector::json_to_lxt(text, typed).map_err(|e| {
        let error = js_sys::Error::new(e.message());
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &"kind".into(), &e.kind().name().into());
        error.into()
    })
}
