//! The portal's typed property definitions per object type (built once per sandbox, custom contact
//! properties included), and the JSON the properties endpoint gives each.

use serde_json::{Value, json};

use crate::object_kind::ObjectKind;
use crate::portal_properties;

/// A property's value type (`type` in HubSpot's definition).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PropertyType {
    String,
    Number,
    Enumeration,
    Date,
    Datetime,
    Bool,
    PhoneNumber,
}

/// How HubSpot's UI edits a property (`fieldType`); `Checkbox` makes an enumeration multi-select.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldType {
    Text,
    Textarea,
    Number,
    Select,
    Checkbox,
    Radio,
    BooleanCheckbox,
    Date,
    PhoneNumber,
    CalculationEquation,
}

/// Who may write a property's value, and whether its definition is HubSpot's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// A HubSpot-defined property apps may write.
    Writable,
    /// A HubSpot-defined property only HubSpot sets (ids, dates, calculations).
    ReadOnly,
    /// A portal's own property (`SandboxConfig::extra_contact_properties`).
    Custom,
}

/// One enumeration option: `(value, label)`.
pub(crate) type PropertyOption = (&'static str, &'static str);

#[derive(Debug, Clone)]
pub(crate) struct PropertyDef {
    pub(crate) name: String,
    label: String,
    pub(crate) value_type: PropertyType,
    pub(crate) field_type: FieldType,
    description: &'static str,
    options: &'static [PropertyOption],
    access: Access,
}

impl PropertyType {
    fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Enumeration => "enumeration",
            Self::Date => "date",
            Self::Datetime => "datetime",
            Self::Bool => "bool",
            Self::PhoneNumber => "phone_number",
        }
    }
}

impl FieldType {
    fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Textarea => "textarea",
            Self::Number => "number",
            Self::Select => "select",
            Self::Checkbox => "checkbox",
            Self::Radio => "radio",
            Self::BooleanCheckbox => "booleancheckbox",
            Self::Date => "date",
            Self::PhoneNumber => "phonenumber",
            Self::CalculationEquation => "calculation_equation",
        }
    }
}

impl PropertyDef {
    /// A writable HubSpot-defined property without options.
    pub(crate) fn new(
        name: &str,
        label: &str,
        value_type: PropertyType,
        field_type: FieldType,
        description: &'static str,
    ) -> Self {
        Self {
            name: name.to_owned(),
            label: label.to_owned(),
            value_type,
            field_type,
            description,
            options: &[],
            access: Access::Writable,
        }
    }

    pub(crate) fn with_options(mut self, options: &'static [PropertyOption]) -> Self {
        self.options = options;
        self
    }

    pub(crate) fn read_only(mut self) -> Self {
        self.access = Access::ReadOnly;
        self
    }

    /// A portal's own single-line text property, labelled with its name.
    fn custom(name: &str) -> Self {
        let mut def = Self::new(name, name, PropertyType::String, FieldType::Text, "");
        def.access = Access::Custom;
        def
    }

    /// Whether apps may not write the value (HubSpot answers `READ_ONLY_VALUE`).
    pub(crate) fn is_read_only(&self) -> bool {
        self.access == Access::ReadOnly
    }

    /// Whether several `;`-separated options may be set at once.
    pub(crate) fn is_multi_select(&self) -> bool {
        self.value_type == PropertyType::Enumeration && self.field_type == FieldType::Checkbox
    }

    pub(crate) fn option_values(&self) -> impl Iterator<Item = &'static str> {
        self.options.iter().map(|(value, _)| *value)
    }

    /// The definition as `GET /crm/properties/2026-03/{objectType}` lists it.
    pub(crate) fn to_json(&self, kind: ObjectKind) -> Value {
        let options: Vec<Value> = self
            .options
            .iter()
            .enumerate()
            .map(|(order, (value, label))| json!({"label": label, "value": value, "hidden": false, "displayOrder": order}))
            .collect();
        let hubspot_defined = self.access != Access::Custom;
        json!({
            "name": self.name,
            "label": self.label,
            "type": self.value_type.name(),
            "fieldType": self.field_type.name(),
            "groupName": group_name(kind),
            "description": self.description,
            "options": options,
            "calculated": self.field_type == FieldType::CalculationEquation,
            "hidden": false,
            "hasUniqueValue": false,
            "modificationMetadata": {
                "archivable": !hubspot_defined,
                "readOnlyDefinition": hubspot_defined,
                "readOnlyValue": self.is_read_only(),
            },
        })
    }
}

