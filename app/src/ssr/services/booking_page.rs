//! What the public booking page shows: a month of days with free slots and
//! the slots of one day, all in the invitee's time zone.
use super::bookings::{Bookable, SlotWindow, find_by_token, find_public_event, free_slots};
use super::event_types;
use crate::domain::{BookingId, TimeZoneName};
use crate::dto::{BookingPageDto, CalendarDay, SlotDto};
use crate::error::AppError;
use crate::ssr::entities::booking;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

/// The page's query string, as the browser sends it.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub time_zone: Option<String>,
    pub month: Option<String>,
    pub date: Option<String>,
    pub slot: Option<String>,
    /// Minutes, one of the event type's durations; otherwise its default.
    pub duration: Option<String>,
    /// Reschedule mode: the booking being moved and its manage token.
    pub reschedule: Option<(BookingId, String)>,
}

/// The instant a local date starts in `tz` (the first valid instant when
/// midnight itself falls into a DST gap).
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let mut local = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        local += Duration::minutes(30);
    }
    Utc.from_utc_datetime(&local)
}

fn first_of_month(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", raw.trim()), "%Y-%m-%d").ok()
}

fn add_months(first: NaiveDate, months: i32) -> NaiveDate {
    let index = first.year() * 12 + first.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(first)
}

#[tracing::instrument(skip_all, fields(host = %host_slug, event = %event_slug))]
pub async fn load(
    db: &DatabaseConnection,
    host_slug: &str,
    event_slug: &str,
    query: PageQuery,
) -> Result<BookingPageDto, AppError> {
    let Bookable { host, event, questions } = find_public_event(db, host_slug, event_slug).await?;
    let excluded: Option<booking::Model> = match &query.reschedule {
        Some((id, token)) => {
            let b = find_by_token(db, id, token).await?;
            if b.event_type_id != event.id {
                return Err(AppError::NotFound);
            }
            Some(b)
        }
        None => None,
    };
    let host_zone = host.zone();
    let tz = query
        .time_zone
        .as_deref()
        .and_then(|raw| TimeZoneName::parse(raw).ok())
        .map_or(host_zone, TimeZoneName::tz);
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let last_bookable = now + Duration::days(event.horizon_days.into());
    let last_month = last_bookable
        .with_timezone(&tz)
        .date_naive()
        .with_day(1)
        .unwrap_or(this_month);
    let requested = query.month.as_deref().and_then(first_of_month);
    let exclude = excluded.as_ref().map(|b| &b.id);
    // A booking being moved keeps its length.
    let minutes = match &excluded {
        Some(b) => u32::try_from((b.end_at - b.start_at).num_minutes()).unwrap_or(0),
        None => {
            let asked = query.duration.as_deref().and_then(|raw| raw.trim().parse().ok());
            let durations = event_types::durations(&event);
            durations.pick(asked).unwrap_or(durations.default_minutes())
        }
    };

    let month_slots = |first: NaiveDate| {
        let window = SlotWindow {
            from: start_of_day(tz, first),
            to: start_of_day(tz, add_months(first, 1)),
            minutes,
            exclude,
        };
        free_slots(db, &host, &event, window, now)
    };
    let mut month = requested
        .unwrap_or(this_month)
        .clamp(this_month, last_month.max(this_month));
    let mut slots = month_slots(month).await?;
    // Opened without a month and nothing is left this month: show the next.
    if requested.is_none() && slots.is_empty() && month < last_month {
        month = add_months(month, 1);
        slots = month_slots(month).await?;
    }

    let mut by_day: BTreeMap<NaiveDate, Vec<DateTime<Utc>>> = BTreeMap::new();
    for slot in slots {
        by_day
            .entry(slot.with_timezone(&tz).date_naive())
            .or_default()
            .push(slot);
    }
    let next = add_months(month, 1);
    let days = month
        .iter_days()
        .take_while(|d| *d < next)
        .map(|d| CalendarDay {
            date: d.format("%Y-%m-%d").to_string(),
            day: d.day(),
            has_slots: by_day.contains_key(&d),
            label: d.format("%A, %-d %B %Y").to_string(),
        })
        .collect();

    let selected_date = query
        .date
        .as_deref()
        .and_then(|raw| NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok())
        .filter(|d| d.year() == month.year() && d.month() == month.month());
    let day_slots = selected_date.and_then(|d| by_day.get(&d)).cloned().unwrap_or_default();
    let selected_slot = query
        .slot
        .as_deref()
        .and_then(|raw| DateTime::parse_from_rfc3339(raw.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
        .filter(|t| day_slots.contains(t));
    let duration = Duration::minutes(minutes.into());

    Ok(BookingPageDto {
        host_name: host.name.clone(),
        host_slug: host.slug.clone(),
        host_time_zone: host_zone.name().to_owned(),
        event: event_types::to_dto(&event),
        questions,
        time_zone: tz.name().to_owned(),
        month: month.format("%Y-%m").to_string(),
        month_label: month.format("%B %Y").to_string(),
        prev_month: (month > this_month).then(|| add_months(month, -1).format("%Y-%m").to_string()),
        next_month: (month < last_month).then(|| next.format("%Y-%m").to_string()),
        leading_blanks: month.weekday().num_days_from_monday(),
        days,
        selected_date: selected_date.map(|d| d.format("%Y-%m-%d").to_string()),
        selected_date_label: selected_date.map(|d| d.format("%A, %-d %B %Y").to_string()),
        slots: day_slots
            .iter()
            .map(|t| SlotDto {
                start: crate::ssr::time_fmt::iso(*t),
                label: t.with_timezone(&tz).format("%H:%M").to_string(),
            })
            .collect(),
        selected_slot: selected_slot.map(crate::ssr::time_fmt::iso),
        selected_slot_label: selected_slot.map(|t| crate::ssr::time_fmt::range_in(tz, t, t + duration)),
        rescheduling_from: excluded.map(|b| crate::ssr::time_fmt::range_in(tz, b.start_at, b.end_at)),
        duration_min: minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_add_across_years() {
        let dec = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(add_months(dec, 1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(add_months(dec, -12), NaiveDate::from_ymd_opt(2025, 12, 1).unwrap());
    }

    #[test]
    fn a_day_starts_after_a_midnight_dst_gap() {
        // Chile springs forward at midnight: 2026-09-06 00:00 does not exist in Santiago.
        let tz: Tz = "America/Santiago".parse().unwrap();
        let start = start_of_day(tz, NaiveDate::from_ymd_opt(2026, 9, 6).unwrap());
        assert_eq!(
            start.with_timezone(&tz).date_naive(),
            NaiveDate::from_ymd_opt(2026, 9, 6).unwrap()
        );
    }
}
