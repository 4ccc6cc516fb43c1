//! Errors of the generator: each names the schema file and the JSON pointer it is about.

use std::fmt;
use std::path::PathBuf;

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
    /// A keyword the generator does not support.
    UnsupportedKeyword(String),
    /// A keyword whose value has the wrong shape, such as `"minimum": "3"`.
    InvalidKeyword {
        /// The keyword.
        keyword: String,
        /// What it should have been.
        expected: &'static str,
    },
    /// A `$ref` that points nowhere.
    UnresolvedRef(String),
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
            ErrorKind::UnsupportedKeyword(k) => write!(f, "unsupported keyword `{k}`"),
            ErrorKind::InvalidKeyword { keyword, expected } => {
                write!(f, "invalid `{keyword}`: expected {expected}")
            }
            ErrorKind::UnresolvedRef(r) => write!(f, "cannot resolve $ref `{r}`"),
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Json(e) => Some(e),
            _ => None,
        }
    }
}
