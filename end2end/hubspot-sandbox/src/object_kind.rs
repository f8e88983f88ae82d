//! The CRM object types the sandbox stores, their names in paths, and the dates and default
//! properties HubSpot gives each.

use crate::errors::ApiError;

/// The object types the sandbox stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ObjectKind {
    Contact,
    Company,
    Meeting,
}

const CONTACT_DEFAULTS: &[&str] = &[
    "createdate",
    "email",
    "firstname",
    "hs_object_id",
    "lastmodifieddate",
    "lastname",
];
const COMPANY_DEFAULTS: &[&str] = &["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"];
const MEETING_DEFAULTS: &[&str] = &["hs_createdate", "hs_lastmodifieddate", "hs_object_id"];

impl ObjectKind {
    pub(crate) const ALL: [Self; 3] = [Self::Contact, Self::Company, Self::Meeting];

    /// Reads a path's object type as HubSpot does: plural, singular or the numeric type id.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| {
            name.eq_ignore_ascii_case(kind.plural())
                || name.eq_ignore_ascii_case(kind.singular())
                || name == kind.type_id()
        })
    }

    /// Like [`ObjectKind::parse`], answering an unknown name as HubSpot does.
    pub(crate) fn from_path(name: &str) -> Result<Self, ApiError> {
        Self::parse(name).ok_or_else(|| ApiError::Validation(format!("Unable to infer object type from: {name}")))
    }

    /// The name in `/crm/objects/2026-03/{name}`, and the key of read associations.
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Self::Contact => "contacts",
            Self::Company => "companies",
            Self::Meeting => "meetings",
        }
    }

    pub(crate) fn singular(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::Company => "company",
            Self::Meeting => "meeting",
        }
    }

    /// HubSpot's object type id (`0-1`, …), as the associations API reports it.
    pub(crate) fn type_id(self) -> &'static str {
        match self {
            Self::Contact => "0-1",
            Self::Company => "0-2",
            Self::Meeting => "0-47",
        }
    }

    /// The date property HubSpot sets on creation (contacts and engagements name it differently).
    pub(crate) fn created_property(self) -> &'static str {
        match self {
            Self::Contact | Self::Company => "createdate",
            Self::Meeting => "hs_createdate",
        }
    }

    pub(crate) fn modified_property(self) -> &'static str {
        match self {
            Self::Contact => "lastmodifieddate",
            Self::Company | Self::Meeting => "hs_lastmodifieddate",
        }
    }

    /// What a read returns when the caller names no properties.
    pub(crate) fn default_properties(self) -> &'static [&'static str] {
        match self {
            Self::Contact => CONTACT_DEFAULTS,
            Self::Company => COMPANY_DEFAULTS,
            Self::Meeting => MEETING_DEFAULTS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_types_in_plural_singular_or_by_id() {
        assert_eq!(ObjectKind::parse("companies"), Some(ObjectKind::Company));
        assert_eq!(ObjectKind::parse("Contact"), Some(ObjectKind::Contact));
        assert_eq!(ObjectKind::parse("0-47"), Some(ObjectKind::Meeting));
        assert_eq!(ObjectKind::parse("deals"), None);
        assert!(ObjectKind::from_path("deals").is_err());
    }

    #[test]
    fn companies_date_properties_follow_hubspot() {
        assert_eq!(ObjectKind::Company.created_property(), "createdate");
        assert_eq!(ObjectKind::Company.modified_property(), "hs_lastmodifieddate");
        assert_eq!(ObjectKind::Contact.modified_property(), "lastmodifieddate");
    }
}
