//! LXT's own typed codec: the [`Encode`] and `Decode` traits, which
//! `luaxt-derive` derives for structs and enums, and their entry points.
//! It is serde's mapping (§10), made faster, not a second one:
//!
//! - **Encode.** serde's serializer ([`crate::to_vec`]) learns a struct's
//!   canonical field order at run time and moves each value's fields into
//!   it. A derived [`Encode`] impl has the order worked out when it is
//!   compiled (by this crate's [`encoded_key_order`], which the derive
//!   calls), so it writes the fields in place, each key a ready constant.
//!   The bytes are serde's for the same type (the derive's tests and the
//!   `derive` fuzz target compare them).
//! - **Decode** (feature `serde`). A derived `Decode` reads a document
//!   laid out as the encoders write the type, each key compared with the
//!   one expected next, and declines anything else (`None`), in which case
//!   `from_slice` decodes the document with serde's deserializer. Every
//!   answer, error, limit and strict-mode verdict is therefore serde's;
//!   the fast path only has to agree on what it takes, which the tests
//!   and the fuzz target check on edited documents. A type deriving
//!   `Decode` derives `Deserialize` too.
//!
//! The derive is `luaxt-derive`'s (its docs show it at work); this crate
//! holds the traits, their impls for the standard types and the entry
//! points:
//!
//! ```
//! use std::collections::BTreeMap;
//! use luaxt_format::native;
//!
//! let scores = BTreeMap::from([("ada".to_owned(), vec![1.5, 2.0]), ("bo".to_owned(), vec![])]);
//! let bytes = native::to_vec(&scores)?;
//! assert_eq!(bytes, luaxt_format::to_vec(&scores)?); // serde's bytes
//! let back: BTreeMap<String, Vec<f64>> = native::from_slice(&bytes)?;
//! assert_eq!(back, scores);
//! # Ok::<(), luaxt_format::Error>(())
//! ```
//!
//! - `encode.rs`: [`Encode`], its entry points and its impls for std types;
//! - `decode.rs` (feature `serde`): [`Decode`], the fast path of serde's
//!   own reading for canonical documents, with serde's `from_slice` behind
//!   it for everything else, and its impls for std types and for
//!   [`Value`](crate::Value) (whose fields the parser reads, canonical
//!   only).
//!
//! [`encoded_key_order`]: crate::encoded_key_order

#[cfg(feature = "serde")]
mod decode;
mod encode;

#[cfg(feature = "serde")]
pub use decode::{Decode, DecodeMapKey, Reader, from_slice, from_slice_with};
pub use encode::{
    Encode, EncodeMapKey, encode_items, skipped_variant, to_vec, to_vec_into, to_vec_with,
};
