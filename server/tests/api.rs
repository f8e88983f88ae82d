//! REST API v1: keys, errors, rate limits, plan limits, hooks and the
//! OpenAPI document, through the real server.
use crate::helpers::{Backend, TestApp, spawn_app_configured};
use crate::on_both_databases;
use app::error::AppError;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_databases!(
    a_key_acts_as_its_user,
    the_database_keeps_only_the_keys_hash,
    free_plans_refuse_a_third_active_key,
    simultaneous_keys_cannot_slip_past_the_limit,
    revoked_and_expired_keys_answer_401,
    a_key_can_be_rotated,
    requests_without_a_valid_key_are_limited_per_ip,
    authenticated_requests_are_limited_per_user,
    hooks_count_toward_the_plan_limit,
    hook_input_is_validated_field_by_field,
    one_teams_key_cannot_touch_anothers_hooks,
    malformed_requests_answer_400,
    owners_see_and_revoke_their_teams_keys,
);

async fn error_of(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error");
    (
        status,
        body["error"]["code"].as_str().expect("a code").to_owned(),
        body["error"]["message"].as_str().expect("a message").to_owned(),
    )
}

async fn a_key_acts_as_its_user(app: TestApp) {
    let client = app.sign_up("keyed").await;
    app.create_event_type(&client, "intro", 30).await;
    let created = app.create_api_key(&client, "Zapier").await.ok();
    let key = created["key"].as_str().unwrap();
    assert_eq!(key.len(), 72);
    assert!(key.starts_with("sl_live_"));
    assert_eq!(created["api_key"]["prefix"], key[..12]);

    let response = app.api(Method::GET, "/api/v1/me", key).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-ratelimit-limit"], "60");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "59");
    assert!(response.headers().contains_key("x-ratelimit-reset"));
    let me: Value = response.json().await.unwrap();
    assert_eq!(me["name"], "Host keyed");
    assert_eq!(me["email"], "keyed@example.com");
    assert_eq!(me["id"].as_str().unwrap().len(), 24);

    let types: Value = app.api_json("/api/v1/event-types", key).await;
    assert_eq!(types.as_array().unwrap().len(), 1, "{types}");
    let intro = &types[0];
    assert_eq!(intro["duration"], 30);
    assert_eq!(intro["name"], "Event intro");

    // The key's last use shows on the settings page.
    let page = app
        .call::<app::functions::developer::ApiKeysPage>(&client, &[])
        .await
        .ok();
    assert!(page["keys"][0]["last_used"].is_string(), "{page}");
}

async fn the_database_keeps_only_the_keys_hash(app: TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    let client = app.sign_up("hashed").await;
    let key = app.api_key(&client).await;
    let backend = app.state.db.get_database_backend();
    let rows = app
        .state
        .db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, user_id, team_id, name, prefix, key_hash FROM api_keys",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let mut stored = Vec::new();
    for column in ["id", "user_id", "team_id", "name", "prefix", "key_hash"] {
        stored.push(rows[0].try_get::<String>("", column).unwrap());
    }
    assert!(stored.iter().all(|value| !value.contains(&key[12..])), "{stored:?}");
    use sha2::Digest;
    assert_eq!(stored[5], hex::encode(sha2::Sha256::digest(key.as_bytes())));
    // Nor anywhere else in the database file.
    if backend == sea_orm::DatabaseBackend::Sqlite {
        let dir = app.config.data_dir.clone();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
            let needle = key.as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the raw key is on disk"
            );
        }
    }
}

