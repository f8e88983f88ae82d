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
    a_log_in_replaces_the_session_the_browser_held,
    a_session_ends_after_fourteen_idle_days,
    logging_out_everywhere_ends_every_session,
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

async fn sessions_of(app: &TestApp) -> Vec<app::ssr::entities::session::Model> {
    use sea_orm::EntityTrait;
    app::ssr::entities::session::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn log_in_as_ada(app: &TestApp, client: &reqwest::Client) {
    let to = app
        .call::<LogIn>(
            client,
            &[("email", "ada@example.com"), ("password", "correct horse battery")],
        )
        .await
        .redirect();
    assert_eq!(to, "/dashboard");
}

async fn a_log_in_replaces_the_session_the_browser_held(app: TestApp) {
    let client = app.sign_up("ada").await;
    let before = sessions_of(&app).await;
    assert_eq!(before.len(), 1);
    log_in_as_ada(&app, &client).await;
    let after = sessions_of(&app).await;
    assert_eq!(after.len(), 1, "the old session ended");
    assert_ne!(after[0].token_hash, before[0].token_hash);
    assert_eq!(app.call::<GetCurrentUser>(&client, &[]).await.ok()["slug"], "ada");
}

async fn a_session_ends_after_fourteen_idle_days(app: TestApp) {
    use sea_orm::{ActiveModelTrait, Set};
    let client = app.sign_up("ada").await;
    let session = sessions_of(&app).await.remove(0);
    let two_hours_ago = chrono::Utc::now() - chrono::Duration::hours(2);
    let mut model: app::ssr::entities::session::ActiveModel = session.clone().into();
    model.last_seen_at = Set(Some(two_hours_ago));
    model.update(&app.state.db).await.unwrap();
    assert_eq!(app.call::<GetCurrentUser>(&client, &[]).await.ok()["slug"], "ada");
    let seen = sessions_of(&app).await.remove(0).last_seen_at.unwrap();
    assert!(
        seen > two_hours_ago + chrono::Duration::minutes(90),
        "using it keeps it alive"
    );

    let mut model: app::ssr::entities::session::ActiveModel = session.into();
    model.last_seen_at = Set(Some(chrono::Utc::now() - chrono::Duration::days(15)));
    model.update(&app.state.db).await.unwrap();
    assert!(
        app.call::<GetCurrentUser>(&client, &[]).await.ok().is_null(),
        "idle too long"
    );
    app::ssr::auth::purge_expired_sessions(&app.state.db).await.unwrap();
    assert!(sessions_of(&app).await.is_empty());
}

async fn logging_out_everywhere_ends_every_session(app: TestApp) {
    let laptop = app.sign_up("ada").await;
    let phone = browser();
    log_in_as_ada(&app, &phone).await;
    app.sign_up("grace").await;
    assert_eq!(sessions_of(&app).await.len(), 3);
    let to = app
        .call::<app::functions::auth::LogOutEverywhere>(&phone, &[])
        .await
        .redirect();
    assert_eq!(to, "/login");
    assert!(app.call::<GetCurrentUser>(&laptop, &[]).await.ok().is_null());
    assert!(app.call::<GetCurrentUser>(&phone, &[]).await.ok().is_null());
    assert_eq!(sessions_of(&app).await.len(), 1, "another host's session stays");
}

/// Over https the cookie is `__Host-` prefixed (Secure, this host, path
/// `/`), and a plain-named cookie planted by a sibling domain is ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn over_https_the_session_cookie_is_host_only() {
    use leptos::server_fn::ServerFn;
    let app = crate::helpers::spawn_app_configured(crate::helpers::Backend::Sqlite, Default::default(), |config| {
        config.public_url = "https://slotline.example".into();
    })
    .await
    .unwrap();
    app.sign_up("ada").await;
    let response = browser()
        .post(format!("{}{}", app.address, LogIn::PATH))
        .form(&[("email", "ada@example.com"), ("password", "correct horse battery")])
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.contains("slotline_session"))
        .expect("a session cookie");
    assert!(cookie.starts_with("__Host-slotline_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    let token = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();

    let ask = |cookie: String| {
        let url = format!("{}{}", app.address, GetCurrentUser::PATH);
        async move {
            browser()
                .post(url)
                .header("Accept", "application/json")
                .header("Cookie", cookie)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(ask(format!("__Host-slotline_session={token}")).await["slug"], "ada");
    assert!(ask(format!("slotline_session={token}")).await.is_null());
}
