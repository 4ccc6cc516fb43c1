//! create, update, cancel, get_info and get_user_meetingid: meetings made and changed
//! through the API, which the Rooms endpoints then book rooms for.

use serde_json::{Map, Value, json};
use wecom_rooms::NonEmptyString;
use wecom_rooms::meeting::get_info::response::MeetingStatus;
use wecom_rooms::meeting::rooms::list_meetings::response::{MeetingInfo, MeetingType, Status};
use wecom_rooms::meeting::{cancel, create, get_info, get_user_meetingid, update};
use wecom_rooms::validate::ValidationError;
use wecom_rooms_runtime::decode::DecodeError;

use crate::protocol::{Endpoint, Refusal, codes, ok, to_value};
use crate::schedule::Meeting;
use crate::world::World;

/// The longest window get_user_meetingid accepts (180 days).
pub const MAX_USER_WINDOW_SECS: u64 = 180 * 86_400;

/// get_user_meetingid's page size when the request has no `limit` (also its maximum).
const USER_MEETINGS_LIMIT: u32 = 100;

/// get_info's `main_department`: the simulator has no directory, so every administrator is
/// in the root department (1).
const MAIN_DEPARTMENT: u32 = 1;

/// The members of create and update that get_info shows back as they were sent (an update
/// merges `settings` and `reminders` member by member). The others
/// are the meeting's own fields (`title`, the times, `admin_userid`, `invitees` as attendees)
/// or are not shown (`cal_id`, `agentid`, update's `remind_time`).
const SHOWN_AS_SENT: &[&str] = &["description", "location", "settings", "reminders", "guests"];

pub(crate) fn create(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    create::request::decode_validated(body).map_err(|e| refuse_plan(&e))?;
    let sent = body_object(body)?;
    let id = NonEmptyString::try_from(world.new_id("meeting-"))
        .map_err(|e| Refusal::invalid(e.to_string()))?;
    let info = MeetingInfo::builder()
        .meetingid(id.clone())
        .meeting_code(world.new_meeting_code())
        .subject(String::new())
        .status(Status::Init)
        .meeting_type(MeetingType::OneOff)
        .start_time(0)
        .end_time(0)
        .build()
        .map_err(|e| Refusal::invalid(e.to_string()))?;
    let mut meeting = Meeting {
        info,
        owner: app,
        rooms: Vec::new(),
        admin: String::new(),
        invitees: Vec::new(),
        plan: Map::new(),
    };
    apply(&mut meeting, sent, now)?;
    let code = &meeting.info.meeting_code;
    let answer = json!({"meetingid": id, "meeting_code": code, "meeting_link": link(code)});
    world.insert_meeting(meeting);
    Ok(ok(answer))
}

pub(crate) fn update(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let request = update::request::decode_validated(body).map_err(|e| refuse_plan(&e))?;
    let mut sent = body_object(body)?;
    sent.remove("meetingid");
    let id = request.meetingid.to_string();
    let meeting = world.own_meeting(app, &id)?;
    scheduled(meeting, now, codes::MEETING_NOT_UPDATABLE, "updated")?;
    let mut changed = meeting.clone();
    apply(&mut changed, sent, now)?;
    world.keeps_its_rooms(&changed)?;
    world.meetings.insert(id, changed);
    Ok(ok(json!({})))
}

pub(crate) fn cancel(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let request = cancel::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let id = request.meetingid.to_string();
    let meeting = world.own_meeting(app, &id)?;
    scheduled(meeting, now, codes::MEETING_NOT_CANCELLABLE, "cancelled")?;
    if request.sub_meetingid.is_some() {
        return Err(no_occurrences());
    }
    if let Some(meeting) = world.meetings.get_mut(&id) {
        meeting.info.status = Status::Cancelled;
    }
    Ok(ok(json!({})))
}

