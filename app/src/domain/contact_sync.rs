//! How two-way contact sync settles a field the two sides disagree on: the
//! newer change wins, field by field, from Slotline's per-field change times
//! and HubSpot's per-property history. Pure, so every case is a unit test.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A contact field both sides keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncedField {
    Name,
    Email,
    Phone,
    Company,
}

impl SyncedField {
    pub const ALL: [Self; 4] = [Self::Name, Self::Email, Self::Phone, Self::Company];

    /// The HubSpot contact properties that hold it.
    pub fn properties(self) -> &'static [&'static str] {
        match self {
            Self::Name => &["firstname", "lastname"],
            Self::Email => &["email"],
            Self::Phone => &["phone"],
            Self::Company => &["company"],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Company => "company",
        }
    }

    /// Slotline cannot keep a contact without it, so an empty value never wins.
    fn required(self) -> bool {
        matches!(self, Self::Name | Self::Email)
    }
}

/// One side's value of a field and when it last changed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Side<'a> {
    /// Blank counts as no value.
    pub value: Option<&'a str>,
    /// Unknown counts as older than any known time.
    pub changed_at: Option<DateTime<Utc>>,
}

impl<'a> Side<'a> {
    pub fn new(value: Option<&'a str>, changed_at: Option<DateTime<Utc>>) -> Self {
        Self {
            value: value.map(str::trim).filter(|v| !v.is_empty()),
            changed_at,
        }
    }
}

/// Which record of a newly linked pair is older, when both were created
/// within [`TWIN_WINDOW`] of each other: the same person entered on both
/// sides at once, where the older record is canonical.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Older {
    Local,
    Remote,
}

/// Records created this close together are one person entered twice.
pub const TWIN_WINDOW: Duration = Duration::seconds(60);

/// The older of two records created within [`TWIN_WINDOW`], if they were.
pub fn twins(local_created: DateTime<Utc>, remote_created: DateTime<Utc>) -> Option<Older> {
    if (local_created - remote_created).abs() > TWIN_WINDOW {
        return None;
    }
    Some(if local_created <= remote_created {
        Older::Local
    } else {
        Older::Remote
    })
}

/// What to do with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Both sides agree.
    Same,
    /// HubSpot's value replaces Slotline's.
    TakeRemote,
    /// Slotline's value goes to HubSpot.
    SendLocal,
}

/// The decision for one field, and whether it settled a conflict: both
/// sides changed it since they were last in step, to different values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub outcome: Outcome,
    pub conflict: bool,
}

/// One field of a linked pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'a> {
    pub local: Side<'a>,
    pub remote: Side<'a>,
    /// When the pair was last in step; `None` for a pair linked just now.
    pub synced_at: Option<DateTime<Utc>>,
    /// Set for a pair linked just now whose records are twins.
    pub twins: Option<Older>,
}

