//! `wecom-rooms validate`: fixture files against one schema.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use wecom_rooms::SCHEMAS;
use wecom_rooms_runtime::registry::SchemaEntry;

use crate::output::{self, Expect, Format};
use crate::report::{self, Document};
use crate::{Io, Status, ValidateArgs, check};

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
    let document = std::cell::RefCell::new(Document::new("validate", [suite]));
    let each = |file: String, bytes: &[u8], out: &mut dyn Write| {
        let report = check::check(schema, file, bytes, args.strict);
        if whole {
            let case = report::file_case(schema.name, &report, args.expect);
            document.borrow_mut().push(0, case);
        } else {
            printer.print(&report, bytes, out)?;
        }
        Ok::<_, io::Error>(report)
    };
    if args.paths.is_empty() {
        for (index, example) in schema.examples.iter().enumerate() {
            let file = format!("<bundled>/{}/example-{}.json", schema.name, index + 1);
            tally.count(&each(file, example.as_bytes(), io.out)?, args.expect);
        }
    } else {
        for path in &args.paths {
            for file in files(path, &["json"]) {
                match file.and_then(|file| read(&file).map(|bytes| (file, bytes))) {
                    Ok((file, bytes)) => {
                        let report = each(file.display().to_string(), &bytes, io.out)?;
                        tally.count(&report, args.expect);
                    }
                    Err(unreadable) => {
                        io.out.flush()?;
                        writeln!(io.err, "error: {unreadable}")?;
                        tally.unreadable += 1;
                    }
                }
            }
        }
    }
    report::write(args.format, &document.into_inner(), io.out)?;
    io.out.flush()?;
    if args.format == Format::Human {
        writeln!(io.err, "{}", tally.summary(schema, args))?;
    }
    Ok(tally.status())
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

fn read(path: &Path) -> Result<Vec<u8>, Unreadable> {
    std::fs::read(path).map_err(|error| Unreadable {
        path: path.to_owned(),
        reason: error.to_string(),
    })
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
                .sort_by_file_name()
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
