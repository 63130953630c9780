//! LXT's own typed codec: the [`Encode`] trait, which `luaxt-derive`
//! derives for structs and enums, and its entry points.
//!
//! serde's serializer (feature `serde`, [`crate::to_vec`]) learns a
//! struct's canonical field order at run time and moves each value's
//! fields into it. A derived [`Encode`] impl has the order worked out when
//! it is compiled (by this crate's [`encoded_key_order`], which the derive
//! calls), so it writes the fields in place, each key a ready constant.
//! The bytes are the same as serde's for the same type (a test compares
//! them); only the speed differs.
//!
//! - `encode.rs`: the trait, the entry points and the impls for std types.
//!
//! [`encoded_key_order`]: crate::encoded_key_order

mod encode;

pub use encode::{Encode, encode_items, skipped_variant, to_vec, to_vec_into, to_vec_with};
