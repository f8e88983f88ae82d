//! The association store: which objects are linked and by which HUBSPOT_DEFINED type ids, and the
//! type ids the sandbox knows (HubSpot's, as HUBSPOT.md lists them). Pure bookkeeping; the HTTP
//! side lives in `association_endpoints`.

use std::collections::BTreeSet;

use crate::object_kind::ObjectKind::{self, Company, Contact, Meeting};
use crate::snapshot::SandboxAssociation;

/// One HUBSPOT_DEFINED association type, in one direction.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Definition {
    pub(crate) from: ObjectKind,
    pub(crate) to: ObjectKind,
    pub(crate) type_id: u32,
    /// The same association seen from the other side.
    reverse_id: u32,
    /// HubSpot's name for it in object reads (`?associations=…`).
    pub(crate) name: &'static str,
    /// The "Primary" label: at most one per `from` object, and it implies the unlabelled type.
    primary: bool,
}

const fn definition(from: ObjectKind, to: ObjectKind, type_id: u32, reverse_id: u32, name: &'static str) -> Definition {
    Definition {
        from,
        to,
        type_id,
        reverse_id,
        name,
        primary: false,
    }
}

const fn primary(from: ObjectKind, to: ObjectKind, type_id: u32, reverse_id: u32, name: &'static str) -> Definition {
    Definition {
        primary: true,
        ..definition(from, to, type_id, reverse_id, name)
    }
}

/// Unlabelled types come before the primary ones, so the first match of a pair is its default.
const DEFINITIONS: &[Definition] = &[
    definition(Meeting, Contact, 200, 199, "meeting_to_contact"),
    definition(Contact, Meeting, 199, 200, "contact_to_meeting"),
    definition(Meeting, Company, 188, 187, "meeting_to_company"),
    definition(Company, Meeting, 187, 188, "company_to_meeting"),
    definition(Contact, Company, 279, 280, "contact_to_company_unlabeled"),
    definition(Company, Contact, 280, 279, "company_to_contact_unlabeled"),
    primary(Contact, Company, 1, 2, "contact_to_company"),
    primary(Company, Contact, 2, 1, "company_to_contact"),
];

impl Definition {
    /// The known type `type_id` from `from` (to whichever type it links).
    pub(crate) fn find(from: ObjectKind, type_id: u32) -> Option<&'static Self> {
        DEFINITIONS
            .iter()
            .find(|definition| definition.from == from && definition.type_id == type_id)
    }

    /// The type HubSpot uses for a "default" association from `from` to `to`.
    pub(crate) fn default_between(from: ObjectKind, to: ObjectKind) -> Option<&'static Self> {
        DEFINITIONS
            .iter()
            .find(|definition| definition.from == from && definition.to == to)
    }

    fn by_id(type_id: u32) -> Option<&'static Self> {
        DEFINITIONS.iter().find(|definition| definition.type_id == type_id)
    }

    /// The same association seen from the other side (the table lists both; a test checks it).
    pub(crate) fn reverse(&self) -> &'static Self {
        Self::by_id(self.reverse_id).unwrap_or(&DEFINITIONS[0])
    }

    /// Whether `type_id` from `from` carries the "Primary" label.
    pub(crate) fn is_primary(from: ObjectKind, type_id: u32) -> bool {
        Self::find(from, type_id).is_some_and(|definition| definition.primary)
    }
}

