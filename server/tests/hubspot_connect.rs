//! Connecting a team's HubSpot portal through the OAuth code flow against
//! the HubSpot sandbox, and disconnecting it.
use crate::helpers::{TestApp, browser};
use crate::on_both_databases;
use app::error::AppError;
use app::functions::integrations::{DisconnectHubspot, HubspotCard};
use app::ssr::entities::{integration_connection as hubspot_connection, oauth_state, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, Statement};

on_both_databases!(
    an_owner_on_pro_connects_through_the_consent_page_and_tokens_are_sealed,
    a_forged_replayed_or_foreign_state_is_refused,
    a_denied_consent_connects_nothing_and_says_so,
    a_free_team_cannot_connect,
    a_member_who_is_not_owner_or_admin_cannot_connect,
    disconnecting_forgets_the_tokens_and_revokes_them_at_hubspot,
);

async fn user_by_slug(app: &TestApp, slug: &str) -> user::Model {
    user::Entity::find()
        .filter(user::Column::Slug.eq(slug))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// Path and query of an absolute URL, to replay it against the test server.
fn path_and_query(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

/// Starts a connect; returns HubSpot's authorize URL.
async fn start_connect(app: &TestApp, client: &reqwest::Client) -> String {
    let authorize = app.location(client, "/integrations/hubspot/connect").await;
    assert!(authorize.starts_with(&app.hubspot.base_url), "{authorize}");
    authorize
}

async fn connection_of(app: &TestApp, slug: &str) -> Option<hubspot_connection::Model> {
    let host = user_by_slug(app, slug).await;
    hubspot_connection::Entity::find()
        .filter(hubspot_connection::Column::Provider.eq(hubspot_connection::HUBSPOT))
        .filter(hubspot_connection::Column::TeamId.eq(&host.team_id))
        .one(&app.state.db)
        .await
        .unwrap()
}

/// Every stored byte of the connections table, as text.
async fn raw_connections(app: &TestApp) -> String {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "SELECT row_to_json(c)::text AS raw FROM integration_connections c",
        _ => {
            "SELECT id || provider || team_id || account_id || connected_by || scopes || access_token_sealed || \
             refresh_token_sealed || access_expires_at || settings || status AS raw FROM integration_connections"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    rows.iter()
        .map(|r| r.try_get::<String>("", "raw").unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn an_owner_on_pro_connects_through_the_consent_page_and_tokens_are_sealed(app: TestApp) {
    let ada = app.pro_owner("ada").await;
    let authorize = start_connect(&app, &ada).await;
    let query: std::collections::HashMap<_, _> = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    assert_eq!(query["client_id"], app.config.hubspot.as_ref().unwrap().client_id);
    assert_eq!(
        query["redirect_uri"],
        "http://slotline.test/integrations/hubspot/callback"
    );
    assert_eq!(
        query["scope"],
        "oauth crm.objects.contacts.read crm.objects.contacts.write"
    );
    assert!(query["state"].len() >= 32);

    let callback = path_and_query(&app.hubspot.grant(&authorize).await);
    assert_eq!(
        app.location(&ada, &callback).await,
        "/dashboard/integrations?connected=1"
    );
    let stored = connection_of(&app, "ada").await.expect("a connection");
    assert_eq!(
        stored.account_id, "4242424",
        "from introspection: the token response had no hub_id"
    );
    assert!(
        app.hubspot
            .requests()
            .iter()
            .any(|r| r.path.ends_with("/token/introspect"))
    );
    assert!(stored.scopes.contains("crm.objects.contacts.write"));
    assert!(stored.access_expires_at.unwrap() > chrono::Utc::now() + chrono::Duration::minutes(25));

    // The sealed tokens open to tokens HubSpot accepts; the raw table never holds them.
    let access = app.state.secrets.open(&stored.access_token_sealed).unwrap();
    let refresh = app
        .state
        .secrets
        .open(stored.refresh_token_sealed.as_deref().unwrap())
        .unwrap();
    let introspected: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/2026-03/token/introspect", app.hubspot.base_url))
        .form(&[
            ("client_id", app.config.hubspot.as_ref().unwrap().client_id.as_str()),
            (
                "client_secret",
                app.config.hubspot.as_ref().unwrap().client_secret.as_str(),
            ),
            ("token", access.as_str()),
            ("token_type_hint", "access_token"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(introspected["active"], true);
    let raw = raw_connections(&app).await;
    assert!(raw.contains("4242424"), "the raw read sees the row: {raw}");
    assert!(
        !raw.contains(&access) && !raw.contains(&refresh),
        "tokens in plaintext: {raw}"
    );

    let card = app.call::<HubspotCard>(&ada, &[]).await.ok();
    assert_eq!(card["portal_id"], "4242424");
    assert_eq!(card["refusal"], serde_json::Value::Null);
}

async fn a_forged_replayed_or_foreign_state_is_refused(app: TestApp) {
    let ada = app.pro_owner("ada").await;
    let forged = app
        .location(&ada, "/integrations/hubspot/callback?code=abc&state=forged-state")
        .await;
    assert_eq!(forged, "/dashboard/integrations?error=state");
    let missing = app.location(&ada, "/integrations/hubspot/callback?code=abc").await;
    assert_eq!(missing, "/dashboard/integrations?error=state");

    // A state begun in Ada's session is no good in Grace's, even for a code HubSpot issued.
    let grace = app.pro_owner("grace").await;
    let authorize = start_connect(&app, &ada).await;
    let callback = path_and_query(&app.hubspot.grant(&authorize).await);
    assert_eq!(
        app.location(&grace, &callback).await,
        "/dashboard/integrations?error=state"
    );
    // …and that attempt used it up, so Ada cannot finish it either.
    assert_eq!(
        app.location(&ada, &callback).await,
        "/dashboard/integrations?error=state"
    );
    assert!(connection_of(&app, "ada").await.is_none() && connection_of(&app, "grace").await.is_none());

    // A completed callback cannot be replayed.
    let (callback, landed) = app.connect_hubspot(&ada).await;
    assert_eq!(landed, "/dashboard/integrations?connected=1");
    assert_eq!(
        app.location(&ada, &callback).await,
        "/dashboard/integrations?error=state"
    );
    assert_eq!(oauth_state::Entity::find().all(&app.state.db).await.unwrap().len(), 0);
}

async fn a_denied_consent_connects_nothing_and_says_so(app: TestApp) {
    let ada = app.pro_owner("ada").await;
    let authorize = start_connect(&app, &ada).await;
    let state = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let denied =
        format!("/integrations/hubspot/callback?error=access_denied&error_description=The+user+declined&state={state}");
    assert_eq!(
        app.location(&ada, &denied).await,
        "/dashboard/integrations?error=access_denied"
    );
    assert!(connection_of(&app, "ada").await.is_none());
    let page = ada
        .get(format!("{}/dashboard/integrations?error=access_denied", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("HubSpot access was not granted"), "{page}");
}

async fn a_free_team_cannot_connect(app: TestApp) {
    let ada = app.sign_up("ada").await;
    assert_eq!(
        app.location(&ada, "/integrations/hubspot/connect").await,
        "/dashboard/integrations?error=forbidden"
    );
    assert_eq!(oauth_state::Entity::find().all(&app.state.db).await.unwrap().len(), 0);
    let card = app.call::<HubspotCard>(&ada, &[]).await.ok();
    assert!(
        card["refusal"].as_str().unwrap().contains("your team is on Free"),
        "{card}"
    );
    // Upgrading is all it takes.
    app.set_plan("ada", "organization").await;
    assert_eq!(app.connect_hubspot(&ada).await.1, "/dashboard/integrations?connected=1");
}

async fn a_member_who_is_not_owner_or_admin_cannot_connect(app: TestApp) {
    let ada = app.pro_owner("ada").await;
    let grace = app.sign_up("grace").await;
    let owner = user_by_slug(&app, "ada").await;
    let mut member: user::ActiveModel = user_by_slug(&app, "grace").await.into();
    member.team_id = Set(owner.team_id.clone());
    member.role = Set(app::domain::team::Role::Member);
    member.update(&app.state.db).await.unwrap();

    assert_eq!(
        app.location(&grace, "/integrations/hubspot/connect").await,
        "/dashboard/integrations?error=forbidden"
    );
    let card = app.call::<HubspotCard>(&grace, &[]).await.ok();
    assert!(
        card["refusal"].as_str().unwrap().contains("owner or an admin"),
        "{card}"
    );

    // The owner connects; the member sees it but cannot disconnect it.
    app.connect_hubspot(&ada).await;
    let seen = app.call::<HubspotCard>(&grace, &[]).await.ok();
    assert_eq!(seen["portal_id"], "4242424");
    assert!(matches!(
        app.call::<DisconnectHubspot>(&grace, &[]).await.err(),
        AppError::Forbidden(_)
    ));
    assert!(connection_of(&app, "ada").await.is_some());

    // An admin may.
    let mut admin: user::ActiveModel = user_by_slug(&app, "grace").await.into();
    admin.role = Set(app::domain::team::Role::Admin);
    admin.update(&app.state.db).await.unwrap();
    app.call::<DisconnectHubspot>(&grace, &[]).await.ok();
    assert!(connection_of(&app, "ada").await.is_none());
}

async fn disconnecting_forgets_the_tokens_and_revokes_them_at_hubspot(app: TestApp) {
    let ada = app.pro_owner("ada").await;
    app.connect_hubspot(&ada).await;
    let stored = connection_of(&app, "ada").await.unwrap();
    let refresh = app
        .state
        .secrets
        .open(stored.refresh_token_sealed.as_deref().unwrap())
        .unwrap();

    app.call::<DisconnectHubspot>(&ada, &[]).await.ok();
    assert!(connection_of(&app, "ada").await.is_none(), "tokens deleted at once");
    assert!(
        app.hubspot.revocations().is_empty(),
        "revoked in the background, not in the request"
    );
    app.runner.run_until_idle().await.unwrap();
    assert_eq!(app.hubspot.revocations(), [refresh]);
    let card = app.call::<HubspotCard>(&ada, &[]).await.ok();
    assert_eq!(card["portal_id"], serde_json::Value::Null);
    // Anonymous visitors are sent to log in.
    assert_eq!(
        app.location(&browser(), "/integrations/hubspot/connect").await,
        "/login"
    );
}

/// HubSpot may name the portal in the token response; then no introspection is needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_portal_is_taken_from_the_token_response_when_hubspot_names_it() {
    let sandbox = hubspot_sandbox::SandboxConfig {
        token_response_has_hub_id: true,
        hub_id: 777,
        ..Default::default()
    };
    let app = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, sandbox)
        .await
        .expect("SQLite always runs");
    let ada = app.pro_owner("ada").await;
    assert_eq!(app.connect_hubspot(&ada).await.1, "/dashboard/integrations?connected=1");
    let stored = connection_of(&app, "ada").await.expect("a connection");
    assert_eq!(stored.account_id, "777");
    assert!(stored.scopes.contains("crm.objects.contacts.write"));
    assert!(!app.hubspot.requests().iter().any(|r| r.path.ends_with("/introspect")));
}
