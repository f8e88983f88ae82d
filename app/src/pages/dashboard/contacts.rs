//! `/dashboard/contacts`: the team's contacts, filtered by lifecycle tag or
//! showing the archived ones, with the duplicates offered for merging and
//! a form to add one. Each name opens `/dashboard/contacts/{id}`.
use super::DashboardShell;
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, TextArea, TextField};
use crate::dto::{ContactDto, ContactTag, DuplicateGroup};
use crate::functions::contacts::{AddContact, ArchiveContact, MergeContacts, list_contacts};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ContactsPage() -> impl IntoView {
    view! {
        <Title text="Contacts"/>
        <DashboardShell>
            <Contacts/>
        </DashboardShell>
    }
}

#[component]
fn Contacts() -> impl IntoView {
    let add = ServerAction::<AddContact>::new();
    let archive = ServerAction::<ArchiveContact>::new();
    let merge = ServerAction::<MergeContacts>::new();
    let value = add.value();
    let query = use_query_map();
    let tag = Memo::new(move |_| query.read().get("tag").filter(|t| !t.is_empty()));
    let archived = Memo::new(move |_| query.read().get("archived").is_some());
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<u64>().ok()));
    let contacts = Resource::new(
        move || {
            (
                tag.get(),
                archived.get(),
                page.get(),
                add.version().get(),
                archive.version().get(),
                merge.version().get(),
            )
        },
        |(tag, archived, page, ..)| list_contacts(tag, archived, page),
    );
    view! {
        <h1>"Contacts"</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match contacts.await {
                    Ok(list) => view! {
                        <Filters tags=list.tags tag archived/>
                        {(!archived.get_untracked()).then(|| view! { <Duplicates groups=list.duplicates merge/> })}
                        <ContactTable contacts=list.contacts archive archived=archived.get_untracked()/>
                        <Pages total=list.total page=list.page pages=list.pages tag=tag.get_untracked() archived=archived.get_untracked()/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
        <section class="card narrow" aria-labelledby="add-contact-heading">
            <h2 id="add-contact-heading">"Add a contact"</h2>
            <ActionForm action=add attr:novalidate=true>
                <FormAlert value/>
                <TextField id="contact-name" name="form[name]" label="Name" required=true error=field_error(value, "name")/>
                <TextField id="contact-email" name="form[email]" label="Email" kind="email" required=true error=field_error(value, "email")/>
                <TextField id="contact-phone" name="form[phone]" label="Phone" kind="tel" error=field_error(value, "phone")/>
                <TextField id="contact-company" name="form[company]" label="Company" error=field_error(value, "company")/>
                <TextArea id="contact-notes" name="form[notes]" label="Notes" error=field_error(value, "notes") rows=3/>
                <button type="submit" class="button primary" data-testid="add-contact">"Add contact"</button>
            </ActionForm>
        </section>
    }
}

/// Links that filter the list: every contact, each lifecycle tag, the archived ones.
#[component]
fn Filters(tags: Vec<ContactTag>, tag: Memo<Option<String>>, archived: Memo<bool>) -> impl IntoView {
    let all_current = move || (tag.get().is_none() && !archived.get()).then_some("page");
    view! {
        <nav class="filter-links" aria-label="Filter contacts">
            <A href="/dashboard/contacts" attr:aria-current=all_current attr:data-testid="contacts-filter-all">"All contacts"</A>
            {tags.into_iter().map(|t| {
                let value = t.value.clone();
                let current = move || (tag.get().as_deref() == Some(value.as_str())).then_some("page");
                view! {
                    " · "
                    <A href=format!("/dashboard/contacts?tag={}", t.value) attr:aria-current=current attr:data-testid=format!("contacts-filter-{}", t.value)>{t.label}</A>
                }
            }).collect_view()}
            " · "
            <A href="/dashboard/contacts?archived=1" attr:aria-current=move || archived.get().then_some("page") attr:data-testid="contacts-filter-archived">"Archived"</A>
        </nav>
    }
}

#[component]
fn ContactTable(contacts: Vec<ContactDto>, archive: ServerAction<ArchiveContact>, archived: bool) -> impl IntoView {
    if contacts.is_empty() {
        let empty = if archived {
            "No archived contacts."
        } else {
            "No contacts here yet. Everyone who books you appears here."
        };
        return view! { <p data-testid="contacts-empty">{empty}</p> }.into_any();
    }
    let caption = if archived { "Archived contacts" } else { "Contacts" };
    view! {
        <div class="table-scroll">
            <table class="data-table" data-testid="contacts-table">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Phone"</th><th scope="col">"Company"</th><th scope="col">"Tag"</th><th scope="col">"Source"</th><th scope="col">"Actions"</th></tr>
                </thead>
                <tbody>
                    {contacts.into_iter().map(|c| {
                        let label = if c.archived { "Restore" } else { "Archive" };
                        let action_label = format!("{label} {}", c.name);
                        view! {
                            <tr data-testid="contact-row">
                                <td><A href=format!("/dashboard/contacts/{}", c.id)>{c.name.clone()}</A></td>
                                <td>{c.email}</td>
                                <td>{c.phone.unwrap_or_default()}</td>
                                <td>{c.company.unwrap_or_default()}</td>
                                <td>{c.tag.map(|t| view! { <span class="tag" data-testid="contact-tag">{t.label}</span> })}</td>
                                <td>{c.source}</td>
                                <td>
                                    <ActionForm action=archive attr:class="inline-form">
                                        <input type="hidden" name="id" value=c.id.to_string()/>
                                        <input type="hidden" name="archive" value=(!c.archived).to_string()/>
                                        <button type="submit" class="button small" aria-label=action_label data-testid="contact-archive">{label}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// "Page 2 of 7" with links to the neighbours, keeping the filter.
#[component]
fn Pages(total: u64, page: u64, pages: u64, tag: Option<String>, archived: bool) -> impl IntoView {
    if pages <= 1 {
        return view! { <p class="muted" data-testid="contacts-count">{format!("{total} contacts")}</p> }.into_any();
    }
    let link = move |to: u64| {
        let mut query = vec![format!("page={to}")];
        if let Some(tag) = &tag {
            query.push(format!("tag={tag}"));
        }
        if archived {
            query.push("archived=1".to_owned());
        }
        format!("/dashboard/contacts?{}", query.join("&"))
    };
    view! {
        <nav class="filter-links" aria-label="Pages of contacts" data-testid="contacts-pages">
            {(page > 1).then(|| view! { <A href=link(page - 1) attr:rel="prev">"← Previous"</A>" · " })}
            <span>{format!("Page {page} of {pages} ({total} contacts)")}</span>
            {(page < pages).then(|| view! { " · "<A href=link(page + 1) attr:rel="next" attr:data-testid="contacts-next">"Next →"</A> })}
        </nav>
    }
    .into_any()
}

/// Contacts that look like one person: merging keeps the oldest.
#[component]
fn Duplicates(groups: Vec<DuplicateGroup>, merge: ServerAction<MergeContacts>) -> impl IntoView {
    if groups.is_empty() {
        return ().into_any();
    }
    let value = merge.value();
    view! {
        <section class="card" aria-labelledby="duplicates-heading" data-testid="duplicates">
            <h2 id="duplicates-heading">"Possible duplicates"</h2>
            <p class="muted">"Merging keeps the oldest contact and moves the other’s bookings and HubSpot link to it; what the kept one lacks (phone, company, notes) is filled in from the other."</p>
            <FormAlert value/>
            <ul class="plain-list">
                {groups.into_iter().map(|group| {
                    let mut members = group.contacts.into_iter();
                    let Some(keep) = members.next() else { return ().into_any() };
                    let (keep_id, keep_name, keep_email) = (keep.id.to_string(), keep.name, keep.email);
                    members.map(|other| {
                        let (keep_id, keep_name, keep_email) = (keep_id.clone(), keep_name.clone(), keep_email.clone());
                        let text = format!("{}: {} ({}) and {} ({})", group.reason, keep_name, keep_email, other.name, other.email);
                        view! {
                            <li data-testid="duplicate-row">
                                <span>{text}</span>
                                <ActionForm action=merge attr:class="inline-form">
                                    <input type="hidden" name="keep" value=keep_id/>
                                    <input type="hidden" name="other" value=other.id.to_string()/>
                                    <button type="submit" class="button small" aria-label=format!("Merge {} into {}", other.email, keep_email) data-testid="merge-contacts">"Merge"</button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view().into_any()
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