/// Links are stored one way per pair of types (meeting → contact, meeting → company, contact →
/// company), so that a pair linked from either side is one link.
fn stored_this_way(from: ObjectKind, to: ObjectKind) -> bool {
    let rank = |kind| match kind {
        Meeting => 0,
        Contact => 1,
        Company => 2,
    };
    rank(from) < rank(to)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct End {
    kind: ObjectKind,
    id: String,
}

impl End {
    fn is(&self, kind: ObjectKind, id: &str) -> bool {
        self.kind == kind && self.id == id
    }
}

#[derive(Debug, Clone)]
struct Link {
    from: End,
    to: End,
    /// Type ids in the stored direction.
    type_ids: BTreeSet<u32>,
}

/// Every link, in the order pairs were first linked.
#[derive(Default)]
pub(crate) struct AssociationStore {
    links: Vec<Link>,
}

impl AssociationStore {
    /// Links `from_id` to `to_id` with `definition`'s type; linking again changes nothing. A primary
    /// type also sets the unlabelled one and takes the label from the object's previous primary.
    pub(crate) fn associate(&mut self, definition: &'static Definition, from_id: &str, to_id: &str) {
        let (definition, from_id, to_id) = if stored_this_way(definition.from, definition.to) {
            (definition, from_id, to_id)
        } else {
            (definition.reverse(), to_id, from_id)
        };
        let mut type_ids = BTreeSet::from([definition.type_id]);
        if definition.primary {
            if let Some(unlabelled) = Definition::default_between(definition.from, definition.to) {
                type_ids.insert(unlabelled.type_id);
            }
            for link in &mut self.links {
                if link.from.is(definition.from, from_id) && link.to.kind == definition.to {
                    link.type_ids.remove(&definition.type_id);
                }
            }
        }
        let existing = self
            .links
            .iter_mut()
            .find(|link| link.from.is(definition.from, from_id) && link.to.is(definition.to, to_id));
        match existing {
            Some(link) => link.type_ids.extend(type_ids),
            None => self.links.push(Link {
                from: End {
                    kind: definition.from,
                    id: from_id.to_owned(),
                },
                to: End {
                    kind: definition.to,
                    id: to_id.to_owned(),
                },
                type_ids,
            }),
        }
    }

    /// Moves every link of `(kind, old)` to `(kind, new)`, as a merge does. A pair already linked
    /// keeps one link with both sets of types, and an object keeps the primary label it got first
    /// (so move the merge's primary record first).
    pub(crate) fn move_links(&mut self, kind: ObjectKind, old: &str, new: &str) {
        let (moved, kept): (Vec<Link>, Vec<Link>) = std::mem::take(&mut self.links)
            .into_iter()
            .partition(|link| link.from.is(kind, old) || link.to.is(kind, old));
        self.links = kept;
        for mut link in moved {
            for end in [&mut link.from, &mut link.to] {
                if end.is(kind, old) {
                    new.clone_into(&mut end.id);
                }
            }
            let is_primary = |from: &End, type_id: u32| Definition::is_primary(from.kind, type_id);
            let has_primary = self.links.iter().any(|other| {
                other.from == link.from
                    && other.to.kind == link.to.kind
                    && other.type_ids.iter().any(|&type_id| is_primary(&other.from, type_id))
            });
            if has_primary {
                let from = link.from.clone();
                link.type_ids.retain(|&type_id| !is_primary(&from, type_id));
            }
            match self
                .links
                .iter_mut()
                .find(|other| other.from == link.from && other.to == link.to)
            {
                Some(existing) => existing.type_ids.extend(link.type_ids),
                None => self.links.push(link),
            }
        }
    }

    /// The objects of type `to` linked to `(from, id)`, in link order, each with its type ids as
    /// seen from `from`.
    pub(crate) fn linked(&self, from: ObjectKind, id: &str, to: ObjectKind) -> Vec<(&str, Vec<u32>)> {
        let forward = stored_this_way(from, to);
        self.links
            .iter()
            .filter_map(|link| {
                let (near, far) = if forward {
                    (&link.from, &link.to)
                } else {
                    (&link.to, &link.from)
                };
                if !near.is(from, id) || far.kind != to {
                    return None;
                }
                let type_ids = link
                    .type_ids
                    .iter()
                    .filter_map(|&type_id| Definition::by_id(type_id))
                    .map(|definition| if forward { definition } else { definition.reverse() })
                    .map(|definition| definition.type_id)
                    .collect();
                Some((far.id.as_str(), type_ids))
            })
            .collect()
    }

    /// Just the ids of [`AssociationStore::linked`].
    pub(crate) fn linked_ids(&self, from: ObjectKind, id: &str, to: ObjectKind) -> Vec<String> {
        self.linked(from, id, to)
            .into_iter()
            .map(|(id, _)| id.to_owned())
            .collect()
    }

    /// The `to` object that is `(from, id)`'s primary one, if any.
    pub(crate) fn primary(&self, from: ObjectKind, id: &str, to: ObjectKind) -> Option<&str> {
        self.linked(from, id, to)
            .into_iter()
            .find(|(_, type_ids)| type_ids.iter().any(|&type_id| Definition::is_primary(from, type_id)))
            .map(|(id, _)| id)
    }

    pub(crate) fn snapshot(&self) -> Vec<SandboxAssociation> {
        self.links
            .iter()
            .map(|link| SandboxAssociation {
                from_type: link.from.kind.plural().to_owned(),
                from_id: link.from.id.clone(),
                to_type: link.to.kind.plural().to_owned(),
                to_id: link.to.id.clone(),
                type_ids: link.type_ids.iter().copied().collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(from: ObjectKind, type_id: u32) -> &'static Definition {
        Definition::find(from, type_id).unwrap_or(&DEFINITIONS[0])
    }

    #[test]
    fn every_definition_has_its_reverse() {
        for definition in DEFINITIONS {
            let reverse = definition.reverse();
            assert_eq!(
                (reverse.from, reverse.to),
                (definition.to, definition.from),
                "{definition:?}"
            );
            assert_eq!(reverse.reverse(), definition);
            assert_eq!(reverse.primary, definition.primary);
        }
        assert_eq!(
            Definition::default_between(Contact, Company).map(|d| d.type_id),
            Some(279)
        );
        assert_eq!(
            Definition::default_between(Company, Contact).map(|d| d.type_id),
            Some(280)
        );
    }

    #[test]
    fn a_pair_linked_from_either_side_is_one_link() {
        let mut store = AssociationStore::default();
        store.associate(find(Contact, 279), "1", "2");
        store.associate(find(Company, 280), "2", "1");
        store.associate(find(Contact, 279), "1", "2");
        let links = store.snapshot();
        assert_eq!(links.len(), 1);
        assert_eq!(
            (links[0].from_type.as_str(), links[0].type_ids.clone()),
            ("contacts", vec![279])
        );
        assert_eq!(store.linked(Company, "2", Contact), vec![("1", vec![280])]);
    }

    #[test]
    fn a_new_primary_company_replaces_the_old_one() {
        let mut store = AssociationStore::default();
        store.associate(find(Contact, 1), "1", "10");
        store.associate(find(Contact, 279), "1", "11");
        assert_eq!(
            store.linked(Contact, "1", Company),
            vec![("10", vec![1, 279]), ("11", vec![279])]
        );
        // Set from the company's side (type 2): contact 1's primary company becomes 11.
        store.associate(find(Company, 2), "11", "1");
        assert_eq!(
            store.linked(Contact, "1", Company),
            vec![("10", vec![279]), ("11", vec![1, 279])]
        );
        assert_eq!(store.linked(Company, "11", Contact), vec![("1", vec![2, 280])]);
        // Another contact's primary is its own business.
        store.associate(find(Contact, 1), "2", "10");
        assert_eq!(store.linked(Contact, "1", Company)[1].1, vec![1, 279]);
    }

    #[test]
    fn moving_links_joins_pairs_and_keeps_the_first_primary() {
        let mut store = AssociationStore::default();
        store.associate(find(Contact, 1), "1", "10");
        store.associate(find(Contact, 1), "2", "11");
        store.associate(find(Contact, 279), "2", "10");
        store.associate(find(Meeting, 200), "5", "2");
        store.move_links(Contact, "1", "3");
        store.move_links(Contact, "2", "3");
        assert_eq!(
            store.linked(Contact, "3", Company),
            vec![("10", vec![1, 279]), ("11", vec![279])]
        );
        assert_eq!(store.linked(Meeting, "5", Contact), vec![("3", vec![200])]);
        assert!(store.linked(Contact, "1", Company).is_empty() && store.linked(Contact, "2", Company).is_empty());
    }

    #[test]
    fn meetings_link_to_contacts_in_order() {
        let mut store = AssociationStore::default();
        store.associate(find(Meeting, 200), "5", "2");
        store.associate(find(Contact, 199), "1", "5");
        let contacts: Vec<&str> = store
            .linked(Meeting, "5", Contact)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(contacts, vec!["2", "1"]);
        assert_eq!(store.linked(Contact, "1", Meeting), vec![("5", vec![199])]);
    }
}
