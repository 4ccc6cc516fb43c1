//! book, release and list_meetings: rooms booked for meetings, and what a room has booked.

use serde_json::{Value, json};
use wecom_rooms::NonEmptyString;
use wecom_rooms::meeting::rooms::list_meetings::request::MeetingRoomIdOrRoomsId;
use wecom_rooms::meeting::rooms::list_meetings::response::MeetingInfo;
use wecom_rooms::meeting::rooms::{book, list_meetings, release};

use crate::protocol::{Endpoint, Refusal, ok};
use crate::world::World;

/// The longest window list_meetings accepts (90 days).
pub const MAX_WINDOW_SECS: u64 = 90 * 86_400;

pub(crate) fn book(world: &mut World, app: usize, body: &[u8]) -> Result<Value, Refusal> {
    let request = book::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    world.own_meeting(app, &request.meetingid)?;
    let rooms = unique(&request.meeting_room_id_list);
    world.book_rooms(&request.meetingid, &rooms)?;
    let mut list = Vec::with_capacity(rooms.len());
    for id in &rooms {
        let room = &world.known_room(id)?.list;
        list.push(json!({
            "meeting_room_id": room.meeting_room_id,
            "meeting_room_name": room.meeting_room_name,
            "meeting_room_location": room.meeting_room_location,
        }));
    }
    Ok(ok(json!({"meeting_room_list": list})))
}

pub(crate) fn release(world: &mut World, app: usize, body: &[u8]) -> Result<Value, Refusal> {
    let request = release::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let meeting = world.own_meeting(app, &request.meetingid)?;
    let rooms = unique(&request.meeting_room_id_list);
    for id in &rooms {
        world.known_room(id)?;
        if !meeting.rooms.contains(id) {
            return Err(Refusal::invalid(format!(
                "meeting room {id:?} is not booked for meeting {:?}",
                request.meetingid
            )));
        }
    }
    if let Some(meeting) = world.meetings.get_mut(request.meetingid.as_str()) {
        meeting.rooms.retain(|r| !rooms.contains(r));
    }
    Ok(ok(json!({})))
}

pub(crate) fn list_meetings(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let request =
        list_meetings::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let room_id = match &request.meeting_room_id_or_rooms_id {
        MeetingRoomIdOrRoomsId::MeetingRoomId(id) => {
            world.known_room(id)?.list.meeting_room_id.to_string()
        }
        MeetingRoomIdOrRoomsId::RoomsId(rooms_id) => room_of_rooms_id(world, rooms_id)?,
    };
    let (start, end) = window(request.start_time, request.end_time, now)?;
    let mut found: Vec<MeetingInfo> = world
        .meetings
        .values()
        .filter(|m| m.owner == app && m.rooms.contains(&room_id))
        .filter(|m| u64::from(m.info.start_time) <= end && u64::from(m.info.end_time) >= start)
        .map(|m| m.listed(now))
        .collect();
    found.sort_by(|a, b| (a.start_time, &a.meetingid).cmp(&(b.start_time, &b.meetingid)));
    let cursor = request.cursor.as_deref();
    super::page(
        world,
        Endpoint::of::<wecom_rooms::endpoints::ListMeetings>(),
        "meeting_info_list",
        &found,
        cursor,
        request.limit.map(|l| l.get()),
    )
}

/// The query window: by default from now (or 90 days before `end_time`) for 90 days.
fn window(start: Option<u32>, end: Option<u32>, now: u64) -> Result<(u64, u64), Refusal> {
    let (start, end) = match (start.map(u64::from), end.map(u64::from)) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s + MAX_WINDOW_SECS),
        (None, Some(e)) => (e.saturating_sub(MAX_WINDOW_SECS), e),
        (None, None) => (now, now + MAX_WINDOW_SECS),
    };
    if end < start {
        return Err(Refusal::invalid("end_time is before start_time"));
    }
    if end - start > MAX_WINDOW_SECS {
        return Err(Refusal::invalid("the time range must not exceed 90 days"));
    }
    Ok((start, end))
}

/// The room a Rooms device (`rooms_id`) belongs to: by get_info's `rooms_id_list`, then by
/// list_devices' records.
fn room_of_rooms_id(world: &World, rooms_id: &str) -> Result<String, Refusal> {
    let by_room = world.rooms.iter().find(|room| {
        room.details
            .basic_info
            .rooms_id_list
            .iter()
            .any(|r| r == rooms_id)
    });
    if let Some(room) = by_room {
        return Ok(room.list.meeting_room_id.to_string());
    }
    world
        .devices
        .iter()
        .find(|d| d.rooms_id == rooms_id && world.room(&d.meeting_room_id).is_some())
        .map(|d| d.meeting_room_id.to_string())
        .ok_or_else(|| Refusal::invalid(format!("rooms_id {rooms_id:?} is not a Rooms device")))
}

fn unique(ids: &[NonEmptyString]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.iter().any(|s| s == id.as_str()) {
            seen.push(id.to_string());
        }
    }
    seen
}

/// The endpoints this module models.
pub(crate) const BEHAVIOURS: &[(&str, super::Behaviour)] = {
    use wecom_rooms::Endpoint as _;
    use wecom_rooms::endpoints::{Book, ListMeetings, Release};
    &[
        (Book::ENDPOINT.path, |w, app, _, b| book(w, app, b)),
        (Release::ENDPOINT.path, |w, app, _, b| release(w, app, b)),
        (ListMeetings::ENDPOINT.path, list_meetings),
    ]
};
