//! Roots generated together: a definition they share is one type, so a value one root's type
//! yields is what another root's type takes.

use crate::shared::{
    chain, defs_in_a_root, pagination_without_has_more, shared_refers_to_root, two_roots,
};

#[test]
fn an_identifier_a_response_yields_is_what_a_request_takes() {
    let body =
        br#"{"code": 0, "message": "ok", "room_id": "R1", "status": 1, "neighbours": [0, 1]}"#;
    let room = two_roots::room::decode_validated(body).expect("a valid room");
    assert_eq!(room.status, two_roots::defs::Status::Busy);
    // No conversion: the response's id is the request's id type.
    let lookup = two_roots::lookup::Lookup::new(room.room_id.clone());
    assert!(two_roots::lookup::is_valid(
        &serde_json::to_value(&lookup).unwrap()
    ));
    // The request still cannot hold an empty id, and a response that sends one is invalid.
    assert!("".parse::<wecom_rooms_runtime::NonEmptyString>().is_err());
    let empty = br#"{"code": 0, "message": "ok", "room_id": "", "status": 1}"#;
    assert!(two_roots::room::decode_validated(empty).is_err());
}

#[test]
fn a_shared_closed_set_keeps_unknown_values_for_the_roots_that_read_it() {
    let body = br#"{"envelope": {"code": 3, "message": "x"}, "statuses": {"a": 0, "b": 9}}"#;
    let rooms = two_roots::rooms::decode_validated(body);
    // 9 is outside the schema's set: invalid, yet the type alone still decodes it.
    assert!(rooms.is_err());
    let typed: two_roots::rooms::Rooms = serde_json::from_slice(body).expect("decodes");
    let statuses = typed.statuses.expect("statuses");
    assert_eq!(statuses["b"], two_roots::defs::Status::Unknown(9));
    let envelope: &two_roots::defs::Envelope = &typed.envelope;
    assert_eq!(envelope.code, 3);
}

#[test]
fn a_chain_of_shared_files_gives_one_type_per_definition() {
    let body = br#"{"booking": {"meeting": "m", "slot": {"start": 1, "end": 2}}}"#;
    let booked = chain::book::decode_validated(body).expect("valid");
    let listed = chain::list::List {
        bookings: vec![booked.booking.clone()],
        free: Some(vec![booked.booking.slot.clone()]),
        extra: Default::default(),
    };
    let value = serde_json::to_value(&listed).unwrap();
    assert!(chain::list::is_valid(&value));
    let _: &chain::inner::Slot = &listed.bookings[0].slot;
}

#[test]
fn a_shared_definition_may_use_a_definition_of_a_root_file() {
    let page = br#"{"devices": [{"id": "d1", "healthy": true}], "has_more": false}"#;
    let body = [br#"{"first_page": "#.as_slice(), page, br#", "count": 1}"#].concat();
    let inventory = shared_refers_to_root::inventory::decode_validated(&body).expect("valid");
    let device: &shared_refers_to_root::devices::Device = &inventory.first_page.devices[0];
    assert_eq!(device.id, "d1");
    let devices = shared_refers_to_root::devices::Devices::new(inventory.first_page.clone());
    assert!(shared_refers_to_root::devices::is_valid(
        &serde_json::to_value(&devices).unwrap()
    ));
}

#[test]
fn a_definition_in_a_root_file_is_shared_from_that_root_module() {
    let body = br#"{"bill_to": {"city": "Shenzhen"}, "total": 3.5}"#;
    let invoice = defs_in_a_root::invoice::decode_validated(body).expect("valid");
    let order = defs_in_a_root::order::Order::new(invoice.bill_to.clone());
    assert_eq!(order.ship_to.city, "Shenzhen");
}

#[test]
fn shared_files_whose_modules_end_alike_are_both_reachable() {
    use crate::shared::imports::{api, v1, v2};
    let body = br#"{"room": {"id": "R1"}, "device": {"key": "D1"}}"#;
    let one = api::one::request::decode_validated(body).expect("valid");
    let room: &v1::ids::RoomRef = &one.room;
    let device: &v2::ids::DeviceRef = one.device.as_ref().expect("a device");
    let two = api::two::request::Request::new(room.clone());
    assert_eq!(two.room.id, "R1");
    assert_eq!(device.key, "D1");
}

#[test]
fn a_listing_without_has_more_ends_on_an_absent_or_empty_cursor() {
    use pagination_without_has_more::{request::Request, response};
    use wecom_rooms_runtime::{Outcome, Paginated};
    let page = |body: &str| {
        let success = response::decode_validated(body.as_bytes())
            .expect("a valid page")
            .into_result()
            .expect("a success");
        <Request as Paginated>::page(success)
    };
    let more =
        page(r#"{"errcode": 0, "errmsg": "ok", "next_cursor": "c2", "meetingid_list": ["m1"]}"#);
    assert_eq!(more.items, ["m1"]);
    assert_eq!(more.next_cursor.as_deref(), Some("c2"));
    let empty =
        page(r#"{"errcode": 0, "errmsg": "ok", "next_cursor": "", "meetingid_list": ["m2"]}"#);
    assert_eq!(
        (empty.items, empty.next_cursor),
        (vec!["m2".to_owned()], None)
    );
    let absent = page(r#"{"errcode": 0, "errmsg": "ok", "meetingid_list": []}"#);
    assert_eq!(absent.next_cursor, None);
}
