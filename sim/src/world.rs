//! The simulator's in-memory state, built from a [`SeedState`], and its bookkeeping: tokens,
//! cursors, the rate limit and the fault draws.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use wecom_rooms::common::ScheduledStatus;
use wecom_rooms::meeting::rooms::get_config::response::AutoResponse;
use wecom_rooms::meeting::rooms::list::response::MeetingRoom;
use wecom_rooms::meeting::rooms::list_controllers::response::ControllerInfo;
use wecom_rooms::meeting::rooms::list_devices::response::DeviceInfo;
use wecom_rooms::meeting::rooms::list_meetings::response::{MeetingType, Status};

use crate::Error;
use crate::calls::CallBook;
use crate::faults::{self, Draw, FaultCounts, Faults};
use crate::protocol::{Endpoint, Refusal, codes};
use crate::schedule::Meeting;
use crate::seed::{
    App, CallAnswer, Inventory, MeetingSeed, RoomDetails, RoomSeed, RoomSettings, SeedState,
};

/// A room with everything the endpoints answer about it.
#[derive(Debug)]
pub(crate) struct Room {
    pub list: MeetingRoom,
    pub details: RoomDetails,
    pub settings: RoomSettings,
    pub call_answer: CallAnswer,
}

#[derive(Debug)]
struct Token {
    app: usize,
    issued_at: u64,
    expires_at: u64,
    invalidated: bool,
}

/// A listing's position: which endpoint it pages, with which `limit`, from where.
#[derive(Debug)]
pub(crate) struct Cursor {
    pub endpoint: Endpoint,
    pub limit: u32,
    pub offset: usize,
}

/// The longest meeting rooms can be booked for (24 hours).
pub const MAX_MEETING_SECS: u64 = 24 * 3600;

/// At most this many tokens or cursors are kept; past it the oldest-looking go.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug)]
pub(crate) struct World {
    pub apps: Vec<App>,
    pub rooms: Vec<Room>,
    room_index: HashMap<String, usize>,
    pub devices: Vec<DeviceInfo>,
    pub controllers: Vec<ControllerInfo>,
    pub inventory: Inventory,
    pub meetings: HashMap<String, Meeting>,
    /// Every meeting's code, so that a new one is unique.
    meeting_codes: HashSet<String>,
    pub calls: CallBook,
    pub faults: Faults,
    pub counts: FaultCounts,
    pub expires_in: u32,
    tokens: HashMap<String, Token>,
    cursors: HashMap<String, Cursor>,
    windows: HashMap<String, (u64, u32)>,
    fault_rng: fastrand::Rng,
    id_rng: fastrand::Rng,
}

impl World {
    /// Builds the state, refusing a seed that contradicts itself.
    pub fn new(seed: SeedState, rng_seed: u64, expires_in: u32) -> Result<World, Error> {
        seed.faults.check().map_err(Error::invalid)?;
        let mut names = HashSet::new();
        for app in &seed.apps {
            if !names.insert(app.name.as_str()) {
                return Err(Error::invalid(format!("two apps are named {:?}", app.name)));
            }
        }
        let mut rooms = Vec::with_capacity(seed.rooms.len());
        let mut room_index = HashMap::new();
        for room in seed.rooms {
            let id = room.meeting_room.meeting_room_id.to_string();
            if room_index.insert(id.clone(), rooms.len()).is_some() {
                return Err(Error::invalid(format!("two rooms have the id {id:?}")));
            }
            rooms.push(build_room(room)?);
        }
        let mut world = World {
            rooms,
            room_index,
            devices: seed.devices,
            controllers: seed.controllers,
            inventory: seed.inventory,
            meetings: HashMap::new(),
            meeting_codes: HashSet::new(),
            calls: CallBook::default(),
            faults: seed.faults,
            counts: FaultCounts::default(),
            expires_in,
            tokens: HashMap::new(),
            cursors: HashMap::new(),
            windows: HashMap::new(),
            fault_rng: fastrand::Rng::with_seed(rng_seed),
            id_rng: fastrand::Rng::with_seed(rng_seed ^ 0x5EED_5EED_5EED_5EED),
            apps: seed.apps,
        };
        for seed in seed.meetings {
            world.add_seeded_meeting(seed)?;
        }
        Ok(world)
    }

