//! The comparison can fail: real schemas, mutated in memory, each give the difference expected.
//! The Rooms pages here; a meeting path's two pages in `mutations/meetings.rs`.

mod common;
#[path = "mutations/meetings.rs"]
mod meetings;

use serde_json::{Value, json};
use wecom_rooms_pages::{
    At, Deliberate, Difference, Kind, Sample, SchemaSet, SideName, compare, reconcile,
};

use common::mutate::{
    assert_new, differences, edit, facts, holding, locate, parent, path, read, schema_dir,
};

const GET_INFO: &str = "meeting/rooms/get_info";
const LIST: &str = "meeting/rooms/list";

#[test]
fn removing_a_documented_member() {
    let facts = facts(GET_INFO);
    let set = SchemaSet::new(schema_dir());
    let node = &locate(&set, GET_INFO, SideName::Response, "hardware_info.sn")[0];
    let (properties, name) = parent(node);
    let set = edit(&properties, |p| {
        p.as_object_mut().unwrap().remove(&name);
    });
    assert_new(
        &facts,
        &set,
        SideName::Response,
        path("hardware_info.sn"),
        Kind::MissingMember,
    );
}

#[test]
fn adding_an_undocumented_member() {
    let facts = facts(GET_INFO);
    let set = SchemaSet::new(schema_dir());
    let (properties, _) =
        parent(&locate(&set, GET_INFO, SideName::Response, "hardware_info.sn")[0]);
    let set = edit(&properties, |p| {
        p["brand_new"] = json!({"type": "string"});
    });
    let at = path("hardware_info.brand_new");
    assert_new(
        &facts,
        &set,
        SideName::Response,
        at,
        Kind::UndocumentedMember,
    );
}

#[test]
fn changing_a_member_type() {
    let facts = facts(GET_INFO);
    let set = SchemaSet::new(schema_dir());
    let node = &locate(&set, GET_INFO, SideName::Response, "basic_info.city")[0];
    let set = edit(node, |schema| *schema = json!({"type": "integer"}));
    assert_new(
        &facts,
        &set,
        SideName::Response,
        path("basic_info.city"),
        Kind::Type,
    );
}

#[test]
fn widening_a_uint32_past_its_range() {
    let facts = facts(LIST);
    let set = SchemaSet::new(schema_dir());
    let at = "meeting_room_list[].participant_number";
    let node = &locate(&set, LIST, SideName::Response, at)[0];
    let set = edit(node, |schema| {
        *schema = json!({"type": "integer", "minimum": -1})
    });
    assert_new(&facts, &set, SideName::Response, path(at), Kind::Type);
}

#[test]
fn dropping_a_value_from_a_value_set() {
    let facts = facts(LIST);
    let set = SchemaSet::new(schema_dir());
    let at = "meeting_room_list[].account_type";
    let node = holding(
        &set,
        &locate(&set, LIST, SideName::Response, at)[0],
        "oneOf",
    );
    let set = edit(&node, |schema| {
        schema["oneOf"].as_array_mut().unwrap().pop();
    });
    assert_new(&facts, &set, SideName::Response, path(at), Kind::Values);
}

#[test]
fn string_values_are_not_numbers() {
    let endpoint = "meeting/rooms/list_controllers";
    let facts = facts(endpoint);
    let set = SchemaSet::new(schema_dir());
    let at = "controller_info_list[].status";
    let first = &locate(&set, endpoint, SideName::Response, at)[0];
    let node = holding(
        &set,
        first,
        if first.value().get("enum").is_some() {
            "enum"
        } else {
            "oneOf"
        },
    );
    let set = edit(&node, |schema| {
        *schema = json!({"type": "string", "oneOf": [{"const": 0}, {"const": 1}]});
    });
    assert_new(&facts, &set, SideName::Response, path(at), Kind::Values);
}

/// Removes every `if`/`then` whose `then` requires `next_cursor`, in every file the list response
/// reaches; returns how many were removed.
fn drop_cursor_rule(value: &mut Value) -> usize {
    let mut removed = 0;
    match value {
        Value::Object(map) => {
            let requires_cursor = map
                .get("then")
                .and_then(|t| t.get("required"))
                .and_then(Value::as_array)
                .is_some_and(|r| r.contains(&json!("next_cursor")));
            if requires_cursor {
                map.remove("if");
                map.remove("then");
                removed += 1;
            }
            for v in map.values_mut() {
                removed += drop_cursor_rule(v);
            }
        }
        Value::Array(items) => {
            for v in items {
                removed += drop_cursor_rule(v);
            }
        }
        _ => {}
    }
    removed
}

