//! The questions an event type's booking form asks, in the host's order.
use super::{FieldErrors, event_types};
use crate::domain::questions::{MAX_QUESTIONS, Question, QuestionKind, QuestionSpec};
use crate::domain::{EventTypeId, QuestionId};
use crate::dto::QuestionForm;
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{event_type_question as question, user};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};

pub(crate) fn to_question(model: question::Model) -> Question {
    Question {
        kind: QuestionKind::parse(&model.kind).unwrap_or_default(),
        options: model.options.lines().map(str::to_owned).collect(),
        id: model.id,
        label: model.label,
        required: model.required,
    }
}

/// An event type's questions, in order.
pub async fn for_event(db: &impl ConnectionTrait, event_type_id: &EventTypeId) -> Result<Vec<Question>, DbErr> {
    let rows = question::Entity::find()
        .filter(question::Column::EventTypeId.eq(event_type_id))
        .order_by_asc(question::Column::Position)
        .order_by_asc(question::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(to_question).collect())
}

/// The questions of one of the host's own event types.
pub async fn list_own(
    db: &DatabaseConnection,
    host: &user::Model,
    event_type_id: &EventTypeId,
) -> Result<Vec<Question>, AppError> {
    let event = event_types::find_own(db, host, event_type_id).await?;
    Ok(for_event(db, &event.id).await?)
}

fn parse(form: &QuestionForm) -> Result<QuestionSpec, AppError> {
    QuestionSpec::parse(&form.label, &form.kind, form.required.is_some(), &form.options).map_err(|list| {
        let mut errors = FieldErrors::default();
        for (field, message) in list {
            errors.push(field, message);
        }
        errors.into_result().err().unwrap_or(AppError::Internal)
    })
}

async fn find_in(
    db: &impl ConnectionTrait,
    event_type_id: &EventTypeId,
    id: &QuestionId,
) -> Result<question::Model, AppError> {
    question::Entity::find_by_id(id)
        .filter(question::Column::EventTypeId.eq(event_type_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Adds a question at the end of the form, or edits it in place when `id` is given.
#[tracing::instrument(skip_all, fields(event_type.id = %event_type_id))]
pub async fn save(
    db: &DatabaseConnection,
    host: &user::Model,
    event_type_id: &EventTypeId,
    id: Option<&QuestionId>,
    form: QuestionForm,
) -> Result<Question, AppError> {
    let event = event_types::find_own(db, host, event_type_id).await?;
    let spec = parse(&form)?;
    let existing = match id {
        Some(id) => Some(find_in(db, &event.id, id).await?),
        None => None,
    };
    let is_new = existing.is_none();
    let mut model: question::ActiveModel = match existing {
        Some(found) => found.into(),
        None => {
            let existing = question::Entity::find()
                .filter(question::Column::EventTypeId.eq(&event.id))
                .count(db)
                .await?;
            if existing >= MAX_QUESTIONS as u64 {
                return Err(AppError::field(
                    "label",
                    format!("An event type can ask at most {MAX_QUESTIONS} questions."),
                ));
            }
            let last = question::Entity::find()
                .filter(question::Column::EventTypeId.eq(&event.id))
                .order_by_desc(question::Column::Position)
                .one(db)
                .await?;
            question::ActiveModel {
                id: Set(QuestionId::generate()),
                event_type_id: Set(event.id.clone()),
                position: Set(last.map_or(0, |q| q.position + 1)),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
        }
    };
    model.label = Set(spec.label);
    model.kind = Set(spec.kind.as_str().to_owned());
    model.required = Set(spec.required);
    model.options = Set(spec.options.join("\n"));
    let saved = if is_new {
        model.insert(db).await?
    } else {
        model.update(db).await?
    };
    Ok(to_question(saved))
}

/// Removes a question; answers already given stay on their bookings.
pub async fn delete(
    db: &DatabaseConnection,
    host: &user::Model,
    event_type_id: &EventTypeId,
    id: &QuestionId,
) -> Result<(), AppError> {
    let event = event_types::find_own(db, host, event_type_id).await?;
    find_in(db, &event.id, id).await?;
    question::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// Swaps a question with its neighbour above (`up`) or below.
pub async fn move_one(
    db: &DatabaseConnection,
    host: &user::Model,
    event_type_id: &EventTypeId,
    id: &QuestionId,
    up: bool,
) -> Result<(), AppError> {
    let event = event_types::find_own(db, host, event_type_id).await?;
    let txn = write_transaction(db).await?;
    let rows = question::Entity::find()
        .filter(question::Column::EventTypeId.eq(&event.id))
        .order_by_asc(question::Column::Position)
        .order_by_asc(question::Column::CreatedAt)
        .all(&txn)
        .await?;
    let index = rows.iter().position(|q| q.id == *id).ok_or(AppError::NotFound)?;
    let other = if up { index.checked_sub(1) } else { Some(index + 1) };
    let Some(other) = other.filter(|&i| i < rows.len()) else {
        return Ok(());
    };
    // Positions are renumbered from the current order, so gaps and ties left
    // by deletions cannot make a swap a no-op.
    let mut order: Vec<&question::Model> = rows.iter().collect();
    order.swap(index, other);
    for (position, row) in order.into_iter().enumerate() {
        if row.position != position as i32 {
            let mut model: question::ActiveModel = row.clone().into();
            model.position = Set(position as i32);
            model.update(&txn).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
