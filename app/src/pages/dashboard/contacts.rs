use super::DashboardShell;
use crate::components::field::field_error;
use crate::components::{ErrorNotice, FormAlert, Loading, TextArea, TextField};
use crate::functions::contacts::{AddContact, list_contacts};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

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
    let value = add.value();
    let contacts = Resource::new(move || add.version().get(), |_| list_contacts());
    view! {
        <h1>"Contacts"</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match contacts.await {
                    Ok(list) if list.is_empty() => view! { <p data-testid="contacts-empty">"No contacts yet. Everyone who books you appears here."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="data-table" data-testid="contacts-table">
                            <thead>
                                <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Phone"</th><th scope="col">"Company"</th><th scope="col">"Source"</th></tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr data-testid="contact-row">
                                        <td>{c.name}</td>
                                        <td>{c.email}</td>
                                        <td>{c.phone.unwrap_or_default()}</td>
                                        <td>{c.company.unwrap_or_default()}</td>
                                        <td>{c.source}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
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
