//! A meeting's state as two pages number it: get_info's `status` (uint32 1–5,
//! [`MeetingStatus`]) and rooms/list_meetings' `status` (`MEETING_STATE_*` strings,
//! [`Status`]). The pairs are listed once, here, and both directions read them.

use crate::meeting::get_info::response::MeetingStatus;
use crate::meeting::rooms::list_meetings::response::Status;

/// The states both pages name, paired by what the pages say they mean, not by their names.
/// list_meetings describes `MEETING_STATE_ENDED` as 已删除 (deleted): get_info has no such state
/// (a deleted meeting is error 730008). get_info's 已结束 (ended) is `MEETING_STATE_NULL`, past
/// its booked end with nobody in it, and its 已过期 (expired) is `MEETING_STATE_RECYCLED`, whose
/// code was reclaimed 30 days after its start. `MEETING_STATE_INVALID` has no number either.
const PAIRS: [(MeetingStatus, Status); 5] = [
    (MeetingStatus::Scheduled, Status::Init),
    (MeetingStatus::InProgress, Status::Started),
    (MeetingStatus::Ended, Status::Null),
    (MeetingStatus::Cancelled, Status::Cancelled),
    (MeetingStatus::Expired, Status::Recycled),
];

impl MeetingStatus {
    /// The get_info state of a rooms/list_meetings state; `None` for the states get_info does
    /// not have (`MEETING_STATE_INVALID`, `MEETING_STATE_ENDED`) and for unknown ones.
    #[must_use]
    pub fn from_list_meetings(state: &Status) -> Option<MeetingStatus> {
        PAIRS
            .iter()
            .find(|(_, s)| s == state)
            .map(|(status, _)| *status)
    }

    /// The rooms/list_meetings state of this get_info state; `None` for an unknown one.
    #[must_use]
    pub fn to_list_meetings(&self) -> Option<Status> {
        PAIRS
            .iter()
            .find(|(status, _)| status == self)
            .map(|(_, state)| state.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_get_info_state_has_one_list_meetings_state_and_back() {
        for status in [
            MeetingStatus::Scheduled,
            MeetingStatus::InProgress,
            MeetingStatus::Ended,
            MeetingStatus::Cancelled,
            MeetingStatus::Expired,
        ] {
            let state = status.to_list_meetings().expect("a named state pairs");
            assert_eq!(MeetingStatus::from_list_meetings(&state), Some(status));
        }
        assert_eq!(MeetingStatus::Unknown(9).to_list_meetings(), None);
    }

    #[test]
    fn states_get_info_lacks_have_no_counterpart() {
        for state in [
            Status::Invalid,
            Status::Ended,
            Status::Unknown("MEETING_STATE_NEW".into()),
        ] {
            assert_eq!(MeetingStatus::from_list_meetings(&state), None, "{state:?}");
        }
        assert_eq!(
            MeetingStatus::from_list_meetings(&Status::Init),
            Some(MeetingStatus::Scheduled)
        );
        assert_eq!(
            MeetingStatus::Expired.to_list_meetings(),
            Some(Status::Recycled)
        );
    }
}
