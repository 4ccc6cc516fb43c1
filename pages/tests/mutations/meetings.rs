//! The comparison of a meeting path with its two pages can fail: real meeting schemas, mutated in
//! memory, each give the difference expected, and a member on one page only gives none.

use serde_json::{Value, json};
use wecom_rooms_conformance::SchemaFiles;
use wecom_rooms_pages::{At, Kind, SchemaSet, SideName};

use crate::common::mutate::{
    assert_new_for, edit, endpoint_differences, holding, locate, pages, parent, path, schema_dir,
};

const CREATE: &str = "meeting/create";
const GET_INFO: &str = "meeting/get_info";
const BASIC: Option<&str> = Some("99104");
const ADVANCED: Option<&str> = Some("98148");

fn lenient(name: &str, instance: &Value) -> Result<Vec<String>, String> {
    crate::common::lenient(name, instance)
}

/// The create request's root node.
fn create_request(set: &SchemaSet) -> wecom_rooms_pages::Node {
    set.root(&format!("{CREATE}/request"))
        .unwrap()
        .expect("the create request schema")
}

#[test]
fn a_member_on_one_page_only_is_no_difference_until_the_schema_drops_it() {
    let pages = pages(CREATE);
    assert_eq!(pages.len(), 2, "create has a 基础 and a 高级 page");
    let real = endpoint_differences(&pages, &SchemaSet::new(schema_dir()), &lenient);
    let at_guests = |d: &&wecom_rooms_pages::Difference| match &d.at {
        At::Path(p) => p == "guests" || p.starts_with("guests["),
        At::Sample(_) => false,
    };
    assert!(
        !real.iter().any(|d| at_guests(&d)),
        "guests is only on 98148, which is the union rule: {real:#?}"
    );
    let set = SchemaSet::new(schema_dir());
    let node = &locate(&set, CREATE, SideName::Request, "guests")[0];
    let (properties, name) = parent(node);
    let set = edit(&properties, |p| {
        p.as_object_mut().unwrap().remove(&name);
    });
    let found = assert_new_for(
        &pages,
        &set,
        &lenient,
        (
            SideName::Request,
            ADVANCED,
            path("guests"),
            Kind::MissingMember,
        ),
    );
    // Only the page that documents it says so.
    assert!(
        !found
            .iter()
            .any(|d| d.doc.as_deref() == BASIC && at_guests(&d)),
        "{found:#?}"
    );
}

#[test]
fn a_member_no_current_page_documents() {
    let pages = pages(CREATE);
    let set = SchemaSet::new(schema_dir());
    let root = create_request(&set);
    // Named only by a global error code's advice, on neither current page.
    let set = edit(&root, |r| {
        r["properties"]["skip_duplicate_check"] = json!({"type": "boolean"});
    });
    assert_new_for(
        &pages,
        &set,
        &lenient,
        (
            SideName::Request,
            None,
            path("skip_duplicate_check"),
            Kind::UndocumentedMember,
        ),
    );
}

#[test]
fn a_type_of_another_kind() {
    let pages = pages(CREATE);
    let set = SchemaSet::new(schema_dir());
    let at = "settings.hosts.userid";
    let node = &locate(&set, CREATE, SideName::Request, at)[0];
    let set = edit(node, |schema| *schema = json!({"type": "string"}));
    let found = assert_new_for(
        &pages,
        &set,
        &lenient,
        (SideName::Request, ADVANCED, path(at), Kind::Type),
    );
    // 99104 has no 类型 column: nothing to hold against.
    assert!(
        !found
            .iter()
            .any(|d| d.doc.as_deref() == BASIC && d.kind == Kind::Type),
        "{found:#?}"
    );
}

#[test]
fn a_required_member_made_optional_differs_on_both_pages() {
    let pages = pages(CREATE);
    let set = SchemaSet::new(schema_dir());
    let root = create_request(&set);
    let set = edit(&root, |r| {
        r["required"]
            .as_array_mut()
            .unwrap()
            .retain(|n| n != "admin_userid");
    });
    for doc in [BASIC, ADVANCED] {
        assert_new_for(
            &pages,
            &set,
            &lenient,
            (SideName::Request, doc, path("admin_userid"), Kind::Required),
        );
    }
}

