//! One reconcile of a team's contacts with its HubSpot portal: where it got
//! (so that a restarted process resumes it) and what it did so far.
use crate::domain::TeamId;
use sea_orm::entity::prelude::*;

pub const RUNNING: &str = "running";
pub const FINISHED: &str = "finished";
pub const FAILED: &str = "failed";
/// Disconnected or switched back to one-way while it ran.
pub const STOPPED: &str = "stopped";

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_sync_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub team_id: TeamId,
    /// The portal it reconciles with.
    pub account_id: String,
    /// `initial`, `manual` or `nightly`.
    pub trigger: String,
    /// [`RUNNING`], [`FINISHED`], [`FAILED`] or [`STOPPED`].
    pub status: String,
    /// `pull` (HubSpot's contacts in), then `push` (Slotline's out), then `done`.
    pub phase: String,
    /// The last HubSpot contact id pulled (`hs_object_id`, the slicing key).
    pub pull_after: Option<String>,
    /// The last Slotline contact id pushed.
    pub push_after: Option<String>,
    pub total: i32,
    pub processed: i32,
    pub pulled: i32,
    pub pushed: i32,
    pub merged: i32,
    pub conflicts: i32,
    pub skipped: i32,
    /// Why it failed or stopped.
    pub message: Option<String>,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
