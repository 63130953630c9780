//! `#[serde(transparent)]`: a struct written and read as its one field,
//! by the derive as by serde.

use std::marker::PhantomData;

use luaxt_derive::{Decode, Encode};
use luaxt_format::{DecodeOptions, native};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq, Clone)]
#[serde(transparent)]
struct Meters {
    value: f64,
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq, Clone)]
#[serde(transparent)]
struct Tagged<T>(Vec<T>, PhantomData<u8>);

fn seven() -> u8 {
    7
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq, Clone)]
#[serde(transparent)]
struct WithSkipped {
    #[serde(skip, default = "seven")]
    cached: u8,
    name: String,
}

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq, Clone)]
#[serde(transparent)]
struct MaybeNote(Option<String>);

#[derive(Serialize, Deserialize, Encode, Decode, Debug, PartialEq, Clone)]
struct Outer {
    distance: Meters,
    tagged: Tagged<bool>,
    skipped: WithSkipped,
    note: MaybeNote,
}

fn round_trip<T>(value: &T)
where
    T: Serialize + luaxt_format::Encode + for<'de> Deserialize<'de>,
    T: for<'de> luaxt_format::Decode<'de> + PartialEq + std::fmt::Debug,
{
    let bytes = native::to_vec(value).unwrap();
    assert_eq!(bytes, luaxt_format::to_vec(value).unwrap(), "{value:?}");
    let strict = DecodeOptions::new().strict(true);
    let serde: T = luaxt_format::from_slice_with(&bytes, &strict).unwrap();
    assert_eq!(&serde, value);
    let native: T = native::from_slice_with(&bytes, &strict).unwrap();
    assert_eq!(&native, value);
    let fast = T::decode(&mut native::Reader::new(&bytes));
    assert_eq!(
        fast.as_ref(),
        Some(value),
        "the fast path declined {bytes:02x?}"
    );
}

#[test]
fn transparent_structs_are_their_field() {
    let outer = Outer {
        distance: Meters { value: 2.5 },
        tagged: Tagged(vec![true, false], PhantomData),
        skipped: WithSkipped {
            cached: 7,
            name: "n".into(),
        },
        note: MaybeNote(Some("x".into())),
    };
    round_trip(&outer);
    round_trip(&Meters { value: -0.0 });
    // A note of None is nil: left out of `Outer`, and read back as None
    // because the field's type (an `Option`) is missing as None.
    let without = Outer {
        note: MaybeNote(None),
        ..outer
    };
    round_trip(&without);
    // The document of a transparent struct is its field's.
    assert_eq!(
        native::to_vec(&Meters { value: 1.0 }).unwrap(),
        native::to_vec(&1.0f64).unwrap()
    );
}

#[test]
fn edited_documents_read_alike() {
    let outer = Outer {
        distance: Meters { value: 2.5 },
        tagged: Tagged(vec![true], PhantomData),
        skipped: WithSkipped {
            cached: 7,
            name: "n".into(),
        },
        note: MaybeNote(None),
    };
    let bytes = native::to_vec(&outer).unwrap();
    let mut edits = Vec::new();
    for i in 0..bytes.len() {
        edits.push(bytes[..i].to_vec());
        for b in [
            0x00,
            0x01,
            0x02,
            0x03,
            0x04,
            0x06,
            0xff,
            bytes[i].wrapping_add(1),
        ] {
            let mut changed = bytes.clone();
            changed[i] = b;
            edits.push(changed);
        }
    }
    for changed in edits {
        for options in [DecodeOptions::new(), DecodeOptions::new().strict(true)] {
            let serde = luaxt_format::from_slice_with::<Outer>(&changed, &options);
            let native = native::from_slice_with::<Outer>(&changed, &options);
            match (&native, &serde) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => assert_eq!(
                    (a.kind(), a.offset(), a.to_string()),
                    (b.kind(), b.offset(), b.to_string())
                ),
                _ => panic!("native {native:?} but serde {serde:?} for {changed:02x?}"),
            }
        }
    }
}
