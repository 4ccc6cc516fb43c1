//! The `wecom-rooms` client against the simulator, end to end: create a meeting, find a room
//! free for it, book it, see the meeting in the room's list, release the room and cancel the
//! meeting, with one token fetched for all of it.
//!
//! `cargo run -p wecom-rooms-sim --example client_flow`

use std::error::Error;

use futures_util::TryStreamExt as _;
use wecom_rooms::client::Client;
use wecom_rooms::common::ScheduledStatus;
use wecom_rooms::endpoints::{
    Book, CancelMeeting, CreateMeeting, GetMeetingInfo, GetToken, List, ListMeetings, Release,
};
use wecom_rooms::meeting::get_info::response::MeetingStatus;
use wecom_rooms::{Bounded, NonEmptyString, NonEmptyVec};
use wecom_rooms_sim::{Endpoint, RunningSimulator, SimConfig, Simulator};

/// What the flow saw, for the test that runs it.
#[derive(Debug)]
pub struct Seen {
    pub meetingid: NonEmptyString,
    pub room_name: String,
    /// Whether the room's list showed the meeting while it was booked, and after the release.
    pub listed_while_booked: bool,
    pub listed_after_release: bool,
    /// get_info's state once the meeting was cancelled.
    pub final_status: MeetingStatus,
    /// gettoken calls the simulator served.
    pub token_fetches: u64,
}

/// Runs the flow against a running simulator.
pub async fn run(sim: &RunningSimulator) -> Result<Seen, Box<dyn Error>> {
    let client = Client::builder("ww0123456789abcdef", "booking-bot-secret")
        .base_url(sim.base_url())
        .build()?;

    // An hour-long meeting tomorrow, by the simulator's clock (WeCom's would be the real one).
    let start = u32::try_from(sim.clock().now_secs() + 86_400)?;
    let hour = 3600;
    let create = CreateMeeting::builder()
        .admin_userid("zhangsan".parse()?)
        .title("Design review".parse()?)
        .meeting_start(start)
        .meeting_duration(Bounded::new(hour).ok_or("an hour is a valid duration")?)
        .build()?;
    let meetingid = client.call(create).await?.meetingid;

    // A bookable room with no meeting in that hour.
    let rooms: Vec<_> = client.paginate(List::new()).try_collect().await?;
    let mut free = None;
    for room in rooms
        .iter()
        .filter(|room| room.scheduled_status == ScheduledStatus::Bookable)
    {
        let in_the_hour = ListMeetings::builder()
            .meeting_room_id(room.meeting_room_id.clone())
            .start_time(start)
            .end_time(start + hour)
            .build()?;
        let taken: Vec<_> = client.paginate(in_the_hour).try_collect().await?;
        if taken.is_empty() {
            free = Some(room);
            break;
        }
    }
    let room = free.ok_or("no room is free in that hour")?;

    // The id create answered is the id book takes: one type, no conversion.
    let booked = NonEmptyVec::new(vec![room.meeting_room_id.clone()]).ok_or("one room")?;
    client
        .call(Book::new(meetingid.clone(), booked.clone()))
        .await?;
    let listed = || async {
        let in_the_hour = ListMeetings::builder()
            .meeting_room_id(room.meeting_room_id.clone())
            .start_time(start)
            .end_time(start + hour)
            .build()?;
        let meetings: Vec<_> = client.paginate(in_the_hour).try_collect().await?;
        Ok::<_, Box<dyn Error>>(meetings.iter().any(|m| m.meetingid == meetingid))
    };
    let listed_while_booked = listed().await?;
    client.call(Release::new(meetingid.clone(), booked)).await?;
    let listed_after_release = listed().await?;

    client.call(CancelMeeting::new(meetingid.clone())).await?;
    let read = GetMeetingInfo::builder()
        .meetingid(meetingid.clone())
        .build();
    let final_status = client.call(read).await?.status;

    Ok(Seen {
        meetingid,
        room_name: room.meeting_room_name.clone(),
        listed_while_booked,
        listed_after_release,
        final_status,
        token_fetches: sim.requests_to(Endpoint::of::<GetToken>()),
    })
}

#[cfg_attr(test, allow(dead_code))]
#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let sim = Simulator::start(SimConfig::new()).await?;
    let seen = run(&sim).await?;
    println!(
        "meeting {} booked in {} (listed: {}), released (listed: {}), now {:?}",
        seen.meetingid,
        seen.room_name,
        seen.listed_while_booked,
        seen.listed_after_release,
        seen.final_status
    );
    println!("token fetches: {}", seen.token_fetches);
    Ok(())
}
