//! `_io.input` as a view: the host keeps the input, and Lua reads it a
//! piece at a time (spec §9.7).
//!
//! In **copy** mode the input is one LXT value in the store, decoded into
//! Lua tables on the first read: the fastest to walk, but it all lives in
//! the Lua heap. In **view** mode the host keeps it in an [`InputSource`],
//! and `_io.input` is a read-only proxy: `t[k]`, `#t`, `ipairs`, `pairs`
//! and `ext.chunks` ask the source for what they touch, nested tables are
//! proxies too (one per table), and scalars are Lua values by the §9
//! mapping, the values a copy would give. [`InputMode::Auto`], the
//! default, picks view mode for inputs above [`VIEW_THRESHOLD`].
//!
//! [`LxtInput`] is the source of the native runtime: the input's LXT bytes,
//! read in place. [`TreeInput`] serves a decoded value. The WebAssembly
//! build's source is the JavaScript host's.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ptr::NonNull;

use std::rc::Rc;

use luaxt_format::wire::tag_at;
use luaxt_format::{
    DecodeOptions, Table, Tag, Value, encode_array_of, encode_key_into, encoded_key_order,
};

use crate::store::StoreError;

/// How `_io.input` reaches Lua.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputMode {
    /// Decoded into Lua tables on the first read (in the Lua heap).
    Copy,
    /// Kept by the host; Lua reads it through a read-only view.
    View,
    /// View for inputs whose encoding is longer than [`VIEW_THRESHOLD`],
    /// copy for smaller ones.
    #[default]
    Auto,
}

/// The encoded size above which [`InputMode::Auto`] picks a view: 1 MiB.
pub const VIEW_THRESHOLD: usize = 1 << 20;

impl InputMode {
    /// Whether an input of `encoded_len` bytes is read through a view.
    pub fn is_view(self, encoded_len: usize) -> bool {
        match self {
            InputMode::Copy => false,
            InputMode::View => true,
            InputMode::Auto => encoded_len > VIEW_THRESHOLD,
        }
    }
}

/// A table of the input, as its source numbers it. The same table always
/// has the same id, so Lua gets the same proxy for it.
pub type NodeId = u32;

/// What a view reads at a key: a value other than a table, or a table of
/// the input (read through a view of its own).
#[derive(Debug, Clone, PartialEq)]
pub enum ViewItem {
    /// A value that is not a table (references included).
    Value(Value),
    /// A table of the input.
    Table(NodeId),
}

/// The host side of an input view: the input's tables, read one entry at a
/// time. Keys are normalised LXT keys (§3); values and keys are exactly
/// those of the input's value, so a view reads what a copy would.
pub trait InputSource {
    /// The input itself.
    fn root(&self) -> Result<ViewItem, StoreError>;

    /// The value at `key` of table `node`, `None` if there is none.
    fn get(&self, node: NodeId, key: &Value) -> Result<Option<ViewItem>, StoreError>;

    /// The border of table `node` (§4.1): its array part's length.
    fn len(&self, node: NodeId) -> Result<u64, StoreError>;

    /// The entry after `after` of table `node` (the first for `None`):
    /// the array part in order, then the hash part in canonical order.
    fn next(
        &self,
        node: NodeId,
        after: Option<&Value>,
    ) -> Result<Option<(Value, ViewItem)>, StoreError>;

    /// The LXT encoding of a table holding `t[first]`, `t[first + 1]`, …
    /// (at most `count` of them, fewer at the end of the array part) at
    /// keys 1, 2, …, values whole: what `ext.chunks` copies into Lua.
    fn chunk(&self, node: NodeId, first: u64, count: u64) -> Result<Vec<u8>, StoreError>;

    /// Table `node` as a whole value (when a script stores or returns a
    /// view, it stores or returns a copy).
    fn value(&self, node: NodeId) -> Result<Value, StoreError>;

