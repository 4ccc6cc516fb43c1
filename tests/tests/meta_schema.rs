//! Every schema in `schema/` is a draft 2020-12 schema that the `jsonschema`
//! crate accepts, names itself, and documents what it describes: the
//! generator turns titles and descriptions into names and doc comments.

use serde_json::Value;
use wecom_rooms_conformance::{
    ID_BASE, load_schema, reference_validator, schema_dir, schema_names, shared_documents,
};

const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schemas this project must have, so that losing one fails here: a request and a
/// response for gettoken, each of the twelve Rooms endpoints and each of the five meeting
/// endpoints.
const EXPECTED: [&str; 36] = [
    "gettoken/request",
    "gettoken/response",
    "meeting/cancel/request",
    "meeting/cancel/response",
    "meeting/create/request",
    "meeting/create/response",
    "meeting/get_info/request",
    "meeting/get_info/response",
    "meeting/get_user_meetingid/request",
    "meeting/get_user_meetingid/response",
    "meeting/update/request",
    "meeting/update/response",
    "meeting/rooms/book/request",
    "meeting/rooms/book/response",
    "meeting/rooms/call/request",
    "meeting/rooms/call/response",
    "meeting/rooms/cancel_call/request",
    "meeting/rooms/cancel_call/response",
    "meeting/rooms/get_config/request",
    "meeting/rooms/get_config/response",
    "meeting/rooms/get_info/request",
    "meeting/rooms/get_info/response",
    "meeting/rooms/get_inventory/request",
    "meeting/rooms/get_inventory/response",
    "meeting/rooms/get_response_status/request",
    "meeting/rooms/get_response_status/response",
    "meeting/rooms/list/request",
    "meeting/rooms/list/response",
    "meeting/rooms/list_controllers/request",
    "meeting/rooms/list_controllers/response",
    "meeting/rooms/list_devices/request",
    "meeting/rooms/list_devices/response",
    "meeting/rooms/list_meetings/request",
    "meeting/rooms/list_meetings/response",
    "meeting/rooms/release/request",
    "meeting/rooms/release/response",
];

/// Keywords whose value is one subschema that shapes the instance. `if` and
/// `not` are left out: they are tests on the instance, not types, so there is
/// nothing in them to document.
const ONE_SUBSCHEMA: [&str; 8] = [
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "then",
    "else",
];