async fn free_plans_refuse_a_third_active_key(app: TestApp) {
    let client = app.sign_up("thrifty").await;
    app.api_key(&client).await;
    app.api_key(&client).await;
    let response = client
        .post(format!(
            "{}{}",
            app.address,
            <app::functions::developer::CreateApiKey as leptos::server_fn::ServerFn>::PATH
        ))
        .header("Accept", "application/json")
        .form(&[("name", "third"), ("expires_in_days", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let error: AppError = response.json().await.unwrap();
    let AppError::PlanLimit(message) = error else {
        panic!("a plan limit, not {error:?}");
    };
    assert!(message.contains("Free plan allows 2 active API keys"), "{message}");
    // On Pro there is no limit.
    app.set_plan("thrifty", "pro").await;
    app.api_key(&client).await;
}

/// A key asked for while another transaction of the same user is adding
/// keys waits for it, and then counts them.
async fn simultaneous_keys_cannot_slip_past_the_limit(app: TestApp) {
    use app::ssr::entities::{api_key, user};
    use app::ssr::services::{api_keys, lock_user};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    app.sign_up("racer").await;
    let racer = user::Entity::find()
        .filter(user::Column::Slug.eq("racer"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let other = app::ssr::db::write_transaction(&app.state.db).await.unwrap();
    lock_user(&other, &racer.id).await.unwrap();
    for n in 0..2 {
        api_key::ActiveModel {
            id: Set(app::domain::ApiKeyId::generate()),
            user_id: Set(racer.id.clone()),
            team_id: Set(racer.team_id.clone()),
            name: Set(format!("first {n}")),
            prefix: Set("sl_live_abcd".into()),
            key_hash: Set(format!("{n:064}")),
            created_at: Set(chrono::Utc::now()),
            last_used_at: Set(None),
            expires_at: Set(None),
            revoked_at: Set(None),
            scopes: Set(None),
        }
        .insert(&other)
        .await
        .unwrap();
    }
    let (db, late) = (app.state.db.clone(), racer.clone());
    let racing = tokio::spawn(async move { api_keys::create(&db, &late, "late", "", &Default::default()).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!racing.is_finished(), "it waits for the other transaction");
    other.commit().await.unwrap();
    let answer = racing.await.unwrap();
    assert!(matches!(answer, Err(AppError::PlanLimit(_))), "{answer:?}");
}

async fn revoked_and_expired_keys_answer_401(app: TestApp) {
    use app::ssr::entities::api_key;
    use sea_orm::EntityTrait;
    use sea_orm::sea_query::Expr;
    let client = app.sign_up("revoker").await;
    let created = app.create_api_key(&client, "old").await.ok();
    let key = created["key"].as_str().unwrap();
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", key).send().await.unwrap().status(),
        200
    );
    app.call::<app::functions::developer::RevokeApiKey>(&client, &[("id", created["api_key"]["id"].as_str().unwrap())])
        .await
        .ok();
    let (status, code, message) = error_of(app.api(Method::GET, "/api/v1/me", key).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "invalid_api_key"));
    assert!(message.contains("revoked"), "{message}");

    let other = app.api_key(&client).await;
    api_key::Entity::update_many()
        .col_expr(
            api_key::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    let (status, code, _) = error_of(app.api(Method::GET, "/api/v1/me", &other).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "invalid_api_key"));
    // A revoked or expired key no longer counts toward the plan's limit.
    app.api_key(&client).await;
}

async fn a_key_can_be_rotated(app: TestApp) {
    let client = app.sign_up("rotator").await;
    let old = app.create_api_key(&client, "v1").await.ok();
    let new = app.create_api_key(&client, "v2").await.ok()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let old_key = old["key"].as_str().unwrap();
    for key in [old_key, new.as_str()] {
        assert_eq!(
            app.api(Method::GET, "/api/v1/me", key).send().await.unwrap().status(),
            200
        );
    }
    app.call::<app::functions::developer::RevokeApiKey>(&client, &[("id", old["api_key"]["id"].as_str().unwrap())])
        .await
        .ok();
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", old_key)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &new).send().await.unwrap().status(),
        200
    );
}

async fn requests_without_a_valid_key_are_limited_per_ip(app: TestApp) {
    let bad = format!("sl_live_{}", "x".repeat(64));
    for attempt in 1..=5 {
        let response = if attempt % 2 == 0 {
            reqwest::get(format!("{}/api/v1/me", app.address)).await.unwrap()
        } else {
            app.api(Method::GET, "/api/v1/me", &bad).send().await.unwrap()
        };
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "request {attempt}");
    }
    let response = app.api(Method::GET, "/api/v1/event-types", &bad).send().await.unwrap();
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    // The document and the health check stay open.
    assert_eq!(
        reqwest::get(format!("{}/api/openapi.json", app.address))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        reqwest::get(format!("{}/healthz", app.address)).await.unwrap().status(),
        200
    );
}

async fn authenticated_requests_are_limited_per_user(app: TestApp) {
    let client = app.sign_up("busy").await;
    let key = app.api_key(&client).await;
    let started = std::time::Instant::now();
    let mut allowed = 0u64;
    let response = loop {
        let response = app.api(Method::GET, "/api/v1/me", &key).send().await.unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            break response;
        }
        assert_eq!(response.status(), StatusCode::OK);
        allowed += 1;
        if allowed == 1 {
            assert_eq!(response.headers()["x-ratelimit-remaining"], "59");
        }
        assert!(allowed <= 120, "never limited");
    };
    // 60 at once; GCRA gives one back a second, so a slow run gets a few more.
    let elapsed = started.elapsed().as_secs();
    assert!(
        (60..=61 + elapsed).contains(&allowed),
        "{allowed} allowed in {elapsed} s"
    );
    assert_eq!(response.headers()["x-ratelimit-limit"], "60");
    assert_eq!(response.headers()["x-ratelimit-remaining"], "0");
    assert!(response.headers().contains_key("retry-after"));
    assert!(response.headers().contains_key("x-ratelimit-reset"));
    assert_eq!(error_of(response).await.1, "rate_limited");
    // Another user of the same IP is not affected.
    let other = app.sign_up("calm").await;
    let other_key = app.api_key(&other).await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", &other_key)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

async fn create_hook(app: &TestApp, key: &str, body: Value) -> reqwest::Response {
    app.api(Method::POST, "/api/v1/hooks", key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn hooks_count_toward_the_plan_limit(app: TestApp) {
    let client = app.sign_up("hooker").await;
    let key = app.api_key(&client).await;
    let receiver = "http://127.0.0.1:9/hook";
    let first = create_hook(&app, &key, json!({"targetUrl": receiver, "event": "booking.created"})).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["event"], "booking.created");
    assert_eq!(first["eventTypeId"], Value::Null);
    assert_eq!(first["targetUrl"], receiver);
    assert_eq!(first["id"].as_str().unwrap().len(), 24);
    // A manual webhook counts too.
    app.call::<app::functions::developer::CreateWebhook>(
        &client,
        &[
            ("form[target_url]", receiver),
            ("form[events][contact.created]", "on"),
            ("form[event_type_id]", ""),
        ],
    )
    .await
    .ok();
    let (status, code, message) =
        error_of(create_hook(&app, &key, json!({"targetUrl": receiver, "event": "booking.cancelled"})).await).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "plan_limit"));
    assert!(message.contains("2 webhooks"), "{message}");
    let manual = app
        .call::<app::functions::developer::CreateWebhook>(
            &client,
            &[
                ("form[target_url]", receiver),
                ("form[events][booking.created]", "on"),
                ("form[event_type_id]", ""),
            ],
        )
        .await
        .err();
    assert!(matches!(manual, AppError::PlanLimit(_)), "{manual:?}");
    // Deleting one makes room again.
    let deleted = app
        .api(
            Method::DELETE,
            &format!("/api/v1/hooks/{}", first["id"].as_str().unwrap()),
            &key,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let again = create_hook(&app, &key, json!({"targetUrl": receiver, "event": "booking.cancelled"})).await;
    assert_eq!(again.status(), StatusCode::CREATED);
}

async fn hook_input_is_validated_field_by_field(app: TestApp) {
    let client = app.pro_owner("picky").await;
    let key = app.api_key(&client).await;
    let event_type = app.create_event_type(&client, "intro", 30).await;
    let cases = [
        (
            json!({"targetUrl": "http://127.0.0.1:9/x", "event": "booking.canceled"}),
            "event",
        ),
        (json!({"event": "booking.created"}), "targetUrl"),
        (
            json!({"targetUrl": "ftp://example.com/x", "event": "booking.created"}),
            "targetUrl",
        ),
        (
            json!({"targetUrl": "https://example.com/x", "event": "contact.created", "eventTypeId": event_type}),
            "eventTypeId",
        ),
        (
            json!({"targetUrl": "https://example.com/x", "event": "booking.created", "eventTypeId": "nope"}),
            "eventTypeId",
        ),
    ];
    for (body, field) in cases {
        let (status, code, message) = error_of(create_hook(&app, &key, body.clone()).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            "{body}"
        );
        assert!(message.starts_with(&format!("{field}:")), "{body}: {message}");
    }
    let filtered = create_hook(
        &app,
        &key,
        json!({"targetUrl": "https://example.com/x", "event": "booking.created", "eventTypeId": event_type}),
    )
    .await;
    assert_eq!(filtered.status(), StatusCode::CREATED);
    assert_eq!(filtered.json::<Value>().await.unwrap()["eventTypeId"], event_type);
    let (status, code, _) = error_of(app.api(Method::GET, "/api/v1/hooks/sample", &key).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation")
    );
}

async fn one_teams_key_cannot_touch_anothers_hooks(app: TestApp) {
    let alice = app.sign_up("alice").await;
    let bob = app.sign_up("bob").await;
    let alice_key = app.api_key(&alice).await;
    let bob_key = app.api_key(&bob).await;
    let hook: Value = create_hook(
        &app,
        &alice_key,
        json!({"targetUrl": "https://example.com/a", "event": "booking.created"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!("/api/v1/hooks/{}", hook["id"].as_str().unwrap());
    let (status, code, _) = error_of(app.api(Method::DELETE, &path, &bob_key).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
    let (status, ..) = error_of(
        app.api(Method::DELETE, "/api/v1/hooks/unknown", &alice_key)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Bob's webhooks page does not list it, and Alice's hook survives.
    let page = app
        .call::<app::functions::developer::WebhooksPage>(&bob, &[])
        .await
        .ok();
    assert_eq!(page["webhooks"].as_array().unwrap().len(), 0);
    assert_eq!(
        app.api(Method::DELETE, &path, &alice_key)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
}

async fn malformed_requests_answer_400(app: TestApp) {
    let client = app.sign_up("sloppy").await;
    let key = app.api_key(&client).await;
    let response = app
        .api(Method::POST, "/api/v1/hooks", &key)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "bad_request"));
    let (status, code, _) = error_of(app.api(Method::GET, "/api/v1/nothing-here", &key).send().await.unwrap()).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
    let (status, code, _) = error_of(app.api(Method::PUT, "/api/v1/me", &key).send().await.unwrap()).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

async fn owners_see_and_revoke_their_teams_keys(app: TestApp) {
    use app::ssr::entities::user;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let owner = app.sign_up("boss").await;
    let member = app.sign_up("worker").await;
    let boss = user::Entity::find()
        .filter(user::Column::Slug.eq("boss"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let worker = user::Entity::find()
        .filter(user::Column::Slug.eq("worker"))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    // Members join by invitation in a later issue; here the row is moved.
    let mut moved: user::ActiveModel = worker.into();
    moved.team_id = Set(boss.team_id.clone());
    moved.role = Set(app::domain::team::Role::Member);
    moved.update(&app.state.db).await.unwrap();

    let created = app.create_api_key(&member, "worker's").await.ok();
    let key = created["key"].as_str().unwrap();
    let key_id = created["api_key"]["id"].as_str().unwrap();
    let page = app.call::<app::functions::developer::TeamPage>(&owner, &[]).await.ok();
    assert_eq!(page["is_owner"], true);
    let members = page["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    let listed = members.iter().find(|m| m["email"] == "worker@example.com").unwrap();
    assert_eq!(listed["keys"][0]["id"], key_id);

    // A member sees no one's keys and may not revoke the owner's.
    let as_member = app.call::<app::functions::developer::TeamPage>(&member, &[]).await.ok();
    assert_eq!(as_member["is_owner"], false);
    assert!(
        as_member["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["keys"].as_array().unwrap().is_empty())
    );
    let owners_key = app.create_api_key(&owner, "boss's").await.ok();
    let refused = app
        .call::<app::functions::developer::RevokeApiKey>(
            &member,
            &[("id", owners_key["api_key"]["id"].as_str().unwrap())],
        )
        .await
        .err();
    assert_eq!(refused, AppError::NotFound);
    let plan = app
        .call::<app::functions::developer::SetTeamPlan>(&member, &[("plan", "pro")])
        .await
        .err();
    assert!(matches!(plan, AppError::Forbidden(_)), "{plan:?}");

    app.call::<app::functions::developer::RevokeApiKey>(&owner, &[("id", key_id)])
        .await
        .ok();
    assert_eq!(
        app.api(Method::GET, "/api/v1/me", key).send().await.unwrap().status(),
        401
    );
    // Until billing exists, the owner cannot pick their own plan either.
    let owners_pick = app
        .call::<app::functions::developer::SetTeamPlan>(&owner, &[("plan", "organization")])
        .await
        .err();
    assert!(matches!(owners_pick, AppError::Forbidden(_)), "{owners_pick:?}");
    let page = app.call::<app::functions::developer::TeamPage>(&owner, &[]).await.ok();
    assert_eq!(page["can_set_plan"], false);
    assert_ne!(page["plan"], "organization");
}

/// Plans are the operator's: named in `SLOTLINE_OPERATOR_EMAILS` for the
/// team page, or through `server admin set-plan` from the shell.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_the_operator_sets_plans() {
    let app = spawn_app_configured(Backend::Sqlite, Default::default(), |config| {
        config.operator_emails = vec!["root@example.com".into()];
    })
    .await
    .unwrap();
    let operator = app.sign_up("root").await;
    let page = app
        .call::<app::functions::developer::TeamPage>(&operator, &[])
        .await
        .ok();
    assert_eq!(page["can_set_plan"], true);
    app.call::<app::functions::developer::SetTeamPlan>(&operator, &[("plan", "organization")])
        .await
        .ok();
    let page = app
        .call::<app::functions::developer::TeamPage>(&operator, &[])
        .await
        .ok();
    assert_eq!(page["plan"], "organization");

    let ada = app.sign_up("ada").await;
    let refused = app
        .call::<app::functions::developer::SetTeamPlan>(&ada, &[("plan", "pro")])
        .await
        .err();
    assert!(matches!(refused, AppError::Forbidden(_)), "{refused:?}");
    for (which, plan) in [("ada", "pro"), ("ADA@example.com", "organization")] {
        let args = ["set-plan".to_owned(), which.to_owned(), plan.to_owned()];
        server::admin::admin(&app.state.db, &app.state.secrets, &args)
            .await
            .unwrap();
        let page = app.call::<app::functions::developer::TeamPage>(&ada, &[]).await.ok();
        assert_eq!(page["plan"], plan);
    }
    let unknown = ["set-plan".to_owned(), "nobody".to_owned(), "pro".to_owned()];
    assert!(
        server::admin::admin(&app.state.db, &app.state.secrets, &unknown)
            .await
            .is_err()
    );
    let bad_plan = ["set-plan".to_owned(), "ada".to_owned(), "platinum".to_owned()];
    assert!(
        server::admin::admin(&app.state.db, &app.state.secrets, &bad_plan)
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn private_targets_are_refused_unless_allowed() {
    let app = spawn_app_configured(Backend::Sqlite, Default::default(), |config| {
        config.webhook_allow_private = false;
    })
    .await
    .unwrap();
    let client = app.pro_owner("careful").await;
    let key = app.api_key(&client).await;
    for url in [
        "http://127.0.0.1:8080/x",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.0.0.8/x",
    ] {
        let (status, code, message) =
            error_of(create_hook(&app, &key, json!({"targetUrl": url, "event": "booking.created"})).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            "{url}"
        );
        assert!(message.contains("private"), "{url}: {message}");
    }
    let error = app
        .call::<app::functions::developer::CreateWebhook>(
            &client,
            &[
                ("form[target_url]", "http://127.0.0.1:9/x"),
                ("form[events][booking.created]", "on"),
                ("form[event_type_id]", ""),
            ],
        )
        .await
        .err();
    assert!(
        error.message_for("target_url").is_some_and(|m| m.contains("private")),
        "{error:?}"
    );
    // A public name is accepted; it is checked again when delivered to.
    let ok = create_hook(
        &app,
        &key,
        json!({"targetUrl": "https://hooks.example.com/x", "event": "booking.created"}),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    // With the setting on, loopback over http is fine.
    let allowed = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let client = allowed.pro_owner("lab").await;
    let key = allowed.api_key(&client).await;
    let response = create_hook(
        &allowed,
        &key,
        json!({"targetUrl": "http://127.0.0.1:8080/x", "event": "booking.created"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_openapi_document_covers_every_route_with_its_errors() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    let doc: Value = reqwest::get(format!("{}/api/openapi.json", app.address))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["components"]["securitySchemes"]["api_key"]["name"], "X-API-Key");
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations.push(format!("{} {path}", method.to_uppercase()));
            for status in ["401", "429", "500"] {
                let schema = &operation["responses"][status]["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
            // Every documented operation is served: without a key it is 401
            // (429 once this client's 5 keyless requests a minute are spent),
            // never 404 or 405.
            let url = format!("{}{}", app.address, path.replace("{id}", "someid"));
            let response = reqwest::Client::new()
                .request(method.to_uppercase().parse().unwrap(), url)
                .send()
                .await
                .unwrap();
            assert!(
                [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&response.status()),
                "{method} {path}: {}",
                response.status()
            );
        }
    }
    operations.sort();
    assert_eq!(
        operations,
        [
            "DELETE /api/v1/hooks/{id}",
            "GET /api/v1/availability",
            "GET /api/v1/bookings",
            "GET /api/v1/bookings/{id}",
            "GET /api/v1/contacts",
            "GET /api/v1/event-types",
            "GET /api/v1/hooks/sample",
            "GET /api/v1/me",
            "POST /api/v1/bookings",
            "POST /api/v1/bookings/cancel",
            "POST /api/v1/bookings/{id}/cancel",
            "POST /api/v1/bookings/{id}/reschedule",
            "POST /api/v1/hooks",
        ]
    );
    for schema in [
        "ErrorBody",
        "Me",
        "EventTypeItem",
        "CreateHook",
        "Hook",
        "BookingData",
        "ContactData",
        "PaymentData",
        "Availability",
        "Booking",
        "BookingPage",
        "BookRequest",
        "CancelAtRequest",
        "Contact",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
}
