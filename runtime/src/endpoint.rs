//! Endpoints as types: a generated request type knows where it is sent and what answers it.
//!
//! The generator implements [`Endpoint`] for the root type of every request schema with an
//! `x-endpoint` whose response schema is generated too, and [`Outcome`] for every root type
//! that is a success-or-failure enum (an `if` on one member's constant, with `then`). Code that
//! sends requests (a client, a test server, a proxy) can then work with any endpoint through
//! one function, generic over the request type.

use serde_json::Value;

use crate::decode::DecodeError;
use crate::registry::{self, SchemaEntry};
use crate::validate::{Options, Report};

/// A request of one HTTP endpoint: serializes to what is sent, and names what comes back.
pub trait Endpoint: serde::Serialize {
    /// Where the request goes: method, path, query parameters, and whether the request
    /// travels as the body or as the query string.
    const ENDPOINT: registry::Endpoint;
    /// The request's schema in the crate's registry.
    const SCHEMA: SchemaEntry;
    /// The response as decoded: for a WeCom endpoint, an [`Outcome`] of success or error.
    type Response: serde::de::DeserializeOwned;

    /// Every violation of the request schema in `request`, the request as JSON.
    fn validate(request: &Value) -> Report {
        (Self::SCHEMA.validate_with)(request, Options::default())
    }

    /// Decodes a response body if the response schema accepts it, and reports every violation
    /// if it does not.
    fn decode_response(body: &[u8]) -> Result<Self::Response, DecodeError>;
}

/// A decoded response that is either a success or a failure, told apart by one member (for
/// WeCom, `errcode` 0 or not).
pub trait Outcome {
    /// What a success holds.
    type Success;
    /// What a failure holds.
    type Failure;

    /// The success, or the failure.
    fn into_result(self) -> Result<Self::Success, Self::Failure>;
}

/// One page of a list: its items, and the cursor of the next page if there is one.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor of the next page, when the answer says there is one.
    pub next_cursor: Option<String>,
}

/// An endpoint that lists by page: a cursor in, a page of items and the next cursor out.
///
/// The generator implements it for the request type of every endpoint whose `x-endpoint` has
/// `pagination` (which member of the success holds the list, and the names of the cursor
/// members, `cursor`, `has_more` and `next_cursor` unless it says otherwise). A listing without
/// `has_more` ends on a page whose `next_cursor` is absent or empty.
pub trait Paginated: Endpoint<Response: Outcome> + Clone {
    /// What the list holds.
    type Item;

    /// The same request (the same page size, as WeCom requires) for the page at `cursor`.
    fn at_cursor(&self, cursor: crate::NonEmptyString) -> Self;

    /// The page a success holds: its items, and `next_cursor` when more follow.
    fn page(success: <Self::Response as Outcome>::Success) -> Page<Self::Item>;
}
