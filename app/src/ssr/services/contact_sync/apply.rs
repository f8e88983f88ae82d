//! A HubSpot contact applied to Slotline's: linked by id (or, the first
//! time, by e-mail), created when it is new and in a chosen stage, merged
//! when HubSpot merged it, and settled field by field with
//! [`settle`]. What Slotline holds newer comes back as properties to send.
use super::{Portal, RemoteContact};
use crate::domain::contact_sync::{Older, Outcome, Pair, Side, SyncedField, settle, twins};
use crate::domain::{ContactId, Email, PersonName};
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{contact, external_link as link, integration_connection as connection};
use crate::ssr::phone::Phone;
use crate::ssr::services::contacts::{Fields, merge_into, new_row, set_archived};
use crate::ssr::services::external_links::{by_remote, put_in_step};
use crate::ssr::services::hubspot::{SyncRecord, record};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// Who asks for a HubSpot contact to be applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A pull, a reconcile or a webhook: only contacts in the chosen stages
    /// come in (or stay linked).
    Pulled,
    /// A push of the Slotline contact with this e-mail: it links to its
    /// HubSpot record whatever the stage, and its newer values go out.
    Pushed,
}

/// What applying one HubSpot contact did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    Created,
    Updated,
    Unchanged,
    /// Not in a chosen stage, and not linked: left in HubSpot.
    Skipped,
}

#[derive(Debug)]
pub struct Applied {
    pub outcome: ApplyOutcome,
    pub contact_id: Option<ContactId>,
    /// Slotline's newer values, as HubSpot properties to write.
    pub send: Map<String, Value>,
    pub conflicts: u32,
    /// Slotline contacts folded together because HubSpot merged theirs.
    pub merged: u32,
}

impl Applied {
    fn skipped() -> Self {
        Self {
            outcome: ApplyOutcome::Skipped,
            contact_id: None,
            send: Map::new(),
            conflicts: 0,
            merged: 0,
        }
    }
}

/// The team's contacts linked to `ids` in the portal, oldest first.
async fn linked_to(
    db: &impl ConnectionTrait,
    portal: &Portal,
    ids: &[&str],
) -> Result<Vec<(link::Model, contact::Model)>, DbErr> {
    let links = by_remote(db, connection::HUBSPOT, &portal.account_id, link::CONTACT, ids).await?;
    let mut pairs = Vec::new();
    for found in links {
        if let Some(contact) = contact::Entity::find_by_id(found.local_id.as_str())
            .filter(contact::Column::TeamId.eq(&portal.team_id))
            .one(db)
            .await?
        {
            pairs.push((found, contact));
        }
    }
    pairs.sort_by_key(|(_, c)| c.created_at);
    Ok(pairs)
}

/// Applies each of `remotes` to the team's contacts, in one transaction (a
/// page of a reconcile commits once). Conflicts it settles go to the sync
/// log with both values.
pub async fn apply_remotes(
    db: &DatabaseConnection,
    portal: &Portal,
    remotes: &[RemoteContact],
    origin: Origin,
    now: DateTime<Utc>,
) -> Result<Vec<Applied>, DbErr> {
    let txn = write_transaction(db).await?;
    let mut applied = Vec::with_capacity(remotes.len());
    for remote in remotes {
        applied.push(apply_in(&txn, portal, remote, origin, now).await?);
    }
    txn.commit().await?;
    Ok(applied)
}

