//! The notation of the spec's examples (§14): values as Lua 5.4 literals,
//! `{10, 2.5, name = "Ada", pos = {x = 1}}`, which is what `Display` of
//! [`Value`] and [`ValueRef`] writes and what `luaxt inspect` shows.

use core::fmt::{self, Write as _};

use crate::scalar::Scalar;
use crate::table::{Element, View};
use crate::{Table, Value, ValueRef};

/// Lua's reserved words: a string key spelled like one is written `["end"]`.
const KEYWORDS: [&str; 22] = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

/// A value (or a table key) in the notation of the spec's examples,
/// optionally shortened; [`Display`](fmt::Display) of [`Value`] and
/// [`ValueRef`] is `Notation::new(value)`.
///
/// - nil, booleans and integers as in Lua: `nil`, `true`, `-12`.
/// - Floats always with a `.` or an exponent, as Rust's `{:?}` writes them
///   (`1.0`, `2.5`, `1e300`, `-0.0`); NaN is `0/0`, the infinities `1/0`
///   and `-1/0`.
/// - Strings quoted and escaped (`"a\"b\n"`, `"\u{1b}"`: Lua 5.4 reads
///   these escapes).
/// - Bytes and references, which have no Lua literal: `<bytes 00 FF>` and
///   `<reference 3>`.
/// - Tables as constructors in canonical order: the array part, then the
///   hash entries, a string key that is a Lua name as `name = v`, any
///   other key as `[k] = v`.
///
/// ```
/// use luaxt_format::{Notation, Table, Value};
/// let mut t = Table::from_array(vec![Value::Int(10), Value::Float(2.5)]);
/// t.insert("name".into(), "Ada".into())?;
/// t.insert(Value::Int(0), Value::Bool(true))?;
/// t.insert("end".into(), Value::Bytes(vec![0, 255]))?;
/// t.insert("home".into(), Value::Ref(3))?;
/// let value = Value::Table(t);
/// assert_eq!(
///     value.to_string(),
///     r#"{10, 2.5, [0] = true, ["end"] = <bytes 00 FF>, home = <reference 3>, name = "Ada"}"#
/// );
/// assert_eq!(value.as_value_ref().to_string(), value.to_string());
/// // Shortened, for one line of a dump.
/// let long = Value::from("a long string");
/// assert_eq!(Notation::new(&long).max_chars(6).to_string(), r#""a long"… (13 chars)"#);
/// assert_eq!(Notation::new(&value).max_items(1).to_string(), "{10, … (6 entries)}");
/// assert_eq!(Notation::new(&Value::from("name")).key().to_string(), "name");
/// assert_eq!(Notation::new(&Value::Int(1)).key().to_string(), "[1]");
/// # Ok::<(), luaxt_format::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Notation<'v, V> {
    value: &'v V,
    key: bool,
    max_chars: usize,
    max_items: usize,
}

impl<'v, V: Element> Notation<'v, V> {
    /// `value` in full.
    pub fn new(value: &'v V) -> Self {
        Notation {
            value,
            key: false,
            max_chars: usize::MAX,
            max_items: usize::MAX,
        }
    }

    /// Written as a table key: `name`, or `[k]` for any key that is not a
    /// Lua name.
    pub fn key(mut self) -> Self {
        self.key = true;
        self
    }

    /// Strings (and bytes values) cut after `n` characters (bytes), with
    /// their full size: `"abcd"… (8 chars)`, `<bytes 00 01 … (9 bytes)>`.
    pub fn max_chars(mut self, n: usize) -> Self {
        self.max_chars = n;
        self
    }

    /// At most `n` entries of each table, then their number:
    /// `{1, 2, … (40 entries)}`.
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = n;
        self
    }

    fn with<W: Element>(&self, value: &'v W) -> Notation<'v, W> {
        Notation {
            value,
            key: false,
            max_chars: self.max_chars,
            max_items: self.max_items,
        }
    }

    fn write_table(&self, f: &mut fmt::Formatter<'_>, t: &'v Table<V>) -> fmt::Result {
        f.write_char('{')?;
        let mut shown = 0;
        for item in t.array() {
            if shown == self.max_items {
                break;
            }
            if shown > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", self.with(item))?;
            shown += 1;
        }
        for (k, v) in t.hash() {
            if shown == self.max_items {
                break;
            }
            if shown > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} = {}", self.with(k).key(), self.with(v))?;
            shown += 1;
        }
        if shown < t.len() {
            if shown > 0 {
                f.write_str(", ")?;
            }
            write!(f, "… ({} entries)", t.len())?;
        }
        f.write_char('}')
    }
}