#[test]
fn a_response_member_only_one_page_documents_must_stay_optional() {
    let pages = pages(GET_INFO);
    let set = SchemaSet::new(schema_dir());
    let (properties, _) = parent(&locate(&set, GET_INFO, SideName::Response, "meeting_type")[0]);
    // The object holding `properties` is the success object: require meeting_type there.
    let mut object = properties.clone();
    object.pointer = properties
        .pointer
        .trim_end_matches("/properties")
        .to_owned();
    let set = edit(&object, |o| match o.get_mut("required") {
        Some(Value::Array(required)) => required.push(json!("meeting_type")),
        _ => o["required"] = json!(["meeting_type"]),
    });
    assert_new_for(
        &pages,
        &set,
        &lenient,
        (
            SideName::Response,
            None,
            path("meeting_type"),
            Kind::Required,
        ),
    );
}

#[test]
fn a_value_dropped_from_a_list_members_items() {
    let pages = pages(CREATE);
    let set = SchemaSet::new(schema_dir());
    let at = "reminders.remind_before";
    let member = set
        .view(&locate(&set, CREATE, SideName::Request, at), &Vec::new())
        .unwrap();
    let items = &member.items[0];
    let key = if holding_has(&set, items, "enum") {
        "enum"
    } else {
        "oneOf"
    };
    let node = holding(&set, items, key);
    let set = edit(&node, |schema| {
        schema[key].as_array_mut().unwrap().pop();
    });
    assert_new_for(
        &pages,
        &set,
        &lenient,
        (SideName::Request, ADVANCED, path(at), Kind::Values),
    );
}

/// Whether `key` is met following `$ref`s from `node`.
fn holding_has(set: &SchemaSet, node: &wecom_rooms_pages::Node, key: &str) -> bool {
    let mut node = node.clone();
    for _ in 0..16 {
        if node.value().get(key).is_some() {
            return true;
        }
        let Some(reference) = node.value().get("$ref").and_then(Value::as_str) else {
            return false;
        };
        let reference = reference.to_owned();
        node = set.resolve(&node, &reference).unwrap();
    }
    false
}

#[test]
fn a_dotted_row_under_a_member_no_row_documents() {
    let mut pages = pages(GET_INFO);
    let advanced = pages
        .iter_mut()
        .find(|p| p.doc.as_deref() == Some("98149"))
        .expect("the 98149 page");
    let mut orphan = advanced.response.members[0].clone();
    orphan.path = "settings.no_such_hosts.userid".into();
    let before = endpoint_differences(
        std::slice::from_ref(advanced),
        &SchemaSet::new(schema_dir()),
        &lenient,
    );
    advanced.response.members.push(orphan);
    let after = endpoint_differences(
        std::slice::from_ref(advanced),
        &SchemaSet::new(schema_dir()),
        &lenient,
    );
    let hit = |d: &wecom_rooms_pages::Difference| {
        d.at == path("settings.no_such_hosts.userid") && d.kind == Kind::MissingMember
    };
    assert!(!before.iter().any(hit));
    assert!(after.iter().any(hit), "{after:#?}");
}

/// The jsonschema crate's verdict under the schemas of `set` (the root file as `set` holds it;
/// the files it refers to as on disk).
fn judge_in(set: &SchemaSet, name: &str, instance: &Value) -> Result<Vec<String>, String> {
    let root = set
        .root(name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no schema {name}"))?;
    let validator = jsonschema::draft202012::options()
        .with_retriever(SchemaFiles)
        .build(root.value())
        .map_err(|e| e.to_string())?;
    Ok(validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect())
}

#[test]
fn a_sample_verdict_belongs_to_its_page() {
    let pages = pages(CREATE);
    let set = SchemaSet::new(schema_dir());
    let real = |name: &str, instance: &Value| judge_in(&set, name, instance);
    let invalid = |found: &[wecom_rooms_pages::Difference], doc: Option<&str>| {
        found.iter().any(|d| {
            d.side == SideName::Request
                && d.doc.as_deref() == doc
                && d.at == At::Sample(0)
                && d.kind == Kind::SampleInvalid
        })
    };
    let before = endpoint_differences(&pages, &set, &real);
    assert!(!invalid(&before, BASIC), "{before:#?}");
    // 99104's sample sets remind_scope 1, 98148's 4: a settings schema that takes 4 alone
    // rejects the first sample and, with no host_key rule left, accepts the second.
    let root = create_request(&set);
    let mutated = edit(&root, |r| {
        r["properties"]["settings"] = json!({
            "type": "object",
            "properties": {"remind_scope": {"const": 4}}
        });
    });
    let judge = |name: &str, instance: &Value| judge_in(&mutated, name, instance);
    let after = endpoint_differences(&pages, &mutated, &judge);
    assert!(invalid(&after, BASIC), "{after:#?}");
    assert!(!invalid(&after, ADVANCED), "{after:#?}");
}
