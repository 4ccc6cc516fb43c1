//! One function per endpoint: a decoded request and the state in, an answer or a refusal out.

pub(crate) mod booking;
pub(crate) mod calling;
pub(crate) mod gettoken;
pub(crate) mod rooms;

use serde_json::{Value, json};

use crate::protocol::{Endpoint, Refusal, to_value};
use crate::world::World;

/// The page size when a listing's request has no `limit`.
pub const DEFAULT_LIMIT: u32 = 20;

/// Serves a Rooms endpoint for the application `app` at `now` (Unix seconds).
pub(crate) fn serve(
    world: &mut World,
    endpoint: Endpoint,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    match endpoint {
        Endpoint::Book => booking::book(world, app, body),
        Endpoint::Release => booking::release(world, app, body),
        Endpoint::ListMeetings => booking::list_meetings(world, app, now, body),
        Endpoint::GetInfo => rooms::get_info(world, body),
        Endpoint::GetConfig => rooms::get_config(world, body),
        Endpoint::GetInventory => rooms::get_inventory(world, body),
        Endpoint::List => rooms::list(world, body),
        Endpoint::ListDevices => rooms::list_devices(world, body),
        Endpoint::ListControllers => rooms::list_controllers(world, body),
        Endpoint::Call => calling::call(world, app, now, body),
        Endpoint::CancelCall => calling::cancel_call(world, app, now, body),
        Endpoint::GetResponseStatus => calling::get_response_status(world, app, now, body),
        Endpoint::GetToken => Err(Refusal::invalid("gettoken takes no access_token")),
    }
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
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let offset = world.resume(endpoint, cursor, limit)?;
    let size = usize::try_from(limit).unwrap_or(usize::MAX);
    let end = offset.saturating_add(size).min(items.len());
    let shown: Vec<Value> = items
        .get(offset..end)
        .unwrap_or(&[])
        .iter()
        .map(to_value)
        .collect();
    let has_more = end < items.len();
    let mut members = json!({"has_more": has_more, key: shown});
    if has_more {
        members["next_cursor"] = json!(world.new_cursor(endpoint, limit, end));
    }
    Ok(crate::protocol::ok(members))
}
