//! Errors and warnings of the generator: each names the schema file and the JSON pointer it is
//! about, says what was expected and what was found, and names the setting that changes the
//! outcome where one does.

use std::fmt;
use std::path::PathBuf;

use crate::dialect::Dialect;

/// A schema the generator cannot turn into code, or a file it cannot read or write.
#[derive(Debug)]
#[non_exhaustive]
pub struct Error {
    /// The schema file (or output file) the error is about.
    pub file: PathBuf,
    /// JSON pointer into that file; empty for the whole file or for I/O errors.
    pub pointer: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// What went wrong, without where.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read or written.
    Io(std::io::Error),
    /// The file is not JSON.
    Json(serde_json::Error),
    /// A keyword the draft defines that the generator cannot lower (a generator bug: every
    /// keyword of every draft it reads is lowered).
    UnsupportedKeyword(String),
    /// A keyword the schema's draft does not define, refused: every such keyword under
    /// [`UnknownKeywords::Reject`](crate::UnknownKeywords::Reject), and by default one that is
    /// a near-miss of a keyword the draft defines (a likely typo).
    UnknownKeyword {
        /// The keyword as written.
        keyword: String,
        /// The draft the schema is read in.
        dialect: Dialect,
        /// The defined keyword it resembles, when it is refused as a likely typo.
        suggestion: Option<&'static str>,
    },
    /// A keyword whose value has the wrong shape, such as `"minimum": "3"`.
    InvalidKeyword {
        /// The keyword.
        keyword: String,
        /// What it should have been.
        expected: &'static str,
        /// What it is, briefly (`a string ("3")`).
        found: String,
    },
    /// A `$ref` (or `$dynamicRef`, `$recursiveRef`) that points nowhere.
    UnresolvedRef {
        /// The reference as written.
        reference: String,
        /// The URI it resolves to, when that is outside the referencing document (`None`
        /// when only its fragment is missing there).
        resolved: Option<String>,
    },
    /// Two schemas whose names map to the same module (`a-b` and `a_b`, or two names with no
    /// Latin letters): generating both would write one over the other.
    ModuleCollision {
        /// The module path both map to, such as `meeting::a_b`.
        module: String,
        /// The other schema file.
        other: PathBuf,
    },
    /// Two definitions whose types would get the same Rust name in one module (`$defs` named
    /// `room-id` and `room_id`, or the same name in two files whose types share a module):
    /// neither is renamed behind the reader's back.
    TypeNameCollision {
        /// The Rust name both would get.
        name: String,
        /// The other definition, as `file#pointer`.
        other: String,
    },
    /// An output file that exists and does not carry the generator's `@generated` header: the
    /// generator never replaces or removes a file it did not write.
    NotGenerated,
    /// A `$schema` that names no dialect the generator knows.
    UnknownDialect(String),
    /// A custom meta-schema's `$vocabulary` requires a vocabulary the generator does not know.
    UnknownVocabulary(String),
    /// Dynamic references (`$dynamicRef`, `$recursiveRef`) that would need more copies of
    /// schemas, each specialised to one dynamic scope, than the generator makes.
    TooManySpecialisations {
        /// The most copies a run may make.
        limit: usize,
    },
    /// Something else the generator cannot handle, described.
    Invalid(String),
}

