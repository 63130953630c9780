//! The canonical order of a struct's fields, worked out once per struct
//! type and reused by the serde serializer.
//!
//! serde hands a struct's fields over in declaration order; a canonical
//! table wants them in encoded-key order (§4.2). The names of a struct
//! type's fields are the same `&'static str`s every time, so their order
//! is learned from the first value and each later value only checks that
//! its field names are those (the same pointers) in the same sequence.
//! Anything else (a field skipped with `skip_serializing_if`, two struct
//! types of one name) falls back to comparing keys, which is always right.

use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::key::encoded_key_order;

/// At most this many struct types are remembered per serializer.
const MAX_KNOWN: usize = 256;

/// The field orders learned so far.
#[derive(Debug, Default)]
pub(crate) struct StructOrders {
    known: Vec<Known>,
}

/// One struct type's fields in declaration order.
#[derive(Debug)]
struct Known {
    name: &'static str,
    fields: Vec<KnownField>,
    /// The declaration positions of the fields in canonical order.
    by_key: Vec<u32>,
    /// Declaration order is canonical order: nothing to move.
    in_order: bool,
}

/// What closing a struct of a known order needs to know of it.
pub(crate) struct KnownOrder<'a> {
    /// The declaration positions of its fields in canonical order.
    pub(crate) by_key: &'a [u32],
    /// Declaration order is canonical order: nothing to move.
    pub(crate) in_order: bool,
}

/// A field of a known struct type: all the encoder needs of it, in one
/// place, so that each field of each value is one lookup.
#[derive(Debug)]
struct KnownField {
    name: &'static str,
    /// Its place in canonical order.
    rank: u32,
    /// Its encoded key, ready to write, if it fits a [`KeyHead`].
    head: Option<KeyHead>,
}

/// A field name's encoded key (tag, length, text) in a fixed 16-byte
/// buffer, so that writing it is one fixed-size copy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyHead {
    pub(crate) bytes: [u8; 16],
    pub(crate) len: u8,
}

impl KeyHead {
    /// `None` for a key longer than 16 bytes (written the ordinary way).
    fn of(key: &[u8]) -> Option<KeyHead> {
        let mut bytes = [0; 16];
        bytes.get_mut(..key.len())?.copy_from_slice(key);
        Some(KeyHead {
            bytes,
            len: key.len() as u8,
        })
    }
}

/// The same `&'static str`: one pointer and length comparison (equal
/// pointers and lengths are equal text; the order depends only on text).
#[inline]
fn same(a: &'static str, b: &'static str) -> bool {
    core::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len()
}

impl StructOrders {
    /// The order known for the struct (or struct variant) called `name`.
    #[inline]
    pub(crate) fn find(&self, name: &'static str) -> Option<usize> {
        self.known.iter().position(|k| same(k.name, name))
    }

    /// The canonical place of `field` and its encoded key, if it is the
    /// field at `pos` of the known order `index`.
    #[inline]
    pub(crate) fn rank(
        &self,
        index: usize,
        pos: usize,
        field: &'static str,
    ) -> Option<(u32, Option<KeyHead>)> {
        match self.known[index].fields.get(pos) {
            Some(expected) if same(expected.name, field) => Some((expected.rank, expected.head)),
            _ => None,
        }
    }

    /// Whether another struct type's order can still be remembered.
    #[inline]
    pub(crate) fn can_learn(&self) -> bool {
        self.known.len() < MAX_KNOWN
    }

    /// The known order `index`, for closing a struct of it.
    #[inline]
    pub(crate) fn order(&self, index: usize) -> KnownOrder<'_> {
        let known = &self.known[index];
        KnownOrder {
            by_key: &known.by_key,
            in_order: known.in_order,
        }
    }

    /// Learns the order of the struct `name` from the field names of one
    /// value, unless two of them are equal (the value was an error then).
    pub(crate) fn learn(&mut self, name: &'static str, fields: Vec<&'static str>) {
        // A value of the same type nested in this one may have been
        // learned first, and others since this one was opened.
        if !self.can_learn() || self.find(name).is_some() {
            return;
        }
        let keys: Vec<Vec<u8>> = fields.iter().map(|f| string_key(f)).collect();
        let mut by_key: Vec<usize> = (0..fields.len()).collect();
        by_key.sort_unstable_by(|&a, &b| encoded_key_order(&keys[a], &keys[b]));
        if by_key
            .windows(2)
            .any(|w| encoded_key_order(&keys[w[0]], &keys[w[1]]) == Ordering::Equal)
        {
            return;
        }
        let mut rank = alloc::vec![0u32; fields.len()];
        for (place, &field) in by_key.iter().enumerate() {
            rank[field] = place as u32;
        }
        let in_order = rank.iter().enumerate().all(|(i, &r)| r as usize == i);
        let fields = fields
            .iter()
            .zip(&keys)
            .zip(rank)
            .map(|((&name, key), rank)| KnownField {
                name,
                rank,
                head: KeyHead::of(key),
            })
            .collect();
        let by_key = by_key.into_iter().map(|field| field as u32).collect();
        self.known.push(Known {
            name,
            fields,
            by_key,
            in_order,
        });
    }
}

/// The encoded key of a field name (a string key, §2), by the writer.
fn string_key(name: &str) -> Vec<u8> {
    // A string key is always valid and never normalised: no error here.
    crate::encode_key(&crate::ValueRef::Str(name)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_encoded_key_order() {
        const R: &str = "R";
        let mut orders = StructOrders::default();
        // Declaration order; canonical: id, bio, geo, name (length first).
        let fields: [&'static str; 4] = ["name", "id", "geo", "bio"];
        orders.learn(R, fields.to_vec());
        let r = orders.find(R).unwrap();
        assert!(!orders.order(r).in_order);
        // Canonical order by declaration position: id, bio, geo, name.
        assert_eq!(orders.order(r).by_key, [1, 3, 2, 0]);
        let ranks: Vec<u32> = (0..4)
            .map(|i| orders.rank(r, i, fields[i]).unwrap().0)
            .collect();
        assert_eq!(ranks, [3, 0, 2, 1]);
        // Another field at a place, or past the end: not known.
        assert!(orders.rank(r, 0, fields[1]).is_none());
        assert!(orders.rank(r, 4, "x").is_none());
        const G: &str = "G";
        orders.learn(G, alloc::vec!["lat", "lon", "city"]);
        let g = orders.order(orders.find(G).unwrap());
        assert!(g.in_order);
        assert_eq!(g.by_key, [0, 1, 2]);
        // Keys are ready to write; one too long for 16 bytes is not.
        let head = orders.rank(r, 0, fields[0]).unwrap().1.unwrap();
        assert_eq!(
            &head.bytes[..usize::from(head.len)],
            &string_key("name")[..]
        );
        const L: &str = "L";
        static LONG: [&str; 2] = ["eleven_char", "twelve_chars"];
        orders.learn(L, LONG.to_vec());
        let l = orders.find(L).unwrap();
        assert_eq!(orders.rank(l, 0, LONG[0]).unwrap().1.unwrap().len, 16);
        assert!(orders.rank(l, 1, LONG[1]).unwrap().1.is_none());
        // Equal names are not learned.
        const D: &str = "D";
        orders.learn(D, alloc::vec!["a", "a"]);
        assert_eq!(orders.find(D), None);
    }
}
