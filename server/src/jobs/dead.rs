//! Dead jobs: out of attempts, failed for good, or killing their process.
//! Listed with their last error (`server jobs`), and retried or dismissed
//! by hand; the daily purge keeps them until then.
use app::ssr::entities::job;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

/// A dead job as an operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadJob {
    pub id: String,
    pub kind: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub died_at: DateTime<Utc>,
}

/// Every dead job, the most recent first.
pub async fn dead_jobs(db: &DatabaseConnection) -> Result<Vec<DeadJob>, DbErr> {
    Ok(job::Entity::find()
        .filter(job::Column::Status.eq(job::DEAD))
        .order_by_desc(job::Column::UpdatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|j| DeadJob {
            id: j.id,
            kind: j.kind,
            attempts: j.attempts,
            last_error: j.last_error,
            died_at: j.updated_at,
        })
        .collect())
}

/// Queues dead jobs again with their attempts anew: the one with `id`, or
/// all of them. Returns how many were queued.
pub async fn retry_dead(db: &DatabaseConnection, id: Option<&str>) -> Result<u64, DbErr> {
    let now = Utc::now();
    let mut update = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(job::PENDING))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(job::Column::RunAt, Expr::value(now))
        .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Status.eq(job::DEAD));
    if let Some(id) = id {
        update = update.filter(job::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Deletes dead jobs the operator gave up on: the one with `id`, or all of
/// them. Returns how many went.
pub async fn dismiss_dead(db: &DatabaseConnection, id: Option<&str>) -> Result<u64, DbErr> {
    let mut delete = job::Entity::delete_many().filter(job::Column::Status.eq(job::DEAD));
    if let Some(id) = id {
        delete = delete.filter(job::Column::Id.eq(id));
    }
    Ok(delete.exec(db).await?.rows_affected)
}
