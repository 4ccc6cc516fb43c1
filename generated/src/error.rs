//! WeCom's error envelopes as Rust errors, and the crate's [`Error`].
//!
//! Every WeCom response carries `errcode` and `errmsg`. A response whose `errcode` is not 0
//! decodes to its module's `ErrorEnvelope`, which becomes an [`ApiError`], classified by its
//! code alone into an [`ErrorKind`]. The codes that matter to the Rooms family are named in
//! [`codes`].

use std::error::Error as StdError;
use std::fmt;

use serde_json::{Map, Value};
use wecom_rooms_runtime::validate::Report;

/// The WeCom global error codes that matter to the Rooms family, with their documented meanings.
///
/// The meanings are those of WeCom's global error code list (全局错误码), in Chinese as WeCom
/// writes them, with an English translation beside. [`ErrorKind::of`] classifies them.
pub mod codes {
    /// 请求成功 (request succeeded): not an error. A response with this code carries the
    /// endpoint's result.
    pub const OK: i32 = 0;

    /// 系统繁忙 (system busy): the server is temporarily unavailable; retry after a short
    /// delay, a few times at most. Classified as [`ErrorKind::Retryable`].
    ///
    /// [`ErrorKind::Retryable`]: crate::ErrorKind::Retryable
    pub const SYSTEM_BUSY: i32 = -1;

    /// 不合法的access_token (invalid access token): the token is malformed, was revoked, or
    /// belongs to another application. Classified as [`ErrorKind::InvalidToken`].
    ///
    /// [`ErrorKind::InvalidToken`]: crate::ErrorKind::InvalidToken
    pub const INVALID_ACCESS_TOKEN: i32 = 40014;

    /// 缺少access_token参数 (access token missing): the call carried no `access_token`.
    /// Classified as [`ErrorKind::InvalidToken`].
    ///
    /// [`ErrorKind::InvalidToken`]: crate::ErrorKind::InvalidToken
    pub const ACCESS_TOKEN_MISSING: i32 = 41001;

    /// access_token已过期 (access token expired): tokens are valid for a limited time; fetch a
    /// new one. Classified as [`ErrorKind::InvalidToken`].
    ///
    /// [`ErrorKind::InvalidToken`]: crate::ErrorKind::InvalidToken
    pub const ACCESS_TOKEN_EXPIRED: i32 = 42001;

    /// 接口调用超过限制 (API call frequency over the limit). Classified as
    /// [`ErrorKind::RateLimited`].
    ///
    /// [`ErrorKind::RateLimited`]: crate::ErrorKind::RateLimited
    pub const API_FREQUENCY_LIMIT: i32 = 45009;

    /// 接口并发调用超过限制 (concurrent API calls over the limit). Classified as
    /// [`ErrorKind::RateLimited`].
    ///
    /// [`ErrorKind::RateLimited`]: crate::ErrorKind::RateLimited
    pub const API_CONCURRENCY_LIMIT: i32 = 45033;

    /// API接口无权限调用 (no permission to call this API). This endpoint may be called only by
    /// self-built applications listed among the applications that may call it
    /// (可调用接口的应用). Classified as [`ErrorKind::NotPermitted`].
    ///
    /// [`ErrorKind::NotPermitted`]: crate::ErrorKind::NotPermitted
    pub const API_FORBIDDEN: i32 = 48002;

    /// 不安全的访问IP (untrusted caller IP): the caller's IP address is not in the
    /// application's trusted IP list (企业可信IP). Classified as [`ErrorKind::NotPermitted`].
    ///
    /// [`ErrorKind::NotPermitted`]: crate::ErrorKind::NotPermitted
    pub const UNTRUSTED_IP: i32 = 60020;

    /// 无权限操作指定的应用 (no permission to operate on the given application). Classified
    /// as [`ErrorKind::NotPermitted`].
    ///
    /// [`ErrorKind::NotPermitted`]: crate::ErrorKind::NotPermitted
    pub const NO_PRIVILEGE_FOR_APP: i32 = 301002;
}

/// What a caller should do about an [`ApiError`], decided by its `errcode` alone.
///
/// `errmsg` never takes part: WeCom's wording changes, its codes do not. New kinds may be
/// added, and a code classified as [`Other`](Self::Other) today may move to a new kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server is busy ([`codes::SYSTEM_BUSY`]): retry after a short delay, a few times at
    /// most.
    Retryable,
    /// The access token is invalid ([`codes::INVALID_ACCESS_TOKEN`]), missing
    /// ([`codes::ACCESS_TOKEN_MISSING`]) or expired ([`codes::ACCESS_TOKEN_EXPIRED`]): fetch a
    /// new token and retry once.
    InvalidToken,
    /// Too many calls ([`codes::API_FREQUENCY_LIMIT`], [`codes::API_CONCURRENCY_LIMIT`]):
    /// back off before calling again.
    RateLimited,
    /// The caller may not make this call ([`codes::API_FORBIDDEN`], [`codes::UNTRUSTED_IP`],
    /// [`codes::NO_PRIVILEGE_FOR_APP`]): retrying does not help until the application's
    /// settings change.
    NotPermitted,
    /// Any other code: see `errmsg` and WeCom's global error code list.
    Other,
}

