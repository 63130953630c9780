//! `#[serde(rename_all)]` and `rename_all_fields`: for every rule, the
//! derived `Encode` writes serde's keys and variant names, and the derived
//! `Decode` reads them back as serde does.

mod common;

use common::round_trip;
use luaxt_derive::{Decode, Encode};
use luaxt_format::native;
use serde::{Deserialize, Serialize};

macro_rules! per_rule {
    ($($module:ident => $rule:literal),* $(,)?) => {$(
        mod $module {
            use super::*;

            #[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
            #[serde(rename_all = $rule)]
            pub struct Fields {
                pub first_name: String,
                pub x: u8,
                pub a_b_c: bool,
                pub r#type: i8,
                pub trailing_: u8,
                pub with2_digits: u8,
                #[serde(rename = "kept_AS_is")]
                pub renamed: u8,
                pub maybe_none: Option<u8>,
            }

            #[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
            #[serde(rename_all = $rule, rename_all_fields = $rule)]
            pub enum Variants {
                Unit,
                HTTPServer,
                A,
                NewType(u8),
                TwoWords { inner_field: u8, other_one: bool },
                #[serde(rename_all = "UPPERCASE")]
                OwnRule { inner_field: u8 },
                #[serde(rename = "as_written")]
                Renamed,
            }

            #[test]
            fn keys_and_names_are_serde_s() {
                round_trip(&Fields {
                    first_name: "Ada".into(),
                    x: 1,
                    a_b_c: true,
                    r#type: -1,
                    trailing_: 2,
                    with2_digits: 3,
                    renamed: 4,
                    maybe_none: None,
                });
                for value in [
                    Variants::Unit,
                    Variants::HTTPServer,
                    Variants::A,
                    Variants::NewType(5),
                    Variants::TwoWords { inner_field: 6, other_one: false },
                    Variants::OwnRule { inner_field: 7 },
                    Variants::Renamed,
                ] {
                    round_trip(&value);
                }
            }
        }
    )*};
}

per_rule! {
    lower => "lowercase",
    upper => "UPPERCASE",
    pascal => "PascalCase",
    camel => "camelCase",
    snake => "snake_case",
    screaming_snake => "SCREAMING_SNAKE_CASE",
    kebab => "kebab-case",
    screaming_kebab => "SCREAMING-KEBAB-CASE",
}

/// `rename_all_fields` reaches struct variants only, and a variant's own
/// `rename_all` wins over it.
#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
#[serde(rename_all_fields = "camelCase")]
enum FieldsOnly {
    SomeVariant {
        inner_field: u8,
    },
    #[serde(rename_all = "kebab-case")]
    Other {
        inner_field: u8,
    },
}

#[test]
fn rename_all_fields_reaches_struct_variants_only() {
    round_trip(&FieldsOnly::SomeVariant { inner_field: 1 });
    round_trip(&FieldsOnly::Other { inner_field: 2 });
    let bytes = native::to_vec(&FieldsOnly::SomeVariant { inner_field: 1 }).unwrap();
    let value = luaxt_format::decode(&bytes).unwrap();
    let (variant, fields) = &value.as_table().unwrap().hash()[0];
    assert_eq!(variant.as_str(), Some("SomeVariant"));
    let (field, _) = &fields.as_table().unwrap().hash()[0];
    assert_eq!(field.as_str(), Some("innerField"));
}
