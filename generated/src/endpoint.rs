//! Endpoints as data: requests to send and responses to read, as `http` types, without I/O.

use std::borrow::Cow;
use std::fmt;

use http::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use http::{Method, StatusCode, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;
use wecom_rooms_runtime::registry::RequestIn;
use wecom_rooms_runtime::{Endpoint, Outcome};

use crate::error::{ApiError, Error, InvalidRequest, write_one_line};
use crate::gettoken;
use crate::token::AccessToken;

/// The query parameter that carries the access token.
const TOKEN_PARAMETER: &str = "access_token";

/// Query parameters whose values are never shown: the access token, and gettoken's secret.
const SECRET_PARAMETERS: [&str; 2] = [TOKEN_PARAMETER, "corpsecret"];

/// What a call of endpoint `E` gives back on success: `RoomInfo` for get_info, and so on.
pub type Success<E> = <<E as Endpoint>::Response as Outcome>::Success;

/// What is left as it is in a query value: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What stands for the token wherever a request is shown.
const REDACTED: &str = "<redacted>";

/// How many bytes of a non-2xx response's body [`Error::Http`] keeps.
pub const BODY_EXCERPT_LEN: usize = 200;

/// A request ready to send, built by [`build_request`] (the endpoint's method, the URL with
/// the access token in its query, `Content-Type: application/json` and the JSON body) or by
/// [`build_token_request`] (a `GET` with gettoken's parameters in the query).
///
/// Its `Debug` and `Display` show the URL with the token and the secret replaced by
/// `<redacted>`, so it can be logged. The [`http::Request`] that [`into_http`](Self::into_http) hands over to an HTTP
/// client is another matter: its `Debug` shows the full URL, token included, so keep it out of
/// logs and panic messages.
///
/// ```
/// use wecom_rooms::meeting::rooms::get_info::request::Request;
/// use wecom_rooms::{AccessToken, build_request};
///
/// let token = AccessToken::new("s3cret")?;
/// let prepared = build_request(&Request::new("RoomId001".parse()?), &token)?;
/// assert_eq!(
///     prepared.to_string(),
///     "POST https://qyapi.weixin.qq.com/cgi-bin/meeting/rooms/get_info?access_token=<redacted>",
/// );
/// assert!(!format!("{prepared:?}").contains("s3cret"));
///
/// let request: http::Request<Vec<u8>> = prepared.into_http();
/// assert_eq!(request.uri().query(), Some("access_token=s3cret"));
/// assert_eq!(request.body(), br#"{"meeting_room_id":"RoomId001"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PreparedRequest(http::Request<Vec<u8>>);

impl PreparedRequest {
    /// The request for an HTTP client. Its `Debug` shows the access token.
    pub fn into_http(self) -> http::Request<Vec<u8>> {
        self.0
    }

    /// The method: `POST`, or `GET` for gettoken.
    pub fn method(&self) -> &Method {
        self.0.method()
    }

    /// The URL with the access token and any secret replaced by `<redacted>`, for logs.
    pub fn redacted_uri(&self) -> String {
        redact(self.0.uri())
    }

    /// The headers: `Content-Type: application/json` when there is a body.
    pub fn headers(&self) -> &HeaderMap {
        self.0.headers()
    }

    /// The JSON body, empty for gettoken.
    pub fn body(&self) -> &[u8] {
        self.0.body()
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", self.0.method())
            .field("uri", &self.redacted_uri())
            .field("headers", self.0.headers())
            .field("body", &String::from_utf8_lossy(self.0.body()))
            .finish()
    }
}

impl fmt::Display for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.method(), self.redacted_uri())
    }
}

/// The URI with the value of every secret parameter replaced by `<redacted>`.
fn redact(uri: &Uri) -> String {
    let Some(query) = uri.query() else {
        return uri.to_string();
    };
    let mut shown = uri.to_string();
    // The query is the URI's tail: everything after the first `?`.
    shown.truncate(shown.len() - query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            shown.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if SECRET_PARAMETERS.contains(&name) => {
                shown.push_str(name);
                shown.push('=');
                shown.push_str(REDACTED);
            }
            _ => shown.push_str(pair),
        }
    }
    shown
}

/// Builds the request of any endpoint but gettoken to WeCom's server (its `ENDPOINT`'s base
/// URL), with `token` in the `access_token` query parameter.
///
/// The body is checked against the request schema first (for example, `meeting_room_id` must
/// not be empty); a body that breaks it is an [`Error::InvalidRequest`], and so is a request
/// of an endpoint that takes no access token (gettoken: see [`build_token_request`]).
pub fn build_request<E: Endpoint>(
    request: &E,
    token: &AccessToken,
) -> Result<PreparedRequest, Error> {
    build_request_to(E::ENDPOINT.base_url, request, token)
}

