//! A team's Stripe account: the owner connects it with a secret key and the
//! webhook signing secret of the endpoint they added in Stripe, both sealed
//! like HubSpot's tokens; the key is checked with Stripe before it is kept.
use super::payments::{GatewayError, PaymentGateway};
use crate::domain::TeamId;
use crate::dto::{StripeCardDto, StripeKeysForm};
use crate::error::AppError;
use crate::ssr::crypto::{SealError, SecretBox};
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{integration_connection as connection, user};
use crate::ssr::ids::new_id;
use crate::ssr::services::FieldErrors;
use crate::ssr::time_fmt::moment_in;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};

/// Where Stripe posts events, under the public URL.
pub const WEBHOOK_PATH: &str = "/integrations/stripe/webhook";

pub async fn connection_of_team(
    db: &impl ConnectionTrait,
    team_id: &TeamId,
) -> Result<Option<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::Provider.eq(connection::STRIPE))
        .filter(connection::Column::TeamId.eq(team_id))
        .one(db)
        .await
}

/// Every connected Stripe account: an event is theirs whose signature one
/// of their webhook secrets makes.
pub async fn all_connections(db: &impl ConnectionTrait) -> Result<Vec<connection::Model>, DbErr> {
    connection::Entity::find()
        .filter(connection::Column::Provider.eq(connection::STRIPE))
        .all(db)
        .await
}

/// A connection's secrets, in the clear only in memory.
pub struct StripeKeys {
    pub secret_key: String,
    pub webhook_secret: String,
}

impl StripeKeys {
    pub fn of(secrets: &SecretBox, found: &connection::Model) -> Result<Self, SealError> {
        Ok(Self {
            secret_key: secrets.open(&found.access_token_sealed)?,
            webhook_secret: match &found.webhook_secret_sealed {
                Some(sealed) => secrets.open(sealed)?,
                None => String::new(),
            },
        })
    }
}

/// The team's secret key, or why payments cannot be taken.
pub async fn secret_key_of_team(
    db: &impl ConnectionTrait,
    secrets: &SecretBox,
    team_id: &TeamId,
) -> Result<Option<String>, AppError> {
    let Some(found) = connection_of_team(db, team_id).await? else {
        return Ok(None);
    };
    let keys = StripeKeys::of(secrets, &found).map_err(|error| {
        tracing::error!(%error, team.id = %team_id, "the Stripe key cannot be opened");
        AppError::Internal
    })?;
    Ok(Some(keys.secret_key))
}

fn refusal(user: &user::Model) -> Option<String> {
    (!user.role.manages_payments())
        .then(|| "Only your team’s owner can connect or disconnect Stripe: payments go to their account.".to_owned())
}

/// How a key is shown once stored: its mode and last characters.
fn account_label(secret_key: &str) -> String {
    let mode = if secret_key.contains("_live_") { "live" } else { "test" };
    let tail: String = secret_key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{mode} …{tail}")
}

fn parse_keys(form: &StripeKeysForm) -> Result<StripeKeys, AppError> {
    let mut errors = FieldErrors::default();
    let secret_key = form.secret_key.trim();
    let key_ok = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
        .iter()
        .any(|prefix| secret_key.starts_with(prefix))
        && secret_key.len() <= 255
        && secret_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !key_ok {
        errors.push(
            "secret_key",
            "Paste the secret key from Stripe’s Developers › API keys: it starts with sk_live_ or sk_test_.",
        );
    }
    let webhook_secret = form.webhook_secret.trim();
    let secret_ok = webhook_secret.starts_with("whsec_")
        && webhook_secret.len() > "whsec_".len()
        && webhook_secret.len() <= 255
        && webhook_secret.chars().all(|c| c.is_ascii_graphic());
    if !secret_ok {
        errors.push(
            "webhook_secret",
            "Paste the endpoint’s signing secret from Stripe’s Developers › Webhooks: it starts with whsec_.",
        );
    }
    errors.into_result()?;
    Ok(StripeKeys {
        secret_key: secret_key.to_owned(),
        webhook_secret: webhook_secret.to_owned(),
    })
}

