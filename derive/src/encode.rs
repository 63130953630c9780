//! `#[derive(Encode)]`: the code that writes a struct or enum, with each
//! table's keys sorted here, at compile time, by the format crate's
//! `encoded_key_order`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, LitByteStr, Member, Result};

use crate::attrs;
use crate::case::Case;
use crate::names::{field_name, own, sorted, string_key, variant_name};

/// The `impl Encode` for `input`.
pub(crate) fn derive(input: &DeriveInput) -> Result<TokenStream> {
    let container = attrs::container(&input.attrs)?;
    let (encode, is_nil) = match &input.data {
        Data::Struct(_) if container.tagged_otherwise() => {
            return Err(syn::Error::new(
                Span::call_site(),
                "#[serde(tag, content, untagged)] on a struct: luaxt-derive writes them on enums only",
            ));
        }
        Data::Enum(data) if container.tagged_otherwise() => (
            other_enum_body(&input.ident, data, &container)?,
            quote!(false),
        ),
        Data::Struct(data) if container.transparent => {
            transparent_body(attrs::transparent_field(&data.fields, false)?, &data.fields)
        }
        Data::Struct(data) => struct_body(&data.fields, container.rename_all)?,
        Data::Enum(data) => (enum_body(&input.ident, data, &container)?, quote!(false)),
        Data::Union(_) => {
            return Err(syn::Error::new(
                Span::call_site(),
                "luaxt-derive cannot encode a union",
            ));
        }
    };
    let name = &input.ident;
    let w = own("w");
    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(syn::parse_quote!(::luaxt_format::Encode));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_generics ::luaxt_format::Encode for #name #ty_generics #where_clause {
            #[inline]
            #[allow(unused_mut)] // a struct with no fields to write
            fn encode(&self, #w: &mut ::luaxt_format::Writer) -> ::luaxt_format::Result<()> {
                #encode
            }
            #[inline]
            fn is_nil(&self) -> bool {
                #is_nil
            }
        }
    })
}

