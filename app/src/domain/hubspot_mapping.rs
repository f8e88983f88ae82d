//! HubSpot property mapping: which property of a contact or company each
//! piece of booking information fills, and how a value is made to fit the
//! property's type before it is sent. A value that cannot fit is left out
//! and named, never sent for HubSpot to refuse the whole contact.
use crate::domain::questions::{Answer, Question, YES_NO};
use crate::domain::{QuestionId, TimeZoneName};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The HubSpot objects a booking fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrmObject {
    Contacts,
    Companies,
}

impl CrmObject {
    pub const ALL: [Self; 2] = [Self::Contacts, Self::Companies];

    /// HubSpot's object type, as in its paths.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contacts => "contacts",
            Self::Companies => "companies",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|object| object.as_str() == raw)
    }

    /// The property every contact is keyed by and that no row can take.
    pub fn fixed_property(self) -> Option<&'static str> {
        match self {
            Self::Contacts => Some("email"),
            Self::Companies => None,
        }
    }
}

/// A piece of booking information a property can be filled from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Information {
    /// The invitee's answer to one of the event type's questions.
    Question(QuestionId),
    FullName,
    FirstName,
    LastName,
    Email,
    Phone,
    Notes,
    TimeZone,
    StartTime,
    EventName,
    /// The part of the invitee's e-mail after `@`, lower-cased.
    EmailDomain,
}

const QUESTION_PREFIX: &str = "question:";

impl Information {
    /// Everything that is not a question, in the order the settings list it.
    pub const FIXED: [Self; 10] = [
        Self::FullName,
        Self::FirstName,
        Self::LastName,
        Self::Email,
        Self::Phone,
        Self::Notes,
        Self::TimeZone,
        Self::StartTime,
        Self::EventName,
        Self::EmailDomain,
    ];

    /// How the choice is stored and submitted.
    pub fn key(&self) -> String {
        match self {
            Self::Question(id) => format!("{QUESTION_PREFIX}{id}"),
            fixed => fixed.fixed_key().to_owned(),
        }
    }

    fn fixed_key(&self) -> &'static str {
        match self {
            Self::Question(_) => QUESTION_PREFIX,
            Self::FullName => "full_name",
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Notes => "notes",
            Self::TimeZone => "time_zone",
            Self::StartTime => "start_time",
            Self::EventName => "event_name",
            Self::EmailDomain => "email_domain",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        let key = key.trim();
        if let Some(id) = key.strip_prefix(QUESTION_PREFIX) {
            return (!id.is_empty()).then(|| Self::Question(QuestionId::from(id)));
        }
        Self::FIXED.into_iter().find(|fixed| fixed.fixed_key() == key)
    }

    /// What the settings call it; a question by its wording.
    pub fn label(&self, questions: &[Question]) -> String {
        let fixed = match self {
            Self::Question(id) => {
                return questions
                    .iter()
                    .find(|q| &q.id == id)
                    .map_or_else(|| "A deleted question".to_owned(), |q| format!("Question: {}", q.label));
            }
            Self::FullName => "Full name",
            Self::FirstName => "First name",
            Self::LastName => "Last name",
            Self::Email => "E-mail",
            Self::Phone => "Phone",
            Self::Notes => "Notes",
            Self::TimeZone => "Invitee's time zone",
            Self::StartTime => "Start time",
            Self::EventName => "Event type's name",
            Self::EmailDomain => "E-mail's domain",
        };
        fixed.to_owned()
    }
}

/// The property types a mapping can write (HubSpot's `type`); anything
/// else HubSpot may invent is not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyType {
    String,
    Number,
    Enumeration,
    Date,
    Datetime,
    Bool,
    PhoneNumber,
}

impl PropertyType {
    pub fn parse(hubspot_type: &str) -> Option<Self> {
        Some(match hubspot_type {
            "string" => Self::String,
            "number" => Self::Number,
            "enumeration" => Self::Enumeration,
            "date" => Self::Date,
            "datetime" => Self::Datetime,
            "bool" => Self::Bool,
            "phone_number" => Self::PhoneNumber,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::String => "text",
            Self::Number => "number",
            Self::Enumeration => "options",
            Self::Date => "date",
            Self::Datetime => "date and time",
            Self::Bool => "yes or no",
            Self::PhoneNumber => "phone number",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyOption {
    pub label: String,
    pub value: String,
}

/// A writable HubSpot property, as its portal describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyDef {
    pub name: String,
    pub label: String,
    pub kind: PropertyType,
    /// An enumeration that takes several options (HubSpot's checkboxes).
    pub multiple: bool,
    /// The options of an enumeration, hidden ones left out.
    pub options: Vec<PropertyOption>,
}

/// One "property ← information" row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub object: CrmObject,
    pub property: String,
    pub source: Information,
    /// For a choice question: each of its options → an enumeration value.
    pub choices: BTreeMap<String, String>,
}

/// A value left out of a sync, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{property}: {reason}")]
pub struct Skipped {
    pub property: String,
    pub reason: String,
}

impl Skipped {
    pub fn new(property: &str, reason: impl Into<String>) -> Self {
        Self {
            property: property.to_owned(),
            reason: reason.into(),
        }
    }
}

/// What a booking tells about its invitee, for filling properties.
#[derive(Debug, Clone)]
pub struct BookingFacts<'a> {
    pub full_name: &'a str,
    pub first_name: &'a str,
    pub last_name: Option<&'a str>,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub time_zone: TimeZoneName,
    pub start: DateTime<Utc>,
    pub event_name: &'a str,
    pub answers: &'a [Answer],
}

impl BookingFacts<'_> {
    /// The e-mail's domain, lower-cased.
    pub fn email_domain(&self) -> Option<String> {
        let (_, domain) = self.email.rsplit_once('@')?;
        let domain = domain.trim().to_lowercase();
        (!domain.is_empty()).then_some(domain)
    }