async fn apply_in(
    db: &impl ConnectionTrait,
    portal: &Portal,
    remote: &RemoteContact,
    origin: Origin,
    now: DateTime<Utc>,
) -> Result<Applied, DbErr> {
    let mut ids: Vec<&str> = vec![remote.id.as_str()];
    ids.extend(remote.merged_ids.iter().map(String::as_str));
    let mut linked = linked_to(db, portal, &ids).await?.into_iter();
    let mut merged = 0;
    let found = match linked.next() {
        Some((row, mut kept)) => {
            // HubSpot merged these records into one: so are their Slotline contacts, the oldest kept.
            for (_, other) in linked {
                kept = merge_into(db, kept, other).await?;
                merged += 1;
            }
            Some((Some(row), kept))
        }
        None => match remote.email.as_deref().and_then(|e| Email::parse(e).ok()) {
            Some(email) => contact::Entity::find()
                .filter(contact::Column::TeamId.eq(&portal.team_id))
                .filter(contact::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
                .map(|c| (None, c)),
            None => None,
        },
    };
    let pulled = portal.pulls(remote.lifecycle_stage.as_deref());
    if let Some((None, _)) = &found
        && !pulled
        && origin == Origin::Pulled
    {
        // Same e-mail, but HubSpot's record is outside the chosen stages: not linked.
        return Ok(Applied::skipped());
    }
    let Some((row, local)) = found else {
        if !pulled {
            return Ok(Applied::skipped());
        }
        return create(db, portal, remote, now).await;
    };
    let mut applied = Applied {
        outcome: ApplyOutcome::Unchanged,
        contact_id: Some(local.id.clone()),
        send: Map::new(),
        conflicts: 0,
        merged,
    };
    let mut model: contact::ActiveModel = local.clone().into();
    let mut changed = merged > 0;
    if local.lifecycle_stage != remote.lifecycle_stage {
        model.lifecycle_stage = Set(remote.lifecycle_stage.clone());
        changed = true;
    }
    // A contact outside the chosen stages keeps its tag and is no longer
    // pulled; what Slotline holds newer still goes out.
    let synced_at = row.as_ref().and_then(|r| r.remote_updated_at);
    let twin = match (&row, remote.created_at) {
        (None, Some(created)) => twins(local.created_at, created),
        _ => None,
    };
    for field in SyncedField::ALL {
        let remote_value = remote_value(portal, remote, field);
        let local_value = local_value(&local, field);
        let pair = Pair {
            local: Side::new(local_value.as_deref(), changed_at(&local, field)),
            remote: Side::new(remote_value.as_deref(), remote.changed(field)),
            synced_at,
            twins: twin,
        };
        let settled = settle(field, pair);
        if settled.conflict && (pulled || settled.outcome == Outcome::SendLocal) {
            applied.conflicts += 1;
            log_conflict(db, portal, &local, field, &pair, settled.outcome, twin).await?;
        }
        match settled.outcome {
            Outcome::Same => {}
            Outcome::SendLocal => put_property(&mut applied.send, field, pair.local.value),
            Outcome::TakeRemote if pulled => {
                let at = remote.changed(field).unwrap_or(now);
                if take(db, portal, &mut model, &local, field, pair.remote.value, at).await? {
                    changed = true;
                }
            }
            Outcome::TakeRemote => {}
        }
    }
    if changed {
        model.updated_at = Set(now);
        model.update(db).await?;
        applied.outcome = ApplyOutcome::Updated;
    }
    put_in_step(db, portal.local(local.id.as_str()), link::CONTACT, &remote.id, now).await?;
    Ok(applied)
}

/// HubSpot's value of `field` in Slotline's form: phone numbers in E.164
/// where they can be read, so that a number formatted differently is the same.
fn remote_value(portal: &Portal, remote: &RemoteContact, field: SyncedField) -> Option<String> {
    let value = remote.value(field)?;
    match field {
        SyncedField::Phone => Some(
            Phone::parse(&value, portal.region)
                .map(Phone::into_inner)
                .unwrap_or(value),
        ),
        SyncedField::Email => Some(Email::parse(&value).map(Email::into_inner).unwrap_or(value)),
        _ => Some(value),
    }
}

fn local_value(local: &contact::Model, field: SyncedField) -> Option<String> {
    match field {
        SyncedField::Name => Some(local.name.clone()),
        SyncedField::Email => Some(local.email.clone()),
        SyncedField::Phone => local.phone.clone(),
        SyncedField::Company => local.company.clone(),
    }
}

/// When `field` last changed in Slotline; rows from before per-field times
/// count from their last update.
fn changed_at(local: &contact::Model, field: SyncedField) -> Option<DateTime<Utc>> {
    let at = match field {
        SyncedField::Name => local.name_changed_at,
        SyncedField::Email => local.email_changed_at,
        SyncedField::Phone => local.phone_changed_at,
        SyncedField::Company => local.company_changed_at,
    };
    Some(at.unwrap_or(local.updated_at))
}

/// Adds `field`'s value (blank to clear) to the properties HubSpot gets.
pub(super) fn put_property(send: &mut Map<String, Value>, field: SyncedField, value: Option<&str>) {
    let value = value.unwrap_or("");
    match field {
        SyncedField::Name => {
            let (first, last) = match PersonName::parse(value) {
                Ok(name) => {
                    let (first, last) = name.split();
                    (first.to_owned(), last.unwrap_or("").to_owned())
                }
                Err(_) => (value.to_owned(), String::new()),
            };
            send.insert("firstname".to_owned(), json!(first));
            send.insert("lastname".to_owned(), json!(last));
        }
        SyncedField::Email => {
            send.insert("email".to_owned(), json!(value));
        }
        SyncedField::Phone => {
            send.insert("phone".to_owned(), json!(value));
        }
        SyncedField::Company => {
            send.insert("company".to_owned(), json!(value));
        }
    }
}

/// Takes HubSpot's value of `field` into `model`; false when it cannot be
/// kept (a phone number that does not read, an e-mail another contact has),
/// which the sync log says.
async fn take(
    db: &impl ConnectionTrait,
    portal: &Portal,
    model: &mut contact::ActiveModel,
    local: &contact::Model,
    field: SyncedField,
    value: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let value = value.map(str::to_owned);
    match field {
        SyncedField::Name => {
            let Some(name) = value.and_then(|v| PersonName::parse(&v).ok()) else {
                return Ok(false);
            };
            model.name = Set(name.as_str().to_owned());
            model.name_changed_at = Set(Some(at));
        }
        SyncedField::Email => {
            let Some(email) = value.and_then(|v| Email::parse(&v).ok()) else {
                return Ok(false);
            };
            let taken = contact::Entity::find()
                .filter(contact::Column::TeamId.eq(&portal.team_id))
                .filter(contact::Column::Email.eq(email.as_str()))
                .filter(contact::Column::Id.ne(local.id.clone()))
                .one(db)
                .await?;
            if taken.is_some() {
                let message = format!(
                    "HubSpot changed {}'s e-mail to {}, which another Slotline contact has; Slotline kept {}.",
                    local.name,
                    email.as_str(),
                    local.email
                );
                log(db, portal, false, &message).await?;
                return Ok(false);
            }
            model.email = Set(email.into_inner());
            model.email_changed_at = Set(Some(at));
        }
        SyncedField::Phone => {
            let phone = match value {
                Some(raw) => match Phone::parse(&raw, portal.region) {
                    Ok(phone) => Some(phone.into_inner()),
                    Err(_) => {
                        let message = format!(
                            "HubSpot's phone number for {} ({raw}) is not a number Slotline can read; Slotline kept its own.",
                            local.email
                        );
                        log(db, portal, false, &message).await?;
                        return Ok(false);
                    }
                },
                None => None,
            };
            model.phone = Set(phone);
            model.phone_changed_at = Set(Some(at));
        }
        SyncedField::Company => {
            model.company = Set(value);
            model.company_changed_at = Set(Some(at));
        }
    }
    Ok(true)
}

/// A HubSpot contact new to Slotline, in a chosen stage.
async fn create(
    db: &impl ConnectionTrait,
    portal: &Portal,
    remote: &RemoteContact,
    now: DateTime<Utc>,
) -> Result<Applied, DbErr> {
    let Some(email) = remote.email.as_deref().and_then(|e| Email::parse(e).ok()) else {
        // Slotline keys contacts by e-mail: one without cannot come in.
        return Ok(Applied::skipped());
    };
    let name = remote
        .name()
        .and_then(|n| PersonName::parse(&n).ok())
        .map_or_else(|| email.as_str().to_owned(), |n| n.as_str().to_owned());
    let phone = remote_value(portal, remote, SyncedField::Phone).filter(|p| p.starts_with('+'));
    let at = |field: SyncedField| Some(remote.changed(field).or(remote.modified_at).unwrap_or(now));
    let fields = Fields {
        name,
        email: email.into_inner(),
        phone,
        company: remote.company.clone().filter(|c| !c.trim().is_empty()),
        notes: None,
    };
    let mut row = new_row(&portal.team_id, fields, "hubspot", now);
    let id = row.id.clone().unwrap();
    row.created_at = Set(remote.created_at.unwrap_or(now));
    row.name_changed_at = Set(at(SyncedField::Name));
    row.email_changed_at = Set(at(SyncedField::Email));
    row.phone_changed_at = Set(at(SyncedField::Phone));
    row.company_changed_at = Set(at(SyncedField::Company));
    row.lifecycle_stage = Set(remote.lifecycle_stage.clone());
    // A contact a booking made meanwhile wins the e-mail; the next pass links the two.
    let inserted = contact::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([contact::Column::TeamId, contact::Column::Email])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    if inserted == 0 {
        return Ok(Applied::skipped());
    }
    put_in_step(db, portal.local(id.as_str()), link::CONTACT, &remote.id, now).await?;
    Ok(Applied {
        outcome: ApplyOutcome::Created,
        contact_id: Some(id),
        send: Map::new(),
        conflicts: 0,
        merged: 0,
    })
}

/// A contact deleted in HubSpot is archived in Slotline; false when none is linked.
pub async fn archive_remote(
    db: &impl ConnectionTrait,
    portal: &Portal,
    remote_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    set_linked_archived(db, portal, remote_id, Some(now)).await
}

/// A contact restored in HubSpot is restored in Slotline.
pub async fn restore_remote(db: &impl ConnectionTrait, portal: &Portal, remote_id: &str) -> Result<bool, DbErr> {
    set_linked_archived(db, portal, remote_id, None).await
}

async fn set_linked_archived(
    db: &impl ConnectionTrait,
    portal: &Portal,
    remote_id: &str,
    at: Option<DateTime<Utc>>,
) -> Result<bool, DbErr> {
    let mut any = false;
    for (_, local) in linked_to(db, portal, &[remote_id]).await? {
        any |= set_archived(db, &portal.team_id, &local.id, at).await?;
    }
    Ok(any)
}

/// One line of contact sync in the team's sync log.
pub async fn log(db: &impl ConnectionTrait, portal: &Portal, succeeded: bool, message: &str) -> Result<(), DbErr> {
    let line = SyncRecord {
        team_id: &portal.team_id,
        booking_id: None,
        action: "contact",
        succeeded,
        http_status: None,
        message,
        contact_id: None,
        meeting_id: None,
    };
    record(db, line).await.map_err(|e| DbErr::Custom(e.to_string()))
}

/// One settled conflict in the sync log, with both values and the winner.
async fn log_conflict(
    db: &impl ConnectionTrait,
    portal: &Portal,
    local: &contact::Model,
    field: SyncedField,
    pair: &Pair<'_>,
    outcome: Outcome,
    twin: Option<Older>,
) -> Result<(), DbErr> {
    let shown = |v: Option<&str>| v.map_or_else(|| "nothing".to_owned(), |v| format!("“{v}”"));
    let winner = if outcome == Outcome::TakeRemote {
        "HubSpot"
    } else {
        "Slotline"
    };
    let why = match twin {
        Some(_) => "the older record",
        None if pair.local.changed_at == pair.remote.changed_at => "changed at the same time; HubSpot wins ties",
        None => "changed later",
    };
    let message = format!(
        "Conflict on {} of {}: Slotline had {}, HubSpot had {}; kept {winner}'s ({why})",
        field.label(),
        local.email,
        shown(pair.local.value),
        shown(pair.remote.value),
    );
    log(db, portal, true, &message).await
}

/// The HubSpot contact `contact_id` is linked to in the portal, if any.
pub async fn remote_id_of(
    db: &impl ConnectionTrait,
    portal: &Portal,
    contact_id: &ContactId,
) -> Result<Option<String>, DbErr> {
    Ok(link::Entity::find()
        .filter(link::Column::Provider.eq(connection::HUBSPOT))
        .filter(link::Column::AccountId.eq(&portal.account_id))
        .filter(link::Column::LocalKind.eq(link::CONTACT))
        .filter(link::Column::LocalId.eq(contact_id.as_str()))
        .filter(link::Column::RemoteKind.eq(link::CONTACT))
        .one(db)
        .await?
        .and_then(|found| found.remote_id))
}

/// The ids of those of `remotes` Slotline has a contact for (linked, or
/// with the same e-mail): settling them needs HubSpot's property history.
pub async fn known_ids(
    db: &impl ConnectionTrait,
    portal: &Portal,
    remotes: &[RemoteContact],
) -> Result<HashSet<String>, DbErr> {
    let ids: Vec<&str> = remotes
        .iter()
        .flat_map(|r| std::iter::once(r.id.as_str()).chain(r.merged_ids.iter().map(String::as_str)))
        .collect();
    let linked: HashSet<String> = by_remote(db, connection::HUBSPOT, &portal.account_id, link::CONTACT, &ids)
        .await?
        .into_iter()
        .filter_map(|l| l.remote_id)
        .collect();
    let emails: Vec<String> = remotes
        .iter()
        .filter_map(|r| r.email.as_deref().and_then(|e| Email::parse(e).ok()))
        .map(Email::into_inner)
        .collect();
    let present: HashSet<String> = contact::Entity::find()
        .filter(contact::Column::TeamId.eq(&portal.team_id))
        .filter(contact::Column::Email.is_in(emails))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.email)
        .collect();
    Ok(remotes
        .iter()
        .filter(|r| {
            linked.contains(&r.id)
                || r.merged_ids.iter().any(|m| linked.contains(m))
                || r.email
                    .as_deref()
                    .and_then(|e| Email::parse(e).ok())
                    .is_some_and(|e| present.contains(e.as_str()))
        })
        .map(|r| r.id.clone())
        .collect())
}
