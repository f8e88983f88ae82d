//! How written property values are checked and normalised the way HubSpot does, by each property's
//! registered type (numbers, options, booleans, dates, datetimes; emails lowercased), and how search
//! compares them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::errors::PropertyIssue;
use crate::object_kind::ObjectKind;
use crate::property_registry::{PropertyDef, PropertyType, Registry};
use crate::state::iso;
use crate::value_formats::{is_decimal, normalise_email, parse_date, parse_datetime};

/// Property writes: `None` clears the property.
pub(crate) type Changes = BTreeMap<String, Option<String>>;

/// Checks a `properties` object from a create, update or upsert body and returns the normalised
/// writes, or every problem found (HubSpot lists them all in one error).
pub(crate) fn check(
    registry: &Registry,
    kind: ObjectKind,
    input: &Map<String, Value>,
) -> Result<Changes, Vec<PropertyIssue>> {
    let mut changes = Changes::new();
    let mut issues = Vec::new();
    for (name, value) in input {
        let Some(def) = registry.find(kind, name) else {
            issues.push(PropertyIssue::new(
                name,
                "PROPERTY_DOESNT_EXIST",
                format!("Property \"{name}\" does not exist"),
            ));
            continue;
        };
        if def.is_read_only() {
            let message = format!("\"{name}\" is a read only property; its value cannot be set.");
            issues.push(PropertyIssue::new(name, "READ_ONLY_VALUE", message));
            continue;
        }
        match value {
            Value::Null => {
                changes.insert(name.clone(), None);
            }
            Value::String(raw) => match normalise(def, raw) {
                Ok(normalised) => {
                    changes.insert(name.clone(), normalised);
                }
                Err(issue) => issues.push(issue),
            },
            // HUBSPOT.md: property values are strings; the sandbox refuses anything else so a
            // client that sends a bare number or boolean finds out in tests.
            _ => issues.push(PropertyIssue::new(
                name,
                "INVALID_TYPE",
                format!("Property \"{name}\" must be sent as a JSON string, got {value}"),
            )),
        }
    }
    if issues.is_empty() { Ok(changes) } else { Err(issues) }
}

/// Issue for a required property that is missing.
pub(crate) fn required(name: &str) -> PropertyIssue {
    PropertyIssue::new(name, "REQUIRED_PROPERTY", format!("Property \"{name}\" is required"))
}

/// Normalises one string value; `Ok(None)` means "clear" (HubSpot treats `""` that way).
fn normalise(def: &PropertyDef, raw: &str) -> Result<Option<String>, PropertyIssue> {
    if raw.is_empty() {
        return Ok(None);
    }
    let name = def.name.as_str();
    let issue = |error, message| PropertyIssue::new(name, error, message);
    let value = match def.value_type {
        PropertyType::Datetime => parse_datetime(raw).map(iso).ok_or_else(|| {
            let message = format!("{raw} is not a valid datetime: use ISO 8601 or milliseconds since the epoch");
            issue("INVALID_DATETIME", message)
        })?,
        PropertyType::Date => parse_date(raw)
            .map(|date| date.format("%Y-%m-%d").to_string())
            .map_err(|message| issue("INVALID_DATE", message))?,
        PropertyType::Number if is_decimal(raw) => raw.to_owned(),
        PropertyType::Number => return Err(issue("INVALID_NUMBER", format!("\"{raw}\" is not a valid number"))),
        PropertyType::Bool if raw == "true" || raw == "false" => raw.to_owned(),
        PropertyType::Bool => {
            let message = format!("\"{raw}\" is not a valid boolean: use true or false");
            return Err(issue("INVALID_BOOLEAN", message));
        }
        PropertyType::Enumeration => check_options(def, raw).map_err(|message| issue("INVALID_OPTION", message))?,
        PropertyType::String | PropertyType::PhoneNumber => {
            normalise_text(name, raw).map_err(|(error, message)| issue(error, message))?
        }
    };
    Ok(Some(value))
}

