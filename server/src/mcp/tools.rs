//! The MCP tools: each checks its arguments against its input schema, acts
//! through the same [`Agent`] operation as its REST route, and answers
//! with structured content (and the same JSON as text), or with a tool
//! error carrying the REST error code and a sentence a model can act on.
use crate::agent::Agent;
use crate::agent::requests::{AvailabilityRequest, BookRequest, CancelAtRequest, CancelRequest, ContactRequest};
use crate::agent::shapes::{Availability, Booking, Contact, EventTypeItem};
use crate::api::auth::ApiUser;
use crate::api::error::ApiError;
use app::domain::BookingSource;
use app::ssr::AppState;
use rmcp::handler::server::common::{FromContextPart, schema_for_input, schema_for_output};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::{Extension, ToolCallContext};
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::{ErrorData, ServerHandler, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A tool's arguments. Arguments that break the input schema are a
/// JSON-RPC error (invalid params), as CONTRACTS §3 says; rmcp's own
/// `Parameters` would answer a tool error instead.
pub struct Args<T>(pub T);

impl<S, T: DeserializeOwned> FromContextPart<ToolCallContext<'_, S>> for Args<T> {
    fn from_context_part(context: &mut ToolCallContext<'_, S>) -> Result<Self, ErrorData> {
        let arguments = context.arguments.take().unwrap_or_default();
        serde_json::from_value(serde_json::Value::Object(arguments))
            .map(Self)
            .map_err(|error| {
                ErrorData::invalid_params(format!("The arguments do not match the input schema: {error}"), None)
            })
    }
}

