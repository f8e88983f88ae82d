use super::DashboardShell;
use crate::components::{ErrorNotice, Loading};
use crate::dto::BookingDto;
use crate::functions::bookings::host_bookings;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn BookingsPage() -> impl IntoView {
    view! {
        <Title text="Bookings"/>
        <DashboardShell>
            <BookingsList/>
        </DashboardShell>
    }
}

#[component]
fn BookingsList() -> impl IntoView {
    let bookings = Resource::new(|| (), |_| host_bookings());
    view! {
        <h1>"Bookings"</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match bookings.await {
                    Ok(list) => view! {
                        <p class="muted">"Times in " {list.time_zone.clone()}</p>
                        <h2>"Upcoming"</h2>
                        <BookingTable rows=list.upcoming testid="upcoming-bookings" empty="No upcoming bookings yet. Share your page to get some."/>
                        <h2>"Past"</h2>
                        <BookingTable rows=list.past testid="past-bookings" empty="No past bookings."/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BookingTable(rows: Vec<BookingDto>, testid: &'static str, empty: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p data-testid=testid>{empty}</p> }.into_any();
    }
    view! {
        <table class="data-table" data-testid=testid>
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Event"</th>
                    <th scope="col">"Invitee"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|b| view! {
                        <tr data-testid="booking-row">
                            <td><A href=format!("/dashboard/bookings/{}", b.id)>{b.when_host}</A></td>
                            <td>{b.event_name}</td>
                            <td>{b.invitee_name} <br/> <span class="muted">{b.invitee_email}</span></td>
                            <td><span class=format!("badge {}", b.status.as_str()) data-testid="booking-status">{b.status.label()}</span></td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
