//! Weekly hours (several ranges a day) and date overrides, edited in the
//! host's own time zone and saved in one go.
use super::DashboardShell;
use crate::components::time_zone_select::TimeZoneSelect;
use crate::components::{ErrorNotice, FormAlert, Loading};
use crate::domain::slots::{MAX_BOOKINGS_PER_DAY, MinuteRange, WEEKDAY_NAMES, WeeklyHours};
use crate::dto::{AvailabilityDto, DateOverrideDto};
use crate::functions::availability::{SaveAvailability, get_availability};
use leptos::prelude::*;
use leptos_meta::Title;

fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", (minute / 60) % 24, minute % 60)
}

/// "09:30" → 570; the end "00:00" means the following midnight.
fn parse_range(start: &str, end: &str) -> Option<MinuteRange> {
    let minutes = |raw: &str| {
        let (h, m) = raw.trim().split_once(':')?;
        let (h, m) = (h.parse::<u16>().ok()?, m.get(..2)?.parse::<u16>().ok()?);
        (h < 24 && m < 60).then_some(h * 60 + m)
    };
    let (s, mut e) = (minutes(start)?, minutes(end)?);
    if e == 0 {
        e = 1440;
    }
    MinuteRange::new(s, e).ok()
}

#[derive(Clone, Debug, PartialEq)]
struct RangeRow {
    start: String,
    end: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct OverrideRow {
    date: String,
    off: bool,
    start: String,
    end: String,
}

#[component]
pub fn AvailabilityPage() -> impl IntoView {
    view! {
        <Title text="Availability"/>
        <DashboardShell>
            <AvailabilityLoader/>
        </DashboardShell>
    }
}

#[component]
fn AvailabilityLoader() -> impl IntoView {
    let availability = Resource::new(|| (), |_| get_availability());
    view! {
        <h1>"Availability"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match availability.await {
                    Ok(current) => view! { <AvailabilityEditor current/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AvailabilityEditor(current: AvailabilityDto) -> impl IntoView {
    let time_zone = RwSignal::new(current.time_zone.clone());
    let daily_cap = RwSignal::new(
        current
            .max_bookings_per_day
            .map(|max| max.to_string())
            .unwrap_or_default(),
    );
    let days: [RwSignal<Vec<RangeRow>>; 7] = std::array::from_fn(|i| {
        RwSignal::new(
            current.weekly.days[i]
                .iter()
                .map(|r| RangeRow {
                    start: hhmm(r.start),
                    end: hhmm(r.end),
                })
                .collect(),
        )
    });
    let overrides = RwSignal::new(
        current
            .overrides
            .iter()
            .map(|o| {
                let first = o.hours.as_ref().and_then(|h| h.first().copied());
                OverrideRow {
                    date: o.date.clone(),
                    off: o.hours.is_none(),
                    start: first.map_or_else(|| "09:00".into(), |r| hhmm(r.start)),
                    end: first.map_or_else(|| "17:00".into(), |r| hhmm(r.end)),
                }
            })
            .collect::<Vec<_>>(),
    );
    let save = ServerAction::<SaveAvailability>::new();
    let value = save.value();
    let local_errors = RwSignal::new(Vec::<(String, String)>::new());
    let error_for = move |field: String| {
        Signal::derive(move || {
            local_errors
                .with(|errors| errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
                .or_else(|| {
                    value.with(|v| {
                        v.as_ref()
                            .and_then(|r| r.as_ref().err())
                            .and_then(|e| e.message_for(&field))
                    })
                })
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut errors = Vec::new();
        let mut weekly = WeeklyHours::default();
        for (i, day) in days.iter().enumerate() {
            for row in day.get_untracked() {
                match parse_range(&row.start, &row.end) {
                    Some(range) => weekly.days[i].push(range),
                    None => errors.push((
                        format!("day-{i}"),
                        format!("{}: each end must be after its start.", WEEKDAY_NAMES[i]),
                    )),
                }
            }
        }
        let mut list = Vec::new();
        for (i, row) in overrides.get_untracked().into_iter().enumerate() {
            let hours = if row.off {
                None
            } else {
                match parse_range(&row.start, &row.end) {
                    Some(range) => Some(vec![range]),
                    None => {
                        errors.push((format!("override-{i}"), "The end must be after the start.".into()));
                        continue;
                    }
                }
            };
            list.push(DateOverrideDto { date: row.date, hours });
        }
        let max_bookings_per_day = match parse_daily_cap(&daily_cap.get_untracked()) {
            Ok(max) => max,
            Err(message) => {
                errors.push(("max_bookings_per_day".into(), message));
                None
            }
        };
        local_errors.set(errors.clone());
        if errors.is_empty() {
            save.dispatch(SaveAvailability {
                availability: AvailabilityDto {
                    time_zone: time_zone.get_untracked(),
                    weekly,
                    overrides: list,
                    max_bookings_per_day,
                },
            });
        }
    };
    let saved = move || matches!(value.get(), Some(Ok(_))) && local_errors.with(Vec::is_empty);
    view! {
        <form on:submit=submit class="availability-form" novalidate>
            <FormAlert value/>
            <div role="status" class="form-success" data-testid="availability-saved" hidden=move || !saved()>"Availability saved."</div>
            <TimeZoneSelect id="availability-time-zone" label="Your time zone" value=current.time_zone.clone() on_change=Callback::new(move |tz| time_zone.set(tz))/>
            <fieldset class="weekly">
                <legend>"Weekly hours"</legend>
                {days
                    .into_iter()
                    .enumerate()
                    .map(|(i, rows)| view! { <DayEditor index=i rows error=error_for(format!("day-{i}"))/> })
                    .collect_view()}
            </fieldset>
            <fieldset class="overrides">
                <legend>"Date overrides"</legend>
                <p class="hint">"Take a day off, or set other hours for one date."</p>
                <ul>
                    <For
                        each={move || overrides.get().into_iter().enumerate().collect::<Vec<_>>()}
                        key=|(i, row)| (*i, row.clone())
                        children={move |(i, row)| view! { <OverrideEditor index=i row overrides error=error_for(format!("override-{i}"))/> }}
                    />
                </ul>
                <button
                    type="button"
                    class="button small"
                    data-testid="add-override"
                    on:click=move |_| overrides.update(|o| o.push(OverrideRow { date: String::new(), off: true, start: "09:00".into(), end: "17:00".into() }))
                >
                    "Add a date override"
                </button>
            </fieldset>
            <DailyCap value=daily_cap error=error_for("max_bookings_per_day".into())/>
            <button type="submit" class="button primary" data-testid="save-availability" disabled=move || save.pending().get()>"Save availability"</button>
        </form>
    }
}

/// The daily cap as typed: empty for none, else a whole number in range.
fn parse_daily_cap(raw: &str) -> Result<Option<u32>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .ok()
        .filter(|max| (1..=MAX_BOOKINGS_PER_DAY).contains(max))
        .map(Some)
        .ok_or_else(|| format!("Enter a number from 1 to {MAX_BOOKINGS_PER_DAY}, or leave it empty for no limit."))
}

#[component]
fn DailyCap(value: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <fieldset class="limits">
            <legend>"Limits"</legend>
            <div class="field" class:field-invalid=move || error.get().is_some()>
                <label for="max-bookings-per-day">"Maximum bookings per day"</label>
                <input
                    type="number"
                    id="max-bookings-per-day"
                    data-testid="max-bookings-per-day"
                    min="1"
                    max=MAX_BOOKINGS_PER_DAY
                    inputmode="numeric"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby="max-bookings-per-day-hint max-bookings-per-day-error"
                />
                <p class="hint" id="max-bookings-per-day-hint">
                    "Across all your event types, per day in your time zone. Leave it empty for no limit."
                </p>
                <p class="field-error" id="max-bookings-per-day-error" role="alert" hidden=move || error.get().is_none()>
                    {move || error.get()}
                </p>
            </div>
        </fieldset>
    }
}

#[component]
fn DayEditor(index: usize, rows: RwSignal<Vec<RangeRow>>, error: Signal<Option<String>>) -> impl IntoView {
    let name = WEEKDAY_NAMES[index];
    let error_id = format!("day-{index}-error");
    view! {
        <div class="day-row" data-testid=format!("day-{index}") role="group" aria-labelledby=format!("day-{index}-label")>
            <span class="day-name" id=format!("day-{index}-label")>{name}</span>
            <div class="ranges">
                {move || {
                    let list = rows.get();
                    if list.is_empty() {
                        return view! { <span class="muted">"Unavailable"</span> }.into_any();
                    }
                    list.into_iter()
                        .enumerate()
                        .map(|(r, row)| {
                            let set = move |f: fn(&mut RangeRow, String)| move |ev: leptos::ev::Event| {
                                let v = event_target_value(&ev);
                                rows.update(|l| if let Some(row) = l.get_mut(r) { f(row, v) });
                            };
                            view! {
                                <div class="range">
                                    <label for=format!("day-{index}-start-{r}") class="visually-hidden">{format!("{name} range {} start", r + 1)}</label>
                                    <input type="time" id=format!("day-{index}-start-{r}") data-testid=format!("day-{index}-start-{r}") value=row.start.clone() on:change=set(|row, v| row.start = v) aria-invalid=move || error.get().is_some().then_some("true") aria-describedby=format!("day-{index}-error")/>
                                    <span aria-hidden="true">"–"</span>
                                    <label for=format!("day-{index}-end-{r}") class="visually-hidden">{format!("{name} range {} end", r + 1)}</label>
                                    <input type="time" id=format!("day-{index}-end-{r}") data-testid=format!("day-{index}-end-{r}") value=row.end.clone() on:change=set(|row, v| row.end = v) aria-invalid=move || error.get().is_some().then_some("true") aria-describedby=format!("day-{index}-error")/>
                                    <button type="button" class="button small" data-testid=format!("day-{index}-remove-{r}") aria-label=format!("Remove {name} range {}", r + 1) on:click=move |_| rows.update(|l| { if r < l.len() { l.remove(r); } })>"Remove"</button>
                                </div>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
            <button
                type="button"
                class="button small"
                data-testid=format!("day-{index}-add")
                aria-label=format!("Add hours on {name}")
                on:click=move |_| rows.update(|l| {
                    let start = l.last().map_or_else(|| "09:00".to_owned(), |r| r.end.clone());
                    l.push(RangeRow { start, end: "17:00".into() });
                })
            >
                "Add hours"
            </button>
            <p class="field-error" id=error_id hidden=move || error.get().is_none()>{move || error.get()}</p>
        </div>
    }
}

#[component]
fn OverrideEditor(
    index: usize,
    row: OverrideRow,
    overrides: RwSignal<Vec<OverrideRow>>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let update = move |f: fn(&mut OverrideRow, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            overrides.update(|l| {
                if let Some(row) = l.get_mut(index) {
                    f(row, v)
                }
            });
        }
    };
    let off = row.off;
    view! {
        <li class="override-row" data-testid=format!("override-{index}")>
            <label for=format!("override-{index}-date")>"Date"</label>
            <input type="date" id=format!("override-{index}-date") data-testid=format!("override-{index}-date") value=row.date.clone() on:change=update(|r, v| r.date = v) aria-invalid=move || error.get().is_some().then_some("true") aria-describedby=format!("override-{index}-error")/>
            <label>
                <input
                    type="checkbox"
                    data-testid=format!("override-{index}-off")
                    prop:checked=off
                    on:change=move |ev| {
                        let checked = event_target_checked(&ev);
                        overrides.update(|l| if let Some(r) = l.get_mut(index) { r.off = checked });
                    }
                />
                " Day off"
            </label>
            {(!off).then(|| view! {
                <label for=format!("override-{index}-start")>"From"</label>
                <input type="time" id=format!("override-{index}-start") data-testid=format!("override-{index}-start") value=row.start.clone() on:change=update(|r, v| r.start = v)/>
                <label for=format!("override-{index}-end")>"To"</label>
                <input type="time" id=format!("override-{index}-end") data-testid=format!("override-{index}-end") value=row.end.clone() on:change=update(|r, v| r.end = v)/>
            })}
            <button type="button" class="button small" aria-label=format!("Remove override {}", index + 1) on:click=move |_| overrides.update(|l| { if index < l.len() { l.remove(index); } })>"Remove"</button>
            <p class="field-error" id=format!("override-{index}-error") hidden=move || error.get().is_none()>{move || error.get()}</p>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_cap_is_empty_or_in_range() {
        assert_eq!(parse_daily_cap(" "), Ok(None));
        assert_eq!(parse_daily_cap("3"), Ok(Some(3)));
        assert!(parse_daily_cap("0").is_err());
        assert!(parse_daily_cap("101").is_err());
        assert!(parse_daily_cap("two").is_err());
    }

    #[test]
    fn time_inputs_parse_to_minutes() {
        assert_eq!(parse_range("09:00", "17:30"), MinuteRange::new(540, 1050).ok());
        assert_eq!(parse_range("22:00", "00:00"), MinuteRange::new(1320, 1440).ok());
        assert_eq!(parse_range("17:00", "09:00"), None);
        assert_eq!(parse_range("", "09:00"), None);
    }

    #[test]
    fn minutes_format_as_time_inputs() {
        assert_eq!(hhmm(570), "09:30");
        assert_eq!(hhmm(1440), "00:00");
    }
}