/// Stores (or replaces) the team's Stripe keys once Stripe accepts the key.
#[tracing::instrument(skip_all, fields(user.id = %user.id))]
pub async fn connect(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    gateway: &dyn PaymentGateway,
    user: &user::Model,
    form: &StripeKeysForm,
) -> Result<(), AppError> {
    if let Some(reason) = refusal(user) {
        return Err(AppError::Forbidden(reason));
    }
    let keys = parse_keys(form)?;
    match gateway.check_key(&keys.secret_key).await {
        Ok(()) => {}
        Err(GatewayError::Unauthorized) => {
            return Err(AppError::field(
                "secret_key",
                "Stripe does not accept this key: check that it is the whole secret key and not revoked.",
            ));
        }
        Err(error) => {
            tracing::warn!(%error, "Stripe could not check the key");
            return Err(AppError::field(
                "secret_key",
                "Stripe could not be reached to check the key. Try again in a minute.",
            ));
        }
    }
    store(db, secrets, user, &keys).await
}

/// Stores (or replaces) the team's keys, sealed; the caller checked them.
pub async fn store(
    db: &DatabaseConnection,
    secrets: &SecretBox,
    user: &user::Model,
    keys: &StripeKeys,
) -> Result<(), AppError> {
    let now = Utc::now();
    let txn = write_transaction(db).await?;
    let mut model = match connection_of_team(&txn, &user.team_id).await? {
        Some(found) => found.into(),
        None => connection::ActiveModel {
            id: Set(new_id()),
            provider: Set(connection::STRIPE.to_owned()),
            team_id: Set(user.team_id.clone()),
            scopes: Set(String::new()),
            refresh_token_sealed: Set(None),
            access_expires_at: Set(None),
            refresh_lease_until: Set(None),
            settings: Set("{}".to_owned()),
            status: Set(connection::CONNECTED.to_owned()),
            last_success_at: Set(None),
            last_error_email_at: Set(None),
            pulled_until: Set(None),
            webhook_seen_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    model.connected_by = Set(user.id.clone());
    model.account_id = Set(account_label(&keys.secret_key));
    model.access_token_sealed = Set(secrets.seal(&keys.secret_key));
    model.webhook_secret_sealed = Set(Some(secrets.seal(&keys.webhook_secret)));
    model.updated_at = Set(now);
    if model.id.is_unchanged() {
        model.update(&txn).await?;
    } else {
        model.insert(&txn).await?;
    }
    txn.commit().await?;
    tracing::info!(team.id = %user.team_id, "Stripe connected");
    Ok(())
}

/// Forgets the team's Stripe keys. Paid event types take no bookings until
/// Stripe is connected again; payments already made stay listed.
#[tracing::instrument(skip_all, fields(user.id = %user.id))]
pub async fn disconnect(db: &DatabaseConnection, user: &user::Model) -> Result<(), AppError> {
    if let Some(reason) = refusal(user) {
        return Err(AppError::Forbidden(reason));
    }
    connection::Entity::delete_many()
        .filter(connection::Column::Provider.eq(connection::STRIPE))
        .filter(connection::Column::TeamId.eq(&user.team_id))
        .exec(db)
        .await?;
    tracing::info!(team.id = %user.team_id, "Stripe disconnected");
    Ok(())
}

/// The card as `user` sees it.
pub async fn card(db: &DatabaseConnection, public_url: &str, user: &user::Model) -> Result<StripeCardDto, AppError> {
    let found = connection_of_team(db, &user.team_id).await?;
    Ok(StripeCardDto {
        refusal: refusal(user),
        account: found.as_ref().map(|f| f.account_id.clone()),
        connected_at: found.as_ref().map(|f| moment_in(user.zone(), f.updated_at)),
        webhook_url: format!("{public_url}{WEBHOOK_PATH}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_key_shows_only_its_mode_and_last_characters() {
        assert_eq!(account_label("sk_test_51Habc4242"), "test …4242");
        assert_eq!(account_label("sk_live_xyz9876"), "live …9876");
    }

    #[test]
    fn keys_in_the_wrong_places_are_named_field_by_field() {
        let form = StripeKeysForm {
            secret_key: "pk_test_123".to_owned(),
            webhook_secret: "sk_test_abc".to_owned(),
        };
        let Err(AppError::Validation(fields)) = parse_keys(&form) else {
            panic!("expected field errors");
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["secret_key", "webhook_secret"]);
        let good = StripeKeysForm {
            secret_key: " sk_test_slotline_sandbox ".to_owned(),
            webhook_secret: "whsec_slotline_sandbox".to_owned(),
        };
        assert_eq!(parse_keys(&good).unwrap().secret_key, "sk_test_slotline_sandbox");
    }
}
