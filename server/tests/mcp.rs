//! The MCP server at `/mcp`, spoken to by `rmcp`'s own client over HTTP
//! and by plain HTTP requests: keys, tools, errors, and the webhooks a
//! booking made by an agent sends.
use crate::helpers::TestApp;
use crate::on_both_databases;
use crate::support::receiver::Receiver;
use crate::webhooks::add_webhook;
use reqwest::StatusCode;
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

on_both_databases!(
    an_agent_books_finds_the_caller_and_cancels_by_start_time,
    tool_errors_carry_the_rest_codes,
    requests_without_a_key_are_refused_and_only_tool_calls_count,
);

const ZONE: &str = "Europe/Berlin";

async fn connect(app: &TestApp, key: &str) -> RunningService<RoleClient, ClientConfig> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp", app.address)).auth_header(key.to_owned()),
    );
    ClientConfig::default()
        .serve(transport)
        .await
        .expect("the MCP session starts")
}

async fn call(
    client: &RunningService<RoleClient, ClientConfig>,
    tool: &'static str,
    arguments: Value,
) -> CallToolResult {
    let arguments = arguments.as_object().expect("an object").clone();
    client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(arguments))
        .await
        .expect("the tool answers")
}

/// The first free start of the next 31 days, as `check_availability` lists it.
async fn first_free_start(client: &RunningService<RoleClient, ClientConfig>, event: &str) -> String {
    let today = chrono::Utc::now().date_naive();
    let arguments = json!({"eventTypeId": event, "from": today.to_string(),
        "to": (today + chrono::Duration::days(30)).to_string(), "timeZone": ZONE});
    let availability = structured(&call(client, "check_availability", arguments).await);
    assert_eq!(availability["timeZone"], ZONE);
    availability["slots"][0]["start"]
        .as_str()
        .expect("a free time")
        .to_owned()
}

/// The structured result, checked to be the same JSON as the text.
fn structured(result: &CallToolResult) -> Value {
    let value = result.structured_content.clone().expect("structured content");
    let text = serde_json::to_value(&result.content[0]).unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    if result.is_error != Some(true) {
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            value,
            "the text is the same JSON"
        );
    }
    value
}

async fn an_agent_books_finds_the_caller_and_cancels_by_start_time(app: TestApp) {
    let receiver = Receiver::start().await;
    let host = app.pro_owner("ada").await;
    app.create_event_type(&host, "intro", 30).await;
    add_webhook(
        &app,
        &host,
        &receiver.url,
        &["booking.created", "booking.cancelled"],
        "",
    )
    .await;
    let key = app.api_key(&host).await;
    let client = connect(&app, &key).await;

    let tools = client.list_tools(Default::default()).await.unwrap();
    let mut names: Vec<_> = tools.tools.iter().map(|tool| tool.name.to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "book",
            "cancel_booking",
            "check_availability",
            "find_contact",
            "list_event_types",
            "reschedule_booking"
        ]
    );
    assert!(
        tools
            .tools
            .iter()
            .all(|tool| tool.output_schema.is_some() && tool.description.is_some())
    );

    let listed = structured(&call(&client, "list_event_types", json!({})).await);
    let event = listed["eventTypes"][0]["id"].as_str().unwrap().to_owned();
    let start = first_free_start(&client, &event).await;
    let booked = call(
        &client,
        "book",
        json!({
            "idempotencyKey": "call-1",
            "eventTypeId": event,
            "start": start,
            "invitee": {"name": "Grace Hopper", "email": "grace@example.com", "phone": "0151 12345678", "timeZone": ZONE}
        }),
    )
    .await;
    assert_ne!(booked.is_error, Some(true), "{booked:?}");
    let booking = structured(&booked)["booking"].clone();
    assert_eq!(booking["source"], "mcp");
    assert_eq!(booking["invitee"]["phone"], "+4915112345678");

    let caller = structured(&call(&client, "find_contact", json!({"phone": "+49 151 1234 5678"})).await);
    assert_eq!(caller["name"], "Grace Hopper");
    assert_eq!(caller["upcomingBookings"][0]["id"], booking["id"]);

    let local = chrono::DateTime::parse_from_rfc3339(&start)
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .to_rfc3339();
    let cancelled = structured(
        &call(
            &client,
            "cancel_booking",
            json!({"startTime": local, "reason": "Caller asked"}),
        )
        .await,
    );
    assert_eq!(cancelled["booking"]["id"], booking["id"]);
    assert_eq!(cancelled["booking"]["status"], "cancelled");
    client.cancel().await.unwrap();

    app.drain_jobs().await;
    let events: Vec<String> = receiver
        .received()
        .iter()
        .map(|delivery| delivery.json()["event"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(events.contains(&"booking.created".to_owned()), "{events:?}");
    assert!(events.contains(&"booking.cancelled".to_owned()), "{events:?}");
}

async fn tool_errors_carry_the_rest_codes(app: TestApp) {
    let host = app.sign_up("ada").await;
    let event = app.create_event_type(&host, "intro", 30).await;
    let key = app.api_key(&host).await;
    let client = connect(&app, &key).await;
    let start = first_free_start(&client, &event).await;
    let book = |key: &'static str, email: &'static str| {
        json!({"idempotencyKey": key, "eventTypeId": event, "start": start,
               "invitee": {"name": "Grace Hopper", "email": email, "timeZone": ZONE}})
    };
    call(&client, "book", book("a", "grace@example.com")).await;
    let taken = call(&client, "book", book("b", "alan@example.com")).await;
    assert_eq!(taken.is_error, Some(true));
    assert_eq!(structured(&taken)["error"]["code"], "slot_taken");
    let text = serde_json::to_value(&taken.content[0]).unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.contains("next free times"),
        "a sentence a model can act on: {text}"
    );

    let unknown = call(&client, "find_contact", json!({"email": "nobody@example.com"})).await;
    assert_eq!(structured(&unknown)["error"]["code"], "not_found");

    let error = client
        .call_tool(CallToolRequestParams::new("no_such_tool").with_arguments(Default::default()))
        .await
        .expect_err("an unknown tool is a JSON-RPC error");
    assert!(error.to_string().contains("tool"), "{error}");
    let broken = client
        .call_tool(CallToolRequestParams::new("book").with_arguments(json!({"start": 5}).as_object().unwrap().clone()))
        .await;
    assert!(
        broken.is_err(),
        "arguments that break the schema are a JSON-RPC error: {broken:?}"
    );

    // A key without bookings:write still sees the tool, which refuses.
    let reader = app
        .call::<app::functions::developer::CreateApiKey>(
            &host,
            &[
                ("name", "Reader"),
                ("expires_in_days", ""),
                ("scopes[shown]", "1"),
                ("scopes[bookings:read]", "on"),
            ],
        )
        .await
        .ok()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let reader = connect(&app, &reader).await;
    let refused = call(&reader, "book", book("c", "kay@example.com")).await;
    assert_eq!(structured(&refused)["error"]["code"], "insufficient_scope");
}

