//! Plain JSON text → canonical LXT bytes in one pass, with the mapping of
//! `json.rs`: serde_json's parser drives luaxt-format's serde serializer
//! directly, so no tree of the input is built. The serializer writes
//! arrays as they come and puts each object's entries in canonical order
//! when the object ends (its one buffer is the largest object); this module
//! keeps the keys of the open objects (for duplicate keys) and the exact
//! size of the document so far, so that a document longer than max_size is
//! refused when its bytes reach the limit, with where in the JSON that is.
//!
//! Errors cross between the two serde worlds as messages; what went wrong
//! first is kept in [`State`], and a serializer error comes back up as it
//! is, so that its class survives.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::fmt;

use luaxt_format::{Limits, Table, ValueRef, encoded_len};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::error::{ErrorKind, fail};
use crate::path::WayOut;
use crate::{Error, Result};

/// Converts plain JSON `text` (from `name`, for messages) to an LXT
/// document within `limits`.
pub fn plain_to_lxt(text: &str, name: &str, limits: &Limits) -> Result<Vec<u8>> {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let state = State {
        max_size: limits.max_size,
        written: Cell::new(0),
        failure: RefCell::new(None),
        way_out: RefCell::new(WayOut::default()),
        sizes: Sizes::new(),
        depth: Cell::new(0),
    };
    let top = Top {
        de: RefCell::new(Some(&mut de)),
        state: &state,
        error: RefCell::new(None),
    };
    let encoded = luaxt_format::to_vec_with(&top, limits);
    let at = top.error.into_inner();
    let failure = state.failure.into_inner();
    let way_out = state.way_out.into_inner();
    let bytes = match (encoded, failure, at) {
        (Ok(bytes), _, _) => bytes,
        (Err(_), Some(Failure::Duplicate(key)), Some(at)) => {
            return Err(crate::plain::duplicate_key(name, &key, &way_out, &at));
        }
        (Err(_), Some(Failure::Json(message)), _) => {
            fail!(ErrorKind::InvalidJson, "invalid JSON in {name}: {message}")
        }
        (Err(_), Some(Failure::TooLong), at) => fail!(
            ErrorKind::CannotEncode(luaxt_format::ErrorKind::LengthOverflow),
            "cannot encode: length_overflow: the document is longer than max_size, {} bytes \
             (at {}{})",
            limits.max_size,
            way_out.path(),
            Position(name, at.as_ref())
        ),
        (Err(e), _, at) => fail!(
            ErrorKind::CannotEncode(e.kind()),
            "cannot encode: {}: {e} (at {}{})",
            e.kind().name(),
            way_out.path(),
            Position(name, at.as_ref())
        ),
    };
    de.end().map_err(|e| {
        Error::new(
            ErrorKind::InvalidJson,
            format_args!("invalid JSON in {name}: {e}"),
        )
    })?;
    Ok(bytes)
}

/// `, line L column C of NAME` from serde_json's error there.
struct Position<'a>(&'a str, Option<&'a serde_json::Error>);

impl fmt::Display for Position<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(e) => write!(f, ", line {} column {} of {}", e.line(), e.column(), self.0),
            None => write!(f, " of {}", self.0),
        }
    }
}

/// What went wrong first.
enum Failure {
    /// serde_json's message (syntax, numbers out of range, …).
    Json(String),
    /// An object with this key twice.
    Duplicate(String),
    /// The document got longer than max_size.
    TooLong,
    /// The serializer refused (its error comes back up as it is).
    Encode,
}

/// What the transcoding shares across the nested visitors.
struct State {
    max_size: u64,
    /// Bytes of the document so far: every value's exact encoded size is
    /// known when it starts, so this is what the finished document will
    /// hold of everything read.
    written: Cell<u64>,
    failure: RefCell<Option<Failure>>,
    way_out: RefCell<WayOut>,
    sizes: Sizes,
    /// Arrays and objects open around the value being read.
    depth: Cell<usize>,
}

impl State {
    fn fail(&self, failure: Failure) {
        self.failure.borrow_mut().get_or_insert(failure);
    }

