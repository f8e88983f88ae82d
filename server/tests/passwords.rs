//! Changing a password ends the host's other sessions; a forgotten one is
//! reset by an e-mailed link that works once, for an hour, and ends every
//! session.
use crate::helpers::{TestApp, browser};
use crate::on_both_databases;
use app::error::AppError;
use app::functions::auth::{GetCurrentUser, LogIn};
use app::functions::passwords::{ChangePassword, RequestPasswordReset, ResetLinkWorks, ResetPassword};
use app::ssr::entities::password_reset;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use std::time::Duration;

on_both_databases!(
    changing_the_password_ends_every_other_session,
    a_forgotten_password_is_reset_by_a_single_use_link,
    reset_links_expire_and_requests_are_capped,
);

const OLD: &str = "correct horse battery";
const NEW: &str = "tr0ub4dor and then some";

async fn log_in(app: &TestApp, client: &reqwest::Client, password: &str) -> bool {
    let answer = app
        .call::<LogIn>(client, &[("email", "ada@example.com"), ("password", password)])
        .await;
    matches!(answer, crate::helpers::Answer::Redirect(_))
}

async fn logged_in(app: &TestApp, client: &reqwest::Client) -> bool {
    !app.call::<GetCurrentUser>(client, &[]).await.ok().is_null()
}

fn field_of(error: AppError) -> String {
    match error {
        AppError::Validation(fields) => fields[0].field.clone(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn changing_the_password_ends_every_other_session(app: TestApp) {
    let laptop = app.sign_up("ada").await;
    let phone = browser();
    assert!(log_in(&app, &phone, OLD).await);

    let wrong = app
        .call::<ChangePassword>(&laptop, &[("current_password", "guess"), ("new_password", NEW)])
        .await
        .err();
    assert_eq!(field_of(wrong), "current_password");
    let short = app
        .call::<ChangePassword>(&laptop, &[("current_password", OLD), ("new_password", "short")])
        .await
        .err();
    assert_eq!(field_of(short), "new_password");
    assert!(logged_in(&app, &phone).await, "a refused change ends nothing");

    app.call::<ChangePassword>(&laptop, &[("current_password", OLD), ("new_password", NEW)])
        .await
        .ok();
    assert!(logged_in(&app, &laptop).await, "the session that changed it stays");
    assert!(!logged_in(&app, &phone).await, "every other session ends");
    assert!(!log_in(&app, &browser(), OLD).await);
    assert!(log_in(&app, &browser(), NEW).await);
}

/// The token of the reset link in the newest e-mail to Ada.
fn reset_token(app: &TestApp) -> String {
    let mail = app
        .smtp
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.rcpt_to == ["ada@example.com"])
        .expect("a reset e-mail");
    // Undo quoted-printable's soft line breaks and escapes.
    let body = mail.data.replace("=\r\n", "").replace("=3D", "=");
    let start = body.find("/reset-password?token=").expect("the link") + "/reset-password?token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn request(app: &TestApp, email: &str) {
    app.call::<RequestPasswordReset>(&browser(), &[("email", email)])
        .await
        .ok();
}

async fn a_forgotten_password_is_reset_by_a_single_use_link(app: TestApp) {
    let laptop = app.sign_up("ada").await;
    request(&app, "nobody@example.com").await;
    request(&app, "ADA@example.com").await;
    app.drain_jobs().await;
    let mails = app.smtp.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(mails.len(), 1, "no e-mail for an address without an account");
    assert!(mails[0].data.contains("Reset your Slotline password"));
    let token = reset_token(&app);
    assert!(
        app.call::<ResetLinkWorks>(&browser(), &[("token", &token)])
            .await
            .ok()
            .as_bool()
            .unwrap()
    );

    let visitor = browser();
    let short = app
        .call::<ResetPassword>(&visitor, &[("token", &token), ("password", "short")])
        .await
        .err();
    assert_eq!(field_of(short), "password");
    let to = app
        .call::<ResetPassword>(&visitor, &[("token", &token), ("password", NEW)])
        .await
        .redirect();
    assert_eq!(to, "/dashboard");
    assert!(logged_in(&app, &visitor).await, "the reset logs in");
    assert!(!logged_in(&app, &laptop).await, "every earlier session ends");

    let again = app
        .call::<ResetPassword>(&browser(), &[("token", &token), ("password", "another new password")])
        .await
        .err();
    assert!(matches!(again, AppError::Gone(_)), "{again:?}");
    assert!(log_in(&app, &browser(), NEW).await);
    assert!(!log_in(&app, &browser(), OLD).await);
}

async fn reset_links_expire_and_requests_are_capped(app: TestApp) {
    app.sign_up("ada").await;
    for _ in 0..4 {
        request(&app, "ada@example.com").await;
    }
    app.drain_jobs().await;
    app.smtp.wait_for(3, Duration::from_secs(5)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.smtp.messages().len(), 3, "three reset e-mails an hour at most");

    let token = reset_token(&app);
    for link in password_reset::Entity::find().all(&app.state.db).await.unwrap() {
        let mut link = link.into_active_model();
        link.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
        link.update(&app.state.db).await.unwrap();
    }
    assert_eq!(
        app.call::<ResetLinkWorks>(&browser(), &[("token", &token)]).await.ok(),
        serde_json::json!(false)
    );
    let late = app
        .call::<ResetPassword>(&browser(), &[("token", &token), ("password", NEW)])
        .await
        .err();
    assert!(matches!(late, AppError::Gone(_)), "{late:?}");
    assert!(log_in(&app, &browser(), OLD).await, "the password is unchanged");
}
