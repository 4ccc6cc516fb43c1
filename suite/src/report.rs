//! Counting and printing: per file, per group, the wrong verdicts and what costs the most tests.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::suite::{Draft, Group};

/// The cause of tests whose case's generated code does not compile.
pub const DOES_NOT_COMPILE: &str = "generated code does not compile";
/// The cause of tests whose case made the generator panic.
pub const GENERATOR_PANICKED: &str = "the generator panicked";

/// The results of one test file.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    pub draft: Draft,
    /// `<draft>/<path>`.
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
    /// The compiler's first warning about the case's generated code, which must have none.
    pub warning: Option<String>,
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

/// The tally of a group of files, every draft's.
pub fn group_tally(files: &[FileResult], group: Group) -> Tally {
    Tally::of(
        files
            .iter()
            .filter(|f| f.group == group)
            .flat_map(FileResult::tests),
    )
}

/// The tally of a group of one draft's files.
pub fn draft_tally(files: &[FileResult], draft: Draft, group: Group) -> Tally {
    Tally::of(
        files
            .iter()
            .filter(|f| f.draft == draft && f.group == group)
            .flat_map(FileResult::tests),
    )
}

/// The drafts that have files among the results, oldest first.
pub fn drafts(files: &[FileResult]) -> Vec<Draft> {
    let present: BTreeSet<Draft> = files.iter().map(|f| f.draft).collect();
    present.into_iter().collect()
}

/// Tests lost to each cause of unsupported cases in a group, most first: (cause, cases, tests).
pub fn costs<'a>(
    files: impl IntoIterator<Item = &'a FileResult>,
    group: Group,
) -> Vec<(String, usize, usize)> {
    let mut by_cause: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    for file in files.into_iter().filter(|f| f.group == group) {
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
pub fn by_keyword<'a>(
    files: impl IntoIterator<Item = &'a FileResult>,
    group: Group,
) -> BTreeMap<String, Tally> {
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for file in files.into_iter().filter(|f| f.group == group) {
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

/// [`by_keyword`] of the required tests, draft by draft.
pub fn by_draft_and_keyword(files: &[FileResult]) -> BTreeMap<Draft, BTreeMap<String, Tally>> {
    drafts(files)
        .into_iter()
        .map(|draft| {
            let of_draft = files.iter().filter(move |f| f.draft == draft);
            (draft, by_keyword(of_draft, Group::Required))
        })
        .collect()
}

/// Every draft's tally of its required tests.
pub fn required_by_draft(files: &[FileResult]) -> BTreeMap<Draft, Tally> {
    drafts(files)
        .into_iter()
        .map(|draft| (draft, draft_tally(files, draft, Group::Required)))
        .collect()
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

/// The whole report, ending with the counts per draft, `wrong verdicts: N` (required and
/// optional tests, every draft) and `N passed, N failed` for the required tests; and whether it
/// must fail (a wrong verdict outside the format tests, where the generator asserts no format).
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
        let _ = writeln!(out, "optional tests, not in the required total:");
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

    // Generated code that compiles with warnings: a generator bug too, though the verdicts stand.
    let warned: Vec<(&FileResult, &CaseResult, &String)> = files
        .iter()
        .flat_map(|f| f.cases.iter().map(move |c| (f, c)))
        .filter_map(|(f, c)| Some((f, c, c.warning.as_ref()?)))
        .collect();
    if !warned.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "generated code with warnings ({} cases):",
            warned.len()
        );
        for (file, case, warning) in &warned {
            let _ = writeln!(
                out,
                "  {} [{}] {:?}: {}",
                file.file,
                case.module,
                case.description,
                clip(warning, 300)
            );
        }
    }

    for draft in drafts(files) {
        for group in [Group::Required, Group::Optional, Group::Format] {
            let costs = costs(files.iter().filter(|f| f.draft == draft), group);
            if costs.is_empty() {
                continue;
            }
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "unsupported {} {} tests, by cause:",
                draft.folder(),
                group.name()
            );
            for (cause, cases, tests) in costs {
                let _ = writeln!(out, "  {cause}: {tests} tests in {cases} cases");
            }
        }
    }

    let mut wrong_counted = 0;
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
        wrong_counted += wrong.len();
        if wrong.is_empty() {
            continue;
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "wrong verdicts in {} tests:", group.name());
        for line in wrong {
            let _ = writeln!(out, "{line}");
        }
    }

    let _ = writeln!(out);
    let _ = writeln!(out, "per draft:");
    for draft in drafts(files) {
        let mut line = format!("  {}:", draft.folder());
        for group in [Group::Required, Group::Optional, Group::Format] {
            let tally = draft_tally(files, draft, group);
            if tally.total() > 0 {
                let _ = write!(line, " {} {};", group.name(), tally.counts());
            }
        }
        let _ = writeln!(out, "{}", line.trim_end_matches(';'));
    }
    let optional = group_tally(files, Group::Optional);
    if optional.total() > 0 {
        let _ = writeln!(out, "optional: {}", optional.counts());
    }
    let format = group_tally(files, Group::Format);
    if format.total() > 0 {
        let _ = writeln!(
            out,
            "optional/format: {} (generated with `format` asserted)",
            format.counts()
        );
    }
    let required = group_tally(files, Group::Required);
    let _ = writeln!(out, "required: {}", required.counts());
    let _ = writeln!(out, "wrong verdicts: {wrong_counted}");
    let _ = writeln!(
        out,
        "cases whose generated code has warnings: {}",
        warned.len()
    );
    let _ = writeln!(out, "{}", required.closing_line());
    (out, wrong_counted > 0 || !warned.is_empty())
}

/// The markers around the generated table in a markdown file.
const COVERAGE_BEGIN: &str =
    "<!-- suite-coverage:begin (written by `cargo suite --write-coverage`) -->";
const COVERAGE_END: &str = "<!-- suite-coverage:end -->";

/// A markdown table: for each keyword, and in each draft, how the required tests whose schemas
/// use it fared: `passed/total` (the rest unsupported; wrong verdicts, if any, said as
/// `N wrong`), `—` where no test uses it. The last row counts every required test of the draft.
pub fn coverage_table(
    by_draft: &BTreeMap<Draft, BTreeMap<String, Tally>>,
    totals: &BTreeMap<Draft, Tally>,
) -> String {
    let mut out = String::from("| keyword |");
    let mut rule = String::from("|---|");
    for draft in by_draft.keys() {
        let _ = write!(out, " {} |", draft.folder());
        rule.push_str("---|");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{rule}");
    let cell = |tally: Option<&Tally>| match tally {
        None => "—".to_owned(),
        Some(t) if t.failed > 0 => format!("{}/{}, {} wrong", t.passed, t.total(), t.failed),
        Some(t) => format!("{}/{}", t.passed, t.total()),
    };
    let keywords: BTreeSet<&String> = by_draft.values().flat_map(|k| k.keys()).collect();
    for keyword in keywords {
        let _ = write!(out, "| `{keyword}` |");
        for tallies in by_draft.values() {
            let _ = write!(out, " {} |", cell(tallies.get(keyword)));
        }
        let _ = writeln!(out);
    }
    let _ = write!(out, "| all required tests |");
    for draft in by_draft.keys() {
        let _ = write!(out, " {} |", cell(totals.get(draft)));
    }
    let _ = writeln!(out);
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
            None if case.warning.is_some() => {
                failed = true;
                let warning = case.warning.as_deref().unwrap_or_default();
                ("yes", "**with warnings**", first_line(warning))
            }
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
