//! Which schemas an HTTP request and its answer follow: the generated `ROUTES` table, read
//! by `check-traffic` and `proxy` alike.

use std::collections::HashMap;
use std::sync::LazyLock;

use wecom_rooms::ROUTES;
use wecom_rooms_runtime::registry::Route;

/// The routes by path, for a lookup per exchange that does not grow with the family.
static BY_PATH: LazyLock<HashMap<&'static str, &'static Route>> = LazyLock::new(|| {
    ROUTES
        .iter()
        .map(|route| (route.endpoint.path, route))
        .collect()
});

/// The endpoint at URL path `path` (such as `/cgi-bin/gettoken`), whatever the method: a
/// request with the wrong method is still that endpoint's, and its check says so.
pub fn route(path: &str) -> Option<&'static Route> {
    BY_PATH.get(path).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use wecom_rooms::SCHEMAS;

    #[test]
    fn every_endpoint_is_routed_by_its_path_alone() {
        let gettoken = route("/cgi-bin/gettoken").expect("gettoken is routed");
        assert_eq!(gettoken.endpoint.method, "GET");
        assert_eq!(gettoken.request.name, "gettoken/request");
        assert_eq!(gettoken.response.name, "gettoken/response");
        let with_endpoint = SCHEMAS.iter().filter(|e| e.endpoint.is_some()).count();
        assert_eq!(BY_PATH.len(), with_endpoint);
        assert!(route("/cgi-bin/gettoken/").is_none());
        assert!(route("/cgi-bin/meeting/rooms/nope").is_none());
    }
}
