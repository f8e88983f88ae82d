//! The payloads of the jobs that services queue, each with its kind, attempt
//! limit and keys. Each one's `run` is `server/src/jobs/<kind>.rs`.
use super::{Job, Queue};
use crate::domain::{BookingId, ContactId, PaymentId, RefundId, TeamId, UserId, WebhookDeliveryId, WebhookId};
use chrono::NaiveDate;
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

/// Tells the invitee or the host about a booking change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendBookingEmail {
    pub booking_id: BookingId,
    pub notice: BookingNotice,
    pub recipient: NoticeRecipient,
    /// The invitee's manage-link secret, sealed with the server's
    /// `SecretBox` (the bookings table keeps only its hash); blanked once
    /// the job has finished.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "manage_token")]
    pub manage_token_sealed: Option<String>,
}

impl SendBookingEmail {
    /// Emails to both sides of a booking change; the invitee's carries the
    /// manage link when the caller knows its secret (sealed by the caller).
    pub fn to_both(booking_id: &BookingId, notice: BookingNotice, manage_token_sealed: Option<&str>) -> [Self; 2] {
        [NoticeRecipient::Invitee, NoticeRecipient::Host].map(|recipient| Self {
            booking_id: booking_id.to_owned(),
            notice,
            recipient,
            manage_token_sealed: manage_token_sealed
                .filter(|_| recipient == NoticeRecipient::Invitee)
                .map(str::to_owned),
        })
    }
}

impl Job for SendBookingEmail {
    const KIND: &'static str = "send_booking_email";
    // About a day of back-off before an email is given up.
    const MAX_ATTEMPTS: i32 = 12;

    fn redacted(self) -> Self {
        Self {
            manage_token_sealed: None,
            ..self
        }
    }
}

/// Brings one booking change to the team's HubSpot portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncBookingToHubspot {
    pub team_id: TeamId,
    pub booking_id: BookingId,
    pub action: SyncAction,
}

impl Job for SyncBookingToHubspot {
    const KIND: &'static str = "sync_booking_to_hubspot";
    // Rate limits and outages are waited out for about a day.
    const MAX_ATTEMPTS: i32 = 15;

    /// A booking's HubSpot changes never overtake each other.
    fn ordering_key(&self) -> Option<String> {
        Some(hubspot_key(&self.team_id, Some(&self.booking_id)))
    }
}

/// The ordering key of a team's HubSpot sync jobs; without a booking, the
/// prefix every such key of the team starts with.
pub fn hubspot_key(team_id: &TeamId, booking_id: Option<&BookingId>) -> String {
    format!("hubspot:{team_id}:{}", booking_id.map_or("", BookingId::as_str))
}

/// The ordering key of a team's contact sync jobs: they run one after
/// another, so a pull never races a push of the same contact. It starts
/// with the team's HubSpot prefix, so disconnecting drops them.
pub fn contacts_key(team_id: &TeamId) -> String {
    format!("{}contacts", hubspot_key(team_id, None))
}

/// Brings a contact made or edited in Slotline to the team's portal (two-way sync).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushContactToHubspot {
    pub team_id: TeamId,
    pub contact_id: ContactId,
}

impl Job for PushContactToHubspot {
    const KIND: &'static str = "push_contact_to_hubspot";
    const MAX_ATTEMPTS: i32 = 15;

    fn ordering_key(&self) -> Option<String> {
        Some(contacts_key(&self.team_id))
    }
}

/// HubSpot records merged into a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedContacts {
    pub new_id: String,
    pub merged_ids: Vec<String>,
}

/// Contact changes HubSpot's app webhooks reported, by HubSpot id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyHubspotContactEvents {
    pub team_id: TeamId,
    /// Created, changed or restored: read afresh and applied.
    pub changed: Vec<String>,
    pub deleted: Vec<String>,
    pub restored: Vec<String>,
    pub merged: Vec<MergedContacts>,
}

impl Job for ApplyHubspotContactEvents {
    const KIND: &'static str = "apply_hubspot_contact_events";
    const MAX_ATTEMPTS: i32 = 15;

    fn ordering_key(&self) -> Option<String> {
        Some(contacts_key(&self.team_id))
    }
}

