//! A bulk import of contacts for reconcile and paging tests: tens of thousands at once, without
//! webhook events. Their create and modify dates are spread one millisecond apart, ending at the
//! moment of the import, so that slicing search by `lastmodifieddate` works; search sees them all
//! as written at that moment (after the search lag, like any write).

use std::collections::HashSet;

use chrono::TimeDelta;

use crate::errors::ApiError;
use crate::object_kind::ObjectKind;
use crate::objects::{Stamp, StoredObject};
use crate::properties::Changes;
use crate::property_history::Source;
use crate::state::State;
use crate::value_formats::normalise_email;

const KIND: ObjectKind = ObjectKind::Contact;
/// Most contacts one import may create, so a typo cannot exhaust memory.
pub(crate) const MAX_SEED: usize = 100_000;
/// Enough first names that neighbouring contacts differ.
const FIRST_NAMES: [&str; 8] = [
    "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Linus",
];

/// Creates `count` contacts with `changes` each; returns their ids in order.
pub(crate) fn seed(
    state: &mut State,
    count: usize,
    email_prefix: &str,
    changes: &Changes,
) -> Result<Vec<String>, ApiError> {
    if count == 0 || count > MAX_SEED {
        return Err(ApiError::Validation(format!(
            "count must be between 1 and {MAX_SEED}; got {count}"
        )));
    }
    if changes.contains_key("email") {
        return Err(ApiError::Validation(
            "Seeded contacts get their own emails: use emailPrefix instead of an email property".to_owned(),
        ));
    }
    let width = count.to_string().len().max(5);
    let emails = (1..=count)
        .map(|number| {
            let raw = format!("{email_prefix}-{number:0width$}@example.com");
            normalise_email(&raw).ok_or_else(|| ApiError::Validation(format!("Email address {raw} is invalid")))
        })
        .collect::<Result<Vec<String>, ApiError>>()?;
    let taken: HashSet<&str> = state
        .objects
        .live(KIND)
        .filter_map(|contact| contact.property("email"))
        .collect();
    if let Some(email) = emails.iter().find(|email| taken.contains(email.as_str())) {
        return Err(ApiError::Conflict(format!(
            "Contact already exists with email {email}: use another emailPrefix"
        )));
    }

    let now = state.now();
    let mut ids = Vec::with_capacity(count);
    for (offset, email) in emails.into_iter().enumerate() {
        let number = offset + 1;
        let mut contact = changes.clone();
        contact.insert("email".to_owned(), Some(email));
        let first = FIRST_NAMES[offset % FIRST_NAMES.len()];
        contact
            .entry("firstname".to_owned())
            .or_insert_with(|| Some(first.to_owned()));
        contact
            .entry("lastname".to_owned())
            .or_insert_with(|| Some(format!("Seed {number:0width$}")));
        let before = i64::try_from(count - number).unwrap_or_default();
        let stamp = Stamp {
            at: now - TimeDelta::milliseconds(before),
            source: Source::Import,
        };
        let id = state.objects.allocate_id();
        ids.push(id.clone());
        let object = StoredObject::create(KIND, id, contact, stamp).indexed_from(now);
        state.objects.insert(KIND, object);
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SandboxConfig;
    use crate::state::iso;

    #[test]
    fn seeded_contacts_get_numbered_emails_and_spread_dates() {
        let mut state = State::new(&SandboxConfig::default());
        let changes = Changes::from([("lifecyclestage".to_owned(), Some("customer".to_owned()))]);
        let ids = seed(&mut state, 3, "Seed", &changes).unwrap_or_default();
        assert_eq!(ids.len(), 3);
        let contacts: Vec<&StoredObject> = state.objects.live(KIND).collect();
        assert_eq!(contacts[0].property("email"), Some("seed-00001@example.com"));
        assert_eq!(contacts[2].property("lastname"), Some("Seed 00003"));
        assert_eq!(contacts[1].property("lifecyclestage"), Some("customer"));
        let modified: Vec<&str> = contacts.iter().filter_map(|c| c.property("lastmodifieddate")).collect();
        assert!(modified[0] < modified[1] && modified[1] < modified[2], "{modified:?}");
        assert_eq!(contacts[2].history.of("email")[0].source, Source::Import);
        assert!(contacts.iter().all(|c| c.indexed_version(state.now()).is_some()));
        assert_eq!(iso(contacts[2].created_at), modified[2]);
    }

    #[test]
    fn seeds_refuse_taken_emails_and_silly_counts() {
        let mut state = State::new(&SandboxConfig::default());
        assert!(seed(&mut state, 2, "seed", &Changes::new()).is_ok());
        assert!(matches!(
            seed(&mut state, 1, "seed", &Changes::new()),
            Err(ApiError::Conflict(_))
        ));
        assert!(seed(&mut state, 0, "other", &Changes::new()).is_err());
        assert!(seed(&mut state, 1, "bad prefix", &Changes::new()).is_err());
        let email = Changes::from([("email".to_owned(), Some("a@b.co".to_owned()))]);
        assert!(seed(&mut state, 1, "other", &email).is_err());
    }
}
