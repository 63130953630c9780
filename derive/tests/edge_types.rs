//! Types at the edges of what the derive takes; this file denies every
//! warning, so generated code that warns in a user's crate fails here.
#![deny(warnings)]

use luaxt_derive::{Decode, Encode};
use luaxt_format::native;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct NoFields {}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
enum Never {}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
enum Skipping {
    Pair(u8, #[serde(skip)] u8),
    Named {
        kept: u8,
        #[serde(skip)]
        gone: u8,
    },
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
enum Units {
    A,
    #[serde(rename = "bee")]
    B,
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Bounded<T: Clone, const N: usize>
where
    T: Default,
{
    items: Vec<T>,
    fixed: [u8; 2],
    #[serde(skip)]
    size: std::marker::PhantomData<[(); N]>,
}

/// A where-clause with a trailing comma, beside a borrowed field.
#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Borrowed<'a, T>
where
    T: Clone,
{
    #[serde(borrow)]
    name: &'a str,
    value: T,
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
struct Raw {
    r#type: u8,
    r#loop: Option<bool>,
}

fn round_trip<T>(value: &T)
where
    T: Serialize
        + for<'de> Deserialize<'de>
        + for<'de> luaxt_format::Decode<'de>
        + luaxt_format::Encode
        + PartialEq
        + std::fmt::Debug,
{
    let bytes = native::to_vec(value).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(value).unwrap());
    assert_eq!(&native::from_slice::<T>(&bytes).unwrap(), value);
}

#[test]
fn edge_types_round_trip_as_serde_writes_them() {
    round_trip(&NoFields {});
    round_trip(&Units::A);
    round_trip(&Units::B);
    assert_eq!(
        native::to_vec(&Units::B).unwrap(),
        luaxt_format::to_vec("bee").unwrap()
    );
    round_trip(&Raw {
        r#type: 1,
        r#loop: Some(true),
    });
    let borrowed = Borrowed {
        name: "n",
        value: 3u8,
    };
    let bytes = native::to_vec(&borrowed).unwrap();
    assert_eq!(
        native::from_slice::<Borrowed<'_, u8>>(&bytes).unwrap(),
        borrowed
    );
    // Skipped fields of variants are not written, and read as defaults.
    round_trip(&Skipping::Pair(1, 0));
    round_trip(&Skipping::Named { kept: 1, gone: 0 });
    let gone = Skipping::Named { kept: 1, gone: 9 };
    let bytes = native::to_vec(&gone).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(&gone).unwrap());
    assert_eq!(
        native::from_slice::<Skipping>(&bytes).unwrap(),
        Skipping::Named { kept: 1, gone: 0 }
    );
    let bytes = native::to_vec(&Raw {
        r#type: 1,
        r#loop: None,
    })
    .unwrap();
    assert_eq!(
        luaxt_format::decode(&bytes).unwrap().to_string(),
        "{type = 1}"
    );
    // No value of `Never` exists; its documents are all serde's to refuse.
    let nothing = native::to_vec(&()).unwrap();
    assert_eq!(
        native::from_slice::<Never>(&nothing)
            .unwrap_err()
            .to_string(),
        luaxt_format::from_slice::<Never>(&nothing)
            .unwrap_err()
            .to_string()
    );
}

#[test]
fn const_generics_and_where_clauses_are_kept() {
    let value = Bounded::<String, 2> {
        items: vec!["x".into()],
        fixed: [1, 2],
        size: std::marker::PhantomData,
    };
    let bytes = native::to_vec(&value).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(&value).unwrap());
    assert_eq!(
        native::from_slice::<Bounded<String, 2>>(&bytes).unwrap(),
        value
    );
}

/// A newtype variant whose one field is skipped is a unit variant to
/// serde (written as its name, read back with the field's default).
#[test]
fn a_newtype_variant_with_its_field_skipped_is_a_unit_variant() {
    #[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
    enum Cached {
        Empty(#[serde(skip)] Vec<u8>),
        Full(u8),
    }
    for value in [Cached::Empty(vec![]), Cached::Full(3)] {
        let bytes = luaxt_format::native::to_vec(&value).unwrap();
        assert_eq!(bytes, luaxt_format::to_vec(&value).unwrap(), "{value:?}");
        let back = <Cached as luaxt_format::Decode>::decode(
            &mut luaxt_format::native::Reader::new(&bytes),
        );
        assert_eq!(back, Some(value));
    }
    // The skipped field is not written: it reads back as its default.
    let bytes = luaxt_format::native::to_vec(&Cached::Empty(vec![1])).unwrap();
    let back: Cached = luaxt_format::native::from_slice(&bytes).unwrap();
    assert_eq!(back, Cached::Empty(vec![]));
}

/// A skipped tuple field reads back as its `default` path, as in serde.
#[test]
fn a_skipped_tuple_field_reads_as_its_default_path() {
    fn nine() -> u8 {
        9
    }
    #[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
    struct Pair(u8, #[serde(skip, default = "nine")] u8, bool);
    #[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq)]
    enum Holder {
        Alone(#[serde(skip, default = "nine")] u8),
        Two(#[serde(skip, default = "nine")] u8, bool),
    }
    let bytes = native::to_vec(&Pair(1, 2, true)).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(&Pair(1, 2, true)).unwrap());
    let fast = <Pair as luaxt_format::Decode>::decode(&mut native::Reader::new(&bytes));
    let serde: Pair = luaxt_format::from_slice(&bytes).unwrap();
    assert_eq!(fast, Some(Pair(1, 9, true)));
    assert_eq!(serde, Pair(1, 9, true));
    for value in [Holder::Alone(1), Holder::Two(1, false)] {
        let bytes = native::to_vec(&value).unwrap();
        assert_eq!(bytes, luaxt_format::to_vec(&value).unwrap(), "{value:?}");
        let fast = <Holder as luaxt_format::Decode>::decode(&mut native::Reader::new(&bytes));
        let serde: Holder = luaxt_format::from_slice(&bytes).unwrap();
        assert_eq!(fast.as_ref(), Some(&serde), "{value:?}");
    }
}
