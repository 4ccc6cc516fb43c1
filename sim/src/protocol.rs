//! The wire: endpoints, error codes, refusals, and the check every answer passes on its way out.

use serde_json::{Value, json};
use wecom_rooms::gettoken;
use wecom_rooms::meeting::rooms::{
    book, call, cancel_call, get_config, get_info, get_inventory, get_response_status, list,
    list_controllers, list_devices, list_meetings, release,
};

/// The error codes the simulator answers with, all from WeCom's global error page (90313).
/// `README.md` has the table of when each is sent.
pub mod codes {
    /// 系统繁忙: the `error_rate` fault.
    pub const SYSTEM_BUSY: i32 = -1;
    /// 不合法的secret参数: gettoken with a secret that no application of that corp has.
    pub const INVALID_SECRET: i32 = 40001;
    /// 不合法的CorpID: gettoken with a corp ID no application has.
    pub const INVALID_CORPID: i32 = 40013;
    /// 不合法的access_token: a token never issued, or invalidated early.
    pub const INVALID_TOKEN: i32 = 40014;
    /// 不合法的参数: a body that is not JSON or fails its request schema, and every refusal of
    /// a well-formed request that no more specific code fits (an unknown room or invite, a
    /// room already booked, a window over 90 days, a changed `limit`...).
    pub const INVALID_PARAMETER: i32 = 40058;
    /// 缺少access_token参数: no `access_token` in the query string.
    pub const MISSING_TOKEN: i32 = 41001;
    /// access_token已过期: a token past its `expires_in`.
    pub const TOKEN_EXPIRED: i32 = 42001;
    /// 接口调用超过限制: the `rate_limit` fault.
    pub const RATE_LIMITED: i32 = 45009;
    /// 会议Id不合法: a `meetingid` the simulator does not know.
    pub const INVALID_MEETING_ID: i32 = 90602;
    /// 会议室已被停用，无法预定: booking a room whose `scheduled_status` is 0 (未开放预定).
    pub const ROOM_NOT_BOOKABLE: i32 = 90711;
    /// 会议已取消: booking or calling for a meeting whose status is `MEETING_STATE_CANCELLED`.
    pub const MEETING_CANCELLED: i32 = 400_041;
    /// 不能操作别的应用创建的会议: a meeting another application created.
    pub const NOT_OWN_MEETING: i32 = 730_005;
    /// 会议已删除: booking or calling for a meeting whose status is `MEETING_STATE_ENDED`
    /// (the page describes it as 已删除).
    pub const MEETING_DELETED: i32 = 730_008;
    /// 不支持该类型的会议: booking rooms for a recurring meeting (`meeting_type` 1).
    pub const UNSUPPORTED_MEETING_TYPE: i32 = 730_011;
}

/// Every endpoint the simulator serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Endpoint {
    /// `GET /cgi-bin/gettoken`
    GetToken,
    /// `POST /cgi-bin/meeting/rooms/book`
    Book,
    /// `POST /cgi-bin/meeting/rooms/release`
    Release,
    /// `POST /cgi-bin/meeting/rooms/get_info`
    GetInfo,
    /// `POST /cgi-bin/meeting/rooms/list`
    List,
    /// `POST /cgi-bin/meeting/rooms/list_meetings`
    ListMeetings,
    /// `POST /cgi-bin/meeting/rooms/list_devices`
    ListDevices,
    /// `POST /cgi-bin/meeting/rooms/list_controllers`
    ListControllers,
    /// `POST /cgi-bin/meeting/rooms/get_config`
    GetConfig,
    /// `POST /cgi-bin/meeting/rooms/call`
    Call,
    /// `POST /cgi-bin/meeting/rooms/cancel_call`
    CancelCall,
    /// `POST /cgi-bin/meeting/rooms/get_response_status`
    GetResponseStatus,
    /// `POST /cgi-bin/meeting/rooms/get_inventory`
    GetInventory,
}

impl Endpoint {
    /// Every endpoint, gettoken first.
    pub const ALL: [Endpoint; 13] = [
        Endpoint::GetToken,
        Endpoint::Book,
        Endpoint::Release,
        Endpoint::GetInfo,
        Endpoint::List,
        Endpoint::ListMeetings,
        Endpoint::ListDevices,
        Endpoint::ListControllers,
        Endpoint::GetConfig,
        Endpoint::Call,
        Endpoint::CancelCall,
        Endpoint::GetResponseStatus,
        Endpoint::GetInventory,
    ];

