//! `SyncBookingToHubspot`: brings one booking change to the team's portal —
//! the invitee as a contact (upserted by email), the booking as a meeting
//! associated with them — and writes every attempt to the sync log.
//!
//! Each step stores what it got (contact id, meeting id) on the booking, so
//! a retry picks up where the last attempt stopped. A meeting create whose
//! answer was lost may still have happened: before creating again, the job
//! waits out HubSpot's search lag and looks for the meeting by its marker.
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::hubspot::api::{ApiError, ContactInput};
use crate::integrations::hubspot::{HubspotApi, OAuthError, TokenError, TokenSource};
use anyhow::anyhow;
use app::domain::{BookingId, PersonName, TeamId};
use app::ssr::entities::{booking, event_type, external_link, integration_connection as connection};
use app::ssr::jobs::{SyncAction, SyncBookingToHubspot};
use app::ssr::services::external_links::{self, Local, Remote};
use app::ssr::services::hubspot::SyncRecord;
use app::ssr::services::hubspot::{self, HubspotSettings};
use chrono::DateTime;
use chrono::Utc;
use sea_orm::EntityTrait;
use serde_json::{Value, json};

/// A 401 refreshes the token and retries, this many times at most.
const MAX_AUTH_RETRIES: usize = 3;

/// Why an attempt stopped short.
#[derive(Debug, thiserror::Error)]
enum StepError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// An earlier meeting create got no answer; HubSpot's search must catch up before we look for it.
    #[error("checking whether an earlier meeting create reached HubSpot")]
    Unconfirmed(std::time::Duration),
    #[error("storing HubSpot's answer")]
    Storage(#[source] sea_orm::DbErr),
    /// No usable access token: HubSpot's token endpoint failed or another job's refresh hung.
    #[error(transparent)]
    Token(TokenError),
}

impl StepError {
    fn status(&self) -> Option<u16> {
        match self {
            Self::Api(e) => e.status(),
            _ => None,
        }
    }
}

const CONTACT: &str = "contact";
const MEETING: &str = "meeting";

/// What the portal already holds of a booking.
#[derive(Default)]
struct Links {
    contact_id: Option<String>,
    meeting_id: Option<String>,
    /// When a meeting create went out without an answer coming back.
    meeting_sent_at: Option<DateTime<Utc>>,
}

impl Links {
    fn from_rows(rows: Vec<external_link::Model>) -> Self {
        rows.into_iter().fold(Self::default(), |mut links, row| {
            match row.remote_kind.as_str() {
                CONTACT => links.contact_id = row.remote_id,
                MEETING => {
                    links.meeting_id = row.remote_id;
                    links.meeting_sent_at = row.pending_since;
                }
                _ => {}
            }
            links
        })
    }
}

/// Everything one attempt works with.
struct Sync<'a> {
    ctx: &'a JobContext,
    team_id: TeamId,
    portal: String,
    booking: booking::Model,
    event: event_type::Model,
    links: Links,
    update_existing: bool,
}

impl RunJob for SyncBookingToHubspot {
    /// A handful of HubSpot calls, each given up after its own timeout,
    /// plus the waits of the per-portal pacing.
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

    #[tracing::instrument(skip_all, fields(booking.id = %self.booking_id, action = self.action.as_str()))]
    async fn run(&self, ctx: &JobContext, attempt: Attempt) -> Result<(), JobError> {
        sync(ctx, &self.team_id, &self.booking_id, self.action, attempt).await
    }
}