    /// Table `node`'s LXT encoding: what a script that stores or returns
    /// a view copies, its size known before any tree of it is built (the
    /// runtime checks it against the limits first). The default encodes
    /// [`InputSource::value`]; a source that holds the bytes gives them.
    fn value_encoded(&self, node: NodeId) -> Result<Vec<u8>, StoreError> {
        luaxt_format::encode(&self.value(node)?).map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// Bytes of work done since the last call (tables read to find their
    /// entries, say), which the runtime charges to the script's budget: a
    /// script that makes the source do more than a lookup's worth per
    /// access pays for it. The default: none worth counting.
    fn take_work(&self) -> u64 {
        0
    }
}

/// An [`InputSource`] over the decoded input, in host memory.
///
/// Tables get node ids as they are first handed out; a traversal's next
/// step is found from the last answer, so `pairs` over a table is linear.
pub struct TreeInput {
    /// The input. Never changed after construction, so the tables it holds
    /// stay where they are for as long as `self` lives.
    root: Box<Value>,
    /// The table of every node id handed out.
    nodes: RefCell<Vec<NonNull<Table<Value>>>>,
    /// Node ids by table address.
    ids: RefCell<HashMap<usize, NodeId>>,
    /// The last `next` answer: node and position of the key returned.
    cursor: Cell<Option<(NodeId, usize)>>,
}

impl std::fmt::Debug for TreeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeInput")
            .field("nodes", &self.nodes.borrow().len())
            .finish_non_exhaustive()
    }
}

impl TreeInput {
    /// A source over `value`.
    pub fn new(value: Value) -> TreeInput {
        TreeInput {
            root: Box::new(value),
            nodes: RefCell::new(Vec::new()),
            ids: RefCell::new(HashMap::new()),
            cursor: Cell::new(None),
        }
    }

    /// The table of `node`.
    fn table(&self, node: NodeId) -> Result<&Table<Value>, StoreError> {
        let nodes = self.nodes.borrow();
        let table = nodes
            .get(node as usize)
            .copied()
            .ok_or_else(|| StoreError::Invalid(format!("no input table {node}")))?;
        // SAFETY: every pointer in `nodes` points at a table inside
        // `self.root`, which is never changed or moved out while `self`
        // lives (it is boxed and private), so the table outlives `&self`.
        Ok(unsafe { table.as_ref() })
    }

    /// `value` as a view item: a table gets its node id.
    fn item(&self, value: &Value) -> ViewItem {
        match value {
            Value::Table(table) => ViewItem::Table(self.node_of(table)),
            other => ViewItem::Value(other.clone()),
        }
    }

    fn node_of(&self, table: &Table<Value>) -> NodeId {
        let address = table as *const Table<Value> as usize;
        *self.ids.borrow_mut().entry(address).or_insert_with(|| {
            let mut nodes = self.nodes.borrow_mut();
            nodes.push(NonNull::from(table));
            NodeId::try_from(nodes.len() - 1).expect("fewer than 2^32 tables")
        })
    }

    /// The key and value at `position` of `table` (array part first).
    fn entry(&self, table: &Table<Value>, position: usize) -> Option<(Value, ViewItem)> {
        let array = table.array();
        if let Some(value) = array.get(position) {
            let key = Value::Int(i64::try_from(position).ok()? + 1);
            return Some((key, self.item(value)));
        }
        let (key, value) = table.hash().get(position - array.len())?;
        Some((key.clone(), self.item(value)))
    }

    /// The position of `key` in `table`, if present.
    fn position(table: &Table<Value>, key: &Value) -> Option<usize> {
        let array = table.array().len();
        if let Some(i) = key.as_i64().filter(|i| (1..=array as i64).contains(i)) {
            return Some(i as usize - 1);
        }
        let found = table.get(key)?;
        table
            .hash()
            .iter()
            .position(|(_, value)| std::ptr::eq(value, found))
            .map(|at| array + at)
    }
}

impl InputSource for TreeInput {
    fn root(&self) -> Result<ViewItem, StoreError> {
        Ok(self.item(&self.root))
    }

    fn get(&self, node: NodeId, key: &Value) -> Result<Option<ViewItem>, StoreError> {
        Ok(self.table(node)?.get(key).map(|value| self.item(value)))
    }

