//! Enums serde writes with `tag`, `tag` + `content` or `untagged`: the
//! derived `Encode` writes serde's bytes (reading them is serde's, with
//! `luaxt_format::from_slice`).

use luaxt_derive::Encode;
use luaxt_format::{DecodeOptions, ErrorKind, native};
use serde::{Deserialize, Serialize};

/// The same bytes from both encoders, canonical, and read back by serde.
fn same<T>(value: &T)
where
    T: Serialize + luaxt_format::Encode + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let bytes = native::to_vec(value).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(value).unwrap(), "{value:?}");
    assert!(DecodeOptions::new().strict(true).check(&bytes).is_ok());
    let back: T = luaxt_format::from_slice(&bytes).unwrap();
    assert_eq!(&back, value);
}

#[derive(Serialize, Deserialize, Encode, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Internal {
    Unit,
    Circle {
        radius: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    // "type" sorts among the fields: "a" < "type" < "zz" by length first.
    Mixed {
        a: u8,
        zzzzz: bool,
    },
    Empty(#[serde(skip)] u8),
}

#[derive(Serialize, Deserialize, Encode, Debug, PartialEq)]
#[serde(tag = "t", content = "c")]
enum Adjacent {
    Unit,
    Newtype(u8),
    Nothing(Option<u8>),
    Tuple(u8, String),
    Struct { x: i64 },
}

#[derive(Serialize, Deserialize, Encode, Debug, PartialEq)]
#[serde(untagged)]
enum Untagged {
    Struct { name: String },
    Tuple(u8, bool),
    Newtype(Vec<u8>),
}

#[test]
fn internally_tagged_variants_match_serde() {
    same(&Internal::Unit);
    same(&Internal::Circle {
        radius: 1.5,
        label: None,
    });
    same(&Internal::Circle {
        radius: 2.0,
        label: Some("c".into()),
    });
    same(&Internal::Mixed { a: 1, zzzzz: true });
    // A newtype variant whose field is skipped is a unit variant.
    let bytes = native::to_vec(&Internal::Empty(3)).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(&Internal::Empty(3)).unwrap());
}

#[test]
fn adjacently_tagged_variants_match_serde() {
    same(&Adjacent::Unit);
    same(&Adjacent::Newtype(7));
    // Nil content is left out, as serde's serializer leaves out nil.
    let bytes = native::to_vec(&Adjacent::Nothing(None)).unwrap();
    assert_eq!(
        bytes,
        luaxt_format::to_vec(&Adjacent::Nothing(None)).unwrap()
    );
    same(&Adjacent::Nothing(Some(1)));
    same(&Adjacent::Tuple(1, "a".into()));
    same(&Adjacent::Struct { x: -1 });
}

#[test]
fn untagged_variants_match_serde() {
    same(&Untagged::Struct { name: "n".into() });
    same(&Untagged::Tuple(2, false));
    same(&Untagged::Newtype(vec![1, 2]));
    let both = |value: &Vec<Untagged>| {
        assert_eq!(
            native::to_vec(value).unwrap(),
            luaxt_format::to_vec(value).unwrap()
        );
    };
    both(&vec![Untagged::Tuple(1, true), Untagged::Newtype(vec![])]);
}

#[test]
fn errors_match_serde() {
    #[derive(Serialize, Encode)]
    #[serde(tag = "kind")]
    #[allow(dead_code)] // the skipped variant's field is read by nothing
    enum Skipping {
        #[serde(skip_serializing)]
        Hidden { x: u8 },
    }
    let native = native::to_vec(&Skipping::Hidden { x: 1 }).unwrap_err();
    let serde = luaxt_format::to_vec(&Skipping::Hidden { x: 1 }).unwrap_err();
    assert_eq!(
        (native.kind(), native.to_string()),
        (serde.kind(), serde.to_string())
    );
    assert_eq!(native.kind(), ErrorKind::Custom);
}
