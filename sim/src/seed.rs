//! The state file: what the simulator starts with (format in `README.md`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use wecom_rooms::meeting::rooms::get_config::response::{MeetingSettings, RecordSettings};
use wecom_rooms::meeting::rooms::get_info::response::{
    AccountInfo, BasicInfo, HardwareInfo, MonitorStatus, PmiInfo,
};
use wecom_rooms::meeting::rooms::list::response::MeetingRoom;
use wecom_rooms::meeting::rooms::list_controllers::response::ControllerInfo;
use wecom_rooms::meeting::rooms::list_devices::response::DeviceInfo;
use wecom_rooms::meeting::rooms::list_meetings::response::MeetingInfo;

use crate::Error;
use crate::faults::Faults;

/// The example state shipped as `examples/seed.json`.
pub const EXAMPLE_SEED: &str = include_str!("../examples/seed.json");

/// Everything the simulator starts with: one company's applications, rooms, devices,
/// controllers, meetings and inventory, and the faults to inject.
///
/// Records reuse the `wecom-rooms` response types, so a record is written in the state file
/// exactly as WeCom sends it. Every member but `apps` may be left out.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedState {
    /// The applications that may get a token (corp ID and secret pairs).
    #[serde(default)]
    pub apps: Vec<App>,
    /// The rooms, in the order `list` returns them.
    #[serde(default)]
    pub rooms: Vec<RoomSeed>,
    /// The Rooms devices, in the order `list_devices` returns them.
    #[serde(default)]
    pub devices: Vec<DeviceInfo>,
    /// The controllers, in the order `list_controllers` returns them.
    #[serde(default)]
    pub controllers: Vec<ControllerInfo>,
    /// The meetings that applications created (book, release, call and list_meetings act on
    /// these; no Rooms endpoint creates a meeting).
    #[serde(default)]
    pub meetings: Vec<MeetingSeed>,
    /// What get_inventory answers.
    #[serde(default)]
    pub inventory: Inventory,
    /// The faults to inject from the start.
    #[serde(default)]
    pub faults: Faults,
}

/// A self-built application that may call the Rooms endpoints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct App {
    /// A name for the application, unique in the state; meetings name their owner by it.
    pub name: String,
    /// The company's corp ID (企业ID).
    pub corpid: String,
    /// The application's secret (应用的凭证密钥).
    pub corpsecret: String,
}

impl App {
    /// An application called `name` that gets tokens with `corpid` and `corpsecret`.
    #[must_use]
    pub fn new(name: &str, corpid: &str, corpsecret: &str) -> Self {
        App {
            name: name.to_owned(),
            corpid: corpid.to_owned(),
            corpsecret: corpsecret.to_owned(),
        }
    }
}

/// A room: its `list` record, and optionally its get_info details and get_config settings.
///
/// The `list` record is the one source of what several answers share: get_info's
/// `basic_info.meeting_room_name`, `basic_info.participant_number`, `account_info.account_type`,
/// `hardware_info.meeting_room_status`, `is_allow_call` and `scheduled_status` are taken from it,
/// whatever `details` says. Left out, `details` and `settings` get plain defaults.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RoomSeed {
    /// The room as `list` returns it.
    pub meeting_room: MeetingRoom,
    /// get_info's details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<RoomDetails>,
    /// get_config's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<RoomSettings>,
    /// How the room answers a call; by default it answers when its `auto_response` is 1
    /// (开启) and does not answer otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_answer: Option<CallAnswer>,
}

impl RoomSeed {
    /// A room with only its `list` record.
    #[must_use]
    pub fn new(meeting_room: MeetingRoom) -> Self {
        RoomSeed {
            meeting_room,
            details: None,
            settings: None,
            call_answer: None,
        }
    }
}