    fn len(&self, node: NodeId) -> Result<u64, StoreError> {
        Ok(self.table(node)?.array().len() as u64)
    }

    fn next(
        &self,
        node: NodeId,
        after: Option<&Value>,
    ) -> Result<Option<(Value, ViewItem)>, StoreError> {
        let table = self.table(node)?;
        let position = match after {
            None => 0,
            Some(key) => {
                let last = self.cursor.get().filter(|&(n, at)| {
                    n == node && self.entry(table, at).is_some_and(|(k, _)| &k == key)
                });
                match last
                    .map(|(_, at)| at)
                    .or_else(|| Self::position(table, key))
                {
                    Some(at) => at + 1,
                    None => {
                        return Err(StoreError::Invalid("invalid key to 'next'".into()));
                    }
                }
            }
        };
        let found = self.entry(table, position);
        self.cursor.set(found.as_ref().map(|_| (node, position)));
        Ok(found)
    }

    fn chunk(&self, node: NodeId, first: u64, count: u64) -> Result<Vec<u8>, StoreError> {
        let array = self.table(node)?.array();
        let start = usize::try_from(first.saturating_sub(1))
            .unwrap_or(usize::MAX)
            .min(array.len());
        let end = start.saturating_add(usize::try_from(count).unwrap_or(usize::MAX));
        let values = array[start..end.min(array.len())].to_vec();
        luaxt_format::encode(&Value::Table(Table::from_array(values)))
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }

    fn value(&self, node: NodeId) -> Result<Value, StoreError> {
        Ok(Value::Table(self.table(node)?.clone()))
    }
}

/// An [`InputSource`] over the input's LXT bytes, read in place: a table
/// is found by the offset of its tag (its node id), and read through the
/// spans of its entries ([`DecodeOptions::table_spans`]), so reaching
/// `t[i]` decodes nothing but the value there. Memory: the bytes, 4 bytes
/// per value of the tables being read (the input's top table stays, a few
/// hundred others are kept), and nothing per value never read.
///
/// A table whose spans are not the table as it decodes (a noncanonical
/// one: holes, keys out of order) is read through its canonical form
/// instead, built by the format crate from its entries.
pub struct LxtInput {
    bytes: Vec<u8>,
    options: DecodeOptions,
    /// The layout of the top table, kept for as long as the input.
    top: RefCell<Option<Rc<Layout>>>,
    /// Layouts of other tables recently read, by node.
    layouts: RefCell<HashMap<NodeId, Rc<Layout>>>,
    /// The last `next` answer: node and position of the key returned.
    cursor: Cell<Option<(NodeId, usize)>>,
    /// The encoded key of a lookup, reused.
    key_buf: RefCell<Vec<u8>>,
    /// Bytes of tables laid out since [`InputSource::take_work`] last ran.
    work: Cell<u64>,
}

/// Layouts kept beside the top table's; the cache starts over when full.
const LAYOUTS_KEPT: usize = 512;

/// How a table's entries are found: offsets are from the document's start.
enum Layout {
    /// Spans that are the table as it decodes.
    Direct {
        array: Vec<u32>,
        hash: Vec<(u32, u32)>,
    },
    /// The table's canonical form, each value the offset of its encoding
    /// (as an integer value; nil values are left out).
    Canonical(Table<Value>),
}

impl std::fmt::Debug for LxtInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LxtInput")
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(e.to_string())
}

impl LxtInput {
    /// A source over `bytes`, checked first as a whole document under
    /// `limits`. Documents of 4 GiB and more are refused (node ids are
    /// offsets): read those through a [`TreeInput`].
    pub fn new(
        bytes: Vec<u8>,
        limits: luaxt_format::Limits,
    ) -> Result<LxtInput, luaxt_format::Error> {
        DecodeOptions::new().limits(limits).check(&bytes)?;
        LxtInput::encoded_here(bytes, limits)
    }

