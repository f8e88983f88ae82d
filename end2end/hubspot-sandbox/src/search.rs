//! `POST …/{objectType}/search` for contacts, companies and meetings: filter groups (OR) of filters
//! (AND, with equality, presence and range operators), sorts and offset paging up to HubSpot's
//! 10,000 results, over what the index has seen — writes younger than the search lag are not
//! visible yet, and archived or merged-away objects stay listed until their change is indexed.

use std::cmp::Ordering;

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::json::HubJson;
use crate::object_kind::ObjectKind;
use crate::objects::{Selection, StoredObject, Version};
use crate::ordering::{as_number, is_ordered};
use crate::properties::values_equal;
use crate::property_registry::{PropertyDef, PropertyType, Registry};
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
    /// The upper bound of `BETWEEN` (`value` is the lower one); both inclusive.
    high_value: Option<Value>,
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
    if offset + limit > MAX_RESULTS {
        return Err(ApiError::Validation(format!(
            "Search can page through at most {MAX_RESULTS} results: after ({offset}) plus limit ({limit}) \
             goes past them. Narrow the filters (e.g. by lastmodifieddate or hs_object_id) instead"
        )));
    }

    let state = sandbox.lock();
    let cutoff = earlier(state.now(), sandbox.config().search_lag);
    let mut hits: Vec<Hit<'_>> = Vec::new();
    for object in state.objects.all(kind) {
        if let Some(version) = object.indexed_version(cutoff)
            && version.listed
            && passes_groups(&body.filter_groups, version, registry, kind)?
        {
            hits.push(Hit { object, version });
        }
    }
    let hits = sort(hits, &body.sorts, registry, kind);

    let total = hits.len();
    let results: Vec<Value> = hits
        .iter()
        .skip(offset)
        .take(limit)
        .map(|hit| {
            hit.object
                .version_json(kind, hit.version, Selection::Requested(&body.properties))
        })
        .collect();
    let mut response = json!({"total": total, "results": results});
    if offset + limit < total.min(MAX_RESULTS) {
        response["paging"] = json!({"next": {"after": (offset + limit).to_string()}});
    }
    Ok(response)
}

/// An object as the index sees it.
struct Hit<'a> {
    object: &'a StoredObject,
    version: &'a Version,
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
    for filter in body.filter_groups.iter().flat_map(|group| &group.filters) {
        let name = &filter.property_name;
        let Some(def) = registry.find(kind, name) else {
            return Err(ApiError::Validation(format!("Property \"{name}\" does not exist")));
        };
        check_filter(filter, Some(def))?;
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
        "GT" | "GTE" | "LT" | "LTE" | "BETWEEN" => in_range(filter, stored, def)?,
        other => {
            return Err(ApiError::Validation(format!(
                "Operator {other} is not supported by the sandbox (EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, \
                 NOT_HAS_PROPERTY, GT, GTE, LT, LTE, BETWEEN)"
            )));
        }
    })
}

/// The range operators, for number, date and datetime properties only; an unset value is never in
/// range.
fn in_range(filter: &Filter, stored: Option<&str>, def: Option<&PropertyDef>) -> Result<bool, ApiError> {
    let range = Range::of(filter, def)?;
    let Some(stored) = stored.and_then(|stored| as_number(Some(range.value_type), stored)) else {
        return Ok(false);
    };
    Ok(match filter.operator.as_str() {
        "GT" => stored > range.low,
        "GTE" => stored >= range.low,
        "LT" => stored < range.low,
        "LTE" => stored <= range.low,
        _ => (range.low..=range.high).contains(&stored),
    })
}

/// A range filter's bounds as numbers (`high` is `low` unless the operator is `BETWEEN`).
struct Range {
    value_type: PropertyType,
    low: f64,
    high: f64,
}

