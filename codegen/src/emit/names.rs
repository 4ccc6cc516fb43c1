//! Identifier mangling: schema names → Rust identifiers that compile, read well and never collide.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Rust's reserved words, which need a raw identifier or a different name.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keeps letters, digits and underscores, so heck sees word boundaries where punctuation was.
fn words(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                ' '
            }
        })
        .collect()
}

fn is_ascii_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_"
}

/// A field or module name: `snake_case`, a raw identifier for keywords, `_` + name for a leading
/// digit, and `field` when nothing usable is left (non-Latin names).
pub fn snake(name: &str) -> String {
    let ascii: String = words(name).chars().filter(|c| c.is_ascii()).collect();
    let mut s = ascii.to_snake_case();
    if s.is_empty() {
        s = "field".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// The module path of the schema named `name` (`a/b-c` → `a`, `b_c`). The tree of modules and
/// the check that no two schemas share a module both read it, so they cannot disagree.
pub fn module_path(name: &str) -> Vec<String> {
    name.split('/').map(snake).collect()
}

/// A type or variant name: `UpperCamelCase`, `T` + name for a leading digit, `Type` when nothing
/// usable is left.
pub fn camel(name: &str) -> String {
    let ascii: String = words(name).chars().filter(|c| c.is_ascii()).collect();
    let mut s = ascii.to_upper_camel_case();
    if s.is_empty() {
        s = "Type".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    s
}

/// Turns a mangled name into an identifier token, raw where it is a keyword.
pub fn ident(name: &str) -> Ident {
    debug_assert!(
        is_ascii_ident(name),
        "mangled names are identifiers: {name}"
    );
    match name {
        // These cannot be raw identifiers.
        "self" | "Self" | "super" | "crate" => Ident::new(&format!("{name}_"), Span::call_site()),
        _ if KEYWORDS.contains(&name) => Ident::new_raw(name, Span::call_site()),
        _ => Ident::new(name, Span::call_site()),
    }
}

/// Text fit for a doc comment: control characters (a raw carriage return ends a `///` line for
/// rustc) are written as escapes.
pub fn doc_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Hands out names unique within one scope (a module's types, a struct's fields, an enum's variants).
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// Names kept for someone who will claim them later, by exactly that name.
    kept: BTreeSet<String>,
}

impl Scope {
    /// Reserves `name`, or `name2`, `name3`… if it is taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{name}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range yields a free name")
    }

    /// Frees a name that was claimed for a type that was not made after all.
    pub fn release(&mut self, name: &str) {
        self.taken.remove(name);
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Keeps `name` for a later [`Scope::pick`] that asks for it first.
    pub fn reserve_later(&mut self, name: &str) {
        self.kept.insert(name.to_owned());
    }

    /// Claims the first of `candidates` that is free, or the last one numbered. A name kept
    /// with [`Scope::reserve_later`] is free only to a pick whose first candidate it is.
    pub fn pick(&mut self, candidates: &[String]) -> String {
        for (i, candidate) in candidates.iter().enumerate() {
            let kept_for_other = self.kept.contains(candidate) && i > 0;
            if !kept_for_other && !self.taken.contains(candidate) {
                self.taken.insert(candidate.clone());
                self.kept.remove(candidate);
                return candidate.clone();
            }
        }
        let last = candidates
            .last()
            .cloned()
            .unwrap_or_else(|| "Type".to_owned());
        self.claim(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangles_names() {
        let cases = [
            ("meeting_room_id", "meeting_room_id", "MeetingRoomId"),
            ("basic-info", "basic_info", "BasicInfo"),
            ("type", "type", "Type"),
            ("3d", "_3d", "V3d"),
            ("会议室", "field", "Type"),
            ("a.b c", "a_b_c", "ABC"),
            ("HTTPServer", "http_server", "HttpServer"),
        ];
        for (input, field, ty) in cases {
            assert_eq!(
                (snake(input).as_str(), camel(input).as_str()),
                (field, ty),
                "{input}"
            );
        }
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
    }

    #[test]
    fn scope_never_hands_out_a_name_twice() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("Info".into()), "Info");
        assert_eq!(scope.claim("Info".into()), "Info2");
        assert_eq!(scope.claim("V1".into()), "V1");
        assert_eq!(scope.claim("V1".into()), "V1_2");
    }
}