/// A struct's `encode` body and `is_nil` expression, reading its fields
/// through `self`.
fn struct_body(fields: &Fields, rule: Option<Case>) -> Result<(TokenStream, TokenStream)> {
    let access = |member: &Member| quote!(&self.#member);
    let w = own("w");
    Ok(match fields {
        Fields::Named(_) => {
            let body = named_fields(fields, access, rule)?;
            (quote!(#body Ok(())), quote!(false))
        }
        // A newtype is its content (serde: `serialize_newtype_struct`).
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => (
            quote!(::luaxt_format::Encode::encode(&self.0, #w)),
            quote!(::luaxt_format::Encode::is_nil(&self.0)),
        ),
        Fields::Unnamed(_) => (sequence(fields, access)?, quote!(false)),
        Fields::Unit => (quote!(#w.put_nil(); Ok(())), quote!(true)),
    })
}

/// A `transparent` struct's `encode` body and `is_nil`: those of `field`.
fn transparent_body(field: &syn::Field, fields: &Fields) -> (TokenStream, TokenStream) {
    let index = fields
        .iter()
        .position(|f| std::ptr::eq(f, field))
        .unwrap_or(0);
    let member = field
        .ident
        .clone()
        .map_or_else(|| Member::from(index), Member::Named);
    let w = own("w");
    (
        quote!(::luaxt_format::Encode::encode(&self.#member, #w)),
        quote!(::luaxt_format::Encode::is_nil(&self.#member)),
    )
}

/// Writes named fields as a table of string keys in canonical order (the
/// names under `rule`, serde's `rename_all`); a field that is nil is left
/// out. Statements, ending with the table closed.
fn named_fields(
    fields: &Fields,
    access: impl Fn(&Member) -> TokenStream,
    rule: Option<Case>,
) -> Result<TokenStream> {
    named_fields_tagged(fields, access, rule, None)
}

/// [`named_fields`], with one more entry `tag = name` among the fields
/// (an internally tagged variant) when `tag` is given.
fn named_fields_tagged(
    fields: &Fields,
    access: impl Fn(&Member) -> TokenStream,
    rule: Option<Case>,
    tag: Option<(&str, &str)>,
) -> Result<TokenStream> {
    let mut keyed = Vec::new();
    if let Some((tag, name)) = tag {
        keyed.push((string_key(tag), (quote!(&#name), None)));
    }
    for field in fields {
        let item = attrs::item(&field.attrs)?;
        if item.skip {
            continue;
        }
        let ident = field.ident.clone().expect("named fields have names");
        let name = field_name(&ident, &item, rule);
        let value = access(&Member::Named(ident));
        // serde's `skip_serializing_if`: the predicate sees the field.
        let skipped = item.skip_if.map(|path| quote!(#path(#value)));
        keyed.push((string_key(&name), (value, skipped)));
    }
    let (w, at, fields, table) = (own("w"), own("at"), own("fields"), own("table"));
    let writes = sorted(keyed)?.into_iter().map(|(key, (value, skipped))| {
        let key = LitByteStr::new(&key, Span::call_site());
        let kept = match skipped {
            Some(skipped) => quote!(!::luaxt_format::Encode::is_nil(#value) && !#skipped),
            None => quote!(!::luaxt_format::Encode::is_nil(#value)),
        };
        quote! {
            if #kept {
                let #at = #w.len();
                #w.field_key(#key);
                ::luaxt_format::Encode::encode(#value, #w)?;
                #fields += u32::from(#w.keep_field(#at, #key.len()));
            }
        }
    });
    Ok(quote! {
        let #table = #w.begin_fields()?;
        let mut #fields: u32 = 0;
        #(#writes)*
        #w.end_fields(#table, #fields);
    })
}

/// Writes unnamed fields as a sequence (serde: a tuple struct).
fn sequence(fields: &Fields, access: impl Fn(&Member) -> TokenStream) -> Result<TokenStream> {
    let mut items = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let item = attrs::item(&field.attrs)?;
        if item.skip_if.is_some() {
            return Err(syn::Error::new(
                field.span(),
                "#[serde(skip_serializing_if)] on a tuple field shifts the later elements, \
                 which luaxt-derive does not follow: encode this type with luaxt_format::to_vec",
            ));
        }
        if item.skip {
            continue;
        }
        items.push(access(&Member::from(i)));
    }
    let w = own("w");
    Ok(quote! {
        ::luaxt_format::native::encode_items(#w, &[#(#items as &dyn ::luaxt_format::Encode),*])
    })
}

/// An enum's `encode` body (serde's externally tagged form, §10): a unit
/// variant is its name, any other `{Name = content}`.
fn enum_body(
    enum_name: &Ident,
    data: &syn::DataEnum,
    container: &attrs::Container,
) -> Result<TokenStream> {
    let (w, at) = (own("w"), own("at"));
    let mut arms = Vec::new();
    for variant in &data.variants {
        let item = attrs::item(&variant.attrs)?;
        if item.skip {
            arms.push(skipped_arm(enum_name, variant));
            continue;
        }
        let name = variant_name(&variant.ident, &item, container.rename_all);
        let key = LitByteStr::new(&string_key(&name), Span::call_site());
        let (pattern, unit) = variant_pattern(variant)?;
        let arm = match &variant.fields {
            _ if unit => quote! {
                #pattern => #w.put_str(#name),
            },
            // A newtype's nil content leaves `{Name = {}}`, as in serde.
            Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
                let value = Ident::new("field0", Span::mixed_site());
                quote! {
                    #pattern => {
                        let #at = #w.begin_variant(#key)?;
                        if ::luaxt_format::Encode::is_nil(#value) {
                            #w.empty_variant(#at);
                            return Ok(());
                        }
                        ::luaxt_format::Encode::encode(#value, #w)?;
                        #w.end_newtype_variant(#at, #key);
                        Ok(())
                    }
                }
            }
            _ => {
                let rule = item.rename_all.or(container.rename_all_fields);
                let content = variant_content(variant, rule, None)?;
                quote! {
                    #pattern => {
                        #w.begin_variant(#key)?;
                        #content?;
                        #w.end_variant();
                        Ok(())
                    }
                }
            }
        };
        arms.push(arm);
    }
    if arms.is_empty() {
        // An enum with no variants has no values.
        return Ok(quote!(match *self {}));
    }
    Ok(quote! {
        match self {
            #(#arms)*
        }
    })
}

/// The arm of a variant serde does not write (`skip`,
/// `skip_serializing`): serde's error, which names the Rust path.
fn skipped_arm(enum_name: &Ident, variant: &syn::Variant) -> TokenStream {
    let ident = &variant.ident;
    let path = format!("{enum_name}::{ident}");
    let pattern = match &variant.fields {
        Fields::Named(_) => quote!(Self::#ident { .. }),
        Fields::Unnamed(_) => quote!(Self::#ident(..)),
        Fields::Unit => quote!(Self::#ident),
    };
    quote! {
        #pattern => Err(::luaxt_format::native::skipped_variant(#path)),
    }
}

/// The `encode` body of an enum written as serde writes `tag`, `tag` +
/// `content` or `untagged` enums:
/// - internally tagged: a struct variant is its fields' table with one
///   more entry `tag = name`, a unit variant the table `{tag = name}`;
///   newtype variants, whose content serde merges with the tag at run
///   time, are refused;
/// - adjacently tagged: `{tag = name, content = …}`, a unit variant
///   `{tag = name}`;
/// - untagged: the content alone (a unit variant nil).
///
/// The content is what an untagged variant is: a newtype's field, a
/// tuple's sequence, a struct's table.
fn other_enum_body(
    enum_name: &Ident,
    data: &syn::DataEnum,
    container: &attrs::Container,
) -> Result<TokenStream> {
    if container.content.is_some() && container.tag.is_none() {
        return Err(syn::Error::new(
            Span::call_site(),
            "#[serde(content)] needs #[serde(tag)]",
        ));
    }
    let (w, at, fields, table) = (own("w"), own("at"), own("fields"), own("table"));
    let mut arms = Vec::new();
    for variant in &data.variants {
        let item = attrs::item(&variant.attrs)?;
        if item.skip {
            arms.push(skipped_arm(enum_name, variant));
            continue;
        }
        let name = variant_name(&variant.ident, &item, container.rename_all);
        let (pattern, unit) = variant_pattern(variant)?;
        let rule = item.rename_all.or(container.rename_all_fields);
        let content = if unit {
            quote!({
                #w.put_nil();
                ::core::result::Result::<(), ::luaxt_format::Error>::Ok(())
            })
        } else {
            variant_content(variant, rule, None)?
        };
        let body = match (&container.tag, &container.content) {
            (None, _) => content,
            (Some(tag), None) if unit => one_entry(tag, &name),
            (Some(tag), None) => match &variant.fields {
                Fields::Named(_) => variant_content(variant, rule, Some((tag, &name)))?,
                _ => {
                    return Err(syn::Error::new_spanned(
                        variant,
                        "an internally tagged (`tag`) newtype or tuple variant: serde merges the \
                         tag into the content at run time, which luaxt-derive does not follow",
                    ));
                }
            },
            (Some(tag), Some(_)) if unit => one_entry(tag, &name),
            (Some(tag), Some(content_key)) => {
                // The two keys in canonical order, sorted here.
                let tag_key = string_key(tag);
                let content_lit = LitByteStr::new(&string_key(content_key), Span::call_site());
                let tag_write = {
                    let key = LitByteStr::new(&tag_key, Span::call_site());
                    quote! { #w.field_key(#key); #w.put_str(#name)?; #fields += 1; }
                };
                let content_write = quote! {
                    let #at = #w.len();
                    #w.field_key(#content_lit);
                    #content?;
                    #fields += u32::from(#w.keep_field(#at, #content_lit.len()));
                };
                let ordered = sorted(vec![
                    (tag_key, tag_write),
                    (string_key(content_key), content_write),
                ])?
                .into_iter()
                .map(|(_, write)| write);
                quote! {
                    let #table = #w.begin_fields()?;
                    let mut #fields: u32 = 0;
                    #(#ordered)*
                    #w.end_fields(#table, #fields);
                    Ok(())
                }
            }
        };
        arms.push(quote!(#pattern => { #body }));
    }
    if arms.is_empty() {
        return Ok(quote!(match *self {}));
    }
    Ok(quote! {
        match self {
            #(#arms)*
        }
    })
}

/// The pattern that binds a variant's written fields, and whether it is a
/// unit variant to serde (a unit, or a newtype whose field is skipped).
fn variant_pattern(variant: &syn::Variant) -> Result<(TokenStream, bool)> {
    let ident = &variant.ident;
    Ok(match &variant.fields {
        Fields::Unit => (quote!(Self::#ident), true),
        Fields::Unnamed(unnamed)
            if unnamed.unnamed.len() == 1 && attrs::item(&unnamed.unnamed[0].attrs)?.skip =>
        {
            (quote!(Self::#ident(_)), true)
        }
        Fields::Unnamed(unnamed) => {
            let mut patterns = Vec::new();
            for (i, field) in unnamed.unnamed.iter().enumerate() {
                patterns.push(if attrs::item(&field.attrs)?.skip {
                    quote!(_)
                } else {
                    let binding = Ident::new(&format!("field{i}"), Span::mixed_site());
                    quote!(#binding)
                });
            }
            (quote!(Self::#ident(#(#patterns),*)), false)
        }
        Fields::Named(named) => {
            let mut bindings = Vec::new();
            for field in &named.named {
                if !attrs::item(&field.attrs)?.skip {
                    bindings.extend(&field.ident);
                }
            }
            (quote!(Self::#ident { #(#bindings,)* .. }), false)
        }
    })
}

/// Writes a non-unit variant's content as an untagged variant is written,
/// from the bindings of [`variant_pattern`]; a struct variant's table gets
/// the entry `tag = name` too when `tag` is given. An expression of type
/// `Result<()>`.
fn variant_content(
    variant: &syn::Variant,
    rule: Option<Case>,
    tag: Option<(&str, &str)>,
) -> Result<TokenStream> {
    let w = own("w");
    Ok(match &variant.fields {
        Fields::Unit => quote!({
            #w.put_nil();
            ::core::result::Result::<(), ::luaxt_format::Error>::Ok(())
        }),
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            let binding = Ident::new("field0", Span::mixed_site());
            quote!(::luaxt_format::Encode::encode(#binding, #w))
        }
        Fields::Unnamed(_) => sequence(&variant.fields, |member| match member {
            Member::Unnamed(index) => {
                let binding = Ident::new(&format!("field{}", index.index), Span::mixed_site());
                quote!(#binding)
            }
            Member::Named(_) => unreachable!("unnamed fields"),
        })?,
        Fields::Named(_) => {
            let body = named_fields_tagged(&variant.fields, |member| quote!(#member), rule, tag)?;
            quote!({
                #body
                ::core::result::Result::<(), ::luaxt_format::Error>::Ok(())
            })
        }
    })
}

/// The table `{tag = name}` of a unit variant, tagged.
fn one_entry(tag: &str, name: &str) -> TokenStream {
    let (w, table) = (own("w"), own("table"));
    let key = LitByteStr::new(&string_key(tag), Span::call_site());
    quote! {
        let #table = #w.begin_fields()?;
        #w.field_key(#key);
        #w.put_str(#name)?;
        #w.end_fields(#table, 1);
        Ok(())
    }
}
