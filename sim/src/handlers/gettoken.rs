//! `GET /cgi-bin/gettoken?corpid=ID&corpsecret=SECRET`

use serde_json::{Value, json};
use wecom_rooms::gettoken;

use crate::protocol::{Refusal, codes, ok};
use crate::world::World;

/// Issues a token for the application whose corp ID and secret the query names. Query
/// parameters other than those two are ignored, as WeCom ignores them.
pub(crate) fn gettoken(
    world: &mut World,
    now: u64,
    query: &[(String, String)],
) -> Result<Value, Refusal> {
    let first = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut object = serde_json::Map::new();
    for name in ["corpid", "corpsecret"] {
        if let Some(value) = first(name) {
            object.insert(name.to_owned(), json!(value));
        }
    }
    let request = Value::Object(object);
    let corpid = first("corpid").unwrap_or_default();
    let secret = first("corpsecret").unwrap_or_default();
    if !world.apps.iter().any(|app| app.corpid == corpid) {
        return Err(Refusal::new(codes::INVALID_CORPID, "invalid corpid"));
    }
    if !gettoken::request::is_valid(&request) {
        return Err(Refusal::new(
            codes::INVALID_SECRET,
            "invalid credential: corpsecret missing",
        ));
    }
    let app = world
        .apps
        .iter()
        .position(|app| app.corpid == corpid && app.corpsecret == secret)
        .ok_or_else(|| Refusal::new(codes::INVALID_SECRET, "invalid credential: corpsecret"))?;
    let token = world.issue_token(app, now);
    Ok(ok(
        json!({"access_token": token, "expires_in": world.expires_in}),
    ))
}