pub(crate) fn get_info(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let request = get_info::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let sent = body_object(body)?;
    let by_id = sent.get("meetingid").and_then(Value::as_str);
    let by_code = sent.get("meeting_code").and_then(Value::as_str);
    let id = match (by_id, by_code) {
        (Some(id), _) => id.to_owned(),
        (None, Some(code)) => (world.meetings.values())
            .find(|m| m.info.meeting_code == code)
            .map(|m| m.info.meetingid.to_string())
            .ok_or_else(|| unknown_code(code))?,
        (None, None) => return Err(Refusal::invalid("meetingid or meeting_code is required")),
    };
    let meeting = world.own_meeting(app, &id)?;
    if by_code.is_some_and(|code| code != meeting.info.meeting_code) {
        return Err(unknown_code(by_code.unwrap_or_default()));
    }
    if request.sub_meetingid.is_some() {
        return Err(no_occurrences());
    }
    let Some(status) = MeetingStatus::from_list_meetings(&meeting.live_status(now)) else {
        return Err(Refusal::new(codes::MEETING_DELETED, "meeting deleted"));
    };
    let info = &meeting.info;
    let mut answer = json!({
        "admin_userid": meeting.admin,
        "title": info.subject,
        "meeting_start": info.start_time,
        "meeting_duration": info.end_time.saturating_sub(info.start_time),
        "description": "",
        "location": "",
        "main_department": MAIN_DEPARTMENT,
        "status": to_value(&status),
        "meeting_type": info.meeting_type.value(),
        "attendees": {"member": attendees(meeting), "tmp_external_user": []},
        "settings": {},
        "reminders": {},
        "meeting_code": info.meeting_code,
        "meeting_link": link(&info.meeting_code),
    });
    for (key, value) in &meeting.plan {
        answer[key.as_str()] = value.clone();
    }
    Ok(ok(answer))
}

pub(crate) fn get_user_meetingid(
    world: &mut World,
    app: usize,
    now: u64,
    body: &[u8],
) -> Result<Value, Refusal> {
    let request =
        get_user_meetingid::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let (begin, end) = user_window(request.begin_time, request.end_time, now)?;
    let userid = request.userid.as_str();
    let mut found: Vec<(u32, &str)> = (world.meetings.values())
        .filter(|m| m.owner == app && m.has_participant(userid))
        .filter(|m| {
            // `end_time` bounds only meetings that have started.
            let start = u64::from(m.info.start_time);
            start >= begin && (start > now || start <= end)
        })
        .map(|m| (m.info.start_time, m.info.meetingid.as_str()))
        .collect();
    found.sort_unstable();
    let ids: Vec<String> = found.into_iter().map(|(_, id)| id.to_owned()).collect();
    // A first call may send "0" as its cursor.
    let cursor = request.cursor.as_deref().filter(|c| *c != "0");
    let limit = request.limit.map_or(USER_MEETINGS_LIMIT, |l| l.get());
    let endpoint = Endpoint::of::<wecom_rooms::endpoints::GetUserMeetingIds>();
    let (shown, next) = super::page_of(world, endpoint, &ids, cursor, limit)?;
    let mut answer = json!({"meetingid_list": shown});
    if let Some(next) = next {
        answer["next_cursor"] = json!(next);
    }
    Ok(ok(answer))
}

