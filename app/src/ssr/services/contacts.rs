//! A team's contacts: everyone who booked, plus people added by hand.
use super::{FieldErrors, unique_or};
use crate::domain::{ContactId, Email, Notes, PersonName, TeamId};
use crate::dto::{ContactDto, ContactForm};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{booking, contact, user};
use crate::ssr::outbox::{ContactChange, DomainEvent, publish};
use crate::ssr::phone::Phone;
use crate::ssr::time_fmt::iso;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

pub fn to_dto(model: contact::Model) -> ContactDto {
    ContactDto {
        id: model.id,
        name: model.name,
        email: model.email,
        phone: model.phone,
        company: model.company,
        source: model.source,
        created_at: iso(model.created_at),
    }
}

/// A contact after an upsert, and whether the upsert created it.
pub struct Upserted {
    pub model: contact::Model,
    pub created: bool,
}

/// Creates the team's contact for an invitee, or fills in what an existing
/// one lacks: what the contact already holds (a host may have typed it in)
/// is never overwritten by what an invitee typed into a booking form.
pub async fn upsert_from_booking(
    db: &impl ConnectionTrait,
    team_id: &TeamId,
    email: &Email,
    name: &PersonName,
    phone: Option<&Phone>,
) -> Result<Upserted, DbErr> {
    let now = Utc::now();
    let id = ContactId::generate();
    let row = contact::ActiveModel {
        id: Set(id.clone()),
        team_id: Set(team_id.to_owned()),
        email: Set(email.as_str().to_owned()),
        name: Set(name.as_str().to_owned()),
        phone: Set(phone.map(|p| p.as_str().to_owned())),
        company: Set(None),
        notes: Set(None),
        source: Set("booking".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    contact::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([contact::Column::TeamId, contact::Column::Email])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let mut contact = contact::Entity::find()
        .filter(contact::Column::TeamId.eq(team_id))
        .filter(contact::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("the contact just upserted".to_owned()))?;
    let fill_name = contact.name.trim().is_empty();
    let fill_phone = phone.is_some() && contact.phone.as_deref().is_none_or(|p| p.trim().is_empty());
    if contact.id != id && (fill_name || fill_phone) {
        let mut model: contact::ActiveModel = contact.into();
        if fill_name {
            model.name = Set(name.as_str().to_owned());
        }
        if fill_phone {
            model.phone = Set(phone.map(|p| p.as_str().to_owned()));
        }
        model.updated_at = Set(now);
        contact = model.update(db).await?;
    }
    // A conflict keeps the existing row's id: only a new row has ours.
    Ok(Upserted {
        created: contact.id == id,
        model: contact,
    })
}

pub async fn list(db: &DatabaseConnection, host: &user::Model) -> Result<Vec<ContactDto>, AppError> {
    let rows = contact::Entity::find()
        .filter(contact::Column::TeamId.eq(&host.team_id))
        .order_by_desc(contact::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(to_dto).collect())
}

#[tracing::instrument(skip_all)]
pub async fn create_manual(
    db: &DatabaseConnection,
    host: &user::Model,
    form: ContactForm,
) -> Result<ContactDto, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    let region = super::team::phone_region_of(db, host).await?;
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
    let now = Utc::now();
    let txn = write_transaction(db).await?;
    let model = contact::ActiveModel {
        id: Set(ContactId::generate()),
        team_id: Set(host.team_id.clone()),
        email: Set(email.into_inner()),
        name: Set(name.as_str().to_owned()),
        phone: Set(phone.map(|p| p.as_str().to_owned())),
        company: Set((!company.is_empty()).then(|| company.to_owned())),
        notes: Set(notes.map(|n| n.as_str().to_owned())),
        source: Set("manual".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(unique_or(|| {
        AppError::field("email", "A contact with this email already exists.")
    }))?;
    publish(
        &txn,
        &DomainEvent::ContactCreated(ContactChange {
            contact: &model,
            user_id: &host.id,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(to_dto(model))
}

/// How an agent names the person on the line.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// E.164.
    Phone(Phone),
    Email(Email),
}

/// The team's contact with this phone number or e-mail address. Several
/// contacts may share a phone (a family, an office): the one who booked
/// most recently is the one calling, most likely.
pub async fn lookup(db: &impl ConnectionTrait, team_id: &TeamId, by: &Lookup) -> Result<Option<contact::Model>, DbErr> {
    let query = contact::Entity::find().filter(contact::Column::TeamId.eq(team_id));
    let candidates = match by {
        Lookup::Email(email) => query.filter(contact::Column::Email.eq(email.as_str())).all(db).await?,
        Lookup::Phone(phone) => query.filter(contact::Column::Phone.eq(phone.as_str())).all(db).await?,
    };
    if candidates.len() <= 1 {
        return Ok(candidates.into_iter().next());
    }
    let mut latest: Option<(Option<chrono::DateTime<Utc>>, contact::Model)> = None;
    for candidate in candidates {
        let booked = booking::Entity::find()
            .filter(booking::Column::ContactId.eq(&candidate.id))
            .order_by_desc(booking::Column::CreatedAt)
            .one(db)
            .await?
            .map(|b| b.created_at);
        if latest.as_ref().is_none_or(|(best, _)| booked > *best) {
            latest = Some((booked, candidate));
        }
    }
    Ok(latest.map(|(_, contact)| contact))
}