    /// Adds a seeded meeting, with the rooms its seed books; its administrator is the owning
    /// application's name when the seed names none.
    pub fn add_seeded_meeting(&mut self, seed: MeetingSeed) -> Result<(), Error> {
        let id = seed.meeting.meetingid.to_string();
        let owner = (self.apps.iter())
            .position(|app| app.name == seed.owner)
            .ok_or_else(|| {
                Error::invalid(format!("meeting {id:?}: no app is named {:?}", seed.owner))
            })?;
        if self.meetings.contains_key(&id) {
            return Err(Error::invalid(format!("two meetings have the id {id:?}")));
        }
        let meeting = Meeting {
            info: seed.meeting,
            owner,
            rooms: Vec::new(),
            admin: seed.admin_userid.unwrap_or(seed.owner),
            invitees: seed.invitees,
            plan: serde_json::Map::new(),
        };
        self.insert_meeting(meeting);
        let rooms = seed.meeting_room_id_list;
        let booked = self.book_rooms(&id, &rooms);
        if let Err(refusal) = booked {
            self.meetings.remove(&id);
            return Err(Error::invalid(format!(
                "meeting {id:?}: {}",
                refusal.message
            )));
        }
        Ok(())
    }

    /// Books `rooms` for the meeting `meetingid` (which exists), all or none: refused when the
    /// meeting cannot have rooms, or any room is unknown, not bookable, or booked by another
    /// meeting at an overlapping time. Rooms the meeting already has stay booked.
    pub fn book_rooms(&mut self, meetingid: &str, rooms: &[String]) -> Result<(), Refusal> {
        let Some(meeting) = self.meetings.get(meetingid) else {
            return Err(Refusal::new(
                codes::INVALID_MEETING_ID,
                "meetingid is not a meeting",
            ));
        };
        self.check_booking(meeting, rooms)?;
        if let Some(meeting) = self.meetings.get_mut(meetingid) {
            for id in rooms {
                if !meeting.rooms.contains(id) {
                    meeting.rooms.push(id.clone());
                }
            }
        }
        Ok(())
    }

    /// Whether a changed `meeting` (an update not yet stored) can keep the rooms booked for
    /// it: the rules of booking, at its new time and with its new recurrence.
    pub fn keeps_its_rooms(&self, meeting: &Meeting) -> Result<(), Refusal> {
        self.check_booking(meeting, &meeting.rooms)
    }

    /// Whether `rooms` can be booked for `meeting` as it stands.
    fn check_booking(&self, meeting: &Meeting, rooms: &[String]) -> Result<(), Refusal> {
        if rooms.is_empty() {
            return Ok(());
        }
        let info = &meeting.info;
        match info.status {
            Status::Cancelled => {
                return Err(Refusal::new(codes::MEETING_CANCELLED, "meeting cancelled"));
            }
            Status::Ended => return Err(Refusal::new(codes::MEETING_DELETED, "meeting deleted")),
            _ => {}
        }
        if info.meeting_type == MeetingType::Recurring {
            return Err(Refusal::new(
                codes::UNSUPPORTED_MEETING_TYPE,
                "rooms cannot be booked for a recurring meeting",
            ));
        }
        let (start, end) = (u64::from(info.start_time), u64::from(info.end_time));
        if end <= start || end - start > MAX_MEETING_SECS {
            return Err(Refusal::invalid(format!(
                "rooms can be booked only for a meeting of at most 24 hours; this one lasts {} s",
                end.saturating_sub(start)
            )));
        }
        let meetingid = info.meetingid.as_str();
        for id in rooms {
            let room = self.known_room(id)?;
            if room.list.scheduled_status != ScheduledStatus::Bookable {
                return Err(Refusal::new(
                    codes::ROOM_NOT_BOOKABLE,
                    format!("meeting room {id:?} is not open for booking"),
                ));
            }
            let clash = self.meetings.iter().find(|(other_id, other)| {
                other_id.as_str() != meetingid
                    && other.holds_rooms()
                    && other.rooms.iter().any(|r| r == id)
                    && u64::from(other.info.start_time) < end
                    && start < u64::from(other.info.end_time)
            });
            if let Some((other_id, _)) = clash {
                return Err(Refusal::invalid(format!(
                    "meeting room {id:?} is already booked for meeting {other_id:?} at an overlapping time"
                )));
            }
        }
        Ok(())
    }

