//! `--record`: every exchange as one JSON Lines record `{"method", "url", "request_body",
//! "response_body"}`, the shape `check-traffic` reads, with every secret redacted, written by
//! a thread of its own so that a slow disk never holds traffic up.

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::traffic::redact::{self, REDACTED};

/// The members whose values are secrets, wherever they are in a body, as the schemas mark them
/// `x-secret` (the token, the application's secret, passwords), with whether each is base64.
pub(super) use wecom_rooms::SECRET_MEMBERS;

/// The same names, quoted as they appear in JSON text, to pass over a body that names none.
static QUOTED: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    SECRET_MEMBERS
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect()
});

/// Records waiting for the writer, at most; past this they are dropped and counted.
const QUEUE: usize = 4096;

/// The open capture.
pub(super) struct Recorder {
    sender: Option<SyncSender<String>>,
    writer: Option<JoinHandle<()>>,
}

impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

/// The capture file cannot be created.
#[derive(Debug)]
pub(super) struct RecordError {
    path: PathBuf,
    source: io::Error,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot create the capture {}", self.path.display())
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl Recorder {
    /// Creates (or truncates) `path` and starts its writer.
    pub fn create(path: &Path) -> Result<Self, RecordError> {
        let file = File::create(path).map_err(|source| RecordError {
            path: path.to_owned(),
            source,
        })?;
        let (sender, receiver) = sync_channel(QUEUE);
        let writer = std::thread::Builder::new()
            .name("record".to_owned())
            .spawn(move || write_all(&receiver, BufWriter::new(file)))
            .map_err(|source| RecordError {
                path: path.to_owned(),
                source,
            })?;
        Ok(Recorder {
            sender: Some(sender),
            writer: Some(writer),
        })
    }

    /// Queues one exchange; `false` when the writer is behind and it was dropped.
    /// `response` is `None` when the upstream never answered (or `enforce` answered instead).
    pub fn record(&self, method: &str, url: &str, request: &[u8], response: Option<&[u8]>) -> bool {
        let text = |bytes: &[u8]| match bytes {
            [] => Value::Null,
            bytes => Value::String(redact_json(bytes).0.into_owned()),
        };
        let line = json!({
            "method": method,
            "url": redact::url(url).0,
            "request_body": text(request),
            "response_body": response.map_or(Value::Null, text),
        });
        let Some(sender) = &self.sender else {
            return false;
        };
        match sender.try_send(line.to_string()) {
            Ok(()) => true,
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => false,
        }
    }
}

impl Drop for Recorder {
    /// Writes out what is queued before the process ends.
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Writes lines as they come, flushing whenever none is waiting, so that the capture read
/// while the proxy runs (or after it was killed) holds every exchange but the latest few.
fn write_all(receiver: &Receiver<String>, mut file: BufWriter<File>) {
    let mut failed = false;
    while let Ok(line) = receiver.recv() {
        let mut written = writeln!(file, "{line}");
        while let Ok(line) = receiver.try_recv() {
            written = written.and_then(|()| writeln!(file, "{line}"));
        }
        written = written.and_then(|()| file.flush());
        if let Err(error) = written
            && !failed
        {
            failed = true;
            tracing::error!(%error, "cannot write the capture; exchanges are being lost");
        }
    }
}

/// A body's text with the value of every [`SECRET_MEMBERS`] member replaced, and those values.
///
/// A base64 member's value becomes the base64 of `<redacted>`, so that the capture checks as
/// the traffic did (`contentEncoding`); any other becomes `<redacted>`. A body that is not JSON,
/// or names no secret member, is returned as it is (invalid UTF-8 replaced).
pub(super) fn redact_json(bytes: &[u8]) -> (Cow<'_, str>, Vec<String>) {
    let text = String::from_utf8_lossy(bytes);
    let named = QUOTED.iter().any(|quoted| text.contains(quoted.as_str()));
    if !named {
        return (text, Vec::new());
    }
    let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
        return (text, Vec::new());
    };
    let mut secrets = Vec::new();
    redact_value(&mut value, &mut secrets);
    if secrets.is_empty() {
        return (text, secrets);
    }
    (Cow::Owned(value.to_string()), secrets)
}

fn redact_value(value: &mut Value, secrets: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                let mut secret = SECRET_MEMBERS.iter().filter(|(secret, _)| secret == name);
                match (member, secret.next()) {
                    (Value::String(value), Some(&(_, first))) if !value.is_empty() => {
                        // A name secret in both encodings (meeting `password`, digits; rooms'
                        // account `password`, base64) keeps the encoding its value has.
                        let both = secret.next().is_some();
                        let base64 = if both {
                            STANDARD.decode(value.as_bytes()).is_ok()
                        } else {
                            first
                        };
                        let replacement = if base64 {
                            STANDARD.encode(REDACTED)
                        } else {
                            REDACTED.to_owned()
                        };
                        secrets.push(std::mem::replace(value, replacement));
                    }
                    (member, _) => redact_value(member, secrets),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_value(item, secrets);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_secrets_are_replaced_and_returned() {
        let body = br#"{"errcode":0,"account_info":{"password":"aHVudGVyMg=="},"pmi_info":[{"pmi_pwd":"MTIz"}],"access_token":"AbCd","settings":{"password":"12345"}}"#;
        let (text, secrets) = redact_json(body);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["account_info"]["password"], STANDARD.encode(REDACTED));
        assert_eq!(
            value["settings"]["password"], REDACTED,
            "a meeting password is digits"
        );
        assert_eq!(value["pmi_info"][0]["pmi_pwd"], STANDARD.encode(REDACTED));
        assert_eq!(
            value["access_token"], REDACTED,
            "a token is not base64, whatever it looks like"
        );
        assert_eq!(
            secrets,
            ["AbCd", "aHVudGVyMg==", "MTIz", "12345"],
            "in member order"
        );
        let plain = br#"{"meetingid": "m"}"#;
        assert_eq!(redact_json(plain).0, r#"{"meetingid": "m"}"#);
    }

    /// Every member a schema marks `x-secret`, at any depth, is in the generated
    /// [`SECRET_MEMBERS`], which the generator derives from the same schemas.
    #[test]
    fn the_secret_members_are_every_x_secret_of_the_schemas() {
        fn walk(value: &Value, found: &mut Vec<(String, bool)>) {
            match value {
                Value::Object(members) => {
                    if let Some(Value::Object(properties)) = members.get("properties") {
                        for (name, schema) in properties {
                            if schema.get("x-secret") == Some(&Value::Bool(true)) {
                                let base64 =
                                    schema.get("contentEncoding") == Some(&Value::from("base64"));
                                found.push((name.clone(), base64));
                            }
                        }
                    }
                    members.values().for_each(|member| walk(member, found));
                }
                Value::Array(items) => items.iter().for_each(|item| walk(item, found)),
                _ => {}
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
        let mut found = Vec::new();
        for file in walkdir::WalkDir::new(&root) {
            let file = file.unwrap();
            if file.path().extension().is_some_and(|ext| ext == "json") {
                let text = std::fs::read_to_string(file.path()).unwrap();
                walk(&serde_json::from_str(&text).unwrap(), &mut found);
            }
        }
        assert!(found.len() >= 4, "x-secret members: {found:?}");
        for (name, base64) in found {
            assert!(
                SECRET_MEMBERS.contains(&(name.as_str(), base64)),
                "{name} (base64: {base64}) is x-secret in a schema but not redacted so"
            );
        }
    }
}
