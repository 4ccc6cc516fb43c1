//! The `wecom-rooms` client against the simulator: list every room, book a free one for a
//! meeting, read its details and release it, with one token fetched for all of it.
//!
//! `cargo run -p wecom-rooms-sim --example client_flow`

use futures_util::TryStreamExt as _;
use wecom_rooms::client::Client;
use wecom_rooms::common::ScheduledStatus;
use wecom_rooms::endpoints::{Book, GetInfo, GetToken, List, Release};
use wecom_rooms::{NonEmptyString, NonEmptyVec};
use wecom_rooms_sim::{Endpoint, SimConfig, Simulator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start(SimConfig::new()).await?;
    let client = Client::builder("ww0123456789abcdef", "booking-bot-secret")
        .base_url(sim.base_url())
        .build()?;

    let rooms: Vec<_> = client.paginate(List::new()).try_collect().await?;
    let free = rooms
        .iter()
        .rev()
        .find(|room| room.scheduled_status == ScheduledStatus::Bookable)
        .ok_or("no bookable room")?;
    // The id a list yields is the id every request takes: no conversion.
    let id = free.meeting_room_id.clone();
    let ids = NonEmptyVec::new(vec![id.clone()]).ok_or("one room")?;
    let meeting = NonEmptyString::try_from("meeting-review")?;
    client.call(Book::new(meeting.clone(), ids.clone())).await?;
    let room = client.call(GetInfo::new(id)).await?;
    client.call(Release::new(meeting, ids)).await?;

    println!(
        "{} rooms; booked and released {}",
        rooms.len(),
        room.basic_info.meeting_room_name
    );
    println!(
        "token fetches: {}",
        sim.requests_to(Endpoint::of::<GetToken>())
    );
    Ok(())
}