/// Like [`build_request`], to another server, such as a test server or a proxy.
///
/// `base_url` is scheme and authority, such as `http://127.0.0.1:8080`, optionally with a path
/// prefix that the endpoint's path is appended to; a trailing `/` is ignored. Only `http` and
/// `https` are accepted, with no query or fragment.
///
/// ```
/// use wecom_rooms::endpoints::GetInfo;
/// use wecom_rooms::{AccessToken, build_request_to};
///
/// let token = AccessToken::new("s3cret")?;
/// let request = GetInfo::new("RoomId001".parse()?);
/// let prepared = build_request_to("http://127.0.0.1:8080/", &request, &token)?;
/// assert_eq!(
///     prepared.into_http().uri(),
///     "http://127.0.0.1:8080/cgi-bin/meeting/rooms/get_info?access_token=s3cret",
/// );
/// assert!(build_request_to("ftp://example.com", &request, &token).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_request_to<E: Endpoint>(
    base_url: &str,
    request: &E,
    token: &AccessToken,
) -> Result<PreparedRequest, Error> {
    let takes_token = E::ENDPOINT.query.iter().any(|q| q.name == TOKEN_PARAMETER);
    if !takes_token {
        let endpoint = E::ENDPOINT.path;
        return Err(InvalidRequest::TakesNoToken { endpoint }.into());
    }
    prepare(base_url, request, Some(token))
}

/// Builds the request that fetches an access token: `GET /cgi-bin/gettoken` with `corpid` and
/// `corpsecret` in the query. The secret is redacted wherever the request is shown.
///
/// ```
/// use wecom_rooms::endpoints::GetToken;
/// use wecom_rooms::{NonEmptyString, build_token_request};
///
/// let secret: NonEmptyString = "s3cret".parse()?;
/// let prepared = build_token_request(&GetToken::new("ww1234".parse()?, secret.into()))?;
/// assert_eq!(
///     prepared.to_string(),
///     "GET https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1234&corpsecret=<redacted>",
/// );
/// assert!(prepared.body().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn build_token_request(request: &gettoken::request::Request) -> Result<PreparedRequest, Error> {
    build_token_request_to(gettoken::request::ENDPOINT.base_url, request)
}

/// Like [`build_token_request`], to another server, with `base_url` as for [`build_request_to`].
pub fn build_token_request_to(
    base_url: &str,
    request: &gettoken::request::Request,
) -> Result<PreparedRequest, Error> {
    prepare(base_url, request, None)
}

/// The request of endpoint `E` to `base_url`: its instance as the JSON body or the query string,
/// the token (if any) in the query.
fn prepare<E: Endpoint>(
    base_url: &str,
    request: &E,
    token: Option<&AccessToken>,
) -> Result<PreparedRequest, Error> {
    let endpoint = E::ENDPOINT;
    let bad_url = || InvalidRequest::BaseUrl {
        url: base_url.to_owned(),
    };
    let encode = |reason: String| InvalidRequest::Encode {
        endpoint: endpoint.path,
        reason,
    };
    let base = base_url.strip_suffix('/').unwrap_or(base_url);
    let base_uri: Uri = base.parse().map_err(|_| bad_url())?;
    let usable =
        matches!(base_uri.scheme_str(), Some("http" | "https")) && base_uri.host().is_some();
    if !usable || base.contains(['?', '#']) {
        return Err(bad_url().into());
    }

    let value = serde_json::to_value(request).map_err(|e| encode(e.to_string()))?;
    let report = E::validate(&value);
    if !report.is_valid() {
        let endpoint = endpoint.path;
        return Err(InvalidRequest::Schema { endpoint, report }.into());
    }

    let mut query = Vec::new();
    if let Some(token) = token {
        query.push((TOKEN_PARAMETER, Cow::Borrowed(token.expose())));
    }
    let (body, content_type) = match endpoint.request_in {
        RequestIn::Query => {
            let Value::Object(members) = &value else {
                return Err(encode("not a JSON object".to_owned()).into());
            };
            for (name, member) in members {
                let text = match member {
                    Value::String(s) => Cow::Borrowed(s.as_str()),
                    other => Cow::Owned(other.to_string()),
                };
                query.push((name.as_str(), text));
            }
            (Vec::new(), None)
        }
        _ => {
            let body = serde_json::to_vec(&value).map_err(|e| encode(e.to_string()))?;
            (body, Some(HeaderValue::from_static("application/json")))
        }
    };
    let mut uri = format!("{base}{}", endpoint.path);
    for (i, (name, text)) in query.iter().enumerate() {
        uri.push(if i == 0 { '?' } else { '&' });
        uri.push_str(name);
        uri.push('=');
        uri.extend(utf8_percent_encode(text, QUERY_VALUE));
    }
    let method = Method::from_bytes(endpoint.method.as_bytes()).map_err(|_| {
        encode(format!(
            "method {:?} is not an http method",
            endpoint.method
        ))
    })?;
    let mut built = http::Request::builder().method(method).uri(uri);
    if let Some(content_type) = content_type {
        built = built.header(CONTENT_TYPE, content_type);
    }
    // Never show the builder's error: it may quote the URI, token included.
    built
        .body(body)
        .map(PreparedRequest)
        .map_err(|_| bad_url().into())
}

