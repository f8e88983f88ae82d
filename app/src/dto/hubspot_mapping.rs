//! What the event type's HubSpot settings show: the rows of each object,
//! the portal's properties to choose from and the information to fill them.
use crate::domain::hubspot_mapping::{CrmObject, PropertyDef, PropertyOption};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HubspotMappingDto {
    pub event_type_id: String,
    /// Whether the team's HubSpot is connected; without it only the rows show.
    pub connected: bool,
    /// Why the portal's properties could not be listed, if so.
    pub problem: Option<String>,
    /// When HubSpot listed the properties, in the viewer's zone.
    pub listed_at: Option<String>,
    pub sync_on: bool,
    pub create_companies: bool,
    /// Companies are on but the connection lacks their scopes.
    pub companies_need_reconnect: bool,
    /// Every piece of booking information: its key and label.
    pub sources: Vec<(String, String)>,
    pub objects: Vec<ObjectMappingDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectMappingDto {
    pub object: CrmObject,
    /// "Contacts" or "Companies".
    pub label: String,
    /// The portal's writable properties, by label; empty when not listed.
    pub properties: Vec<PropertyDef>,
    pub rows: Vec<MappingRowDto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingRowDto {
    /// Its place among the object's rows, which addresses it.
    pub position: u32,
    pub property: String,
    pub property_label: String,
    pub source_label: String,
    /// A choice question mapped to an enumeration: each of its options and
    /// the property option it fills (blank: matched by label).
    pub choices: Vec<(String, String)>,
    /// The property's options when it is an enumeration.
    pub options: Vec<PropertyOption>,
}
