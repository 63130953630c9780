//! `#[derive(Decode)]`: the fast path that reads a struct or enum laid out
//! exactly as `Encode` (and serde's `to_vec`) writes it: each field's key
//! tried in the canonical order sorted here, at compile time. Anything
//! else answers `None`, and `native::from_slice` asks serde.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, GenericParam, LitByteStr, Result};

use crate::attrs;
use crate::case::Case;
use crate::names::{field_name, own, sorted, string_key, variant_name};

/// The `impl Decode<'de>` for `input`.
pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream> {
    let container = attrs::container(&input.attrs)?;
    if container.tagged_otherwise() {
        return Err(syn::Error::new(
            Span::call_site(),
            "luaxt-derive's Decode reads externally tagged enums only (serde's `tag`, `content` \
             and `untagged` choose a variant by trying the document): read this type with \
             luaxt_format::from_slice, and derive Encode alone for writing it",
        ));
    }
    let mut missing = quote!();
    let body = match &input.data {
        Data::Struct(data) if container.transparent => {
            let field = attrs::transparent_field(&data.fields, true)?;
            let (read, when_missing) = transparent_body(field, &data.fields)?;
            missing = when_missing;
            read
        }
        Data::Struct(data) => struct_body(&data.fields, container.rename_all)?,
        Data::Enum(data) => enum_body(data, &container)?,
        Data::Union(_) => {
            return Err(syn::Error::new(
                Span::call_site(),
                "luaxt-derive cannot decode a union",
            ));
        }
    };
    let name = &input.ident;
    let r = own("r");
    let de = syn::Lifetime::new("'de", Span::call_site());
    let (_, ty_generics, _) = input.generics.split_for_impl();
    let mut generics = input.generics.clone();
    let mut outlived = Vec::new();
    for param in &mut generics.params {
        match param {
            GenericParam::Type(param) => {
                param
                    .bounds
                    .push(syn::parse_quote!(::luaxt_format::Decode<#de>));
            }
            // Borrowed fields borrow from the input: 'de outlives them.
            GenericParam::Lifetime(param) => outlived.push(param.lifetime.clone()),
            GenericParam::Const(_) => {}
        }
    }
    let clause = generics.make_where_clause();
    for lifetime in outlived {
        clause.predicates.push(syn::parse_quote!(#de: #lifetime));
    }
    generics.params.insert(0, syn::parse_quote!(#de));
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics ::luaxt_format::Decode<#de> for #name #ty_generics #where_clause {
            #[inline]
            #[allow(unused_mut)] // a struct with no fields to read
            fn decode(#r: &mut ::luaxt_format::native::Reader<#de>) -> ::core::option::Option<Self> {
                #body
            }
            #missing
        }
    })
}

/// A struct's `decode` body.
fn struct_body(fields: &Fields, rule: Option<Case>) -> Result<TokenStream> {
    let r = own("r");
    Ok(match fields {
        Fields::Named(_) => {
            let (reads, build) = named_fields(fields, &quote!(Self), rule)?;
            quote! {
                #reads
                ::core::option::Option::Some(#build)
            }
        }
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            refuse_reads_with(fields)?;
            quote!(::luaxt_format::Decode::decode(#r).map(Self))
        }
        Fields::Unnamed(_) => {
            let (reads, values) = sequence(fields)?;
            quote! {
                #reads
                ::core::option::Option::Some(Self(#(#values),*))
            }
        }
        Fields::Unit => quote!(#r.nil().then_some(Self)),
    })
}

/// A `transparent` struct's `decode` body, and its `missing` (its field's,
/// as serde asks the field's type): `field` read, the others their
/// `default` (serde's rule; a `PhantomData` is its `Default`).
fn transparent_body(field: &syn::Field, fields: &Fields) -> Result<(TokenStream, TokenStream)> {
    if attrs::item(&field.attrs)?.reads_with {
        return Err(reads_with_error(field.span()));
    }
    let value = own("value");
    let mut build = Vec::new();
    for (i, each) in fields.iter().enumerate() {
        let member = each
            .ident
            .clone()
            .map_or_else(|| syn::Member::from(i), syn::Member::Named);
        let init = if std::ptr::eq(each, field) {
            quote!(#value)
        } else {
            default_value(&attrs::item(&each.attrs)?)
        };
        build.push(quote!(#member: #init));
    }
    let r = own("r");
    let read = quote! {
        ::luaxt_format::Decode::decode(#r).map(|#value| Self { #(#build),* })
    };
    let missing = quote! {
        #[inline]
        fn missing() -> ::core::option::Option<Self> {
            ::luaxt_format::Decode::missing().map(|#value| Self { #(#build),* })
        }
    };
    Ok((read, missing))
}

/// Reads named fields from a table of string keys (the names under
/// `rule`, serde's `rename_all`) in canonical order: statements, and the
/// expression that builds `path { .. }` from them.
/// A field the table lacks is its `default`, or `Decode::missing` (`None`
/// for an `Option`; for any other type the fast path gives up, and serde
/// reports the missing field).
fn named_fields(
    fields: &Fields,
    path: &TokenStream,
    rule: Option<Case>,
) -> Result<(TokenStream, TokenStream)> {
    let (r, left, value) = (own("r"), own("left"), own("value"));
    let mut keyed = Vec::new();
    let mut build = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let item = attrs::item(&field.attrs)?;
        let ident = field.ident.clone().expect("named fields have names");
        let slot = own(&format!("field{i}"));
        if item.skip_reading {
            let value = default_value(&item);
            build.push(quote!(#ident: #value));
            continue;
        }
        if item.reads_with {
            return Err(reads_with_error(ident.span()));
        }
        let missing = if item.default.is_some() {
            default_value(&item)
        } else {
            quote!(::luaxt_format::Decode::missing()?)
        };
        build.push(quote! {
            #ident: match #slot {
                ::core::option::Option::Some(#value) => #value,
                ::core::option::Option::None => #missing,
            }
        });
        let name = field_name(&ident, &item, rule);
        keyed.push((string_key(&name), slot));
    }
    let reads = sorted(keyed)?.into_iter().map(|(key, slot)| {
        let key = LitByteStr::new(&key, Span::call_site());
        quote! {
            let #slot = if #left > 0 && #r.field_key(#key) {
                #left -= 1;
                ::core::option::Option::Some(#r.item()?)
            } else {
                ::core::option::Option::None
            };
        }
    });
    let reads = quote! {
        let mut #left = #r.begin_fields()?;
        #(#reads)*
        if #left != 0 {
            return ::core::option::Option::None;
        }
        #r.end_fields();
    };
    Ok((reads, quote!(#path { #(#build),* })))
}

/// Reads unnamed fields from an array of exactly their number (serde: a
/// tuple struct); statements, and the values in order.
fn sequence(fields: &Fields) -> Result<(TokenStream, Vec<TokenStream>)> {
    let (r, count_read) = (own("r"), own("count"));
    let mut values = Vec::new();
    let mut reads = Vec::new();
    let mut count = 0usize;
    for (i, field) in fields.iter().enumerate() {
        let item = attrs::item(&field.attrs)?;
        if item.reads_with {
            return Err(reads_with_error(field.span()));
        }
        if item.skip_reading {
            values.push(default_value(&item));
            continue;
        }
        let slot = own(&format!("field{i}"));
        reads.push(quote!(let #slot = #r.item()?;));
        values.push(quote!(#slot));
        count += 1;
    }
    let reads = quote! {
        let (#count_read, _) = #r.begin_array()?;
        if #count_read != #count {
            return ::core::option::Option::None;
        }
        #(#reads)*
        #r.end_array()?;
    };
    Ok((reads, values))
}

/// An enum's `decode` body: a unit variant is its name, any other the
/// one-entry table `{Name = content}`.
fn enum_body(data: &syn::DataEnum, container: &attrs::Container) -> Result<TokenStream> {
    let (r, value) = (own("r"), own("value"));
    let mut units = Vec::new();
    let mut tables = Vec::new();
    for variant in &data.variants {
        let item = attrs::item(&variant.attrs)?;
        if item.skip_reading {
            continue;
        }
        let ident = &variant.ident;
        let name = variant_name(ident, &item, container.rename_all);
        let read = match &variant.fields {
            Fields::Unit => {
                units.push(quote!(#name => ::core::option::Option::Some(Self::#ident),));
                continue;
            }
            // A newtype variant whose field is skipped is a unit variant
            // to serde, its field the default.
            Fields::Unnamed(unnamed)
                if unnamed.unnamed.len() == 1
                    && attrs::item(&unnamed.unnamed[0].attrs)?.skip_reading =>
            {
                let (_, values) = sequence(&variant.fields)?;
                units.push(
                    quote!(#name => ::core::option::Option::Some(Self::#ident(#(#values),*)),),
                );
                continue;
            }
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                refuse_reads_with(&variant.fields)?;
                quote!(Self::#ident(#r.item()?))
            }
            Fields::Unnamed(_) => {
                let (reads, values) = sequence(&variant.fields)?;
                quote!({
                    #reads
                    Self::#ident(#(#values),*)
                })
            }
            Fields::Named(_) => {
                let rule = item.rename_all.or(container.rename_all_fields);
                let (reads, build) = named_fields(&variant.fields, &quote!(Self::#ident), rule)?;
                quote!({
                    #reads
                    #build
                })
            }
        };
        tables.push((string_key(&name), read));
    }
    // Only one key is there to find, so the order does not matter; `sorted`
    // refuses two variants of one name.
    let tables = sorted(tables)?;
    let unit = if units.is_empty() {
        quote!()
    } else {
        quote! {
            if #r.at_str() {
                return match #r.str()? {
                    #(#units)*
                    _ => ::core::option::Option::None,
                };
            }
        }
    };
    if tables.is_empty() {
        // Unit variants only (or none at all): nothing else is taken.
        return Ok(quote! {
            #unit
            ::core::option::Option::None
        });
    }
    let tables = tables.into_iter().map(|(key, read)| {
        let key = LitByteStr::new(&key, Span::call_site());
        quote!(if #r.field_key(#key) { #read } else)
    });
    Ok(quote! {
        #unit
        if #r.begin_fields()? != 1 {
            return ::core::option::Option::None;
        }
        let #value = #(#tables)* {
            return ::core::option::Option::None;
        };
        #r.end_fields();
        ::core::option::Option::Some(#value)
    })
}

/// The value of a field that is not read (skipped, or absent with a
/// `default`): its `default = "path"`, else `Default::default()`, as serde
/// gives it.
fn default_value(item: &attrs::Item) -> TokenStream {
    match &item.default {
        Some(Some(path)) => quote!(#path()),
        _ => quote!(::core::default::Default::default()),
    }
}

/// A newtype's one field may not be read with `deserialize_with` either.
fn refuse_reads_with(fields: &Fields) -> Result<()> {
    for field in fields {
        if attrs::item(&field.attrs)?.reads_with {
            return Err(reads_with_error(field.span()));
        }
    }
    Ok(())
}

fn reads_with_error(span: Span) -> syn::Error {
    syn::Error::new(
        span,
        "#[serde(deserialize_with)]: serde reads this field its own way, which luaxt-derive's \
         Decode does not follow; decode this type with luaxt_format::from_slice",
    )
}