async fn sync(
    ctx: &JobContext,
    team_id: &TeamId,
    booking_id: &BookingId,
    action: SyncAction,
    attempt: Attempt,
) -> Result<(), JobError> {
    let (Some(oauth), Some(_)) = (ctx.hubspot.as_deref(), &ctx.hubspot_api) else {
        return Err(JobError::permanent(anyhow!("HubSpot is not configured on this server")));
    };
    let Some(mut found) = hubspot::connection_of_team(&ctx.db, team_id).await? else {
        tracing::info!("the team disconnected HubSpot; nothing to sync");
        return Ok(());
    };
    let Some(booking) = booking::Entity::find_by_id(booking_id).one(&ctx.db).await? else {
        return Ok(());
    };
    let Some(event) = event_type::Entity::find_by_id(&booking.event_type_id)
        .one(&ctx.db)
        .await?
    else {
        return Ok(());
    };
    let mut sync = Sync {
        ctx,
        team_id: team_id.to_owned(),
        portal: found.account_id.clone(),
        links: Links::default(),
        booking,
        event,
        update_existing: HubspotSettings::of(&found).update_existing_contacts,
    };
    let rows = external_links::of(&ctx.db, sync.local()).await?;
    // A booking synced to the portal the team was connected to before keeps
    // its changes there: the new portal never hears of it.
    if rows.is_empty()
        && action != SyncAction::Created
        && let Some(old_portal) = external_links::linked_elsewhere(&ctx.db, sync.local()).await?
    {
        let message = format!(
            "Skipped: this booking was synced to HubSpot portal {old_portal}, not to the one connected now ({}), \
             so its changes stay out of the new portal.",
            sync.portal
        );
        record_failure(ctx, team_id, booking_id, action, None, &message).await?;
        return Ok(());
    }
    sync.links = Links::from_rows(rows);

    let tokens = TokenSource {
        db: &ctx.db,
        secrets: &ctx.secrets,
        oauth,
    };
    let mut refused = None;
    let mut result = Err(StepError::Api(ApiError::Unauthorized("no token yet".into())));
    for _ in 0..=MAX_AUTH_RETRIES {
        let token = match tokens.access_token(&found, refused.as_deref()).await {
            Ok(Some(access)) => {
                found = access.connection;
                access.token
            }
            Ok(None) => {
                tracing::info!("the team disconnected HubSpot; nothing to sync");
                return Ok(());
            }
            Err(TokenError::OAuth(OAuthError::Revoked)) => {
                hubspot::disconnect_revoked(&ctx.db, &found, hubspot::REVOKED_PROBLEM).await?;
                return Ok(());
            }
            Err(TokenError::Storage(error)) => return Err(JobError::Retry(error.into())),
            Err(error) => {
                result = Err(StepError::Token(error));
                break;
            }
        };
        refused = Some(found.access_token_sealed.clone());
        result = sync.apply(&token, action).await;
        if !matches!(result, Err(StepError::Api(ApiError::Unauthorized(_)))) {
            break;
        }
    }
    let error = match result {
        Ok((contact_id, meeting_id)) => {
            let line = SyncRecord {
                team_id,
                booking_id: Some(booking_id),
                action: action.as_str(),
                succeeded: true,
                http_status: Some(200),
                message: success_message(action),
                contact_id: Some(&contact_id),
                meeting_id: Some(&meeting_id),
            };
            hubspot::record_success(&ctx.db, &found.id, line).await?;
            return Ok(());
        }
        Err(error) => error,
    };
    let retrying = !attempt.last && !matches!(error, StepError::Api(ApiError::Rejected { .. }));
    let message = if retrying {
        format!("{error}; will retry")
    } else {
        error.to_string()
    };
    record_failure(ctx, team_id, booking_id, action, error.status(), &message).await?;
    if !retrying {
        let problem = format!(
            "A booking ({} with {}) could not be synced to HubSpot: {error}.",
            sync.event.name, sync.booking.invitee_name
        );
        hubspot::alert_owner(&ctx.db, team_id, &problem, Utc::now()).await?;
        return Err(JobError::Permanent(error.into()));
    }
    let wait = match &error {
        StepError::Api(ApiError::RateLimited {
            retry_after: Some(wait),
        })
        | StepError::Unconfirmed(wait) => Some(*wait),
        _ => None,
    };
    Err(match wait {
        Some(wait) => JobError::RetryAfter(wait, error.into()),
        None => JobError::Retry(error.into()),
    })
}

fn success_message(action: SyncAction) -> &'static str {
    match action {
        SyncAction::Created => "Contact and meeting are in HubSpot",
        SyncAction::Rescheduled => "Meeting moved to the new time",
        SyncAction::Cancelled => "Meeting marked as canceled",
    }
}

async fn record_failure(
    ctx: &JobContext,
    team_id: &TeamId,
    booking_id: &BookingId,
    action: SyncAction,
    status: Option<u16>,
    message: &str,
) -> anyhow::Result<()> {
    let line = SyncRecord::failure(team_id, Some(booking_id), action.as_str(), status, message);
    hubspot::record(&ctx.db, line).await?;
    Ok(())
}