/// Sets what create or update `sent` (a valid body, `meetingid` taken out) on `meeting`,
/// after the rules of the pages that the schema cannot state.
fn apply(meeting: &mut Meeting, sent: Map<String, Value>, now: u64) -> Result<(), Refusal> {
    let number = |key: &str| sent.get(key).and_then(Value::as_u64);
    let info = &mut meeting.info;
    if number("meeting_start").is_some_and(|start| start <= now) {
        return Err(Refusal::new(
            codes::START_IN_THE_PAST,
            "meeting_start must be later than now",
        ));
    }
    let start = number("meeting_start").unwrap_or(u64::from(info.start_time));
    let duration = (number("meeting_duration"))
        .unwrap_or(u64::from(info.end_time.saturating_sub(info.start_time)));
    let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(start + duration)) else {
        return Err(Refusal::invalid("the meeting must end before 2106"));
    };
    info.start_time = start;
    info.end_time = end;
    if let Some(title) = sent.get("title").and_then(Value::as_str) {
        title.clone_into(&mut info.subject);
    }
    if let Some(admin) = sent.get("admin_userid").and_then(Value::as_str) {
        admin.clone_into(&mut meeting.admin);
    }
    if let Some(invitees) = sent.get("invitees") {
        meeting.invitees = user_ids(invitees);
    }
    let mut plan = meeting.plan.clone();
    for key in SHOWN_AS_SENT {
        // An update changes the settings and reminders it names and keeps the others.
        match (plan.get_mut(*key), sent.get(*key)) {
            (_, None) => {}
            (Some(Value::Object(old)), Some(Value::Object(new))) => old.extend(new.clone()),
            (_, Some(value)) => {
                plan.insert((*key).to_owned(), value.clone());
            }
        }
    }
    if let Some(Value::Object(settings)) = plan.get_mut("settings") {
        check_settings(settings, meeting)?;
    }
    let repeat = plan.get("reminders").and_then(|r| r.get("is_repeat"));
    meeting.info.meeting_type = if repeat.and_then(Value::as_u64) == Some(1) {
        MeetingType::Recurring
    } else {
        MeetingType::OneOff
    };
    meeting.plan = plan;
    Ok(())
}

/// The settings rules the pages state in words: ring users take part in the meeting, the
/// cloud-recording switches need `auto_record_type` "cloud", and hosts leave out the
/// administrator (the pages say it is filtered out).
fn check_settings(settings: &mut Map<String, Value>, meeting: &Meeting) -> Result<(), Refusal> {
    let ring_users = settings.get("ring_users").map(user_ids).unwrap_or_default();
    if let Some(stranger) = ring_users.iter().find(|u| !meeting.has_participant(u)) {
        return Err(Refusal::new(
            codes::RING_USER_NOT_INVITED,
            format!("ring user {stranger:?} is neither the admin nor invited"),
        ));
    }
    let cloud = settings.get("auto_record_type").and_then(Value::as_str) == Some("cloud");
    for key in ["attendee_join_auto_record", "enable_host_pause_auto_record"] {
        if settings.contains_key(key) && !cloud {
            return Err(Refusal::new(
                codes::INVALID_SETTINGS,
                format!("settings.{key} needs settings.auto_record_type \"cloud\""),
            ));
        }
    }
    if let Some(Value::Array(hosts)) = settings.get_mut("hosts").and_then(|h| h.get_mut("userid")) {
        hosts.retain(|u| u.as_str() != Some(meeting.admin.as_str()));
    }
    Ok(())
}

/// Refuses an update or cancel of a meeting that is no longer 预约 (scheduled).
fn scheduled(meeting: &Meeting, now: u64, late: i32, what: &str) -> Result<(), Refusal> {
    match meeting.live_status(now) {
        Status::Init => Ok(()),
        Status::Cancelled => Err(Refusal::new(codes::MEETING_CANCELLED, "meeting cancelled")),
        Status::Ended => Err(Refusal::new(codes::MEETING_DELETED, "meeting deleted")),
        _ => Err(Refusal::new(
            late,
            format!("a meeting in progress or over cannot be {what}"),
        )),
    }
}

/// The page's code for the first way a create or update body breaks its schema.
fn refuse_plan(error: &DecodeError) -> Refusal {
    let refusal = Refusal::bad_body(error);
    match error {
        DecodeError::Invalid(report) => match report.errors.first() {
            Some(first) => Refusal::new(plan_code(first), refusal.message),
            None => refusal,
        },
        _ => refusal,
    }
}

