//! What the mutation tests share: finding a member's subschemas, editing a schema in memory,
//! and asserting that the edit brings a new difference.

#![allow(dead_code)] // each test binary uses what it needs

use std::path::PathBuf;

use serde_json::{Value, json};
use wecom_rooms_pages::{
    At, Difference, Guard, Judge, Kind, Node, PageFacts, SchemaSet, SideName, compare,
    compare_endpoint, facts_dir, load_facts,
};

pub fn schema_dir() -> PathBuf {
    wecom_rooms_conformance::schema_dir()
}

pub fn facts(endpoint: &str) -> PageFacts {
    let all = load_facts(&facts_dir()).expect("fact files");
    all.into_iter()
        .find(|f| f.endpoint == endpoint)
        .expect("a fact file for the endpoint")
}

pub fn read(path: &PathBuf) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("schema file")).expect("schema JSON")
}

/// The facts of the endpoint's only page, or of its page with doc id `doc`.
pub fn page(endpoint: &str, doc: Option<&str>) -> PageFacts {
    let all = load_facts(&facts_dir()).expect("fact files");
    all.into_iter()
        .find(|f| f.endpoint == endpoint && (doc.is_none() || f.doc.as_deref() == doc))
        .expect("a fact file for the endpoint")
}

/// The property subschemas the schema gives to the member at `path` (fact-file syntax).
pub fn locate(set: &SchemaSet, endpoint: &str, side: SideName, path: &str) -> Vec<Node> {
    let root = set
        .root(&format!("{endpoint}/{side}"))
        .unwrap()
        .expect("schema exists");
    let context: Guard = match side {
        SideName::Request => Vec::new(),
        SideName::Response => vec![("errcode".into(), json!(0))],
    };
    let mut view = set.view(&[root], &context).unwrap();
    let segments: Vec<&str> = path.split('.').collect();
    for (i, segment) in segments.iter().enumerate() {
        let name = segment.trim_end_matches("[]");
        let nodes = view
            .properties
            .get(name)
            .unwrap_or_else(|| panic!("no `{name}` in {path}"))
            .clone();
        if i + 1 == segments.len() {
            return nodes;
        }
        let member = set.view(&nodes, &context).unwrap();
        view = if segment.ends_with("[]") {
            set.view(&member.items, &context).unwrap()
        } else {
            member
        };
    }
    unreachable!("a path has at least one segment")
}

/// Follows `$ref`s from `node` to the first node that has `key`.
pub fn holding(set: &SchemaSet, node: &Node, key: &str) -> Node {
    let mut node = node.clone();
    for _ in 0..16 {
        if node.value().get(key).is_some() {
            return node;
        }
        let reference = node.value()["$ref"]
            .as_str()
            .expect("a $ref to follow")
            .to_owned();
        node = set.resolve(&node, &reference).unwrap();
    }
    panic!("no `{key}` within 16 $refs")
}

/// A fresh schema set with `node`'s file edited at `node`'s pointer.
pub fn edit(node: &Node, change: impl FnOnce(&mut Value)) -> SchemaSet {
    let set = SchemaSet::new(schema_dir());
    edit_in(&set, node, change);
    set
}

pub fn edit_in(set: &SchemaSet, node: &Node, change: impl FnOnce(&mut Value)) {
    let mut doc = read(&node.file);
    change(
        doc.pointer_mut(&node.pointer)
            .expect("the node is in its file"),
    );
    set.insert(&node.file, doc);
}

/// The parent of a property subschema: the `properties` object holding it, and its name.
pub fn parent(node: &Node) -> (Node, String) {
    let (up, name) = node.pointer.rsplit_once('/').expect("a property pointer");
    let mut parent = node.clone();
    parent.pointer = up.to_owned();
    (parent, name.replace("~1", "/").replace("~0", "~"))
}

pub fn differences(facts: &PageFacts, set: &SchemaSet) -> Vec<Difference> {
    compare(facts, set, &super::lenient)
}

/// `mutated` reports a difference of `kind` at `at` on `side` that the real schemas do not.
#[track_caller]
pub fn assert_new(facts: &PageFacts, mutated: &SchemaSet, side: SideName, at: At, kind: Kind) {
    let hit = |d: &Difference| d.side == side && d.at == at && d.kind == kind;
    let before = differences(facts, &SchemaSet::new(schema_dir()));
    assert!(
        !before.iter().any(hit),
        "the real schemas already differ: {before:#?}"
    );
    let after = differences(facts, mutated);
    assert!(
        after.iter().any(hit),
        "no {} {side} difference at {at}; found: {after:#?}",
        kind.as_str()
    );
}

pub fn path(p: &str) -> At {
    At::Path(p.to_owned())
}

/// Every page of `endpoint` (one, or a meeting path's two), in fact-file order.
pub fn pages(endpoint: &str) -> Vec<PageFacts> {
    let all = load_facts(&facts_dir()).expect("fact files");
    let pages: Vec<PageFacts> = all.into_iter().filter(|f| f.endpoint == endpoint).collect();
    assert!(!pages.is_empty(), "no fact file for {endpoint}");
    pages
}

/// The differences of all of `pages` (one endpoint's) against `set`, samples judged by `judge`.
pub fn endpoint_differences(
    pages: &[PageFacts],
    set: &SchemaSet,
    judge: Judge<'_>,
) -> Vec<Difference> {
    let pages: Vec<&PageFacts> = pages.iter().collect();
    compare_endpoint(&pages, set, judge)
}

/// Like [`assert_new`] for all the pages of an endpoint: `mutated` reports a difference of `kind`
/// at `at` on `side` for the page `doc` (`None`: the endpoint as a whole) that the real schemas
/// do not; returns every difference `mutated` gives.
#[track_caller]
pub fn assert_new_for(
    pages: &[PageFacts],
    mutated: &SchemaSet,
    judge: Judge<'_>,
    (side, doc, at, kind): (SideName, Option<&str>, At, Kind),
) -> Vec<Difference> {
    let hit =
        |d: &Difference| d.side == side && d.doc.as_deref() == doc && d.at == at && d.kind == kind;
    let before = endpoint_differences(pages, &SchemaSet::new(schema_dir()), judge);
    assert!(
        !before.iter().any(hit),
        "the real schemas already differ: {before:#?}"
    );
    let after = endpoint_differences(pages, mutated, judge);
    assert!(
        after.iter().any(hit),
        "no {} {side} difference at {at} for doc {doc:?}; found: {after:#?}",
        kind.as_str()
    );
    after
}
