//! Which properties each object type has, and how written values are checked and normalised the way
//! HubSpot does (emails lowercased, datetimes as ISO 8601 UTC, enumerations checked).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::errors::PropertyIssue;
use crate::state::iso;

/// The object types the sandbox stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectKind {
    Contact,
    Meeting,
}

const CONTACT_WRITABLE: &[&str] = &[
    "email",
    "firstname",
    "lastname",
    "phone",
    "company",
    "jobtitle",
    "website",
    "lifecyclestage",
];
const CONTACT_READ_ONLY: &[&str] = &["hs_object_id", "createdate", "lastmodifieddate"];
const CONTACT_DEFAULTS: &[&str] = &[
    "createdate",
    "email",
    "firstname",
    "hs_object_id",
    "lastmodifieddate",
    "lastname",
];

const MEETING_WRITABLE: &[&str] = &[
    "hs_timestamp",
    "hs_meeting_title",
    "hs_meeting_body",
    "hs_meeting_start_time",
    "hs_meeting_end_time",
    "hs_meeting_outcome",
    "hs_meeting_location",
    "hs_meeting_external_url",
    "hs_internal_meeting_notes",
    "hubspot_owner_id",
];
const MEETING_READ_ONLY: &[&str] = &["hs_object_id", "hs_createdate", "hs_lastmodifieddate"];
const MEETING_DEFAULTS: &[&str] = &["hs_createdate", "hs_lastmodifieddate", "hs_object_id"];

const DATETIME_PROPERTIES: &[&str] = &["hs_timestamp", "hs_meeting_start_time", "hs_meeting_end_time"];
/// HubSpot's default outcomes (portals may add custom ones; the sandbox's portal has none).
const MEETING_OUTCOMES: &[&str] = &["SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED"];
const LIFECYCLE_STAGES: &[&str] = &[
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
];

/// Property writes: `None` clears the property.
pub(crate) type Changes = BTreeMap<String, Option<String>>;

impl ObjectKind {
    /// The date property HubSpot sets on creation (contacts and engagements name it differently).
    pub(crate) fn created_property(self) -> &'static str {
        match self {
            Self::Contact => "createdate",
            Self::Meeting => "hs_createdate",
        }
    }

    pub(crate) fn modified_property(self) -> &'static str {
        match self {
            Self::Contact => "lastmodifieddate",
            Self::Meeting => "hs_lastmodifieddate",
        }
    }

    /// What a read returns when the caller names no properties.
    pub(crate) fn default_properties(self) -> &'static [&'static str] {
        match self {
            Self::Contact => CONTACT_DEFAULTS,
            Self::Meeting => MEETING_DEFAULTS,
        }
    }

    fn writable(self) -> &'static [&'static str] {
        match self {
            Self::Contact => CONTACT_WRITABLE,
            Self::Meeting => MEETING_WRITABLE,
        }
    }

    fn read_only(self) -> &'static [&'static str] {
        match self {
            Self::Contact => CONTACT_READ_ONLY,
            Self::Meeting => MEETING_READ_ONLY,
        }
    }

    /// Whether the portal has this property (readable, filterable) for this object type.
    pub(crate) fn has_property(self, name: &str, extra_contact: &[String]) -> bool {
        self.writable().contains(&name)
            || self.read_only().contains(&name)
            || (self == Self::Contact && extra_contact.iter().any(|extra| extra == name))
    }
}

