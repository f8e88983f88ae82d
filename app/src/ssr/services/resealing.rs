//! After the secret key is rotated, every sealed value is sealed anew under
//! the current key (`server admin reseal`), so that the old key can leave
//! `SLOTLINE_SECRET_KEYS_OLD`. Each row is replaced only if it still holds
//! the value read (a compare-and-swap), so a token refreshed meanwhile by a
//! running server, already under the current key, is left as it is.
use crate::ssr::crypto::{SealError, SecretBox};
use crate::ssr::entities::{integration_connection as connection, job, payment, webhook};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::Value;

/// Rows of queued jobs read at a time.
const BATCH: u64 = 500;

#[derive(Debug, thiserror::Error)]
pub enum ResealError {
    #[error("reading or storing sealed values")]
    Database(#[from] DbErr),
    /// A value the current and old keys cannot open: its key is missing
    /// from `SLOTLINE_SECRET_KEYS_OLD`.
    #[error("{what} cannot be opened")]
    Sealed {
        what: String,
        #[source]
        cause: SealError,
    },
}

/// How many rows were sealed anew, by table.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    pub connections: u64,
    pub webhooks: u64,
    pub jobs: u64,
    pub payments: u64,
}

pub async fn reseal_all(db: &DatabaseConnection, secrets: &SecretBox) -> Result<Resealed, ResealError> {
    Ok(Resealed {
        connections: connections(db, secrets).await?,
        webhooks: webhooks(db, secrets).await?,
        jobs: jobs(db, secrets).await?,
        payments: payments(db, secrets).await?,
    })
}

