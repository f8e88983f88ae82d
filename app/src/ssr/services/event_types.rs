//! Event types of a host: what invitees can book.
use super::{FieldErrors, stripe, unique_or};
use crate::domain::event_type::{DEFAULT_HORIZON_DAYS, DEFAULT_MIN_NOTICE_MIN, Durations, Scheduling};
use crate::domain::questions::PhoneField;
use crate::domain::{Currency, EventSlug, EventTypeId, Money, PersonName, UserId};
use crate::dto::{EventTypeDto, EventTypeForm};
use crate::error::AppError;
use crate::ssr::entities::{event_type, user};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

pub fn to_dto(model: &event_type::Model) -> EventTypeDto {
    EventTypeDto {
        id: model.id.clone(),
        name: model.name.clone(),
        slug: model.slug.clone(),
        duration_min: model.duration_min as u32,
        durations: durations(model).all().to_vec(),
        description: model.description.clone(),
        location: model.location.clone(),
        min_notice_min: model.min_notice_min as u32,
        horizon_days: model.horizon_days as u32,
        buffer_before_min: model.buffer_before_min as u32,
        buffer_after_min: model.buffer_after_min as u32,
        active: model.active,
        phone_field: phone_field(model),
        hubspot_sync: model.hubspot_sync,
        price: price(model),
        refund_window_hours: model.refund_window_hours.max(0) as u32,
    }
}

/// What an invitee pays to book `model`; none when it is free.
pub fn price(model: &event_type::Model) -> Option<Money> {
    let currency = Currency::parse(model.price_currency.as_deref()?).ok()?;
    Some(Money::new(model.price_amount?, currency))
}

pub fn scheduling(model: &event_type::Model) -> Scheduling {
    Scheduling {
        duration_min: model.duration_min as u32,
        min_notice_min: model.min_notice_min as u32,
        horizon_days: model.horizon_days as u32,
        buffer_before_min: model.buffer_before_min as u32,
        buffer_after_min: model.buffer_after_min as u32,
    }
}

/// The durations an invitee may choose from.
pub fn durations(model: &event_type::Model) -> Durations {
    Durations::from_stored(model.duration_min as u32, &model.durations)
}

/// A stored value outside [`PhoneField`] cannot be written by this code;
/// should one appear, asking (optionally) is the safe reading.
pub fn phone_field(model: &event_type::Model) -> PhoneField {
    PhoneField::parse(&model.phone_field).unwrap_or_default()
}

/// A validated event type form.
struct Parsed {
    name: String,
    slug: String,
    description: String,
    location: Option<String>,
    scheduling: Scheduling,
    durations: Durations,
    phone_field: PhoneField,
    /// `None`: as it is.
    hubspot_sync: Option<bool>,
    price: Option<Money>,
    refund_window_hours: u32,
}

/// The longest refund window: a year.
const MAX_REFUND_WINDOW_HOURS: u32 = 24 * 365;
const DEFAULT_REFUND_WINDOW_HOURS: u32 = 24;

fn minutes(errors: &mut FieldErrors, field: &str, raw: &str, default: u32) -> u32 {
    let raw = raw.trim();
    if raw.is_empty() {
        return default;
    }
    errors
        .check(field, raw.parse::<u32>().map_err(|_| "Enter a whole number."))
        .unwrap_or(default)
}