    /// Enters an array or object, refusing one nested deeper than
    /// `MAX_NESTING` (serde_json's recursion limit is off; the LXT depth
    /// limit may be higher than the stack allows).
    fn enter<E: de::Error>(&self) -> Result<(), E> {
        let depth = self.depth.get() + 1;
        if depth > crate::MAX_NESTING {
            return Err(crate::plain::too_deep());
        }
        self.depth.set(depth);
        Ok(())
    }

    /// Leaves the array or object entered last.
    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }

    /// Counts `bytes` more of the document, refusing to go past max_size.
    fn add<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let written = self.written.get().saturating_add(bytes as u64);
        if written > self.max_size {
            self.fail(Failure::TooLong);
            return Err(E::custom("the document is longer than max_size"));
        }
        self.written.set(written);
        Ok(())
    }
}

/// The encoded size of a value, from the format crate (a value longer than
/// any limit counts as too long).
fn size(value: &ValueRef<'_>) -> usize {
    encoded_len(value).unwrap_or(usize::MAX)
}

/// Encoded sizes that do not depend on the value, asked of the format
/// crate once per document rather than once per value.
struct Sizes {
    nil: usize,
    bool: usize,
    int: usize,
    float: usize,
    /// The empty string: a string of `n` bytes takes `n` more.
    empty_str: usize,
    /// The empty table, as a table starts.
    empty_table: usize,
}

impl Sizes {
    fn new() -> Sizes {
        Sizes {
            nil: size(&ValueRef::Nil),
            bool: size(&ValueRef::Bool(false)),
            int: size(&ValueRef::Int(0)),
            float: size(&ValueRef::Float(0.0)),
            empty_str: size(&ValueRef::Str("")),
            empty_table: size(&ValueRef::Table(Table::new())),
        }
    }

    fn str(&self, text: &str) -> usize {
        self.empty_str.saturating_add(text.len())
    }
}

/// Where a value goes, for what it adds to the document besides itself.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// The document: nil is written (1 byte).
    Top,
    /// An array element, after a hole when `moved`: then it is a hash
    /// entry with its integer key; nil is a hole (nothing).
    Element { moved: bool },
    /// An object member whose key takes `key` bytes; nil leaves it out.
    Member { key: usize },
}

impl Place {
    /// Bytes a value other than nil adds besides its own.
    fn overhead(self, sizes: &Sizes) -> usize {
        match self {
            Place::Top | Place::Element { moved: false } => 0,
            // The integer key of an element after a hole.
            Place::Element { moved: true } => sizes.int,
            Place::Member { key } => key,
        }
    }
}

/// The document: like [`Next`], but over serde_json's own deserializer,
/// so that the error keeps its line and column.
struct Top<'a, 'j> {
    de: RefCell<Option<&'a mut serde_json::Deserializer<serde_json::de::StrRead<'j>>>>,
    state: &'a State,
    error: RefCell<Option<serde_json::Error>>,
}

impl Serialize for Top<'_, '_> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let Some(de) = self.de.borrow_mut().take() else {
            return Err(ser::Error::custom("the document was read already"));
        };
        let was_null = Cell::new(false);
        transcode(de, ser, self.state, Place::Top, &was_null).map_err(|(json, original)| {
            let message = json.to_string();
            *self.error.borrow_mut() = Some(json);
            original.unwrap_or_else(|| {
                self.state.fail(Failure::Json(message.clone()));
                ser::Error::custom(message)
            })
        })
    }
}

/// The next JSON value of a deserializer, as something to serialize.
struct Next<'a, D> {
    de: RefCell<Option<D>>,
    state: &'a State,
    place: Place,
    /// Set when the value was `null`.
    was_null: &'a Cell<bool>,
}

impl<'de, D: Deserializer<'de>> Serialize for Next<'_, D> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let Some(de) = self.de.borrow_mut().take() else {
            return Err(ser::Error::custom("a value was read twice"));
        };
        transcode(de, ser, self.state, self.place, self.was_null).map_err(|(json, original)| {
            original.unwrap_or_else(|| {
                let message = json.to_string();
                self.state.fail(Failure::Json(message.clone()));
                ser::Error::custom(message)
            })
        })
    }
}

