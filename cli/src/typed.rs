//! The typed JSON notation of spec §7 (lossless for every LXT value), as
//! `luaxt-conformance` reads and writes it for the vectors: one
//! implementation for the kit and the tool.

use anyhow::{Result, anyhow};
use luaxt_format::{Value, ValueRef};

/// The typed notation of `value`.
pub fn from_lxt(value: &ValueRef<'_>) -> serde_json::Value {
    luaxt_conformance::value_to_typed(&value.to_owned())
}

/// Reads the typed notation (only the one spelling of §7.3); errors name
/// the JSON path of the mistake.
pub fn to_lxt(json: &serde_json::Value) -> Result<Value> {
    luaxt_conformance::typed_to_value(json).map_err(|e| anyhow!("invalid typed JSON {e}"))
}
