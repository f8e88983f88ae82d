//! A host's weekly hours and date overrides, in their own time zone.
use crate::domain::slots::{DateOverride, MinuteRange, WEEKDAY_NAMES, WeeklyHours};
use crate::domain::{TimeZoneName, UserId};
use crate::dto::{AvailabilityDto, DateOverrideDto};
use crate::error::AppError;
use crate::ssr::db::write_transaction;
use crate::ssr::entities::{availability_override, availability_rule, user};
use crate::ssr::ids::new_id;
use crate::ssr::services::calendar;
use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use std::collections::BTreeMap;

use crate::domain::slots::MAX_BOOKINGS_PER_DAY;

const MAX_RANGES_PER_DAY: usize = 12;
const MAX_OVERRIDES: usize = 400;

pub async fn get(db: &DatabaseConnection, host: &user::Model) -> Result<AvailabilityDto, AppError> {
    let schedule = calendar::read(db, &host.id, calendar::Ask::default()).await?.schedule;
    Ok(AvailabilityDto {
        time_zone: host.time_zone.name().to_owned(),
        weekly: schedule.weekly,
        overrides: schedule
            .overrides
            .into_iter()
            .map(|(date, o)| DateOverrideDto {
                date: date.format("%Y-%m-%d").to_string(),
                hours: match o {
                    DateOverride::DayOff => None,
                    DateOverride::Hours(ranges) => Some(ranges),
                },
            })
            .collect(),
        max_bookings_per_day: host.max_bookings_per_day.and_then(|max| u32::try_from(max).ok()),
    })
}

/// Sorts ranges and refuses overlapping ones, naming the day.
fn check_day(errors: &mut Vec<(String, String)>, field: String, label: &str, ranges: &mut [MinuteRange]) {
    ranges.sort_by_key(|r| r.start);
    // Ranges arrive as plain JSON, so re-check each one.
    if ranges.iter().any(|r| MinuteRange::new(r.start, r.end).is_err()) {
        errors.push((
            field,
            format!("{label}: each range must end after it starts, by midnight."),
        ));
    } else if ranges.len() > MAX_RANGES_PER_DAY {
        errors.push((field, format!("{label}: at most {MAX_RANGES_PER_DAY} ranges a day.")));
    } else if ranges.windows(2).any(|w| w[1].start < w[0].end) {
        errors.push((field, format!("{label}: the hours overlap. Merge or shorten them.")));
    }
}

/// Replaces the host's time zone, weekly hours and overrides at once.
#[tracing::instrument(skip_all)]
pub async fn save(
    db: &DatabaseConnection,
    host: &user::Model,
    mut input: AvailabilityDto,
) -> Result<AvailabilityDto, AppError> {
    let mut errors = Vec::new();
    let time_zone = TimeZoneName::parse(&input.time_zone).map_err(|e| AppError::field("time_zone", e.to_string()))?;
    for (index, day) in input.weekly.days.iter_mut().enumerate() {
        check_day(&mut errors, format!("day-{index}"), WEEKDAY_NAMES[index], day);
    }
    if input
        .max_bookings_per_day
        .is_some_and(|max| !(1..=MAX_BOOKINGS_PER_DAY).contains(&max))
    {
        errors.push((
            "max_bookings_per_day".into(),
            format!("Enter a number from 1 to {MAX_BOOKINGS_PER_DAY}, or leave it empty for no limit."),
        ));
    }
    if input.overrides.len() > MAX_OVERRIDES {
        errors.push(("overrides".into(), format!("At most {MAX_OVERRIDES} date overrides.")));
    }
    let mut overrides = BTreeMap::new();
    for (index, o) in input.overrides.iter_mut().enumerate() {
        let field = format!("override-{index}");
        let Ok(date) = NaiveDate::parse_from_str(o.date.trim(), "%Y-%m-%d") else {
            errors.push((field, "Enter a date.".into()));
            continue;
        };
        if overrides.contains_key(&date) {
            errors.push((field, format!("{date} appears twice.")));
            continue;
        }
        let value = match &mut o.hours {
            None => DateOverride::DayOff,
            Some(ranges) => {
                check_day(&mut errors, field, &date.to_string(), ranges);
                DateOverride::Hours(ranges.clone())
            }
        };
        overrides.insert(date, value);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(
            errors
                .into_iter()
                .map(|(f, m)| crate::error::FieldError { field: f, message: m })
                .collect(),
        ));
    }
    let txn = write_transaction(db).await?;
    let mut model: user::ActiveModel = host.clone().into();
    model.time_zone = Set(time_zone);
    model.max_bookings_per_day = Set(input.max_bookings_per_day.and_then(|max| i32::try_from(max).ok()));
    let host = model.update(&txn).await?;
    replace_weekly(&txn, &host.id, &input.weekly).await?;
    availability_override::Entity::delete_many()
        .filter(availability_override::Column::UserId.eq(&host.id))
        .exec(&txn)
        .await?;
    for (date, value) in &overrides {
        let ranges: Vec<Option<MinuteRange>> = match value {
            DateOverride::DayOff => vec![None],
            DateOverride::Hours(ranges) if ranges.is_empty() => vec![None],
            DateOverride::Hours(ranges) => ranges.iter().copied().map(Some).collect(),
        };
        for range in ranges {
            availability_override::ActiveModel {
                id: Set(new_id()),
                user_id: Set(host.id.clone()),
                date: Set(*date),
                start_minute: Set(range.map(|r| r.start as i16)),
                end_minute: Set(range.map(|r| r.end as i16)),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    get(db, &host).await
}

pub async fn replace_weekly(db: &impl ConnectionTrait, host_id: &UserId, weekly: &WeeklyHours) -> Result<(), AppError> {
    availability_rule::Entity::delete_many()
        .filter(availability_rule::Column::UserId.eq(host_id))
        .exec(db)
        .await?;
    for (weekday, ranges) in weekly.days.iter().enumerate() {
        for range in ranges {
            availability_rule::ActiveModel {
                id: Set(new_id()),
                user_id: Set(host_id.to_owned()),
                weekday: Set(weekday as i16),
                start_minute: Set(range.start as i16),
                end_minute: Set(range.end as i16),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
