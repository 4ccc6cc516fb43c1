#![cfg_attr(feature = "client", doc = include_str!("flow.md"))]
//! Typed requests, responses and validators for WeCom's Rooms会议室 API family: the twelve
//! Rooms endpoints (under [`meeting::rooms`], laid out as their URL paths are:
//! `/cgi-bin/meeting/rooms/get_info` is [`meeting::rooms::get_info`]), the five scheduled-meeting
//! endpoints that make the meetings rooms are booked for ([`meeting::create`],
//! [`meeting::update`], [`meeting::cancel`], [`meeting::get_info`],
//! [`meeting::get_user_meetingid`], sharing [`meeting::common`]) and the access token
//! ([`gettoken`]).
//!
//! Each module holds the generated `request` and `response` types and validators of one
//! endpoint, from JSON Schemas that encode its official page; what several endpoints share
//! (the error envelope, the value sets, the MRA address) is one type, in [`common`]. Every request type implements
//! [`Endpoint`]: it knows its method, path and query parameters and what answers it, and
//! [`endpoints`] names each one (`GetInfo`, `List`, `Book`, …, `GetToken`). The rest of the
//! crate turns them into the endpoint as data, without I/O:
//!
//! - [`build_request`] makes an [`http::Request`] from any request and an [`AccessToken`], for
//!   the HTTP client you already use; [`build_token_request`] makes gettoken's;
//! - [`parse_response`] reads the [`http::Response`] back into what the endpoint gives on
//!   success ([`Success`]: a [`RoomInfo`](meeting::rooms::get_info::response::RoomInfo) for get_info) or an
//!   [`Error`];
//! - [`ApiError`] is a WeCom error envelope, classified by its code into an [`ErrorKind`],
//!   with the codes that matter named in [`codes`].
//!
//! # A call, end to end
//!
//! The HTTP exchange is yours; here a response is made up from the doc's sample:
//!
//! ```
//! use wecom_rooms::endpoints::GetInfo;
//! use wecom_rooms::common::MeetingRoomStatus;
//! use wecom_rooms::meeting::rooms::get_info::response::EXAMPLES;
//! use wecom_rooms::{AccessToken, build_request, parse_response};
//!
//! let token = AccessToken::new("ACCESS_TOKEN")?;
//! let prepared = build_request(&GetInfo::new("RoomId001".parse()?), &token)?;
//! // Safe to log: the token is redacted.
//! println!("{prepared}");
//! let request: http::Request<Vec<u8>> = prepared.into_http();
//! assert_eq!(request.method(), "POST");
//! assert_eq!(request.uri().path(), "/cgi-bin/meeting/rooms/get_info");
//! assert_eq!(request.headers()["content-type"], "application/json");
//! assert_eq!(request.body(), br#"{"meeting_room_id":"RoomId001"}"#);
//!
//! // ... send `request`, receive a response ...
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(EXAMPLES[0].as_bytes())?;
//!
//! let room = parse_response::<GetInfo>(&response)?;
//! assert_eq!(room.basic_info.meeting_room_name, "会议室测试1");
//! assert_eq!(room.basic_info.participant_number, 3);
//! assert_eq!(room.hardware_info.meeting_room_status, MeetingRoomStatus::Unbound);
//! assert!(room.is_allow_call);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `examples/get_info.rs` does the same with a real HTTP client.
//!
//! # Errors
//!
//! [`build_request`] refuses, before anything is sent, a request that breaks its schema: an
//! [`Error::InvalidRequest`] whose [`InvalidRequest::report`] lists every violation.
//! [`parse_response`] keeps apart what can go wrong with the answer:
//!
//! - [`Error::Http`]: a status other than 2xx, before WeCom said anything;
//! - [`Error::Decode`]: a 2xx body that is not a response of this endpoint;
//! - [`Error::Api`]: WeCom answered with an error envelope (`errcode` not 0). It is told apart
//!   by `errcode` before anything else is read, so an expired token is never reported as a
//!   missing `basic_info`.
//!
//! [`ApiError::kind`] decides what to do, by `errcode` alone:
//!
//! | kind | codes | what to do |
//! | --- | --- | --- |
//! | [`Retryable`](ErrorKind::Retryable) | -1 | retry after a short delay, a few times at most |
//! | [`InvalidToken`](ErrorKind::InvalidToken) | 40014, 42001 | fetch a new token, retry once |
//! | [`RateLimited`](ErrorKind::RateLimited) | 45009, 45033 | back off |
//! | [`NotPermitted`](ErrorKind::NotPermitted) | 48002, 60020, 301002 | fix the application's settings |
//! | [`Other`](ErrorKind::Other) | any other | read `errmsg` |
//!
//! ```
//! use wecom_rooms::endpoints::GetInfo;
//! use wecom_rooms::{Error, ErrorKind, parse_response};
//!
//! let body = r#"{"errcode": 42001, "errmsg": "access_token expired"}"#;
//! let response = http::Response::builder().status(200).body(body)?;
//! match parse_response::<GetInfo>(&response) {
//!     Err(Error::Api(error)) if error.kind() == ErrorKind::InvalidToken => {
//!         assert_eq!(error.to_string(), "wecom error 42001: access_token expired");
//!         // refresh the token, then retry once
//!     }
//!     other => panic!("expected an expired token, got {other:?}"),
//! }
//!
//! let response = http::Response::builder().status(200).body(r#"{"errcode": 0}"#)?;
//! let error = parse_response::<GetInfo>(&response).unwrap_err();
//! assert!(matches!(error, Error::Decode(_)));
//! # Ok::<(), http::Error>(())
//! ```
//!
//! # Reading the fields
//!
//! Base64 fields are [`Base64String`]s, kept as sent and
//! decoded on demand:
//!
//! ```
//! use wecom_rooms::meeting::rooms::get_info::response::EXAMPLES;
//!
//! let room = wecom_rooms::parse_body::<wecom_rooms::endpoints::GetInfo>(EXAMPLES[0].as_bytes())?;
//! assert_eq!(room.basic_info.desc.as_str(), "aGVsbG8=");
//! assert_eq!(room.basic_info.desc.decode_utf8()?, "hello");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Passwords are [`Secret`]s: `Debug` never shows them, so a
//! decoded response can be logged; reading one takes a visible `expose()`:
//!
//! ```
//! use wecom_rooms::meeting::rooms::get_info::response::EXAMPLES;
//!
//! let room = wecom_rooms::parse_body::<wecom_rooms::endpoints::GetInfo>(EXAMPLES[0].as_bytes())?;
//! let shown = format!("{:?}", room.basic_info);
//! assert!(shown.contains(r#"password: Secret("<redacted>")"#));
//! assert!(!shown.contains("MzMz"));
//! assert_eq!(room.basic_info.password.expose().as_str(), "MzMz");
//! assert_eq!(room.basic_info.password.expose().decode_utf8()?, "333");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Enumerations keep values the doc does not name, and encode them back unchanged:
//!
//! ```
//! use wecom_rooms::common::AccountType;
//! use wecom_rooms::meeting::rooms::get_info::response::AccountInfo;
//!
//! let info: AccountInfo = serde_json::from_str(r#"{"account_type": 7, "valid_period": "-"}"#)?;
//! assert_eq!(info.account_type, AccountType::Unknown(7));
//! assert!(!info.account_type.is_known());
//! assert_eq!(serde_json::to_value(&info)?["account_type"], 7);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! `monitor_frequency` is a string in the doc's table and a number in its sample, so
//! [`MonitorFrequency`](meeting::rooms::get_info::response::MonitorFrequency) takes either and keeps the kind
//! it was sent as:
//!
//! ```
//! use wecom_rooms::meeting::rooms::get_info::response::MonitorFrequency;
//!
//! let number: MonitorFrequency = serde_json::from_str("0")?;
//! let text: MonitorFrequency = serde_json::from_str(r#""60Hz""#)?;
//! assert_eq!(number, MonitorFrequency::Number(0));
//! assert_eq!(text, MonitorFrequency::Text("60Hz".into()));
//! assert_eq!(serde_json::to_string(&number)?, "0");
//! assert_eq!(serde_json::to_string(&text)?, r#""60Hz""#);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Validators
//!
//! Each schema also has validators that report every violation with where it is, for a
//! message you hold as a [`serde_json::Value`]:
//!
//! ```
//! use wecom_rooms::meeting::rooms::get_info::response;
//!
//! let body = serde_json::json!({"errcode": 0, "errmsg": "ok"});
//! assert!(!response::is_valid(&body));
//! let report = response::validate(&body);
//! assert!(report.errors.iter().any(|e| e.message.contains("basic_info")));
//! ```
//!
//! # Secrets in logs
//!
//! No `Debug` or `Display` of this crate's types shows the access token or a password:
//! [`AccessToken`] and [`PreparedRequest`] redact the token, `Secret` fields redact their
//! value, and [`Error`]s never quote the token. Two things do show secrets, on purpose: the
//! [`http::Request`] from [`PreparedRequest::into_http`] (its URI holds the token), and
//! serialized messages (`Serialize` writes passwords as sent, so that a message encodes back
//! to the same JSON).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "client")]
pub mod client;
mod endpoint;
mod error;
mod meeting_status;
mod schemas;
pub mod token;