/// Held and paid bookings keep their manage link's secret for the
/// confirmation e-mail and the checkout return page.
async fn payments(db: &DatabaseConnection, secrets: &SecretBox) -> Result<u64, ResealError> {
    let mut count = 0;
    for found in payment::Entity::find().all(db).await? {
        let what = || format!("the manage-link secret of payment {}", found.id);
        let Some(resealed) = reseal(secrets, &found.manage_token_sealed, what)? else {
            continue;
        };
        count += payment::Entity::update_many()
            .col_expr(payment::Column::ManageTokenSealed, Expr::value(resealed))
            .filter(payment::Column::Id.eq(&found.id))
            .filter(payment::Column::ManageTokenSealed.eq(&found.manage_token_sealed))
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(count)
}

fn reseal(secrets: &SecretBox, sealed: &str, what: impl FnOnce() -> String) -> Result<Option<String>, ResealError> {
    secrets
        .reseal(sealed)
        .map_err(|cause| ResealError::Sealed { what: what(), cause })
}

async fn connections(db: &DatabaseConnection, secrets: &SecretBox) -> Result<u64, ResealError> {
    let mut count = 0;
    for found in connection::Entity::find().all(db).await? {
        let what = || format!("the tokens of integration connection {}", found.id);
        let access = reseal(secrets, &found.access_token_sealed, what)?;
        let optional = |sealed: &Option<String>| match sealed {
            Some(sealed) => reseal(secrets, sealed, what),
            None => Ok(None),
        };
        let refresh = optional(&found.refresh_token_sealed)?;
        let webhook_secret = optional(&found.webhook_secret_sealed)?;
        if access.is_none() && refresh.is_none() && webhook_secret.is_none() {
            continue;
        }
        let mut update = connection::Entity::update_many()
            .filter(connection::Column::Id.eq(&found.id))
            .filter(connection::Column::AccessTokenSealed.eq(&found.access_token_sealed));
        if let Some(access) = access {
            update = update.col_expr(connection::Column::AccessTokenSealed, Expr::value(access));
        }
        if let (Some(refresh), Some(old)) = (refresh, &found.refresh_token_sealed) {
            update = update
                .col_expr(connection::Column::RefreshTokenSealed, Expr::value(refresh))
                .filter(connection::Column::RefreshTokenSealed.eq(old));
        }
        if let (Some(secret), Some(old)) = (webhook_secret, &found.webhook_secret_sealed) {
            update = update
                .col_expr(connection::Column::WebhookSecretSealed, Expr::value(secret))
                .filter(connection::Column::WebhookSecretSealed.eq(old));
        }
        count += update.exec(db).await?.rows_affected;
    }
    Ok(count)
}

async fn webhooks(db: &DatabaseConnection, secrets: &SecretBox) -> Result<u64, ResealError> {
    let mut count = 0;
    for found in webhook::Entity::find().all(db).await? {
        let what = || format!("the secrets of webhook {}", found.id);
        let secret = reseal(secrets, &found.secret_sealed, what)?;
        let previous = match &found.previous_secret_sealed {
            Some(sealed) => reseal(secrets, sealed, what)?,
            None => None,
        };
        if secret.is_none() && previous.is_none() {
            continue;
        }
        let mut update = webhook::Entity::update_many()
            .filter(webhook::Column::Id.eq(&found.id))
            .filter(webhook::Column::SecretSealed.eq(&found.secret_sealed));
        if let Some(secret) = secret {
            update = update.col_expr(webhook::Column::SecretSealed, Expr::value(secret));
        }
        if let (Some(previous), Some(old)) = (previous, &found.previous_secret_sealed) {
            update = update
                .col_expr(webhook::Column::PreviousSecretSealed, Expr::value(previous))
                .filter(webhook::Column::PreviousSecretSealed.eq(old));
        }
        count += update.exec(db).await?.rows_affected;
    }
    Ok(count)
}

/// Jobs still to run (or to retry by hand) carry sealed tokens in their
/// payloads; finished ones had them removed.
async fn jobs(db: &DatabaseConnection, secrets: &SecretBox) -> Result<u64, ResealError> {
    let mut count = 0;
    let mut after = String::new();
    loop {
        let batch = job::Entity::find()
            .filter(job::Column::Status.is_in([job::PENDING, job::DEAD]))
            .filter(job::Column::Id.gt(&after))
            .order_by_asc(job::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(count);
        };
        after = last.id.clone();
        for found in &batch {
            let Ok(mut payload) = serde_json::from_str::<Value>(&found.payload) else {
                continue;
            };
            if !reseal_strings(secrets, &mut payload) {
                continue;
            }
            count += job::Entity::update_many()
                .col_expr(job::Column::Payload, Expr::value(payload.to_string()))
                .filter(job::Column::Id.eq(&found.id))
                .filter(job::Column::Payload.eq(&found.payload))
                .exec(db)
                .await?
                .rows_affected;
        }
    }
}

/// Reseals every string in `value` that is a sealed value under another
/// key; true if any was. Payloads are typed by their job kinds, which this
/// need not know: what opens as sealed is sealed.
fn reseal_strings(secrets: &SecretBox, value: &mut Value) -> bool {
    match value {
        Value::String(text) => match secrets.reseal(text) {
            Ok(Some(resealed)) => {
                *text = resealed;
                true
            }
            _ => false,
        },
        Value::Array(items) => reseal_each(secrets, items.iter_mut()),
        Value::Object(fields) => reseal_each(secrets, fields.values_mut()),
        _ => false,
    }
}

/// [`reseal_strings`] on every item, none skipped once one changed.
fn reseal_each<'a>(secrets: &SecretBox, items: impl Iterator<Item = &'a mut Value>) -> bool {
    let mut any = false;
    for item in items {
        any |= reseal_strings(secrets, item);
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sealed_strings_of_a_payload_are_resealed() {
        let (old, new) = ([1; 32], [2; 32]);
        let sealed = SecretBox::new(&old).seal("manage token");
        let mut payload = serde_json::json!({
            "booking_id": "v1.not-sealed-at-all",
            "nested": [{"manage_token_sealed": sealed}],
            "attempt": 2,
        });
        let rotated = SecretBox::with_old_keys(&new, &[old]);
        assert!(reseal_strings(&rotated, &mut payload));
        assert_eq!(payload["booking_id"], "v1.not-sealed-at-all");
        let resealed = payload["nested"][0]["manage_token_sealed"].as_str().unwrap();
        assert_eq!(SecretBox::new(&new).open(resealed).unwrap(), "manage token");
        assert!(!reseal_strings(&rotated, &mut payload), "nothing left to reseal");
    }
}
