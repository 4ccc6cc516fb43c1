//! Running the built runner over every test, surviving validators that crash or hang.
//!
//! The runner says which test it starts before running it; when it dies (a stack overflow
//! aborts, and no `catch_unwind` stops that) or stays silent too long, the harness records that
//! test as crashed or hung and starts the runner again at the next test.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// One verdict of one validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    Panic,
}

impl Verdict {
    fn parse(s: &str) -> Option<Verdict> {
        match s {
            "valid" => Some(Verdict::Valid),
            "invalid" => Some(Verdict::Invalid),
            "panic" => Some(Verdict::Panic),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Panic => "a panic",
        }
    }
}

/// What running one test gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ran {
    /// The verdicts of `is_valid`, of `validate(..).is_valid()` and, where the module has
    /// types, of `decode_validated(..).is_ok()`, and the first panic message.
    Verdicts {
        is_valid: Verdict,
        validate: Verdict,
        decode: Option<Verdict>,
        panic: Option<String>,
    },
    /// serde_json cannot read the instance (a number out of its range, say).
    Unparsable(String),
    /// The runner died while running the test.
    Crashed(String),
    /// The runner said nothing for too long while running the test.
    Hung,
}

/// One line of the runner's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Start(usize, usize),
    Panic(usize, usize, String),
    Unparsable(usize, usize, String),
    /// `is_valid`, `validate` and, where the module has types, `decode_validated`.
    Test(usize, usize, Verdict, Verdict, Option<Verdict>),
    Done,
}

/// Reads one line of the runner's output.
pub fn parse_line(line: &str) -> Option<Line> {
    let mut parts = line.splitn(4, ' ');
    let tag = parts.next()?;
    if tag == "done" {
        return Some(Line::Done);
    }
    let k = parts.next()?.parse().ok()?;
    let i = parts.next()?.parse().ok()?;
    let rest = parts.next();
    let text = || rest.and_then(|r| serde_json::from_str::<String>(r).ok());
    match tag {
        "start" => Some(Line::Start(k, i)),
        "panic" => Some(Line::Panic(k, i, text()?)),
        "unparsable" => Some(Line::Unparsable(k, i, text()?)),
        "test" => {
            let mut words = rest?.split(' ');
            let a = Verdict::parse(words.next()?)?;
            let b = Verdict::parse(words.next()?)?;
            let c = match words.next() {
                Some(c) => Some(Verdict::parse(c)?),
                None => None,
            };
            words.next().is_none().then_some(Line::Test(k, i, a, b, c))
        }
        _ => None,
    }
}

/// How long one test may run before it counts as hung.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// How many times the runner may be started again after a crash.
const RESTARTS: usize = 200;

/// Runs every test: results by (index in the runner's table, test index).
pub fn run(
    runner: &Path,
    tests: &Path,
    patience: Duration,
) -> Result<BTreeMap<(usize, usize), Ran>, String> {
    let mut results = BTreeMap::new();
    let mut start = (0, 0);
    for _ in 0..RESTARTS {
        let mut child = Command::new(runner)
            .arg(tests)
            .arg(start.0.to_string())
            .arg(start.1.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", runner.display()))?;
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        let mut stderr = child.stderr.take().expect("piped");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        let (send, receive) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut current: Option<(usize, usize)> = None;
        let mut panics: Vec<String> = Vec::new();
        let mut done = false;
        let mut hung = false;
        loop {
            match receive.recv_timeout(patience) {
                Ok(line) => match parse_line(&line) {
                    Some(Line::Start(k, i)) => {
                        current = Some((k, i));
                        panics.clear();
                    }
                    Some(Line::Panic(_, _, message)) => panics.push(message),
                    Some(Line::Unparsable(k, i, why)) => {
                        results.insert((k, i), Ran::Unparsable(why));
                        current = None;
                    }
                    Some(Line::Test(k, i, is_valid, validate, decode)) => {
                        let panic = panics.first().cloned();
                        results.insert(
                            (k, i),
                            Ran::Verdicts {
                                is_valid,
                                validate,
                                decode,
                                panic,
                            },
                        );
                        current = None;
                    }
                    Some(Line::Done) => done = true,
                    None => {}
                },
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    hung = true;
                    let _ = child.kill();
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let status = child
            .wait()
            .map_err(|e| format!("cannot wait for {}: {e}", runner.display()))?;
        let _ = reader.join();
        let stderr = stderr.join().unwrap_or_default();
        if done && status.success() {
            return Ok(results);
        }
        let Some((k, i)) = current else {
            return Err(format!(
                "the runner {} stopped outside any test ({status}):\n{}",
                runner.display(),
                stderr.trim_end()
            ));
        };
        let ran = if hung {
            Ran::Hung
        } else {
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
            Ran::Crashed(match last {
                Some(line) => format!("{status}: {}", line.trim()),
                None => status.to_string(),
            })
        };
        results.insert((k, i), ran);
        start = (k, i + 1);
    }
    Err(format!(
        "the runner crashed more than {RESTARTS} times; giving up"
    ))
}
