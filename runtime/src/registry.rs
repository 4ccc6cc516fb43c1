//! What a generated crate says about each of its schemas, so that tools (a fixture checker, a
//! test harness) can work with every schema without knowing them in advance.

use serde_json::Value;

use crate::validate::{Options, Report};

/// One schema of a generated crate: its name, its samples and its validators.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct SchemaEntry {
    /// The schema's path under its schema directory without `.schema.json`,
    /// such as `meeting/rooms/get_info/response`.
    pub name: &'static str,
    /// The schema's `title`, or its name when it has none.
    pub title: &'static str,
    /// The schema's `examples`, each as pretty-printed JSON text.
    pub examples: &'static [&'static str],
    /// Whether an instance is valid; stops at the first violation.
    pub is_valid: fn(&Value) -> bool,
    /// Every violation (and, with [`Options::tolerances`], every tolerance) in an instance.
    pub validate_with: fn(&Value, Options) -> Report,
    /// The endpoint a request schema is sent to (its `x-endpoint`); `None` for other schemas.
    pub endpoint: Option<Endpoint>,
    /// Whether a document's bytes are valid with nothing tolerated (no member the schema does
    /// not describe, every base64 string decodable), told from its typed value without a
    /// `Value`: the quick verdict for the common all-valid file. `false` says only that this
    /// way cannot tell; `validate_with` gives the verdict then. `None` where the types cannot
    /// be shown to hold every rule of the schema.
    pub is_exact: Option<fn(&[u8]) -> bool>,
}

impl SchemaEntry {
    /// Describes a schema; generated code calls this.
    pub const fn new(
        name: &'static str,
        title: &'static str,
        examples: &'static [&'static str],
        is_valid: fn(&Value) -> bool,
        validate_with: fn(&Value, Options) -> Report,
    ) -> Self {
        SchemaEntry {
            name,
            title,
            examples,
            is_valid,
            validate_with,
            endpoint: None,
            is_exact: None,
        }
    }

    /// The same entry for a request schema sent to `endpoint`; generated code calls this.
    #[must_use]
    pub const fn with_endpoint(self, endpoint: Endpoint) -> Self {
        SchemaEntry {
            endpoint: Some(endpoint),
            ..self
        }
    }

    /// The same entry with its quick verdict (see [`SchemaEntry::is_exact`]); generated code
    /// calls this.
    #[must_use]
    pub const fn with_is_exact(self, is_exact: fn(&[u8]) -> bool) -> Self {
        SchemaEntry {
            is_exact: Some(is_exact),
            ..self
        }
    }
}

/// The HTTP endpoint a request schema is sent to, from its `x-endpoint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoint {
    /// The HTTP method, such as `POST`.
    pub method: &'static str,
    /// Scheme and host, such as `https://qyapi.weixin.qq.com`.
    pub base_url: &'static str,
    /// The path, starting with `/`.
    pub path: &'static str,
    /// The query parameters the endpoint takes besides the request's own.
    pub query: &'static [QueryParameter],
    /// Where the request schema's instance travels.
    pub request_in: RequestIn,
    /// The name of the schema its responses follow, if the schema names one.
    pub response_schema: Option<&'static str>,
}

/// Where an [`Endpoint`]'s request travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestIn {
    /// As the JSON body.
    Body,
    /// As the query string, one parameter per member of the request object (a `GET`).
    Query,
}

/// A query parameter of an [`Endpoint`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryParameter {
    /// The parameter's name.
    pub name: &'static str,
    /// Whether every call must carry it.
    pub required: bool,
    /// What it is for.
    pub description: &'static str,
}

impl Endpoint {
    /// Describes an endpoint; generated code calls this.
    pub const fn new(
        method: &'static str,
        base_url: &'static str,
        path: &'static str,
        query: &'static [QueryParameter],
        request_in: RequestIn,
        response_schema: Option<&'static str>,
    ) -> Self {
        Endpoint {
            method,
            base_url,
            path,
            query,
            request_in,
            response_schema,
        }
    }
}

impl QueryParameter {
    /// Describes a query parameter; generated code calls this.
    pub const fn new(name: &'static str, required: bool, description: &'static str) -> Self {
        QueryParameter {
            name,
            required,
            description,
        }
    }
}

/// One endpoint of a generated crate: its name, where it is served, and its request and
/// response schemas. The generator lists every endpoint in a `ROUTES` table, so that tools (a
/// traffic checker, a simulator, a proxy) route by it without a list of their own.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Route {
    /// The endpoint's Rust name, as its request type's alias in `endpoints` (`GetInfo`).
    pub name: &'static str,
    /// Method, path, query parameters.
    pub endpoint: Endpoint,
    /// The request schema.
    pub request: &'static SchemaEntry,
    /// The response schema.
    pub response: &'static SchemaEntry,
}

impl Route {
    /// A route; what generated code calls.
    pub const fn new(
        name: &'static str,
        endpoint: Endpoint,
        request: &'static SchemaEntry,
        response: &'static SchemaEntry,
    ) -> Self {
        Route {
            name,
            endpoint,
            request,
            response,
        }
    }

    /// The route among `routes` served at `path` (`/cgi-bin/meeting/rooms/get_info`).
    pub fn find(routes: &'static [Route], path: &str) -> Option<&'static Route> {
        routes.iter().find(|route| route.endpoint.path == path)
    }
}
