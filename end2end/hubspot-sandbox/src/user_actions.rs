//! What a HubSpot user does in HubSpot's UI, for tests of two-way sync: create, edit, archive,
//! restore and merge contacts — each recorded as `CRM_UI` by the sandbox's user
//! ([`SANDBOX_USER_ID`](crate::SANDBOX_USER_ID)) and raising webhook events like the app's own
//! writes — and a bulk import (see `seed`), which raises none. The Rust API is here; the HTTP
//! control endpoints in `user_endpoints` share it.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::merge;
use crate::object_kind::ObjectKind;
use crate::objects::{Standing, StoredObject};
use crate::properties;
use crate::property_history::Source;
use crate::sandbox::Sandbox;
use crate::seed;
use crate::snapshot::SandboxObject;
use crate::{contacts, writes};

const KIND: ObjectKind = ObjectKind::Contact;

/// Why a user action was refused; the same checks as the API's (property values, unique emails).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserActionError {
    /// No live contact has that id (HTTP `404`).
    #[error("not found: {0}")]
    NotFound(String),
    /// Bad properties or arguments (HTTP `400`).
    #[error("invalid: {0}")]
    Invalid(String),
    /// Another contact has the email (HTTP `409`).
    #[error("conflict: {0}")]
    Conflict(String),
}

impl From<ApiError> for UserActionError {
    fn from(error: ApiError) -> Self {
        let (status, _, message) = error.parts();
        match status.as_u16() {
            404 => Self::NotFound(message),
            409 => Self::Conflict(message),
            _ => Self::Invalid(message),
        }
    }
}

/// `[("email", "jane@example.com")]` as a `properties` object of string values.
fn properties_of(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), Value::from(*value)))
        .collect()
}

impl Sandbox {
    /// A user creates a contact (`""` leaves a property unset).
    pub fn user_create_contact(&self, properties: &[(&str, &str)]) -> Result<SandboxObject, UserActionError> {
        Ok(self.create_as_user(&properties_of(properties))?.snapshot())
    }

    /// A user edits a contact (`""` clears a property); an id merged away edits the record it became.
    pub fn user_update_contact(&self, id: &str, properties: &[(&str, &str)]) -> Result<SandboxObject, UserActionError> {
        Ok(self.update_as_user(id, &properties_of(properties))?.snapshot())
    }

    /// A user archives (deletes) a contact; it can be restored.
    pub fn user_archive_contact(&self, id: &str) -> Result<(), UserActionError> {
        Ok(self.archive_as_user(id)?)
    }

    /// A user restores an archived contact (a live one is left as it is).
    pub fn user_restore_contact(&self, id: &str) -> Result<SandboxObject, UserActionError> {
        Ok(self.restore_as_user(id)?.snapshot())
    }

    /// A user merges `id_to_merge` into `primary_id`; returns the new record (with a new id).
    pub fn user_merge_contacts(&self, primary_id: &str, id_to_merge: &str) -> Result<SandboxObject, UserActionError> {
        Ok(self.merge_as_user(primary_id, id_to_merge)?.snapshot())
    }

    /// Imports `count` contacts at once, without webhook events: emails
    /// `{email_prefix}-00001@example.com` …, first and last names, plus `properties` on each.
    /// Returns their ids, in order (consecutive numbers).
    pub fn seed_contacts(
        &self,
        count: usize,
        email_prefix: &str,
        properties: &[(&str, &str)],
    ) -> Result<Vec<String>, UserActionError> {
        Ok(self.seed(count, email_prefix, &properties_of(properties))?)
    }

    pub(crate) fn create_as_user(&self, input: &Map<String, Value>) -> Result<StoredObject, ApiError> {
        let changes = properties::check(self.registry(), KIND, input)?;
        let mut state = self.lock();
        contacts::refuse_taken_email(&state, &changes, None)?;
        let index = writes::create(&mut state, KIND, changes, Source::User);
        state.objects.get(KIND, index).cloned().ok_or(ApiError::Internal)
    }

    pub(crate) fn update_as_user(&self, id: &str, input: &Map<String, Value>) -> Result<StoredObject, ApiError> {
        let changes = properties::check(self.registry(), KIND, input)?;
        let mut state = self.lock();
        let index = contacts::find(&state, id, None)?;
        contacts::refuse_taken_email(&state, &changes, Some(index))?;
        writes::update(&mut state, KIND, index, changes, Source::User, self.lag())?;
        state.objects.get(KIND, index).cloned().ok_or(ApiError::Internal)
    }

    pub(crate) fn archive_as_user(&self, id: &str) -> Result<(), ApiError> {
        let mut state = self.lock();
        let Some(index) = state.objects.position(KIND, id) else {
            return Err(ApiError::NotFound);
        };
        let standing = state.objects.get(KIND, index).map(|contact| contact.standing.clone());
        match standing {
            Some(Standing::Live) => writes::archive(&mut state, KIND, index, Source::User, self.lag()),
            Some(Standing::Archived) => Ok(()),
            Some(Standing::MergedInto(_)) | None => Err(ApiError::NotFound),
        }
    }

    pub(crate) fn restore_as_user(&self, id: &str) -> Result<StoredObject, ApiError> {
        let mut state = self.lock();
        let index = state.objects.position(KIND, id).ok_or(ApiError::NotFound)?;
        writes::restore(&mut state, KIND, index, Source::User, self.lag())?;
        state.objects.get(KIND, index).cloned().ok_or(ApiError::Internal)
    }

    pub(crate) fn merge_as_user(&self, primary_id: &str, id_to_merge: &str) -> Result<StoredObject, ApiError> {
        let mut state = self.lock();
        let index = merge::merge(&mut state, primary_id, id_to_merge, Source::User, self.lag())?;
        state.objects.get(KIND, index).cloned().ok_or(ApiError::Internal)
    }

    pub(crate) fn seed(
        &self,
        count: usize,
        email_prefix: &str,
        input: &Map<String, Value>,
    ) -> Result<Vec<String>, ApiError> {
        let changes = properties::check(self.registry(), KIND, input)?;
        seed::seed(&mut self.lock(), count, email_prefix, &changes)
    }

    fn lag(&self) -> Duration {
        self.config().search_lag
    }
}