fn group_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Contact => "contactinformation",
        ObjectKind::Company => "companyinformation",
        ObjectKind::Meeting => "meetinginformation",
    }
}

/// Every property of every object type in the sandbox's portal.
pub(crate) struct Registry {
    contacts: Vec<PropertyDef>,
    companies: Vec<PropertyDef>,
    meetings: Vec<PropertyDef>,
}

impl Registry {
    /// HubSpot's properties plus the portal's custom contact properties (built-in names win).
    pub(crate) fn new(extra_contact: &[String]) -> Self {
        let mut contacts = portal_properties::contacts();
        for name in extra_contact {
            if !contacts.iter().any(|def| def.name == *name) {
                contacts.push(PropertyDef::custom(name));
            }
        }
        Self {
            contacts,
            companies: portal_properties::companies(),
            meetings: portal_properties::meetings(),
        }
    }

    pub(crate) fn all(&self, kind: ObjectKind) -> &[PropertyDef] {
        match kind {
            ObjectKind::Contact => &self.contacts,
            ObjectKind::Company => &self.companies,
            ObjectKind::Meeting => &self.meetings,
        }
    }

    pub(crate) fn find(&self, kind: ObjectKind, name: &str) -> Option<&PropertyDef> {
        self.all(kind).iter().find(|def| def.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_contact_properties_join_the_registry_once() {
        let extra = ["slotline_source".to_owned(), "email".to_owned()];
        let registry = Registry::new(&extra);
        let custom = registry
            .find(ObjectKind::Contact, "slotline_source")
            .map(|def| def.to_json(ObjectKind::Contact));
        assert_eq!(custom.as_ref().map(|def| def["type"].clone()), Some(json!("string")));
        assert_eq!(
            custom.map(|def| def["modificationMetadata"]["archivable"].clone()),
            Some(json!(true))
        );
        assert_eq!(
            registry
                .all(ObjectKind::Contact)
                .iter()
                .filter(|def| def.name == "email")
                .count(),
            1
        );
        assert!(registry.find(ObjectKind::Company, "slotline_source").is_none());
    }

    #[test]
    fn calculated_properties_are_read_only_and_say_so() {
        let registry = Registry::new(&[]);
        let def = registry
            .find(ObjectKind::Contact, "num_associated_deals")
            .map(|def| def.to_json(ObjectKind::Contact));
        let Some(def) = def else {
            panic!("num_associated_deals is registered")
        };
        assert_eq!(def["calculated"], true);
        assert_eq!(def["fieldType"], "calculation_equation");
        assert_eq!(def["modificationMetadata"]["readOnlyValue"], true);
    }

    #[test]
    fn options_carry_labels_and_display_order() {
        let registry = Registry::new(&[]);
        let def = registry
            .find(ObjectKind::Contact, "hs_lead_status")
            .map(|def| def.to_json(ObjectKind::Contact));
        let options = def.map(|def| def["options"].clone()).unwrap_or_default();
        assert_eq!(
            options[2],
            json!({"label": "In Progress", "value": "IN_PROGRESS", "hidden": false, "displayOrder": 2})
        );
    }

    #[test]
    fn checkbox_enumerations_are_multi_select() {
        let registry = Registry::new(&[]);
        let multi = |kind, name| registry.find(kind, name).is_some_and(PropertyDef::is_multi_select);
        assert!(multi(ObjectKind::Contact, "hs_buying_role"));
        assert!(!multi(ObjectKind::Contact, "numemployees"));
        assert!(!multi(ObjectKind::Company, "is_public"));
    }
}