/// Every value (`;`-separated for multi-select) must be one of the options, compared exactly.
fn check_options(def: &PropertyDef, raw: &str) -> Result<String, String> {
    let values: Vec<&str> = if def.is_multi_select() {
        raw.split(';').collect()
    } else {
        vec![raw]
    };
    match values
        .iter()
        .find(|value| !def.option_values().any(|option| option == **value))
    {
        Some(bad) => {
            let allowed: Vec<&str> = def.option_values().collect();
            Err(format!(
                "{bad} was not one of the allowed options: [{}]",
                allowed.join(", ")
            ))
        }
        None => Ok(raw.to_owned()),
    }
}

/// The few text properties HubSpot checks or normalises by name.
fn normalise_text(name: &str, raw: &str) -> Result<String, (&'static str, String)> {
    match name {
        "email" => normalise_email(raw).ok_or_else(|| ("INVALID_EMAIL", format!("Email address {raw} is invalid"))),
        // Company domains are matched case-insensitively; storing them lowercased keeps that visible.
        "domain" => Ok(raw.trim().to_lowercase()),
        "hubspot_owner_id" if !raw.bytes().all(|b| b.is_ascii_digit()) => {
            Err(("INVALID_OWNER_ID", format!("{raw} is not a valid owner id")))
        }
        _ => Ok(raw.to_owned()),
    }
}