/// get_info's members of a room, without the envelope.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RoomDetails {
    /// Basic information (name and capacity come from the `list` record).
    pub basic_info: BasicInfo,
    /// The account (its type comes from the `list` record).
    pub account_info: AccountInfo,
    /// The hardware (its status comes from the `list` record).
    pub hardware_info: HardwareInfo,
    /// The personal meeting ID.
    pub pmi_info: PmiInfo,
    /// Whether alarm notification is on.
    pub monitor_status: MonitorStatus,
}

/// get_config's members of a room, without the envelope.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RoomSettings {
    /// Meeting settings.
    pub meeting_settings: MeetingSettings,
    /// Recording settings.
    pub record_settings: RecordSettings,
}

/// How a called room (or MRA address) answers, on the sim clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CallAnswer {
    /// 4 呼叫中 for 5 s, then 2 入会中 (and 6 已离会 once the meeting's end time passes).
    Answer,
    /// 4 呼叫中 for 5 s, then 3 被拒绝.
    Decline,
    /// 4 呼叫中 for 60 s, then 0 无应答.
    NoAnswer,
}

/// A meeting that an application created, with the rooms booked for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MeetingSeed {
    /// The [`App::name`] of the application that created it.
    pub owner: String,
    /// The meeting as list_meetings returns it.
    pub meeting: MeetingInfo,
    /// The rooms booked for it from the start.
    #[serde(default)]
    pub meeting_room_id_list: Vec<String>,
    /// The member who administers it (get_info's `admin_userid`); the owner's [`App::name`]
    /// when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_userid: Option<String>,
    /// The members invited (get_info's attendees; get_user_meetingid lists the meeting for
    /// them and for the administrator).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invitees: Vec<String>,
}

impl MeetingSeed {
    /// A meeting created by the application `owner`, with no room booked.
    #[must_use]
    pub fn new(owner: &str, meeting: MeetingInfo) -> Self {
        MeetingSeed {
            owner: owner.to_owned(),
            meeting,
            meeting_room_id_list: Vec::new(),
            admin_userid: None,
            invitees: Vec::new(),
        }
    }
}

/// get_inventory's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Inventory {
    /// 普通设备数.
    pub normal_count: u32,
    /// 专款设备数.
    pub special_count: u32,
    /// 普通设备使用数.
    pub normal_used_count: u32,
    /// 专款设备使用数.
    pub special_used_count: u32,
    /// 普通设备过期数.
    pub normal_expired_count: u32,
    /// 专款设备过期数.
    pub special_expired_count: u32,
}

impl SeedState {
    /// Reads a state from JSON text.
    ///
    /// # Errors
    ///
    /// [`Error::ParseState`] when the text is not a state.
    pub fn from_json(bytes: &[u8]) -> Result<Self, Error> {
        serde_json::from_slice(bytes).map_err(|source| Error::ParseState { source })
    }

    /// Reads a state from a JSON file.
    ///
    /// # Errors
    ///
    /// [`Error::ReadState`] when the file cannot be read, [`Error::ParseState`] when it is not
    /// a state.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::ReadState {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&bytes)
    }

    /// The example state of `examples/seed.json`: two applications, four rooms, devices,
    /// controllers, three meetings and an inventory.
    #[must_use]
    pub fn example() -> Self {
        // The file ships with the crate and a unit test parses it.
        #[allow(clippy::expect_used)]
        Self::from_json(EXAMPLE_SEED.as_bytes()).expect("examples/seed.json is a valid state")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses() {
        let seed = SeedState::example();
        assert!(seed.apps.len() >= 2);
        assert!(seed.rooms.len() >= 3);
        assert!(!seed.devices.is_empty() && !seed.controllers.is_empty());
        assert!(!seed.meetings.is_empty());
    }

    #[test]
    fn unknown_members_are_refused() {
        let error = SeedState::from_json(br#"{"appz": []}"#).unwrap_err();
        let cause = std::error::Error::source(&error).map(ToString::to_string);
        assert!(cause.is_some_and(|c| c.contains("appz")), "{error:?}");
    }
}
