//! # luaxt-derive
//!
//! `#[derive(Encode)]` for [`luaxt_format::Encode`]: a struct or enum
//! written as LXT with no serde in between. A struct's fields are a
//! table's string keys, and a canonical table wants them in encoded-key
//! order (§4.2); the derive sorts them when the type is compiled, with
//! `luaxt_format::encoded_key_order` itself, so each value is written
//! front to back with ready keys. serde's `to_vec` learns the same order
//! at run time and moves every value's fields into it; the bytes are the
//! same (this crate's tests compare them).
//!
//! - `encode.rs`: the generated `encode` of structs and enums;
//! - `attrs.rs`: the `#[serde(...)]` attributes it follows (`rename`,
//!   `skip`), ignores (those only for reading) or refuses (those that
//!   change serde's output, such as `flatten` or `rename_all`), so that a
//!   type deriving both is written alike by both.
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

use proc_macro::TokenStream;

mod attrs;
mod decode;
mod encode;
mod names;

/// Derives [`luaxt_format::Encode`]: named fields as string keys in
/// canonical order (a nil field left out), a newtype as its content, a
/// tuple struct as a sequence, a unit struct as nil, an enum as serde
/// writes it (a unit variant as its name, any other as
/// `{Name = content}`). Type parameters get an `Encode` bound.
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
/// order sorted at compile time. Follows `rename`, `skip`,
/// `skip_deserializing` and `default`; refuses `deserialize_with`.
#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    decode::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
