//! Calls to rooms and MRA addresses, and how their answer status moves on the sim clock.

use std::collections::HashMap;

use crate::seed::CallAnswer;

/// Seconds a call rings before a room that answers (or declines) does so.
pub const ANSWER_AFTER_SECS: u64 = 5;
/// Seconds a call rings before it counts as unanswered (0 无应答, "60秒无回应").
pub const NO_ANSWER_AFTER_SECS: u64 = 60;

/// Who is called: a room, or an MRA address (`protocol` 1 SIP, 2 H.323).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Room(String),
    Mra { protocol: u32, dial_string: String },
}

impl Target {
    /// The target of a request's either-or pair (the request schema holds exactly one).
    pub fn from_pair(room: Option<&str>, mra: Option<(u32, &str)>) -> Option<Target> {
        match (room, mra) {
            (Some(room), None) => Some(Target::Room(room.to_owned())),
            (None, Some((protocol, dial_string))) => Some(Target::Mra {
                protocol,
                dial_string: dial_string.to_owned(),
            }),
            _ => None,
        }
    }
}

/// How an MRA address answers: by its dial string, so a test can pick any outcome.
pub(crate) fn mra_answer(dial_string: &str) -> CallAnswer {
    let lower = dial_string.to_ascii_lowercase();
    if lower.contains("decline") {
        CallAnswer::Decline
    } else if lower.contains("noanswer") {
        CallAnswer::NoAnswer
    } else {
        CallAnswer::Answer
    }
}

#[derive(Debug)]
pub(crate) struct Call {
    pub meetingid: String,
    pub target: Target,
    answer: CallAnswer,
    placed_at: u64,
    meeting_end: u64,
    cancelled_at: Option<u64>,
}

/// get_response_status's `status` values.
pub(crate) mod status {
    pub const NO_ANSWER: u32 = 0;
    pub const NOT_CALLED: u32 = 1;
    pub const JOINED: u32 = 2;
    pub const DECLINED: u32 = 3;
    pub const CALLING: u32 = 4;
    pub const CANCELLED: u32 = 5;
    pub const LEFT: u32 = 6;
}

impl Call {
    /// The status at `now` and when it was reached (Unix seconds).
    pub fn status(&self, now: u64) -> (u32, u64) {
        if let Some(at) = self.cancelled_at {
            return (status::CANCELLED, at);
        }
        let elapsed = now.saturating_sub(self.placed_at);
        let (after, reached) = match self.answer {
            CallAnswer::Answer => (ANSWER_AFTER_SECS, status::JOINED),
            CallAnswer::Decline => (ANSWER_AFTER_SECS, status::DECLINED),
            CallAnswer::NoAnswer => (NO_ANSWER_AFTER_SECS, status::NO_ANSWER),
        };
        if elapsed < after {
            return (status::CALLING, self.placed_at);
        }
        let answered_at = self.placed_at + after;
        if reached == status::JOINED && now >= self.meeting_end {
            return (status::LEFT, self.meeting_end.max(answered_at));
        }
        (reached, answered_at)
    }
}

/// Every call placed, by invite id, and the latest call of each (meeting, target).
#[derive(Debug, Default)]
pub(crate) struct CallBook {
    calls: HashMap<String, Call>,
    latest: HashMap<(String, Target), String>,
}

impl CallBook {
    pub fn place(
        &mut self,
        invite_id: String,
        meetingid: &str,
        target: Target,
        answer: CallAnswer,
        now: u64,
        meeting_end: u64,
    ) {
        let key = (meetingid.to_owned(), target.clone());
        self.latest.insert(key, invite_id.clone());
        let call = Call {
            meetingid: meetingid.to_owned(),
            target,
            answer,
            placed_at: now,
            meeting_end,
            cancelled_at: None,
        };
        self.calls.insert(invite_id, call);
    }

    pub fn get(&self, invite_id: &str) -> Option<&Call> {
        self.calls.get(invite_id)
    }

    pub fn cancel(&mut self, invite_id: &str, now: u64) {
        if let Some(call) = self.calls.get_mut(invite_id) {
            call.cancelled_at.get_or_insert(now);
        }
    }

    /// The latest call of `meetingid` to `target`.
    pub fn latest(&self, meetingid: &str, target: &Target) -> Option<&Call> {
        let key = (meetingid.to_owned(), target.clone());
        self.latest.get(&key).and_then(|id| self.calls.get(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(answer: CallAnswer) -> Call {
        Call {
            meetingid: "m".into(),
            target: Target::Room("r".into()),
            answer,
            placed_at: 1000,
            meeting_end: 2000,
            cancelled_at: None,
        }
    }

    #[test]
    fn an_answering_room_rings_joins_and_leaves() {
        let c = call(CallAnswer::Answer);
        assert_eq!(c.status(1000), (status::CALLING, 1000));
        assert_eq!(c.status(1004), (status::CALLING, 1000));
        assert_eq!(c.status(1005), (status::JOINED, 1005));
        assert_eq!(c.status(2000), (status::LEFT, 2000));
    }

    #[test]
    fn declines_and_silence() {
        assert_eq!(
            call(CallAnswer::Decline).status(1005),
            (status::DECLINED, 1005)
        );
        assert_eq!(
            call(CallAnswer::NoAnswer).status(1059),
            (status::CALLING, 1000)
        );
        assert_eq!(
            call(CallAnswer::NoAnswer).status(1060),
            (status::NO_ANSWER, 1060)
        );
        assert_eq!(mra_answer("sip:DECLINE@x"), CallAnswer::Decline);
        assert_eq!(mra_answer("10.0.0.1"), CallAnswer::Answer);
    }
}
