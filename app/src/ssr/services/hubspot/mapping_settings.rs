//! An event type's HubSpot settings as its host edits them: rows added and
//! removed one at a time, each property checked against the portal's own
//! list, a choice question's options mapped one by one, companies on or off.
use super::connection_of_team;
use super::mappings::{self, can_use_companies};
use crate::domain::EventTypeId;
use crate::domain::hubspot_mapping::{CrmObject, Information, Mapping, PropertyDef, PropertyType};
use crate::domain::questions::Question;
use crate::dto::{HubspotMappingDto, MappingRowDto, ObjectMappingDto};
use crate::error::AppError;
use crate::ssr::context::AppState;
use crate::ssr::entities::{event_type, integration_connection as connection, user};
use crate::ssr::services::{FieldErrors, event_types, questions};
use crate::ssr::time_fmt::moment_in;
use sea_orm::{ActiveModelTrait, Set};
use std::collections::BTreeMap;

/// Rows per object: far more than a booking form has answers.
const MAX_ROWS: usize = 50;

/// Why a property cannot take a row of its own, if so.
fn reserved(object: CrmObject, property: &str) -> Option<&'static str> {
    match (object, property) {
        (CrmObject::Contacts, "email") => Some("The invitee’s e-mail always fills the contact’s email."),
        (CrmObject::Companies, "domain") => Some("The e-mail’s domain always fills the company’s domain."),
        _ => None,
    }
}

/// The portal's properties of `object`, or why they are not available.
async fn portal_properties(
    state: &AppState,
    found: Option<&connection::Model>,
    object: CrmObject,
    refresh: bool,
) -> Result<Result<(Vec<PropertyDef>, chrono::DateTime<chrono::Utc>), String>, AppError> {
    let (Some(found), Some(source)) = (found, state.hubspot_properties.as_deref()) else {
        return Ok(Err(
            "Connect HubSpot on the Integrations page to choose its properties.".to_owned(),
        ));
    };
    if object == CrmObject::Companies && !can_use_companies(&found.scopes) {
        return Ok(Err(
            "Connect HubSpot again to let Slotline read and write companies: an owner or admin follows “Allow companies” below."
                .to_owned(),
        ));
    }
    let fetch = source.fetch(found, object);
    Ok(mappings::properties(&state.db, &found.id, object, refresh, fetch).await?)
}

fn row_dto(position: u32, row: &Mapping, property: Option<&PropertyDef>, questions: &[Question]) -> MappingRowDto {
    let choice_question = match &row.source {
        Information::Question(id) => questions.iter().find(|q| &q.id == id && q.kind.has_options()),
        _ => None,
    };
    let options = property
        .filter(|p| p.kind == PropertyType::Enumeration)
        .map(|p| p.options.clone())
        .unwrap_or_default();
    let choices = match choice_question {
        Some(question) if !options.is_empty() => question
            .options
            .iter()
            .map(|option| (option.clone(), row.choices.get(option).cloned().unwrap_or_default()))
            .collect(),
        _ => Vec::new(),
    };
    MappingRowDto {
        position,
        property: row.property.clone(),
        property_label: property.map_or_else(|| row.property.clone(), |p| p.label.clone()),
        source_label: row.source.label(questions),
        choices,
        options,
    }
}

/// The settings as the host sees them; `refresh` asks HubSpot for its properties again.
pub async fn show(
    state: &AppState,
    host: &user::Model,
    event_type_id: &EventTypeId,
    refresh: bool,
) -> Result<HubspotMappingDto, AppError> {
    let event = event_types::find_own(&state.db, host, event_type_id).await?;
    let questions = questions::for_event(&state.db, &event.id).await?;
    let rows = mappings::of_event(&state.db, &event.id).await?;
    let found = connection_of_team(&state.db, &host.team_id).await?;
    let mut problem = None;
    let mut listed_at = None;
    let mut objects = Vec::new();
    for object in CrmObject::ALL {
        let properties = match portal_properties(state, found.as_ref(), object, refresh).await? {
            Ok((list, at)) => {
                listed_at = Some(moment_in(host.zone(), at));
                list
            }
            Err(why) => {
                problem.get_or_insert(why);
                Vec::new()
            }
        };
        let object_rows = rows
            .iter()
            .filter(|row| row.object == object)
            .zip(0..)
            .map(|(row, position)| {
                let property = properties.iter().find(|p| p.name == row.property);
                row_dto(position, row, property, &questions)
            })
            .collect();
        objects.push(ObjectMappingDto {
            object,
            label: match object {
                CrmObject::Contacts => "Contacts",
                CrmObject::Companies => "Companies",
            }
            .to_owned(),
            properties: properties
                .into_iter()
                .filter(|p| reserved(object, &p.name).is_none())
                .collect(),
            rows: object_rows,
        });
    }
    let companies = event.hubspot_companies || rows.iter().any(|r| r.object == CrmObject::Companies);
    let mut sources: Vec<(String, String)> = questions
        .iter()
        .map(|q| {
            let info = Information::Question(q.id.clone());
            (info.key(), info.label(&questions))
        })
        .collect();
    sources.extend(
        Information::FIXED
            .iter()
            .map(|info| (info.key(), info.label(&questions))),
    );
    Ok(HubspotMappingDto {
        event_type_id: event.id.to_string(),
        connected: found.is_some(),
        problem,
        listed_at,
        sync_on: event.hubspot_sync,
        create_companies: event.hubspot_companies,
        companies_need_reconnect: companies && found.as_ref().is_some_and(|c| !can_use_companies(&c.scopes)),
        sources,
        objects,
    })
}