#[test]
fn dropping_next_cursors_conditional_requirement() {
    let facts = facts(LIST);
    let set = SchemaSet::new(schema_dir());
    let root = set.root(&format!("{LIST}/response")).unwrap().unwrap();
    let mut files = vec![root.file.clone(), schema_dir().join("common.json")];
    files.dedup();
    let mut removed = 0;
    for file in files {
        let mut doc = read(&file);
        removed += drop_cursor_rule(&mut doc);
        set.insert(&file, doc);
    }
    assert!(
        removed > 0,
        "the list response has no has_more → next_cursor rule to drop"
    );
    assert_new(
        &facts,
        &set,
        SideName::Response,
        path("next_cursor"),
        Kind::Required,
    );
}

#[test]
fn requiring_next_cursor_always() {
    let facts = facts(LIST);
    let set = SchemaSet::new(schema_dir());
    let (properties, _) = parent(&locate(&set, LIST, SideName::Response, "next_cursor")[0]);
    // The object holding `properties` is the success object: require next_cursor there.
    let mut object = properties.clone();
    object.pointer = properties
        .pointer
        .trim_end_matches("/properties")
        .to_owned();
    let set = edit(&object, |o| {
        let required = o["required"].as_array_mut().unwrap();
        required.push(json!("next_cursor"));
    });
    assert_new(
        &facts,
        &set,
        SideName::Response,
        path("next_cursor"),
        Kind::Required,
    );
}

#[test]
fn making_an_optional_request_member_required() {
    let endpoint = "meeting/rooms/book";
    let facts = facts(endpoint);
    let set = SchemaSet::new(schema_dir());
    let root = set.root(&format!("{endpoint}/request")).unwrap().unwrap();
    let set = edit(&root, |r| {
        r["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("subject_visible"))
    });
    assert_new(
        &facts,
        &set,
        SideName::Request,
        path("subject_visible"),
        Kind::Required,
    );
}

#[test]
fn access_token_as_a_body_property() {
    let facts = facts(GET_INFO);
    let set = SchemaSet::new(schema_dir());
    let root = set.root(&format!("{GET_INFO}/request")).unwrap().unwrap();
    let set = edit(&root, |r| {
        r["properties"]["access_token"] = json!({"type": "string"})
    });
    assert_new(
        &facts,
        &set,
        SideName::Request,
        path("access_token"),
        Kind::Query,
    );
}

#[test]
fn access_token_missing_from_the_query() {
    let facts = facts(GET_INFO);
    let set = SchemaSet::new(schema_dir());
    let root = set.root(&format!("{GET_INFO}/request")).unwrap().unwrap();
    let set = edit(&root, |r| {
        r["x-endpoint"]["query"]
            .as_object_mut()
            .unwrap()
            .remove("access_token");
    });
    assert_new(
        &facts,
        &set,
        SideName::Request,
        path("access_token"),
        Kind::Query,
    );
}

#[test]
fn a_wrong_endpoint_path() {
    let facts = facts(GET_INFO);
    let set = SchemaSet::new(schema_dir());
    let root = set.root(&format!("{GET_INFO}/request")).unwrap().unwrap();
    let set = edit(&root, |r| {
        r["x-endpoint"]["path"] = json!("/cgi-bin/meeting/rooms/info")
    });
    assert_new(&facts, &set, SideName::Request, path(""), Kind::Endpoint);
}

#[test]
fn a_missing_schema_and_a_sample_that_is_not_json() {
    let mut facts = facts(GET_INFO);
    facts.response.samples[0] = Sample::parse("{ \"errcode\": 0, }");
    let found = differences(&facts, &SchemaSet::new(schema_dir()));
    assert!(
        found
            .iter()
            .any(|d| d.at == At::Sample(0) && d.kind == Kind::SampleNotJson),
        "{found:#?}"
    );
    facts.endpoint = "meeting/rooms/nonexistent".into();
    let found = differences(&facts, &SchemaSet::new(schema_dir()));
    let missing = found
        .iter()
        .filter(|d| d.kind == Kind::MissingSchema)
        .count();
    assert_eq!(missing, 2, "{found:#?}");
}

#[test]
fn a_sample_the_validator_rejects() {
    let facts = facts(GET_INFO);
    let reject = |_: &str, _: &Value| Ok(vec!["nope".to_owned()]);
    let found = compare(&facts, &SchemaSet::new(schema_dir()), &reject);
    assert!(
        found
            .iter()
            .any(|d| d.at == At::Sample(0) && d.kind == Kind::SampleInvalid)
    );
}

#[test]
fn stale_entries_and_unexpected_differences() {
    let entry = Deliberate {
        endpoint: GET_INFO.into(),
        doc: None,
        side: SideName::Response,
        path: Some("no_such_member".into()),
        sample: None,
        kind: Kind::Type,
        reason: "test".into(),
    };
    let difference = Difference {
        endpoint: GET_INFO.into(),
        doc: None,
        side: SideName::Response,
        at: path("basic_info.city"),
        kind: Kind::Type,
        page: "string".into(),
        schema: "integer".into(),
    };
    let found = [difference];
    let table = [entry];
    let outcome = reconcile(&found, &table);
    assert_eq!(outcome.unexpected.len(), 1);
    assert_eq!(outcome.stale.len(), 1);
}