    /// A fresh nine-digit meeting code (会议号) no meeting has.
    pub fn new_meeting_code(&mut self) -> String {
        loop {
            let code = self.id_rng.u32(100_000_000..1_000_000_000).to_string();
            if !self.meeting_codes.contains(&code) {
                return code;
            }
        }
    }

    /// Stores `meeting` under its id (a new one: ids come from [`World::new_id`]).
    pub fn insert_meeting(&mut self, meeting: Meeting) {
        self.meeting_codes.insert(meeting.info.meeting_code.clone());
        self.meetings
            .insert(meeting.info.meetingid.to_string(), meeting);
    }

    pub fn room(&self, id: &str) -> Option<&Room> {
        self.room_index.get(id).map(|&i| &self.rooms[i])
    }

    /// The room `id`, or 40058.
    pub fn known_room(&self, id: &str) -> Result<&Room, Refusal> {
        self.room(id)
            .ok_or_else(|| Refusal::invalid(format!("meeting_room_id {id:?} is not a room")))
    }

    /// The meeting `id` if `app` created it: 90602 when there is none, 730005 when another
    /// application created it.
    pub fn own_meeting(&self, app: usize, id: &str) -> Result<&Meeting, Refusal> {
        let meeting = self.meetings.get(id).ok_or_else(|| {
            Refusal::new(
                codes::INVALID_MEETING_ID,
                format!("meetingid {id:?} is not a meeting"),
            )
        })?;
        if meeting.owner != app {
            return Err(Refusal::new(
                codes::NOT_OWN_MEETING,
                format!("meeting {id:?} was created by another application"),
            ));
        }
        Ok(meeting)
    }

    /// Draws this request's random faults.
    pub fn draw_faults(&mut self) -> Draw {
        let draw = faults::draw(&self.faults, &mut self.fault_rng);
        self.counts.dropped += u64::from(draw.drop);
        if !draw.drop {
            self.counts.delayed += u64::from(draw.delay_ms.is_some());
            self.counts.errors += u64::from(draw.error);
        }
        draw
    }

    /// A fresh random id: `prefix` and 32 letters and digits.
    pub fn new_id(&mut self, prefix: &str) -> String {
        let mut id = String::with_capacity(prefix.len() + 32);
        id.push_str(prefix);
        for _ in 0..32 {
            id.push(self.id_rng.alphanumeric());
        }
        id
    }

    /// Issues a token for `app`.
    pub fn issue_token(&mut self, app: usize, now: u64) -> String {
        if self.tokens.len() >= MAX_ENTRIES {
            self.tokens
                .retain(|_, t| t.expires_at > now && !t.invalidated);
        }
        let token = self.new_id("");
        let expires_at = now.saturating_add(u64::from(self.expires_in));
        let entry = Token {
            app,
            issued_at: now,
            expires_at,
            invalidated: false,
        };
        self.tokens.insert(token.clone(), entry);
        token
    }

    /// Makes every token issued so far stop working (40014).
    pub fn invalidate_tokens(&mut self) {
        for token in self.tokens.values_mut() {
            token.invalidated = true;
        }
    }

