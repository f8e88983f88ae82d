//! `SyncBookingToHubspot`: brings one booking change to the team's portal —
//! the invitee as a contact (upserted by email, with the event type's mapped
//! properties), the booking as a meeting associated with them, and the
//! company of their e-mail's domain — and writes every attempt to the sync
//! log.
//!
//! Each step stores what it got (contact id, meeting id, company id) on the
//! booking, so a retry picks up where the last attempt stopped. A create
//! whose answer was lost may still have happened: before creating again, the
//! job waits out HubSpot's search lag and looks for the object by its marker
//! (a meeting's external URL, a company's domain). A mapped value that does
//! not fit its property is left out and named in the log; the rest syncs.
use super::{Attempt, JobContext, JobError, RunJob};
use crate::integrations::hubspot::api::{ApiError, ContactInput, refused_properties};
use crate::integrations::hubspot::{HubspotApi, OAuthError, TokenError, TokenSource};
use anyhow::anyhow;
use app::domain::hubspot_mapping::{BookingFacts, CrmObject, Mapping, PropertyDef, Skipped};
use app::domain::questions::Answer;
use app::domain::{BookingId, PersonName, TeamId};
use app::ssr::entities::{booking, event_type, external_link, integration_connection as connection};
use app::ssr::free_email;
use app::ssr::jobs::{SyncAction, SyncBookingToHubspot};
use app::ssr::services::external_links::{self, Claim, Local, Remote};
use app::ssr::services::hubspot::SyncRecord;
use app::ssr::services::hubspot::{self, HubspotSettings, mappings};
use chrono::DateTime;
use chrono::Utc;
use sea_orm::EntityTrait;
use serde_json::{Map, Value, json};

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
/// Present when HubSpot made the contact for this booking, rather than finding it.
const CONTACT_CREATED: &str = "contact_created";
const MEETING: &str = "meeting";
/// The company the booking's contact was associated with.
const COMPANY: &str = "company";
/// Local kind of a company's key: the e-mail domain, one company per domain and portal.
const EMAIL_DOMAIN: &str = "email_domain";

/// What the portal already holds of a booking.
#[derive(Default)]
struct Links {
    contact_id: Option<String>,
    contact_created: bool,
    meeting_id: Option<String>,
    /// When a meeting create went out without an answer coming back.
    meeting_sent_at: Option<DateTime<Utc>>,
    company_id: Option<String>,
}

