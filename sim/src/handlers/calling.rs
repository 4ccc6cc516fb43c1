//! call, cancel_call and get_response_status.

use serde_json::{Value, json};
use wecom_rooms::meeting::rooms::list_meetings::response::Status;
use wecom_rooms::meeting::rooms::{call, cancel_call, get_response_status};

use crate::calls::{Target, mra_answer, status};
use crate::clock::format_cst;
use crate::protocol::{Refusal, codes, ok};
use crate::schedule::Meeting;
use crate::world::World;

/// The meeting `meetingid` if `app` created it and it can still call rooms.
fn callable_meeting<'w>(
    world: &'w World,
    app: usize,
    meetingid: &str,
) -> Result<&'w Meeting, Refusal> {
    let meeting = world.own_meeting(app, meetingid)?;
    match meeting.info.status {
        Status::Cancelled => Err(Refusal::new(codes::MEETING_CANCELLED, "meeting cancelled")),
        Status::Ended => Err(Refusal::new(codes::MEETING_DELETED, "meeting deleted")),
        _ => Ok(meeting),
    }
}

/// The room or MRA address a request names, as the pair `target` takes.
macro_rules! pair {
    ($module:ident, $request:expr) => {
        match &$request.meeting_room_id_or_mra_address {
            $module::request::MeetingRoomIdOrMraAddress::MeetingRoomId(id) => {
                (Some(id.as_str()), None)
            }
            $module::request::MeetingRoomIdOrMraAddress::MraAddress(m) => {
                (None, Some((m.protocol.value(), m.dial_string.as_str())))
            }
        }
    };
}

/// The target of a request: a known room, or an MRA address.
fn target(world: &World, room: Option<&str>, mra: Option<(u32, &str)>) -> Result<Target, Refusal> {
    let target = Target::from_pair(room, mra)
        .ok_or_else(|| Refusal::invalid("fill exactly one of meeting_room_id and mra_address"))?;
    if let Target::Room(id) = &target {
        world.known_room(id)?;
    }
    Ok(target)
}

pub(crate) fn call(world: &mut World, app: usize, now: u64, body: &[u8]) -> Result<Value, Refusal> {
    let request = call::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let (room, mra) = pair!(call, request);
    let target = target(world, room, mra)?;
    let meeting_end = u64::from(
        callable_meeting(world, app, &request.meetingid)?
            .info
            .end_time,
    );
    let answer = match &target {
        Target::Room(id) => {
            let room = world.known_room(id)?;
            if !room.list.is_allow_call {
                return Err(Refusal::invalid(format!(
                    "meeting room {id:?} does not accept calls"
                )));
            }
            room.call_answer
        }
        Target::Mra { dial_string, .. } => mra_answer(dial_string),
    };
    let invite_id = world.new_id("invite-");
    world.calls.place(
        invite_id.clone(),
        &request.meetingid,
        target,
        answer,
        now,
        meeting_end,
    );
    Ok(ok(json!({"invite_id": invite_id})))
}

pub(crate) fn cancel_call(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let request =
        cancel_call::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let (room, mra) = pair!(cancel_call, request);
    let target = target(world, room, mra)?;
    world.own_meeting(app, &request.meetingid)?;
    let call = world
        .calls
        .get(&request.invite_id)
        .filter(|call| call.meetingid == request.meetingid && call.target == target)
        .ok_or_else(|| {
            Refusal::invalid(format!(
                "invite_id {:?} is not a call of this meeting to this room",
                request.invite_id
            ))
        })?;
    match call.status(now).0 {
        status::CALLING | status::CANCELLED => {
            world.calls.cancel(&request.invite_id, now);
            Ok(ok(json!({})))
        }
        other => Err(Refusal::invalid(format!(
            "the call is no longer ringing (status {other}): it cannot be cancelled"
        ))),
    }
}

pub(crate) fn get_response_status(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let request =
        get_response_status::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let (room, mra) = pair!(get_response_status, request);
    let target = target(world, room, mra)?;
    world.own_meeting(app, &request.meetingid)?;
    let (code, response_time) = match world.calls.latest(&request.meetingid, &target) {
        Some(call) => {
            let (code, at) = call.status(now);
            (code, format_cst(at, '/'))
        }
        None => (status::NOT_CALLED, String::new()),
    };
    Ok(ok(json!({"status": code, "response_time": response_time})))
}

/// The endpoints this module models.
pub(crate) const BEHAVIOURS: &[(&str, super::Behaviour)] = {
    use wecom_rooms::Endpoint as _;
    use wecom_rooms::endpoints::{Call, CancelCall, GetResponseStatus};
    &[
        (Call::ENDPOINT.path, call),
        (CancelCall::ENDPOINT.path, cancel_call),
        (GetResponseStatus::ENDPOINT.path, get_response_status),
    ]
};
