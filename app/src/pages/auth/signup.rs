use crate::components::field::field_error;
use crate::components::time_zone_select::TimeZoneSelect;
use crate::components::{FormAlert, TextField};
use crate::functions::auth::SignUp;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let value = action.value();
    // The zone input posts as a hidden field so the picker can stay a
    // plain, searchable control.
    let time_zone = RwSignal::new("Europe/Berlin".to_owned());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
            if let Some(tz) = js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
                .ok()
                .and_then(|v| v.as_string())
            {
                time_zone.set(tz);
            }
        }
    });
    view! {
        <Title text="Sign up"/>
        <section class="card narrow" aria-labelledby="signup-heading">
            <h1 id="signup-heading">"Create your booking page"</h1>
            <ActionForm action attr:novalidate=true>
                <FormAlert value/>
                <TextField id="signup-name" name="form[name]" label="Your name" autocomplete="name" required=true error=field_error(value, "name")/>
                <TextField id="signup-email" name="form[email]" label="Email" kind="email" autocomplete="email" required=true error=field_error(value, "email")/>
                <TextField id="signup-password" name="form[password]" label="Password" kind="password" autocomplete="new-password" required=true hint="At least 10 characters." error=field_error(value, "password")/>
                <TextField id="signup-slug" name="form[slug]" label="Your page URL" required=true hint="3–40 lowercase letters, digits or dashes; people book you at /your-url." error=field_error(value, "slug")/>
                {move || view! {
                    <TimeZoneSelect id="signup-time-zone" label="Your time zone" value=time_zone.get() on_change=Callback::new(move |tz| time_zone.set(tz))/>
                }}
                <input type="hidden" name="form[time_zone]" prop:value=move || time_zone.get()/>
                <p class="field-error" hidden=move || field_error(value, "time_zone").get().is_none()>{move || field_error(value, "time_zone").get()}</p>
                <button type="submit" class="button primary" data-testid="signup-submit" disabled=move || action.pending().get()>"Sign up"</button>
            </ActionForm>
            <p>"Already have an account? " <A href="/login">"Log in"</A></p>
        </section>
    }
}
