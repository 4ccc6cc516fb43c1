//! The wire: endpoints, error codes, refusals, and the check every answer passes on its way out.

use serde_json::{Value, json};
use wecom_rooms::ROUTES;
use wecom_rooms::registry::Route;

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
    /// API接口无权限调用: an endpoint whose schemas the simulator has but whose behaviour it
    /// does not model, and whose response schema has no success among its examples.
    pub const API_FORBIDDEN: i32 = 48002;
    /// 接口调用超过限制: the `rate_limit` fault.
    pub const RATE_LIMITED: i32 = 45009;
    /// 会议Id不合法: a `meetingid` the simulator does not know.
    pub const INVALID_MEETING_ID: i32 = 90602;
    /// 会议室已被停用，无法预定: booking a room whose `scheduled_status` is 0 (未开放预定).
    pub const ROOM_NOT_BOOKABLE: i32 = 90711;
    /// 会议参与人超过限制: create or update with more than 300 `invitees`.
    pub const TOO_MANY_PARTICIPANTS: i32 = 400_020;
    /// 会议参与人或者主持人不合法: an empty user id among the invitees, hosts or ring users.
    pub const INVALID_PARTICIPANT: i32 = 400_021;
    /// 主持人超过会议主持人上限: more than 10 `hosts`.
    pub const TOO_MANY_HOSTS: i32 = 400_027;
    /// 不合法的会议密码: a `settings.password` that is not 4–6 digits.
    pub const INVALID_PASSWORD: i32 = 400_030;
    /// 不合法的会议settings: any other `settings` its schema refuses, and the cloud-recording
    /// switches without `auto_record_type` "cloud".
    pub const INVALID_SETTINGS: i32 = 400_031;
    /// 指定的响铃用户不在会议参与人列表中: a ring user neither the admin nor invited.
    pub const RING_USER_NOT_INVITED: i32 = 400_037;
    /// 会议已取消: booking, calling, updating or cancelling a cancelled meeting.
    pub const MEETING_CANCELLED: i32 = 400_041;
    /// 会议title不合法: a title its schema refuses.
    pub const INVALID_TITLE: i32 = 400_042;
    /// 正在进行中或者已经结束的会议不允许更新: updating a meeting that has started.
    pub const MEETING_NOT_UPDATABLE: i32 = 400_221;
    /// 会议开始时间不允许小于当前时间: a `meeting_start` not later than now.
    pub const START_IN_THE_PAST: i32 = 400_222;
    /// 会中或者已经结束的会议不能取消: cancelling a meeting that has started.
    pub const MEETING_NOT_CANCELLABLE: i32 = 400_224;
    /// 非法的子会议id: any `sub_meetingid` (the simulator makes no occurrences).
    pub const INVALID_SUB_MEETING_ID: i32 = 730_003;
    /// 非法的会议号: a `meeting_code` no meeting of the caller has.
    pub const INVALID_MEETING_CODE: i32 = 730_004;
    /// 不能操作别的应用创建的会议: a meeting another application created.
    pub const NOT_OWN_MEETING: i32 = 730_005;
    /// 会议已删除: booking or calling for a meeting whose status is `MEETING_STATE_ENDED`
    /// (the page describes it as 已删除).
    pub const MEETING_DELETED: i32 = 730_008;
    /// 不支持该类型的会议: booking rooms for a recurring meeting (`meeting_type` 1).
    pub const UNSUPPORTED_MEETING_TYPE: i32 = 730_011;

    /// Every code above, in ascending order: what a client of the simulator may see besides 0.
    /// A test holds it equal to `README.md`'s table, so a new code is listed in both.
    pub const ALL: &[i32] = &[
        SYSTEM_BUSY,
        INVALID_SECRET,
        INVALID_CORPID,
        INVALID_TOKEN,
        INVALID_PARAMETER,
        MISSING_TOKEN,
        TOKEN_EXPIRED,
        RATE_LIMITED,
        API_FORBIDDEN,
        INVALID_MEETING_ID,
        ROOM_NOT_BOOKABLE,
        TOO_MANY_PARTICIPANTS,
        INVALID_PARTICIPANT,
        TOO_MANY_HOSTS,
        INVALID_PASSWORD,
        INVALID_SETTINGS,
        RING_USER_NOT_INVITED,
        MEETING_CANCELLED,
        INVALID_TITLE,
        MEETING_NOT_UPDATABLE,
        START_IN_THE_PAST,
        MEETING_NOT_CANCELLABLE,
        INVALID_SUB_MEETING_ID,
        INVALID_MEETING_CODE,
        NOT_OWN_MEETING,
        MEETING_DELETED,
        UNSUPPORTED_MEETING_TYPE,
    ];
}

/// An endpoint the simulator serves: one of the `wecom-rooms` crate's generated `ROUTES`, so
/// that an endpoint with schemas is served without a list here (see `handlers` for what each
/// one does).
#[derive(Clone, Copy, Debug)]
pub struct Endpoint(&'static Route);

impl Endpoint {
    /// The endpoint of request type `E`, such as `Endpoint::of::<wecom_rooms::endpoints::List>()`.
    ///
    /// # Panics
    ///
    /// If `E` is not an endpoint of the crate's `ROUTES` (every generated endpoint is).
    #[must_use]
    pub fn of<E: wecom_rooms::Endpoint>() -> Endpoint {
        Endpoint::from_path(E::ENDPOINT.path).expect("every generated endpoint is routed")
    }

    /// Every endpoint, in the order of the schemas' names.
    pub fn all() -> impl Iterator<Item = Endpoint> {
        ROUTES.iter().map(Endpoint)
    }

    /// The endpoint served at `path`.
    #[must_use]
    pub fn from_path(path: &str) -> Option<Endpoint> {
        Route::find(ROUTES, path).map(Endpoint)
    }

    /// The URL path, e.g. `/cgi-bin/meeting/rooms/book`.
    #[must_use]
    pub fn path(self) -> &'static str {
        self.0.endpoint.path
    }

    /// The endpoint's name, e.g. `Book`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The first way `request` (a body, or gettoken's query as an object) breaks the request
    /// schema, as `pointer: message`; `None` when it passes.
    #[must_use]
    pub fn request_violation(self, request: &Value) -> Option<String> {
        if (self.0.request.is_valid)(request) {
            return None;
        }
        let report = (self.0.request.validate_with)(request, Default::default());
        let first = report.errors.first().map(ToString::to_string);
        Some(first.unwrap_or_else(|| "the request breaks its schema".to_owned()))
    }

    /// Whether `answer` passes this endpoint's response schema.
    #[must_use]
    pub fn response_is_valid(self, answer: &Value) -> bool {
        (self.0.response.is_valid)(answer)
    }

    /// The response schema's own examples, as JSON text.
    pub(crate) fn response_examples(self) -> &'static [&'static str] {
        self.0.response.examples
    }
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Self) -> bool {
        self.path() == other.path()
    }
}

impl Eq for Endpoint {}

impl std::hash::Hash for Endpoint {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.path().hash(state);
    }
}

impl PartialOrd for Endpoint {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Endpoint {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.path().cmp(other.path())
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
