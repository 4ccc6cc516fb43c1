//! The `schemars` feature: the schema derived from the generated types accepts every valid
//! response and request fixture. It is looser than the source schema (see the `wecom-rooms`
//! crate docs), so only acceptance is checked, not rejection.
#![cfg(feature = "schemars")]

use wecom_rooms::meeting::rooms::get_info::response::Response;
use wecom_rooms_conformance::{Expect, fixtures};

fn check(schema: &schemars::Schema, schema_name: &str) -> usize {
    let validator =
        jsonschema::validator_for(schema.as_value()).expect("schemars writes valid schemas");
    let mut checked = 0;
    for fixture in fixtures()
        .into_iter()
        .filter(|f| f.schema == schema_name && f.expect == Expect::Valid)
    {
        let instance = fixture.json().expect("valid fixtures are JSON");
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}: the derived schema rejects it:\n{}",
            fixture.display_path(),
            errors.join("\n")
        );
        checked += 1;
    }
    assert!(checked > 0, "no valid fixtures for {schema_name}");
    checked
}

#[test]
fn derived_schemas_accept_every_valid_fixture() {
    macro_rules! check_endpoints {
        ($($($module:ident)::+),* $(,)?) => {{
            let mut checked = 0;
            let mut schemas = Vec::new();
            $({
                use wecom_rooms::$($module)::+::{request, response};
                checked += check(&schemars::schema_for!(request::Request), request::SCHEMA_NAME);
                checked += check(&schemars::schema_for!(response::Response), response::SCHEMA_NAME);
                schemas.extend([request::SCHEMA_NAME, response::SCHEMA_NAME]);
            })*
            (checked, schemas)
        }};
    }
    let (checked, mut schemas) = check_endpoints!(
        gettoken,
        meeting::rooms::book,
        meeting::rooms::release,
        meeting::rooms::get_info,
        meeting::rooms::list,
        meeting::rooms::list_meetings,
        meeting::rooms::list_devices,
        meeting::rooms::list_controllers,
        meeting::rooms::get_config,
        meeting::rooms::call,
        meeting::rooms::cancel_call,
        meeting::rooms::get_response_status,
        meeting::rooms::get_inventory,
        meeting::create,
        meeting::update,
        meeting::cancel,
        meeting::get_info,
        meeting::get_user_meetingid,
    );
    // The list above is by hand (a type per module); the generated registry says what it must hold.
    let mut generated: Vec<&str> = wecom_rooms::SCHEMAS.iter().map(|e| e.name).collect();
    generated.sort_unstable();
    schemas.sort_unstable();
    assert_eq!(
        schemas, generated,
        "list every module of wecom_rooms::SCHEMAS above"
    );
    println!("the derived schemas accept all {checked} valid fixtures");
}

/// What the derived schema says, so that a change to it shows in review.
#[test]
fn derived_response_schema() {
    let schema =
        serde_json::to_string_pretty(&schemars::schema_for!(Response)).expect("a schema encodes");
    insta::assert_snapshot!(schema);
}
