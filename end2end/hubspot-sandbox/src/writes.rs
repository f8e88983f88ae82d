//! Every create, update, archive and restore of a stored object goes through here, so that each
//! keeps the property history, bumps the modified date and raises the app webhook events it should
//! (contacts only), whoever made it: the app through the API or a user through the control
//! endpoints.

use std::time::Duration;

use crate::contacts;
use crate::errors::ApiError;
use crate::object_kind::ObjectKind;
use crate::objects::{Stamp, Standing, StoredObject};
use crate::properties::Changes;
use crate::property_history::Source;
use crate::state::State;
use crate::webhooks::ContactEvent;

/// Creates an object from checked `changes`; returns its index.
pub(crate) fn create(state: &mut State, kind: ObjectKind, changes: Changes, source: Source) -> usize {
    let stamp = Stamp {
        at: state.now(),
        source,
    };
    let id = state.objects.allocate_id();
    let object = StoredObject::create(kind, id, changes, stamp);
    if kind == ObjectKind::Contact {
        let id = object.id.as_str();
        state.webhooks.raise(ContactEvent::Creation { id }, stamp.at, source);
        // HubSpot also reports the properties a creation sets as changes.
        for (name, value) in object.properties() {
            let change = ContactEvent::PropertyChange {
                id,
                name,
                value: Some(value),
            };
            state.webhooks.raise(change, stamp.at, source);
        }
    }
    state.objects.insert(kind, object)
}

/// Applies checked `changes` to the object at `index`.
pub(crate) fn update(
    state: &mut State,
    kind: ObjectKind,
    index: usize,
    changes: Changes,
    source: Source,
    lag: Duration,
) -> Result<(), ApiError> {
    let stamp = Stamp {
        at: state.now(),
        source,
    };
    let object = state.objects.get_mut(kind, index).ok_or(ApiError::Internal)?;
    let changed = object.update(kind, changes, stamp, lag);
    if kind == ObjectKind::Contact {
        let id = object.id.clone();
        for (name, value) in &changed {
            let change = ContactEvent::PropertyChange {
                id: &id,
                name,
                value: value.as_deref(),
            };
            state.webhooks.raise(change, stamp.at, source);
        }
    }
    Ok(())
}

/// Archives the object at `index`; archiving an archived object changes nothing.
pub(crate) fn archive(
    state: &mut State,
    kind: ObjectKind,
    index: usize,
    source: Source,
    lag: Duration,
) -> Result<(), ApiError> {
    let at = state.now();
    let object = state.objects.get_mut(kind, index).ok_or(ApiError::Internal)?;
    if object.standing != Standing::Live {
        return Ok(());
    }
    object.archive(at, lag);
    if kind == ObjectKind::Contact {
        let id = object.id.clone();
        state.webhooks.raise(ContactEvent::Deletion { id: &id }, at, source);
    }
    Ok(())
}

/// Brings the archived object at `index` back (a live one stays as it is). A contact whose email
/// another contact took meanwhile cannot come back: `409`.
pub(crate) fn restore(
    state: &mut State,
    kind: ObjectKind,
    index: usize,
    source: Source,
    lag: Duration,
) -> Result<(), ApiError> {
    let object = state.objects.get(kind, index).ok_or(ApiError::Internal)?;
    match object.standing {
        Standing::Live => return Ok(()),
        Standing::MergedInto(_) => return Err(ApiError::NotFound),
        Standing::Archived => {}
    }
    if kind == ObjectKind::Contact {
        let email = Changes::from([("email".to_owned(), object.property("email").map(str::to_owned))]);
        contacts::refuse_taken_email(state, &email, Some(index))?;
    }
    let stamp = Stamp {
        at: state.now(),
        source,
    };
    let object = state.objects.get_mut(kind, index).ok_or(ApiError::Internal)?;
    object.restore(kind, stamp, lag);
    if kind == ObjectKind::Contact {
        let id = object.id.clone();
        state
            .webhooks
            .raise(ContactEvent::Restore { id: &id }, stamp.at, source);
    }
    Ok(())
}
