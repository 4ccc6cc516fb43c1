//! The registry pairs every request schema with its endpoint and its response schema, so that
//! tools (the traffic checker, a simulator) can route an exchange without knowing the family.

use wecom_rooms::SCHEMAS;
use wecom_rooms_runtime::registry::RequestIn;

#[test]
fn every_request_names_its_endpoint_and_response() {
    let mut paths = Vec::new();
    for entry in SCHEMAS {
        let Some(endpoint) = entry.endpoint else {
            assert!(
                entry.name.ends_with("/response"),
                "{} has no endpoint",
                entry.name
            );
            continue;
        };
        assert!(entry.name.ends_with("/request"), "{}", entry.name);
        let stem = entry.name.trim_end_matches("/request");
        assert_eq!(endpoint.path, format!("/cgi-bin/{stem}"), "{}", entry.name);
        assert_eq!(
            endpoint.response_schema,
            Some(format!("{stem}/response").as_str())
        );
        assert!(
            SCHEMAS
                .iter()
                .any(|e| Some(e.name) == endpoint.response_schema)
        );
        let (method, request_in) = if stem == "gettoken" {
            ("GET", RequestIn::Query)
        } else {
            ("POST", RequestIn::Body)
        };
        assert_eq!((endpoint.method, endpoint.request_in), (method, request_in));
        let token = endpoint.query.iter().find(|q| q.name == "access_token");
        assert_eq!(token.is_some_and(|q| q.required), stem != "gettoken");
        paths.push(endpoint.path);
    }
    assert_eq!(
        paths.len(),
        18,
        "gettoken, twelve Rooms endpoints and five meeting endpoints: {paths:?}"
    );
}