impl Links {
    fn from_rows(rows: Vec<external_link::Model>) -> Self {
        rows.into_iter().fold(Self::default(), |mut links, row| {
            match row.remote_kind.as_str() {
                CONTACT => links.contact_id = row.remote_id,
                CONTACT_CREATED => links.contact_created = row.remote_id.is_some(),
                MEETING => {
                    links.meeting_id = row.remote_id;
                    links.meeting_sent_at = row.pending_since;
                }
                COMPANY => links.company_id = row.remote_id,
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
    connection_id: String,
    booking: booking::Model,
    event: event_type::Model,
    links: Links,
    update_existing: bool,
    answers: Vec<Answer>,
    mappings: Vec<Mapping>,
    /// Whether the booking's e-mail domain should have a company.
    companies: bool,
    can_write_companies: bool,
    /// Values left out, and what else the log should say.
    skipped: Vec<Skipped>,
    notes: Vec<String>,
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
    let mappings = mappings::of_event(&ctx.db, &event.id).await?;
    let mut sync = Sync {
        ctx,
        team_id: team_id.to_owned(),
        portal: found.account_id.clone(),
        connection_id: found.id.clone(),
        links: Links::default(),
        answers: app::ssr::services::bookings::answers(&booking),
        companies: event.hubspot_companies || mappings.iter().any(|m| m.object == CrmObject::Companies),
        can_write_companies: mappings::can_use_companies(&found.scopes),
        mappings,
        booking,
        event,
        update_existing: HubspotSettings::of(&found).update_existing_contacts,
        skipped: Vec::new(),
        notes: Vec::new(),
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
        sync.skipped.clear();
        sync.notes.clear();
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
                message: &sync.success_message(action),
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

    /// What the log says of a sync that went through, naming every value left out.
    fn success_message(&self, action: SyncAction) -> String {
        let mut message = match action {
            SyncAction::Created => "Contact and meeting are in HubSpot",
            SyncAction::Rescheduled => "Meeting moved to the new time",
            SyncAction::Cancelled => "Meeting marked as canceled",
        }
        .to_owned();
        if !self.skipped.is_empty() {
            let left_out: Vec<String> = self.skipped.iter().map(ToString::to_string).collect();
            message.push_str(&format!(". Left out: {}", left_out.join("; ")));
        }
        for note in &self.notes {
            message.push_str(&format!(". {note}"));
        }
        message
    }

    /// Brings the booking over; returns the contact and meeting ids.
    async fn apply(&mut self, token: &str, action: SyncAction) -> Result<(String, String), StepError> {
        let contact_id = match self.links.contact_id.clone() {
            Some(id) => id,
            None => self.ensure_contact(token).await?,
        };
        let meeting_id = match self.links.meeting_id.clone() {
            Some(id) => id,
            None => self.ensure_meeting(token, &contact_id).await?,
        };
        if action != SyncAction::Cancelled {
            self.ensure_company(token, &contact_id).await?;
        }
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

    fn name(&self) -> Result<PersonName, ApiError> {
        PersonName::parse(&self.booking.invitee_name).map_err(|e| ApiError::Rejected {
            status: 0,
            message: format!("the invitee's name: {e}"),
        })
    }

    /// The portal's writable properties of `object`, from the cache while it is fresh.
    async fn properties(&self, token: &str, object: CrmObject) -> Result<Vec<PropertyDef>, StepError> {
        let fetch = self.api().properties(&self.portal, token, object);
        let listed = mappings::properties(&self.ctx.db, &self.connection_id, object, false, fetch)
            .await
            .map_err(StepError::Storage)?;
        Ok(listed?.0)
    }

    /// The mapped values of `object`'s rows; those that do not fit are noted as skipped.
    async fn mapped(&mut self, token: &str, object: CrmObject) -> Result<Map<String, Value>, StepError> {
        let rows: Vec<Mapping> = self.mappings.iter().filter(|m| m.object == object).cloned().collect();
        let mut values = Map::new();
        if rows.is_empty() {
            return Ok(values);
        }
        let properties = self.properties(token, object).await?;
        let name = self.name()?;
        let (first_name, last_name) = name.split();
        let facts = BookingFacts {
            full_name: name.as_str(),
            first_name,
            last_name,
            email: &self.booking.invitee_email,
            phone: self.booking.invitee_phone.as_deref(),
            notes: self.booking.notes.as_deref(),
            time_zone: self.booking.invitee_time_zone,
            start: self.booking.start_at,
            event_name: &self.event.name,
            answers: &self.answers,
        };
        for row in rows {
            let Some(property) = properties.iter().find(|p| p.name == row.property) else {
                let reason = format!("HubSpot has no writable {} property by that name", object.as_str());
                self.skipped.push(Skipped::new(&row.property, reason));
                continue;
            };
            match facts.value_for(&row, property) {
                Ok(Some(value)) => {
                    values.insert(row.property.clone(), json!(value));
                }
                Ok(None) => {}
                Err(skipped) => self.skipped.push(skipped),
            }
        }
        Ok(values)
    }

    /// Upserts the contact with its mapped properties; a value HubSpot
    /// refuses is left out and the contact sent once more without it.
    async fn ensure_contact(&mut self, token: &str) -> Result<String, StepError> {
        let name = self.name()?;
        let (first_name, last_name) = name.split();
        let mut properties = Map::new();
        properties.insert("firstname".to_owned(), json!(first_name));
        if let Some(last) = last_name {
            properties.insert("lastname".to_owned(), json!(last));
        }
        if let Some(phone) = &self.booking.invitee_phone {
            properties.insert("phone".to_owned(), json!(phone));
        }
        properties.extend(self.mapped(token, CrmObject::Contacts).await?);
        let mut retried = false;
        let contact = loop {
            let input = ContactInput {
                email: &self.booking.invitee_email,
                properties: properties.clone(),
            };
            let sent = if self.update_existing {
                self.api().upsert_contact(&self.portal, token, &input).await
            } else {
                self.api()
                    .create_contact_unless_exists(&self.portal, token, &input)
                    .await
            };
            match sent {
                Err(ApiError::Rejected { status, message }) if !retried && matches!(status, 400 | 207) => {
                    let refused = refused_properties(&message);
                    if refused.is_empty() || refused.iter().any(|(name, _)| !properties.contains_key(name)) {
                        return Err(ApiError::Rejected { status, message }.into());
                    }
                    for (name, reason) in refused {
                        properties.remove(&name);
                        self.skipped
                            .push(Skipped::new(&name, format!("HubSpot refused it: {reason}")));
                    }
                    retried = true;
                }
                other => break other?,
            }
        };
        self.link(CONTACT, Remote::Known(&contact.id)).await?;
        if contact.new {
            self.link(CONTACT_CREATED, Remote::Known(&contact.id)).await?;
        }
        Ok(contact.id)
    }

    /// Associates the contact with the company of its e-mail's domain, when
    /// the event type makes companies and the domain is not a free-mail one.
    async fn ensure_company(&mut self, token: &str, contact_id: &str) -> Result<(), StepError> {
        if !self.companies || self.links.company_id.is_some() {
            return Ok(());
        }
        let Some((_, domain)) = self.booking.invitee_email.rsplit_once('@') else {
            return Ok(());
        };
        let domain = domain.trim().to_lowercase();
        if free_email::is_free(&domain) {
            self.notes.push(format!("No company: {domain} is a free e-mail domain"));
            return Ok(());
        }
        if !self.can_write_companies {
            self.notes
                .push("No company: reconnect HubSpot to give Slotline access to companies".to_owned());
            return Ok(());
        }
        let mapped = self.mapped(token, CrmObject::Companies).await?;
        let company_id = match self.company_for(token, &domain, mapped).await {
            Ok(id) => id,
            Err(StepError::Api(ApiError::Rejected { status, message })) => {
                self.notes
                    .push(format!("No company: HubSpot refused it ({status}): {message}"));
                return Ok(());
            }
            Err(other) => return Err(other),
        };
        let primary = self.links.contact_created;
        self.api()
            .associate_company(&self.portal, token, contact_id, &company_id, primary)
            .await?;
        self.link(COMPANY, Remote::Known(&company_id)).await
    }

    fn domain_key<'a>(&'a self, domain: &'a str) -> Local<'a> {
        Local {
            kind: EMAIL_DOMAIN,
            id: domain,
            ..self.local()
        }
    }

    /// The domain's company: the one Slotline linked before, else HubSpot's
    /// by domain (then by name), else a new one. One job at a time may
    /// create it; after a create whose answer was lost, HubSpot's search is
    /// asked past its lag before trying again.
    async fn company_for(&self, token: &str, domain: &str, mapped: Map<String, Value>) -> Result<String, StepError> {
        let db = &self.ctx.db;
        let key = self.domain_key(domain);
        let now = Utc::now();
        let claim = external_links::claim(db, key, COMPANY, now)
            .await
            .map_err(StepError::Storage)?;
        match claim {
            Claim::Known(id) => {
                self.update_company(token, &id, mapped).await?;
                return Ok(id);
            }
            Claim::Pending(since) => {
                let lag = self.ctx.hubspot_search_lag;
                let waited = (now - since).to_std().unwrap_or_default();
                if waited < lag {
                    return Err(StepError::Unconfirmed(lag - waited));
                }
                if let Some(id) = self.api().find_company(&self.portal, token, "domain", domain).await? {
                    return self.found_company(token, domain, id, mapped).await;
                }
                let taken = external_links::take_over(db, key, COMPANY, Some(since), now)
                    .await
                    .map_err(StepError::Storage)?;
                if !taken {
                    return Err(StepError::Unconfirmed(std::time::Duration::from_secs(1)));
                }
            }
            Claim::Mine => {
                // Someone may have made the company in HubSpot already.
                let mut found = self.api().find_company(&self.portal, token, "domain", domain).await?;
                if found.is_none()
                    && let Some(name) = mapped.get("name").and_then(Value::as_str)
                {
                    found = self.api().find_company(&self.portal, token, "name", name).await?;
                }
                if let Some(id) = found {
                    return self.found_company(token, domain, id, mapped).await;
                }
            }
        }
        let mut properties = mapped;
        properties.insert("domain".to_owned(), json!(domain));
        properties.entry("name").or_insert_with(|| json!(domain));
        match self
            .api()
            .create_company(&self.portal, token, Value::Object(properties))
            .await
        {
            Ok(id) => {
                external_links::put(db, key, COMPANY, Remote::Known(&id))
                    .await
                    .map_err(StepError::Storage)?;
                Ok(id)
            }
            Err(error) if !error.outcome_unknown() => {
                external_links::put(db, key, COMPANY, Remote::Unknown)
                    .await
                    .map_err(StepError::Storage)?;
                Err(error.into())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Links a company HubSpot already had to the domain and updates it.
    async fn found_company(
        &self,
        token: &str,
        domain: &str,
        id: String,
        mapped: Map<String, Value>,
    ) -> Result<String, StepError> {
        external_links::put(&self.ctx.db, self.domain_key(domain), COMPANY, Remote::Known(&id))
            .await
            .map_err(StepError::Storage)?;
        self.update_company(token, &id, mapped).await?;
        Ok(id)
    }

    /// Sets the mapped values on a company that existed, if the team updates existing records.
    async fn update_company(&self, token: &str, id: &str, mapped: Map<String, Value>) -> Result<(), StepError> {
        if !self.update_existing || mapped.is_empty() {
            return Ok(());
        }
        Ok(self
            .api()
            .update_company(&self.portal, token, id, Value::Object(mapped))
            .await?)
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
        match remote_kind {
            CONTACT => self.links.contact_id = id,
            CONTACT_CREATED => self.links.contact_created = id.is_some(),
            COMPANY => self.links.company_id = id,
            _ => {
                self.links.meeting_id = id;
                self.links.meeting_sent_at = sent_at;
            }
        }
        Ok(())
    }
}
