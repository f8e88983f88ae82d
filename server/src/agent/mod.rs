//! What an AI agent (or any API client) can do as an API key's user: list
//! event types and free times, book, reschedule and cancel (by id or by
//! start time), list bookings and look up a caller. REST API v1 and the MCP
//! server both call these, so both keep the booking page's services, rules
//! and limits, and answer with the same shapes and error codes.
mod errors;
pub mod requests;
pub mod shapes;

use crate::api::error::ApiError;
use app::domain::api_scopes::{ApiScope, ApiScopes};
use app::domain::{BookingId, BookingSource, BookingStatus, Email, EventTypeId, TimeZoneName};
use app::dto::BookingForm;
use app::error::AppError;
use app::ssr::entities::{event_type, user};
use app::ssr::phone::{Phone, PhoneRegion};
use app::ssr::services::booking_page::start_of_day;
use app::ssr::services::bookings::{self, Actor, Booked, Claim, Cursor, Narrow, Search, SlotWindow};
use app::ssr::services::event_types::{self, Listing};
use app::ssr::services::{contacts, questions, team};
use app::ssr::time_fmt::iso;
use app::ssr::{AppState, jobs_ready};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use errors::{booking_error, field};
use requests::{
    AvailabilityRequest, BookRequest, CancelAtRequest, CancelRequest, ContactRequest, ListRequest, RescheduleRequest,
};
use shapes::{Availability, Booking, BookingPage, Contact, EventTypeItem, QuestionItem, Slot};

/// The longest stretch one availability request may cover, in days.
pub const MAX_AVAILABILITY_DAYS: i64 = 31;
/// How many upcoming bookings a contact lookup lists.
const UPCOMING_LIMIT: u64 = 20;

/// An API key's user, acting through REST or MCP.
pub struct Agent {
    pub state: AppState,
    pub user: user::Model,
    pub scopes: ApiScopes,
    /// Where bookings made through this agent say they came from.
    pub source: BookingSource,
}

/// A booking just made, or the one an earlier request with the same key made.
pub struct BookOutcome {
    pub booking: Booking,
    pub replayed: bool,
}

impl Agent {
    pub fn require(&self, scope: ApiScope) -> Result<(), ApiError> {
        require_scope(&self.scopes, scope)
    }

    /// The user's event types by name, with their durations and questions.
    pub async fn event_types(&self) -> Result<Vec<EventTypeItem>, ApiError> {
        let db = &self.state.db;
        let rows = event_types::list_of(db, &self.user.id, Listing::ByName)
            .await
            .map_err(AppError::from)?;
        let mut items = Vec::with_capacity(rows.len());
        for event in rows {
            let questions = questions::for_event(db, &event.id).await.map_err(AppError::from)?;
            items.push(EventTypeItem {
                id: event.id.to_string(),
                durations: event_types::durations(&event).all().to_vec(),
                name: event.name,
                slug: event.slug,
                duration: event.duration_min,
                questions: questions.iter().map(QuestionItem::from).collect(),
            });
        }
        Ok(items)
    }

    /// One of the user's active event types; anything else is not found.
    async fn own_event(&self, id: &str) -> Result<(user::Model, event_type::Model), ApiError> {
        let event = event_types::find_own(&self.state.db, &self.user, &EventTypeId::from(id.trim())).await?;
        if !event.active {
            return Err(AppError::NotFound.into());
        }
        Ok((self.user.clone(), event))
    }

