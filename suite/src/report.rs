//! Counting and printing: per file, per group, the wrong verdicts and what costs the most tests.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::suite::Group;

/// The cause of tests whose case's generated code does not compile.
pub const DOES_NOT_COMPILE: &str = "generated code does not compile";
/// The cause of tests whose case made the generator panic.
pub const GENERATOR_PANICKED: &str = "the generator panicked";

/// The results of one test file.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// `draft2020-12/<path>`.
    pub file: String,
    pub group: Group,
    pub cases: Vec<CaseResult>,
}

/// The results of one test case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub description: String,
    /// The schema, as the suite wrote it.
    pub schema: String,
    /// The module the case was generated into, such as `f3_c1`.
    pub module: String,
    /// Every keyword its schema uses.
    pub keywords: Vec<String>,
    /// Why the case is unsupported: a short cause and the generator's or compiler's words.
    pub unsupported: Option<Unsupported>,
    pub tests: Vec<TestResult>,
}

/// Why a case is unsupported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    pub cause: String,
    pub detail: String,
}

/// The result of one test.
#[derive(Debug, Clone, Serialize)]
pub struct TestResult {
    pub description: String,
    /// The instance, as the suite wrote it.
    pub data: String,
    /// The suite's verdict.
    pub valid: bool,
    pub outcome: Outcome,
}

/// What became of one test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "detail")]
pub enum Outcome {
    /// Both validators gave the suite's verdict.
    Passed,
    /// A wrong verdict: what the validators did instead.
    Wrong(String),
    /// Not run: the cause.
    Unsupported(String),
}

/// Counts of tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub passed: usize,
    /// Wrong verdicts.
    pub failed: usize,
    pub unsupported: usize,
    /// Of the unsupported, those whose generated code does not compile or made the generator
    /// panic: generator bugs.
    pub generator_bugs: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Wrong(_) => self.failed += 1,
            Outcome::Unsupported(cause) => {
                self.unsupported += 1;
                if cause == DOES_NOT_COMPILE || cause == GENERATOR_PANICKED {
                    self.generator_bugs += 1;
                }
            }
        }
    }

    pub fn of<'a>(tests: impl IntoIterator<Item = &'a TestResult>) -> Tally {
        let mut tally = Tally::default();
        for test in tests {
            tally.add(&test.outcome);
        }
        tally
    }

    pub fn total(&self) -> usize {
        self.passed + self.failed + self.unsupported
    }

    /// `P passed, F failed, U unsupported`, and how many of the unsupported are generator bugs.
    pub fn counts(&self) -> String {
        let mut out = format!(
            "{} passed, {} failed, {} unsupported",
            self.passed, self.failed, self.unsupported
        );
        if self.generator_bugs > 0 {
            let _ = write!(
                out,
                " ({} of them generator bugs: code that does not compile or a panic)",
                self.generator_bugs
            );
        }
        out
    }

    /// The closing line: `N passed, N failed`, unsupported counting as failed.
    pub fn closing_line(&self) -> String {
        format!(
            "{} passed, {} failed",
            self.passed,
            self.failed + self.unsupported
        )
    }
}

impl FileResult {
    pub fn tests(&self) -> impl Iterator<Item = &TestResult> {
        self.cases.iter().flat_map(|c| c.tests.iter())
    }

    pub fn tally(&self) -> Tally {
        Tally::of(self.tests())
    }
}

/// The tally of a group of files.
pub fn group_tally(files: &[FileResult], group: Group) -> Tally {
    Tally::of(
        files
            .iter()
            .filter(|f| f.group == group)
            .flat_map(FileResult::tests),
    )
}

/// Tests lost to each cause of unsupported cases in a group, most first: (cause, cases, tests).
pub fn costs(files: &[FileResult], group: Group) -> Vec<(String, usize, usize)> {
    let mut by_cause: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    for file in files.iter().filter(|f| f.group == group) {
        for case in &file.cases {
            for test in &case.tests {
                if let Outcome::Unsupported(cause) = &test.outcome {
                    let entry = by_cause.entry(cause.clone()).or_default();
                    entry.0.insert(case.module.clone());
                    entry.1 += 1;
                }
            }
        }
    }
    let mut out: Vec<(String, usize, usize)> = by_cause
        .into_iter()
        .map(|(cause, (cases, tests))| (cause, cases.len(), tests))
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    out
}

