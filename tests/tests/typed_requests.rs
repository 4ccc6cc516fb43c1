//! A request built from typed values is never refused by its own schema: random requests of
//! every endpoint, made from random strings (empty and non-ASCII among them), ids, limits and
//! both members of every either-or pair through the checked constructors, each encoded and
//! judged by the jsonschema crate and by the generated validator.
//!
//! The constructors are where a bad value stops: `NonEmptyString::new("")`, an empty
//! `NonEmptyVec` and a limit out of range give `None`, and the test checks that they do exactly
//! then. A request's closed sets (an MRA `protocol`) have no `Unknown(_)`: every variant is a
//! value the schema names, and the test builds each.
//!
//! Reproducible: every case derives from one seed, printed; set `WECOM_ROOMS_TYPED_SEED` to
//! replay a run, and `WECOM_ROOMS_TYPED_CASES` for more cases (default 300 per endpoint).

use serde::Serialize;
use serde_json::Value;
use wecom_rooms::{Bounded, NonEmptyString, NonEmptyVec};
use wecom_rooms_conformance::reference_validator;
use wecom_rooms_runtime::Secret;

/// Strings of every kind the constructors meet: empty, ASCII, CJK, emoji, control characters.
fn random_string(rng: &mut fastrand::Rng) -> String {
    const PIECES: &[&str] = &[
        "",
        "a",
        "Z",
        "0",
        " ",
        "会议室",
        "🙂",
        "\u{0}",
        "\"",
        "\\",
        "é",
    ];
    let len = match rng.u8(0..10) {
        0..=2 => 0,
        3..=7 => rng.usize(1..4),
        _ => rng.usize(4..40),
    };
    (0..len)
        .map(|_| match rng.u8(0..3) {
            0 => PIECES[rng.usize(0..PIECES.len())].to_owned(),
            1 => rng.alphanumeric().to_string(),
            _ => char::from_u32(rng.u32(0..0x11_0000)).map_or_else(String::new, String::from),
        })
        .collect()
}

/// A checked string from random text: `None` exactly when the text is empty.
fn non_empty(rng: &mut fastrand::Rng) -> Option<NonEmptyString> {
    let text = random_string(rng);
    let made = NonEmptyString::new(text.clone());
    assert_eq!(
        made.is_some(),
        !text.is_empty(),
        "NonEmptyString::new({text:?})"
    );
    made
}

/// A non-empty string, drawing until one is.
fn id(rng: &mut fastrand::Rng) -> NonEmptyString {
    loop {
        if let Some(s) = non_empty(rng) {
            return s;
        }
    }
}

/// Absent half the time, else a random string if it is not empty.
fn optional(rng: &mut fastrand::Rng) -> Option<NonEmptyString> {
    if rng.bool() { None } else { non_empty(rng) }
}

/// A limit from a random integer around and beyond its bounds: `None` exactly outside them.
fn limit<const MIN: i128, const MAX: i128>(
    rng: &mut fastrand::Rng,
) -> Option<Bounded<u32, MIN, MAX>> {
    if rng.bool() {
        return None;
    }
    let n = match rng.u8(0..4) {
        0 => rng.u32(..),
        _ => rng.u32(0..(MAX as u32 + 5)),
    };
    let made = Bounded::<u32, MIN, MAX>::new(n);
    assert_eq!(
        made.is_some(),
        (MIN..=MAX).contains(&i128::from(n)),
        "Bounded::<u32, {MIN}, {MAX}>::new({n})"
    );
    assert!(made.is_none_or(|l| l.get() == n));
    made
}

/// A list of ids: `None` exactly when it is empty.
fn ids(rng: &mut fastrand::Rng) -> NonEmptyVec<NonEmptyString> {
    loop {
        let items: Vec<NonEmptyString> = (0..rng.usize(0..4)).map(|_| id(rng)).collect();
        let empty = items.is_empty();
        let made = NonEmptyVec::new(items);
        assert_eq!(made.is_some(), !empty);
        if let Some(made) = made {
            return made;
        }
    }
}

/// Asserts the request's JSON satisfies its schema, by the reference validator and the
/// generated one, and decodes back to the same request.
fn check<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    validator: &jsonschema::Validator,
    is_valid: fn(&Value) -> bool,
    name: &str,
    seed: u64,
    request: &T,
) {
    let json = serde_json::to_value(request).expect("a request encodes");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty() && is_valid(&json),
        "{name} (seed {seed}): the schema refuses a typed request: {json}: {errors:?}"
    );
    let back: T = serde_json::from_value(json).expect("a valid request decodes");
    assert_eq!(&back, request, "{name} (seed {seed})");
}