fn parse(form: &EventTypeForm) -> Result<Parsed, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check(
        "name",
        PersonName::parse(&form.name).map_err(|_| "Enter a name of up to 200 characters."),
    );
    let slug_raw = if form.slug.trim().is_empty() {
        crate::domain::slug::suggest(&form.name)
    } else {
        form.slug.clone()
    };
    let slug = errors.check("slug", EventSlug::parse(&slug_raw));
    let raw = Scheduling {
        duration_min: minutes(&mut errors, "duration", &form.duration, 0),
        min_notice_min: minutes(&mut errors, "min_notice", &form.min_notice, DEFAULT_MIN_NOTICE_MIN),
        horizon_days: minutes(&mut errors, "horizon", &form.horizon, DEFAULT_HORIZON_DAYS),
        buffer_before_min: minutes(&mut errors, "buffer_before", &form.buffer_before, 0),
        buffer_after_min: minutes(&mut errors, "buffer_after", &form.buffer_after, 0),
    };
    let scheduling = match Scheduling::parse(raw) {
        Ok(s) => Some(s),
        Err(list) => {
            for (field, message) in list {
                errors.push(field, message);
            }
            None
        }
    };
    let durations =
        scheduling.and_then(|s| errors.check("durations", Durations::parse(s.duration_min, &form.durations)));
    if form.description.chars().count() > 5_000 {
        errors.push("description", "Keep the description to 5,000 characters or fewer.");
    }
    let phone_field = errors.check("phone_field", PhoneField::parse(&form.phone_field));
    let hubspot_sync = match form.hubspot_sync.trim() {
        "" => None,
        "on" => Some(true),
        "off" => Some(false),
        _ => {
            errors.push("hubspot_sync", "Choose whether bookings are synced to HubSpot.");
            None
        }
    };
    let location = form.location.trim();
    if location.chars().count() > 500 {
        errors.push("location", "Keep the location to 500 characters or fewer.");
    }
    let price = parse_price(&mut errors, form);
    let refund_window_hours = minutes(
        &mut errors,
        "refund_window",
        &form.refund_window,
        DEFAULT_REFUND_WINDOW_HOURS,
    );
    if refund_window_hours > MAX_REFUND_WINDOW_HOURS {
        errors.push(
            "refund_window",
            "Keep the refund window to a year (8760 hours) or less.",
        );
    }
    errors.into_result()?;
    match (name, slug, scheduling, durations, phone_field) {
        (Some(name), Some(slug), Some(scheduling), Some(durations), Some(phone_field)) => Ok(Parsed {
            name: name.as_str().to_owned(),
            slug: slug.as_str().to_owned(),
            description: form.description.trim().to_owned(),
            location: (!location.is_empty()).then(|| location.to_owned()),
            scheduling,
            durations,
            phone_field,
            hubspot_sync,
            price: price.flatten(),
            refund_window_hours,
        }),
        _ => Err(AppError::Internal),
    }
}

/// The price field: blank is free; `Some(None)` when it parsed as free.
fn parse_price(errors: &mut FieldErrors, form: &EventTypeForm) -> Option<Option<Money>> {
    let currency = match form.currency.trim() {
        "" => Some(Currency::USD),
        raw => errors.check("currency", Currency::parse(raw)),
    }?;
    match form.price.trim() {
        "" | "0" => Some(None),
        raw => errors.check("price", Money::parse_price(raw, currency)).map(Some),
    }
}

/// Writes a parsed form onto an event type row.
fn apply(model: &mut event_type::ActiveModel, parsed: Parsed) {
    model.name = Set(parsed.name);
    model.slug = Set(parsed.slug);
    model.duration_min = Set(parsed.scheduling.duration_min as i32);
    model.durations = Set(parsed.durations.to_stored());
    model.description = Set(parsed.description);
    model.location = Set(parsed.location);
    model.min_notice_min = Set(parsed.scheduling.min_notice_min as i32);
    model.horizon_days = Set(parsed.scheduling.horizon_days as i32);
    model.buffer_before_min = Set(parsed.scheduling.buffer_before_min as i32);
    model.buffer_after_min = Set(parsed.scheduling.buffer_after_min as i32);
    model.phone_field = Set(parsed.phone_field.as_str().to_owned());
    if let Some(sync) = parsed.hubspot_sync {
        model.hubspot_sync = Set(sync);
    }
    model.price_amount = Set(parsed.price.map(|p| p.amount));
    model.price_currency = Set(parsed.price.map(|p| p.currency.code().to_owned()));
    model.refund_window_hours = Set(parsed.refund_window_hours as i32);
    model.updated_at = Set(Utc::now());
}