    /// The app a token belongs to, or why it does not work; then the rate limit.
    pub fn authenticate(&mut self, token: Option<&str>, now: u64) -> Result<usize, Refusal> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Err(Refusal::new(codes::MISSING_TOKEN, "missing access_token"));
        };
        let Some(entry) = self.tokens.get(token) else {
            return Err(Refusal::new(codes::INVALID_TOKEN, "invalid access_token"));
        };
        if now >= entry.expires_at {
            return Err(Refusal::new(codes::TOKEN_EXPIRED, "access_token expired"));
        }
        let lifetime_over = self
            .faults
            .token_lifetime_secs
            .is_some_and(|secs| now >= entry.issued_at.saturating_add(secs));
        if entry.invalidated || lifetime_over {
            self.counts.invalidated_tokens += 1;
            return Err(Refusal::new(codes::INVALID_TOKEN, "invalid access_token"));
        }
        let app = entry.app;
        if let Some(limit) = self.faults.rate_limit {
            let window = now / limit.window_secs.max(1);
            let slot = self.windows.entry(token.to_owned()).or_insert((window, 0));
            if slot.0 != window {
                *slot = (window, 0);
            }
            if slot.1 >= limit.calls {
                self.counts.rate_limited += 1;
                return Err(Refusal::new(codes::RATE_LIMITED, "api freq out of limit"));
            }
            slot.1 += 1;
        }
        Ok(app)
    }

    /// A new cursor for `endpoint` positioned at `offset`.
    pub fn new_cursor(&mut self, endpoint: Endpoint, limit: u32, offset: usize) -> String {
        if self.cursors.len() >= MAX_ENTRIES {
            self.cursors.clear();
        }
        let id = self.new_id("cursor-");
        self.cursors.insert(
            id.clone(),
            Cursor {
                endpoint,
                limit,
                offset,
            },
        );
        id
    }

    /// Where a listing resumes: offset 0 without a cursor; 40058 for a cursor that is unknown,
    /// from another endpoint, or obtained with another `limit`.
    pub fn resume(
        &self,
        endpoint: Endpoint,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<usize, Refusal> {
        let Some(cursor) = cursor else { return Ok(0) };
        match self.cursors.get(cursor) {
            Some(c) if c.endpoint != endpoint => {
                Err(Refusal::invalid("cursor belongs to another listing"))
            }
            Some(c) if c.limit != limit => Err(Refusal::invalid(format!(
                "limit must stay {} as when this cursor was obtained, found {limit}",
                c.limit
            ))),
            Some(c) => Ok(c.offset),
            None => Err(Refusal::invalid("cursor is not valid")),
        }
    }
}

/// A room from its seed, with defaults for what the seed leaves out and the shared members
/// taken from the `list` record.
fn build_room(seed: RoomSeed) -> Result<Room, Error> {
    let list = seed.meeting_room;
    let id = list.meeting_room_id.clone();
    let bad =
        |what: &str, e: serde_json::Error| Error::invalid(format!("room {id:?}: {what}: {e}"));
    let mut details = match seed.details {
        Some(details) => details,
        None => serde_json::from_value(default_details(&list)).map_err(|e| bad("details", e))?,
    };
    details.basic_info.meeting_room_name = list.meeting_room_name.clone();
    details.basic_info.participant_number = list.participant_number;
    details.account_info.account_type = list.account_type;
    details.hardware_info.meeting_room_status = list.meeting_room_status;
    let settings = match seed.settings {
        Some(settings) => settings,
        None => serde_json::from_value(default_settings()).map_err(|e| bad("settings", e))?,
    };
    let auto = settings.meeting_settings.auto_response == AutoResponse::On;
    let call_answer = seed.call_answer.unwrap_or(if auto {
        CallAnswer::Answer
    } else {
        CallAnswer::NoAnswer
    });
    Ok(Room {
        list,
        details,
        settings,
        call_answer,
    })
}

fn default_details(list: &MeetingRoom) -> serde_json::Value {
    let text = "";
    json!({
        "basic_info": {
            "rooms_id_list": [], "meeting_room_name": list.meeting_room_name, "city": text,
            "building": text, "floor": text, "participant_number": list.participant_number,
            "device": "ROOMS", "desc": text, "password": text
        },
        "account_info": {"account_type": list.account_type.value(), "valid_period": "-"},
        "hardware_info": {
            "factory": text, "device_model": text, "sn": text, "ip": text, "mac": text,
            "rooms_version": text, "firmware_version": text, "health_status": text,
            "system_type": text, "meeting_room_status": list.meeting_room_status.value(),
            "active_time": text, "cpu_info": text, "cpu_usage": text, "gpu_info": text,
            "net_type": text, "memory_info": text, "monitor_frequency": text,
            "camera_model": text, "enable_video_mirror": false, "microphone_info": text,
            "speaker_info": text
        },
        "pmi_info": {"pmi_code": text, "pmi_pwd": text},
        "monitor_status": 0
    })
}

fn default_settings() -> serde_json::Value {
    json!({
        "meeting_settings": {
            "water_mark": 0, "auto_response": 1, "caption": false, "room_pmi": false,
            "room_notification": true
        },
        "record_settings": {"share_record": 0, "download_record": false}
    })
}
