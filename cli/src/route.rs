//! Which schemas an HTTP request and its answer follow: the one place `check-traffic` and
//! `proxy` ask the registry, so that how the registry is built can change behind it.

use std::collections::HashMap;
use std::sync::LazyLock;

use wecom_rooms::SCHEMAS;
use wecom_rooms_runtime::registry::{Endpoint, SchemaEntry};

/// The schemas of one endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Route {
    /// The request schema, the one that names the endpoint.
    pub request: &'static SchemaEntry,
    /// The endpoint its request schema names.
    pub endpoint: &'static Endpoint,
    /// The schema its answers follow, if the endpoint names one.
    pub response: Option<&'static SchemaEntry>,
}

static ROUTES: LazyLock<HashMap<&'static str, Route>> = LazyLock::new(|| {
    let by_name = |name: &str| SCHEMAS.iter().find(|entry| entry.name == name);
    (SCHEMAS.iter())
        .filter_map(|request| {
            let endpoint = request.endpoint.as_ref()?;
            let response = endpoint.response_schema.and_then(by_name);
            let route = Route {
                request,
                endpoint,
                response,
            };
            Some((endpoint.path, route))
        })
        .collect()
});

/// The endpoint at URL path `path` (such as `/cgi-bin/gettoken`), whatever the method: a
/// request with the wrong method is still that endpoint's, and its check says so.
pub fn route(path: &str) -> Option<Route> {
    ROUTES.get(path).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_routed_by_its_path_alone() {
        let gettoken = route("/cgi-bin/gettoken").expect("gettoken is routed");
        assert_eq!(gettoken.endpoint.method, "GET");
        assert_eq!(gettoken.request.name, "gettoken/request");
        assert_eq!(gettoken.response.map(|r| r.name), Some("gettoken/response"));
        let with_endpoint = SCHEMAS.iter().filter(|e| e.endpoint.is_some()).count();
        assert_eq!(ROUTES.len(), with_endpoint);
        assert!(route("/cgi-bin/gettoken/").is_none());
        assert!(route("/cgi-bin/meeting/rooms/nope").is_none());
    }
}
