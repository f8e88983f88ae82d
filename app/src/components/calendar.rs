//! The booking page's month grid. Days with free times are links; the
//! chosen day is marked for assistive technology with `aria-current`.
//! Only the arrow keys need the browser: an island of their own.
use crate::dto::CalendarDay;
use leptos::prelude::*;

const WEEKDAYS: [(&str, &str); 7] = [
    ("Mon", "Monday"),
    ("Tue", "Tuesday"),
    ("Wed", "Wednesday"),
    ("Thu", "Thursday"),
    ("Fri", "Friday"),
    ("Sat", "Saturday"),
    ("Sun", "Sunday"),
];

#[component]
pub fn Calendar(
    month_label: String,
    leading_blanks: u32,
    days: Vec<CalendarDay>,
    selected: Option<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// The link that selects a day.
    day_href: Callback<String, String>,
) -> impl IntoView {
    let mut cells: Vec<Option<CalendarDay>> = (0..leading_blanks).map(|_| None).collect();
    cells.extend(days.into_iter().map(Some));
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    let weeks: Vec<Vec<Option<CalendarDay>>> = cells.chunks(7).map(<[_]>::to_vec).collect();
    let nav = |href: Option<String>, label: &'static str, testid: &'static str, glyph: &'static str| match href {
        Some(href) => {
            view! { <a href=href class="month-nav" aria-label=label data-testid=testid>{glyph}</a> }.into_any()
        }
        None => view! { <span class="month-nav disabled" aria-hidden="true">{glyph}</span> }.into_any(),
    };
    view! {
        <section class="calendar" aria-labelledby="calendar-heading">
            <div class="calendar-header">
                {nav(prev_href, "Previous month", "prev-month", "‹")}
                <h2 id="calendar-heading" aria-live="polite" data-testid="month-label">{month_label}</h2>
                {nav(next_href, "Next month", "next-month", "›")}
            </div>
            <table class="calendar-grid" aria-describedby="calendar-keys">
                <thead>
                    <tr>
                        {WEEKDAYS.map(|(short, long)| view! { <th scope="col"><abbr title=long>{short}</abbr></th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {weeks
                        .into_iter()
                        .map(|week| {
                            view! {
                                <tr>
                                    {week
                                        .into_iter()
                                        .map(|cell| view! { <td>{cell.map(|day| day_cell(day, selected.as_deref(), day_href))}</td> })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <p id="calendar-keys" class="visually-hidden">"Use the arrow keys to move between days with free times."</p>
            <ArrowKeys/>
        </section>
    }
}

/// The grid's only behaviour in the browser; the rest is server-rendered.
#[island]
fn ArrowKeys() -> impl IntoView {
    // Dropping the handle keeps the listener, for as long as the page.
    Effect::new(|| _ = window_event_listener(leptos::ev::keydown, move_focus));
}

/// Arrow keys move focus between days with free times: left and right to
/// the previous or next one, up and down by a week (or the nearest one).
fn move_focus(ev: leptos::ev::KeyboardEvent) {
    let step: i64 = match ev.key().as_str() {
        "ArrowLeft" => -1,
        "ArrowRight" => 1,
        "ArrowUp" => -7,
        "ArrowDown" => 7,
        _ => return,
    };
    let Some(current) = document()
        .active_element()
        .and_then(|el| el.get_attribute("data-testid"))
        .and_then(|id| id.strip_prefix("day-").map(str::to_owned))
        .and_then(|date| chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok())
    else {
        return;
    };
    ev.prevent_default();
    let available = document().query_selector_all("[data-available=\"true\"]").ok();
    let dates: Vec<(chrono::NaiveDate, web_sys::HtmlElement)> = available
        .map(|list| {
            (0..list.length())
                .filter_map(|i| list.item(i))
                .filter_map(|node| leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(node).ok())
                .filter_map(|el| {
                    let date = el.get_attribute("data-testid")?.strip_prefix("day-")?.to_owned();
                    Some((chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()?, el))
                })
                .collect()
        })
        .unwrap_or_default();
    let target = current + chrono::Duration::days(step);
    let next = if step > 0 {
        dates.iter().filter(|(d, _)| *d >= target).min_by_key(|(d, _)| *d)
    } else {
        dates.iter().filter(|(d, _)| *d <= target).max_by_key(|(d, _)| *d)
    };
    if let Some((_, el)) = next {
        let _ = el.focus();
    }
}

fn day_cell(day: CalendarDay, selected: Option<&str>, day_href: Callback<String, String>) -> AnyView {
    let is_selected = selected == Some(day.date.as_str());
    if day.has_slots {
        let label = format!("{}, times available", day.label);
        view! {
            <a
                href=day_href.run(day.date.clone())
                class=if is_selected { "day available selected" } else { "day available" }
                aria-label=label
                aria-current=is_selected.then_some("date")
                data-testid=format!("day-{}", day.date)
                data-available="true"
            >
                {day.day}
            </a>
        }
        .into_any()
    } else {
        view! {
            <span class="day" aria-label=format!("{}, no times available", day.label) data-testid=format!("day-{}", day.date)>
                {day.day}
            </span>
        }
        .into_any()
    }
}