/// Pulls the contacts HubSpot changed since the last pull: what webhooks
/// missed, or everything when the app has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullHubspotContacts {
    pub team_id: TeamId,
}

impl Job for PullHubspotContacts {
    const KIND: &'static str = "pull_hubspot_contacts";
    // The next interval pulls again anyway.
    const MAX_ATTEMPTS: i32 = 3;

    fn ordering_key(&self) -> Option<String> {
        Some(contacts_key(&self.team_id))
    }
}

/// Runs (or resumes) one reconcile of a team's contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileHubspotContacts {
    pub team_id: TeamId,
    /// The run started for it ("Both ways", "Reconcile now"); the nightly
    /// one starts its own when it runs.
    pub run_id: Option<String>,
}

impl Job for ReconcileHubspotContacts {
    const KIND: &'static str = "reconcile_hubspot_contacts";
    const MAX_ATTEMPTS: i32 = 15;

    fn ordering_key(&self) -> Option<String> {
        Some(contacts_key(&self.team_id))
    }
}

/// Tells a team's owner that HubSpot sync needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendHubspotAlert {
    pub team_id: TeamId,
    pub problem: String,
}

impl Job for SendHubspotAlert {
    const KIND: &'static str = "send_hubspot_alert";
    const MAX_ATTEMPTS: i32 = 12;
}

/// E-mails a host the link that resets their password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendPasswordReset {
    pub user_id: UserId,
    /// The link's token, sealed with the server's `SecretBox`.
    pub token_sealed: String,
}

impl Job for SendPasswordReset {
    const KIND: &'static str = "send_password_reset";
    /// The link is valid an hour: later attempts would send a dead one.
    const MAX_ATTEMPTS: i32 = 5;

    fn redacted(self) -> Self {
        Self {
            token_sealed: String::new(),
            ..self
        }
    }
}

/// Deletes what is past its retention (`services::retention`), once a day,
/// as soon as the first process with job workers schedules it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeExpiredData {
    pub day: NaiveDate,
}

impl Job for PurgeExpiredData {
    const KIND: &'static str = "purge_expired_data";
    const MAX_ATTEMPTS: i32 = 5;
}

impl PurgeExpiredData {
    /// Each day's purge has one id, so that every process may schedule it.
    pub fn id(&self) -> String {
        format!("purge-{}", self.day)
    }
}

/// Checks every HubSpot connection once a day: one idle for a day has its
/// token refreshed, before HubSpot's inactivity rules can expire it, and
/// one HubSpot no longer accepts is found before a booking fails on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckHubspotConnections {
    pub day: NaiveDate,
}

impl Job for CheckHubspotConnections {
    const KIND: &'static str = "check_hubspot_connections";
    const MAX_ATTEMPTS: i32 = 3;
}

impl CheckHubspotConnections {
    /// Each day's check has one id, so that every process may schedule it.
    pub fn id(&self) -> String {
        format!("hubspot-health-{}", self.day)
    }
}

/// Revokes a disconnected team's HubSpot refresh token, best effort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeHubspotToken {
    /// Sealed with the server's `SecretBox`, as it was stored.
    pub refresh_token_sealed: String,
}

impl Job for RevokeHubspotToken {
    const KIND: &'static str = "revoke_hubspot_token";
    // Best effort: the tokens are already gone from Slotline.
    const MAX_ATTEMPTS: i32 = 5;

    fn redacted(self) -> Self {
        Self {
            refresh_token_sealed: String::new(),
        }
    }
}

/// Attempts of one webhook delivery: with the back-off of
/// `webhook_retry_delay` they span more than a day.
pub const WEBHOOK_ATTEMPTS: i32 = 12;

/// Sends one event to one webhook (again, on a redelivery).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverWebhook {
    pub delivery_id: WebhookDeliveryId,
    /// Deliveries to one webhook share its concurrency cap; absent from
    /// jobs queued before the cap existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<WebhookId>,
}

impl Job for DeliverWebhook {
    const KIND: &'static str = "deliver_webhook";
    const MAX_ATTEMPTS: i32 = WEBHOOK_ATTEMPTS;
    const QUEUE: Queue = Queue::Webhooks;

