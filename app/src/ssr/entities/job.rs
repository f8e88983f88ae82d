//! The job queue's table: a pending job with a live lease is running.
use sea_orm::entity::prelude::*;

pub const PENDING: &str = "pending";
pub const DONE: &str = "done";
/// Out of attempts, failed for good, or killing its process: never claimed
/// again unless retried by hand.
pub const DEAD: &str = "dead";

pub const QUEUE_DEFAULT: &str = "default";
pub const QUEUE_WEBHOOKS: &str = "webhooks";

/// How many jobs sharing a concurrency key run at once.
pub const CONCURRENCY_CAP: i64 = 2;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTimeUtc,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// Jobs with the same key run one at a time, oldest first.
    pub ordering_key: Option<String>,
    /// The pool of workers that runs it: [`QUEUE_DEFAULT`] or [`QUEUE_WEBHOOKS`].
    pub queue: String,
    /// Jobs with the same key run at most [`CONCURRENCY_CAP`] at once.
    pub concurrency_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