/// A failed value: the deserializer's error, and the serializer's own
/// error if that is what it was.
type Failed<D, S> = (D, Option<S>);

/// Reads one value from `de` and writes it to `ser`. On failure, the
/// deserializer's error, and the serializer's own error if it was one.
fn transcode<'de, D: Deserializer<'de>, S: Serializer>(
    de: D,
    ser: S,
    state: &State,
    place: Place,
    was_null: &Cell<bool>,
) -> Result<S::Ok, Failed<D::Error, S::Error>> {
    let slot = RefCell::new(None);
    let visitor = Transcode {
        ser,
        state,
        place,
        slot: &slot,
        was_null,
    };
    de.deserialize_any(visitor)
        .map_err(|e| (e, slot.into_inner()))
}

/// Writes the JSON value it visits to `ser`.
struct Transcode<'a, S: Serializer> {
    ser: S,
    state: &'a State,
    place: Place,
    /// Where a serializer error waits while a deserializer error carries it
    /// out of serde_json.
    slot: &'a RefCell<Option<S::Error>>,
    was_null: &'a Cell<bool>,
}

impl<S: Serializer> Transcode<'_, S> {
    /// The serializer's result, its error kept in the slot.
    fn put<T, E: de::Error>(
        slot: &RefCell<Option<S::Error>>,
        state: &State,
        result: Result<T, S::Error>,
    ) -> Result<T, E> {
        result.map_err(|e| {
            let message = e.to_string();
            slot.borrow_mut().get_or_insert(e);
            state.fail(Failure::Encode);
            E::custom(message)
        })
    }

    /// Counts a value of `own` bytes at this place.
    fn add<E: de::Error>(&self, own: usize) -> Result<(), E> {
        self.state
            .add(own.saturating_add(self.place.overhead(&self.state.sizes)))
    }
}

