//! Keeping secrets out of every output: the `access_token` of a URL, gettoken's `corpsecret`,
//! and the token a gettoken response carries.

use serde_json::Value;
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

/// The values of the secret members at the top of a JSON body, if it is an object.
pub fn body_secrets(bytes: &[u8], into: &mut Vec<String>) {
    if let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(bytes) {
        for name in SECRET_NAMES {
            if let Some(Value::String(value)) = members.get(*name)
                && !value.is_empty()
            {
                into.push(value.clone());
            }
        }
    }
}

/// `message` with every secret, whole or as the validators quote it (shortened), replaced.
pub fn message(message: &str, secrets: &[String]) -> String {
    let mut message = message.to_owned();
    for secret in secrets {
        let quoted = describe(&Value::String(secret.clone()));
        message = message.replace(&quoted, &format!("\"{REDACTED}\""));
        message = message.replace(secret.as_str(), REDACTED);
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
    }
}