    /// Free times of an event type, day by day in the caller's zone.
    pub async fn availability(&self, request: AvailabilityRequest) -> Result<Availability, ApiError> {
        self.require(ApiScope::BookingsRead)?;
        let (host, event) = match (&request.event_type_id, &request.host, &request.event) {
            (Some(id), _, _) if !id.trim().is_empty() => self.own_event(id).await?,
            (_, Some(host), Some(event)) => {
                let found = bookings::find_public_event(&self.state.db, host, event)
                    .await
                    .map_err(AppError::from)?;
                (found.host, found.event)
            }
            _ => return Err(field("eventTypeId", "Give eventTypeId, or host and event.")),
        };
        let tz = parse_zone("timeZone", &request.time_zone)?;
        let from = parse_day("from", &request.from)?;
        let to = parse_day("to", &request.to)?;
        if to < from {
            return Err(field("to", "Give a last day on or after the first."));
        }
        if (to - from).num_days() >= MAX_AVAILABILITY_DAYS {
            return Err(field(
                "to",
                format!("Ask for at most {MAX_AVAILABILITY_DAYS} days at a time."),
            ));
        }
        let minutes = event_types::durations(&event)
            .pick(request.duration)
            .map_err(|message| field("duration", message))?;
        let window = SlotWindow {
            from: start_of_day(tz.tz(), from),
            to: start_of_day(tz.tz(), to + Duration::days(1)),
            minutes,
            exclude: None,
        };
        let starts = bookings::free_slots(&self.state.db, &host, &event, window, Utc::now())
            .await
            .map_err(AppError::from)?;
        Ok(Availability {
            event_type_id: event.id.to_string(),
            time_zone: tz.name().to_owned(),
            duration: minutes,
            slots: starts.into_iter().map(|start| slot(start, minutes, tz)).collect(),
        })
    }

    /// Books once per idempotency key.
    pub async fn book(&self, key: Option<&str>, request: BookRequest) -> Result<BookOutcome, ApiError> {
        self.require(ApiScope::BookingsWrite)?;
        let key = key.ok_or_else(|| {
            field(
                "Idempotency-Key",
                "Send an Idempotency-Key (1 to 255 printable characters, e.g. a UUID), so that a retry books once.",
            )
        })?;
        let claim = Claim::new(
            self.user.id.clone(),
            key,
            &serde_json::to_value(&request).map_err(|_| AppError::Internal)?,
        )
        .map_err(|message| field("Idempotency-Key", message))?;
        let (host, event) = self.own_event(&request.event_type_id).await?;
        let form = BookingForm {
            host: host.slug.clone(),
            event: event.slug.clone(),
            start: request.start.clone(),
            time_zone: request.invitee.time_zone.clone(),
            name: request.invitee.name.clone(),
            email: request.invitee.email.clone(),
            phone: request.invitee.phone.clone().unwrap_or_default(),
            notes: request.notes.clone().unwrap_or_default(),
            answers: answers_of(request.answers.as_ref()),
            duration: request.duration.map(|d| d.to_string()).unwrap_or_default(),
        };
        let state = &self.state;
        let booked = bookings::book_once(
            &state.db,
            &state.secrets,
            state.access.booking_limits(),
            bookings::Bookable::read(&state.db, host.clone(), event.clone())
                .await
                .map_err(AppError::from)?,
            form,
            self.source,
            &claim,
        )
        .await;
        let outcome = match booked {
            Ok(Booked::Created(created)) => {
                jobs_ready(state);
                BookOutcome {
                    booking: Booking::from(&created.details),
                    replayed: false,
                }
            }
            Ok(Booked::Replayed(details)) => BookOutcome {
                booking: Booking::from(&details),
                replayed: true,
            },
            Err(bookings::BookingError::SlotTaken) => {
                let minutes = request.duration.unwrap_or(event.duration_min as u32);
                let zone = TimeZoneName::parse(&request.invitee.time_zone).ok();
                return Err(ApiError::SlotTaken {
                    next: self.next_free(&host, &event, &request.start, minutes, zone).await,
                });
            }
            Err(error) => return Err(booking_error(error)),
        };
        Ok(outcome)
    }

    /// The next three free times after `start`, as an agent reads them out.
    async fn next_free(
        &self,
        host: &user::Model,
        event: &event_type::Model,
        start: &str,
        minutes: u32,
        zone: Option<TimeZoneName>,
    ) -> Vec<String> {
        let Ok(start) = bookings::parse_start(start) else {
            return Vec::new();
        };
        let window = SlotWindow {
            from: start,
            to: start + Duration::days(14),
            minutes,
            exclude: None,
        };
        let Ok(free) = bookings::free_slots(&self.state.db, host, event, window, Utc::now()).await else {
            return Vec::new();
        };
        free.into_iter()
            .take(3)
            .map(|t| match zone {
                Some(zone) => format!(
                    "{} ({} {})",
                    iso(t),
                    t.with_timezone(&zone.tz()).format("%a %-d %b %H:%M"),
                    zone.name()
                ),
                None => iso(t),
            })
            .collect()
    }