impl<V: Element> fmt::Display for Notation<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &V = self.value;
        let view = value.view();
        if self.key {
            return match view {
                View::Scalar(Scalar::Str(s)) if is_name(s) => f.write_str(s),
                _ => write!(f, "[{}]", self.with(self.value)),
            };
        }
        match view {
            View::Nil => f.write_str("nil"),
            View::Scalar(Scalar::Bool(b)) => write!(f, "{b}"),
            View::Scalar(Scalar::Int(i)) => write!(f, "{i}"),
            View::Scalar(Scalar::Float(x)) if x.is_nan() => f.write_str("0/0"),
            View::Scalar(Scalar::Float(x)) if x.is_infinite() => {
                f.write_str(if x > 0.0 { "1/0" } else { "-1/0" })
            }
            View::Scalar(Scalar::Float(x)) => write!(f, "{x:?}"),
            View::Scalar(Scalar::Str(s)) => match s.char_indices().nth(self.max_chars) {
                None => write!(f, "{s:?}"),
                Some((cut, _)) => write!(f, "{:?}… ({} chars)", &s[..cut], s.chars().count()),
            },
            View::Scalar(Scalar::Bytes(b)) => {
                f.write_str("<bytes")?;
                for byte in b.iter().take(self.max_chars) {
                    write!(f, " {byte:02X}")?;
                }
                if b.len() > self.max_chars {
                    write!(f, " … ({} bytes)", b.len())?;
                }
                f.write_char('>')
            }
            View::Scalar(Scalar::Ref(id)) => write!(f, "<reference {id}>"),
            View::Table(t) => self.write_table(f, t),
        }
    }
}

/// Whether `s` is a Lua name (and no reserved word), so a key can be
/// written `s = v`.
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
}

/// The notation of the spec's examples; see [`Notation`].
///
/// ```
/// use luaxt_format::{Table, Value};
/// let t = Table::from_entries(vec![("x".into(), Value::Float(1.0)), (Value::Int(1), "a".into())])?;
/// assert_eq!(Value::Table(t).to_string(), r#"{"a", x = 1.0}"#);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Notation::new(self).fmt(f)
    }
}

/// The notation of the spec's examples; see [`Notation`].
///
/// ```
/// let bytes = [0x04, 2, 0, 0, 0, b'h', b'i'];
/// let value = luaxt_format::DecodeOptions::new().decode_ref(&bytes)?;
/// assert_eq!(value.to_string(), r#""hi""#);
/// # Ok::<(), luaxt_format::Error>(())
/// ```
impl fmt::Display for ValueRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Notation::new(self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;
    use alloc::vec::Vec;

    #[test]
    fn scalars() {
        let cases: [(Value, &str); 14] = [
            (Value::Nil, "nil"),
            (Value::Bool(false), "false"),
            (Value::Int(i64::MIN), "-9223372036854775808"),
            (Value::Float(1.0), "1.0"),
            (Value::Float(-0.0), "-0.0"),
            (Value::Float(1e300), "1e300"),
            (Value::Float(f64::NAN), "0/0"),
            (Value::Float(f64::INFINITY), "1/0"),
            (Value::Float(f64::NEG_INFINITY), "-1/0"),
            (Value::from("a\"b\\\n\u{1b}é"), r#""a\"b\\\n\u{1b}é""#),
            (Value::Bytes(vec![]), "<bytes>"),
            (Value::Bytes(vec![0, 0xab]), "<bytes 00 AB>"),
            (Value::Ref(7), "<reference 7>"),
            (Value::Table(Table::new()), "{}"),
        ];
        for (value, want) in cases {
            assert_eq!(value.to_string(), want);
            assert_eq!(value.as_value_ref().to_string(), want);
        }
    }

    #[test]
    fn keys_are_names_or_bracketed() {
        let keys: Vec<(Value, &str)> = vec![
            ("_x1".into(), "_x1"),
            ("end".into(), r#"["end"]"#),
            ("1a".into(), r#"["1a"]"#),
            ("".into(), r#"[""]"#),
            ("é".into(), r#"["é"]"#),
            (Value::Int(-1), "[-1]"),
            (Value::Float(0.5), "[0.5]"),
            (Value::Bool(true), "[true]"),
            (Value::Ref(2), "[<reference 2>]"),
        ];
        for (key, want) in keys {
            assert_eq!(Notation::new(&key).key().to_string(), want);
        }
    }

    #[test]
    fn nested_tables_and_shortening() {
        let inner = Table::from_entries(vec![("x".into(), 1.into()), ("y".into(), Value::Int(-2))])
            .unwrap();
        let mut t = Table::from_array(vec![Value::Table(inner), "long text".into()]);
        t.insert(Value::Int(5), Value::Bytes(vec![1, 2, 3]))
            .unwrap();
        let t = Value::Table(t);
        assert_eq!(
            t.to_string(),
            r#"{{x = 1, y = -2}, "long text", [5] = <bytes 01 02 03>}"#
        );
        assert_eq!(
            Notation::new(&t).max_chars(2).to_string(),
            r#"{{x = 1, y = -2}, "lo"… (9 chars), [5] = <bytes 01 02 … (3 bytes)>}"#
        );
        assert_eq!(
            Notation::new(&t).max_items(1).to_string(),
            "{{x = 1, … (2 entries)}, … (3 entries)}"
        );
        assert_eq!(
            Notation::new(&t).max_items(0).to_string(),
            "{… (3 entries)}"
        );
    }
}
