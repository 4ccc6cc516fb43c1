//! The hand-written surface without a network: errors and their classes, the access token, the
//! built request, and what never shows in `Debug` or `Display`.

use std::fmt::{Debug, Display};
use std::path::{Path, PathBuf};

use wecom_rooms::NonEmptyString;
use wecom_rooms::common::ErrorEnvelope;
use wecom_rooms::endpoints::GetInfo;
use wecom_rooms::meeting::rooms::get_info::request::Request;
use wecom_rooms::meeting::rooms::get_info::response::{EXAMPLES, Response};
use wecom_rooms::{
    AccessToken, ApiError, Error, ErrorKind, InvalidAccessToken, InvalidRequest, Outcome as _,
    build_request, build_request_to, codes, parse_body, parse_response,
};

/// A token that cannot appear anywhere by accident.
const TOKEN: &str = "Tok3n_ZZqv-81x";

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/meeting/rooms/get_info/response")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every way a value is shown: `{:?}`, `{:#?}` and, where there is one, `{}`.
fn shown_debug(value: &dyn Debug) -> [String; 2] {
    [format!("{value:?}"), format!("{value:#?}")]
}

fn assert_hides(shown: &[String], hidden: &[&str]) {
    for text in shown {
        for secret in hidden {
            assert!(!text.contains(secret), "{text:?} shows {secret:?}");
        }
    }
}

#[test]
fn debug_of_the_decoded_doc_sample_shows_no_secret() {
    for body in [
        fixture("valid/doc-sample.json"),
        EXAMPLES[0].as_bytes().to_vec(),
    ] {
        let room = parse_body::<GetInfo>(&body).expect("the doc sample decodes");
        assert_hides(&shown_debug(&room), &["MzMz", "XXXXXXX"]);
        let response: Response = serde_json::from_slice(&body).unwrap();
        assert_hides(&shown_debug(&response), &["MzMz", "XXXXXXX"]);
        // The secrets are there all the same, behind `expose`.
        assert_eq!(room.basic_info.password.expose().as_str(), "MzMz");
        let pmi = room.pmi_info;
        assert_eq!(pmi.pmi_pwd.expose().as_str(), "XXXXXXX");
    }
}

fn id(text: &str) -> NonEmptyString {
    NonEmptyString::new(text).expect("not empty")
}

/// A request its schema refuses. A typed request cannot be one; a hand-made endpoint type that
/// sends any JSON as call's body can, and is checked all the same.
#[derive(serde::Serialize)]
struct RawCall(serde_json::Value);

impl wecom_rooms::Endpoint for RawCall {
    const ENDPOINT: wecom_rooms_runtime::registry::Endpoint =
        wecom_rooms::meeting::rooms::call::request::ENDPOINT;
    const SCHEMA: wecom_rooms_runtime::registry::SchemaEntry =
        wecom_rooms::meeting::rooms::call::request::SCHEMA_ENTRY;
    type Response = wecom_rooms::meeting::rooms::call::response::Response;
    fn decode_response(
        body: &[u8],
    ) -> Result<Self::Response, wecom_rooms_runtime::decode::DecodeError> {
        wecom_rooms::meeting::rooms::call::response::decode_validated(body)
    }
}

/// A call whose MRA protocol (9) the schema does not name.
fn unknown_protocol() -> RawCall {
    RawCall(serde_json::json!({
        "meetingid": "m",
        "mra_address": {"protocol": 9, "dial_string": "10.0.0.1"}
    }))
}

