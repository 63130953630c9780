//! `#[serde(transparent)]`: a struct written and read as its one field,
//! by the derive as by serde.

use std::marker::PhantomData;

mod common;

use common::{both, lenient, mutations, round_trip, strict};
use luaxt_derive::{Decode, Encode};
use luaxt_format::native;
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
    for changed in mutations(&bytes) {
        for options in [lenient(), strict()] {
            let _ = both::<Outer>(&changed, &options);
        }
    }
}
