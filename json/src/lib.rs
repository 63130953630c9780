//! JSON views of LXT 1, for tools and pages that show or take LXT as JSON:
//! the `luaxt` CLI (`encode`, `decode`, `run`) and the inspector page in
//! the browser run this same code.
//!
//! # Map
//!
//! | JSON | LXT → JSON | JSON → LXT | module |
//! |---|---|---|---|
//! | typed notation (§7): every LXT value, lossless | [`value_to_typed`] | [`typed_to_value`] | `typed.rs` |
//! | plain JSON (the mapping in [`plain`]): what JSON can say | [`to_plain`]; [`write_plain`] (text, no JSON tree) | [`plain_to_lxt`] (streamed: no tree of the input) | `plain.rs`, `transcode.rs` |
//! | reading JSON text: nesting bound, a key twice is an error | | [`parse`] | `plain.rs` |
//! | JSON text of either dialect, as `luaxt encode` reads and `luaxt decode` writes it | [`json_text`] | [`json_to_lxt`] | `text.rs` |
//!
//! Errors are one type, [`Error`], classed by [`ErrorKind`]; their
//! messages name the JSON path of the value (`$.users[3].name`, `path.rs`)
//! and, for text, the line and column.
//!
//! ```
//! use luaxt_format::{Limits, Value};
//! // Plain JSON text straight to canonical LXT bytes, and back.
//! let bytes = luaxt_json::plain_to_lxt(r#"{"b": [1, 2.5], "a": null}"#, "input", &Limits::DEFAULT)?;
//! let value = luaxt_format::decode(&bytes)?;
//! assert_eq!(luaxt_json::to_plain(&value.as_value_ref())?.to_string(), r#"{"b":[1,2.5]}"#);
//! // The typed notation keeps what plain JSON cannot: bytes, here.
//! let typed = luaxt_json::value_to_typed(&Value::Bytes(vec![0xff]));
//! assert_eq!(typed.to_string(), r#"{"bytes":"ff"}"#);
//! assert_eq!(luaxt_json::typed_to_value(&typed)?, Value::Bytes(vec![0xff]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod path;
pub mod plain;
mod text;
mod transcode;
pub mod typed;

pub use error::{Error, ErrorKind, Result};
pub use plain::{MAX_NESTING, parse, to_plain, write_plain};
pub use text::{Dialect, json_text, json_to_lxt, write_json_text};
pub use transcode::plain_to_lxt;
pub use typed::{typed_to_value, value_to_typed, write_typed};