/// For each keyword, the tally of the tests in a group whose case's schema uses it: the
/// material of a keyword coverage table.
pub fn by_keyword(files: &[FileResult], group: Group) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for file in files.iter().filter(|f| f.group == group) {
        for case in &file.cases {
            for keyword in &case.keywords {
                let tally = out.entry(keyword.clone()).or_default();
                for test in &case.tests {
                    tally.add(&test.outcome);
                }
            }
        }
    }
    out
}

/// At most `max` characters of `s` on one line.
pub fn clip(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn verdict(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

/// The whole report, ending with `wrong verdicts: N` and `N passed, N failed` for the required
/// tests; and whether it must fail (a wrong verdict among the required tests).
pub fn render(files: &[FileResult]) -> (String, bool) {
    let mut out = String::new();
    for file in files.iter().filter(|f| f.group == Group::Required) {
        let _ = writeln!(out, "{}: {}", file.file, file.tally().counts());
    }
    let optional: Vec<&FileResult> = files
        .iter()
        .filter(|f| f.group != Group::Required)
        .collect();
    if !optional.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "optional tests, not in the total:");
        for file in &optional {
            let _ = writeln!(out, "  {}: {}", file.file, file.tally().counts());
        }
    }

    // Generator bugs: cases whose code does not compile or that made the generator panic.
    let bugs: Vec<(&FileResult, &CaseResult, &Unsupported)> = files
        .iter()
        .flat_map(|f| f.cases.iter().map(move |c| (f, c)))
        .filter_map(|(f, c)| {
            let u = c.unsupported.as_ref()?;
            (u.cause == DOES_NOT_COMPILE || u.cause == GENERATOR_PANICKED).then_some((f, c, u))
        })
        .collect();
    if !bugs.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "generator bugs ({} cases, counted as unsupported):",
            bugs.len()
        );
        for (file, case, why) in bugs {
            let _ = writeln!(
                out,
                "  {} [{}] {:?}: {}: {}",
                file.file,
                case.module,
                case.description,
                why.cause,
                clip(&why.detail, 300)
            );
        }
    }

    for group in [Group::Required, Group::Optional, Group::Format] {
        let costs = costs(files, group);
        if costs.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "unsupported {} tests, by cause:", group.name());
        for (cause, cases, tests) in costs {
            let _ = writeln!(out, "  {cause}: {tests} tests in {cases} cases");
        }
    }

    let mut wrong_required = 0;
    for group in [Group::Optional, Group::Format, Group::Required] {
        let wrong: Vec<String> = files
            .iter()
            .filter(|f| f.group == group)
            .flat_map(|f| f.cases.iter().map(move |c| (f, c)))
            .flat_map(|(f, c)| c.tests.iter().map(move |t| (f, c, t)))
            .filter_map(|(f, c, t)| match &t.outcome {
                Outcome::Wrong(got) => Some(format!(
                    "  {} [{}] {:?} / {:?}: expected {}, got {}; instance {}",
                    f.file,
                    c.module,
                    c.description,
                    t.description,
                    verdict(t.valid),
                    got,
                    clip(&t.data, 120)
                )),
                _ => None,
            })
            .collect();
        if group == Group::Required {
            wrong_required = wrong.len();
        }
        if wrong.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        if group == Group::Format {
            // Format is an annotation for the generator: these are expected, and many.
            let _ = writeln!(
                out,
                "wrong verdicts in optional/format tests, not counted: {} (the generator asserts no format; each is in the summary)",
                wrong.len()
            );
            continue;
        }
        let note = match group {
            Group::Optional => ", not counted",
            _ => "",
        };
        let _ = writeln!(out, "wrong verdicts in {} tests{note}:", group.name());
        for line in wrong {
            let _ = writeln!(out, "{line}");
        }
    }

    let _ = writeln!(out);
    let optional = group_tally(files, Group::Optional);
    if optional.total() > 0 {
        let _ = writeln!(out, "optional: {}", optional.counts());
    }
    let format = group_tally(files, Group::Format);
    if format.total() > 0 {
        let _ = writeln!(
            out,
            "optional/format: {} (format is an annotation for the generator, so a test expecting a bad format to be invalid fails)",
            format.counts()
        );
    }
    let required = group_tally(files, Group::Required);
    let _ = writeln!(out, "required: {}", required.counts());
    let _ = writeln!(out, "wrong verdicts: {wrong_required}");
    let _ = writeln!(out, "{}", required.closing_line());
    (out, wrong_required > 0)
}

