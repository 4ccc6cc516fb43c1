//! The library's error: what went wrong, and where.

use std::fmt;
use std::path::PathBuf;

/// An error reading a page, a fact file, a schema or the differences table.
#[derive(Debug)]
pub struct Error {
    /// The file concerned.
    pub file: PathBuf,
    /// What is wrong with it.
    pub kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
pub enum ErrorKind {
    /// The file could not be read or written.
    Io(std::io::Error),
    /// The file is not the JSON it should be.
    Json(serde_json::Error),
    /// A page lacks something every endpoint page has, or has it in a shape the reader does
    /// not know.
    Page(String),
    /// A schema's `$ref` cannot be resolved.
    Ref(String),
}

impl Error {
    pub(crate) fn new(file: impl Into<PathBuf>, kind: ErrorKind) -> Self {
        Error {
            file: file.into(),
            kind,
        }
    }

    pub(crate) fn page(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::new(file, ErrorKind::Page(message.into()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.file.display())?;
        match &self.kind {
            // The details of these two are their `source()`.
            ErrorKind::Io(_) => f.write_str("cannot read or write it"),
            ErrorKind::Json(_) => f.write_str("not the JSON it should be"),
            ErrorKind::Page(m) => write!(f, "{m}"),
            ErrorKind::Ref(r) => write!(f, "cannot resolve `$ref` {r}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Json(e) => Some(e),
            ErrorKind::Page(_) | ErrorKind::Ref(_) => None,
        }
    }
}
