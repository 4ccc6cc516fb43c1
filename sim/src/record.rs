//! Recording every exchange as JSON Lines, in the shape `wecom-rooms check-traffic` reads:
//! `{"method", "url", "request_body", "response_body"}`, one line each.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use serde_json::{Value, json};

use crate::Error;

/// The open recording.
#[derive(Debug)]
pub(crate) struct Recorder {
    file: Mutex<BufWriter<File>>,
}

impl Recorder {
    /// Creates (or truncates) `path`.
    pub fn create(path: &Path) -> Result<Self, Error> {
        let file = File::create(path).map_err(|source| Error::Record {
            path: path.to_owned(),
            source,
        })?;
        Ok(Recorder {
            file: Mutex::new(BufWriter::new(file)),
        })
    }

    /// Appends one exchange and flushes it, so that a capture read while the simulator runs,
    /// or after it was killed, holds every exchange answered so far. `url` is the path and
    /// query as sent (the token included: the capture stays local, and the checker redacts
    /// it); `request_body` is the body's text, `None` for a GET.
    pub fn record(&self, method: &str, url: &str, request_body: Option<&[u8]>, answer: &Value) {
        let request_body = match request_body {
            Some(bytes) => Value::String(String::from_utf8_lossy(bytes).into_owned()),
            None => Value::Null,
        };
        let line = json!({
            "method": method,
            "url": url,
            "request_body": request_body,
            "response_body": answer,
        });
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        // A full disk loses the recording, not the simulator's answers.
        let written = serde_json::to_writer(&mut *file, &line)
            .map_err(std::io::Error::from)
            .and_then(|()| file.write_all(b"\n"))
            .and_then(|()| file.flush());
        if written.is_err() {
            eprintln!("wecom-rooms-sim: cannot write the recording");
        }
    }
}