impl Range {
    fn of(filter: &Filter, def: Option<&PropertyDef>) -> Result<Self, ApiError> {
        let name = &filter.property_name;
        let operator = filter.operator.as_str();
        let Some(value_type) = def
            .map(|def| def.value_type)
            .filter(|&value_type| is_ordered(value_type))
        else {
            return Err(ApiError::Validation(format!(
                "Operator {operator} needs a number, date or datetime property; {name} is not one"
            )));
        };
        let bound = |value: Option<&Value>, field: &str| {
            let text = value
                .map(value_text)
                .ok_or_else(|| ApiError::Validation(format!("Operator {operator} needs a {field}")))?;
            as_number(Some(value_type), &text).ok_or_else(|| {
                ApiError::Validation(format!(
                    "{text} is not a valid {field} for {name}: use a number, or for dates and datetimes \
                     epoch milliseconds or ISO 8601"
                ))
            })
        };
        let low = bound(filter.value.as_ref(), "value")?;
        let high = if operator == "BETWEEN" {
            bound(filter.high_value.as_ref(), "highValue")?
        } else {
            low
        };
        Ok(Self { value_type, low, high })
    }
}

/// Refuses a filter HubSpot would refuse whatever the portal holds: an unknown operator, a missing
/// value, a range over text or a bound that is not a number or instant.
fn check_filter(filter: &Filter, def: Option<&PropertyDef>) -> Result<(), ApiError> {
    match filter.operator.as_str() {
        "EQ" | "NEQ" if filter.value.is_none() => Err(ApiError::Validation(format!(
            "Operator {} needs a value",
            filter.operator
        ))),
        "EQ" | "NEQ" | "IN" | "NOT_IN" | "HAS_PROPERTY" | "NOT_HAS_PROPERTY" => Ok(()),
        "GT" | "GTE" | "LT" | "LTE" | "BETWEEN" => Range::of(filter, def).map(|_| ()),
        other => Err(ApiError::Validation(format!(
            "Operator {other} is not supported by the sandbox (EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, \
             NOT_HAS_PROPERTY, GT, GTE, LT, LTE, BETWEEN)"
        ))),
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Sorts by the given properties (numbers by value, dates and datetimes by instant, other text as
/// written), then by id; default is id order. Each hit's keys are worked out once: a seeded portal
/// sorts ten thousand hits.
fn sort<'a>(hits: Vec<Hit<'a>>, sorts: &[SortInput], registry: &Registry, kind: ObjectKind) -> Vec<Hit<'a>> {
    let specs: Vec<(&str, bool, Option<PropertyType>)> = sorts
        .iter()
        .map(|sort| {
            let (name, descending) = match sort {
                SortInput::Name(name) => (name.as_str(), false),
                SortInput::Spec {
                    property_name,
                    direction,
                } => (property_name.as_str(), direction.as_deref() == Some("DESCENDING")),
            };
            let value_type = registry.find(kind, name).map(|def| def.value_type);
            (name, descending, value_type)
        })
        .collect();
    let mut keyed: Vec<(Vec<SortKey<'a>>, u64, Hit<'a>)> = hits
        .into_iter()
        .map(|hit| {
            let keys = specs
                .iter()
                .map(|(name, _, value_type)| {
                    let raw = hit.version.properties.get(*name).map(String::as_str);
                    SortKey {
                        number: raw.and_then(|raw| as_number(*value_type, raw)),
                        raw,
                    }
                })
                .collect();
            (keys, hit.object.id.parse().unwrap_or_default(), hit)
        })
        .collect();
    keyed.sort_by(|(a_keys, a_id, _), (b_keys, b_id, _)| {
        a_keys
            .iter()
            .zip(b_keys)
            .zip(&specs)
            .map(|((a, b), (_, descending, _))| {
                let order = a.compare(b);
                if *descending { order.reverse() } else { order }
            })
            .find(|order| order.is_ne())
            .unwrap_or_else(|| a_id.cmp(b_id))
    });
    keyed.into_iter().map(|(_, _, hit)| hit).collect()
}

/// One sort property of one hit: compared as numbers when both are, else as text (unset first).
struct SortKey<'a> {
    number: Option<f64>,
    raw: Option<&'a str>,
}

impl SortKey<'_> {
    fn compare(&self, other: &Self) -> Ordering {
        match (self.number, other.number) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            _ => self.raw.cmp(&other.raw),
        }
    }
}
