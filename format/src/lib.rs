//! # luaxt-format
//!
//! The reference implementation of **LXT 1**, the type-tagged binary format
//! that carries values between a Lua VM (often inside WebAssembly) and the
//! host that stores its external tables. The normative text is in the
//! repository's `spec/` folder; section numbers below (§) point there.
//!
//! ```
//! use luaxt_format::{decode, encode, Table, Value};
//!
//! // { "Lua", 5.4, name = "luaxt" }
//! let mut table = Table::from_array(vec![Value::from("Lua"), Value::Float(5.4)]);
//! table.insert("name".into(), "luaxt".into())?;
//! let value = Value::Table(table);
//! // `Display` writes the notation of the spec's examples (`Notation`).
//! assert_eq!(value.to_string(), r#"{"Lua", 5.4, name = "luaxt"}"#);
//! let bytes = encode(&value)?;
//! assert_eq!(&bytes[..5], &[0x06, 2, 0, 0, 0]); // a table with 2 array values
//! let back = decode(&bytes)?;
//! assert_eq!(back.as_table().unwrap().get(&"name".into()), Some(&"luaxt".into()));
//! # Ok::<(), luaxt_format::Error>(())
//! ```
//!
//! ## The tags
//!
//! | tag | type | payload | spec |
//! |---|---|---|---|
//! | `0x00` | nil | none | §2.1 |
//! | `0x01` | boolean | `00` or `01` | §2.2 |
//! | `0x02` | integer | i64 LE | §2.3 |
//! | `0x03` | float | f64 bits LE | §2.4 |
//! | `0x04` | string | u32 LE length, UTF-8 | §2.5 |
//! | `0x05` | bytes | u32 LE length, raw | §2.6 |
//! | `0x06` | table | u32 n, n values; u32 m, m key/value pairs | §2.7 |
//! | `0x07` | reference | u32 LE external-table id | §2.8 |
//!
//! [`wire`] is the one module that reads LXT bytes: a [`wire::Cursor`]
//! reads tags, scalars, lengths and counts (checked against the bytes
//! left), string content and keys, with errors at the spec's offsets, and
//! [`wire::Scalar`] (`scalar.rs`, below both the wire and the key rules)
//! is the one view of a scalar. On top of it: the parser
//! (`parser.rs`, one function per tag; `parse.rs` runs its passes), the
//! serde deserializer (`de.rs`), the dump ([`inspect`]) and the runtime's
//! readers. Writing lives in `write.rs` (and `ser.rs` for serde); both
//! serve [`Value`] (owned) and [`ValueRef`] (borrows strings and bytes from
//! the input). The typed encoders, serde's and [`Encode`]'s, write through
//! one [`Writer`] (`writer.rs`). [`native`] is LXT's own typed codec for
//! types that derive `luaxt_derive::{Encode, Decode}`: fields in canonical
//! order sorted at compile time, and a fast path for canonical documents
//! with serde's deserializer behind it. The rules they share have one home
//! each: `key.rs` the key
//! normalisation and [`encoded_key_order`], `utf8.rs` the UTF-8 check
//! ([`utf8_text`]), `table.rs` and `table_builder.rs` the canonical table,
//! `struct_order.rs` a serde struct's fields in canonical order.
//! [`inspect`] writes the annotated dump people read (`luaxt inspect`).
//!
//! ## Design decisions
//! - **Fixed-width numbers and u32 lengths.** Decoding is a bounds check and
//!   a load; a host can read a value with a `DataView` and no varint loop.
//! - **Canonical tables.** [`Table`] keeps keys `1..=n` in the array part
//!   and the rest sorted by encoded key, so equal values encode to equal
//!   bytes and a host can key a `Map` by encoded keys (§3.3, §4).
//! - **Lua keys.** `t[1]` and `t["1"]` are different keys; `t[1.0]` is
//!   `t[1]` ([`encode_key`] applies this).
//! - **Hostile input.** Every declared length is checked against the bytes
//!   left and [`Limits`] before anything is allocated; nesting is bounded
//!   by [`Limits::max_depth`]; errors carry a stable class and an offset.
//!
//! ## Memory
//!
//! What a decode holds at its peak, per input byte, whatever the input
//! (§6.6; `tests/allocation.rs` and the fuzz targets assert it):
//!
//! | call | at most |
//! |---|---|
//! | [`decode`], [`DecodeOptions::decode_ref`] | 48 bytes + 4 KiB (24 for canonical input) |
//! | [`DecodeOptions::check`] | nothing if every table's keys are in order, else 16 bytes per key of the open tables |
//! | `from_slice::<Value>` (feature `serde`) | 96 bytes + 4 KiB |
//!
//! [`Value`] and [`ValueRef`] are 48 bytes each. The bound is set by an
//! array value after a hole: `01 01` becomes a hash entry, a key and a
//! value, 96 bytes. Nils are never stored, tables are made canonical in
//! place, and every table part is reserved once with its final size (a
//! noncanonical document may be read up to three times for that:
//! `parse.rs`). `check` builds nothing: the same verdict, class and offset
//! as `decode`.
//!
//! ## Features
//! - `std` (default): `std::io::Write` output ([`encode_to_writer`]).
//! - `alloc`: required; the crate is `no_std` + `alloc` without `std`.
//! - `serde`: [`to_vec`]/[`from_slice`] (the §10 mapping, straight to and
//!   from bytes), serde impls for [`Value`] (and `Serialize` for
//!   [`ValueRef`]), and [`TableId`] for `0x07` references in serde types.
//!   With it, [`native::from_slice`] and the [`Decode`] trait
//!   ([`Encode`] and [`native::to_vec`] need no feature).
//! - `serde_bytes` (turns on `serde`): [`Encode`] and [`Decode`] for
//!   serde_bytes' `ByteBuf`, `Bytes` and `ByteArray`, LXT bytes (`0x05`)
//!   as serde writes them, so structs holding them derive both.
//! - `arbitrary`: `Arbitrary` for [`Value`] (valid values only, bounded
//!   depth), for fuzzing.
#![no_std]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

