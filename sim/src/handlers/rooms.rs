//! get_info, get_config, get_inventory and the three paginated listings.

use serde_json::{Value, json};
use wecom_rooms::meeting::rooms::list::response::MeetingRoom;
use wecom_rooms::meeting::rooms::list_controllers::response::ControllerInfo;
use wecom_rooms::meeting::rooms::list_devices::response::DeviceInfo;
use wecom_rooms::meeting::rooms::{
    get_config, get_info, get_inventory, list, list_controllers, list_devices,
};

use crate::protocol::{Endpoint, Refusal, ok, to_value};
use crate::world::World;

pub(crate) fn get_info(world: &mut World, body: &[u8]) -> Result<Value, Refusal> {
    let request = get_info::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let room = world.known_room(&request.meeting_room_id)?;
    let details = &room.details;
    Ok(ok(json!({
        "basic_info": to_value(&details.basic_info),
        "account_info": to_value(&details.account_info),
        "hardware_info": to_value(&details.hardware_info),
        "pmi_info": to_value(&details.pmi_info),
        "monitor_status": to_value(&details.monitor_status),
        "is_allow_call": room.list.is_allow_call,
        "scheduled_status": to_value(&room.list.scheduled_status),
    })))
}

pub(crate) fn get_config(world: &mut World, body: &[u8]) -> Result<Value, Refusal> {
    let request = get_config::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let room = world.known_room(&request.meeting_room_id)?;
    Ok(ok(json!({
        "meeting_settings": to_value(&room.settings.meeting_settings),
        "record_settings": to_value(&room.settings.record_settings),
    })))
}

/// get_inventory: its page documents no body, so an empty body counts as `{}`.
pub(crate) fn get_inventory(world: &mut World, body: &[u8]) -> Result<Value, Refusal> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    get_inventory::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    Ok(ok(to_value(&world.inventory)))
}

/// Whether `name` contains `filter` (模糊匹配: a substring, case-insensitive for ASCII).
fn matches(name: &str, filter: Option<&str>) -> bool {
    filter.is_none_or(|f| name.to_lowercase().contains(&f.to_lowercase()))
}

pub(crate) fn list(world: &mut World, body: &[u8]) -> Result<Value, Refusal> {
    let request = list::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let filter = request.meeting_room_name.as_deref();
    let rooms: Vec<MeetingRoom> = world
        .rooms
        .iter()
        .filter(|room| matches(&room.list.meeting_room_name, filter))
        .map(|room| room.list.clone())
        .collect();
    let cursor = request.cursor.as_deref();
    super::page(
        world,
        Endpoint::of::<wecom_rooms::endpoints::List>(),
        "meeting_room_list",
        &rooms,
        cursor,
        request.limit.map(|l| l.get()),
    )
}

pub(crate) fn list_devices(world: &mut World, body: &[u8]) -> Result<Value, Refusal> {
    let request =
        list_devices::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let filter = request.meeting_room_name.as_deref();
    let devices: Vec<DeviceInfo> = world
        .devices
        .iter()
        .filter(|device| matches(&device.meeting_room_name, filter))
        .cloned()
        .collect();
    let cursor = request.cursor.as_deref();
    super::page(
        world,
        Endpoint::of::<wecom_rooms::endpoints::ListDevices>(),
        "device_info_list",
        &devices,
        cursor,
        request.limit.map(|l| l.get()),
    )
}

pub(crate) fn list_controllers(world: &mut World, body: &[u8]) -> Result<Value, Refusal> {
    let request =
        list_controllers::request::decode_validated(body).map_err(|e| Refusal::bad_body(&e))?;
    let filter = request.controller_name.as_deref();
    let controllers: Vec<ControllerInfo> = world
        .controllers
        .iter()
        .filter(|controller| matches(&controller.controller_name, filter))
        .cloned()
        .collect();
    let cursor = request.cursor.as_deref();
    let key = "controller_info_list";
    super::page(
        world,
        Endpoint::of::<wecom_rooms::endpoints::ListControllers>(),
        key,
        &controllers,
        cursor,
        request.limit.map(|l| l.get()),
    )
}

/// The endpoints this module models.
pub(crate) const BEHAVIOURS: &[(&str, super::Behaviour)] = {
    use wecom_rooms::Endpoint as _;
    use wecom_rooms::endpoints::{
        GetConfig, GetInfo, GetInventory, List, ListControllers, ListDevices,
    };
    &[
        (GetInfo::ENDPOINT.path, |w, _, _, b| get_info(w, b)),
        (GetConfig::ENDPOINT.path, |w, _, _, b| get_config(w, b)),
        (GetInventory::ENDPOINT.path, |w, _, _, b| {
            get_inventory(w, b)
        }),
        (List::ENDPOINT.path, |w, _, _, b| list(w, b)),
        (ListDevices::ENDPOINT.path, |w, _, _, b| list_devices(w, b)),
        (ListControllers::ENDPOINT.path, |w, _, _, b| {
            list_controllers(w, b)
        }),
    ]
};