/// Reads an HTTP response of endpoint `E`: what it gives on success, or what went wrong.
///
/// - A status other than 2xx is an [`Error::Http`] with the status and the start of the body.
/// - A 2xx body is decoded as `E`'s response ([`parse_body`]): an error envelope (`errcode`
///   not 0) is an [`Error::Api`]; a body that is not JSON, or not a response of this endpoint,
///   is an [`Error::Decode`].
///
/// The client (feature `client`) reads every answer with this same function, so the two
/// never tell the same response apart differently.
///
/// ```
/// use wecom_rooms::endpoints::GetInfo;
/// use wecom_rooms::{Error, parse_response};
///
/// let response = http::Response::builder()
///     .status(200)
///     .body(r#"{"errcode": 42001, "errmsg": "access_token expired"}"#)?;
/// let error = parse_response::<GetInfo>(&response).unwrap_err();
/// assert!(matches!(error, Error::Api(e) if e.errcode() == 42001));
/// # Ok::<(), http::Error>(())
/// ```
pub fn parse_response<E>(response: &http::Response<impl AsRef<[u8]>>) -> Result<Success<E>, Error>
where
    E: Endpoint<Response: Outcome<Failure: Into<ApiError>>>,
{
    read_answer::<E>(response.status(), response.body().as_ref())
}

/// Decodes the body of a 2xx response of endpoint `E`: its success, an [`Error::Api`] for an
/// error envelope, or an [`Error::Decode`].
///
/// Decoding is as tolerant as the generated types: members the schema does not name are kept,
/// and enumeration values it does not name decode to `Unknown`, so that an answer WeCom
/// extends still reads. To also insist that the schema accepts the document, use
/// [`Endpoint::decode_response`].
pub fn parse_body<E>(body: &[u8]) -> Result<Success<E>, Error>
where
    E: Endpoint<Response: Outcome<Failure: Into<ApiError>>>,
{
    let response: E::Response =
        wecom_rooms_runtime::decode::from_slice(body).map_err(Error::Decode)?;
    response.into_result().map_err(|e| Error::Api(e.into()))
}

/// The one reading of an answer, by status, then envelope, then decode: [`parse_response`]
/// and the client both call it.
pub(crate) fn read_answer<E>(status: StatusCode, body: &[u8]) -> Result<Success<E>, Error>
where
    E: Endpoint<Response: Outcome<Failure: Into<ApiError>>>,
{
    if !status.is_success() {
        return Err(Error::Http {
            status,
            body_excerpt: excerpt(body),
        });
    }
    parse_body::<E>(body)
}

/// The start of `body`, at most [`BODY_EXCERPT_LEN`] bytes, on one line.
fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_EXCERPT_LEN)];
    let text = match std::str::from_utf8(cut) {
        Ok(text) => Cow::Borrowed(text),
        // Only the last character was cut in two: drop it.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(&cut[..e.valid_up_to()]),
        Err(_) => String::from_utf8_lossy(cut),
    };
    let mut shown = String::new();
    // Writing to a String cannot fail.
    let _ = write_one_line(&mut shown, text.trim());
    if cut.len() < body.len() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_takes_the_token_in_the_query() {
        let endpoint = crate::meeting::rooms::get_info::request::ENDPOINT;
        assert_eq!(endpoint.query[0].name, TOKEN_PARAMETER);
        assert!(endpoint.query[0].required);
        assert_eq!(endpoint.method, "POST");
    }

    #[test]
    fn redact_replaces_only_the_token() {
        for (uri, shown) in [
            ("http://h/p", "http://h/p"),
            (
                "http://h/p?access_token=abc",
                "http://h/p?access_token=<redacted>",
            ),
            (
                "http://h/p?a=1&access_token=abc&b=2",
                "http://h/p?a=1&access_token=<redacted>&b=2",
            ),
            ("http://h/p?access_token_x=1", "http://h/p?access_token_x=1"),
            (
                "http://h/gettoken?corpid=ww1&corpsecret=abc",
                "http://h/gettoken?corpid=ww1&corpsecret=<redacted>",
            ),
        ] {
            assert_eq!(redact(&uri.parse().unwrap()), shown);
        }
    }

    #[test]
    fn excerpt_is_short_and_on_one_line() {
        assert_eq!(excerpt(b""), "");
        assert_eq!(
            excerpt(b"  <h1>Bad\r\nGateway</h1>\n"),
            r"<h1>Bad\r\nGateway</h1>"
        );
        let long = "网".repeat(100); // 300 bytes; 200 cuts the 67th character in two
        let shown = excerpt(long.as_bytes());
        assert_eq!(shown, format!("{}…", "网".repeat(66)));
        assert_eq!(excerpt(b"\xff\xfeok"), "\u{fffd}\u{fffd}ok");
    }
}
