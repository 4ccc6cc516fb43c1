//! The schemas say what the official pages say, except where `pages/differences.json` records a
//! deliberate difference; and the fact files are what the pages give.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use wecom_rooms_pages::{
    Difference, SPEC_DIR_VAR, SchemaSet, check_facts, compare_all, extract_dir, facts_dir,
    load_deliberate, load_facts, reconcile, spec_dir, workspace_root,
};

#[test]
fn schemas_match_pages() {
    let facts = load_facts(&facts_dir()).expect("fact files");
    assert!(
        !facts.is_empty(),
        "no fact files in {}",
        facts_dir().display()
    );
    let schemas = SchemaSet::new(wecom_rooms_conformance::schema_dir());
    let found: Vec<Difference> = compare_all(&facts, &schemas, &common::judge);
    let table_path = workspace_root().join("pages/differences.json");
    let table = load_deliberate(&table_path).expect("differences table");
    let outcome = reconcile(&found, &table);

    println!(
        "{} differences found, {} recorded as deliberate:",
        found.len(),
        table.len()
    );
    for difference in &found {
        println!("  {difference}");
    }
    let mut report = String::new();
    for difference in &outcome.unexpected {
        let _ = writeln!(report, "  not in differences.json: {difference}");
    }
    for entry in &outcome.stale {
        let at = match (&entry.path, entry.sample) {
            (Some(path), None) => format!("path `{path}`"),
            (None, Some(index)) => format!("sample {index}"),
            _ => "neither or both of path and sample".to_owned(),
        };
        let doc = entry
            .doc
            .as_ref()
            .map_or(String::new(), |d| format!(" (doc {d})"));
        let _ = writeln!(
            report,
            "  stale entry (matches no difference): {}{doc} {} {at} {}",
            entry.endpoint,
            entry.side,
            entry.kind.as_str()
        );
    }
    assert!(
        report.is_empty(),
        "the schemas and the pages differ ({} unexpected, {} stale); fix the schema, or record \
         the difference with a reason in {}:\n{report}",
        outcome.unexpected.len(),
        outcome.stale.len(),
        table_path.display()
    );
}

#[test]
fn fact_files_are_fresh() {
    let spec = spec_dir();
    if !spec.is_dir() {
        println!(
            "freshness half skipped: the spec root {} is absent (set {SPEC_DIR_VAR} to the \
             folder holding rooms/ and meetings/ to check the fact files against the pages)",
            spec.display()
        );
        return;
    }
    let extraction = extract_dir(&spec).expect("the pages");
    let stale = check_facts(&extraction.facts, &facts_dir()).expect("the fact files");
    let diffs: String = stale.iter().map(|s| s.diff.as_str()).collect();
    assert!(
        stale.is_empty(),
        "{} fact file(s) differ from the pages in {}; run `cargo page-facts write`:\n{diffs}",
        stale.len(),
        spec.display()
    );
    assert!(Path::new(&facts_dir()).is_dir());
}