    /// The information as text, or `None` when the booking has none.
    fn text(&self, source: &Information) -> Option<String> {
        let text = match source {
            Information::Question(id) => self
                .answers
                .iter()
                .find(|answer| &answer.question_id == id)
                .map(|answer| answer.value.clone()),
            Information::FullName => Some(self.full_name.to_owned()),
            Information::FirstName => Some(self.first_name.to_owned()),
            Information::LastName => self.last_name.map(str::to_owned),
            Information::Email => Some(self.email.to_owned()),
            Information::Phone => self.phone.map(str::to_owned),
            Information::Notes => self.notes.map(str::to_owned),
            Information::TimeZone => Some(self.time_zone.name().to_owned()),
            Information::StartTime => Some(self.start.to_rfc3339_opts(SecondsFormat::Millis, true)),
            Information::EventName => Some(self.event_name.to_owned()),
            Information::EmailDomain => self.email_domain(),
        };
        text.filter(|t| !t.trim().is_empty())
    }

    /// The start's calendar date where the invitee is.
    fn start_date(&self) -> NaiveDate {
        self.start.with_timezone(&self.time_zone.tz()).date_naive()
    }

    /// The value `mapping` sends to `property`: `Ok(None)` when the booking
    /// has nothing for it, `Err` when what it has does not fit the type.
    pub fn value_for(&self, mapping: &Mapping, property: &PropertyDef) -> Result<Option<String>, Skipped> {
        let Some(text) = self.text(&mapping.source) else {
            return Ok(None);
        };
        let text = text.trim();
        let skip = |reason: String| Skipped::new(&property.name, reason);
        let value = match property.kind {
            PropertyType::String | PropertyType::PhoneNumber => text.to_owned(),
            PropertyType::Number => number(text).ok_or_else(|| skip(format!("\"{text}\" is not a number")))?,
            PropertyType::Bool => yes_or_no(text).ok_or_else(|| skip(format!("\"{text}\" is not yes or no")))?,
            PropertyType::Date => match mapping.source {
                Information::StartTime => self.start_date().format("%Y-%m-%d").to_string(),
                _ => date(text)
                    .ok_or_else(|| skip(format!("\"{text}\" is not a date")))?
                    .format("%Y-%m-%d")
                    .to_string(),
            },
            PropertyType::Datetime => match mapping.source {
                Information::StartTime => text.to_owned(),
                _ => date(text)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|midnight| midnight.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true))
                    .ok_or_else(|| skip(format!("\"{text}\" is not a date")))?,
            },
            PropertyType::Enumeration => enumeration(text, mapping, property).map_err(skip)?,
        };
        Ok(Some(value))
    }
}

/// A number as HubSpot takes it: plain decimal notation, no units or separators.
fn number(text: &str) -> Option<String> {
    let shaped = !text.is_empty()
        && text
            .strip_prefix('-')
            .unwrap_or(text)
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && text.chars().filter(|c| *c == '.').count() <= 1
        && text.chars().any(|c| c.is_ascii_digit());
    shaped.then(|| text.to_owned())
}

