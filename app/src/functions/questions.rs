use crate::domain::questions::Question;
use crate::domain::{EventTypeId, QuestionId};
use crate::dto::QuestionForm;
use crate::error::AppError;
use leptos::prelude::*;

#[server]
pub async fn list_questions(event_type_id: EventTypeId) -> Result<Vec<Question>, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::questions};
    let state = state()?;
    let host = require_user(&state.db).await?;
    questions::list_own(&state.db, &host, &event_type_id).await
}

/// Adds a question, or edits it when `id` is given.
#[server]
pub async fn save_question(
    event_type_id: EventTypeId,
    id: Option<String>,
    form: QuestionForm,
) -> Result<Question, AppError> {
    use crate::ssr::{auth::require_user, context::state, services::questions};
    let state = state()?;
    let host = require_user(&state.db).await?;
    let id = id.filter(|id| !id.is_empty()).map(QuestionId::from);
    questions::save(&state.db, &host, &event_type_id, id.as_ref(), form).await
}

#[server]
pub async fn delete_question(event_type_id: EventTypeId, id: QuestionId) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::questions};
    let state = state()?;
    let host = require_user(&state.db).await?;
    questions::delete(&state.db, &host, &event_type_id, &id).await
}

#[server]
pub async fn move_question(event_type_id: EventTypeId, id: QuestionId, up: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::require_user, context::state, services::questions};
    let state = state()?;
    let host = require_user(&state.db).await?;
    questions::move_one(&state.db, &host, &event_type_id, &id, up).await
}
