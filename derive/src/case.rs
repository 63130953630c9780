//! serde's `rename_all` rules, so that a renamed field or variant is
//! written under the name serde writes. serde applies a rule to a field
//! name as if it were `snake_case` and to a variant name as if it were
//! `PascalCase`; each function here does the same, and the derive's tests
//! compare the keys with serde's for every rule.

/// A `rename_all` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

/// The rules by the names serde gives them.
const RULES: &[(&str, Case)] = &[
    ("lowercase", Case::Lower),
    ("UPPERCASE", Case::Upper),
    ("PascalCase", Case::Pascal),
    ("camelCase", Case::Camel),
    ("snake_case", Case::Snake),
    ("SCREAMING_SNAKE_CASE", Case::ScreamingSnake),
    ("kebab-case", Case::Kebab),
    ("SCREAMING-KEBAB-CASE", Case::ScreamingKebab),
];

impl Case {
    /// The rule called `name`, or an error that lists them.
    pub(crate) fn parse(name: &str) -> Result<Case, String> {
        RULES
            .iter()
            .find(|(rule, _)| *rule == name)
            .map(|&(_, case)| case)
            .ok_or_else(|| {
                let known: Vec<&str> = RULES.iter().map(|(rule, _)| *rule).collect();
                format!(
                    "unknown rename rule {name:?}; serde knows {}",
                    known.join(", ")
                )
            })
    }

    /// A field name (`snake_case` in Rust) under this rule.
    pub(crate) fn field(self, name: &str) -> String {
        match self {
            Case::Lower | Case::Snake => name.to_owned(),
            Case::Upper | Case::ScreamingSnake => name.to_ascii_uppercase(),
            Case::Kebab => name.replace('_', "-"),
            Case::ScreamingKebab => name.to_ascii_uppercase().replace('_', "-"),
            Case::Pascal => words_joined_capitalised(name),
            Case::Camel => lower_first(&words_joined_capitalised(name)),
        }
    }

    /// A variant name (`PascalCase` in Rust) under this rule.
    pub(crate) fn variant(self, name: &str) -> String {
        match self {
            Case::Pascal => name.to_owned(),
            Case::Lower => name.to_ascii_lowercase(),
            Case::Upper => name.to_ascii_uppercase(),
            Case::Camel => lower_first(name),
            Case::Snake => underscored(name),
            Case::ScreamingSnake => underscored(name).to_ascii_uppercase(),
            Case::Kebab => underscored(name).replace('_', "-"),
            Case::ScreamingKebab => underscored(name).to_ascii_uppercase().replace('_', "-"),
        }
    }
}

/// `first_name` → `FirstName`: each `_` dropped and the letter after it
/// (and the first one) made ASCII upper case.
fn words_joined_capitalised(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for c in name.chars() {
        if c == '_' {
            word_start = true;
            continue;
        }
        out.push(if word_start {
            c.to_ascii_uppercase()
        } else {
            c
        });
        word_start = false;
    }
    out
}

/// `FirstName` → `first_name`: a `_` before every upper-case letter but
/// the first character, and every letter ASCII lower case.
fn underscored(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if i > 0 && c.is_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The first character made ASCII lower case.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
