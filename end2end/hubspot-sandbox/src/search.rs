//! `POST …/{objectType}/search` for contacts, companies and meetings: filter groups (OR) of filters
//! (AND), sorts and offset paging, over what the index has seen — writes younger than the search lag
//! are not visible yet.

use std::cmp::Ordering;

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_kind::ObjectKind;
use crate::objects::{Selection, StoredObject, Version};
use crate::properties::values_equal;
use crate::property_registry::{PropertyDef, Registry};
use crate::sandbox::Sandbox;
use crate::state::earlier;

const MAX_LIMIT: usize = 200;
const MAX_RESULTS: usize = 10_000;
const MAX_GROUPS: usize = 5;
const MAX_FILTERS: usize = 6;
/// The spec marks these required; HubSpot.md says always send all four.
const REQUIRED_FIELDS: [&str; 4] = ["after", "limit", "properties", "sorts"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchBody {
    #[serde(default)]
    filter_groups: Vec<FilterGroup>,
    #[serde(default)]
    properties: Vec<String>,
    limit: u64,
    after: Value,
    #[serde(default)]
    sorts: Vec<SortInput>,
    query: Option<String>,
}

#[derive(Deserialize)]
struct FilterGroup {
    #[serde(default)]
    filters: Vec<Filter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Filter {
    property_name: String,
    operator: String,
    value: Option<Value>,
    #[serde(default)]
    values: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SortInput {
    Name(String),
    Spec {
        #[serde(rename = "propertyName")]
        property_name: String,
        direction: Option<String>,
    },
}

pub(crate) async fn search_objects(
    State(sandbox): State<Sandbox>,
    Path(object_type): Path<String>,
    HubJson(body): HubJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let kind = ObjectKind::from_path(&object_type)?;
    search(&sandbox, kind, body).map(Json)
}

fn search(sandbox: &Sandbox, kind: ObjectKind, body: Value) -> Result<Value, ApiError> {
    let missing: Vec<&str> = REQUIRED_FIELDS
        .into_iter()
        .filter(|field| body.get(field).is_none_or(Value::is_null))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Validation(format!(
            "Search requests must include after, limit, properties and sorts; missing: {}",
            missing.join(", ")
        )));
    }
    let body: SearchBody = serde_json::from_value(body)
        .map_err(|error| ApiError::Validation(format!("Invalid search request: {error}")))?;
    let registry = sandbox.registry();
    check_shape(&body, kind, registry)?;
    let offset = parse_after(&body.after)?;
    let limit = body.limit as usize;

    let state = sandbox.lock();
    let cutoff = earlier(state.now(), sandbox.config().search_lag);
    let mut hits: Vec<(&StoredObject, &Version)> = Vec::new();
    for object in state.objects.all(kind) {
        if let Some(version) = object.indexed_version(cutoff)
            && passes_groups(&body.filter_groups, version, registry, kind)?
        {
            hits.push((object, version));
        }
    }
    sort(&mut hits, &body.sorts);

    let total = hits.len();
    let results: Vec<Value> = hits
        .iter()
        .skip(offset)
        .take(limit)
        .map(|(object, version)| object.version_json(kind, version, Selection::Requested(&body.properties)))
        .collect();
    let mut response = json!({"total": total, "results": results});
    if offset + limit < total.min(MAX_RESULTS) {
        response["paging"] = json!({"next": {"after": (offset + limit).to_string()}});
    }
    Ok(response)
}

fn check_shape(body: &SearchBody, kind: ObjectKind, registry: &Registry) -> Result<(), ApiError> {
    if body.query.is_some() {
        return Err(ApiError::Validation(
            "The sandbox does not support free-text search (query)".to_owned(),
        ));
    }
    if body.limit == 0 || body.limit > MAX_LIMIT as u64 {
        return Err(ApiError::Validation(format!("limit must be between 1 and {MAX_LIMIT}")));
    }
    if body.filter_groups.len() > MAX_GROUPS
        || body
            .filter_groups
            .iter()
            .any(|group| group.filters.len() > MAX_FILTERS || group.filters.is_empty())
    {
        return Err(ApiError::Validation(format!(
            "Use at most {MAX_GROUPS} filter groups of 1 to {MAX_FILTERS} filters each"
        )));
    }
    let filtered = body
        .filter_groups
        .iter()
        .flat_map(|group| &group.filters)
        .map(|filter| &filter.property_name);
    for name in filtered {
        if registry.find(kind, name).is_none() {
            return Err(ApiError::Validation(format!("Property \"{name}\" does not exist")));
        }
    }
    Ok(())
}

fn parse_after(after: &Value) -> Result<usize, ApiError> {
    let offset = match after {
        Value::String(text) => text.parse::<usize>().ok(),
        Value::Number(number) => number.as_u64().and_then(|n| usize::try_from(n).ok()),
        _ => None,
    };
    match offset {
        Some(offset) if offset < MAX_RESULTS => Ok(offset),
        Some(_) => Err(ApiError::Validation(format!(
            "Search can page through at most {MAX_RESULTS} results"
        ))),
        None => Err(ApiError::Validation(format!(
            "after must be a paging cursor such as \"0\", got {after}"
        ))),
    }
}

/// Whether a version passes the filter groups (any group whose filters all pass; no groups: all).
fn passes_groups(
    groups: &[FilterGroup],
    version: &Version,
    registry: &Registry,
    kind: ObjectKind,
) -> Result<bool, ApiError> {
    if groups.is_empty() {
        return Ok(true);
    }
    for group in groups {
        let mut all = true;
        for filter in &group.filters {
            all &= passes(filter, version, registry.find(kind, &filter.property_name))?;
        }
        if all {
            return Ok(true);
        }
    }
    Ok(false)
}

fn passes(filter: &Filter, version: &Version, def: Option<&PropertyDef>) -> Result<bool, ApiError> {
    let stored = version.properties.get(&filter.property_name).map(String::as_str);
    let wanted = filter.value.as_ref().map(value_text);
    let equal = |wanted: &str| stored.is_some_and(|stored| values_equal(def, stored, wanted));
    let need_value = || {
        wanted
            .clone()
            .ok_or_else(|| ApiError::Validation(format!("Operator {} needs a value", filter.operator)))
    };
    Ok(match filter.operator.as_str() {
        "EQ" => equal(&need_value()?),
        "NEQ" => !equal(&need_value()?),
        "IN" => filter.values.iter().map(value_text).any(|wanted| equal(&wanted)),
        "NOT_IN" => !filter.values.iter().map(value_text).any(|wanted| equal(&wanted)),
        "HAS_PROPERTY" => stored.is_some(),
        "NOT_HAS_PROPERTY" => stored.is_none(),
        other => {
            return Err(ApiError::Validation(format!(
                "Operator {other} is not supported by the sandbox (EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY)"
            )));
        }
    })
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Sorts by the given properties (numbers numerically), then by id; default is id order.
fn sort(hits: &mut [(&StoredObject, &Version)], sorts: &[SortInput]) {
    let keys: Vec<(&str, bool)> = sorts
        .iter()
        .map(|sort| match sort {
            SortInput::Name(name) => (name.as_str(), false),
            SortInput::Spec {
                property_name,
                direction,
            } => (property_name.as_str(), direction.as_deref() == Some("DESCENDING")),
        })
        .collect();
    hits.sort_by(|(a_object, a), (b_object, b)| {
        keys.iter()
            .map(|(name, descending)| {
                let order = compare(a.properties.get(*name), b.properties.get(*name));
                if *descending { order.reverse() } else { order }
            })
            .find(|order| order.is_ne())
            .unwrap_or_else(|| compare(Some(&a_object.id), Some(&b_object.id)))
    });
}

fn compare(a: Option<&String>, b: Option<&String>) -> Ordering {
    match (
        a.and_then(|a| a.parse::<f64>().ok()),
        b.and_then(|b| b.parse::<f64>().ok()),
    ) {
        (Some(a), Some(b)) => a.total_cmp(&b),
        _ => a.cmp(&b),
    }
}