/// The markers around the generated table in a markdown file.
const COVERAGE_BEGIN: &str =
    "<!-- suite-coverage:begin (written by `cargo suite --write-coverage`) -->";
const COVERAGE_END: &str = "<!-- suite-coverage:end -->";

/// A markdown table: for each keyword, how the required tests whose schemas use it fared.
pub fn coverage_table(by_keyword: &BTreeMap<String, Tally>) -> String {
    let mut out = String::from(
        "| keyword | required tests using it | passed | failed | unsupported |\n|---|---|---|---|---|\n",
    );
    for (keyword, tally) in by_keyword {
        let total = tally.passed + tally.failed + tally.unsupported;
        out.push_str(&format!(
            "| `{keyword}` | {total} | {} | {} | {} |\n",
            tally.passed, tally.failed, tally.unsupported
        ));
    }
    out
}

/// The file with the text between its coverage markers replaced by `table`.
fn with_coverage(text: &str, table: &str) -> Result<String, String> {
    let begin = text
        .find(COVERAGE_BEGIN)
        .ok_or("no coverage begin marker")?;
    let end = text[begin..]
        .find(COVERAGE_END)
        .ok_or("no coverage end marker")?
        + begin;
    Ok(format!(
        "{}{COVERAGE_BEGIN}\n{table}{}",
        &text[..begin],
        &text[end..]
    ))
}

/// Rewrites the table between the coverage markers of `path`.
pub fn write_coverage(path: &Path, table: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let updated = with_coverage(&text, table).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Whether the table between the coverage markers of `path` is `table`.
pub fn coverage_is_current(path: &Path, table: &str) -> Result<bool, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let updated = with_coverage(&text, table).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(updated == text)
}

/// The corpus's table, one row per schema: whether the generator took it, whether its code
/// compiled, how many examples got the jsonschema crate's verdict, and why a schema was declined
/// (the generator's error, which names file, pointer and keyword). Also whether anything failed:
/// a wrong verdict, code that does not compile or a panic (a declined schema is a limitation,
/// named here, not a failure).
pub fn corpus_table(results: &[FileResult]) -> (String, bool) {
    let mut out = String::from(
        "| schema | generated | compiled | examples with the jsonschema crate's verdict | declined because |\n\
         |---|---|---|---|---|\n",
    );
    let mut failed = false;
    for case in results.iter().flat_map(|file| &file.cases) {
        let name = case
            .description
            .rsplit("vendor/")
            .next()
            .unwrap_or(&case.description);
        let tally = Tally::of(&case.tests);
        failed |= tally.failed > 0;
        let (generated, compiled, why) = match &case.unsupported {
            None => ("yes", "yes", String::new()),
            Some(u) if u.cause == DOES_NOT_COMPILE => {
                failed = true;
                ("yes", "**no**", first_line(&u.detail))
            }
            Some(u) if u.cause == GENERATOR_PANICKED => {
                failed = true;
                ("**panicked**", "–", first_line(&u.detail))
            }
            Some(u) => ("no", "–", first_line(&u.detail)),
        };
        let agreed = if case.unsupported.is_some() {
            "–".to_owned()
        } else {
            format!("{} of {}", tally.passed, tally.passed + tally.failed)
        };
        let _ = writeln!(
            out,
            "| `{name}` | {generated} | {compiled} | {agreed} | {} |",
            why.replace('|', "\\|")
        );
    }
    (out, failed)
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    // The error names the copy of the schema the harness wrote; its file name is enough.
    line.rsplit_once("/scratch/")
        .map_or(line, |(_, rest)| rest)
        .to_owned()
}
