//! Names in the generated code: the derive's own locals, and the keys a
//! type's fields and variants are written under, encoded and ordered by
//! the format crate itself.

use proc_macro2::Span;
use syn::{Ident, Result};

use crate::attrs::Item;
use crate::case::Case;

/// The generated code's own names, hygienic (`Span::mixed_site`) so that a
/// field called `w` or `fields` cannot shadow them.
pub(crate) fn own(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// The key a field is written under: its `rename`, or its name (`r#type`
/// is `type`) under the `rename_all` rule that applies, as in serde.
pub(crate) fn field_name(ident: &Ident, item: &Item, rule: Option<Case>) -> String {
    item.rename.clone().unwrap_or_else(|| {
        let name = unraw(ident);
        rule.map_or(name.clone(), |rule| rule.field(&name))
    })
}

/// The name a variant is written under, as [`field_name`] for fields.
pub(crate) fn variant_name(ident: &Ident, item: &Item, rule: Option<Case>) -> String {
    item.rename.clone().unwrap_or_else(|| {
        let name = unraw(ident);
        rule.map_or(name.clone(), |rule| rule.variant(&name))
    })
}

/// A name as written: `r#type` is `type`.
fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map_or(name.clone(), str::to_owned)
}

/// The encoded string key of `name`, by the format crate.
pub(crate) fn string_key(name: &str) -> Vec<u8> {
    luaxt_format::encode_key(&luaxt_format::ValueRef::Str(name))
        .expect("a string is always a valid key")
}

/// `keyed` in canonical key order, or an error for two equal keys.
pub(crate) fn sorted<T>(mut keyed: Vec<(Vec<u8>, T)>) -> Result<Vec<(Vec<u8>, T)>> {
    keyed.sort_by(|a, b| luaxt_format::encoded_key_order(&a.0, &b.0));
    if keyed.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(syn::Error::new(
            Span::call_site(),
            "two fields have the same name as written (check `rename`)",
        ));
    }
    Ok(keyed)
}
