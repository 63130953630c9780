//! # luaxt-derive
//!
//! `#[derive(Encode, Decode)]` for [`luaxt_format::Encode`] and
//! `luaxt_format::Decode`: a struct or enum written as LXT with no serde in
//! between, and read back by a fast path with serde behind it. A struct's fields are a
//! table's string keys, and a canonical table wants them in encoded-key
//! order (§4.2); the derive sorts them when the type is compiled, with
//! `luaxt_format::encoded_key_order` itself, so each value is written
//! front to back with ready keys. serde's `to_vec` learns the same order
//! at run time and moves every value's fields into it; the bytes are the
//! same (this crate's tests compare them).
//!
//! - `encode.rs`: the generated `encode` of structs and enums;
//! - `decode.rs`: the generated `decode`, which takes the documents laid
//!   out as `encode` writes them and declines the rest;
//! - `attrs.rs`: the `#[serde(...)]` attributes it follows (`rename`,
//!   `rename_all`, `rename_all_fields`, `skip`, `skip_serializing_if`,
//!   `transparent`; for `Encode` also an enum's `tag`, `content` and
//!   `untagged`),
//!   ignores (those only for reading) or refuses (those that change
//!   serde's output otherwise, such as `flatten` or `with`), so that a type
//!   deriving both is written alike by both;
//! - `case.rs`: serde's `rename_all` rules;
//! - `names.rs`: the keys fields and variants are written under, and the
//!   generated code's own names.
//!
//! ```
//! use luaxt_derive::Encode;
//!
//! #[derive(Encode)]
//! struct Reading<'a> {
//!     station: &'a str,
//!     celsius: f64,
//!     note: Option<&'a str>,
//! }
//!
//! let bytes = luaxt_format::native::to_vec(&Reading { station: "x", celsius: 21.5, note: None })?;
//! // A table with no array part and two entries (`note` is nil, left out),
//! // "celsius" (7 bytes) before "station" (7 bytes, later in byte order).
//! assert_eq!(&bytes[..9], &[0x06, 0, 0, 0, 0, 2, 0, 0, 0]);
//! assert_eq!(&bytes[9..21], b"\x04\x07\x00\x00\x00celsius");
//! let value = luaxt_format::decode(&bytes)?;
//! assert_eq!(value.to_string(), r#"{celsius = 21.5, station = "x"}"#);
//! # Ok::<(), luaxt_format::Error>(())
//! ```
//!
//! `Decode` needs serde's `Deserialize` beside it: the derived code reads
//! what the encoders write, and serde everything else.
//!
//! ```
//! use luaxt_derive::{Decode, Encode};
//! use serde::Deserialize;
//!
//! #[derive(Encode, Decode, Deserialize, Debug, PartialEq)]
//! struct User<'a> { name: &'a str, age: u8, email: Option<String> }
//!
//! let bytes = luaxt_format::native::to_vec(&User { name: "Ada", age: 7, email: None })?;
//! let user: User<'_> = luaxt_format::native::from_slice(&bytes)?; // borrows `name`
//! assert_eq!(user, User { name: "Ada", age: 7, email: None });
//! // {age = 7, name = "Ada", x = 1}: an unknown key, read by serde (which ignores it).
//! let other = luaxt_format::to_vec(&serde_json::json!({"name": "Ada", "age": 7, "x": 1}))?;
//! assert_eq!(luaxt_format::native::from_slice::<User<'_>>(&other)?, user);
//! // Errors are serde's, class and offset.
//! let err = luaxt_format::native::from_slice::<User<'_>>(&bytes[..3]).unwrap_err();
//! assert_eq!((err.kind(), err.offset()), (luaxt_format::ErrorKind::Truncated, Some(1)));
//! # Ok::<(), luaxt_format::Error>(())
//! ```

//!
//! An attribute that would make the derive write other bytes than serde
//! is a compile error, not a surprise:
//!
//! ```compile_fail
//! #[derive(serde::Serialize, luaxt_derive::Encode)]
//! struct Outer {
//!     #[serde(flatten)]
//!     inner: Inner,
//! }
//! # #[derive(serde::Serialize, luaxt_derive::Encode)]
//! # struct Inner { x: u8 }
//! ```
//!
//! So is a rename rule for one direction only, which would make the
//! derived `Decode` read other names than `Encode` writes:
//!
//! ```compile_fail
//! #[derive(serde::Serialize, luaxt_derive::Encode)]
//! #[serde(rename_all(serialize = "camelCase", deserialize = "snake_case"))]
//! struct Pair {
//!     first_name: u8,
//! }
//! ```

use proc_macro::TokenStream;

mod attrs;
mod case;
mod decode;
mod encode;
mod names;

/// Derives [`luaxt_format::Encode`]: named fields as string keys in
/// canonical order (a nil field left out), a newtype as its content, a
/// tuple struct as a sequence, a unit struct as nil, an enum as serde
/// writes it (a unit variant as its name, any other as
/// `{Name = content}`). Type parameters get an `Encode` bound. Follows
/// `rename`, `rename_all`, `rename_all_fields`, `skip`,
/// `skip_serializing`, `skip_serializing_if`, `transparent`, and an
/// enum's `tag`, `content` and `untagged` (as serde writes them; an
/// internally tagged newtype variant is refused, as serde merges its
/// content with the tag at run time).
#[proc_macro_derive(Encode, attributes(serde))]
pub fn derive_encode(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    encode::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `luaxt_format::Decode`, the fast path of serde's reading
/// (`luaxt_format::native::from_slice` needs `Deserialize` too, for every
/// document the fast path does not take): a table laid out as
/// [`Encode`](derive@Encode) writes the type, keys tried in the canonical
/// order sorted at compile time. Follows `rename`, `rename_all`,
/// `rename_all_fields`, `skip`, `skip_deserializing`, `default` and
/// `transparent`; refuses `deserialize_with`, and enums with `tag`,
/// `content` or `untagged` (serde picks their variant by trying the
/// document: read them with `luaxt_format::from_slice`).
#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    decode::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
