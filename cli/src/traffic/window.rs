//! JSON read through a window that slides over a stream: each value is parsed by serde_json
//! from a slice of the window (its fast reader, which skips strings a word at a time), while
//! the punctuation between values (`{`, `:`, `,`, `]`…) is read here, so that a stream of any
//! size is walked value by value without being held whole. A value that runs past the window's
//! end is parsed again once more of the stream is in; the window grows to hold the largest
//! single value. serde_json's own reader interface reads one byte per call, which made it the
//! pace-setter of a HAR capture.
//!
//! Places are those serde_json gives for the whole stream: 1-based lines, and columns counted
//! in bytes.

use std::io::{self, Read};

use serde::de::DeserializeOwned;

/// How much of the stream is read at a time, at least.
const CHUNK: usize = 1 << 20;

/// How deep arrays and objects may nest in a skipped value (serde_json's own limit).
const DEPTH: usize = 128;

/// Why a walk ended early.
#[derive(Debug)]
pub(super) enum Halt {
    /// The stream could not be read.
    Io(io::Error),
    /// The text is not JSON (`syntax: true`) or not of the expected shape, at a place.
    Wrong {
        syntax: bool,
        message: String,
        place: (usize, usize),
    },
    /// The caller asked to stop.
    Stopped,
}

impl From<io::Error> for Halt {
    fn from(error: io::Error) -> Self {
        Halt::Io(error)
    }
}

/// A stream of JSON text and how much of it has been consumed.
pub(super) struct Window<R> {
    reader: R,
    buffer: Vec<u8>,
    /// The first byte not consumed yet.
    at: usize,
    /// Whether the stream has ended (everything it holds is in `buffer`).
    ended: bool,
    /// The place of `buffer[at]`: its line, and the bytes before it on that line.
    line: usize,
    before: usize,
    /// How much is read at a time, at least: [`CHUNK`] but in tests.
    chunk: usize,
}

impl<R: Read> Window<R> {
    pub(super) fn new(reader: R) -> Self {
        Self::with_chunk(reader, CHUNK)
    }

    /// A window that reads `chunk` bytes at a time, at least: tests make values cross its edge.
    pub(super) fn with_chunk(reader: R, chunk: usize) -> Self {
        Window {
            reader,
            buffer: Vec::new(),
            at: 0,
            ended: false,
            line: 1,
            before: 0,
            chunk: chunk.max(1),
        }
    }

