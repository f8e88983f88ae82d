//! Hosts sign up, log in and out, and see only their own team's data.
use crate::helpers::{TestApp, browser};
use crate::on_both_databases;
use app::error::AppError;
use app::functions::auth::{GetCurrentUser, LogIn, LogOut, SignUp};
use app::functions::event_types::GetEventType;

on_both_databases!(
    signing_up_logs_the_host_in_as_owner_of_a_free_team,
    a_wrong_password_and_an_unknown_email_get_the_same_message,
    logging_out_ends_the_session,
    signing_up_rejects_bad_input_field_by_field,
    a_host_cannot_see_another_teams_event_types,
    passwords_are_stored_as_argon2id_hashes,
);

async fn signing_up_logs_the_host_in_as_owner_of_a_free_team(app: TestApp) {
    let client = app.sign_up("ada").await;
    let me = app.call::<GetCurrentUser>(&client, &[]).await.ok();
    assert_eq!(me["slug"], "ada");
    assert_eq!(me["role"], "owner");
    assert_eq!(me["plan"], "free");
    let anonymous = app.call::<GetCurrentUser>(&browser(), &[]).await.ok();
    assert!(anonymous.is_null());
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_message(app: TestApp) {
    app.sign_up("ada").await;
    let wrong = app
        .call::<LogIn>(
            &browser(),
            &[("email", "ada@example.com"), ("password", "not the password")],
        )
        .await
        .err();
    let unknown = app
        .call::<LogIn>(
            &browser(),
            &[("email", "nobody@example.com"), ("password", "correct horse battery")],
        )
        .await
        .err();
    assert_eq!(wrong, unknown);
    assert!(wrong.message_for("password").is_some());
    let client = browser();
    let to = app
        .call::<LogIn>(
            &client,
            &[("email", "ADA@example.com"), ("password", "correct horse battery")],
        )
        .await
        .redirect();
    assert_eq!(to, "/dashboard");
    assert_eq!(app.call::<GetCurrentUser>(&client, &[]).await.ok()["slug"], "ada");
}

async fn logging_out_ends_the_session(app: TestApp) {
    let client = app.sign_up("ada").await;
    assert_eq!(app.call::<LogOut>(&client, &[]).await.redirect(), "/login");
    assert!(app.call::<GetCurrentUser>(&client, &[]).await.ok().is_null());
}

async fn signing_up_rejects_bad_input_field_by_field(app: TestApp) {
    app.sign_up("taken").await;
    let error = app
        .call::<SignUp>(
            &browser(),
            &[
                ("form[name]", ""),
                ("form[email]", "not-an-email"),
                ("form[password]", "short"),
                ("form[slug]", "dashboard"),
                ("form[time_zone]", "Mars/Base"),
            ],
        )
        .await
        .err();
    for field in ["name", "email", "password", "slug", "time_zone"] {
        assert!(error.message_for(field).is_some(), "{field}: {error:?}");
    }
    let duplicate = app
        .call::<SignUp>(
            &browser(),
            &[
                ("form[name]", "Another"),
                ("form[email]", "taken@example.com"),
                ("form[password]", "correct horse battery"),
                ("form[slug]", "taken"),
                ("form[time_zone]", "UTC"),
            ],
        )
        .await
        .err();
    assert!(duplicate.message_for("email").is_some(), "{duplicate:?}");
    assert!(duplicate.message_for("slug").is_some(), "{duplicate:?}");
}

async fn a_host_cannot_see_another_teams_event_types(app: TestApp) {
    let ada = app.sign_up("ada").await;
    let grace = app.sign_up("grace").await;
    let id = app.create_event_type(&ada, "intro", 30).await;
    assert_eq!(
        app.call::<GetEventType>(&ada, &[("id", &id)]).await.ok()["slug"],
        "intro"
    );
    assert_eq!(
        app.call::<GetEventType>(&grace, &[("id", &id)]).await.err(),
        AppError::NotFound
    );
    assert_eq!(
        app.call::<GetEventType>(&browser(), &[("id", &id)]).await.err(),
        AppError::Unauthorized
    );
}

async fn passwords_are_stored_as_argon2id_hashes(app: TestApp) {
    use app::ssr::entities::user;
    use sea_orm::EntityTrait;
    app.sign_up("ada").await;
    let stored = user::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    assert!(
        stored.password_hash.starts_with("$argon2id$"),
        "{}",
        stored.password_hash
    );
    assert!(!stored.password_hash.contains("correct horse"));
}
