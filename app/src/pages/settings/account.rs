//! `/settings/account`: change the password, which logs out every other session.
use crate::components::FormAlert;
use crate::components::TextField;
use crate::components::field::field_error;
use crate::functions::passwords::ChangePassword;
use crate::pages::dashboard::DashboardShell;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Account"/>
        <DashboardShell>
            <h1>"Account"</h1>
            <ChangePasswordForm/>
        </DashboardShell>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let changed = move || matches!(value.get(), Some(Ok(())));
    view! {
        <section class="card narrow" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <div role="status" class="form-success" data-testid="password-changed" hidden=move || !changed()>
                "Password changed. Every other session of yours was logged out."
            </div>
            <ActionForm action attr:novalidate=true>
                <FormAlert value/>
                <TextField id="current-password" name="current_password" label="Current password" kind="password" autocomplete="current-password" required=true error=field_error(value, "current_password")/>
                <TextField id="new-password" name="new_password" label="New password" kind="password" autocomplete="new-password" required=true hint="At least 10 characters. Your other sessions end; this one stays." error=field_error(value, "new_password")/>
                <button type="submit" class="button primary" data-testid="change-password" disabled=move || action.pending().get()>"Change password"</button>
            </ActionForm>
        </section>
    }
}