    pub async fn booking(&self, id: &str) -> Result<Booking, ApiError> {
        self.require(ApiScope::BookingsRead)?;
        let details = bookings::get(&self.state.db, &BookingId::from(id), &Actor::Host(&self.user))
            .await
            .map_err(booking_error)?;
        Ok(Booking::from(&details))
    }

    pub async fn bookings(&self, request: ListRequest) -> Result<BookingPage, ApiError> {
        self.require(ApiScope::BookingsRead)?;
        let status = match request.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some("confirmed") => Some(BookingStatus::Confirmed),
            Some("cancelled") => Some(BookingStatus::Cancelled),
            Some("pending_payment") => Some(BookingStatus::PendingPayment),
            Some(_) => return Err(field("status", "Use confirmed, cancelled or pending_payment.")),
        };
        let limit = request.limit.unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return Err(field("limit", "Ask for 1 to 100 bookings a page."));
        }
        let search = Search {
            from: request
                .from
                .as_deref()
                .map(|raw| parse_instant("from", raw))
                .transpose()?,
            to: request.to.as_deref().map(|raw| parse_instant("to", raw)).transpose()?,
            status,
            invitee_email: request
                .invitee_email
                .as_deref()
                .map(|raw| Email::parse(raw).map_err(|message| field("inviteeEmail", message.to_string())))
                .transpose()?,
            invitee_phone: match request.invitee_phone.as_deref() {
                Some(raw) => Some(self.phone("inviteePhone", raw).await?.into_inner()),
                None => None,
            },
            after: request
                .cursor
                .as_deref()
                .map(|raw| Cursor::decode(raw).ok_or_else(|| field("cursor", "Pass nextCursor as it came.")))
                .transpose()?,
            limit: limit.into(),
        };
        let (rows, next) = bookings::search(&self.state.db, &self.user, search)
            .await
            .map_err(booking_error)?;
        Ok(BookingPage {
            data: rows.iter().map(Booking::from).collect(),
            next_cursor: next.map(|cursor| cursor.encode()),
        })
    }

    pub async fn cancel(&self, id: &str, request: CancelRequest) -> Result<Booking, ApiError> {
        self.require(ApiScope::BookingsWrite)?;
        let command = bookings::Cancel {
            id: BookingId::from(id),
            reason: request.reason.unwrap_or_default(),
        };
        let details = bookings::cancel(&self.state.db, command, Actor::Host(&self.user))
            .await
            .map_err(booking_error)?;
        jobs_ready(&self.state);
        Ok(Booking::from(&details))
    }

    pub async fn reschedule(&self, id: &str, request: RescheduleRequest) -> Result<Booking, ApiError> {
        self.require(ApiScope::BookingsWrite)?;
        let command = bookings::Reschedule {
            id: BookingId::from(id),
            start: parse_instant("start", &request.start)?,
        };
        let details = bookings::reschedule(&self.state.db, &self.state.secrets, command, Actor::Host(&self.user))
            .await
            .map_err(booking_error)?;
        jobs_ready(&self.state);
        Ok(Booking::from(&details))
    }

    /// Cancels the one confirmed booking starting exactly at the time given.
    pub async fn cancel_at(&self, request: CancelAtRequest) -> Result<Booking, ApiError> {
        self.require(ApiScope::BookingsWrite)?;
        let start = parse_instant("startTime", &request.start_time)?;
        let narrow = match (
            given(&request.event_type_id),
            given(&request.invitee_email),
            given(&request.invitee_phone),
        ) {
            (None, None, None) => Narrow::None,
            (Some(id), None, None) => Narrow::EventType(EventTypeId::from(id)),
            (None, Some(email), None) => {
                Narrow::InviteeEmail(Email::parse(email).map_err(|message| field("inviteeEmail", message.to_string()))?)
            }
            (None, None, Some(phone)) => Narrow::InviteePhone(self.phone("inviteePhone", phone).await?.into_inner()),
            _ => {
                return Err(field(
                    "startTime",
                    "Narrow by at most one of eventTypeId, inviteeEmail and inviteePhone.",
                ));
            }
        };
        let found = bookings::starting_at(&self.state.db, &self.user, start, narrow)
            .await
            .map_err(booking_error)?;
        match found.as_slice() {
            [] => Err(ApiError::App(AppError::NotFound)),
            [one] => {
                let id = one.booking.id.to_string();
                self.cancel(&id, CancelRequest { reason: request.reason }).await
            }
            several => Err(ApiError::Ambiguous {
                message: format!(
                    "{} bookings start at {}. Cancel one by its id, or narrow by eventTypeId, inviteeEmail or \
                     inviteePhone.",
                    several.len(),
                    iso(start)
                ),
                candidates: several.iter().map(Booking::from).collect(),
            }),
        }
    }

    /// The caller by phone or e-mail, with their upcoming bookings.
    pub async fn contact(&self, request: ContactRequest) -> Result<Contact, ApiError> {
        self.require(ApiScope::ContactsRead)?;
        let lookup = match (given(&request.phone), given(&request.email)) {
            (Some(phone), None) => contacts::Lookup::Phone(self.phone("phone", phone).await?),
            (None, Some(email)) => {
                contacts::Lookup::Email(Email::parse(email).map_err(|message| field("email", message.to_string()))?)
            }
            _ => return Err(field("phone", "Give exactly one of phone and email.")),
        };
        let db = &self.state.db;
        let contact = contacts::lookup(db, &self.user.team_id, &lookup)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let upcoming = bookings::upcoming_of_contact(db, &contact.id, Utc::now(), UPCOMING_LIMIT)
            .await
            .map_err(booking_error)?;
        Ok(Contact {
            id: contact.id.to_string(),
            name: contact.name,
            email: contact.email,
            phone: contact.phone,
            company: contact.company,
            upcoming_bookings: upcoming.iter().map(Booking::from).collect::<Vec<_>>(),
        })
    }

    /// A phone number as the team reads it.
    async fn phone(&self, name: &str, raw: &str) -> Result<Phone, ApiError> {
        let region: Option<PhoneRegion> = team::phone_region_of(&self.state.db, &self.user)
            .await
            .map_err(AppError::from)?;
        Phone::parse(raw, region).map_err(|message| field(name, message))
    }
}

