//! `/dashboard/contacts/{id}`: one contact, to edit or archive. With
//! two-way HubSpot sync on, a saved edit reaches HubSpot in the background.
use super::DashboardShell;
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, TextArea, TextField};
use crate::dto::ContactDto;
use crate::functions::contacts::{ArchiveContact, UpdateContact, get_contact};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ContactDetailPage() -> impl IntoView {
    view! {
        <Title text="Contact"/>
        <DashboardShell>
            <ContactDetail/>
        </DashboardShell>
    }
}

#[component]
fn ContactDetail() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateContact>::new();
    let archive = ServerAction::<ArchiveContact>::new();
    let contact = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                update.version().get(),
                archive.version().get(),
            )
        },
        |(id, ..)| get_contact(id.into()),
    );
    view! {
        <p><A href="/dashboard/contacts">"← All contacts"</A></p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match contact.await {
                    Ok(c) => view! { <ContactForm contact=c update archive/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ContactForm(
    contact: ContactDto,
    update: ServerAction<UpdateContact>,
    archive: ServerAction<ArchiveContact>,
) -> impl IntoView {
    let value = update.value();
    let (id, archive_id) = (contact.id.to_string(), contact.id.to_string());
    let saved = move || value.get().is_some_and(|r| r.is_ok());
    let archive_label = if contact.archived {
        "Restore contact"
    } else {
        "Archive contact"
    };
    let archive_hint = if contact.archived {
        "This contact is archived: hidden from the list, its bookings kept."
    } else {
        "Archiving hides the contact from the list and keeps its bookings; it does not delete anything in HubSpot."
    };
    view! {
        <section class="card narrow" aria-labelledby="contact-heading">
            <h1 id="contact-heading">{contact.name.clone()}</h1>
            <dl class="details-list">
                {contact.tag.clone().map(|t| view! { <dt>"Lifecycle stage"</dt><dd><span class="tag" data-testid="contact-tag">{t.label}</span></dd> })}
                <dt>"Source"</dt><dd>{contact.source.clone()}</dd>
            </dl>
            <ActionForm action=update attr:novalidate=true>
                <input type="hidden" name="id" value=id/>
                <FormAlert value/>
                {move || saved().then(|| view! { <div class="form-success" role="status" data-testid="contact-saved">"Contact saved."</div> })}
                <TextField id="edit-contact-name" name="form[name]" label="Name" required=true value=contact.name.clone() error=field_error(value, "name")/>
                <TextField id="edit-contact-email" name="form[email]" label="Email" kind="email" required=true value=contact.email.clone() error=field_error(value, "email")/>
                <TextField id="edit-contact-phone" name="form[phone]" label="Phone" kind="tel" value=contact.phone.clone().unwrap_or_default() error=field_error(value, "phone")/>
                <TextField id="edit-contact-company" name="form[company]" label="Company" value=contact.company.clone().unwrap_or_default() error=field_error(value, "company")/>
                <TextArea id="edit-contact-notes" name="form[notes]" label="Notes" value=contact.notes.clone().unwrap_or_default() error=field_error(value, "notes") rows=3/>
                <button type="submit" class="button primary" data-testid="save-contact">"Save contact"</button>
            </ActionForm>
            <ActionForm action=archive>
                <input type="hidden" name="id" value=archive_id/>
                <input type="hidden" name="archive" value=(!contact.archived).to_string()/>
                <p class="muted">{archive_hint}</p>
                <button type="submit" class="button" data-testid="contact-archive">{archive_label}</button>
            </ActionForm>
        </section>
    }
}
