//! Every endpoint of the family through the one API: each valid request fixture builds into the
//! request it describes, each response fixture reads back as its folder says, and a request that
//! breaks its schema is never sent.

use std::path::{Path, PathBuf};

use serde_json::Value;
use wecom_rooms::{
    AccessToken, Endpoint, Error, InvalidRequest, PreparedRequest, build_request,
    build_token_request, parse_body,
};

const TOKEN: &str = "Tok3n_ZZqv-81x";

/// The `*.json` files of `tests/fixtures/<schema>/<verdict>/`, sorted.
fn fixtures(schema: &str, verdict: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(schema)
        .join(verdict);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a readable fixture");
            (path, bytes)
        })
        .collect()
}

/// Builds `request`: gettoken's with its own builder, every other with the token.
fn build<E: Endpoint + 'static>(request: &E) -> Result<PreparedRequest, Error> {
    match (request as &dyn std::any::Any).downcast_ref::<wecom_rooms::endpoints::GetToken>() {
        Some(gettoken) => build_token_request(gettoken),
        None => build_request(request, &AccessToken::new(TOKEN).unwrap()),
    }
}

/// What the built request carries: the body as JSON, or the query's members for gettoken.
fn sent(prepared: PreparedRequest) -> (String, Value) {
    let shown = prepared.to_string();
    let request = prepared.into_http();
    let uri = request.uri().clone();
    if request.body().is_empty() {
        let members = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').expect("name=value");
                let value = percent_decode(value);
                (name.to_owned(), Value::String(value))
            })
            .collect();
        (shown, Value::Object(members))
    } else {
        assert_eq!(request.headers()["content-type"], "application/json");
        assert_eq!(
            uri.query(),
            Some(format!("access_token={TOKEN}").as_str()),
            "{uri}"
        );
        let body = serde_json::from_slice(request.body()).expect("a JSON body");
        (shown, body)
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("two hex digits");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

fn check_endpoint<E>(request_schema: &str, response_schema: &str) -> usize
where
    E: Endpoint + serde::de::DeserializeOwned + 'static,
    E::Response: wecom_rooms::Outcome<Failure: Into<wecom_rooms::ApiError>>,
{
    let mut checked = 0;
    for (path, bytes) in fixtures(request_schema, "valid") {
        let instance: Value = serde_json::from_slice(&bytes).unwrap();
        let request: E = serde_json::from_value(instance.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let prepared = build(&request).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(prepared.method().as_str(), E::ENDPOINT.method);
        let (shown, sent) = sent(prepared);
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(shown.contains(E::ENDPOINT.path), "{shown}");
        if let Some(secret) = instance.get("corpsecret").and_then(Value::as_str) {
            assert!(!shown.contains(&format!("={secret}")), "{shown}");
        }
        assert!(
            wecom_rooms_runtime::value::equal(&sent, &instance),
            "{}: sent {sent}",
            path.display()
        );
        checked += 1;
    }
    // A request the types can hold but the schema refuses is never built.
    for (path, bytes) in fixtures(request_schema, "invalid") {
        let Ok(request) = serde_json::from_slice::<E>(&bytes) else {
            continue;
        };
        let error = build(&request).expect_err(&path.display().to_string());
        assert!(
            matches!(&error, Error::InvalidRequest(invalid)
                if invalid.report().is_some_and(|report| !report.errors.is_empty())),
            "{}: {error}",
            path.display()
        );
        checked += 1;
    }
    for (path, bytes) in fixtures(response_schema, "valid") {
        let errcode = serde_json::from_slice::<Value>(&bytes).unwrap()["errcode"]
            .as_f64()
            .unwrap();
        match parse_body::<E>(&bytes) {
            Ok(_) => assert_eq!(errcode, 0.0, "{}", path.display()),
            Err(Error::Api(e)) => assert_eq!(f64::from(e.errcode()), errcode),
            Err(e) => panic!("{}: {e}", path.display()),
        }
        assert!(E::decode_response(&bytes).is_ok(), "{}", path.display());
        checked += 1;
    }
    for (path, bytes) in fixtures(response_schema, "invalid") {
        assert!(E::decode_response(&bytes).is_err(), "{}", path.display());
        checked += 1;
    }
    checked
}

#[test]
fn every_endpoint_builds_its_requests_and_reads_its_responses() {
    macro_rules! endpoints {
        ($($($module:ident)::+),* $(,)?) => {{
            let mut checked = 0;
            let mut requests = Vec::new();
            $(
                checked += check_endpoint::<wecom_rooms::$($module)::+::request::Request>(
                    wecom_rooms::$($module)::+::request::SCHEMA_NAME,
                    wecom_rooms::$($module)::+::response::SCHEMA_NAME,
                );
                requests.push(wecom_rooms::$($module)::+::request::SCHEMA_NAME);
            )*
            (checked, requests)
        }};
    }
    let (checked, mut requests) = endpoints!(
        gettoken,
        meeting::rooms::book,
        meeting::rooms::release,
        meeting::rooms::get_info,
        meeting::rooms::list,
        meeting::rooms::list_meetings,
        meeting::rooms::list_devices,
        meeting::rooms::list_controllers,
        meeting::rooms::get_config,
        meeting::rooms::call,
        meeting::rooms::cancel_call,
        meeting::rooms::get_response_status,
        meeting::rooms::get_inventory,
        meeting::create,
        meeting::update,
        meeting::cancel,
        meeting::get_info,
        meeting::get_user_meetingid,
    );
    // The list above is by hand (a type per module); the generated routes say what it must hold.
    let mut routes: Vec<&str> = wecom_rooms::ROUTES.iter().map(|r| r.request.name).collect();
    routes.sort_unstable();
    requests.sort_unstable();
    assert_eq!(
        requests, routes,
        "list every endpoint of wecom_rooms::ROUTES above"
    );
    println!("checked {checked} fixtures through build_request and parse_body");
}

#[test]
fn gettoken_takes_no_access_token() {
    let request = wecom_rooms::endpoints::GetToken::new(
        "ww1".parse().unwrap(),
        wecom_rooms_runtime::Secret::new("s3cret".parse().unwrap()),
    );
    let error = build_request(&request, &AccessToken::new(TOKEN).unwrap()).unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidRequest(InvalidRequest::TakesNoToken { .. })
        ),
        "{error}"
    );
    assert!(error.to_string().contains("build_token_request"), "{error}");
}