#[test]
fn no_debug_or_display_shows_the_token() {
    let token = AccessToken::new(TOKEN).unwrap();
    let request = Request::new(id("RoomId001"));
    let prepared = build_request(&request, &token).unwrap();
    let local = build_request_to("http://127.0.0.1:9/prefix/", &request, &token).unwrap();
    let rejected = build_request(&unknown_protocol(), &token).unwrap_err();

    let mut shown = Vec::new();
    shown.extend(shown_debug(&token));
    shown.push(token.to_string());
    for prepared in [&prepared, &local] {
        shown.extend(shown_debug(prepared));
        shown.push(prepared.to_string());
        shown.push(prepared.redacted_uri());
    }
    shown.extend(shown_debug(&rejected));
    shown.push(rejected.to_string());
    assert_hides(&shown, &[TOKEN]);
    assert!(shown.iter().all(|s| !s.is_empty()));
    assert!(format!("{prepared:?}").contains("access_token=<redacted>"));
    assert_eq!(
        local.to_string(),
        "POST http://127.0.0.1:9/prefix/cgi-bin/meeting/rooms/get_info?access_token=<redacted>"
    );

    // What goes to the HTTP client does carry it, in the query only.
    let http = prepared.into_http();
    assert_eq!(http.uri().query(), Some(&*format!("access_token={TOKEN}")));
    assert!(!String::from_utf8_lossy(http.body()).contains(TOKEN));
    for (name, value) in http.headers() {
        assert!(!value.to_str().unwrap().contains(TOKEN), "{name}");
    }
}

