//! Two-way contact sync on the HubSpot card: its settings, the reconcile's
//! progress, and when things last happened.
use serde::{Deserialize, Serialize};

/// A lifecycle stage the owner may bring in from HubSpot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChoice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

/// Where a reconcile is, for the progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcileProgress {
    pub running: bool,
    /// `running`, `finished`, `failed` or `stopped`.
    pub status: String,
    /// `initial`, `manual` or `nightly`.
    pub trigger: String,
    pub total: u32,
    pub processed: u32,
    pub pulled: u32,
    pub pushed: u32,
    pub merged: u32,
    pub conflicts: u32,
    pub skipped: u32,
    /// Why it failed or stopped.
    pub message: Option<String>,
    /// In the viewer's zone.
    pub started: String,
    pub finished: Option<String>,
}

/// The two-way sync part of the card, for a connected team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSyncCard {
    pub both_ways: bool,
    pub stages: Vec<StageChoice>,
    /// `HH:MM`, in `zone`.
    pub nightly_time: String,
    pub zone: String,
    /// In the viewer's zone.
    pub last_reconcile: Option<String>,
    pub next_reconcile: Option<String>,
    pub webhooks_seen: Option<String>,
    pub progress: Option<ReconcileProgress>,
}