async fn requests_without_a_key_are_refused_and_only_tool_calls_count(app: TestApp) {
    let host = app.sign_up("ada").await;
    app.create_event_type(&host, "intro", 30).await;
    let key = app.api_key(&host).await;
    let http = reqwest::Client::new();
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "curl", "version": "1"}}});
    let post = |body: &Value| {
        http.post(format!("{}/mcp", app.address))
            .header("Accept", "application/json, text/event-stream")
            .json(body)
    };

    let refused = post(&initialize).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.headers().get("www-authenticate").is_none());
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_api_key");
    let unknown = post(&initialize)
        .bearer_auth(format!("sl_live_{}", "x".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);

    // A client that accepts only JSON gets JSON.
    let started = http
        .post(format!("{}/mcp", app.address))
        .header("Accept", "application/json")
        .header("X-API-Key", &key)
        .json(&initialize)
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::OK);
    assert!(
        started.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let session = started.headers()["mcp-session-id"].to_str().unwrap().to_owned();
    let answer: Value = started.json().await.unwrap();
    assert_eq!(answer["result"]["protocolVersion"], "2025-06-18");
    let in_session = |body: Value| {
        http.post(format!("{}/mcp", app.address))
            .header("Accept", "application/json")
            .header("X-API-Key", &key)
            .header("Mcp-Session-Id", &session)
            .header("MCP-Protocol-Version", "2025-06-18")
            .json(&body)
    };
    let initialized = in_session(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .send()
        .await
        .unwrap();
    assert_eq!(initialized.status(), StatusCode::ACCEPTED);

    // Listing does not count; each tool call counts toward the 60 a minute.
    for id in 0..70 {
        let listed = in_session(json!({"jsonrpc": "2.0", "id": 100 + id, "method": "tools/list"}))
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), StatusCode::OK);
    }
    let call = |id: u32| {
        in_session(json!({"jsonrpc": "2.0", "id": 200 + id, "method": "tools/call",
            "params": {"name": "list_event_types", "arguments": {}}}))
        .send()
    };
    let started = std::time::Instant::now();
    for id in 0..60 {
        let called = call(id).await.unwrap();
        assert_eq!(called.status(), StatusCode::OK, "call {id}");
        let answer: Value = called.json().await.unwrap();
        assert_eq!(answer["result"]["structuredContent"]["eventTypes"][0]["slug"], "intro");
    }
    // Sixty a minute refills one call a second: a slow machine may get one
    // more call for each second the calls took, and no more.
    let mut extra = 0;
    let limited = loop {
        let called = call(60 + extra).await.unwrap();
        if called.status() != StatusCode::OK {
            break called;
        }
        extra += 1;
        assert!(
            u64::from(extra) <= started.elapsed().as_secs() + 1,
            "{extra} calls beyond sixty in {:?}",
            started.elapsed()
        );
    };
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");

    // Another host name is not served.
    let foreign = http
        .post(format!("{}/mcp", app.address))
        .header("Host", "evil.example")
        .header("Accept", "application/json, text/event-stream")
        .header("X-API-Key", &key)
        .json(&initialize)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
}