/// Which documented code a create or update schema violation gets; 40058 when none fits.
fn plan_code(violation: &ValidationError) -> i32 {
    let at = violation.instance_pointer.as_str();
    let item_of = |list: &str| {
        at.strip_prefix(list)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    match (at, violation.keyword) {
        ("/title", _) => codes::INVALID_TITLE,
        ("/settings/password", _) => codes::INVALID_PASSWORD,
        ("/invitees/userid", "maxItems") => codes::TOO_MANY_PARTICIPANTS,
        ("/settings/hosts/userid", "maxItems") => codes::TOO_MANY_HOSTS,
        _ if item_of("/invitees/userid")
            || item_of("/settings/hosts/userid")
            || item_of("/settings/ring_users/userid") =>
        {
            codes::INVALID_PARTICIPANT
        }
        _ if at == "/settings" || at.starts_with("/settings/") => codes::INVALID_SETTINGS,
        _ => codes::INVALID_PARAMETER,
    }
}

/// get_user_meetingid's window: `end_time` defaults to now, `begin_time` to 180 days before
/// the end; at most 180 days.
fn user_window(begin: Option<u32>, end: Option<u32>, now: u64) -> Result<(u64, u64), Refusal> {
    let end = end.map_or(now, u64::from);
    let begin = begin.map_or(end.saturating_sub(MAX_USER_WINDOW_SECS), u64::from);
    if end < begin {
        return Err(Refusal::invalid("end_time is before begin_time"));
    }
    if end - begin > MAX_USER_WINDOW_SECS {
        return Err(Refusal::invalid("the time range must not exceed 180 days"));
    }
    Ok((begin, end))
}

/// get_info's `attendees.member`: the administrator and the invitees, none of whom has
/// joined (the simulator runs no meetings).
fn attendees(meeting: &Meeting) -> Vec<Value> {
    let mut members = vec![meeting.admin.as_str()];
    for userid in &meeting.invitees {
        if !members.contains(&userid.as_str()) {
            members.push(userid);
        }
    }
    (members.into_iter())
        .map(|userid| {
            json!({
                "userid": userid, "status": 2, "first_join_time": 0, "last_quit_time": 0,
                "total_join_count": 0, "cumulative_time": 0
            })
        })
        .collect()
}

/// The `userid` list of an `{"userid": [...]}` object.
fn user_ids(list: &Value) -> Vec<String> {
    (list
        .get("userid")
        .and_then(Value::as_array)
        .into_iter()
        .flatten())
    .filter_map(Value::as_str)
    .map(str::to_owned)
    .collect()
}

/// A body its schema accepted, as an object.
fn body_object(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(members)) => Ok(members),
        _ => Err(Refusal::invalid("the body must be a JSON object")),
    }
}

/// A meeting's 入会链接 (join link), on a reserved example domain: the simulator runs no
/// meetings to join.
fn link(code: &str) -> String {
    format!("https://meeting.example/{code}")
}

fn unknown_code(code: &str) -> Refusal {
    Refusal::new(
        codes::INVALID_MEETING_CODE,
        format!("meeting_code {code:?} is not a meeting of this application"),
    )
}

/// The simulator makes no occurrences of a recurring meeting, so no `sub_meetingid` names one.
fn no_occurrences() -> Refusal {
    Refusal::new(
        codes::INVALID_SUB_MEETING_ID,
        "sub_meetingid is not an occurrence of this meeting",
    )
}

/// The endpoints this module models.
pub(crate) const BEHAVIOURS: &[(&str, super::Behaviour)] = {
    use wecom_rooms::Endpoint as _;
    use wecom_rooms::endpoints::{
        CancelMeeting, CreateMeeting, GetMeetingInfo, GetUserMeetingIds, UpdateMeeting,
    };
    &[
        (CreateMeeting::ENDPOINT.path, create),
        (UpdateMeeting::ENDPOINT.path, update),
        (CancelMeeting::ENDPOINT.path, cancel),
        (GetMeetingInfo::ENDPOINT.path, get_info),
        (GetUserMeetingIds::ENDPOINT.path, get_user_meetingid),
    ]
};