/// Settles `field` of `pair`: the newer change wins; at equal times HubSpot
/// wins, because the team's CRM is where it curates its contacts. Twins
/// take the older record's values, and an empty value never replaces a
/// required field.
pub fn settle(field: SyncedField, pair: Pair<'_>) -> Settled {
    let (local, remote) = (pair.local, pair.remote);
    let same = match (local.value, remote.value) {
        (Some(l), Some(r)) if field == SyncedField::Email => l.eq_ignore_ascii_case(r),
        (l, r) => l == r,
    };
    if same {
        return Settled {
            outcome: Outcome::Same,
            conflict: false,
        };
    }
    let remote_wins = match (local.value, remote.value) {
        (_, None) if field.required() => false,
        (None, _) if field.required() => true,
        _ => match pair.twins {
            Some(Older::Local) if local.value.is_some() => false,
            Some(Older::Remote) if remote.value.is_some() => true,
            _ => remote.changed_at >= local.changed_at,
        },
    };
    let changed_since = |side: Side<'_>| match (pair.synced_at, side.changed_at) {
        (None, _) => true,
        (Some(synced), Some(changed)) => changed > synced,
        (Some(_), None) => false,
    };
    Settled {
        outcome: if remote_wins {
            Outcome::TakeRemote
        } else {
            Outcome::SendLocal
        },
        conflict: local.value.is_some() && remote.value.is_some() && changed_since(local) && changed_since(remote),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> Option<DateTime<Utc>> {
        Some(Utc.with_ymd_and_hms(2026, 12, 3, 10, minute, 0).unwrap())
    }

    fn pair<'a>(local: (&'a str, Option<DateTime<Utc>>), remote: (&'a str, Option<DateTime<Utc>>)) -> Pair<'a> {
        Pair {
            local: Side::new(Some(local.0), local.1),
            remote: Side::new(Some(remote.0), remote.1),
            synced_at: at(0),
            twins: None,
        }
    }

    /// Two different values of each field, as each side would hold them.
    fn values(field: SyncedField) -> (&'static str, &'static str) {
        match field {
            SyncedField::Name => ("Jane Doe", "Jane Smith"),
            SyncedField::Email => ("jane@example.com", "jane@work.example"),
            SyncedField::Phone => ("+14155550100", "+14155550199"),
            SyncedField::Company => ("Acme", "Globex"),
        }
    }

    #[test]
    fn the_newer_side_wins_each_field() {
        for field in SyncedField::ALL {
            let (l, r) = values(field);
            let local_newer = settle(field, pair((l, at(20)), (r, at(10))));
            assert_eq!(local_newer.outcome, Outcome::SendLocal, "{field:?}");
            assert!(local_newer.conflict, "{field:?}: both changed since the last sync");
            let remote_newer = settle(field, pair((l, at(10)), (r, at(20))));
            assert_eq!(remote_newer.outcome, Outcome::TakeRemote, "{field:?}");
            assert!(remote_newer.conflict, "{field:?}");
        }
    }

    #[test]
    fn at_equal_times_hubspot_wins_each_field() {
        for field in SyncedField::ALL {
            let (l, r) = values(field);
            let settled = settle(field, pair((l, at(15)), (r, at(15))));
            assert_eq!(settled.outcome, Outcome::TakeRemote, "{field:?}");
            assert!(settled.conflict, "{field:?}");
        }
    }

    #[test]
    fn equal_values_need_nothing_whatever_the_times() {
        for field in SyncedField::ALL {
            let (l, _) = values(field);
            for (local_at, remote_at) in [(at(20), at(10)), (at(10), at(20)), (at(15), at(15)), (None, None)] {
                let settled = settle(field, pair((l, local_at), (l, remote_at)));
                assert_eq!(settled.outcome, Outcome::Same, "{field:?}");
                assert!(!settled.conflict);
            }
        }
    }

    #[test]
    fn emails_differing_only_in_case_are_the_same() {
        let settled = settle(
            SyncedField::Email,
            pair(("Jane@Example.com", at(20)), ("jane@example.com", at(10))),
        );
        assert_eq!(settled.outcome, Outcome::Same);
    }

    #[test]
    fn a_change_on_one_side_only_is_no_conflict() {
        for field in SyncedField::ALL {
            let (l, r) = values(field);
            // Slotline's value is from before the last sync: HubSpot's edit simply arrives.
            let settled = settle(field, pair((l, Some(at(0).unwrap() - Duration::hours(1))), (r, at(5))));
            assert_eq!(settled.outcome, Outcome::TakeRemote, "{field:?}");
            assert!(!settled.conflict, "{field:?}");
            let settled = settle(field, pair((l, at(5)), (r, Some(at(0).unwrap() - Duration::hours(1)))));
            assert_eq!(settled.outcome, Outcome::SendLocal, "{field:?}");
            assert!(!settled.conflict, "{field:?}");
        }
    }

    #[test]
    fn an_unknown_time_is_older_than_any_known_one() {
        let settled = settle(
            SyncedField::Phone,
            pair(("+14155550100", None), ("+14155550199", at(1))),
        );
        assert_eq!(settled.outcome, Outcome::TakeRemote);
        let settled = settle(
            SyncedField::Phone,
            pair(("+14155550100", at(1)), ("+14155550199", None)),
        );
        assert_eq!(settled.outcome, Outcome::SendLocal);
    }

    #[test]
    fn a_newer_clear_empties_optional_fields_but_never_required_ones() {
        for field in SyncedField::ALL {
            let (l, _) = values(field);
            let cleared_remotely = Pair {
                local: Side::new(Some(l), at(10)),
                remote: Side::new(Some("  "), at(20)),
                synced_at: at(0),
                twins: None,
            };
            let settled = settle(field, cleared_remotely);
            let expected = if field.required() {
                Outcome::SendLocal
            } else {
                Outcome::TakeRemote
            };
            assert_eq!(settled.outcome, expected, "{field:?}");
            assert!(!settled.conflict, "{field:?}: a clear is a change, not a disagreement");
            let cleared_locally = Pair {
                local: Side::new(None, at(20)),
                remote: Side::new(Some(l), at(10)),
                synced_at: at(0),
                twins: None,
            };
            let expected = if field.required() {
                Outcome::TakeRemote
            } else {
                Outcome::SendLocal
            };
            assert_eq!(settle(field, cleared_locally).outcome, expected, "{field:?}");
        }
    }

    #[test]
    fn twins_take_the_older_records_values() {
        let created_local = at(10).unwrap();
        let created_remote = created_local + Duration::seconds(5);
        assert_eq!(twins(created_local, created_remote), Some(Older::Local));
        assert_eq!(twins(created_remote, created_local), Some(Older::Remote));
        assert_eq!(twins(created_local, created_local + Duration::minutes(5)), None);
        for field in SyncedField::ALL {
            let (l, r) = values(field);
            let mut twin = pair((l, Some(created_local)), (r, Some(created_remote)));
            twin.synced_at = None;
            twin.twins = Some(Older::Local);
            assert_eq!(settle(field, twin).outcome, Outcome::SendLocal, "{field:?}");
            twin.twins = Some(Older::Remote);
            assert_eq!(settle(field, twin).outcome, Outcome::TakeRemote, "{field:?}");
        }
    }

    #[test]
    fn a_pair_linked_just_now_conflicts_wherever_it_differs() {
        let mut first = pair(("Acme", at(10)), ("Globex", at(20)));
        first.synced_at = None;
        assert_eq!(
            settle(SyncedField::Company, first),
            Settled {
                outcome: Outcome::TakeRemote,
                conflict: true
            }
        );
    }
}
