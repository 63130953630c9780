//! The `#[serde(...)]` attributes the derive reads. A type that derives
//! both `Serialize` and `Encode` must be written alike by both, so the
//! derive follows the attributes that only rename or skip, ignores those
//! that only matter when reading, and refuses the rest at compile time
//! rather than write other bytes than serde would.

use syn::{Attribute, LitStr, Result};

use crate::case::Case;

/// Attributes that change nothing `Encode` writes.
///
/// Reading: the derived `Decode` only takes documents laid out as the
/// encoders write the type and leaves everything else to serde, so
/// attributes that widen what serde reads (`alias`, `other`,
/// `deny_unknown_fields`, a container's `default`) are serde's business.
/// `deserialize_with` is noted and refused when deriving `Decode`.
const IGNORED: &[&str] = &[
    "default",
    "deny_unknown_fields",
    "bound",
    "crate",
    "expecting",
    "alias",
    "borrow",
    "other",
];

/// What the attributes of a field or variant say.
#[derive(Default)]
pub(crate) struct Item {
    /// `rename = "..."`: the key or variant name written.
    pub(crate) rename: Option<String>,
    /// `skip` or `skip_serializing`: not written at all.
    pub(crate) skip: bool,
    /// `skip_serializing_if = "path"`: not written when `path(&field)`
    /// says so.
    pub(crate) skip_if: Option<syn::ExprPath>,
    /// `skip` or `skip_deserializing`: never read, always the default.
    pub(crate) skip_reading: bool,
    /// `default` (`Some(None)`) or `default = "path"`: the value of a
    /// field the table lacks.
    pub(crate) default: Option<Option<syn::ExprPath>>,
    /// `deserialize_with = "..."`: serde reads the field its own way.
    pub(crate) reads_with: bool,
    /// A struct variant's `rename_all = "..."`: the rule for its fields.
    pub(crate) rename_all: Option<Case>,
}

/// What a container's attributes say.
#[derive(Default)]
pub(crate) struct Container {
    /// `rename_all = "..."`: the rule for a struct's fields, or for an
    /// enum's variants.
    pub(crate) rename_all: Option<Case>,
    /// An enum's `rename_all_fields = "..."`: the rule for the fields of
    /// its struct variants that have no `rename_all` of their own.
    pub(crate) rename_all_fields: Option<Case>,
    /// `transparent`: the struct is written and read as its one field.
    pub(crate) transparent: bool,
    /// An enum's `tag = "..."`: internally tagged, or with `content`,
    /// adjacently tagged.
    pub(crate) tag: Option<String>,
    /// An enum's `content = "..."`, beside `tag`.
    pub(crate) content: Option<String>,
    /// An enum's `untagged`: each variant written as its content alone.
    pub(crate) untagged: bool,
}

impl Container {
    /// Whether the enum is written other than externally tagged.
    pub(crate) fn tagged_otherwise(&self) -> bool {
        self.tag.is_some() || self.content.is_some() || self.untagged
    }
}

/// The field a `transparent` struct is written as (`reading`: read as),
/// by serde's rule: the one field that is not skipped, has no `default`
/// when reading, and is not a `PhantomData`.
pub(crate) fn transparent_field(fields: &syn::Fields, reading: bool) -> Result<&syn::Field> {
    let not_one = || {
        syn::Error::new_spanned(
            fields,
            "#[serde(transparent)] needs exactly one field that is not skipped",
        )
    };
    let mut found = None;
    for field in fields {
        let item = item(&field.attrs)?;
        let phantom = matches!(&field.ty, syn::Type::Path(ty)
            if ty.path.segments.last().is_some_and(|seg| seg.ident == "PhantomData"));
        let taken = if reading {
            !item.skip_reading && item.default.is_none()
        } else {
            !item.skip
        };
        if taken && !phantom {
            if found.is_some() {
                return Err(not_one());
            }
            found = Some(field);
        }
    }
    found.ok_or_else(not_one)
}