/// The generated modules, one per schema, laid out as the schemas are (`meeting/rooms/get_info/
/// response.schema.json` → [`meeting::rooms::get_info::response`]), with the types several
/// schemas share in [`common`], and [`SCHEMAS`], the registry of every schema.
pub use schemas::*;

pub use endpoint::{
    BODY_EXCERPT_LEN, PreparedRequest, Success, build_request, build_request_to,
    build_token_request, build_token_request_to, parse_body, parse_response,
};
/// Values that generated types hold: base64 kept as sent, and secrets kept out of `Debug`.
pub use wecom_rooms_runtime::{Base64String, DecodeUtf8Error, Secret};
/// Checked values: what a typed request holds where its schema sets bounds or lengths.
pub use wecom_rooms_runtime::{
    Bounded, BoundedString, BoundedVec, MissingMember, NonEmptyString, NonEmptyVec, OutOfBounds,
};
/// What generated request and response types implement: where a request goes and what answers
/// it ([`Endpoint`]), success or failure ([`Outcome`]), and listing by page ([`Paginated`]).
pub use wecom_rooms_runtime::{Endpoint, Outcome, Page, Paginated};
/// What validators report ([`validate::Report`]), why a validated decode failed
/// ([`decode::DecodeError`]), and what [`SCHEMAS`] lists ([`registry::SchemaEntry`]).
pub use wecom_rooms_runtime::{decode, registry, validate};

pub use error::{ApiError, Error, ErrorKind, InvalidRequest, codes};
pub use token::{AccessToken, InvalidAccessToken};

/// The `http` crate (1.x), whose request and response types this crate builds and reads.
pub use http;
