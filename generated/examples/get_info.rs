//! Calls 获取Rooms会议室详情 with a real HTTP client (ureq) and prints the room's details.
//!
//! ```text
//! WECOM_ACCESS_TOKEN=... cargo run -p wecom-rooms --example get_info -- ROOM_ID
//! ```
//!
//! The token comes from the environment, never from the command line (where other users of
//! the machine could see it); the room ID is the only argument. `WECOM_BASE_URL` sends the call
//! elsewhere, such as `http://127.0.0.1:8080` for a local test server.
//!
//! TLS: this workspace builds ureq without TLS, to keep its build small, so this example only
//! speaks plain `http` as it is built here (against WeCom's `https` server it stops with
//! "TLS required"). In your own project, depend on ureq with its default features (`rustls`),
//! or hand the [`http::Request`] to any client you already use: nothing else here changes.

use std::error::Error as StdError;
use std::process::ExitCode;
use std::time::Duration;

use wecom_rooms::meeting::rooms::get_info::request::Request;
use wecom_rooms::{AccessToken, Error, ErrorKind, build_request, build_request_to, parse_response};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn StdError>> {
    let mut args = std::env::args().skip(1);
    let (Some(room_id), None) = (args.next(), args.next()) else {
        return Err("usage: get_info ROOM_ID (with the token in WECOM_ACCESS_TOKEN)".into());
    };
    let token = std::env::var("WECOM_ACCESS_TOKEN")
        .map_err(|_| "set WECOM_ACCESS_TOKEN to an access token from WeCom's gettoken API")?;
    let token = AccessToken::new(token)?;

    let request = Request::new(room_id.try_into()?);
    let prepared = match std::env::var("WECOM_BASE_URL") {
        Ok(base_url) => build_request_to(&base_url, &request, &token)?,
        Err(_) => build_request(&request, &token)?,
    };
    // `PreparedRequest` shows the URL with the token redacted: safe to log.
    eprintln!("{prepared}");

    // Statuses other than 2xx come back as responses, for `parse_response` to report.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let response = match agent.run(prepared.into_http()) {
        Ok(response) => response,
        Err(ureq::Error::TlsRequired) => {
            return Err("TLS required: build ureq with its `rustls` feature to call https".into());
        }
        // A client error may quote the URL, and so the token.
        Err(e) => {
            let shown = e.to_string().replace(token.expose(), "<redacted>");
            return Err(format!("request failed: {shown}").into());
        }
    };
    let (parts, mut body) = response.into_parts();
    let response = http::Response::from_parts(parts, body.read_to_vec()?);

    match parse_response::<Request>(&response) {
        // Debug hides the passwords.
        Ok(room) => println!("{room:#?}"),
        Err(Error::Api(error)) => {
            let advice = match error.kind() {
                ErrorKind::Retryable => "WeCom is busy: retry in a moment",
                ErrorKind::InvalidToken => "fetch a new access token and retry once",
                ErrorKind::RateLimited => "too many calls: back off before retrying",
                ErrorKind::NotPermitted => {
                    "check the application's API permissions and trusted IPs"
                }
                _ => "see errmsg and WeCom's global error codes",
            };
            return Err(format!("{error} ({advice})").into());
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