/// Reads the serde attributes of a field or variant.
pub(crate) fn item(attrs: &[Attribute]) -> Result<Item> {
    let mut item = Item::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let name: LitStr = meta.value()?.parse().map_err(|_| {
                    meta.error("luaxt-derive reads `rename = \"name\"` only (not serialize/deserialize pairs)")
                })?;
                item.rename = Some(name.value());
                return Ok(());
            }
            if meta.path.is_ident("rename_all") {
                item.rename_all = Some(rule(&meta)?);
                return Ok(());
            }
            if meta.path.is_ident("skip") {
                item.skip = true;
                item.skip_reading = true;
                return Ok(());
            }
            if meta.path.is_ident("skip_serializing") {
                item.skip = true;
                return Ok(());
            }
            if meta.path.is_ident("skip_serializing_if") {
                let path: LitStr = meta.value()?.parse()?;
                item.skip_if = Some(path.parse()?);
                return Ok(());
            }
            if meta.path.is_ident("skip_deserializing") {
                item.skip_reading = true;
                return Ok(());
            }
            if meta.path.is_ident("deserialize_with") {
                let _: LitStr = meta.value()?.parse()?;
                item.reads_with = true;
                return Ok(());
            }
            if meta.path.is_ident("default") {
                item.default = Some(if meta.input.peek(syn::Token![=]) {
                    let path: LitStr = meta.value()?.parse()?;
                    Some(path.parse()?)
                } else {
                    None
                });
                return Ok(());
            }
            ignore_or_refuse(&meta)
        })?;
    }
    Ok(item)
}

/// Reads a container's rename rules, and refuses the attributes that
/// change serde's output otherwise.
pub(crate) fn container(attrs: &[Attribute]) -> Result<Container> {
    let mut container = Container::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            // The container's own name is not written.
            if meta.path.is_ident("rename") {
                let _: LitStr = meta.value()?.parse()?;
                return Ok(());
            }
            if meta.path.is_ident("rename_all") {
                container.rename_all = Some(rule(&meta)?);
                return Ok(());
            }
            if meta.path.is_ident("rename_all_fields") {
                container.rename_all_fields = Some(rule(&meta)?);
                return Ok(());
            }
            if meta.path.is_ident("transparent") {
                container.transparent = true;
                return Ok(());
            }
            if meta.path.is_ident("tag") {
                container.tag = Some(meta.value()?.parse::<LitStr>()?.value());
                return Ok(());
            }
            if meta.path.is_ident("content") {
                container.content = Some(meta.value()?.parse::<LitStr>()?.value());
                return Ok(());
            }
            if meta.path.is_ident("untagged") {
                container.untagged = true;
                return Ok(());
            }
            ignore_or_refuse(&meta)
        })?;
    }
    Ok(container)
}

/// The rule of `rename_all = "..."`: one for writing and reading alike
/// (a `serialize`/`deserialize` pair could make the derived `Decode` read
/// other names than `Encode` writes).
fn rule(meta: &syn::meta::ParseNestedMeta<'_>) -> Result<Case> {
    let name: LitStr = meta.value().and_then(|value| value.parse()).map_err(|_| {
        meta.error(
            "luaxt-derive reads `rename_all = \"rule\"` only (not serialize/deserialize pairs)",
        )
    })?;
    Case::parse(&name.value()).map_err(|message| syn::Error::new(name.span(), message))
}

fn ignore_or_refuse(meta: &syn::meta::ParseNestedMeta<'_>) -> Result<()> {
    let ignored = IGNORED.iter().any(|name| meta.path.is_ident(name));
    if !ignored {
        let name = meta
            .path
            .get_ident()
            .map_or_else(|| "this attribute".to_owned(), ToString::to_string);
        return Err(meta.error(format!(
            "#[serde({name})] changes what serde writes, and luaxt-derive does not follow it: \
             encode this type with luaxt_format::to_vec (serde) instead"
        )));
    }
    // Skip the attribute's value, if it has one.
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| {
            if inner.input.peek(syn::Token![=]) {
                let _: syn::Expr = inner.value()?.parse()?;
            }
            Ok(())
        })?;
    }
    Ok(())
}
