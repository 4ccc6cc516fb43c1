//! Meetings: what `meeting/create` and `meeting/update` set, the rooms booked for them, and
//! the state the clock gives them.

use serde_json::{Map, Value};
use wecom_rooms::meeting::rooms::list_meetings::response::{MeetingInfo, Status};

/// A meeting, its owner (an index into `apps`) and its booked rooms, in booking order.
#[derive(Clone, Debug)]
pub(crate) struct Meeting {
    /// What list_meetings shows of it; `status` is the stored state, which the clock moves on
    /// (see [`Meeting::live_status`]).
    pub info: MeetingInfo,
    pub owner: usize,
    pub rooms: Vec<String>,
    /// `admin_userid`: the member who administers it.
    pub admin: String,
    /// `invitees.userid`, in the order sent.
    pub invitees: Vec<String>,
    /// The other members create and update set (description, location, settings, reminders,
    /// hosts…), as sent, for get_info to show back.
    pub plan: Map<String, Value>,
}

impl Meeting {
    /// The state now: a stored 待开始, 进行中 or 无状态 is the one the clock says; cancelled,
    /// deleted and recycled meetings stay so.
    pub fn live_status(&self, now: u64) -> Status {
        let info = &self.info;
        if !matches!(info.status, Status::Init | Status::Started | Status::Null) {
            return info.status.clone();
        }
        if now < u64::from(info.start_time) {
            Status::Init
        } else if now < u64::from(info.end_time) {
            Status::Started
        } else {
            Status::Null
        }
    }

    /// What list_meetings shows now.
    pub fn listed(&self, now: u64) -> MeetingInfo {
        let mut info = self.info.clone();
        info.status = self.live_status(now);
        info
    }

    /// Whether the member `userid` takes part: the administrator or an invitee.
    pub fn has_participant(&self, userid: &str) -> bool {
        self.admin == userid || self.invitees.iter().any(|u| u == userid)
    }

    /// Whether the meeting holds its rooms: a cancelled or deleted one frees them.
    pub fn holds_rooms(&self) -> bool {
        !matches!(self.info.status, Status::Cancelled | Status::Ended)
    }
}