    /// Reads more of the stream: at least a chunk, and at least as much as is already held
    /// unconsumed, so that a value parsed again after each read is parsed a bounded number
    /// of times over.
    fn fill(&mut self) -> io::Result<()> {
        self.buffer.drain(..self.at);
        self.at = 0;
        let want = self.chunk.max(self.buffer.len());
        let held = self.buffer.len();
        self.buffer.resize(held + want, 0);
        let mut filled = held;
        while filled < self.buffer.len() {
            match self.reader.read(&mut self.buffer[filled..]) {
                Ok(0) => {
                    self.ended = true;
                    break;
                }
                Ok(read) => filled += read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    self.buffer.truncate(filled);
                    return Err(error);
                }
            }
        }
        self.buffer.truncate(filled);
        Ok(())
    }

    fn consume(&mut self, count: usize) {
        let taken = &self.buffer[self.at..self.at + count];
        match taken.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                self.line += taken.iter().filter(|&&b| b == b'\n').count();
                self.before = count - last - 1;
            }
            None => self.before += count,
        }
        self.at += count;
    }

    /// The next byte that is not whitespace, not consumed; `None` at the end of the stream.
    pub(super) fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            let rest = &self.buffer[self.at..];
            match rest
                .iter()
                .position(|b| !matches!(b, b' ' | b'\n' | b'\t' | b'\r'))
            {
                Some(skip) => {
                    self.consume(skip);
                    return Ok(Some(self.buffer[self.at]));
                }
                None => {
                    self.consume(rest.len());
                    if self.ended {
                        return Ok(None);
                    }
                    self.fill()?;
                }
            }
        }
    }

    /// Consumes the byte [`peek`](Self::peek) returned.
    pub(super) fn bump(&mut self) {
        self.consume(1);
    }

    /// The next value, parsed by serde_json as a `T`.
    pub(super) fn value<T: DeserializeOwned>(&mut self) -> Result<T, Halt> {
        if self.peek()?.is_none() {
            return Err(self.eof("EOF while parsing a value"));
        }
        loop {
            let rest = &self.buffer[self.at..];
            let held = rest.len();
            let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
            let parsed = values.next();
            let used = values.byte_offset();
            drop(values);
            match parsed {
                // A number that ends where the window does may go on in the stream.
                Some(Ok(_)) if used == held && !self.ended => self.fill()?,
                Some(Ok(value)) => {
                    self.consume(used);
                    return Ok(value);
                }
                // Cut by the window's edge (`3.` there is "invalid number", not EOF): read on.
                Some(Err(error))
                    if !self.ended && offset(&self.buffer[self.at..], &error) >= held =>
                {
                    self.fill()?;
                }
                Some(Err(error)) => return Err(self.wrong(&error)),
                // Only whitespace is left, which `peek` has consumed: not reached.
                None => return Err(self.eof("EOF while parsing a value")),
            }
        }
    }

    /// Skips the next value, checking that it is JSON, holding no more of it at once than
    /// its largest string or number.
    pub(super) fn skip(&mut self) -> Result<(), Halt> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: usize) -> Result<(), Halt> {
        if depth > DEPTH {
            return Err(self.syntax("recursion limit exceeded"));
        }
        match self.peek()? {
            Some(b'{') => self.object(|window, _| window.skip_nested(depth + 1)),
            Some(b'[') => self.array(|window| window.skip_nested(depth + 1)),
            _ => self
                .value::<serde::de::IgnoredAny>()
                .map(|serde::de::IgnoredAny| ()),
        }
    }

    /// Reads an object whose `{` is next, handing each member's key to `member`, which must
    /// consume the member's value.
    pub(super) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, String) -> Result<(), Halt>,
    ) -> Result<(), Halt> {
        self.bump();
        if self.peek()? == Some(b'}') {
            self.bump();
            return Ok(());
        }
        loop {
            match self.peek()? {
                Some(b'"') => {}
                Some(_) => return Err(self.syntax("key must be a string")),
                None => return Err(self.eof("EOF while parsing an object")),
            }
            let key: String = self.value()?;
            match self.peek()? {
                Some(b':') => self.bump(),
                Some(_) => return Err(self.syntax("expected `:`")),
                None => return Err(self.eof("EOF while parsing an object")),
            }
            member(self, key)?;
            match self.peek()? {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    return Ok(());
                }
                Some(_) => return Err(self.syntax("expected `,` or `}`")),
                None => return Err(self.eof("EOF while parsing an object")),
            }
            if self.peek()? == Some(b'}') {
                return Err(self.syntax("trailing comma"));
            }
        }
    }

    /// Reads an array whose `[` is next, calling `element` to consume each element.
    pub(super) fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), Halt>,
    ) -> Result<(), Halt> {
        self.bump();
        if self.peek()? == Some(b']') {
            self.bump();
            return Ok(());
        }
        loop {
            element(self)?;
            match self.peek()? {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    return Ok(());
                }
                Some(_) => return Err(self.syntax("expected `,` or `]`")),
                None => return Err(self.eof("EOF while parsing a list")),
            }
            if self.peek()? == Some(b']') {
                return Err(self.syntax("trailing comma"));
            }
        }
    }

    /// Checks that nothing but whitespace follows.
    pub(super) fn end(&mut self) -> Result<(), Halt> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(self.syntax("trailing characters")),
        }
    }

    /// What is next, for a message that names the kind of value found where another was
    /// expected.
    pub(super) fn found(&mut self) -> io::Result<&'static str> {
        Ok(match self.peek()? {
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(_) => "a number",
            None => "the end of the text",
        })
    }

    /// A value of the wrong kind here (valid JSON, but not what the caller reads).
    pub(super) fn unexpected(&self, message: String) -> Halt {
        Halt::Wrong {
            syntax: false,
            message,
            place: (self.line, self.before + 1),
        }
    }

    /// Text that is not JSON at the next byte; serde_json counts the byte as read.
    fn syntax(&self, message: &str) -> Halt {
        Halt::Wrong {
            syntax: true,
            message: message.to_owned(),
            place: (self.line, self.before + 1),
        }
    }

    /// The stream ended early: placed after its last byte.
    fn eof(&self, message: &str) -> Halt {
        Halt::Wrong {
            syntax: true,
            message: message.to_owned(),
            place: (self.line, self.before.max(1)),
        }
    }

    /// serde_json's error for the value at `buffer[at]`, placed in the whole stream.
    fn wrong(&self, error: &serde_json::Error) -> Halt {
        let message = error.to_string();
        let suffix = format!(" at line {} column {}", error.line(), error.column());
        let message = message.strip_suffix(&suffix).unwrap_or(&message).to_owned();
        let (line, column) = if error.line() <= 1 {
            (self.line, self.before + error.column())
        } else {
            (self.line + error.line() - 1, error.column())
        };
        Halt::Wrong {
            syntax: !error.is_data(),
            message,
            place: (line, column.max(1)),
        }
    }
}

/// Where in `text` serde_json's `error` about it is placed, as a byte offset.
fn offset(text: &[u8], error: &serde_json::Error) -> usize {
    let line_start = match error.line() {
        0 | 1 => 0,
        line => (text.iter().enumerate())
            .filter(|&(_, &b)| b == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(at, _)| at + 1),
    };
    line_start + error.column()
}