/// The input schema of a tool taking `T`.
fn input<T: JsonSchema + 'static>() -> std::sync::Arc<rmcp::model::JsonObject> {
    schema_for_input::<T>()
        .unwrap_or_else(|error| panic!("the input schema of {}: {error}", std::any::type_name::<T>()))
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypesOut {
    pub event_types: Vec<EventTypeItem>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct BookingOut {
    pub booking: Booking,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookArgs {
    /// A fresh key per booking (1 to 255 printable characters, e.g. a
    /// UUID): a retry with the same key and arguments books nothing more.
    pub idempotency_key: String,
    #[serde(flatten)]
    pub booking: BookRequest,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CancelArgs {
    /// The booking to cancel; or give `startTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_id: Option<String>,
    /// The booking's start, RFC 3339 (e.g. `2026-02-10T15:00:00+01:00`), when its id is not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// With `startTime`: only bookings of this event type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type_id: Option<String>,
    /// With `startTime`: only this invitee's booking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitee_email: Option<String>,
    /// With `startTime`: only this invitee's booking, any spelling of the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitee_phone: Option<String>,
    /// Told to the invitee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleArgs {
    pub booking_id: String,
    /// A free time from `check_availability`, RFC 3339.
    pub start: String,
}

/// Slotline's tools, acting as the API key's user.
#[derive(Clone)]
pub struct SlotlineTools {
    state: AppState,
    tool_router: ToolRouter<Self>,
}

/// Turns an operation's outcome into a tool result.
fn answer<T: Serialize>(outcome: Result<T, ApiError>) -> Result<CallToolResult, ErrorData> {
    match outcome {
        Ok(value) => {
            let value =
                serde_json::to_value(value).map_err(|error| ErrorData::internal_error(error.to_string(), None))?;
            Ok(CallToolResult::structured(value))
        }
        Err(error) => {
            let (status, _) = error.status_and_code();
            if status.is_server_error() {
                return Err(ErrorData::internal_error(
                    "Slotline could not do that just now. Try again.",
                    None,
                ));
            }
            let body =
                serde_json::to_value(error.body()).map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
            let mut result = CallToolResult::structured_error(body);
            result.content = vec![ContentBlock::text(error.message())];
            Ok(result)
        }
    }
}

impl SlotlineTools {
    pub fn new(state: AppState) -> Self {
        Self {
            state,
            tool_router: Self::tool_router(),
        }
    }

    /// The caller, whom the HTTP layer authenticated.
    fn agent(&self, parts: &http::request::Parts) -> Result<Agent, ErrorData> {
        let user = parts
            .extensions
            .get::<ApiUser>()
            .cloned()
            .ok_or_else(|| ErrorData::internal_error("the request was not authenticated", None))?;
        Ok(user.agent(self.state.clone(), BookingSource::Mcp))
    }
}

#[tool_router]
impl SlotlineTools {
    #[tool(
        description = "List the event types (kinds of meeting) you can book, with their ids, default and allowed \
                       durations in minutes, and the questions a booking must answer. Call this first to find the \
                       eventTypeId the other tools need.",
        output_schema = schema_for_output::<EventTypesOut>()
    )]
    async fn list_event_types(
        &self,
        Extension(parts): Extension<http::request::Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let agent = self.agent(&parts)?;
        answer(
            agent
                .event_types()
                .await
                .map(|event_types| EventTypesOut { event_types }),
        )
    }

    #[tool(
        description = "Find free times of an event type between two days (YYYY-MM-DD, inclusive, at most 31 days) in \
                       the caller's time zone. Each slot has its UTC start and end and localStart in that zone; \
                       book a slot by passing its start to `book`.",
        input_schema = input::<AvailabilityRequest>(),
        output_schema = schema_for_output::<Availability>()
    )]
    async fn check_availability(
        &self,
        Args(request): Args<AvailabilityRequest>,
        Extension(parts): Extension<http::request::Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let agent = self.agent(&parts)?;
        let request = AvailabilityRequest {
            host: None,
            event: None,
            ..request
        };
        answer(agent.availability(request).await)
    }

    #[tool(
        description = "Book a free time for an invitee. Use a start from `check_availability`, the invitee's name, \
                       e-mail and time zone, and answers to required questions. The invitee gets a confirmation \
                       e-mail. If the time was just taken, the error names the next free times.",
        input_schema = input::<BookArgs>(),
        output_schema = schema_for_output::<BookingOut>()
    )]
    async fn book(
        &self,
        Args(args): Args<BookArgs>,
        Extension(parts): Extension<http::request::Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let agent = self.agent(&parts)?;
        let outcome = agent.book(Some(&args.idempotency_key), args.booking).await;
        answer(outcome.map(|outcome| BookingOut {
            booking: outcome.booking,
        }))
    }

    #[tool(
        description = "Cancel a booking, by its id, or by its exact start time (\"my appointment on Tuesday at 3\") \
                       optionally narrowed by one of event type, invitee e-mail or invitee phone. When several \
                       bookings start then, the error lists them as candidates: ask which one, then cancel by id.",
        input_schema = input::<CancelArgs>(),
        output_schema = schema_for_output::<BookingOut>()
    )]
    async fn cancel_booking(
        &self,
        Args(args): Args<CancelArgs>,
        Extension(parts): Extension<http::request::Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let agent = self.agent(&parts)?;
        let outcome = match (args.booking_id, args.start_time) {
            (Some(id), None) => agent.cancel(&id, CancelRequest { reason: args.reason }).await,
            (None, Some(start_time)) => {
                agent
                    .cancel_at(CancelAtRequest {
                        start_time,
                        event_type_id: args.event_type_id,
                        invitee_email: args.invitee_email,
                        invitee_phone: args.invitee_phone,
                        reason: args.reason,
                    })
                    .await
            }
            _ => {
                return Err(ErrorData::invalid_params(
                    "Give exactly one of bookingId and startTime.",
                    None,
                ));
            }
        };
        answer(outcome.map(|booking| BookingOut { booking }))
    }

    #[tool(
        description = "Move a booking to another free time of its event type (from `check_availability`). The \
                       invitee is told by e-mail.",
        input_schema = input::<RescheduleArgs>(),
        output_schema = schema_for_output::<BookingOut>()
    )]
    async fn reschedule_booking(
        &self,
        Args(args): Args<RescheduleArgs>,
        Extension(parts): Extension<http::request::Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let agent = self.agent(&parts)?;
        let request = crate::agent::requests::RescheduleRequest { start: args.start };
        answer(
            agent
                .reschedule(&args.booking_id, request)
                .await
                .map(|booking| BookingOut { booking }),
        )
    }

    #[tool(
        description = "Look up who is calling, by phone number (any spelling; national numbers are read in the \
                       team's country) or e-mail: their name, e-mail, phone, company and upcoming bookings.",
        input_schema = input::<ContactRequest>(),
        output_schema = schema_for_output::<Contact>()
    )]
    async fn find_contact(
        &self,
        Args(request): Args<ContactRequest>,
        Extension(parts): Extension<http::request::Parts>,
    ) -> Result<CallToolResult, ErrorData> {
        let agent = self.agent(&parts)?;
        answer(agent.contact(request).await)
    }
}

#[tool_handler(
    router = self.tool_router,
    name = "slotline",
    version = "1",
    instructions = "Slotline books meetings with its hosts. Find the event type with list_event_types, free times with \
                    check_availability, then book. Times are RFC 3339; say them to people in their own time zone."
)]
impl ServerHandler for SlotlineTools {}