/// `u32` at random, with the ends of its range often.
fn seconds(rng: &mut fastrand::Rng) -> u32 {
    match rng.u8(0..4) {
        0 => 0,
        1 => u32::MAX,
        _ => rng.u32(..),
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn requests_built_from_typed_values_satisfy_their_schemas() {
    let seed = env_number("WECOM_ROOMS_TYPED_SEED").unwrap_or_else(|| fastrand::u64(..));
    let cases = env_number("WECOM_ROOMS_TYPED_CASES").unwrap_or(300);
    println!(
        "typed requests: seed {seed} (WECOM_ROOMS_TYPED_SEED={seed} replays it), {cases} cases per endpoint"
    );
    let mut rng = fastrand::Rng::with_seed(seed);
    let started = std::time::Instant::now();

    macro_rules! endpoint {
        ($($module:ident)::+, |$rng:ident| $build:expr) => {{
            use wecom_rooms::$($module)::+::request as m;
            let validator = reference_validator(m::SCHEMA_NAME);
            for _ in 0..cases {
                let case = rng.u64(..);
                let $rng = &mut fastrand::Rng::with_seed(case);
                let request: m::Request = $build;
                check(&validator, m::is_valid, m::SCHEMA_NAME, case, &request);
            }
        }};
    }
    macro_rules! room_or_mra {
        ($module:ident, $rng:ident) => {{
            use wecom_rooms::common::{MraAddress, Protocol};
            use wecom_rooms::meeting::rooms::$module::request::MeetingRoomIdOrMraAddress;
            if $rng.bool() {
                MeetingRoomIdOrMraAddress::MeetingRoomId(id($rng))
            } else {
                let protocol = if $rng.bool() {
                    Protocol::Sip
                } else {
                    Protocol::H323
                };
                MeetingRoomIdOrMraAddress::MraAddress(MraAddress::new(protocol, id($rng)))
            }
        }};
    }

    endpoint!(gettoken, |r| m::Request::new(id(r), Secret::new(id(r))));
    endpoint!(meeting::rooms::book, |r| m::Request::new(id(r), ids(r)));
    endpoint!(meeting::rooms::release, |r| m::Request::new(id(r), ids(r)));
    endpoint!(meeting::rooms::get_info, |r| m::Request::new(id(r)));
    endpoint!(meeting::rooms::get_config, |r| m::Request::new(id(r)));
    endpoint!(meeting::rooms::get_inventory, |_r| m::Request::new());
    endpoint!(meeting::rooms::list, |r| {
        let mut request = m::Request::new();
        request.meeting_room_name = optional(r);
        request.cursor = optional(r);
        request.limit = limit(r);
        request
    });
    endpoint!(meeting::rooms::list_devices, |r| {
        let mut request = m::Request::new();
        request.meeting_room_name = optional(r);
        request.cursor = optional(r);
        request.limit = limit(r);
        request
    });
    endpoint!(meeting::rooms::list_controllers, |r| {
        let mut request = m::Request::new();
        request.controller_name = optional(r);
        request.cursor = optional(r);
        request.limit = limit(r);
        request
    });
    endpoint!(meeting::rooms::list_meetings, |r| {
        // Through the builder: every member set or not at random; without the room, `build`
        // names what is missing.
        let mut builder = m::Request::builder();
        if r.bool() {
            builder = builder.start_time(seconds(r));
        }
        if r.bool() {
            builder = builder.end_time(seconds(r));
        }
        if let Some(cursor) = optional(r) {
            builder = builder.cursor(cursor);
        }
        if let Some(limit) = limit(r) {
            builder = builder.limit(limit);
        }
        let unset = builder.clone().build();
        assert_eq!(
            unset.unwrap_err(),
            wecom_rooms::MissingMember("meeting_room_id | rooms_id")
        );
        let builder = if r.bool() {
            builder.meeting_room_id(id(r))
        } else {
            builder.rooms_id(id(r))
        };
        builder.build().expect("every required member is set")
    });
    endpoint!(meeting::rooms::book, |r| {
        let mut builder = m::Request::builder().meetingid(id(r));
        if r.bool() {
            builder = builder.subject_visible(r.bool());
        }
        assert!(builder.clone().build().is_err());
        builder
            .meeting_room_id_list(ids(r))
            .build()
            .expect("every required member is set")
    });
    endpoint!(meeting::rooms::call, |r| m::Request::new(
        id(r),
        room_or_mra!(call, r)
    ));
    endpoint!(meeting::rooms::cancel_call, |r| m::Request::new(
        id(r),
        id(r),
        room_or_mra!(cancel_call, r)
    ));
    endpoint!(meeting::rooms::get_response_status, |r| {
        m::Request::new(id(r), room_or_mra!(get_response_status, r))
    });
    println!("typed requests: done in {:?}", started.elapsed());
}
