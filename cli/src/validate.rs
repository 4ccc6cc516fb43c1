//! `wecom-rooms validate`: fixture files against one schema.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use wecom_rooms::SCHEMAS;
use wecom_rooms_runtime::registry::SchemaEntry;

use crate::output::{self, Expect, Format};
use crate::report::{self, Document};
use crate::{Io, Status, ValidateArgs, check, pipeline};

pub(crate) fn validate(args: &ValidateArgs, io: Io<'_>) -> io::Result<Status> {
    let Some(schema) = SCHEMAS.iter().find(|entry| entry.name == args.schema) else {
        // clap only lets registered names through.
        writeln!(io.err, "error: unknown schema {}", args.schema)?;
        return Ok(Status::Trouble);
    };
    let printer = output::Printer {
        format: args.format,
        color: io.color,
        expect: args.expect,
    };
    let mut tally = Tally::default();
    // JUnit and SARIF are whole documents: their cases are kept and written at the end.
    let whole = matches!(args.format, Format::Junit | Format::Sarif);
    let suite = format!("wecom-rooms validate {}", schema.name);
    let mut document = Document::new("validate", [suite]);
    let Io { out, err, .. } = io;
    // Files are read and checked on every core, and reported here in the order they were
    // found; a file's printed output is rendered by the worker that checked it.
    pipeline::run(
        pipeline::workers(),
        IN_FLIGHT,
        |send| produce(schema, &args.paths, send),
        |batch: Vec<Job>| {
            // One buffer per batch, reused file after file.
            let mut buffer = Buffer::default();
            let mut checked = |job: Job| {
                let (file, bytes): (String, &[u8]) = match job {
                    Job::Bundled(file, text) => (file, text.as_bytes()),
                    Job::File(path) => match buffer.read(&path) {
                        Ok(bytes) => (display(path), bytes),
                        Err(unreadable) => return Checked::Unreadable(unreadable),
                    },
                    Job::Unreadable(unreadable) => return Checked::Unreadable(unreadable),
                };
                let report = check::check(schema, file, bytes, args.strict);
                let mut printed = Vec::new();
                if !whole {
                    // Writing to a Vec cannot fail.
                    let _ = printer.print(&report, bytes, &mut printed);
                }
                Checked::Report(report, printed)
            };
            batch.into_iter().map(&mut checked).collect::<Vec<_>>()
        },
        |results| {
            for result in results {
                match result {
                    Checked::Report(report, printed) => {
                        tally.count(&report, args.expect);
                        if whole {
                            document.push(0, report::file_case(schema.name, &report, args.expect));
                        } else {
                            out.write_all(&printed)?;
                        }
                    }
                    Checked::Unreadable(unreadable) => {
                        out.flush()?;
                        writeln!(err, "error: {unreadable}")?;
                        tally.unreadable += 1;
                    }
                }
            }
            Ok(())
        },
    )?;
    report::write(args.format, &document, out)?;
    out.flush()?;
    if args.format == Format::Human {
        writeln!(err, "{}", tally.summary(schema, args))?;
    }
    Ok(tally.status())
}

/// Files per batch: enough to keep a worker busy between two hand-overs.
const BATCH: usize = 256;
/// Batches in flight at once: memory stays bounded by this many batches of files, however many
/// files there are.
const IN_FLIGHT: usize = 4;

/// What a worker is handed: a bundled example, a file to read, or a path that could not be
/// walked.
enum Job {
    Bundled(String, &'static str),
    File(PathBuf),
    Unreadable(Unreadable),
}

/// What a worker hands back: a file's report with its rendered output, or why it was not read.
enum Checked {
    Report(check::FileReport, Vec<u8>),
    Unreadable(Unreadable),
}

/// Walks the paths (or the schema's bundled examples when there are none) in order and sends
/// them in batches; stops when nothing is consumed any more.
fn produce(schema: &SchemaEntry, paths: &[PathBuf], send: &mut dyn FnMut(Vec<Job>) -> bool) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut push = |job: Job, batch: &mut Vec<Job>| {
        batch.push(job);
        batch.len() < BATCH || send(std::mem::replace(batch, Vec::with_capacity(BATCH)))
    };
    if paths.is_empty() {
        for (index, example) in schema.examples.iter().enumerate() {
            let file = format!("<bundled>/{}/example-{}.json", schema.name, index + 1);
            if !push(Job::Bundled(file, example), &mut batch) {
                return;
            }
        }
    }
    for path in paths {
        for file in files(path, &["json"]) {
            let job = file.map_or_else(Job::Unreadable, Job::File);
            if !push(job, &mut batch) {
                return;
            }
        }
    }
    if !batch.is_empty() {
        send(batch);
    }
}

