//! One function per endpoint: a decoded request and the state in, an answer or a refusal out.

pub(crate) mod booking;
pub(crate) mod calling;
pub(crate) mod gettoken;
pub(crate) mod meetings;
pub(crate) mod rooms;

use serde_json::{Value, json};

use crate::protocol::{Endpoint, Refusal, to_value};
use crate::world::World;

/// The page size when a listing's request has no `limit`.
pub const DEFAULT_LIMIT: u32 = 20;

/// What the simulator does for one endpoint: the state, the calling application, the time
/// (Unix seconds) and the request body in; an answer or a refusal out.
pub(crate) type Behaviour = fn(&mut World, usize, u64, &[u8]) -> Result<Value, Refusal>;

/// What each module models, by path; an endpoint in none of them is still served, by
/// [`unmodelled`]. gettoken is the server's own (it takes no token).
const MODULES: [&[(&str, Behaviour)]; 4] = [
    meetings::BEHAVIOURS,
    booking::BEHAVIOURS,
    rooms::BEHAVIOURS,
    calling::BEHAVIOURS,
];

/// Serves an endpoint for the application `app` at `now` (Unix seconds).
pub(crate) fn serve(
    world: &mut World,
    endpoint: Endpoint,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let modelled = MODULES.iter().flat_map(|module| module.iter());
    match modelled
        .into_iter()
        .find(|(path, _)| *path == endpoint.path())
    {
        Some((_, behaviour)) => behaviour(world, app, now, body),
        None => unmodelled(endpoint, body),
    }
}

/// An endpoint whose schemas the crate has but whose behaviour the simulator does not model:
/// a request its schema refuses gets 40058, a valid one the first success among the response
/// schema's examples, and without one 48002 (the API cannot be called here).
fn unmodelled(endpoint: Endpoint, body: &[u8]) -> Result<Value, Refusal> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|e| Refusal::invalid(format!("Warning: wrong json format. {e}")))?;
    if let Some(violation) = endpoint.request_violation(&request) {
        return Err(Refusal::invalid(format!("invalid request: {violation}")));
    }
    endpoint
        .response_examples()
        .iter()
        .filter_map(|text| serde_json::from_str::<Value>(text).ok())
        .find(|answer| answer["errcode"] == 0 && endpoint.response_is_valid(answer))
        .ok_or_else(|| {
            Refusal::new(
                crate::protocol::codes::API_FORBIDDEN,
                format!("the simulator does not model {}", endpoint.name()),
            )
        })
}

/// One page of `items` as a listing's members: `has_more`, `next_cursor` (exactly when there
/// is more) and the page under `key`.
pub(crate) fn page<T: serde::Serialize>(
    world: &mut World,
    endpoint: Endpoint,
    key: &str,
    items: &[T],
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<Value, Refusal> {
    let (shown, next) = page_of(
        world,
        endpoint,
        items,
        cursor,
        limit.unwrap_or(DEFAULT_LIMIT),
    )?;
    let mut members = json!({"has_more": next.is_some(), key: shown});
    if let Some(next) = next {
        members["next_cursor"] = json!(next);
    }
    Ok(crate::protocol::ok(members))
}

/// The page of `items` that `cursor` (none: the first) and `limit` select, and the cursor of
/// the next page when there is one.
pub(crate) fn page_of<T: serde::Serialize>(
    world: &mut World,
    endpoint: Endpoint,
    items: &[T],
    cursor: Option<&str>,
    limit: u32,
) -> Result<(Vec<Value>, Option<String>), Refusal> {
    let offset = world.resume(endpoint, cursor, limit)?;
    let size = usize::try_from(limit).unwrap_or(usize::MAX);
    let end = offset.saturating_add(size).min(items.len());
    let shown: Vec<Value> = items
        .get(offset..end)
        .unwrap_or(&[])
        .iter()
        .map(to_value)
        .collect();
    let next = (end < items.len()).then(|| world.new_cursor(endpoint, limit, end));
    Ok((shown, next))
}