/// Whether a stored value equals a filter value, the way HubSpot's `EQ` compares: datetimes by
/// instant and dates by day whichever form either side uses, numbers by value, text
/// case-insensitively.
pub(crate) fn values_equal(def: Option<&PropertyDef>, stored: &str, wanted: &str) -> bool {
    let same = match def.map(|def| def.value_type) {
        Some(PropertyType::Datetime) => parse_datetime(stored).zip(parse_datetime(wanted)).map(|(a, b)| a == b),
        Some(PropertyType::Date) => parse_date(stored)
            .ok()
            .zip(parse_date(wanted).ok())
            .map(|(a, b)| a == b),
        Some(PropertyType::Number) => stored
            .parse::<f64>()
            .ok()
            .zip(wanted.parse::<f64>().ok())
            .map(|(a, b)| a == b),
        _ => None,
    };
    same.unwrap_or_else(|| stored.to_lowercase() == wanted.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    fn registry() -> Registry {
        Registry::new(&["slotline_source".to_owned()])
    }

    fn issues(kind: ObjectKind, input: Value) -> Vec<String> {
        check(&registry(), kind, &props(input))
            .err()
            .unwrap_or_default()
            .iter()
            .map(|issue| format!("{issue:?}"))
            .collect()
    }

    fn written(kind: ObjectKind, name: &str, value: &str) -> Option<String> {
        let changes = check(&registry(), kind, &props(json!({name: value}))).unwrap_or_default();
        changes.get(name).cloned().flatten()
    }

    #[test]
    fn unknown_and_read_only_properties_are_refused_together() {
        let input = json!({"foo": "1", "createdate": "2026-01-01T00:00:00Z", "firstname": "Jane"});
        assert_eq!(issues(ObjectKind::Contact, input).len(), 2);
        let calculated = issues(ObjectKind::Company, json!({"num_associated_contacts": "3"}));
        assert!(calculated[0].contains("READ_ONLY_VALUE"), "{calculated:?}");
    }

    #[test]
    fn registered_extra_contact_properties_are_accepted() {
        let input = json!({"slotline_source": "booking"});
        assert!(issues(ObjectKind::Contact, input.clone()).is_empty());
        assert_eq!(issues(ObjectKind::Meeting, input).len(), 1);
    }

    #[test]
    fn emails_and_domains_are_lowercased_and_datetimes_normalised() {
        assert_eq!(
            written(ObjectKind::Contact, "email", "Jane@Example.COM").as_deref(),
            Some("jane@example.com")
        );
        assert_eq!(
            written(ObjectKind::Company, "domain", "Acme.EXAMPLE").as_deref(),
            Some("acme.example")
        );
        assert_eq!(
            written(
                ObjectKind::Meeting,
                "hs_meeting_start_time",
                "2026-11-23T10:00:00+01:00"
            )
            .as_deref(),
            Some("2026-11-23T09:00:00.000Z")
        );
        assert!(written(ObjectKind::Meeting, "hs_timestamp", "1795000000000").is_some_and(|v| v.ends_with('Z')));
    }

    #[test]
    fn non_string_values_and_bad_options_are_refused() {
        let input = json!({"hs_meeting_outcome": "CANCELLED", "hubspot_owner_id": 12});
        assert_eq!(issues(ObjectKind::Meeting, input).len(), 2);
        let lead = issues(ObjectKind::Contact, json!({"hs_lead_status": "In Progress"}));
        assert!(lead[0].contains("INVALID_OPTION"), "labels are not values: {lead:?}");
    }

    #[test]
    fn numbers_and_dates_are_checked_and_dates_stored_as_days() {
        assert_eq!(
            written(ObjectKind::Company, "annualrevenue", "-3.5").as_deref(),
            Some("-3.5")
        );
        let number = issues(ObjectKind::Company, json!({"numberofemployees": "1e5"}));
        assert!(number[0].contains("INVALID_NUMBER"), "{number:?}");
        let date = |raw| written(ObjectKind::Contact, "date_of_birth", raw);
        assert_eq!(date("638928000000").as_deref(), Some("1990-04-01"));
        let not_midnight = issues(ObjectKind::Contact, json!({"date_of_birth": "638928000001"}));
        assert!(not_midnight[0].contains("INVALID_DATE"), "{not_midnight:?}");
    }

    #[test]
    fn multi_select_takes_semicolon_separated_options() {
        let roles = "CHAMPION;DECISION_MAKER";
        assert_eq!(
            written(ObjectKind::Contact, "hs_buying_role", roles).as_deref(),
            Some(roles)
        );
        assert_eq!(
            issues(ObjectKind::Contact, json!({"hs_buying_role": "CHAMPION;BOSS"})).len(),
            1
        );
        assert_eq!(
            issues(ObjectKind::Contact, json!({"hs_buying_role": "CHAMPION;"})).len(),
            1
        );
        // A single-select property does not split on `;`.
        assert_eq!(
            issues(ObjectKind::Contact, json!({"numemployees": "1-5;5-25"})).len(),
            1
        );
        assert_eq!(
            written(ObjectKind::Contact, "numemployees", "1000+").as_deref(),
            Some("1000+")
        );
    }

    #[test]
    fn booleans_are_true_or_false() {
        assert_eq!(
            written(ObjectKind::Company, "is_public", "true").as_deref(),
            Some("true")
        );
        for bad in ["TRUE", "yes", "1"] {
            let found = issues(ObjectKind::Company, json!({"is_public": bad}));
            assert!(found[0].contains("INVALID_BOOLEAN"), "{bad}: {found:?}");
        }
    }

    #[test]
    fn equality_follows_the_property_type() {
        let registry = registry();
        let def = |kind, name| registry.find(kind, name);
        assert!(values_equal(
            def(ObjectKind::Meeting, "hs_timestamp"),
            "2026-11-23T09:00:00.000Z",
            "2026-11-23T10:00:00+01:00"
        ));
        assert!(values_equal(
            def(ObjectKind::Contact, "date_of_birth"),
            "1990-04-01",
            "638928000000"
        ));
        assert!(values_equal(
            def(ObjectKind::Company, "annualrevenue"),
            "1000",
            "1000.0"
        ));
        let email = def(ObjectKind::Contact, "email");
        assert!(values_equal(email, "jane@example.com", "JANE@example.com"));
        assert!(!values_equal(email, "jane@example.com", "john@example.com"));
    }
}
