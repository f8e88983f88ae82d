//! Hosts and their teams: sign-up, log-in, and the demo account.
use super::{FieldErrors, unique_or};
use crate::domain::slots::{MinuteRange, WeeklyHours};
use crate::domain::team::{Plan, Role};
use crate::domain::{Email, HostSlug, PersonName, TeamId, TimeZoneName, UserId};
use crate::dto::{CurrentUser, SignupForm};
use crate::error::AppError;
use crate::ssr::access::{AccessGuards, ClientIp};
use crate::ssr::auth::{hash_password, verify_password};
use crate::ssr::crypto::SecretBox;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{team, user};
use crate::ssr::services::availability;
use crate::ssr::services::stripe::StripeKeys;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longer passwords are refused before hashing, which they would slow.
pub const MAX_PASSWORD_BYTES: usize = 1024;
const LOGIN_FAILED: &str = "That email and password don’t match an account.";

/// Why a new password is refused, if it is.
pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Err(format!("Use at most {MAX_PASSWORD_BYTES} characters."))
    } else {
        Ok(())
    }
}

/// Creates a host with their own team (plan `free`, role `owner`) and
/// weekday 09:00–17:00 availability, so their first event type is bookable.
#[tracing::instrument(skip_all)]
pub async fn sign_up(db: &DatabaseConnection, form: SignupForm) -> Result<user::Model, AppError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&form.name));
    let email = errors.check("email", Email::parse(&form.email));
    let slug = errors.check("slug", HostSlug::parse(&form.slug));
    let time_zone = errors.check("time_zone", TimeZoneName::parse(&form.time_zone));
    errors.check("password", check_new_password(&form.password));
    if let Some(email) = &email
        && user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .count(db)
            .await?
            > 0
    {
        errors.push("email", "An account with this email already exists. Log in instead.");
    }
    if let Some(slug) = &slug
        && user::Entity::find()
            .filter(user::Column::Slug.eq(slug.as_str()))
            .count(db)
            .await?
            > 0
    {
        errors.push("slug", "This URL is taken. Please choose another.");
    }
    errors.into_result()?;
    let (Some(name), Some(email), Some(slug), Some(time_zone)) = (name, email, slug, time_zone) else {
        return Err(AppError::Internal);
    };
    let password_hash = hash_password(form.password).await?;
    create_host(db, name, email, slug, time_zone, password_hash, Plan::Free).await
}

async fn create_host(
    db: &DatabaseConnection,
    name: PersonName,
    email: Email,
    slug: HostSlug,
    time_zone: TimeZoneName,
    password_hash: String,
    plan: Plan,
) -> Result<user::Model, AppError> {
    let now = Utc::now();
    let txn = write_transaction(db).await?;
    let team = team::ActiveModel {
        id: Set(TeamId::generate()),
        name: Set(format!("{}’s team", name.as_str())),
        plan: Set(plan),
        phone_region: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let inserted = user::ActiveModel {
        id: Set(UserId::generate()),
        team_id: Set(team.id),
        role: Set(Role::Owner),
        name: Set(name.as_str().to_owned()),
        email: Set(email.into_inner()),
        slug: Set(slug.as_str().to_owned()),
        password_hash: Set(password_hash),
        time_zone: Set(time_zone),
        schedule_version: Set(0),
        max_bookings_per_day: Set(None),
        created_at: Set(now),
    }
    .insert(&txn)
    .await;
    // A unique violation here means another sign-up won the race for the email or slug.
    let host = inserted.map_err(unique_or(|| {
        AppError::field("email", "An account with this email or URL already exists.")
    }))?;
    let weekdays = MinuteRange::new(9 * 60, 17 * 60).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut weekly = WeeklyHours::default();
    for day in weekly.days.iter_mut().take(5) {
        day.push(weekdays);
    }
    availability::replace_weekly(&txn, &host.id, &weekly).await?;
    txn.commit().await?;
    Ok(host)
}

/// The host with this email and password; one message for every failure.
/// Each attempt counts against its client, and each failure against the
/// account, known or not.
pub async fn log_in(
    db: &DatabaseConnection,
    guards: &AccessGuards,
    client: ClientIp,
    email: &str,
    password: String,
) -> Result<user::Model, AppError> {
    let now = Utc::now();
    guards.admit_log_in(client, email, now)?;
    let outcome = check_password(db, email, password).await;
    match &outcome {
        Ok(_) => guards.record_log_in(email, true, now),
        Err(AppError::Validation(_)) => guards.record_log_in(email, false, now),
        Err(_) => {}
    }
    outcome
}

async fn check_password(db: &DatabaseConnection, email: &str, password: String) -> Result<user::Model, AppError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::field("password", LOGIN_FAILED));
    }
    let found = match Email::parse(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let stored = found.as_ref().map(|u| u.password_hash.clone());
    match (verify_password(password, stored).await?, found) {
        (true, Some(user)) => Ok(user),
        _ => Err(AppError::field("password", LOGIN_FAILED)),
    }
}

pub async fn current_user_dto(db: &DatabaseConnection, user: &user::Model) -> Result<CurrentUser, AppError> {
    let team = team::Entity::find_by_id(&user.team_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(CurrentUser {
        id: user.id.clone(),
        name: user.name.clone(),
        email: user.email.clone(),
        slug: user.slug.clone(),
        time_zone: user.time_zone.name().to_owned(),
        team_name: team.name,
        role: user.role.as_str().to_owned(),
        plan: team.plan.as_str().to_owned(),
    })
}

/// On an empty database, creates the demo host (`demo`, on plan `pro`) with
/// event types `intro` (30 min) and `deep-dive` (60 min) and weekday
/// 09:00–17:00 in Europe/Berlin; with `stripe` keys, its team's Stripe is
/// connected and `consult` (45 min, $75) is paid. Its password is
/// `password` or, when none is given, a generated one; returns it.
pub async fn seed_demo(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    password: Option<String>,
    stripe: Option<StripeKeys>,
) -> Result<Option<String>, AppError> {
    if user::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let password = password.unwrap_or_else(|| crate::ssr::ids::new_token()[..16].to_owned());
    let host = create_host(
        db,
        PersonName::parse("Demo Host").map_err(|e| anyhow::anyhow!(e))?,
        Email::parse("demo@slotline.test").map_err(|e| anyhow::anyhow!(e))?,
        HostSlug::parse("demo").map_err(|e| anyhow::anyhow!(e))?,
        TimeZoneName::parse("Europe/Berlin").map_err(|e| anyhow::anyhow!(e))?,
        hash_password(password.clone()).await?,
        Plan::Pro,
    )
    .await?;
    for (name, slug, duration, description) in [
        ("Intro call", "intro", 30, "A first 30-minute conversation."),
        (
            "Deep dive",
            "deep-dive",
            60,
            "An hour to work through the details together.",
        ),
    ] {
        let form = crate::dto::EventTypeForm {
            name: name.into(),
            slug: slug.into(),
            duration: duration.to_string(),
            description: description.into(),
            ..crate::dto::EventTypeForm::default()
        };
        super::event_types::create(db, &host, form).await?;
    }
    if let Some(keys) = stripe {
        super::stripe::store(db, secrets, &host, &keys).await?;
        let form = crate::dto::EventTypeForm {
            name: "Paid consultation".into(),
            slug: "consult".into(),
            duration: "45".into(),
            description: "45 minutes of focused advice, paid when you book.".into(),
            price: "75".into(),
            currency: "usd".into(),
            refund_window: "24".into(),
            ..crate::dto::EventTypeForm::default()
        };
        super::event_types::create(db, &host, form).await?;
    }
    Ok(Some(password))
}
