//! Request accounting for rate-limit tests: how many authenticated `/crm` calls each endpoint got,
//! how many were searches, and the most non-search calls seen in any rolling ten seconds (HubSpot's
//! ten-secondly window excludes search), in real time like the rate limit itself.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::sandbox::Sandbox;

/// HubSpot's ten-secondly window.
const WINDOW: Duration = Duration::from_secs(10);
/// Path parameters naming an object type; the others (ids) stay placeholders in endpoint names.
const TYPE_PARAMETERS: [&str; 3] = ["{object_type}", "{from_type}", "{to_type}"];

#[derive(Default)]
pub(crate) struct RequestStats {
    recent: VecDeque<Instant>,
    max_per_window: usize,
    searches: u64,
    by_endpoint: BTreeMap<String, u64>,
}

impl RequestStats {
    pub(crate) fn count(&mut self, endpoint: String, search: bool, now: Instant) {
        *self.by_endpoint.entry(endpoint).or_default() += 1;
        if search {
            self.searches += 1;
            return;
        }
        while self.recent.front().is_some_and(|&at| now.duration_since(at) >= WINDOW) {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        self.max_per_window = self.max_per_window.max(self.recent.len());
    }

    /// The most non-search calls in any rolling ten seconds.
    pub(crate) fn max_per_10s(&self) -> usize {
        self.max_per_window
    }

    pub(crate) fn searches(&self) -> u64 {
        self.searches
    }

    /// Calls per endpoint, e.g. `"POST /crm/objects/2026-03/contacts/batch/read"` or
    /// `"GET /crm/objects/2026-03/contacts/{id}"`.
    pub(crate) fn by_endpoint(&self) -> &BTreeMap<String, u64> {
        &self.by_endpoint
    }
}

/// Counts every authenticated `/crm` call, whether or not the rate limit then refuses it.
pub(crate) async fn count(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let template = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(path, MatchedPath::as_str);
    let endpoint = format!("{} {}", request.method(), endpoint_name(template, path));
    let search = path.ends_with("/search");
    sandbox.lock().stats.count(endpoint, search, Instant::now());
    next.run(request).await
}

/// The route template with object types filled in from the path, ids left as placeholders.
fn endpoint_name(template: &str, path: &str) -> String {
    let segments: Vec<&str> = template
        .split('/')
        .zip(path.split('/'))
        .map(|(template, actual)| {
            if TYPE_PARAMETERS.contains(&template) {
                actual
            } else {
                template
            }
        })
        .collect();
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_named_by_type_with_ids_left_out() {
        assert_eq!(
            endpoint_name(
                "/crm/objects/2026-03/{object_type}/{id}",
                "/crm/objects/2026-03/contacts/1001"
            ),
            "/crm/objects/2026-03/contacts/{id}"
        );
        assert_eq!(
            endpoint_name(
                "/crm/associations/2026-03/{from_type}/{to_type}/batch/create",
                "/crm/associations/2026-03/contacts/companies/batch/create"
            ),
            "/crm/associations/2026-03/contacts/companies/batch/create"
        );
    }

    #[test]
    fn the_busiest_ten_seconds_are_remembered_and_searches_counted_apart() {
        let mut stats = RequestStats::default();
        let start = Instant::now();
        for second in [0, 1, 2, 9] {
            stats.count("GET x".to_owned(), false, start + Duration::from_secs(second));
        }
        stats.count("POST s".to_owned(), true, start + Duration::from_secs(9));
        for second in [12, 13] {
            stats.count("GET x".to_owned(), false, start + Duration::from_secs(second));
        }
        assert_eq!(stats.max_per_10s(), 4);
        assert_eq!(stats.searches(), 1);
        assert_eq!(stats.by_endpoint().get("GET x"), Some(&6));
    }
}