/// Checks a `properties` object from a create or update body and returns the normalised writes,
/// or every problem found (HubSpot lists them all in one error).
pub(crate) fn check(
    kind: ObjectKind,
    input: &Map<String, Value>,
    extra_contact: &[String],
) -> Result<Changes, Vec<PropertyIssue>> {
    let mut changes = Changes::new();
    let mut issues = Vec::new();
    for (name, value) in input {
        if !kind.has_property(name, extra_contact) {
            issues.push(PropertyIssue::new(
                name,
                "PROPERTY_DOESNT_EXIST",
                format!("Property \"{name}\" does not exist"),
            ));
            continue;
        }
        if kind.read_only().contains(&name.as_str()) {
            let message = format!("\"{name}\" is a read only property; its value cannot be set.");
            issues.push(PropertyIssue::new(name, "READ_ONLY_VALUE", message));
            continue;
        }
        match value {
            Value::Null => {
                changes.insert(name.clone(), None);
            }
            Value::String(raw) => match normalise(name, raw) {
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
fn normalise(name: &str, raw: &str) -> Result<Option<String>, PropertyIssue> {
    if raw.is_empty() {
        return Ok(None);
    }
    if name == "email" {
        return normalise_email(raw)
            .map(Some)
            .ok_or_else(|| PropertyIssue::new(name, "INVALID_EMAIL", format!("Email address {raw} is invalid")));
    }
    if DATETIME_PROPERTIES.contains(&name) {
        return parse_datetime(raw).map(|at| Some(iso(at))).ok_or_else(|| {
            let message = format!("{raw} is not a valid datetime: use ISO 8601 or milliseconds since the epoch");
            PropertyIssue::new(name, "INVALID_DATETIME", message)
        });
    }
    let options = match name {
        "hs_meeting_outcome" => MEETING_OUTCOMES,
        "lifecyclestage" => LIFECYCLE_STAGES,
        _ => &[],
    };
    if !options.is_empty() && !options.contains(&raw) {
        let message = format!("{raw} was not one of the allowed options: [{}]", options.join(", "));
        return Err(PropertyIssue::new(name, "INVALID_OPTION", message));
    }
    if name == "hubspot_owner_id" && !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PropertyIssue::new(
            name,
            "INVALID_OWNER_ID",
            format!("{raw} is not a valid owner id"),
        ));
    }
    Ok(Some(raw.to_owned()))
}

/// Lowercases an email address if it looks like one (one `@`, non-empty parts, a dot in the domain).
pub(crate) fn normalise_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace);
    plausible.then_some(email)
}

/// Reads ISO 8601 (with offset) or milliseconds since the epoch, as HubSpot accepts both.
pub(crate) fn parse_datetime(raw: &str) -> Option<DateTime<Utc>> {
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse::<i64>().ok().and_then(DateTime::from_timestamp_millis);
    }
    DateTime::parse_from_rfc3339(raw).ok().map(|at| at.to_utc())
}

/// Whether a stored value of `name` equals a filter value, the way HubSpot's `EQ` compares
/// (case-insensitively; datetimes by instant whichever form either side uses).
pub(crate) fn values_equal(name: &str, stored: &str, wanted: &str) -> bool {
    if DATETIME_PROPERTIES.contains(&name)
        && let (Some(a), Some(b)) = (parse_datetime(stored), parse_datetime(wanted))
    {
        return a == b;
    }
    stored.to_lowercase() == wanted.to_lowercase()
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

    #[test]
    fn unknown_and_read_only_properties_are_refused_together() {
        let input = props(json!({"foo": "1", "createdate": "2026-01-01T00:00:00Z", "firstname": "Jane"}));
        let issues = check(ObjectKind::Contact, &input, &[]).err().unwrap_or_default();
        let errors: Vec<String> = issues.iter().map(|issue| format!("{issue:?}")).collect();
        assert_eq!(issues.len(), 2, "{errors:?}");
    }

    #[test]
    fn registered_extra_contact_properties_are_accepted() {
        let input = props(json!({"slotline_source": "booking"}));
        assert!(check(ObjectKind::Contact, &input, &["slotline_source".to_owned()]).is_ok());
        assert!(check(ObjectKind::Meeting, &input, &["slotline_source".to_owned()]).is_err());
    }

    #[test]
    fn emails_are_lowercased_and_datetimes_normalised() {
        let input = props(json!({"email": "Jane@Example.COM"}));
        let changes = check(ObjectKind::Contact, &input, &[]).unwrap_or_default();
        assert_eq!(changes.get("email"), Some(&Some("jane@example.com".to_owned())));

        let input =
            props(json!({"hs_timestamp": "1795000000000", "hs_meeting_start_time": "2026-11-23T10:00:00+01:00"}));
        let changes = check(ObjectKind::Meeting, &input, &[]).unwrap_or_default();
        assert_eq!(
            changes.get("hs_meeting_start_time"),
            Some(&Some("2026-11-23T09:00:00.000Z".to_owned()))
        );
        assert!(matches!(changes.get("hs_timestamp"), Some(Some(v)) if v.ends_with('Z')));
    }

    #[test]
    fn non_string_values_and_bad_options_are_refused() {
        let input = props(json!({"hs_meeting_outcome": "CANCELLED", "hubspot_owner_id": 12}));
        assert_eq!(
            check(ObjectKind::Meeting, &input, &[]).err().map(|issues| issues.len()),
            Some(2)
        );
    }

    #[test]
    fn datetimes_compare_by_instant() {
        assert!(values_equal(
            "hs_timestamp",
            "2026-11-23T09:00:00.000Z",
            "2026-11-23T10:00:00+01:00"
        ));
        assert!(values_equal("email", "jane@example.com", "JANE@example.com"));
        assert!(!values_equal("email", "jane@example.com", "john@example.com"));
    }
}