/// `insufficient_scope` unless a key with `scopes` may act within `scope`.
pub fn require_scope(scopes: &ApiScopes, scope: ApiScope) -> Result<(), ApiError> {
    if scopes.allows(scope) {
        Ok(())
    } else {
        Err(ApiError::InsufficientScope(scope))
    }
}

fn slot(start: DateTime<Utc>, minutes: u32, zone: TimeZoneName) -> Slot {
    Slot {
        start: iso(start),
        end: iso(start + Duration::minutes(minutes.into())),
        local_start: start.with_timezone(&zone.tz()).format("%Y-%m-%dT%H:%M").to_string(),
    }
}

fn parse_zone(name: &str, raw: &str) -> Result<TimeZoneName, ApiError> {
    TimeZoneName::parse(raw).map_err(|_| field(name, "Give an IANA time zone, e.g. Europe/Berlin."))
}

fn parse_day(name: &str, raw: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| field(name, "Give a day as YYYY-MM-DD."))
}

/// An RFC 3339 instant, or a day (`YYYY-MM-DD`) as its start in UTC.
fn parse_instant(name: &str, raw: &str) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(day) = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    bookings::parse_start(raw).map_err(|_| field(name, "Give a time as RFC 3339, e.g. 2026-02-10T14:00:00Z."))
}

/// Answers as the booking form submits them: several options one per line.
fn answers_of(
    answers: Option<&std::collections::BTreeMap<String, serde_json::Value>>,
) -> std::collections::BTreeMap<String, String> {
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    answers
        .into_iter()
        .flatten()
        .map(|(id, value)| {
            let value = match value {
                serde_json::Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("\n"),
                other => text(other),
            };
            (id.clone(), value)
        })
        .collect()
}

/// A parameter that is given and not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}