fn object_of(raw: &str) -> Result<CrmObject, AppError> {
    CrmObject::parse(raw.trim()).ok_or_else(|| AppError::field("object", "Choose contacts or companies."))
}

/// Adds the row "`property` ← `source`" at the end of `object`'s rows.
pub async fn add_row(
    state: &AppState,
    host: &user::Model,
    event_type_id: &EventTypeId,
    object: &str,
    property: &str,
    source: &str,
) -> Result<(), AppError> {
    let event = event_types::find_own(&state.db, host, event_type_id).await?;
    let object = object_of(object)?;
    let questions = questions::for_event(&state.db, &event.id).await?;
    let mut rows = mappings::of_event(&state.db, &event.id).await?;
    let mut errors = FieldErrors::default();
    let property = property.trim();
    let source = Information::parse(source).filter(|info| match info {
        Information::Question(id) => questions.iter().any(|q| &q.id == id),
        _ => true,
    });
    if source.is_none() {
        errors.push("source", "Choose the booking information that fills the property.");
    }
    if property.is_empty() {
        errors.push("property", "Choose a HubSpot property.");
    } else if let Some(why) = reserved(object, property) {
        errors.push("property", why);
    } else if rows.iter().any(|r| r.object == object && r.property == property) {
        errors.push(
            "property",
            "This property already has a row; remove that row to change it.",
        );
    } else if rows.iter().filter(|r| r.object == object).count() >= MAX_ROWS {
        errors.push("property", format!("An object takes at most {MAX_ROWS} rows."));
    } else {
        let found = connection_of_team(&state.db, &host.team_id).await?;
        match portal_properties(state, found.as_ref(), object, false).await? {
            Ok((list, _)) if list.iter().any(|p| p.name == property) => {}
            Ok(_) => errors.push(
                "property",
                "Choose one of the portal’s writable properties (Refresh the list if it is new).",
            ),
            Err(why) => errors.push("property", why),
        }
    }
    errors.into_result()?;
    let Some(source) = source else {
        return Err(AppError::Internal);
    };
    rows.push(Mapping {
        object,
        property: property.to_owned(),
        source,
        choices: BTreeMap::new(),
    });
    Ok(mappings::replace(&state.db, &event.id, &rows).await?)
}

/// The index in all rows of `object`'s row at `position`.
fn index_of(rows: &[Mapping], object: CrmObject, position: u32) -> Result<usize, AppError> {
    rows.iter()
        .enumerate()
        .filter(|(_, row)| row.object == object)
        .nth(position as usize)
        .map(|(index, _)| index)
        .ok_or(AppError::NotFound)
}

pub async fn remove_row(
    state: &AppState,
    host: &user::Model,
    event_type_id: &EventTypeId,
    object: &str,
    position: u32,
) -> Result<(), AppError> {
    let event = event_types::find_own(&state.db, host, event_type_id).await?;
    let mut rows = mappings::of_event(&state.db, &event.id).await?;
    rows.remove(index_of(&rows, object_of(object)?, position)?);
    Ok(mappings::replace(&state.db, &event.id, &rows).await?)
}

/// Maps a choice question's options to the enumeration's: `choices` holds,
/// by the option's place in the question, the property option it fills; a
/// blank one leaves that option to match by label.
pub async fn save_choices(
    state: &AppState,
    host: &user::Model,
    event_type_id: &EventTypeId,
    object: &str,
    position: u32,
    choices: BTreeMap<String, String>,
) -> Result<(), AppError> {
    let event = event_types::find_own(&state.db, host, event_type_id).await?;
    let questions = questions::for_event(&state.db, &event.id).await?;
    let mut rows = mappings::of_event(&state.db, &event.id).await?;
    let index = index_of(&rows, object_of(object)?, position)?;
    let options = match &rows[index].source {
        Information::Question(id) => questions
            .iter()
            .find(|q| &q.id == id && q.kind.has_options())
            .map(|q| q.options.clone()),
        _ => None,
    }
    .ok_or_else(|| AppError::field("choices", "Only a choice question's options can be matched."))?;
    rows[index].choices = choices
        .into_iter()
        .filter_map(|(place, value)| {
            let option = options.get(place.trim().parse::<usize>().ok()?)?;
            let value = value.trim();
            (!value.is_empty()).then(|| (option.clone(), value.to_owned()))
        })
        .collect();
    Ok(mappings::replace(&state.db, &event.id, &rows).await?)
}

/// Whether every booking of the event type makes a company, rows or not.
pub async fn set_create_companies(
    state: &AppState,
    host: &user::Model,
    event_type_id: &EventTypeId,
    on: bool,
) -> Result<(), AppError> {
    let event = event_types::find_own(&state.db, host, event_type_id).await?;
    let mut model: event_type::ActiveModel = event.into();
    model.hubspot_companies = Set(on);
    model.update(&state.db).await?;
    Ok(())
}