    /// [`LxtInput::new`] of bytes that luaxt-format's encoder wrote in
    /// this process, so valid and canonical: not checked again. (Other
    /// bytes would still be safe: every read validates what it reads.)
    pub(crate) fn encoded_here(
        bytes: Vec<u8>,
        limits: luaxt_format::Limits,
    ) -> Result<LxtInput, luaxt_format::Error> {
        let options = DecodeOptions::new().limits(limits);
        if u32::try_from(bytes.len()).is_err() {
            return Err(luaxt_format::Error::new(
                luaxt_format::ErrorKind::LengthOverflow,
            ));
        }
        Ok(LxtInput {
            bytes,
            options,
            top: RefCell::new(None),
            layouts: RefCell::new(HashMap::new()),
            cursor: Cell::new(None),
            key_buf: RefCell::new(Vec::new()),
            work: Cell::new(0),
        })
    }

    /// The encoding of the value at `at`.
    fn value_bytes(&self, at: u32) -> Result<&[u8], StoreError> {
        let rest = self
            .bytes
            .get(at as usize..)
            .ok_or_else(|| invalid("no such value"))?;
        let len = self.options.value_len(rest).map_err(invalid)?;
        Ok(&rest[..len])
    }

    /// The value at `at` as a view item: a table is a node.
    fn item(&self, at: u32) -> Result<ViewItem, StoreError> {
        if tag_at(&self.bytes, at as usize) == Some(Tag::Table) {
            return Ok(ViewItem::Table(at));
        }
        let value = self
            .options
            .decode(self.value_bytes(at)?)
            .map_err(invalid)?;
        Ok(ViewItem::Value(value))
    }

    fn layout(&self, node: NodeId) -> Result<Rc<Layout>, StoreError> {
        if node == 0 {
            if let Some(top) = self.top.borrow().as_ref() {
                return Ok(Rc::clone(top));
            }
        } else if let Some(layout) = self.layouts.borrow().get(&node) {
            return Ok(Rc::clone(layout));
        }
        let layout = Rc::new(self.read_layout(node)?);
        if node == 0 {
            *self.top.borrow_mut() = Some(Rc::clone(&layout));
        } else {
            let mut layouts = self.layouts.borrow_mut();
            if layouts.len() >= LAYOUTS_KEPT {
                layouts.clear();
            }
            layouts.insert(node, Rc::clone(&layout));
        }
        Ok(layout)
    }

    fn read_layout(&self, node: NodeId) -> Result<Layout, StoreError> {
        let table = self
            .bytes
            .get(node as usize..)
            .ok_or_else(|| invalid("no such table"))?;
        let spans = self.options.table_spans(table).map_err(invalid)?;
        // Finding the spans walked the whole table, nested values too.
        self.work
            .set(self.work.get().saturating_add(u64::from(spans.len)));
        let absolute = |at: u32| node + at;
        if spans.direct {
            return Ok(Layout::Direct {
                array: spans.array.into_iter().map(absolute).collect(),
                hash: spans
                    .hash
                    .into_iter()
                    .map(|(k, v)| (absolute(k), absolute(v)))
                    .collect(),
            });
        }
        // The format crate's canonical form of the entries, with each
        // value standing for the offset of its encoding.
        let offset = |at: u32| Value::Int(i64::from(absolute(at)));
        let present = |at: u32| tag_at(&self.bytes, absolute(at) as usize) != Some(Tag::Nil);
        let mut entries = Vec::new();
        for (i, &at) in spans.array.iter().enumerate() {
            if present(at) {
                entries.push((Value::Int(i as i64 + 1), offset(at)));
            }
        }
        for &(key, value) in &spans.hash {
            if present(value) {
                let key = self
                    .options
                    .decode(self.value_bytes(absolute(key))?)
                    .map_err(invalid)?;
                entries.push((key, offset(value)));
            }
        }
        Ok(Layout::Canonical(
            Table::from_entries(entries).map_err(invalid)?,
        ))
    }