#[cfg(not(feature = "alloc"))]
compile_error!("luaxt-format needs the `alloc` feature (or `std`)");

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod budget;
mod canonical;
mod error;
pub mod inspect;
mod key;
mod limits;
pub mod native;
mod notation;
mod parse;
mod parser;
mod scalar;
mod table;
mod table_builder;
mod tag;
mod utf8;
mod value;
pub mod wire;
mod write;
mod writer;

#[cfg(feature = "arbitrary")]
mod arbitrary;
#[cfg(feature = "serde")]
mod de;
#[cfg(feature = "serde")]
mod ser;
#[cfg(feature = "serde")]
mod struct_order;

pub use canonical::{canonicalize, is_canonical};
pub use error::{Error, ErrorKind, Result};
pub use key::{encoded_key_order, float_key_as_int};
pub use limits::Limits;
#[cfg(feature = "serde")]
pub use native::Decode;
pub use native::Encode;
pub use notation::Notation;
pub use parse::{Canonicity, DecodeOptions, decode, decode_strict};
pub use parser::TableSpans;
pub use table::Element;
pub use table::{Table, TableKey};
pub use tag::Tag;
pub use utf8::to_str as utf8_text;
pub use value::{Value, ValueRef, float_bits};
#[cfg(feature = "std")]
pub use write::encode_to_writer;
pub use write::{
    SliceError, encode, encode_array_of, encode_into, encode_into_with, encode_key,
    encode_key_into, encode_to_slice, encoded_len,
};
pub use writer::Writer;

#[cfg(feature = "serde")]
pub use de::{from_slice, from_slice_with};
#[cfg(all(feature = "serde", feature = "std"))]
pub use ser::to_writer;
#[cfg(feature = "serde")]
pub use ser::{TableId, to_vec, to_vec_into, to_vec_with};

/// The bits of the one canonical NaN, `0x7FF8000000000000` (§4.3).
pub const CANONICAL_NAN_BITS: u64 = 0x7FF8_0000_0000_0000;

/// The format version this crate reads and writes.
pub const FORMAT_VERSION: &str = "LXT 1";
