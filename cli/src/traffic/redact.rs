//! Keeping secrets out of every output: the `access_token` of a URL, gettoken's `corpsecret`,
//! the token a gettoken response carries and every member a schema marks `x-secret`.

use base64::Engine as _;
use serde_json::Value;
use wecom_rooms::SECRET_MEMBERS;
use wecom_rooms_runtime::value::describe;

/// What a secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// The names of the query parameters and members whose values are secrets.
pub const SECRET_NAMES: &[&str] = &["access_token", "corpsecret"];

/// `url` with the value of every secret query parameter replaced by [`REDACTED`], and those
/// values, decoded, so that messages can be scrubbed of them too.
pub fn url(url: &str) -> (String, Vec<String>) {
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (url, None),
    };
    let Some((base, query)) = rest.split_once('?') else {
        return (url.to_owned(), Vec::new());
    };
    let mut secrets = Vec::new();
    let pieces: Vec<String> = (query.split('&'))
        .map(|piece| {
            let decoded = url::form_urlencoded::parse(piece.as_bytes()).next();
            match decoded {
                Some((name, value)) if SECRET_NAMES.contains(&name.as_ref()) => {
                    if !value.is_empty() {
                        secrets.push(value.into_owned());
                    }
                    let raw_name = piece.split_once('=').map_or(piece, |(name, _)| name);
                    format!("{raw_name}={REDACTED}")
                }
                _ => piece.to_owned(),
            }
        })
        .collect();
    let mut redacted = format!("{base}?{}", pieces.join("&"));
    if let Some(fragment) = fragment {
        redacted = format!("{redacted}#{fragment}");
    }
    (redacted, secrets)
}

/// The values of the secret members of a JSON body, at any depth: [`SECRET_NAMES`] and every
/// member a schema marks `x-secret` (`password`, `host_key`, `pmi_pwd`, …).
pub fn body_secrets(bytes: &[u8], into: &mut Vec<String>) {
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        collect_secrets(&value, into);
    }
}

fn collect_secrets(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                let secret = SECRET_NAMES.contains(&name.as_str())
                    || SECRET_MEMBERS.iter().any(|(secret, _)| secret == name);
                match member {
                    Value::String(value) if secret && !value.is_empty() => {
                        into.push(value.clone());
                    }
                    member => collect_secrets(member, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_secrets(item, into)),
        _ => {}
    }
}

/// JSON pointers of the secret members of a body whose value is a redaction marker (as the
/// proxy's recorder writes them: [`REDACTED`], or its base64 for a base64 member). Such a
/// value was checked live before it was replaced, so the replacement is not checked again.
pub fn redacted_pointers(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        let base64 = base64::engine::general_purpose::STANDARD.encode(REDACTED);
        collect_redacted(&value, &mut String::new(), &base64, &mut found);
    }
    found
}

fn collect_redacted(value: &Value, at: &mut String, base64: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                let secret = SECRET_NAMES.contains(&name.as_str())
                    || SECRET_MEMBERS.iter().any(|(secret, _)| secret == name);
                let len = at.len();
                at.push('/');
                at.push_str(&name.replace('~', "~0").replace('/', "~1"));
                match member {
                    Value::String(text) if secret && (text == REDACTED || text == base64) => {
                        found.push(at.clone());
                    }
                    member => collect_redacted(member, at, base64, found),
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&index.to_string());
                collect_redacted(item, at, base64, found);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Below this many characters a secret is replaced only where a message quotes it: replacing
/// every `x` of a message for a one-letter token would garble it and hide nothing.
const SHORTEST_BARE: usize = 4;

/// `message` with every secret, whole or as the validators quote it (shortened), replaced.
pub fn message(message: &str, secrets: &[String]) -> String {
    let mut message = message.to_owned();
    for secret in secrets {
        let quoted = describe(&Value::String(secret.clone()));
        message = message.replace(&quoted, &format!("\"{REDACTED}\""));
        if secret.chars().count() >= SHORTEST_BARE {
            message = message.replace(secret.as_str(), REDACTED);
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_parameters_are_redacted_and_returned() {
        let (shown, secrets) =
            url("https://h/cgi-bin/gettoken?corpid=ID&corpsecret=S%2B1&access_token=T#x");
        assert_eq!(
            shown,
            "https://h/cgi-bin/gettoken?corpid=ID&corpsecret=<redacted>&access_token=<redacted>#x"
        );
        assert_eq!(secrets, ["S+1", "T"]);
        assert_eq!(url("/p").0, "/p");
    }

    #[test]
    fn messages_lose_whole_and_shortened_secrets() {
        let long = "k".repeat(60);
        let quoted = describe(&Value::String(long.clone()));
        let text = format!("expected at most 50 characters, found {quoted}");
        assert_eq!(
            message(&text, &[long]),
            "expected at most 50 characters, found \"<redacted>\""
        );
        assert_eq!(message("a SECRET b", &["SECRET".into()]), "a <redacted> b");
        let short = ["x".to_owned()];
        assert_eq!(
            message(r#"expected x, found "x""#, &short),
            r#"expected x, found "<redacted>""#,
            "a short secret only where it is quoted"
        );
    }

    #[test]
    fn body_secrets_are_found_at_any_depth() {
        let body = br#"{"access_token":"T","settings":{"password":"12ab","hosts":{"userid":["u"]}},"pmi_info":[{"pmi_pwd":"MTIz"}],"title":"password"}"#;
        let mut secrets = Vec::new();
        body_secrets(body, &mut secrets);
        secrets.sort();
        assert_eq!(secrets, ["12ab", "MTIz", "T"]);
    }

    #[test]
    fn redaction_markers_are_found_where_secrets_were() {
        let body = br#"{"settings":{"password":"<redacted>","title":"<redacted>"},"pmi_info":[{"pmi_pwd":"PHJlZGFjdGVkPg=="}],"access_token":"real"}"#;
        assert_eq!(
            redacted_pointers(body),
            ["/pmi_info/0/pmi_pwd", "/settings/password"]
        );
    }
}