impl<'de, S: Serializer> Visitor<'de> for Transcode<'_, S> {
    type Value = S::Ok;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<S::Ok, E> {
        self.was_null.set(true);
        if let Place::Top = self.place {
            self.state.add(self.state.sizes.nil)?;
        }
        Self::put(self.slot, self.state, self.ser.serialize_unit())
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<S::Ok, E> {
        self.add(self.state.sizes.bool)?;
        Self::put(self.slot, self.state, self.ser.serialize_bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<S::Ok, E> {
        self.add(self.state.sizes.int)?;
        Self::put(self.slot, self.state, self.ser.serialize_i64(i))
    }

    /// Beyond i64 a JSON integer becomes a float, as in `json.rs`.
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<S::Ok, E> {
        match i64::try_from(u) {
            Ok(i) => self.visit_i64(i),
            Err(_) => self.visit_f64(u as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<S::Ok, E> {
        self.add(self.state.sizes.float)?;
        Self::put(self.slot, self.state, self.ser.serialize_f64(f))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<S::Ok, E> {
        self.add(self.state.sizes.str(s))?;
        Self::put(self.slot, self.state, self.ser.serialize_str(s))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<S::Ok, A::Error> {
        self.state.enter()?;
        self.add(self.state.sizes.empty_table)?;
        let (slot, state) = (self.slot, self.state);
        let mut out = Self::put(slot, state, self.ser.serialize_seq(None))?;
        let mut hole = false;
        for index in 1.. {
            let was_null = Cell::new(false);
            let element = Element {
                out: &mut out,
                state,
                place: Place::Element { moved: hole },
                slot,
                was_null: &was_null,
            };
            match seq.next_element_seed(element) {
                Ok(Some(())) => hole |= was_null.get(),
                Ok(None) => break,
                Err(e) => {
                    state.way_out.borrow_mut().index(index - 1);
                    return Err(e);
                }
            }
        }
        state.leave();
        Self::put(slot, state, out.end())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Ok, A::Error> {
        self.state.enter()?;
        self.add(self.state.sizes.empty_table)?;
        let (slot, state) = (self.slot, self.state);
        let mut out = Self::put(slot, state, self.ser.serialize_map(None))?;
        let mut seen = SeenKeys::with_capacity(map.size_hint().unwrap_or(SCANNED_KEYS));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if seen.contains(&key) {
                state.fail(Failure::Duplicate(key.into_owned()));
                return Err(de::Error::custom("duplicate key"));
            }
            Self::put(slot, state, out.serialize_key(key.as_ref()))?;
            let was_null = Cell::new(false);
            let member = Member {
                out: &mut out,
                state,
                place: Place::Member {
                    key: state.sizes.str(&key),
                },
                slot,
                was_null: &was_null,
            };
            if let Err(e) = map.next_value_seed(member) {
                state.way_out.borrow_mut().key(&key);
                return Err(e);
            }
            seen.insert(key);
        }
        state.leave();
        Self::put(slot, state, out.end())
    }
}

/// An object key, borrowed from the JSON text when it has no escapes (no
/// allocation per key).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Cow<'de, str>, D::Error> {
        de.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key))
    }
}

/// The keys of one object so far, for duplicates: a list scanned in place
/// while the object is small (most are), a hash set once it is not.
struct SeenKeys<'de> {
    list: Vec<Cow<'de, str>>,
    set: HashSet<Cow<'de, str>>,
}

/// Up to this many keys a scan beats hashing.
const SCANNED_KEYS: usize = 16;

impl<'de> SeenKeys<'de> {
    /// Room for `keys` keys (one allocation for a record's keys).
    fn with_capacity(keys: usize) -> Self {
        SeenKeys {
            list: Vec::with_capacity(keys.min(SCANNED_KEYS)),
            set: HashSet::new(),
        }
    }

    fn contains(&self, key: &str) -> bool {
        if self.set.is_empty() {
            // Length and first byte first: most keys of a record differ
            // there, and the comparison then needs no `memcmp` call.
            let first = key.as_bytes().first();
            self.list.iter().any(|seen| {
                seen.len() == key.len() && seen.as_bytes().first() == first && seen == key
            })
        } else {
            self.set.contains(key)
        }
    }

    fn insert(&mut self, key: Cow<'de, str>) {
        if !self.set.is_empty() {
            self.set.insert(key);
        } else if self.list.len() < SCANNED_KEYS {
            self.list.push(key);
        } else {
            self.set.extend(self.list.drain(..));
            self.set.insert(key);
        }
    }
}

/// Reads an array element into a sequence being serialized.
struct Element<'a, Q: SerializeSeq> {
    out: &'a mut Q,
    state: &'a State,
    place: Place,
    slot: &'a RefCell<Option<Q::Error>>,
    was_null: &'a Cell<bool>,
}

impl<'de, Q: SerializeSeq> DeserializeSeed<'de> for Element<'_, Q> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let next = Next {
            de: RefCell::new(Some(de)),
            state: self.state,
            place: self.place,
            was_null: self.was_null,
        };
        keep(self.slot, self.out.serialize_element(&next))
    }
}

/// Reads an object member's value into a map being serialized.
struct Member<'a, Q: SerializeMap> {
    out: &'a mut Q,
    state: &'a State,
    place: Place,
    slot: &'a RefCell<Option<Q::Error>>,
    was_null: &'a Cell<bool>,
}

impl<'de, Q: SerializeMap> DeserializeSeed<'de> for Member<'_, Q> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let next = Next {
            de: RefCell::new(Some(de)),
            state: self.state,
            place: self.place,
            was_null: self.was_null,
        };
        keep(self.slot, self.out.serialize_value(&next))
    }
}

/// A serializer error from a nested value, kept in `slot` (it is the
/// original error, or one standing for a deserializer error that was
/// recorded already) while serde_json unwinds.
fn keep<E: ser::Error, D: de::Error>(
    slot: &RefCell<Option<E>>,
    result: Result<(), E>,
) -> Result<(), D> {
    result.map_err(|e| {
        let message = e.to_string();
        slot.borrow_mut().get_or_insert(e);
        D::custom(message)
    })
}
