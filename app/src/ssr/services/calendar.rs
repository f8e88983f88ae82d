//! A host's calendar in one statement: weekly hours, date overrides, the
//! bookings a window asks for and up to two instants computed beside them
//! (the hourly limits). Every booking re-reads these under the host's lock,
//! where each round trip holds the lock longer, so they are one `UNION ALL`
//! of a branch per part, each row tagged with its part and the columns of
//! the other parts left NULL.
use crate::domain::UserId;
use crate::domain::slots::{DateOverride, MinuteRange, WeeklyHours};
use crate::ssr::entities::{availability_override, availability_rule, booking};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Condition, Expr, Query, SelectStatement, SimpleExpr, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, Value};
use std::collections::BTreeMap;

/// Everything the slot computation needs to know about a host's hours.
pub struct Schedule {
    pub weekly: WeeklyHours,
    pub overrides: BTreeMap<NaiveDate, DateOverride>,
}

/// A booking's times as the slot computation needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookedTimes {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub buffer_before_min: i32,
    pub buffer_after_min: i32,
}

/// What to read besides the host's hours.
#[derive(Default)]
pub struct Ask {
    /// Which of the host's bookings to read (the host is already filtered).
    pub bookings: Option<Condition>,
    /// Two scalar subqueries, each answering an instant or nothing.
    pub instants: Option<[SelectStatement; 2]>,
}

/// What [`read`] answers.
pub struct Calendar {
    pub schedule: Schedule,
    pub booked: Vec<BookedTimes>,
    /// The answers of [`Ask::instants`], in order; none when not asked.
    pub instants: [Option<DateTime<Utc>>; 2],
}

/// The tag of each row: which branch of the union it comes from.
const RULE: i16 = 0;
const OVERRIDE: i16 = 1;
const BOOKING: i16 = 2;
const INSTANTS: i16 = 3;

/// A row: tag, weekday, date, start and end minute (hours), then start,
/// end and both buffers (a booking) or the two instants in start and end.
type Row = (
    i16,
    Option<i16>,
    Option<NaiveDate>,
    Option<i16>,
    Option<i16>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<i32>,
    Option<i32>,
);

/// Reads `host_id`'s weekly hours and overrides, with what `ask` asks for.
pub async fn read(db: &impl ConnectionTrait, host_id: &UserId, ask: Ask) -> Result<Calendar, DbErr> {
    let mut union = rules(host_id);
    union.union(UnionType::All, overrides(host_id));
    if let Some(condition) = ask.bookings {
        union.union(UnionType::All, bookings(host_id, condition));
    }
    if let Some(instants) = ask.instants {
        union.union(UnionType::All, instants_row(instants));
    }
    let rows = db
        .query_all(&union)
        .await?
        .iter()
        .map(|row| row.try_get_many_by_index::<Row>())
        .collect::<Result<Vec<_>, _>>()?;
    let (mut hours, mut booked, mut instants) = (Vec::new(), Vec::new(), [None, None]);
    for (tag, weekday, date, start_minute, end_minute, start, end, before, after) in rows {
        match (tag, start, end) {
            (BOOKING, Some(start), Some(end)) => booked.push(BookedTimes {
                start,
                end,
                buffer_before_min: before.unwrap_or(0),
                buffer_after_min: after.unwrap_or(0),
            }),
            // A booking's times are never NULL.
            (BOOKING, ..) => {}
            (INSTANTS, first, second) => instants = [first, second],
            _ => hours.push((weekday, date, start_minute, end_minute)),
        }
    }
    // The database's order is unspecified; the schedule's ranges are not.
    hours.sort_unstable();
    Ok(Calendar {
        schedule: schedule_of(hours),
        booked,
        instants,
    })
}

/// Typed NULLs for the columns a branch leaves empty: PostgreSQL types a
/// union's columns from its branches.
fn null_minute() -> SimpleExpr {
    Expr::value(Value::SmallInt(None))
}

fn null_date() -> SimpleExpr {
    Expr::value(Value::ChronoDate(None))
}

fn no_hours() -> [SimpleExpr; 4] {
    [null_minute(), null_date(), null_minute(), null_minute()]
}

fn no_booking() -> [SimpleExpr; 4] {
    let instant = || Expr::value(Value::ChronoDateTimeUtc(None));
    let buffer = || Expr::value(Value::Int(None));
    [instant(), instant(), buffer(), buffer()]
}

fn rules(host_id: &UserId) -> SelectStatement {
    Query::select()
        .expr(Expr::val(RULE))
        .column(availability_rule::Column::Weekday)
        .expr(null_date())
        .columns([
            availability_rule::Column::StartMinute,
            availability_rule::Column::EndMinute,
        ])
        .exprs(no_booking())
        .from(availability_rule::Entity)
        .and_where(availability_rule::Column::UserId.eq(host_id))
        .to_owned()
}

fn overrides(host_id: &UserId) -> SelectStatement {
    Query::select()
        .expr(Expr::val(OVERRIDE))
        .expr(null_minute())
        .columns([
            availability_override::Column::Date,
            availability_override::Column::StartMinute,
            availability_override::Column::EndMinute,
        ])
        .exprs(no_booking())
        .from(availability_override::Entity)
        .and_where(availability_override::Column::UserId.eq(host_id))
        .to_owned()
}

/// Only the times: a busy host has thousands of bookings in a month's window.
fn bookings(host_id: &UserId, condition: Condition) -> SelectStatement {
    Query::select()
        .expr(Expr::val(BOOKING))
        .exprs(no_hours())
        .columns([
            booking::Column::StartAt,
            booking::Column::EndAt,
            booking::Column::BufferBeforeMin,
            booking::Column::BufferAfterMin,
        ])
        .from(booking::Entity)
        .and_where(booking::Column::HostId.eq(host_id))
        .cond_where(condition)
        .to_owned()
}

fn instants_row([first, second]: [SelectStatement; 2]) -> SelectStatement {
    let [.., no_buffer_before, no_buffer_after] = no_booking();
    Query::select()
        .expr(Expr::val(INSTANTS))
        .exprs(no_hours())
        .exprs([
            SimpleExpr::SubQuery(None, Box::new(first.into())),
            SimpleExpr::SubQuery(None, Box::new(second.into())),
            no_buffer_before,
            no_buffer_after,
        ])
        .to_owned()
}

/// One row of the hours: a weekly rule (with its weekday) or a date
/// override (with its date; no minutes when the day is off).
type HoursRow = (Option<i16>, Option<NaiveDate>, Option<i16>, Option<i16>);

fn schedule_of(rows: Vec<HoursRow>) -> Schedule {
    let mut weekly = WeeklyHours::default();
    let mut overrides: BTreeMap<NaiveDate, DateOverride> = BTreeMap::new();
    for (weekday, date, start, end) in rows {
        let range = match (start, end) {
            (Some(s), Some(e)) => MinuteRange::new(s as u16, e as u16).ok(),
            _ => None,
        };
        match (weekday, date) {
            (Some(weekday), None) => {
                if let (Some(day), Some(range)) = (weekly.days.get_mut(weekday as usize), range) {
                    day.push(range);
                }
            }
            (None, Some(date)) => {
                let entry = overrides.entry(date).or_insert(DateOverride::Hours(Vec::new()));
                match (range, entry) {
                    (Some(range), DateOverride::Hours(ranges)) => ranges.push(range),
                    (None, entry) => *entry = DateOverride::DayOff,
                    (Some(_), DateOverride::DayOff) => {}
                }
            }
            _ => {}
        }
    }
    Schedule { weekly, overrides }
}