/// A price needs the team's Stripe to take it.
async fn require_payments(db: &DatabaseConnection, host: &user::Model, parsed: &Parsed) -> Result<(), AppError> {
    if parsed.price.is_some() && stripe::connection_of_team(db, &host.team_id).await?.is_none() {
        return Err(AppError::field(
            "price",
            "Connect Stripe under Integrations before setting a price.",
        ));
    }
    Ok(())
}

fn slug_taken() -> AppError {
    AppError::field("slug", "You already have an event type with this URL.")
}

/// Which of a host's event types a list shows, in which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Every one, by name: the API's list, the webhook filter's choices.
    ByName,
    /// Active ones first, then by name: the host's dashboard.
    ForOwner,
    /// Only the bookable ones, shortest first: the public host page.
    Bookable,
}

/// The host's event types as `listing` asks.
pub async fn list_of(
    db: &impl ConnectionTrait,
    host_id: &UserId,
    listing: Listing,
) -> Result<Vec<event_type::Model>, DbErr> {
    let query = event_type::Entity::find().filter(event_type::Column::UserId.eq(host_id));
    let query = match listing {
        Listing::ByName => query.order_by_asc(event_type::Column::Name),
        Listing::ForOwner => query
            .order_by_desc(event_type::Column::Active)
            .order_by_asc(event_type::Column::Name),
        Listing::Bookable => query
            .filter(event_type::Column::Active.eq(true))
            .order_by_asc(event_type::Column::DurationMin),
    };
    query.all(db).await
}

pub async fn list(db: &DatabaseConnection, host: &user::Model) -> Result<Vec<EventTypeDto>, AppError> {
    let rows = list_of(db, &host.id, Listing::ForOwner).await?;
    Ok(rows.iter().map(to_dto).collect())
}

/// One of the host's own event types; another host's is not found.
pub async fn find_own(
    db: &DatabaseConnection,
    host: &user::Model,
    id: &EventTypeId,
) -> Result<event_type::Model, AppError> {
    event_type::Entity::find_by_id(id)
        .filter(event_type::Column::UserId.eq(&host.id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

#[tracing::instrument(skip_all)]
pub async fn create(
    db: &DatabaseConnection,
    host: &user::Model,
    form: EventTypeForm,
) -> Result<EventTypeDto, AppError> {
    let parsed = parse(&form)?;
    require_payments(db, host, &parsed).await?;
    let now = Utc::now();
    let mut model = event_type::ActiveModel {
        id: Set(EventTypeId::generate()),
        user_id: Set(host.id.clone()),
        active: Set(true),
        hubspot_sync: Set(true),
        hubspot_companies: Set(false),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut model, parsed);
    let model = model.insert(db).await.map_err(unique_or(slug_taken))?;
    Ok(to_dto(&model))
}

#[tracing::instrument(skip_all, fields(event_type.id = %id))]
pub async fn update(
    db: &DatabaseConnection,
    host: &user::Model,
    id: &EventTypeId,
    form: EventTypeForm,
) -> Result<EventTypeDto, AppError> {
    let existing = find_own(db, host, id).await?;
    let parsed = parse(&form)?;
    require_payments(db, host, &parsed).await?;
    let mut model: event_type::ActiveModel = existing.into();
    apply(&mut model, parsed);
    let model = model.update(db).await.map_err(unique_or(slug_taken))?;
    Ok(to_dto(&model))
}

/// Deactivated event types stay with their bookings but take no new ones.
pub async fn set_active(
    db: &DatabaseConnection,
    host: &user::Model,
    id: &EventTypeId,
    active: bool,
) -> Result<EventTypeDto, AppError> {
    let mut model: event_type::ActiveModel = find_own(db, host, id).await?.into();
    model.active = Set(active);
    model.updated_at = Set(Utc::now());
    Ok(to_dto(&model.update(db).await?))
}