impl ErrorKind {
    /// The kind of an `errcode`.
    ///
    /// ```
    /// use wecom_rooms::{ErrorKind, codes};
    ///
    /// assert_eq!(ErrorKind::of(codes::ACCESS_TOKEN_EXPIRED), ErrorKind::InvalidToken);
    /// assert_eq!(ErrorKind::of(93000), ErrorKind::Other);
    /// ```
    pub const fn of(errcode: i32) -> Self {
        match errcode {
            codes::SYSTEM_BUSY => Self::Retryable,
            codes::INVALID_ACCESS_TOKEN
            | codes::ACCESS_TOKEN_MISSING
            | codes::ACCESS_TOKEN_EXPIRED => Self::InvalidToken,
            codes::API_FREQUENCY_LIMIT | codes::API_CONCURRENCY_LIMIT => Self::RateLimited,
            codes::API_FORBIDDEN | codes::UNTRUSTED_IP | codes::NO_PRIVILEGE_FOR_APP => {
                Self::NotPermitted
            }
            _ => Self::Other,
        }
    }
}

/// An error WeCom answered with: a response whose `errcode` is not 0.
///
/// It keeps the whole envelope: `errcode`, `errmsg`, and any other members WeCom sent.
/// `Display` is one line, `wecom error <errcode>: <errmsg>`:
///
/// ```
/// use wecom_rooms::endpoints::GetInfo;
/// use wecom_rooms::{Error, ErrorKind, codes, parse_body};
///
/// let body = br#"{"errcode": 42001, "errmsg": "access_token expired"}"#;
/// let Err(Error::Api(error)) = parse_body::<GetInfo>(body) else { panic!("an error envelope") };
/// assert_eq!(error.errcode(), codes::ACCESS_TOKEN_EXPIRED);
/// assert_eq!(error.kind(), ErrorKind::InvalidToken);
/// assert_eq!(error.to_string(), "wecom error 42001: access_token expired");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    errcode: i32,
    errmsg: String,
    extra: Map<String, Value>,
}

impl ApiError {
    /// The error WeCom answered with `errcode` and `errmsg`.
    pub fn new(errcode: i32, errmsg: impl Into<String>) -> Self {
        ApiError {
            errcode,
            errmsg: errmsg.into(),
            extra: Map::new(),
        }
    }

    /// 返回码 (return code): a WeCom global error code, such as [`codes::ACCESS_TOKEN_EXPIRED`].
    pub fn errcode(&self) -> i32 {
        self.errcode
    }

    /// 对返回码的文本描述内容 (text describing the code). For people: its wording may change,
    /// so decide by [`errcode`](Self::errcode) or [`kind`](Self::kind) instead.
    pub fn errmsg(&self) -> &str {
        &self.errmsg
    }

    /// The envelope's members other than `errcode` and `errmsg`, as WeCom sent them.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// What to do about it, decided by [`errcode`](Self::errcode) alone.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::of(self.errcode)
    }
}