    /// A slow receiver ties up at most its own share of the webhook pool.
    fn concurrency_key(&self) -> Option<String> {
        self.webhook_id.as_ref().map(|id| format!("webhook:{id}"))
    }
}

/// Tells a webhook's owner that Slotline switched it off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendWebhookDisabledEmail {
    pub webhook_id: WebhookId,
}

impl Job for SendWebhookDisabledEmail {
    const KIND: &'static str = "send_webhook_disabled_email";
    const MAX_ATTEMPTS: i32 = 12;
}

/// Ends an unpaid hold: the Checkout Session is expired at Stripe, then
/// the held booking goes and its slot is free. Queued for when the hold
/// runs out, and at once when the invitee leaves Stripe's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpireCheckoutHold {
    pub payment_id: PaymentId,
}

/// No ordering key: the invitee's early release must not wait behind the
/// job queued for the end of the hold. Two runs at once are harmless.
impl Job for ExpireCheckoutHold {
    const KIND: &'static str = "expire_checkout_hold";
    // Stripe must say the session is over before the slot is given away.
    const MAX_ATTEMPTS: i32 = 12;
}

/// A verified Stripe event, taken in once, acted on here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandleStripeEvent {
    pub team_id: TeamId,
    pub event_id: String,
    /// Stripe's event type, such as `checkout.session.completed`.
    pub kind: String,
    /// The event's `data.object`.
    pub object: serde_json::Value,
}

impl Job for HandleStripeEvent {
    const KIND: &'static str = "handle_stripe_event";
    const MAX_ATTEMPTS: i32 = 12;

    /// A team's Stripe events are acted on in the order they came.
    fn ordering_key(&self) -> Option<String> {
        Some(format!("stripe:{}", self.team_id))
    }
}

/// Asks Stripe to refund a cancelled paid booking, until Stripe answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPayment {
    pub refund_id: RefundId,
}

/// About a day of back-off before a refund is shown as failed for good.
pub const REFUND_ATTEMPTS: i32 = 12;

impl Job for RefundPayment {
    const KIND: &'static str = "refund_payment";
    const MAX_ATTEMPTS: i32 = REFUND_ATTEMPTS;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::crypto::SecretBox;

    #[test]
    fn payloads_written_by_the_tagged_enum_still_read() {
        let old = r#"{"kind":"send_booking_email","booking_id":"b1","notice":"rescheduled","recipient":"host"}"#;
        let job: SendBookingEmail = serde_json::from_str(old).unwrap();
        assert_eq!(job.notice, BookingNotice::Rescheduled);
        assert_eq!(job.recipient, NoticeRecipient::Host);
        let old = r#"{"kind":"deliver_webhook","delivery_id":"d1"}"#;
        let job: DeliverWebhook = serde_json::from_str(old).unwrap();
        assert_eq!(job.concurrency_key(), None);
    }

    #[test]
    fn only_the_invitee_email_carries_the_manage_secret_until_redacted() {
        let secrets = SecretBox::new(&[5; 32]);
        let sealed = secrets.seal("secret");
        let [invitee, host] = SendBookingEmail::to_both(&"b1".into(), BookingNotice::Confirmed, Some(&sealed));
        let payload = serde_json::to_string(&invitee).unwrap();
        assert!(
            payload.contains("manage_token_sealed") && !payload.contains("secret\""),
            "{payload}"
        );
        let opened = secrets.open(invitee.manage_token_sealed.as_deref().unwrap()).unwrap();
        assert_eq!(opened, "secret");
        assert!(!serde_json::to_string(&host).unwrap().contains("manage_token"));
        assert!(
            !serde_json::to_string(&invitee.redacted())
                .unwrap()
                .contains("manage_token")
        );
    }

    #[test]
    fn a_bookings_hubspot_jobs_share_a_key_under_the_teams_prefix() {
        let job = SyncBookingToHubspot {
            team_id: "t1".into(),
            booking_id: "b1".into(),
            action: SyncAction::Created,
        };
        let key = job.ordering_key().unwrap();
        assert!(key.starts_with(&hubspot_key(&"t1".into(), None)), "{key}");
    }
}