#[test]
fn the_built_request_follows_the_endpoint() {
    let token = AccessToken::new(TOKEN).unwrap();
    let prepared = build_request(&Request::new(id("RoomId001")), &token).unwrap();
    assert_eq!(prepared.method(), http::Method::POST);
    assert_eq!(prepared.headers()["content-type"], "application/json");
    assert_eq!(prepared.body(), br#"{"meeting_room_id":"RoomId001"}"#);
    let http = prepared.into_http();
    assert_eq!(
        http.uri().to_string(),
        format!("https://qyapi.weixin.qq.com/cgi-bin/meeting/rooms/get_info?access_token={TOKEN}")
    );
    // The body is valid by the request schema.
    let body: serde_json::Value = serde_json::from_slice(http.body()).unwrap();
    assert!(wecom_rooms::meeting::rooms::get_info::request::is_valid(
        &body
    ));
}

#[test]
fn the_token_is_percent_encoded() {
    fn check(token: &str, query: &str) {
        let token = AccessToken::new(token).unwrap();
        let http = build_request(&Request::new(id("r")), &token)
            .unwrap()
            .into_http();
        assert_eq!(http.uri().query(), Some(query));
    }
    check("abc-DEF_123.~", "access_token=abc-DEF_123.~");
    check(
        "a+b/c=d&e%f?g#h",
        "access_token=a%2Bb%2Fc%3Dd%26e%25f%3Fg%23h",
    );
    check("令牌", "access_token=%E4%BB%A4%E7%89%8C");
}

#[test]
fn access_token_bounds() {
    fn check(token: String, expected: Result<(), InvalidAccessToken>) {
        let got = AccessToken::new(token.clone()).map(|_| ());
        assert_eq!(got, expected, "{} bytes", token.len());
        if let Err(e) = got {
            assert!(!e.to_string().is_empty());
            assert!(!e.to_string().contains(TOKEN), "{e}");
        }
    }
    check("x".into(), Ok(()));
    check("x".repeat(512), Ok(()));
    check(String::new(), Err(InvalidAccessToken::Empty));
    check(
        "x".repeat(513),
        Err(InvalidAccessToken::TooLong { len: 513 }),
    );
    check(
        "é".repeat(257),
        Err(InvalidAccessToken::TooLong { len: 514 }),
    );
    check(
        format!("{TOKEN}\n"),
        Err(InvalidAccessToken::InvalidCharacter),
    );
    check(
        format!("{TOKEN} {TOKEN}"),
        Err(InvalidAccessToken::InvalidCharacter),
    );
    check(
        format!("{TOKEN}\u{0}"),
        Err(InvalidAccessToken::InvalidCharacter),
    );
    assert_eq!(
        InvalidAccessToken::TooLong { len: 513 }.to_string(),
        "access token is 513 bytes long, at most 512 are allowed"
    );
}

#[test]
fn classification_goes_by_errcode() {
    fn check(errcode: i32, kind: ErrorKind) {
        // The message never matters: the same code with any text is the same kind.
        for errmsg in ["", "access_token expired", "system busy", "ok"] {
            let error = ApiError::new(errcode, errmsg);
            assert_eq!(error.kind(), kind, "{errcode} {errmsg:?}");
            assert_eq!(ErrorKind::of(errcode), kind);
        }
    }
    check(codes::SYSTEM_BUSY, ErrorKind::Retryable);
    check(codes::INVALID_ACCESS_TOKEN, ErrorKind::InvalidToken);
    check(codes::ACCESS_TOKEN_EXPIRED, ErrorKind::InvalidToken);
    check(codes::API_FREQUENCY_LIMIT, ErrorKind::RateLimited);
    check(codes::API_CONCURRENCY_LIMIT, ErrorKind::RateLimited);
    check(codes::API_FORBIDDEN, ErrorKind::NotPermitted);
    check(codes::UNTRUSTED_IP, ErrorKind::NotPermitted);
    check(codes::NO_PRIVILEGE_FOR_APP, ErrorKind::NotPermitted);
    for other in [
        codes::OK,
        1,
        -2,
        40001,
        40058,
        42009,
        45011,
        60011,
        93000,
        i32::MIN,
    ] {
        check(other, ErrorKind::Other);
    }
}

/// Every named code is the one WeCom's global error code page gives that meaning.
#[test]
fn named_codes_match_the_global_error_page() {
    let page =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/rooms/global_error_codes.md");
    let Ok(text) = std::fs::read_to_string(&page) else {
        // The pages ship beside the workspace, not in the crate.
        eprintln!(
            "note: {} is not here; the codes are not compared",
            page.display()
        );
        return;
    };
    // Rows such as `| 42001 |access_token已过期 |…|`.
    let meaning_of = |code: i32| {
        text.lines().find_map(|line| {
            let mut cells = line.split('|').map(str::trim).skip(1);
            (cells.next()? == code.to_string()).then(|| cells.next().map(str::to_owned))?
        })
    };
    for (code, meaning) in [
        (codes::OK, "请求成功"),
        (codes::SYSTEM_BUSY, "系统繁忙"),
        (codes::INVALID_ACCESS_TOKEN, "不合法的access_token"),
        (codes::ACCESS_TOKEN_MISSING, "缺少access_token参数"),
        (codes::ACCESS_TOKEN_EXPIRED, "access_token已过期"),
        (codes::API_FREQUENCY_LIMIT, "接口调用超过限制"),
        (codes::API_CONCURRENCY_LIMIT, "接口并发调用超过限制"),
        (codes::API_FORBIDDEN, "API接口无权限调用"),
        (codes::UNTRUSTED_IP, "不安全的访问IP"),
        (codes::NO_PRIVILEGE_FOR_APP, "无权限操作指定的应用"),
    ] {
        assert_eq!(meaning_of(code).as_deref(), Some(meaning), "errcode {code}");
    }
}

/// What a response should come to.
#[derive(Debug)]
enum Outcome {
    Room,
    Api(i32, ErrorKind),
    /// A decode error whose message contains this.
    Decode(&'static str),
    Http(u16),
}

/// Parses `body` sent with `status` and checks the outcome, and that an error envelope never
/// turns into a complaint about the room's details.
fn check(status: u16, body: &[u8], expected: Outcome) {
    let response = http::Response::builder().status(status).body(body).unwrap();
    let got = parse_response::<GetInfo>(&response);
    let context = String::from_utf8_lossy(body);
    match (&got, &expected) {
        (Ok(_), Outcome::Room) => {}
        (Err(Error::Api(e)), Outcome::Api(code, kind)) => {
            assert_eq!((e.errcode(), e.kind()), (*code, *kind), "{context}");
        }
        (Err(Error::Decode(e)), Outcome::Decode(text)) => {
            assert!(e.to_string().contains(text), "{context}: {e}");
        }
        (Err(Error::Http { status, .. }), Outcome::Http(code)) => {
            assert_eq!(status.as_u16(), *code, "{context}");
        }
        _ => panic!("{context}: got {got:?}, expected {expected:?}"),
    }
    if let Err(e) = &got {
        let shown = e.to_string();
        assert!(!shown.contains('\n'), "{shown:?}");
        assert!(!shown.ends_with('.'), "{shown:?}");
        assert!(shown.starts_with(char::is_lowercase), "{shown:?}");
        if matches!(expected, Outcome::Api(..)) {
            assert!(!shown.contains("basic_info"), "{shown}");
            assert!(!format!("{e:?}").contains("missing field"), "{e:?}");
        }
    }
}

#[test]
fn every_response_comes_to_its_outcome() {
    use ErrorKind::*;
    use Outcome::*;

    for name in [
        "valid/doc-sample.json",
        "valid/doc-sample-minified.json",
        "valid/doc-sample-unicode-escaped.json",
        "valid/unknown-member-top-level.json",
        "valid/errcode-zero-as-float.json",
    ] {
        check(200, &fixture(name), Room);
    }
    check(
        200,
        &fixture("valid/error-system-busy.json"),
        Api(-1, Retryable),
    );
    let expired = fixture("valid/error-access-token-expired.json");
    check(200, &expired, Api(42001, InvalidToken));
    let limited = fixture("valid/error-api-freq-out-of-limit.json");
    check(200, &limited, Api(45009, RateLimited));
    let ip = fixture("valid/error-ip-not-allowed.json");
    check(200, &ip, Api(60020, NotPermitted));
    // An envelope with a `basic_info` of its own is still an API error.
    let unknown = fixture("valid/error-with-unknown-members.json");
    check(200, &unknown, Api(42001, InvalidToken));
    for (errcode, kind) in [
        (40014, InvalidToken),
        (45033, RateLimited),
        (48002, NotPermitted),
        (301002, NotPermitted),
        (40058, Other),
        (i32::MAX, Other),
    ] {
        let body = format!(r#"{{"errcode":{errcode},"errmsg":"x"}}"#);
        check(200, body.as_bytes(), Api(errcode, kind));
        // Any 2xx is read; the status only matters outside 2xx.
        check(201, body.as_bytes(), Api(errcode, kind));
    }

    // Decode errors: not JSON, not this endpoint's response.
    let without_details = fixture("invalid/success-without-details.json");
    check(200, &without_details, Decode("missing field `basic_info`"));
    let without_pmi = fixture("invalid/success-missing-pmi-info.json");
    check(200, &without_pmi, Decode("missing field `pmi_info`"));
    check(
        200,
        &fixture("invalid/truncated-document.json"),
        Decode("EOF"),
    );
    check(200, &fixture("invalid/empty-file.json"), Decode("EOF"));
    check(200, &fixture("invalid/top-level-array.json"), Decode(""));
    check(
        200,
        &fixture("invalid/missing-errcode.json"),
        Decode("errcode"),
    );
    let numeric = fixture("invalid/errcode-numeric-string.json");
    check(200, &numeric, Decode("invalid type"));
    check(
        200,
        &fixture("invalid/error-missing-errmsg.json"),
        Decode("errmsg"),
    );
    check(
        200,
        b"<html>502 Bad Gateway</html>",
        Decode("expected value"),
    );

    // Statuses outside 2xx win over whatever the body says.
    check(502, b"<html>Bad Gateway</html>", Http(502));
    check(503, b"", Http(503));
    check(404, &expired, Http(404));
    check(500, &fixture("valid/doc-sample.json"), Http(500));
    check(302, b"", Http(302));
}

#[test]
fn decode_and_api_errors_stay_apart() {
    let envelope =
        parse_body::<GetInfo>(&fixture("valid/error-access-token-expired.json")).unwrap_err();
    let decode =
        parse_body::<GetInfo>(&fixture("invalid/success-without-details.json")).unwrap_err();
    assert!(matches!(envelope, Error::Api(_)));
    assert!(matches!(decode, Error::Decode(_)));
    assert_eq!(
        envelope.to_string(),
        "wecom error 42001: access_token expired"
    );
    assert_eq!(decode.to_string(), "cannot decode the response body");
    let why = std::error::Error::source(&decode).expect("serde_json's error");
    assert!(
        why.to_string().starts_with("missing field `basic_info`"),
        "{why}"
    );
    assert_eq!(
        envelope.api_error().map(ApiError::errcode),
        Some(codes::ACCESS_TOKEN_EXPIRED)
    );
    assert!(decode.api_error().is_none());
}

#[test]
fn api_error_keeps_the_envelope() {
    let Err(Error::Api(error)) =
        parse_body::<GetInfo>(&fixture("valid/error-with-unknown-members.json"))
    else {
        panic!("expected an API error");
    };
    assert_eq!(error.errcode(), 42001);
    assert_eq!(error.errmsg(), "access_token expired");
    assert_eq!(error.extra()["hint"], "refresh the token");
    assert!(error.extra()["basic_info"].is_object());
    let envelope: ErrorEnvelope =
        serde_json::from_slice(&fixture("valid/error-with-unknown-members.json")).unwrap();
    assert_eq!(ApiError::from(envelope), error);

    let response: Response =
        serde_json::from_slice(&fixture("valid/error-system-busy.json")).unwrap();
    let error = ApiError::from(response.into_result().unwrap_err());
    assert_eq!(error.to_string(), "wecom error -1: system busy");
    assert!(std::error::Error::source(&error).is_none());
    let error = Error::from(error);
    assert_eq!(error.to_string(), "wecom error -1: system busy");
}

#[test]
fn http_errors_show_status_and_excerpt() {
    let body = format!("<html>\n{}</html>", "x".repeat(500));
    let response = http::Response::builder()
        .status(502)
        .body(body.as_bytes())
        .unwrap();
    let error = parse_response::<GetInfo>(&response).unwrap_err();
    let Error::Http {
        status,
        body_excerpt,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*status, http::StatusCode::BAD_GATEWAY);
    // The first BODY_EXCERPT_LEN bytes of the body, the line break escaped, then an ellipsis.
    let kept = "x".repeat(wecom_rooms::BODY_EXCERPT_LEN - "<html>\n".len());
    assert_eq!(*body_excerpt, format!(r"<html>\n{kept}…"));
    let shown = error.to_string();
    assert!(
        shown.starts_with(r"http status 502 Bad Gateway: <html>\nxxx"),
        "{shown}"
    );
    assert!(!shown.contains('\n'));
}

#[test]
fn invalid_requests_are_refused_before_sending() {
    let token = AccessToken::new(TOKEN).unwrap();
    let room = Request::new(id("RoomId001"));
    fn refused(got: Result<impl Debug, Error>) -> InvalidRequest {
        match got {
            Err(Error::InvalidRequest(invalid)) => invalid,
            other => panic!("expected an invalid request, got {other:?}"),
        }
    }
    // A request that breaks its schema keeps the whole report.
    let invalid = refused(build_request(&unknown_protocol(), &token));
    let report = invalid.report().expect("a schema violation has a report");
    let pointers: Vec<&str> = report
        .errors
        .iter()
        .map(|e| e.instance_pointer.as_str())
        .collect();
    assert_eq!(pointers, ["/mra_address/protocol"], "{invalid}");
    let first = std::error::Error::source(&invalid).expect("the first violation");
    assert_eq!(first.to_string(), report.errors[0].to_string());
    for base_url in [
        "",
        "127.0.0.1:80",
        "ftp://host",
        "http://",
        "http://h/?q=1",
        "http://h/#f",
    ] {
        match refused(build_request_to(base_url, &room, &token)) {
            InvalidRequest::BaseUrl { url, .. } => assert_eq!(url, base_url),
            other => panic!("{base_url:?}: {other:?}"),
        }
    }
    for base_url in [
        "http://h",
        "http://h/",
        "https://h:8443/x/",
        "http://[::1]:80",
    ] {
        let built = build_request_to(base_url, &room, &token);
        assert!(built.is_ok(), "{base_url}: {built:?}");
    }
    let shown = build_request_to("ftp://host", &room, &token)
        .unwrap_err()
        .to_string();
    assert!(shown.starts_with("base url \"ftp://host\""), "{shown}");
}

#[test]
fn displays_are_one_lowercase_line() {
    let shown: Vec<String> = [
        &ApiError::new(42001, "access_token expired") as &dyn Display,
        &InvalidAccessToken::Empty,
        &InvalidAccessToken::InvalidCharacter,
        &InvalidAccessToken::TooLong { len: 600 },
    ]
    .iter()
    .map(|d| d.to_string())
    .collect();
    for text in shown {
        assert!(!text.contains('\n') && !text.ends_with('.'), "{text:?}");
        assert!(text.starts_with(char::is_lowercase), "{text:?}");
    }
}