impl Sync<'_> {
    fn local(&self) -> Local<'_> {
        Local {
            provider: connection::HUBSPOT,
            account_id: &self.portal,
            team_id: &self.team_id,
            kind: external_link::BOOKING,
            id: self.booking.id.as_str(),
        }
    }

    fn marker(&self) -> String {
        format!("{}/dashboard/bookings/{}", self.ctx.public_url, self.booking.id)
    }

    /// Brings the booking over; returns the contact and meeting ids.
    async fn apply(&mut self, token: &str, action: SyncAction) -> Result<(String, String), StepError> {
        let contact_id = match self.links.contact_id.clone() {
            Some(id) => id,
            None => {
                let id = self.ensure_contact(token).await?;
                self.link(CONTACT, Remote::Known(&id)).await?;
                id
            }
        };
        let meeting_id = match self.links.meeting_id.clone() {
            Some(id) => id,
            None => self.ensure_meeting(token, &contact_id).await?,
        };
        let api = self.api();
        match action {
            SyncAction::Created => {}
            SyncAction::Rescheduled => {
                let mut props = self.times();
                props["hs_meeting_outcome"] = json!("RESCHEDULED");
                api.update_meeting(&self.portal, token, &meeting_id, props).await?;
            }
            SyncAction::Cancelled => {
                api.update_meeting(
                    &self.portal,
                    token,
                    &meeting_id,
                    json!({ "hs_meeting_outcome": "CANCELED" }),
                )
                .await?;
            }
        }
        Ok((contact_id, meeting_id))
    }

    fn api(&self) -> &HubspotApi {
        self.ctx.hubspot_api.as_deref().expect("checked when the job started")
    }

    async fn ensure_contact(&self, token: &str) -> Result<String, ApiError> {
        let name = PersonName::parse(&self.booking.invitee_name).map_err(|e| ApiError::Rejected {
            status: 0,
            message: format!("the invitee's name: {e}"),
        })?;
        let (first_name, last_name) = name.split();
        let contact = ContactInput {
            email: &self.booking.invitee_email,
            first_name,
            last_name,
            phone: self.booking.invitee_phone.as_deref(),
        };
        if self.update_existing {
            self.api().upsert_contact(&self.portal, token, &contact).await
        } else {
            self.api()
                .create_contact_unless_exists(&self.portal, token, &contact)
                .await
        }
    }

    fn times(&self) -> Value {
        let start = app::ssr::time_fmt::iso(self.booking.start_at);
        json!({
            "hs_timestamp": start,
            "hs_meeting_start_time": start,
            "hs_meeting_end_time": app::ssr::time_fmt::iso(self.booking.end_at),
        })
    }

    async fn ensure_meeting(&mut self, token: &str, contact_id: &str) -> Result<String, StepError> {
        if let Some(sent) = self.links.meeting_sent_at {
            let lag = self.ctx.hubspot_search_lag;
            let waited = (Utc::now() - sent).to_std().unwrap_or_default();
            if waited < lag {
                return Err(StepError::Unconfirmed(lag - waited));
            }
            if let Some(id) = self.api().find_meeting(&self.portal, token, &self.marker()).await? {
                self.link(MEETING, Remote::Known(&id)).await?;
                return Ok(id);
            }
        }
        let mut props = self.times();
        props["hs_meeting_title"] = json!(format!("{} with {}", self.event.name, self.booking.invitee_name));
        props["hs_meeting_body"] = json!(
            self.booking
                .notes
                .clone()
                .unwrap_or_else(|| "Booked via Slotline".into())
        );
        props["hs_meeting_outcome"] = json!("SCHEDULED");
        props["hs_meeting_external_url"] = json!(self.marker());
        if let Some(location) = &self.event.location {
            props["hs_meeting_location"] = json!(location);
        }
        self.link(MEETING, Remote::PendingSince(Utc::now())).await?;
        match self.api().create_meeting(&self.portal, token, props, contact_id).await {
            Ok(id) => {
                self.link(MEETING, Remote::Known(&id)).await?;
                Ok(id)
            }
            Err(error) if !error.outcome_unknown() => {
                self.link(MEETING, Remote::Unknown).await?;
                Err(error.into())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Stores what is known of a HubSpot object the moment it is known.
    async fn link(&mut self, remote_kind: &str, remote: Remote<'_>) -> Result<(), StepError> {
        external_links::put(&self.ctx.db, self.local(), remote_kind, remote)
            .await
            .map_err(StepError::Storage)?;
        let (id, sent_at) = remote.columns();
        if remote_kind == CONTACT {
            self.links.contact_id = id;
        } else {
            self.links.meeting_id = id;
            self.links.meeting_sent_at = sent_at;
        }
        Ok(())
    }
}