/// Every endpoint's failure is the family's one error envelope (`schema/common.json`).
impl From<crate::common::ErrorEnvelope> for ApiError {
    fn from(envelope: crate::common::ErrorEnvelope) -> Self {
        ApiError {
            errcode: envelope.errcode,
            errmsg: envelope.errmsg,
            extra: envelope.extra,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wecom error {}: ", self.errcode)?;
        write_one_line(f, &self.errmsg)
    }
}

impl StdError for ApiError {}

/// Everything that can go wrong between a request and what its endpoint gives on success.
///
/// Each `Display` is one lowercase line without a trailing period, and never contains the
/// access token.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// WeCom answered with an error envelope (`errcode` is not 0). `Display` and `source`
    /// are the [`ApiError`]'s.
    Api(ApiError),
    /// The body of a 2xx response is not a response of the endpoint: not JSON, or JSON its
    /// response types cannot hold (such as get_info's `errcode` 0 without `basic_info`).
    /// `source` is serde_json's error, which says where.
    Decode(serde_json::Error),
    /// The server answered with a status other than 2xx, before any WeCom envelope.
    #[non_exhaustive]
    Http {
        /// The status.
        status: http::StatusCode,
        /// The start of the body, lossily read as UTF-8, at most
        /// [`BODY_EXCERPT_LEN`](crate::BODY_EXCERPT_LEN) bytes, with control characters
        /// escaped so that it stays on one line.
        body_excerpt: String,
    },
    /// The request could not be built, and nothing was sent: it breaks its schema (the
    /// [`InvalidRequest`] keeps the whole report), or the base URL is not usable. `Display`
    /// and `source` are the [`InvalidRequest`]'s.
    InvalidRequest(InvalidRequest),
    /// The HTTP exchange itself failed (the connection, or what the server sent could not be
    /// used, such as a granted token that is not one): `source` says why. For HTTP clients
    /// that report through this crate's errors, such as its own client.
    Transport(Box<dyn StdError + Send + Sync>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => fmt::Display::fmt(error, f),
            Error::Decode(_) => f.write_str("cannot decode the response body"),
            Error::Http {
                status,
                body_excerpt,
            } => {
                write!(f, "http status {status}")?;
                if !body_excerpt.is_empty() {
                    write!(f, ": {body_excerpt}")?;
                }
                Ok(())
            }
            Error::InvalidRequest(invalid) => fmt::Display::fmt(invalid, f),
            Error::Transport(_) => f.write_str("the http exchange failed"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Api(error) => error.source(),
            Error::InvalidRequest(invalid) => invalid.source(),
            Error::Decode(error) => Some(error),
            Error::Transport(error) => Some(&**error),
            Error::Http { .. } => None,
        }
    }
}

/// Why a request was not built; nothing was sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// The request breaks its schema: `report` lists every violation.
    #[non_exhaustive]
    Schema {
        /// The endpoint's path.
        endpoint: &'static str,
        /// Every violation, with where it is and the keyword that found it.
        report: Report,
    },
    /// The base URL is not an `http` or `https` URL with a host and without query or fragment.
    #[non_exhaustive]
    BaseUrl {
        /// The base URL as given.
        url: String,
    },
    /// The endpoint takes no access token (gettoken): build it with
    /// [`build_token_request`](crate::build_token_request).
    #[non_exhaustive]
    TakesNoToken {
        /// The endpoint's path.
        endpoint: &'static str,
    },
    /// A credential the client was built with is empty (`corpid` or `corpsecret`).
    #[non_exhaustive]
    EmptyCredential {
        /// The query parameter it would fill.
        parameter: &'static str,
    },
    /// The request value does not encode as its endpoint sends it (a generated type never
    /// gets here; a hand-written `Endpoint` might).
    #[non_exhaustive]
    Encode {
        /// The endpoint's path.
        endpoint: &'static str,
        /// Why.
        reason: String,
    },
}

impl InvalidRequest {
    /// The schema's report, when the request breaks its schema.
    pub fn report(&self) -> Option<&Report> {
        match self {
            InvalidRequest::Schema { report, .. } => Some(report),
            _ => None,
        }
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidRequest::Schema { endpoint, report } => {
                let count = report.errors.len();
                let plural = if count == 1 { "" } else { "s" };
                write!(
                    f,
                    "{endpoint} request breaks its schema ({count} violation{plural})"
                )
            }
            InvalidRequest::BaseUrl { url } => write!(
                f,
                "base url {url:?} is not an http or https url with a host and without query"
            ),
            InvalidRequest::TakesNoToken { endpoint } => write!(
                f,
                "{endpoint} takes no access token: build it with build_token_request"
            ),
            InvalidRequest::EmptyCredential { parameter } => write!(f, "{parameter} is empty"),
            InvalidRequest::Encode { endpoint, reason } => {
                write!(f, "{endpoint} request does not encode: {reason}")
            }
        }
    }
}

impl StdError for InvalidRequest {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        // The first violation; `report` has them all.
        self.report()?.errors.first().map(|e| e as _)
    }
}

impl From<InvalidRequest> for Error {
    fn from(invalid: InvalidRequest) -> Self {
        Error::InvalidRequest(invalid)
    }
}

impl From<ApiError> for Error {
    fn from(error: ApiError) -> Self {
        Error::Api(error)
    }
}

impl Error {
    /// The WeCom error, if this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }
}

/// Writes `text` with control characters (line breaks included) escaped, so that it stays on
/// one line.
pub(crate) fn write_one_line(f: &mut impl fmt::Write, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            f.write_char(c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_stays_on_one_line() {
        let error = ApiError::new(-1, "system\nbusy\r\t\u{7}");
        assert_eq!(error.to_string(), r"wecom error -1: system\nbusy\r\t\u{7}");
        let error = Error::Http {
            status: http::StatusCode::BAD_GATEWAY,
            body_excerpt: String::new(),
        };
        assert_eq!(error.to_string(), "http status 502 Bad Gateway");
    }
}
