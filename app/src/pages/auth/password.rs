//! `/forgot-password` asks for a reset link; `/reset-password?token=…`
//! sets a new password through one.
use crate::components::field::field_error;
use crate::components::{FormAlert, Loading, TextField};
use crate::functions::passwords::{RequestPasswordReset, ResetPassword, reset_link_works};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let value = action.value();
    let sent = move || matches!(value.get(), Some(Ok(())));
    view! {
        <Title text="Reset your password"/>
        <section class="card narrow" aria-labelledby="forgot-heading">
            <h1 id="forgot-heading">"Reset your password"</h1>
            <div role="status" class="form-success" data-testid="reset-requested" hidden=move || !sent()>
                "If an account uses that address, a link to reset its password is on its way. It works once, within an hour."
            </div>
            <ActionForm action attr:novalidate=true>
                <FormAlert value/>
                <TextField id="forgot-email" name="email" label="Email" kind="email" autocomplete="email" required=true hint="The address you log in with. We e-mail it a link to choose a new password." error=field_error(value, "email")/>
                <button type="submit" class="button primary" data-testid="request-reset" disabled=move || action.pending().get()>"E-mail me a link"</button>
            </ActionForm>
            <p><A href="/login">"Back to log in"</A></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let works = Resource::new(token, |token| async move {
        if token.is_empty() {
            Ok(false)
        } else {
            reset_link_works(token).await
        }
    });
    view! {
        <Title text="Choose a new password"/>
        <section class="card narrow" aria-labelledby="reset-heading">
            <h1 id="reset-heading">"Choose a new password"</h1>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match works.await {
                        Ok(true) => view! { <ResetForm token=token()/> }.into_any(),
                        _ => view! {
                            <p role="alert" data-testid="reset-link-dead">
                                "This reset link has expired or was already used. "
                                <A href="/forgot-password">"Ask for a new one"</A>"."
                            </p>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ResetForm(token: String) -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let value = action.value();
    view! {
        <ActionForm action attr:novalidate=true>
            <FormAlert value/>
            <input type="hidden" name="token" value=token/>
            <TextField id="reset-password" name="password" label="New password" kind="password" autocomplete="new-password" required=true hint="At least 10 characters. Setting it logs you out on every device." error=field_error(value, "password")/>
            <button type="submit" class="button primary" data-testid="reset-submit" disabled=move || action.pending().get()>"Set new password"</button>
        </ActionForm>
    }
}