    /// The key and value offset at `position` of a table (array first).
    fn entry(&self, layout: &Layout, position: usize) -> Result<Option<(Value, u32)>, StoreError> {
        match layout {
            Layout::Direct { array, hash } => {
                if let Some(&at) = array.get(position) {
                    return Ok(Some((Value::Int(position as i64 + 1), at)));
                }
                let Some(&(key, value)) = hash.get(position - array.len()) else {
                    return Ok(None);
                };
                let key = self
                    .options
                    .decode(self.value_bytes(key)?)
                    .map_err(invalid)?;
                Ok(Some((key, value)))
            }
            Layout::Canonical(table) => {
                let array = table.array();
                if let Some(at) = array.get(position) {
                    return Ok(Some((Value::Int(position as i64 + 1), offset_of(at))));
                }
                Ok(table
                    .hash()
                    .get(position - array.len())
                    .map(|(key, at)| (key.clone(), offset_of(at))))
            }
        }
    }

    /// The position of `key` in a table, if present.
    fn position(&self, layout: &Layout, key: &Value) -> Result<Option<usize>, StoreError> {
        let array_len = match layout {
            Layout::Direct { array, .. } => array.len(),
            Layout::Canonical(table) => table.array().len(),
        };
        if let Some(i) = key.as_i64().filter(|i| (1..=array_len as i64).contains(i)) {
            return Ok(Some(i as usize - 1));
        }
        match layout {
            Layout::Direct { hash, .. } => {
                // One buffer for every lookup's key (no allocation each).
                let mut encoded = self.key_buf.borrow_mut();
                if encode_key_into(key, &mut encoded).is_err() {
                    return Ok(None);
                }
                // The hash part is in canonical order: the bytewise order
                // of the encoded keys (§4.2), each span ending where its
                // value starts.
                Ok(hash
                    .binary_search_by(|&(k, v)| {
                        encoded_key_order(&self.bytes[k as usize..v as usize], &encoded)
                    })
                    .ok()
                    .map(|at| array_len + at))
            }
            Layout::Canonical(table) => {
                let Some(found) = table.get(key) else {
                    return Ok(None);
                };
                Ok(table
                    .hash()
                    .iter()
                    .position(|(_, value)| std::ptr::eq(value, found))
                    .map(|at| array_len + at))
            }
        }
    }
}

/// The value offset at `position` of a table (array first): what
/// [`LxtInput::entry`] gives without decoding the key, for a lookup that
/// has the key already.
fn value_at(layout: &Layout, position: usize) -> Option<u32> {
    match layout {
        Layout::Direct { array, hash } => match array.get(position) {
            Some(&at) => Some(at),
            None => hash.get(position - array.len()).map(|&(_, value)| value),
        },
        Layout::Canonical(table) => {
            let array = table.array();
            match array.get(position) {
                Some(at) => Some(offset_of(at)),
                None => table
                    .hash()
                    .get(position - array.len())
                    .map(|(_, at)| offset_of(at)),
            }
        }
    }
}

/// The offset a canonical layout's value stands for.
fn offset_of(value: &Value) -> u32 {
    value
        .as_i64()
        .and_then(|at| u32::try_from(at).ok())
        .unwrap_or(u32::MAX)
}

impl InputSource for LxtInput {
    fn root(&self) -> Result<ViewItem, StoreError> {
        self.item(0)
    }

    fn get(&self, node: NodeId, key: &Value) -> Result<Option<ViewItem>, StoreError> {
        let layout = self.layout(node)?;
        match self.position(&layout, key)? {
            Some(position) => match value_at(&layout, position) {
                Some(at) => self.item(at).map(Some),
                None => Ok(None),
            },
            None => Ok(None),
        }
    }

    fn len(&self, node: NodeId) -> Result<u64, StoreError> {
        Ok(match &*self.layout(node)? {
            Layout::Direct { array, .. } => array.len() as u64,
            Layout::Canonical(table) => table.array().len() as u64,
        })
    }

    fn next(
        &self,
        node: NodeId,
        after: Option<&Value>,
    ) -> Result<Option<(Value, ViewItem)>, StoreError> {
        let layout = self.layout(node)?;
        let position = match after {
            None => 0,
            Some(key) => {
                let last = match self.cursor.get() {
                    Some((n, at)) if n == node => self
                        .entry(&layout, at)?
                        .filter(|(k, _)| k == key)
                        .map(|_| at),
                    _ => None,
                };
                match last.map_or_else(|| self.position(&layout, key), |at| Ok(Some(at)))? {
                    Some(at) => at + 1,
                    None => return Err(StoreError::Invalid("invalid key to 'next'".into())),
                }
            }
        };
        let Some((key, at)) = self.entry(&layout, position)? else {
            self.cursor.set(None);
            return Ok(None);
        };
        self.cursor.set(Some((node, position)));
        Ok(Some((key, self.item(at)?)))
    }