    /// The URL path, e.g. `/cgi-bin/meeting/rooms/book`.
    #[must_use]
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::GetToken => gettoken::request::ENDPOINT.path,
            Endpoint::Book => book::request::ENDPOINT.path,
            Endpoint::Release => release::request::ENDPOINT.path,
            Endpoint::GetInfo => get_info::request::ENDPOINT.path,
            Endpoint::List => list::request::ENDPOINT.path,
            Endpoint::ListMeetings => list_meetings::request::ENDPOINT.path,
            Endpoint::ListDevices => list_devices::request::ENDPOINT.path,
            Endpoint::ListControllers => list_controllers::request::ENDPOINT.path,
            Endpoint::GetConfig => get_config::request::ENDPOINT.path,
            Endpoint::Call => call::request::ENDPOINT.path,
            Endpoint::CancelCall => cancel_call::request::ENDPOINT.path,
            Endpoint::GetResponseStatus => get_response_status::request::ENDPOINT.path,
            Endpoint::GetInventory => get_inventory::request::ENDPOINT.path,
        }
    }

    /// The endpoint served at `path`.
    #[must_use]
    pub fn from_path(path: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.path() == path)
    }

    /// Whether `answer` passes this endpoint's response schema.
    #[must_use]
    pub fn response_is_valid(self, answer: &Value) -> bool {
        match self {
            Endpoint::GetToken => gettoken::response::is_valid(answer),
            Endpoint::Book => book::response::is_valid(answer),
            Endpoint::Release => release::response::is_valid(answer),
            Endpoint::GetInfo => get_info::response::is_valid(answer),
            Endpoint::List => list::response::is_valid(answer),
            Endpoint::ListMeetings => list_meetings::response::is_valid(answer),
            Endpoint::ListDevices => list_devices::response::is_valid(answer),
            Endpoint::ListControllers => list_controllers::response::is_valid(answer),
            Endpoint::GetConfig => get_config::response::is_valid(answer),
            Endpoint::Call => call::response::is_valid(answer),
            Endpoint::CancelCall => cancel_call::response::is_valid(answer),
            Endpoint::GetResponseStatus => get_response_status::response::is_valid(answer),
            Endpoint::GetInventory => get_inventory::response::is_valid(answer),
        }
    }
}

/// A refusal: WeCom's error envelope, sent with HTTP 200.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub code: i32,
    pub message: String,
}

/// The longest `errmsg` the simulator sends, in characters.
const MAX_ERRMSG_CHARS: usize = 300;

impl Refusal {
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Refusal {
            code,
            message: message.into(),
        }
    }

    /// 40058 with `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(codes::INVALID_PARAMETER, message)
    }

    /// The body of a request that its schema refuses, or that is not JSON.
    pub fn bad_body(error: &wecom_rooms_runtime::decode::DecodeError) -> Self {
        use wecom_rooms_runtime::decode::DecodeError;
        // The error and its sources: serde_json's position, or the first violation.
        let mut why = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            why.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        match error {
            DecodeError::Syntax(_) => Self::invalid(format!("Warning: wrong json format. {why}")),
            _ => Self::invalid(format!("invalid request: {why}")),
        }
    }

    /// The error envelope, `errmsg` cut to a sane length.
    pub fn to_json(&self) -> Value {
        let mut message: String = self.message.chars().take(MAX_ERRMSG_CHARS).collect();
        if message.is_empty() {
            message.push_str("error");
        }
        json!({"errcode": self.code, "errmsg": message})
    }
}

/// A success: `members` with `errcode` 0 and `errmsg` "ok" put first.
pub(crate) fn ok(members: Value) -> Value {
    let mut answer = serde_json::Map::new();
    answer.insert("errcode".to_owned(), json!(0));
    answer.insert("errmsg".to_owned(), json!("ok"));
    if let Value::Object(members) = members {
        for (key, value) in members {
            if key != "errcode" && key != "errmsg" {
                answer.insert(key, value);
            }
        }
    }
    Value::Object(answer)
}

/// Serializes a record to JSON; records come from the generated types, which always serialize.
pub(crate) fn to_value(record: &impl serde::Serialize) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}