/// Keywords whose value is an array of subschemas.
const SUBSCHEMA_ARRAYS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose value maps names to subschemas.
const SUBSCHEMA_MAPS: [&str; 4] = [
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

#[test]
fn every_schema_is_valid_under_the_2020_12_meta_schema() {
    let names = schema_names();
    for expected in EXPECTED {
        assert!(
            names.iter().any(|name| name == expected),
            "schema {expected} is missing from schema/; found {names:?}",
        );
    }

    let meta = jsonschema::draft202012::meta::validator();
    let mut problems = Vec::new();
    let shared = shared_documents();
    let documents = shared
        .iter()
        .map(|(file, schema)| (file.clone(), schema.clone()))
        .chain(names.iter().map(|name| (name.clone(), load_schema(name))));
    for (name, schema) in documents {
        for error in meta.iter_errors(&schema) {
            problems.push(format!(
                "{name}: at {}: {error}",
                pointer_or_root(error.instance_path().as_str()),
            ));
        }
    }
    // The meta-schema does not check that `$ref`s resolve; building does (and panics if not).
    for name in &names {
        let _ = reference_validator(name);
    }
    println!(
        "checked {} schemas against the 2020-12 meta-schema",
        names.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n"),
    );
}

#[test]
fn every_schema_names_itself() {
    let mut problems = Vec::new();
    for name in schema_names() {
        let schema = load_schema(&name);
        if schema.get("$schema").and_then(Value::as_str) != Some(DRAFT_2020_12) {
            problems.push(format!("{name}: $schema is not {DRAFT_2020_12}"));
        }
        // The $id ends with the file's own path, so relative references
        // between schemas resolve as the files lie.
        let file = format!("/schema/{name}.schema.json");
        match schema.get("$id").and_then(Value::as_str) {
            Some(id) if id.ends_with(&file) => {}
            Some(id) => problems.push(format!("{name}: $id {id} does not end with {file}")),
            None => problems.push(format!("{name}: no $id")),
        }
        for keyword in ["title", "description"] {
            if !has_text(&schema, keyword) {
                problems.push(format!("{name}: no {keyword} at the root"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n"),
    );
}

#[test]
fn every_shared_document_names_itself_and_is_no_message() {
    let shared = shared_documents();
    assert!(
        shared.iter().any(|(file, _)| file == "common.json"),
        "schema/common.json is missing; found {shared:?}",
    );
    for (file, schema) in &shared {
        assert_eq!(
            schema.get("$schema").and_then(Value::as_str),
            Some(DRAFT_2020_12),
            "{file}"
        );
        assert_eq!(
            schema.get("$id").and_then(Value::as_str),
            Some(format!("{ID_BASE}{file}").as_str()),
            "{file}: its $id must name where it lies, so that references resolve"
        );
        // Definitions only: a root keyword that asserts something would make it a message.
        let keys: Vec<&String> = schema
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .collect();
        for key in keys {
            assert!(
                [
                    "$schema",
                    "$id",
                    "title",
                    "description",
                    "$comment",
                    "$defs"
                ]
                .contains(&key.as_str()),
                "{file}: {key} at the root of a shared document"
            );
        }
        assert!(schema_dir().join(file).is_file(), "{file}");
    }
}

#[test]
fn every_documented_subschema_has_a_description() {
    let mut missing = Vec::new();
    let documents = shared_documents()
        .into_iter()
        .chain(schema_names().into_iter().map(|name| {
            let schema = load_schema(&name);
            (name, schema)
        }));
    for (name, schema) in documents {
        walk(&schema, "", Place::Root, &mut |pointer, problem| {
            missing.push(format!(
                "{name}: at {}: {problem}",
                pointer_or_root(pointer)
            ));
        });
    }
    assert!(
        missing.is_empty(),
        "{} subschemas lack documentation:\n{}",
        missing.len(),
        missing.join("\n"),
    );
}

/// Where a subschema sits, which decides what documentation it owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The document itself, checked by `every_schema_names_itself`.
    Root,
    /// A member of `properties`: a field, which becomes a documented field.
    Property,
    /// A member of `$defs`: a named type.
    Definition,
    /// A branch of `anyOf` or `oneOf`: an alternative, which becomes a variant.
    Branch,
    /// Anywhere else, such as `items` or `then`.
    Other,
}

/// Calls `report` for every subschema below `schema` that lacks the
/// documentation its place asks for.
fn walk(schema: &Value, pointer: &str, place: Place, report: &mut impl FnMut(&str, &str)) {
    let Some(object) = schema.as_object() else {
        // `true` and `false` are schemas too, with nothing to document.
        return;
    };
    let described = has_text(schema, "description");
    let titled = has_text(schema, "title");
    let defines = ["type", "$ref"].iter().any(|k| object.contains_key(*k));
    let is_object = object.get("type").and_then(Value::as_str) == Some("object")
        || object.contains_key("properties");
    match place {
        Place::Root => {}
        Place::Property | Place::Definition if !described => report(pointer, "no description"),
        // A `const` branch is an enumerated value: it needs a name and a meaning.
        Place::Branch if object.contains_key("const") && !(described && titled) => {
            report(pointer, "const branch lacks its title or description");
        }
        Place::Branch if defines && !(described || titled) => {
            report(pointer, "branch has neither title nor description");
        }
        // A scalar `items` or a `then` is documented by the schema that
        // holds it; an object schema anywhere is a type of its own.
        Place::Other if is_object && !(described || titled) => {
            report(pointer, "object schema has neither title nor description");
        }
        _ => {}
    }

    for keyword in ONE_SUBSCHEMA {
        if let Some(sub) = object.get(keyword) {
            walk(sub, &format!("{pointer}/{keyword}"), Place::Other, report);
        }
    }
    for keyword in SUBSCHEMA_ARRAYS {
        let place = match keyword {
            "anyOf" | "oneOf" => Place::Branch,
            _ => Place::Other,
        };
        for (index, sub) in object
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            walk(sub, &format!("{pointer}/{keyword}/{index}"), place, report);
        }
    }
    for keyword in SUBSCHEMA_MAPS {
        let place = match keyword {
            "properties" => Place::Property,
            "$defs" => Place::Definition,
            _ => Place::Other,
        };
        for (key, sub) in object
            .get(keyword)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let key = key.replace('~', "~0").replace('/', "~1");
            walk(sub, &format!("{pointer}/{keyword}/{key}"), place, report);
        }
    }
}

/// Whether `schema` has `keyword` as a string with something in it.
fn has_text(schema: &Value, keyword: &str) -> bool {
    schema
        .get(keyword)
        .and_then(Value::as_str)
        .is_some_and(|text| !text.trim().is_empty())
}

fn pointer_or_root(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}
