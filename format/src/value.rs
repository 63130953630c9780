//! The value model: owned [`Value`], borrowed [`ValueRef`], and the
//! canonical [`Table`] both use.

use alloc::string::String;
use alloc::vec::Vec;
use core::hash::{Hash, Hasher};

use crate::key::float_key_as_int;
use crate::scalar::Scalar;
use crate::table::{Element, Table, View, sealed};
use crate::{Error, ErrorKind, Tag};

/// An owned LXT value.
///
/// Tables are always kept in canonical form (§4), so equal values have equal
/// encodings and `==` compares what the format can see: all NaNs are equal,
/// `0.0` and `-0.0` are not.
///
/// ```
/// use luaxt_format::{Table, Value};
/// let mut t = Table::new();
/// t.insert("name".into(), "Lua".into())?;
/// t.insert(Value::Int(1), Value::Float(5.4))?;
/// let bytes = luaxt_format::encode(&Value::Table(t.clone()))?;
/// assert_eq!(luaxt_format::decode(&bytes)?, Value::Table(t));
/// # Ok::<(), luaxt_format::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// `0x00` nil.
    #[default]
    Nil,
    /// `0x01` boolean.
    Bool(bool),
    /// `0x02` integer.
    Int(i64),
    /// `0x03` float.
    Float(f64),
    /// `0x04` UTF-8 string.
    Str(String),
    /// `0x05` raw bytes.
    Bytes(Vec<u8>),
    /// `0x06` table by value.
    Table(Table<Value>),
    /// `0x07` reference to an external table.
    Ref(u32),
}