fn yes_or_no(text: &str) -> Option<String> {
    if text.eq_ignore_ascii_case(YES_NO[0]) || text.eq_ignore_ascii_case("true") {
        Some("true".to_owned())
    } else if text.eq_ignore_ascii_case(YES_NO[1]) || text.eq_ignore_ascii_case("false") {
        Some("false".to_owned())
    } else {
        None
    }
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Each part of an answer (several options come one per line) as one of the
/// property's option values: by the row's choice mapping, else by value or
/// label; several join with `;`, HubSpot's separator.
fn enumeration(text: &str, mapping: &Mapping, property: &PropertyDef) -> Result<String, String> {
    let parts: Vec<&str> = text.lines().map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 && !property.multiple {
        return Err(format!(
            "\"{}\" holds several answers but takes one option",
            property.label
        ));
    }
    let values = parts
        .iter()
        .map(|part| {
            let wanted = mapping.choices.get(*part).map_or(*part, String::as_str);
            property
                .options
                .iter()
                .find(|o| o.value == wanted)
                .or_else(|| property.options.iter().find(|o| o.label.eq_ignore_ascii_case(wanted)))
                .map(|o| o.value.clone())
                .ok_or_else(|| format!("\"{part}\" is not one of the options of \"{}\"", property.label))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(values.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(answers: &'a [Answer]) -> BookingFacts<'a> {
        BookingFacts {
            full_name: "Ada Lovelace",
            first_name: "Ada",
            last_name: Some("Lovelace"),
            email: "Ada@Acme.Example",
            phone: None,
            notes: None,
            time_zone: TimeZoneName::parse("Asia/Tokyo").unwrap(),
            start: "2026-12-04T20:00:00Z".parse().unwrap(),
            event_name: "Intro call",
            answers,
        }
    }

    fn property(kind: PropertyType, options: &[(&str, &str)]) -> PropertyDef {
        PropertyDef {
            name: "prop".into(),
            label: "Prop".into(),
            kind,
            multiple: false,
            options: options
                .iter()
                .map(|(label, value)| PropertyOption {
                    label: (*label).into(),
                    value: (*value).into(),
                })
                .collect(),
        }
    }

    fn answer(value: &str) -> Vec<Answer> {
        vec![Answer {
            question_id: QuestionId::from("q1"),
            question: "Q".into(),
            value: value.into(),
        }]
    }

    fn from_question(choices: &[(&str, &str)]) -> Mapping {
        Mapping {
            object: CrmObject::Contacts,
            property: "prop".into(),
            source: Information::Question(QuestionId::from("q1")),
            choices: choices.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect(),
        }
    }

    #[test]
    fn information_keys_round_trip() {
        for info in Information::FIXED {
            assert_eq!(Information::parse(&info.key()), Some(info));
        }
        let question = Information::Question(QuestionId::from("abc"));
        assert_eq!(Information::parse(&question.key()), Some(question));
        assert_eq!(Information::parse("question:"), None);
        assert_eq!(Information::parse("shoe_size"), None);
    }

    #[test]
    fn numbers_must_be_number_shaped() {
        let numbers = property(PropertyType::Number, &[]);
        for (given, sent) in [("50", Some("50")), ("-3.5", Some("-3.5")), (" 12 ", Some("12"))] {
            let answers = answer(given);
            assert_eq!(
                facts(&answers)
                    .value_for(&from_question(&[]), &numbers)
                    .unwrap()
                    .as_deref(),
                sent
            );
        }
        for bad in ["about 50", "1,000", "5e3", "-", "."] {
            let answers = answer(bad);
            let skipped = facts(&answers).value_for(&from_question(&[]), &numbers).unwrap_err();
            assert_eq!(skipped.property, "prop");
            assert!(skipped.reason.contains(bad), "{skipped}");
        }
    }

    #[test]
    fn choices_map_option_by_option_then_by_value_or_label() {
        let stages = property(
            PropertyType::Enumeration,
            &[("In Progress", "IN_PROGRESS"), ("New", "NEW")],
        );
        let mapped = from_question(&[("Just looking", "NEW")]);
        for (given, sent) in [("Just looking", "NEW"), ("in progress", "IN_PROGRESS"), ("NEW", "NEW")] {
            let answers = answer(given);
            assert_eq!(
                facts(&answers).value_for(&mapped, &stages).unwrap().as_deref(),
                Some(sent)
            );
        }
        let answers = answer("Other");
        assert!(facts(&answers).value_for(&mapped, &stages).is_err());
        let answers = answer("New\nIn Progress");
        assert!(facts(&answers).value_for(&mapped, &stages).is_err());
        let several = PropertyDef {
            multiple: true,
            ..stages
        };
        assert_eq!(
            facts(&answers).value_for(&mapped, &several).unwrap().as_deref(),
            Some("NEW;IN_PROGRESS")
        );
    }

    #[test]
    fn dates_and_booleans_take_hubspot_s_forms() {
        let start = Mapping {
            source: Information::StartTime,
            ..from_question(&[])
        };
        // 20:00 UTC is already the next day in Tokyo.
        assert_eq!(
            facts(&[])
                .value_for(&start, &property(PropertyType::Date, &[]))
                .unwrap()
                .as_deref(),
            Some("2026-12-05")
        );
        assert_eq!(
            facts(&[])
                .value_for(&start, &property(PropertyType::Datetime, &[]))
                .unwrap()
                .as_deref(),
            Some("2026-12-04T20:00:00.000Z")
        );
        let yes = answer("Yes");
        assert_eq!(
            facts(&yes)
                .value_for(&from_question(&[]), &property(PropertyType::Bool, &[]))
                .unwrap()
                .as_deref(),
            Some("true")
        );
    }

    #[test]
    fn missing_information_sends_nothing_and_the_domain_is_lower_cased() {
        let phone = Mapping {
            source: Information::Phone,
            ..from_question(&[])
        };
        let text = property(PropertyType::String, &[]);
        assert_eq!(facts(&[]).value_for(&phone, &text), Ok(None));
        let domain = Mapping {
            source: Information::EmailDomain,
            ..from_question(&[])
        };
        assert_eq!(
            facts(&[]).value_for(&domain, &text).unwrap().as_deref(),
            Some("acme.example")
        );
    }
}
