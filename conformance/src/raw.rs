//! A document as raw wire items, so that cases can hold what a [`Value`]
//! cannot: keys in any order, duplicate or invalid keys, nil in tables,
//! NaN payloads, bad UTF-8, boolean bytes other than 0/1, unknown tags and
//! counts that disagree with the items that follow.
//!
//! [`Node::write`] writes exactly what the tree says; [`Node::from_value`]
//! gives the canonical tree of a value (its bytes are `encode(value)`).

use luaxt_format::{Table, Value};

/// One wire item.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `00`.
    Nil,
    /// `01` and the payload byte (0 and 1 are the valid ones).
    Bool(u8),
    /// `02` and an i64.
    Int(i64),
    /// `03` and the f64 bits (any NaN payload).
    Float(u64),
    /// `04`, a length and the content (not necessarily UTF-8).
    Str(Vec<u8>),
    /// `05`, a length and the content.
    Bytes(Vec<u8>),
    /// `07` and a u32 id.
    Ref(u32),
    /// `06` and its parts.
    Table(RawTable),
    /// A lone tag byte 0x08–0xFF (or any byte written where a tag belongs).
    Tag(u8),
    /// Bytes written as they are (a shrunk case that is no longer a tree).
    Raw(Vec<u8>),
}

/// A table as written: the array part and the hash part in wire order, and
/// the declared counts when they differ from the item counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawTable {
    /// The array part, in order.
    pub array: Vec<Node>,
    /// The hash part, in wire order.
    pub hash: Vec<(Node, Node)>,
    /// The declared array count, if not `array.len()`.
    pub array_count: Option<u32>,
    /// The declared hash count, if not `hash.len()`.
    pub hash_count: Option<u32>,
}

impl Node {
    /// The canonical tree of `value`.
    pub fn from_value(value: &Value) -> Node {
        match value {
            Value::Nil => Node::Nil,
            Value::Bool(b) => Node::Bool(u8::from(*b)),
            Value::Int(i) => Node::Int(*i),
            Value::Float(f) => Node::Float(luaxt_format::float_bits(*f)),
            Value::Str(s) => Node::Str(s.as_bytes().to_vec()),
            Value::Bytes(b) => Node::Bytes(b.clone()),
            Value::Ref(id) => Node::Ref(*id),
            Value::Table(t) => Node::Table(RawTable::from_table(t)),
        }
    }

    /// A string node.
    pub fn str(s: &str) -> Node {
        Node::Str(s.as_bytes().to_vec())
    }

    /// The bytes of this tree.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    /// Appends the bytes of this tree to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Node::Nil => out.push(0x00),
            Node::Bool(b) => out.extend([0x01, *b]),
            Node::Int(i) => {
                out.push(0x02);
                out.extend(i.to_le_bytes());
            }
            Node::Float(bits) => {
                out.push(0x03);
                out.extend(bits.to_le_bytes());
            }
            Node::Str(s) => write_counted(out, 0x04, s),
            Node::Bytes(b) => write_counted(out, 0x05, b),
            Node::Ref(id) => {
                out.push(0x07);
                out.extend(id.to_le_bytes());
            }
            Node::Table(t) => t.write(out),
            Node::Tag(byte) => out.push(*byte),
            Node::Raw(bytes) => out.extend(bytes),
        }
    }

    /// How many tables this tree has (itself included).
    pub fn table_count(&self) -> usize {
        match self {
            Node::Table(t) => 1 + t.children().map(Node::table_count).sum::<usize>(),
            _ => 0,
        }
    }

    /// The `index`-th table of this tree in preorder (0 is itself).
    pub fn table_at(&mut self, mut index: usize) -> Option<&mut RawTable> {
        let Node::Table(t) = self else { return None };
        if index == 0 {
            return Some(t);
        }
        index -= 1;
        // Find the child holding it first, so only one mutable path is taken.
        let mut child = None;
        for (i, c) in t.children().enumerate() {
            let count = c.table_count();
            if index < count {
                child = Some(i);
                break;
            }
            index -= count;
        }
        t.children_mut().nth(child?)?.table_at(index)
    }

    /// How many items this tree has (for shrinking: smaller is simpler).
    pub fn size(&self) -> usize {
        match self {
            Node::Table(t) => 1 + t.children().map(Node::size).sum::<usize>(),
            Node::Str(s) | Node::Bytes(s) | Node::Raw(s) => 1 + s.len(),
            _ => 1,
        }
    }
}

impl RawTable {
    /// Every item of the table in wire order: array values, then keys and
    /// values.
    pub fn children(&self) -> impl Iterator<Item = &Node> {
        self.array
            .iter()
            .chain(self.hash.iter().flat_map(|(k, v)| [k, v]))
    }

    /// [`Self::children`], mutably.
    pub fn children_mut(&mut self) -> impl Iterator<Item = &mut Node> {
        self.array
            .iter_mut()
            .chain(self.hash.iter_mut().flat_map(|(k, v)| [k, v]))
    }

    /// The canonical parts of `table`.
    pub fn from_table(table: &Table<Value>) -> RawTable {
        RawTable {
            array: table.array().iter().map(Node::from_value).collect(),
            hash: table
                .hash()
                .iter()
                .map(|(k, v)| (Node::from_value(k), Node::from_value(v)))
                .collect(),
            array_count: None,
            hash_count: None,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.push(0x06);
        let n = self.array_count.unwrap_or(self.array.len() as u32);
        out.extend(n.to_le_bytes());
        for item in &self.array {
            item.write(out);
        }
        let m = self.hash_count.unwrap_or(self.hash.len() as u32);
        out.extend(m.to_le_bytes());
        for (k, v) in &self.hash {
            k.write(out);
            v.write(out);
        }
    }
}

fn write_counted(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    out.extend((content.len() as u32).to_le_bytes());
    out.extend(content);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::Generator;

    #[test]
    fn the_canonical_tree_writes_the_encoding() {
        let mut g = Generator::new(7);
        for _ in 0..500 {
            let value = Value::Table(g.table(3));
            let expected = luaxt_format::encode(&value).unwrap();
            assert_eq!(Node::from_value(&value).to_bytes(), expected);
        }
    }

    #[test]
    fn declared_counts_override_the_items() {
        let mut t = RawTable {
            array: vec![Node::Int(1)],
            ..RawTable::default()
        };
        t.array_count = Some(2);
        t.hash_count = Some(0x0102_0304);
        let bytes = Node::Table(t).to_bytes();
        assert_eq!(&bytes[..5], &[6, 2, 0, 0, 0]);
        assert_eq!(&bytes[14..], &[4, 3, 2, 1]);
    }
}
