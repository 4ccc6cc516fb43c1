//! Differences between a page and the schemas, and the checked-in table of deliberate ones
//! (`pages/differences.json`).

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};
use crate::facts::SideName;

/// What kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The side's schema file does not exist.
    MissingSchema,
    /// The schema cannot be read, resolved or built.
    BrokenSchema,
    /// `x-endpoint` disagrees with the page's method or path.
    Endpoint,
    /// A documented member is not in the schema.
    MissingMember,
    /// The schema describes a member the page does not document.
    UndocumentedMember,
    /// The types differ.
    Type,
    /// 必须 (or the response contract) and `required` differ.
    Required,
    /// The documented values and the schema's value set differ.
    Values,
    /// A query parameter is a body property, or missing from `x-endpoint.query`.
    Query,
    /// A sample fails validation.
    SampleInvalid,
    /// A sample is not JSON.
    SampleNotJson,
}

impl Kind {
    /// The kebab-case name, as in `differences.json`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::MissingSchema => "missing-schema",
            Kind::BrokenSchema => "broken-schema",
            Kind::Endpoint => "endpoint",
            Kind::MissingMember => "missing-member",
            Kind::UndocumentedMember => "undocumented-member",
            Kind::Type => "type",
            Kind::Required => "required",
            Kind::Values => "values",
            Kind::Query => "query",
            Kind::SampleInvalid => "sample-invalid",
            Kind::SampleNotJson => "sample-not-json",
        }
    }
}

/// Where on a side a difference is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum At {
    /// A member path as in the fact files; `""` for the side as a whole.
    Path(String),
    /// A sample, by its index in the side's `samples`.
    Sample(usize),
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Path(p) if p.is_empty() => f.write_str("(whole schema)"),
            At::Path(p) => f.write_str(p),
            At::Sample(i) => write!(f, "sample {i}"),
        }
    }
}

/// One difference between a page and the schemas.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Difference {
    /// The endpoint, such as `meeting/rooms/get_info`.
    pub endpoint: String,
    /// The doc id of the page the difference belongs to, when its endpoint has two pages and
    /// the difference is one page's (a member, type, 必须, value or sample of that page);
    /// `None` for the endpoint as a whole.
    pub doc: Option<String>,
    /// Request or response.
    pub side: SideName,
    /// Where.
    pub at: At,
    /// What kind.
    pub kind: Kind,
    /// What the page says.
    pub page: String,
    /// What the schema says.
    pub schema: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let doc = self
            .doc
            .as_ref()
            .map_or(String::new(), |d| format!(" (doc {d})"));
        write!(
            f,
            "{}{doc} {} {}: {}: page says {}; schema says {}",
            self.endpoint,
            self.side,
            self.at,
            self.kind.as_str(),
            self.page,
            self.schema
        )
    }
}

/// An entry of `differences.json`: a difference we keep on purpose, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deliberate {
    /// The endpoint.
    pub endpoint: String,
    /// The doc id of the page, for a difference of one of an endpoint's two pages (see
    /// [`Difference::doc`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Request or response.
    pub side: SideName,
    /// The member path (`""` for the whole side), unless `sample` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The sample's index in the side's `samples`, unless `path` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<usize>,
    /// The kind of difference.
    pub kind: Kind,
    /// Why we differ from the page.
    pub reason: String,
}

impl Deliberate {
    /// Whether this entry covers `difference`.
    #[must_use]
    pub fn covers(&self, difference: &Difference) -> bool {
        let at = match (&self.path, self.sample) {
            (Some(path), None) => At::Path(path.clone()),
            (None, Some(index)) => At::Sample(index),
            _ => return false,
        };
        self.endpoint == difference.endpoint
            && self.doc == difference.doc
            && self.side == difference.side
            && self.kind == difference.kind
            && at == difference.at
    }
}

/// Reads the differences table.
///
/// # Errors
///
/// When the file cannot be read or is not a list of entries.
pub fn load_deliberate(path: &Path) -> Result<Vec<Deliberate>, Error> {
    let text = std::fs::read(path).map_err(|e| Error::new(path, ErrorKind::Io(e)))?;
    serde_json::from_slice(&text).map_err(|e| Error::new(path, ErrorKind::Json(e)))
}

/// The outcome of holding the differences found against the table.
#[derive(Debug, Clone, Default)]
pub struct Reconciled<'a> {
    /// Differences no entry covers.
    pub unexpected: Vec<&'a Difference>,
    /// Entries that cover no difference (or name no single place: neither or both of `path`
    /// and `sample`).
    pub stale: Vec<&'a Deliberate>,
}

/// Which differences are not deliberate, and which entries are stale.
#[must_use]
pub fn reconcile<'a>(found: &'a [Difference], table: &'a [Deliberate]) -> Reconciled<'a> {
    Reconciled {
        unexpected: found
            .iter()
            .filter(|d| !table.iter().any(|e| e.covers(d)))
            .collect(),
        stale: table
            .iter()
            .filter(|e| !found.iter().any(|d| e.covers(d)))
            .collect(),
    }
}
