//! The quick verdict (`SchemaEntry::is_exact`: typed decode and its strict checks, no `Value`)
//! on every fixture: it vouches only for documents in which the validators find nothing, not
//! even a tolerance, and it vouches for most valid fixtures that have nothing to report, so
//! that the fixture checker's fast path is taken where it should be.

use wecom_rooms::SCHEMAS;
use wecom_rooms_conformance::fixtures;
use wecom_rooms_runtime::validate::Options;

#[test]
fn the_quick_verdict_vouches_only_for_clean_documents_and_for_most_of_them() {
    let (mut clean, mut vouched) = (0usize, 0usize);
    let mut wrong = Vec::new();
    for fixture in fixtures() {
        let entry = SCHEMAS
            .iter()
            .find(|entry| entry.name == fixture.schema)
            .expect("every fixture's schema is registered");
        let Some(is_exact) = entry.is_exact else {
            continue;
        };
        let exact = is_exact(&fixture.text);
        let report = fixture
            .json()
            .ok()
            .map(|value| (entry.validate_with)(&value, Options::with_tolerances()));
        let nothing_to_say = report
            .as_ref()
            .is_some_and(|r| r.errors.is_empty() && r.warnings.is_empty());
        if exact && !nothing_to_say {
            wrong.push(format!("{}: {report:?}", fixture.display_path()));
        }
        if nothing_to_say {
            clean += 1;
            vouched += usize::from(exact);
        }
    }
    println!("the quick verdict vouched for {vouched} of {clean} clean fixtures");
    assert!(
        wrong.is_empty(),
        "vouched for, yet reported:\n{}",
        wrong.join("\n")
    );
    // Conservative by design (a `Value` member, a choice it cannot check: no quick verdict),
    // but a fast path that is rarely taken is no fast path.
    assert!(clean > 200, "{clean} clean fixtures");
    assert!(
        vouched * 10 >= clean * 9,
        "the quick verdict vouched for {vouched} of {clean} clean fixtures"
    );
}

/// Each thing the validators only warn about, planted alone in a document the quick verdict
/// vouches for, makes it step aside.
#[test]
fn each_tolerance_alone_turns_the_quick_verdict_down() {
    let entry = SCHEMAS
        .iter()
        .find(|entry| entry.name == "meeting/rooms/get_info/response")
        .expect("registered");
    let is_exact = entry
        .is_exact
        .expect("get_info's response has a quick verdict");
    let clean = fixtures()
        .into_iter()
        .find(|f| {
            f.display_path()
                .ends_with("get_info/response/valid/pmi-pwd-base64.json")
        })
        .expect("the fixture");
    let clean: serde_json::Value = clean.json().expect("JSON");
    assert!(is_exact(clean.to_string().as_bytes()));
    let plant = |pointer: &str, member: &str, value: serde_json::Value| {
        let mut planted = clean.clone();
        planted.pointer_mut(pointer).expect("the object")[member] = value;
        let report = (entry.validate_with)(&planted, Options::with_tolerances());
        assert!(
            report.errors.is_empty() && report.warnings.len() == 1,
            "{report:?}"
        );
        assert!(
            !is_exact(planted.to_string().as_bytes()),
            "{pointer}/{member}"
        );
    };
    plant("", "undocumented", serde_json::json!(1));
    plant("/hardware_info", "undocumented", serde_json::json!("x"));
    plant("/pmi_info", "pmi_pwd", serde_json::json!("not base64"));
    plant("/basic_info", "desc", serde_json::json!("not base64"));
}
