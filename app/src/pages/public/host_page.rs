use crate::components::{ErrorNotice, Loading};
use crate::functions::bookings::host_page;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/{host}`: the host's active event types.
#[component]
pub fn HostPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(move || params.read().get("host").unwrap_or_default(), host_page);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let slug = page.host_slug.clone();
                        view! {
                            <Title text=page.host_name.clone()/>
                            <section class="card">
                                <h1>{page.host_name.clone()}</h1>
                                <p>"Choose what you’d like to book."</p>
                                <ul class="event-list">
                                    {page.event_types.into_iter().map(|e| view! {
                                        <li>
                                            <a href=format!("/{slug}/{}", e.slug) data-testid=format!("event-{}", e.slug)>
                                                <strong>{e.name}</strong>
                                                <span class="muted">{format!(" · {} min", e.duration_min)}</span>
                                            </a>
                                            <p class="muted">{e.description}</p>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
