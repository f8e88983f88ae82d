//! Job payloads and the one way to enqueue them: inside the caller's
//! transaction, so a job exists exactly when the change it follows committed.
//! The server's job runner claims and executes them.
use crate::ssr::entities::job;
use crate::ssr::ids::new_id;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::{Deserialize, Serialize};

/// Which booking change an email tells about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingNotice {
    Confirmed,
    Rescheduled,
    Cancelled,
}

/// Which booking change a HubSpot sync brings over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncAction {
    Created,
    Rescheduled,
    Cancelled,
}

impl SyncAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Rescheduled => "rescheduled",
            Self::Cancelled => "cancelled",
        }
    }
}

/// Who an email about a booking goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeRecipient {
    Invitee,
    Host,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    SendBookingEmail {
        booking_id: String,
        notice: BookingNotice,
        recipient: NoticeRecipient,
        /// The invitee's manage-link secret, sealed with the server's
        /// `SecretBox` (the bookings table keeps only its hash); the runner
        /// blanks it once the job has finished.
        #[serde(default, skip_serializing_if = "Option::is_none", alias = "manage_token")]
        manage_token_sealed: Option<String>,
    },
    /// Brings one booking change to the team's HubSpot portal.
    SyncBookingToHubspot {
        team_id: String,
        booking_id: String,
        action: SyncAction,
    },
    /// Tells a team's owner that HubSpot sync needs them.
    SendHubspotAlert { team_id: String, problem: String },
    /// Sends one event to one webhook (again, on a redelivery).
    DeliverWebhook { delivery_id: String },
    /// Tells a webhook's owner that Slotline switched it off.
    SendWebhookDisabledEmail { webhook_id: String },
    /// Revokes a disconnected team's HubSpot refresh token, best effort.
    RevokeHubspotToken {
        /// Sealed with the server's `SecretBox`, as it was stored.
        refresh_token_sealed: String,
    },
}

impl Job {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SendBookingEmail { .. } => "send_booking_email",
            Self::SyncBookingToHubspot { .. } => "sync_booking_to_hubspot",
            Self::SendHubspotAlert { .. } => "send_hubspot_alert",
            Self::RevokeHubspotToken { .. } => "revoke_hubspot_token",
            Self::DeliverWebhook { .. } => "deliver_webhook",
            Self::SendWebhookDisabledEmail { .. } => "send_webhook_disabled_email",
        }
    }

    pub fn max_attempts(&self) -> i32 {
        match self {
            // About a day of back-off before an email is given up.
            Self::SendBookingEmail { .. } => 12,
            // Rate limits and outages are waited out for about a day.
            Self::SyncBookingToHubspot { .. } => 15,
            Self::SendHubspotAlert { .. } => 12,
            // Best effort: the tokens are already gone from Slotline.
            Self::RevokeHubspotToken { .. } => 5,
            Self::DeliverWebhook { .. } => WEBHOOK_ATTEMPTS,
            Self::SendWebhookDisabledEmail { .. } => 12,
        }
    }

    /// Jobs with the same key run one after another, oldest first: a
    /// booking's HubSpot changes never overtake each other.
    pub fn ordering_key(&self) -> Option<String> {
        match self {
            Self::SyncBookingToHubspot {
                team_id, booking_id, ..
            } => Some(hubspot_key(team_id, Some(booking_id))),
            _ => None,
        }
    }

    /// Emails to both sides of a booking change; the invitee's carries the
    /// manage link when the caller knows its secret (sealed by the caller).
    pub fn booking_emails(booking_id: &str, notice: BookingNotice, manage_token_sealed: Option<String>) -> [Job; 2] {
        [NoticeRecipient::Invitee, NoticeRecipient::Host].map(|recipient| Job::SendBookingEmail {
            booking_id: booking_id.to_owned(),
            notice,
            recipient,
            manage_token_sealed: manage_token_sealed
                .clone()
                .filter(|_| recipient == NoticeRecipient::Invitee),
        })
    }

    /// The payload with secrets removed, kept once the job is over.
    pub fn redacted(&self) -> Job {
        match self.clone() {
            Self::SendBookingEmail {
                booking_id,
                notice,
                recipient,
                ..
            } => Self::SendBookingEmail {
                booking_id,
                notice,
                recipient,
                manage_token_sealed: None,
            },
            Self::RevokeHubspotToken { .. } => Self::RevokeHubspotToken {
                refresh_token_sealed: String::new(),
            },
            other @ (Self::SyncBookingToHubspot { .. }
            | Self::SendHubspotAlert { .. }
            | Self::DeliverWebhook { .. }
            | Self::SendWebhookDisabledEmail { .. }) => other,
        }
    }
}

/// Attempts of one webhook delivery: with the back-off of
/// `webhook_retry_delay` they span more than a day.
pub const WEBHOOK_ATTEMPTS: i32 = 12;

/// The ordering key of a team's HubSpot sync jobs; without a booking, the
/// prefix every such key of the team starts with.
pub fn hubspot_key(team_id: &str, booking_id: Option<&str>) -> String {
    format!("hubspot:{team_id}:{}", booking_id.unwrap_or_default())
}

/// Adds a job to the queue on `db`, which should be the transaction of the
/// change that causes it.
pub async fn enqueue(db: &impl ConnectionTrait, job: &Job) -> Result<(), DbErr> {
    let now = Utc::now();
    let payload = serde_json::to_string(job).map_err(|e| DbErr::Custom(format!("job payload: {e}")))?;
    job::ActiveModel {
        id: Set(new_id()),
        kind: Set(job.kind().to_owned()),
        payload: Set(payload),
        status: Set(job::PENDING.to_owned()),
        attempts: Set(0),
        max_attempts: Set(job.max_attempts()),
        run_at: Set(now),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        ordering_key: Set(job.ordering_key()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_with_their_kind() {
        let job = Job::SendBookingEmail {
            booking_id: "b1".into(),
            notice: BookingNotice::Rescheduled,
            recipient: NoticeRecipient::Host,
            manage_token_sealed: None,
        };
        let json = serde_json::to_string(&job).unwrap();
        assert!(json.contains(r#""kind":"send_booking_email""#), "{json}");
        assert_eq!(serde_json::from_str::<Job>(&json).unwrap(), job);
    }
}

#[cfg(test)]
mod secret_tests {
    use super::*;
    use crate::ssr::crypto::SecretBox;

    #[test]
    fn only_the_invitee_email_carries_the_manage_secret_until_redacted() {
        let secrets = SecretBox::new(&[5; 32]);
        let [invitee, host] = Job::booking_emails("b1", BookingNotice::Confirmed, Some(secrets.seal("secret")));
        let payload = serde_json::to_string(&invitee).unwrap();
        assert!(
            payload.contains("manage_token_sealed") && !payload.contains("secret\""),
            "{payload}"
        );
        let Job::SendBookingEmail {
            manage_token_sealed: Some(sealed),
            ..
        } = &invitee
        else {
            panic!("the invitee's email carries the link");
        };
        assert_eq!(secrets.open(sealed).unwrap(), "secret");
        assert!(!serde_json::to_string(&host).unwrap().contains("manage_token"));
        assert!(
            !serde_json::to_string(&invitee.redacted())
                .unwrap()
                .contains("manage_token")
        );
    }
}
