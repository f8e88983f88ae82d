//! Making and editing contacts: from a booking, by hand, and by a host's
//! edit. Each synced field's change time is kept, for two-way sync.
use crate::domain::{ContactId, Email, Notes, PersonName, TeamId};
use crate::dto::{ContactDto, ContactForm};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{contact, user};
use crate::ssr::outbox::{ContactChange, DomainEvent, publish};
use crate::ssr::phone::Phone;
use crate::ssr::services::{FieldErrors, unique_or};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TryIntoModel,
};

use super::{find, to_dto};

/// A contact after an upsert, and whether the upsert created it.
pub struct Upserted {
    pub model: contact::Model,
    pub created: bool,
}

/// A new contact row; every field counts as changed at `now`.
pub(crate) fn new_row(team_id: &TeamId, fields: Fields, source: &str, now: DateTime<Utc>) -> contact::ActiveModel {
    contact::ActiveModel {
        id: Set(ContactId::generate()),
        team_id: Set(team_id.to_owned()),
        email: Set(fields.email),
        name: Set(fields.name),
        phone: Set(fields.phone),
        company: Set(fields.company),
        notes: Set(fields.notes),
        source: Set(source.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        name_changed_at: Set(Some(now)),
        email_changed_at: Set(Some(now)),
        phone_changed_at: Set(Some(now)),
        company_changed_at: Set(Some(now)),
        archived_at: Set(None),
        lifecycle_stage: Set(None),
    }
}

/// A contact's own fields, as stored.
pub(crate) struct Fields {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
}

/// Creates the team's contact for an invitee, or fills in what an existing
/// one lacks: what the contact already holds (a host may have typed it in)
/// is never overwritten by what an invitee typed into a booking form. A
/// contact archived earlier is back once they book again. `source` is what
/// a new contact came from: `booking`, or `payment` for a paid booking.
pub async fn upsert_from_booking(
    db: &impl ConnectionTrait,
    team_id: &TeamId,
    email: &Email,
    name: &PersonName,
    phone: Option<&Phone>,
    source: &str,
) -> Result<Upserted, DbErr> {
    // As the database keeps it, since a new contact is not read back.
    let now = Utc::now().trunc_subsecs(6);
    let fields = Fields {
        name: name.as_str().to_owned(),
        email: email.as_str().to_owned(),
        phone: phone.map(|p| p.as_str().to_owned()),
        company: None,
        notes: None,
    };
    // One statement for a new contact, whose row is the one written; an
    // existing one is read after.
    let row = new_row(team_id, fields, source, now);
    let inserted = contact::Entity::insert(row.clone())
        .on_conflict(
            OnConflict::columns([contact::Column::TeamId, contact::Column::Email])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        return Ok(Upserted {
            created: true,
            model: row.try_into_model()?,
        });
    }
    let mut contact = contact::Entity::find()
        .filter(contact::Column::TeamId.eq(team_id))
        .filter(contact::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the contact just upserted".to_owned()))?;
    let fill_name = contact.name.trim().is_empty();
    let fill_phone = phone.is_some() && contact.phone.as_deref().is_none_or(|p| p.trim().is_empty());
    let unarchive = contact.archived_at.is_some();
    if fill_name || fill_phone || unarchive {
        let mut model: contact::ActiveModel = contact.into();
        if fill_name {
            model.name = Set(name.as_str().to_owned());
            model.name_changed_at = Set(Some(now));
        }
        if fill_phone {
            model.phone = Set(phone.map(|p| p.as_str().to_owned()));
            model.phone_changed_at = Set(Some(now));
        }
        model.archived_at = Set(None);
        model.updated_at = Set(now);
        contact = model.update(db).await?;
    }
    Ok(Upserted {
        created: false,
        model: contact,
    })
}

/// The form's fields, each checked; every wrong one is reported at once.
async fn parse_form(db: &DatabaseConnection, host: &user::Model, form: ContactForm) -> Result<Fields, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    let region = crate::ssr::services::team::phone_region_of(db, host).await?;
    let phone = errors.check("phone", Phone::parse_optional(&form.phone, region));
    let notes = errors.check("notes", Notes::parse_optional(&form.notes));
    let company = form.company.trim();
    if company.chars().count() > 200 {
        errors.push("company", "Keep the company to 200 characters or fewer.");
    }
    errors.into_result()?;
    let (Some(name), Some(email), Some(phone), Some(notes)) = (name, email, phone, notes) else {
        return Err(AppError::Internal);
    };
    Ok(Fields {
        name: name.as_str().to_owned(),
        email: email.into_inner(),
        phone: phone.map(Phone::into_inner),
        company: (!company.is_empty()).then(|| company.to_owned()),
        notes: notes.map(|n| n.as_str().to_owned()),
    })
}

fn taken() -> AppError {
    AppError::field("email", "A contact with this email already exists.")
}

#[tracing::instrument(skip_all)]
pub async fn create_manual(
    db: &DatabaseConnection,
    host: &user::Model,
    form: ContactForm,
) -> Result<ContactDto, AppError> {
    let fields = parse_form(db, host, form).await?;
    let txn = write_transaction(db).await?;
    let model = new_row(&host.team_id, fields, "manual", Utc::now())
        .insert(&txn)
        .await
        .map_err(unique_or(taken))?;
    publish(
        &txn,
        &[DomainEvent::ContactCreated(ContactChange {
            contact: &model,
            user_id: &host.id,
        })],
    )
    .await?;
    txn.commit().await?;
    Ok(to_dto(model))
}

/// A host's edit of a contact: each field that changed gets a new change time.
#[tracing::instrument(skip_all, fields(contact.id = %id))]
pub async fn update(
    db: &DatabaseConnection,
    host: &user::Model,
    id: &ContactId,
    form: ContactForm,
) -> Result<ContactDto, AppError> {
    let fields = parse_form(db, host, form).await?;
    let txn = write_transaction(db).await?;
    let found = find(&txn, host, id).await?;
    let now = Utc::now();
    let changed = |old: &Option<String>, new: &Option<String>| (old != new).then_some(Some(now));
    let mut model: contact::ActiveModel = found.clone().into();
    if found.name != fields.name {
        model.name_changed_at = Set(Some(now));
    }
    if found.email != fields.email {
        model.email_changed_at = Set(Some(now));
    }
    if let Some(at) = changed(&found.phone, &fields.phone) {
        model.phone_changed_at = Set(at);
    }
    if let Some(at) = changed(&found.company, &fields.company) {
        model.company_changed_at = Set(at);
    }
    model.name = Set(fields.name);
    model.email = Set(fields.email);
    model.phone = Set(fields.phone);
    model.company = Set(fields.company);
    model.notes = Set(fields.notes);
    model.updated_at = Set(now);
    let saved = model.update(&txn).await.map_err(unique_or(taken))?;
    publish(
        &txn,
        &[DomainEvent::ContactUpdated(ContactChange {
            contact: &saved,
            user_id: &host.id,
        })],
    )
    .await?;
    txn.commit().await?;
    Ok(to_dto(saved))
}