impl Error {
    pub(crate) fn new(
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        kind: ErrorKind,
    ) -> Self {
        Error {
            file: file.into(),
            pointer: pointer.into(),
            kind,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if !self.pointer.is_empty() {
            write!(f, "#{}", self.pointer)?;
        }
        write!(f, ": ")?;
        match &self.kind {
            // The details of these two are their `source()`.
            ErrorKind::Io(_) => write!(f, "cannot read or write it"),
            ErrorKind::Json(_) => write!(f, "not valid JSON"),
            ErrorKind::UnsupportedKeyword(k) => write!(
                f,
                "the generator cannot lower keyword `{k}` (a generator bug: please report it)"
            ),
            ErrorKind::UnknownKeyword {
                keyword,
                dialect,
                suggestion: Some(suggestion),
            } => write!(
                f,
                "`{keyword}` is not a keyword of {dialect}: did you mean `{suggestion}`? (refused as a likely typo; `Config::annotation_keyword({keyword:?})` reads it as an annotation)"
            ),
            ErrorKind::UnknownKeyword {
                keyword,
                dialect,
                suggestion: None,
            } => write!(
                f,
                "`{keyword}` is not a keyword of {dialect}, and unknown keywords are refused (`UnknownKeywords::Reject`, `--deny-unknown-keywords`); by default it is an annotation, with a warning"
            ),
            ErrorKind::InvalidKeyword {
                keyword,
                expected,
                found,
            } => write!(f, "invalid `{keyword}`: expected {expected}, found {found}"),
            ErrorKind::UnresolvedRef {
                reference,
                resolved: None,
            } => match reference.split_once('#') {
                Some((_, fragment)) if !fragment.is_empty() && !fragment.starts_with('/') => {
                    write!(
                        f,
                        "cannot resolve `{reference}`: expected a schema with the anchor `{fragment}` in this resource, found none"
                    )
                }
                Some((_, pointer)) => write!(
                    f,
                    "cannot resolve `{reference}`: expected a schema at `{pointer}` in this resource, found none"
                ),
                None => write!(
                    f,
                    "cannot resolve `{reference}`: expected a schema there, found none"
                ),
            },
            ErrorKind::UnresolvedRef {
                reference,
                resolved: Some(uri),
            } => write!(
                f,
                "cannot resolve `{reference}`: expected a schema at `{uri}`, found none (a loaded schema, a file next to the referencing one, a bundled meta-schema, or a document given with `Config::document`)"
            ),
            ErrorKind::ModuleCollision { module, other } => write!(
                f,
                "maps to module `{module}`, as does {}; rename one of them",
                other.display()
            ),
            ErrorKind::TypeNameCollision { name, other } => write!(
                f,
                "its type would be named `{name}` in the same module as the type of {other}; rename one of the definitions"
            ),
            ErrorKind::NotGenerated => write!(
                f,
                "exists and was not written by wecom-rooms-codegen; it is never replaced or removed"
            ),
            ErrorKind::UnknownDialect(uri) => {
                write!(f, "unknown dialect `{uri}`: `$schema` must name one of ")?;
                let known: Vec<String> = crate::dialect::DIALECTS
                    .iter()
                    .map(|d| format!("{d} ({})", d.uri()))
                    .collect();
                write!(
                    f,
                    "{}, or a meta-schema the run holds, with `$vocabulary` or one of those as its `$schema`",
                    known.join(", ")
                )
            }
            ErrorKind::UnknownVocabulary(uri) => write!(
                f,
                "requires the vocabulary `{uri}`, which the generator does not know (only the 2019-09 and 2020-12 vocabularies)"
            ),
            ErrorKind::TooManySpecialisations { limit } => write!(
                f,
                "the dynamic anchors in scope here can be bound in more ways than the generator follows: resolving `$dynamicRef`s and `$recursiveRef`s would copy schemas more than {limit} times"
            ),
            ErrorKind::Invalid(message) => write!(f, "{message}"),
        }
    }
}

/// Something the generator went on past, reported once per kind and subject.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// The schema file of the first place it was met.
    pub file: PathBuf,
    /// The JSON pointer of that place.
    pub pointer: String,
    /// What it is about.
    pub kind: WarningKind,
}

/// What a warning is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A keyword the schema's draft does not define, read as an annotation (neither checked
    /// nor applied), as the specification says.
    UnknownKeyword {
        /// The keyword.
        keyword: String,
        /// The draft of its first place.
        dialect: Dialect,
        /// How many places in the run's schemas have it.
        places: usize,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}: ", self.file.display(), self.pointer)?;
        match &self.kind {
            WarningKind::UnknownKeyword {
                keyword,
                dialect,
                places,
            } => {
                write!(
                    f,
                    "`{keyword}` is not a keyword of {dialect}: read as an annotation"
                )?;
                if *places > 1 {
                    write!(f, " here and in {} more places", places - 1)?;
                }
                write!(f, " (`UnknownKeywords::Reject` refuses it)")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Json(e) => Some(e),
            _ => None,
        }
    }
}
