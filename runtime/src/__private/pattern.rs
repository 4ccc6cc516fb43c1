//! ECMA-262 regular expressions for the `pattern` and `patternProperties` keywords.
//!
//! JSON Schema's patterns are ECMA-262 regular expressions with Unicode semantics (the `u`
//! flag): `\d` and `\w` stay ASCII, `\p{…}` property escapes work, `.` matches a whole code
//! point, `$` does not match before a trailing newline, and a match may be anywhere in the
//! string unless the pattern anchors it. [`regress`] implements those semantics.

use std::error::Error;
use std::fmt;

/// A compiled `pattern`; `Debug` shows its source.
///
/// Compile each pattern once (generated code keeps them in statics) and match many times:
///
/// ```
/// use wecom_rooms_runtime::__private::pattern::Pattern;
///
/// let pattern = Pattern::new(r"^\d{3}-\d{4}$").unwrap();
/// assert!(pattern.is_match("555-1234"));
/// assert!(!pattern.is_match("555-1234\n"));
/// assert!(Pattern::new("a+").unwrap().is_match("xxaayy")); // unanchored
/// assert_eq!(format!("{pattern:?}"), r#"Pattern("^\\d{3}-\\d{4}$")"#);
/// assert!(Pattern::new("(unclosed").is_err());
/// ```
#[derive(Clone)]
pub struct Pattern {
    regex: regress::Regex,
    source: Box<str>,
}

impl Pattern {
    /// Compiles `source` with ECMA-262 syntax and the `u` flag.
    pub fn new(source: &str) -> Result<Self, PatternError> {
        Pattern::with_flags(source, "u")
    }

    /// Compiles `source` with ECMA-262 syntax and `flags` (`"u"`, or `""` for a pattern that is
    /// valid only without Unicode semantics; the generator decides which).
    pub fn with_flags(source: &str, flags: &str) -> Result<Self, PatternError> {
        match regress::Regex::with_flags(source, flags) {
            Ok(regex) => Ok(Pattern {
                regex,
                source: source.into(),
            }),
            Err(error) => Err(PatternError {
                source: source.into(),
                error,
            }),
        }
    }

    /// Whether the pattern matches anywhere in `s`.
    #[inline]
    pub fn is_match(&self, s: &str) -> bool {
        self.regex.find(s).is_some()
    }

    /// The pattern as written in the schema.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// A pattern that is not a valid ECMA-262 regular expression; `source()` says why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    source: Box<str>,
    error: regress::Error,
}

impl PatternError {
    /// The pattern that failed to compile.
    pub fn pattern(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid regular expression {:?}", self.source)
    }
}

