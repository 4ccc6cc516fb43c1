//! Reading captures into batches of items for the workers: which files a PATH stands for,
//! whether each is HAR or JSON Lines, and its entries or lines in order.

use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use serde_json::value::RawValue;

use super::{har, jsonl};
use crate::validate::files;

/// The file extensions a folder is searched for.
pub const EXTENSIONS: &[&str] = &["har", "jsonl", "ndjson"];

/// Items per batch, at most.
const BATCH_ITEMS: usize = 256;
/// Bytes of lines or bodies per batch, roughly at most.
const BATCH_BYTES: usize = 1 << 20;

/// One thing read from a capture, in order.
#[derive(Debug)]
pub struct Item {
    /// The capture file, as named on the command line or found in a folder.
    pub file: Arc<str>,
    /// The entry's 0-based index in its capture.
    pub index: usize,
    /// What was read.
    pub raw: Raw,
}

/// What was read.
#[derive(Debug)]
pub enum Raw {
    /// A capture starts.
    Start,
    /// A line of a JSON Lines capture: its number and bytes.
    Line(usize, Vec<u8>),
    /// A line too long to read: its number and length.
    TooLong(usize, u64),
    /// An entry of a HAR capture, as its JSON text.
    Entry(Box<RawValue>),
    /// The capture stops being readable as HAR here.
    Problem(har::Problem),
    /// A path or file that cannot be read, and why.
    Unreadable(String),
}

/// The kinds of capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// HAR 1.2: one JSON document.
    Har,
    /// JSON Lines: one exchange per line.
    Lines,
}

/// The kind a file's extension names, if it names one.
pub fn kind_of(path: &Path) -> Option<Kind> {
    match path.extension()?.to_str()? {
        "har" => Some(Kind::Har),
        "jsonl" | "ndjson" => Some(Kind::Lines),
        _ => None,
    }
}

/// The kind told by content: a JSON object whose first member is `log` is HAR; anything else
/// is read as JSON Lines.
pub fn sniff(start: &[u8]) -> Kind {
    let skip = |bytes: &[u8]| -> usize {
        bytes
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .count()
    };
    let rest = &start[skip(start)..];
    let Some(rest) = rest.strip_prefix(b"{") else {
        return Kind::Lines;
    };
    let rest = &rest[skip(rest)..];
    let Some(rest) = rest.strip_prefix(b"\"log\"") else {
        return Kind::Lines;
    };
    if rest[skip(rest)..].starts_with(b":") {
        Kind::Har
    } else {
        Kind::Lines
    }
}

/// Collects items into batches and sends them on.
struct Batcher<'s> {
    send: &'s mut dyn FnMut(Vec<Item>) -> bool,
    items: Vec<Item>,
    bytes: usize,
    open: bool,
}

impl Batcher<'_> {
    fn push(&mut self, item: Item, bytes: usize) -> bool {
        self.items.push(item);
        self.bytes += bytes;
        if self.items.len() >= BATCH_ITEMS || self.bytes >= BATCH_BYTES {
            self.flush();
        }
        self.open
    }

    fn flush(&mut self) {
        if !self.items.is_empty() && self.open {
            self.open = (self.send)(std::mem::take(&mut self.items));
        }
        self.bytes = 0;
    }
}

/// Reads every capture that `paths` stand for (`-` is standard input), sending batches of
/// items in order until done or `send` returns `false`.
pub fn produce(paths: &[std::path::PathBuf], send: &mut dyn FnMut(Vec<Item>) -> bool) {
    let mut batcher = Batcher {
        send,
        items: Vec::new(),
        bytes: 0,
        open: true,
    };
    for path in paths {
        if !batcher.open {
            break;
        }
        if path.as_os_str() == "-" {
            let stdin = io::stdin().lock();
            read(&mut batcher, Arc::from("<stdin>"), None, stdin);
            continue;
        }
        for file in files(path, EXTENSIONS) {
            if !batcher.open {
                break;
            }
            let name: Arc<str> = match &file {
                Ok(file) => Arc::from(file.display().to_string()),
                Err(unreadable) => Arc::from(unreadable.path.display().to_string()),
            };
            let opened = file
                .map_err(|unreadable| unreadable.to_string())
                .and_then(|file| {
                    std::fs::File::open(&file)
                        .map(|opened| (kind_of(&file), opened))
                        .map_err(|error| format!("cannot read {}: {error}", file.display()))
                });
            match opened {
                Ok((kind, opened)) => {
                    read(
                        &mut batcher,
                        name,
                        kind,
                        BufReader::with_capacity(1 << 16, opened),
                    );
                }
                Err(message) => {
                    let item = Item {
                        file: name,
                        index: 0,
                        raw: Raw::Unreadable(message),
                    };
                    batcher.push(item, 0);
                }
            }
        }
    }
    batcher.flush();
}

/// Reads one capture from `reader`, named `file`, its kind told by content, sending batches of
/// items in order as [`produce`] does.
pub fn produce_from(file: &str, reader: impl BufRead, send: &mut dyn FnMut(Vec<Item>) -> bool) {
    let mut batcher = Batcher {
        send,
        items: Vec::new(),
        bytes: 0,
        open: true,
    };
    read(&mut batcher, Arc::from(file), None, reader);
    batcher.flush();
}

fn read(batcher: &mut Batcher<'_>, file: Arc<str>, kind: Option<Kind>, mut reader: impl BufRead) {
    let item = |index, raw| Item {
        file: Arc::clone(&file),
        index,
        raw,
    };
    if !batcher.push(item(0, Raw::Start), 0) {
        return;
    }
    let unreadable = |error: io::Error| Raw::Unreadable(format!("cannot read {file}: {error}"));
    let kind = match kind {
        Some(kind) => kind,
        None => match reader.fill_buf() {
            Ok(start) => sniff(start),
            Err(error) => {
                batcher.push(item(0, unreadable(error)), 0);
                return;
            }
        },
    };
    let mut index = 0;
    match kind {
        Kind::Har => {
            let problem = har::entries(reader, &mut |entry| {
                index += 1;
                let size = entry.get().len();
                batcher.push(item(index - 1, Raw::Entry(entry)), size)
            });
            if let Some(problem) = problem {
                let raw = if problem.unreadable {
                    Raw::Unreadable(format!("cannot read {file}: {}", problem.message))
                } else {
                    Raw::Problem(problem)
                };
                batcher.push(item(index, raw), 0);
            }
        }
        Kind::Lines => {
            let read = jsonl::lines(reader, jsonl::MAX_LINE, &mut |line| {
                index += 1;
                let (raw, size) = match line {
                    jsonl::Line::Text(number, bytes) => {
                        let size = bytes.len();
                        (Raw::Line(number, bytes), size)
                    }
                    jsonl::Line::TooLong(number, length) => (Raw::TooLong(number, length), 0),
                };
                batcher.push(item(index - 1, raw), size)
            });
            if let Err(error) = read {
                batcher.push(item(index, unreadable(error)), 0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_tells_har_from_json_lines() {
        assert_eq!(sniff(b" {\n \"log\" : {}}"), Kind::Har);
        assert_eq!(sniff(b"{\"log\"}"), Kind::Lines);
        assert_eq!(sniff(b"{\"method\": \"POST\"}\n"), Kind::Lines);
        assert_eq!(sniff(b""), Kind::Lines);
        assert_eq!(kind_of(Path::new("a.ndjson")), Some(Kind::Lines));
        assert_eq!(kind_of(Path::new("a.json")), None);
    }
}
