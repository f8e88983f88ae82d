use crate::components::field::field_error;
use crate::components::{FormAlert, TextField};
use crate::functions::auth::{LogIn, LogOut, LogOutEverywhere};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<LogIn>::new();
    let value = action.value();
    view! {
        <Title text="Log in"/>
        <section class="card narrow" aria-labelledby="login-heading">
            <h1 id="login-heading">"Log in"</h1>
            <ActionForm action attr:novalidate=true>
                <FormAlert value/>
                <TextField id="login-email" name="email" label="Email" kind="email" autocomplete="email" required=true error=field_error(value, "email")/>
                <TextField id="login-password" name="password" label="Password" kind="password" autocomplete="current-password" required=true error=field_error(value, "password")/>
                <button type="submit" class="button primary" data-testid="login-submit" disabled=move || action.pending().get()>"Log in"</button>
            </ActionForm>
            <p><A href="/forgot-password">"Forgot your password?"</A></p>
            <p>"New to Slotline? " <A href="/signup">"Create your booking page"</A></p>
        </section>
    }
}

#[component]
pub fn LogoutPage() -> impl IntoView {
    view! {
        <Title text="Log out"/>
        <section class="card narrow">
            <h1>"Log out"</h1>
            <LogoutButton/>
            <LogoutEverywhereButton/>
        </section>
    }
}

/// Ends the sessions on every device too, say after using a shared computer.
#[component]
fn LogoutEverywhereButton() -> impl IntoView {
    let action = ServerAction::<LogOutEverywhere>::new();
    view! {
        <ActionForm action attr:class="inline-form" attr:novalidate=true>
            <p class="hint" id="logout-everywhere-hint">"Also ends your sessions on every other device."</p>
            <button type="submit" class="button" aria-describedby="logout-everywhere-hint" data-testid="logout-everywhere">"Log out everywhere"</button>
        </ActionForm>
    }
}

#[component]
pub fn LogoutButton() -> impl IntoView {
    let action = ServerAction::<LogOut>::new();
    view! {
        <ActionForm action attr:class="inline-form" attr:novalidate=true>
            <button type="submit" class="button link" data-testid="logout">"Log out"</button>
        </ActionForm>
    }
}