/// A value decoded without copying: strings and bytes borrow the input.
///
/// ```
/// use luaxt_format::ValueRef;
/// let bytes = [0x04, 2, 0, 0, 0, b'h', b'i'];
/// let value = ValueRef::decode(&bytes)?;
/// assert_eq!(value.as_str(), Some("hi"));
/// assert_eq!(value.to_owned(), luaxt_format::Value::from("hi"));
/// # Ok::<(), luaxt_format::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub enum ValueRef<'a> {
    /// `0x00` nil.
    #[default]
    Nil,
    /// `0x01` boolean.
    Bool(bool),
    /// `0x02` integer.
    Int(i64),
    /// `0x03` float.
    Float(f64),
    /// `0x04` UTF-8 string, borrowed.
    Str(&'a str),
    /// `0x05` raw bytes, borrowed.
    Bytes(&'a [u8]),
    /// `0x06` table by value.
    Table(Table<ValueRef<'a>>),
    /// `0x07` reference to an external table.
    Ref(u32),
}

/// Both value types share these definitions; the macro keeps them from
/// drifting apart.
macro_rules! impl_value_common {
    ($ty:ident $(<$lt:lifetime>)?, |$s:ident| $str:expr, |$b:ident| $bytes:expr) => {
        impl$(<$lt>)? $ty$(<$lt>)? {
            /// The tag this value encodes with.
            pub fn tag(&self) -> Tag {
                match self {
                    $ty::Nil => Tag::Nil,
                    $ty::Bool(_) => Tag::Bool,
                    $ty::Int(_) => Tag::Int,
                    $ty::Float(_) => Tag::Float,
                    $ty::Str(_) => Tag::Str,
                    $ty::Bytes(_) => Tag::Bytes,
                    $ty::Table(_) => Tag::Table,
                    $ty::Ref(_) => Tag::Ref,
                }
            }

            /// Whether this is nil.
            pub fn is_nil(&self) -> bool {
                matches!(self, $ty::Nil)
            }

            /// The boolean, if this is one.
            pub fn as_bool(&self) -> Option<bool> {
                match self {
                    $ty::Bool(b) => Some(*b),
                    _ => None,
                }
            }

            /// The integer, if this is one (floats are not converted).
            pub fn as_i64(&self) -> Option<i64> {
                match self {
                    $ty::Int(i) => Some(*i),
                    _ => None,
                }
            }

            /// The number as f64: floats as they are, integers converted.
            pub fn as_f64(&self) -> Option<f64> {
                match self {
                    $ty::Float(f) => Some(*f),
                    $ty::Int(i) => Some(*i as f64),
                    _ => None,
                }
            }

            /// The string, if this is a `0x04` string.
            pub fn as_str(&self) -> Option<&str> {
                match self {
                    $ty::Str($s) => Some($str),
                    _ => None,
                }
            }

            /// The content of a string or bytes value.
            pub fn as_bytes(&self) -> Option<&[u8]> {
                match self {
                    $ty::Str(s) => Some(s.as_bytes()),
                    $ty::Bytes($b) => Some($bytes),
                    _ => None,
                }
            }

            /// The table, if this is a table by value.
            pub fn as_table(&self) -> Option<&Table<Self>> {
                match self {
                    $ty::Table(t) => Some(t),
                    _ => None,
                }
            }

            /// The external-table id, if this is a reference.
            pub fn as_ref_id(&self) -> Option<u32> {
                match self {
                    $ty::Ref(id) => Some(*id),
                    _ => None,
                }
            }

            /// Calls `found` with the id of every reference (§2.8) inside
            /// this value, keys included, in document order (an id may
            /// come more than once).
            ///
            /// ```
            /// use luaxt_format::{Table, Value};
            /// let t = Table::from_array(vec![Value::Ref(3), Value::Int(1), Value::Ref(3)]);
            /// let mut ids = Vec::new();
            /// Value::Table(t).for_each_ref(&mut |id| ids.push(id));
            /// assert_eq!(ids, [3, 3]);
            /// ```
            pub fn for_each_ref(&self, found: &mut impl FnMut(u32)) {
                match self {
                    $ty::Ref(id) => found(*id),
                    $ty::Table(table) => {
                        for item in table.array() {
                            item.for_each_ref(found);
                        }
                        for (key, item) in table.hash() {
                            key.for_each_ref(found);
                            item.for_each_ref(found);
                        }
                    }
                    _ => {}
                }
            }
        }

        impl$(<$lt>)? Element for $ty$(<$lt>)? {
            fn tag(&self) -> Tag {
                $ty::tag(self)
            }

            fn as_int(&self) -> Option<i64> {
                self.as_i64()
            }

            fn from_int(value: i64) -> Self {
                $ty::Int(value)
            }

            fn nil() -> Self {
                $ty::Nil
            }

            fn view(&self) -> View<'_, Self> {
                match self {
                    $ty::Nil => View::Nil,
                    $ty::Bool(b) => View::Scalar(Scalar::Bool(*b)),
                    $ty::Int(i) => View::Scalar(Scalar::Int(*i)),
                    $ty::Float(f) => View::Scalar(Scalar::Float(*f)),
                    $ty::Str($s) => View::Scalar(Scalar::Str($str)),
                    $ty::Bytes($b) => View::Scalar(Scalar::Bytes($bytes)),
                    $ty::Table(t) => View::Table(t),
                    $ty::Ref(id) => View::Scalar(Scalar::Ref(*id)),
                }
            }

            fn normalised_key(&self) -> Result<Option<Self>, Error> {
                match self {
                    $ty::Nil | $ty::Table(_) => Err(Error::with_message(
                        ErrorKind::InvalidKey,
                        format_args!("a {} cannot be a key", $ty::tag(self).name()),
                    )),
                    $ty::Float(f) if f.is_nan() => {
                        Err(Error::with_message(ErrorKind::InvalidKey, "NaN cannot be a key"))
                    }
                    $ty::Float(f) => Ok(Some(match float_key_as_int(*f) {
                        Some(i) => $ty::Int(i),
                        None => $ty::Float(*f),
                    })),
                    _ => Ok(None),
                }
            }
        }

        impl$(<$lt>)? PartialEq for $ty$(<$lt>)? {
            fn eq(&self, other: &Self) -> bool {
                match (self, other) {
                    ($ty::Nil, $ty::Nil) => true,
                    ($ty::Bool(a), $ty::Bool(b)) => a == b,
                    ($ty::Int(a), $ty::Int(b)) => a == b,
                    ($ty::Float(a), $ty::Float(b)) => float_bits(*a) == float_bits(*b),
                    ($ty::Str(a), $ty::Str(b)) => a == b,
                    ($ty::Bytes(a), $ty::Bytes(b)) => a == b,
                    ($ty::Table(a), $ty::Table(b)) => a == b,
                    ($ty::Ref(a), $ty::Ref(b)) => a == b,
                    _ => false,
                }
            }
        }

        impl$(<$lt>)? Eq for $ty$(<$lt>)? {}

        impl$(<$lt>)? Hash for $ty$(<$lt>)? {
            fn hash<H: Hasher>(&self, state: &mut H) {
                (self.tag() as u8).hash(state);
                match self {
                    $ty::Nil => {}
                    $ty::Bool(b) => b.hash(state),
                    $ty::Int(i) => i.hash(state),
                    $ty::Float(f) => float_bits(*f).hash(state),
                    $ty::Str(s) => s.hash(state),
                    $ty::Bytes(b) => b.hash(state),
                    $ty::Table(t) => Hash::hash(t, state),
                    $ty::Ref(id) => id.hash(state),
                }
            }
        }
    };
}

impl_value_common!(Value, |s| s.as_str(), |b| b.as_slice());
impl_value_common!(ValueRef<'a>, |s| s, |b| b);

/// The bits a float is compared and encoded by: every NaN becomes the
/// canonical NaN (§4.3), every other float keeps its bits.
///
/// ```
/// use luaxt_format::{CANONICAL_NAN_BITS, float_bits};
/// assert_eq!(float_bits(-f64::NAN), CANONICAL_NAN_BITS);
/// assert_eq!(float_bits(-0.0), 0x8000_0000_0000_0000);
/// ```
#[inline]
pub fn float_bits(value: f64) -> u64 {
    if value.is_nan() {
        crate::CANONICAL_NAN_BITS
    } else {
        value.to_bits()
    }
}

/// Whether a float read from the wire is a NaN other than the canonical
/// one (valid, but noncanonical: §4.3), by its bits.
#[inline(always)]
pub(crate) fn is_noncanonical_nan(value: f64) -> bool {
    value.is_nan() && value.to_bits() != crate::CANONICAL_NAN_BITS
}

impl ValueRef<'_> {
    /// Copies the borrowed parts into an owned [`Value`].
    pub fn to_owned(&self) -> Value {
        match self {
            ValueRef::Nil => Value::Nil,
            ValueRef::Bool(b) => Value::Bool(*b),
            ValueRef::Int(i) => Value::Int(*i),
            ValueRef::Float(f) => Value::Float(*f),
            ValueRef::Str(s) => Value::Str(String::from(*s)),
            ValueRef::Bytes(b) => Value::Bytes(b.to_vec()),
            ValueRef::Table(t) => Value::Table(t.map_values(ValueRef::to_owned)),
            ValueRef::Ref(id) => Value::Ref(*id),
        }
    }
}

impl Value {
    /// Borrows this value as a [`ValueRef`] (tables are copied, strings not).
    pub fn as_value_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Nil => ValueRef::Nil,
            Value::Bool(b) => ValueRef::Bool(*b),
            Value::Int(i) => ValueRef::Int(*i),
            Value::Float(f) => ValueRef::Float(*f),
            Value::Str(s) => ValueRef::Str(s),
            Value::Bytes(b) => ValueRef::Bytes(b),
            Value::Table(t) => ValueRef::Table(t.map_values(Value::as_value_ref)),
            Value::Ref(id) => ValueRef::Ref(*id),
        }
    }

    /// The table, mutably, if this is a table by value.
    pub fn as_table_mut(&mut self) -> Option<&mut Table<Value>> {
        match self {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }
}

macro_rules! impl_from {
    ($($from:ty => |$v:ident| $make:expr),* $(,)?) => {
        $(impl From<$from> for Value {
            fn from($v: $from) -> Value {
                $make
            }
        })*
    };
}

impl_from! {
    bool => |v| Value::Bool(v),
    i64 => |v| Value::Int(v),
    i32 => |v| Value::Int(v.into()),
    u32 => |v| Value::Int(v.into()),
    f64 => |v| Value::Float(v),
    &str => |v| Value::Str(v.into()),
    String => |v| Value::Str(v),
    Vec<u8> => |v| Value::Bytes(v),
    &[u8] => |v| Value::Bytes(v.to_vec()),
    Table<Value> => |v| Value::Table(v),
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Nil, Into::into)
    }
}

impl<'a> From<&'a str> for ValueRef<'a> {
    fn from(value: &'a str) -> ValueRef<'a> {
        ValueRef::Str(value)
    }
}

impl From<i64> for ValueRef<'_> {
    fn from(value: i64) -> Self {
        ValueRef::Int(value)
    }
}

impl sealed::Sealed for Value {}
impl sealed::Sealed for ValueRef<'_> {}