impl Error for PatternError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str, s: &str, expected: bool) {
        let compiled = Pattern::new(pattern).unwrap_or_else(|e| panic!("{e}: {:?}", e.source()));
        assert_eq!(compiled.is_match(s), expected, "{pattern:?} on {s:?}");
    }

    const TEXT_ASCII: &str = concat!(
        "Les hivers de mon enfance etaient des saisons longues, longues. ",
        "Nous vivions en trois lieux: l'ecole, l'eglise et la patinoire; ",
        "mais la vraie vie etait sur la patinoire."
    );
    const TEXT_ACCENTS: &str = concat!(
        "Les hivers de mon enfance \u{e9}taient des saisons longues, longues. ",
        "Nous vivions en trois lieux: l'\u{e9}cole, l'\u{e9}glise et la patinoire; ",
        "mais la vraie vie \u{e9}tait sur la patinoire."
    );
    const TEXT_UPPER: &str = concat!(
        "LES HIVERS DE MON ENFANCE \u{c9}TAIENT DES SAISONS LONGUES, LONGUES. ",
        "NOUS VIVIONS EN TROIS LIEUX: L'\u{c9}COLE, L'\u{c9}GLISE ET LA PATINOIRE; ",
        "MAIS LA VRAIE VIE \u{c9}TAIT SUR LA PATINOIRE."
    );

    /// The string cases of the JSON Schema test suite (draft 2020-12) for `pattern`:
    /// `pattern.json`, `optional/ecmascript-regex.json` and `optional/non-bmp-regex.json`.
    #[test]
    fn follows_the_suite() {
        // pattern.json
        check("^a*$", "aaa", true);
        check("^a*$", "abc", false);
        check("a+", "xxaayy", true);
        // $ does not match a trailing newline
        check("^abc$", "abc\\n", false);
        check("^abc$", "abc", true);
        check("^abc$", "abc\n", false);
        // \t, \cC and \cc
        check("^\\t$", "\\t", false);
        check("^\\t$", "\t", true);
        check("^\\cC$", "\\cC", false);
        check("^\\cC$", "\u{3}", true);
        check("^\\cc$", "\\cc", false);
        check("^\\cc$", "\u{3}", true);
        // \d, \D, \w and \W are ASCII
        check("^\\d$", "0", true);
        check("^\\d$", "\u{7c0}", false);
        check("^\\D$", "0", false);
        check("^\\D$", "\u{7c0}", true);
        check("^\\w$", "a", true);
        check("^\\w$", "\u{e9}", false);
        check("^\\W$", "a", false);
        check("^\\W$", "\u{e9}", true);
        // \s and \S know Unicode's whitespace
        for (s, space) in [
            (" ", true),
            ("\t", true),
            ("\u{b}", true),
            ("\u{c}", true),
            ("\u{a0}", true),
            ("\u{feff}", true),
            ("\n", true),
            ("\u{2029}", true),
            ("\u{2003}", true),
            ("\u{1}", false),
            ("\u{2013}", false),
        ] {
            check("^\\s$", s, space);
            check("^\\S$", s, !space);
        }
        // Unicode semantics: \p{…}, ASCII \w and ranges, \d against \p{digit}
        check("\\p{Letter}cole", TEXT_ASCII, true);
        check("\\p{Letter}cole", TEXT_ACCENTS, true);
        check("\\p{Letter}cole", TEXT_UPPER, false);
        check("\\wcole", TEXT_ASCII, true);
        check("\\wcole", TEXT_ACCENTS, false);
        check("\\wcole", TEXT_UPPER, false);
        check("[a-z]cole", TEXT_ACCENTS, false);
        check("[a-z]cole", TEXT_ASCII, true);
        check("^\\d+$", "42", true);
        check("^\\d+$", "-%#", false);
        check("^\\d+$", "\u{9ea}\u{9e8}", false);
        check("^\\p{digit}+$", "42", true);
        check("^\\p{digit}+$", "-%#", false);
        check("^\\p{digit}+$", "\u{9ea}\u{9e8}", true);
        // Characters beyond the BMP are one character, not two UTF-16 units
        check("^\u{1f432}*$", "", true);
        check("^\u{1f432}*$", "\u{1f432}", true);
        check("^\u{1f432}*$", "\u{1f432}\u{1f432}", true);
        check("^\u{1f432}*$", "\u{1f409}", false);
        check("^\u{1f432}*$", "\u{1f409}\u{1f409}", false);
        check("^\u{1f432}*$", "D", false);
        check("^\u{1f432}*$", "DD", false);
        check("^.$", "\u{1f432}", true);
        check("^\\u{1F432}$", "\u{1f432}", true);
    }

    #[test]
    fn invalid_patterns() {
        for source in [
            "(unclosed",
            "[z-a]",
            "a**",
            "\\p{NoSuchProperty}",
            "\\u{110000}",
        ] {
            let error = Pattern::new(source).unwrap_err();
            assert_eq!(error.pattern(), source);
            assert_eq!(
                error.to_string(),
                format!("invalid regular expression {source:?}")
            );
            assert!(error.source().is_some());
        }
    }

    #[test]
    fn debug_shows_the_source() {
        let pattern = Pattern::new("^[a-z]+$").unwrap();
        assert_eq!(format!("{pattern:?}"), r#"Pattern("^[a-z]+$")"#);
        assert_eq!(pattern.as_str(), "^[a-z]+$");
    }

    #[test]
    fn can_live_in_a_static() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Pattern>();
        shareable::<PatternError>();
        static PHONE: std::sync::LazyLock<Pattern> =
            std::sync::LazyLock::new(|| Pattern::new("^[0-9]+$").unwrap());
        assert!(PHONE.is_match("123"));
    }
}