    fn chunk(&self, node: NodeId, first: u64, count: u64) -> Result<Vec<u8>, StoreError> {
        let layout = self.layout(node)?;
        let canonical: Vec<u32>;
        let array: &[u32] = match &*layout {
            Layout::Direct { array, .. } => array,
            Layout::Canonical(table) => {
                canonical = table.array().iter().map(offset_of).collect();
                &canonical
            }
        };
        let start = usize::try_from(first.saturating_sub(1))
            .unwrap_or(usize::MAX)
            .min(array.len());
        let end = start
            .saturating_add(usize::try_from(count).unwrap_or(usize::MAX))
            .min(array.len());
        // The values are copied as they are encoded: nothing is decoded.
        let values = array[start..end]
            .iter()
            .map(|&at| self.value_bytes(at))
            .collect::<Result<Vec<_>, _>>()?;
        encode_array_of(values).map_err(invalid)
    }

    fn value(&self, node: NodeId) -> Result<Value, StoreError> {
        self.options
            .decode(self.value_bytes(node)?)
            .map_err(invalid)
    }

    fn value_encoded(&self, node: NodeId) -> Result<Vec<u8>, StoreError> {
        Ok(self.value_bytes(node)?.to_vec())
    }

    fn take_work(&self) -> u64 {
        self.work.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TreeInput {
        let mut record = Table::new();
        record.insert("name".into(), "Ada".into()).unwrap();
        record.insert("age".into(), Value::Int(36)).unwrap();
        let mut root = Table::from_array(vec![Value::Table(record), Value::Int(7)]);
        root.insert("meta".into(), Value::Bool(true)).unwrap();
        TreeInput::new(Value::Table(root))
    }

    #[test]
    fn tables_keep_their_node_and_entries_come_in_order() {
        let input = sample();
        let ViewItem::Table(root) = input.root().unwrap() else {
            panic!()
        };
        let first = input.get(root, &Value::Int(1)).unwrap().unwrap();
        assert_eq!(
            input.get(root, &Value::Float(1.0)).unwrap(),
            Some(first.clone())
        );
        let ViewItem::Table(record) = first else {
            panic!()
        };
        assert_eq!(
            input.get(record, &"name".into()).unwrap(),
            Some(ViewItem::Value("Ada".into()))
        );
        assert_eq!(input.len(root).unwrap(), 2);
        let mut keys = Vec::new();
        let mut after = None;
        while let Some((key, _)) = input.next(root, after.as_ref()).unwrap() {
            keys.push(key.clone());
            after = Some(key);
        }
        assert_eq!(keys, [Value::Int(1), Value::Int(2), "meta".into()]);
        // A key that is not there cannot be continued from.
        assert!(input.next(root, Some(&"absent".into())).is_err());
    }

    #[test]
    fn chunks_stop_at_the_end_of_the_array_part() {
        let input = sample();
        let ViewItem::Table(root) = input.root().unwrap() else {
            panic!()
        };
        let chunk = luaxt_format::decode(&input.chunk(root, 2, 10).unwrap()).unwrap();
        assert_eq!(chunk.as_table().unwrap().array(), &[Value::Int(7)]);
        let empty = luaxt_format::decode(&input.chunk(root, 5, 10).unwrap()).unwrap();
        assert!(empty.as_table().unwrap().is_empty());
    }

    #[test]
    fn auto_mode_views_inputs_above_the_threshold() {
        assert!(!InputMode::Auto.is_view(VIEW_THRESHOLD));
        assert!(InputMode::Auto.is_view(VIEW_THRESHOLD + 1));
        assert!(InputMode::View.is_view(1) && !InputMode::Copy.is_view(usize::MAX));
    }
}