/// A path that could not be read, and why.
#[derive(Debug)]
pub(crate) struct Unreadable {
    pub(crate) path: PathBuf,
    pub(crate) reason: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for Unreadable {}

/// A reading buffer kept zero-filled to its length, so that a file is read straight into it:
/// `read_to_end` into spare capacity zeroes that capacity first on every call, which for a
/// fixture of a kilobyte in a 16 KiB buffer was a fifth of `validate`'s instructions.
#[derive(Default)]
struct Buffer(Vec<u8>);

/// What is read of a file before the buffer grows: most fixtures fit.
const READ_AHEAD: usize = 16 * 1024;

impl Buffer {
    /// The bytes of the file at `path`, read without asking its size first: `File`'s own
    /// `read_to_end` does (a `statx` and an `lseek`), which for a fixture of a kilobyte is most
    /// of a syscall in four.
    fn read(&mut self, path: &Path) -> Result<&[u8], Unreadable> {
        let unreadable = |error: io::Error| Unreadable {
            path: path.to_owned(),
            reason: error.to_string(),
        };
        let mut file = std::fs::File::open(path).map_err(unreadable)?;
        let mut filled = 0;
        loop {
            if filled == self.0.len() {
                let grown = (self.0.len() * 2).max(READ_AHEAD);
                self.0.resize(grown, 0);
            }
            match io::Read::read(&mut file, &mut self.0[filled..]) {
                Ok(0) => return Ok(&self.0[..filled]),
                Ok(read) => filled += read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(unreadable(error)),
            }
        }
    }
}

/// A path as the reports name it: taken over as it is when it is UTF-8, as nearly every path is.
fn display(path: PathBuf) -> String {
    path.into_os_string()
        .into_string()
        .unwrap_or_else(|path| path.to_string_lossy().into_owned())
}

/// The files a PATH argument stands for: itself, or the files under a directory with one of
/// `extensions`, in name order, so that output is the same on every machine.
pub(crate) fn files<'p>(
    path: &'p Path,
    extensions: &'static [&'static str],
) -> Box<dyn Iterator<Item = Result<PathBuf, Unreadable>> + 'p> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Box::new(
            walkdir::WalkDir::new(path)
                .follow_links(true)
                // Siblings share their parent's path, so their paths sort as their names do,
                // by bytes, without splitting paths into components at each comparison.
                .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
                .into_iter()
                .filter_map(|entry| match entry {
                    Ok(entry) => {
                        let wanted = (entry.path().extension())
                            .is_some_and(|ext| extensions.iter().any(|wanted| ext == *wanted));
                        (wanted && entry.file_type().is_file()).then(|| Ok(entry.into_path()))
                    }
                    Err(error) => Some(Err(Unreadable {
                        path: error.path().unwrap_or(path).to_owned(),
                        reason: match error.io_error() {
                            Some(io) => io.to_string(),
                            None => error.to_string(),
                        },
                    })),
                }),
        ),
        // A file named outright is checked whatever its extension.
        Ok(_) => Box::new(std::iter::once(Ok(path.to_owned()))),
        Err(error) => Box::new(std::iter::once(Err(Unreadable {
            path: path.to_owned(),
            reason: error.to_string(),
        }))),
    }
}

#[derive(Debug, Default)]
struct Tally {
    valid: usize,
    invalid: usize,
    warnings: usize,
    not_met: usize,
    unreadable: usize,
}

impl Tally {
    fn count(&mut self, report: &check::FileReport, expect: Expect) {
        if report.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        self.warnings += report.warnings.len();
        if !expect.is_met_by(report) {
            self.not_met += 1;
        }
    }

    fn status(&self) -> Status {
        if self.unreadable > 0 {
            Status::Trouble
        } else if self.not_met > 0 {
            Status::NotMet
        } else {
            Status::Met
        }
    }

    fn summary(&self, schema: &SchemaEntry, args: &ValidateArgs) -> String {
        let files = self.valid + self.invalid;
        let mut line = format!("checked {files} file{}", plural(files));
        if args.paths.is_empty() {
            line += &format!(" (the bundled examples of {})", schema.name);
        }
        line += &format!(": {} valid, {} invalid", self.valid, self.invalid);
        if self.warnings > 0 {
            line += &format!(", {} warning{}", self.warnings, plural(self.warnings));
        }
        if args.expect == Expect::Invalid && self.not_met > 0 {
            line += &format!("; {} expected to be invalid", self.not_met);
        }
        if self.unreadable > 0 {
            let paths = self.unreadable;
            line += &format!("; {paths} path{} could not be read", plural(paths));
        }
        line
    }
}

pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::{Buffer, READ_AHEAD};

    /// A file larger than the buffer grows it; a smaller one after it is read without the
    /// bytes the larger one left behind; an empty one reads as nothing.
    #[test]
    fn the_buffer_reads_each_file_exactly() {
        let dir = std::env::temp_dir().join(format!("wecom-rooms-buffer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let large: Vec<u8> = (0..READ_AHEAD * 3 + 17).map(|n| (n % 251) as u8).collect();
        let cases = [
            ("large", large),
            ("small", b"{\"a\": 1}".to_vec()),
            ("empty", Vec::new()),
        ];
        let mut buffer = Buffer::default();
        for (name, bytes) in &cases {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            assert_eq!(buffer.read(&path).unwrap(), &bytes[..], "{name}");
        }
        let missing = buffer.read(&dir.join("missing")).unwrap_err();
        assert!(missing.to_string().starts_with("cannot read "), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
