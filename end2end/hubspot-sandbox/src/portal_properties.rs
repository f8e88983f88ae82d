//! The sandbox portal's HubSpot-defined properties of contacts, companies and meetings: names,
//! labels, types and options as HubSpot shows them (a subset of a real portal's).

use crate::property_registry::{FieldType, PropertyDef, PropertyOption, PropertyType};

/// HubSpot's default lifecycle stages (portals may change them; the sandbox's has not).
const LIFECYCLE_STAGES: &[PropertyOption] = &[
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
];
const LEAD_STATUSES: &[PropertyOption] = &[
    ("NEW", "New"),
    ("OPEN", "Open"),
    ("IN_PROGRESS", "In Progress"),
    ("OPEN_DEAL", "Open Deal"),
    ("UNQUALIFIED", "Unqualified"),
    ("ATTEMPTED_TO_CONTACT", "Attempted to Contact"),
    ("CONNECTED", "Connected"),
    ("BAD_TIMING", "Bad Timing"),
];
const EMPLOYEE_RANGES: &[PropertyOption] = &[
    ("1-5", "1-5"),
    ("5-25", "5-25"),
    ("25-50", "25-50"),
    ("50-100", "50-100"),
    ("100-500", "100-500"),
    ("500-1000", "500-1000"),
    ("1000+", "1000+"),
];
const BUYING_ROLES: &[PropertyOption] = &[
    ("BUDGET_HOLDER", "Budget Holder"),
    ("CHAMPION", "Champion"),
    ("DECISION_MAKER", "Decision Maker"),
    ("END_USER", "End User"),
    ("INFLUENCER", "Influencer"),
    ("LEGAL_AND_COMPLIANCE", "Legal and Compliance"),
    ("OTHER", "Other"),
];
/// A handful of HubSpot's industries (a real portal has about 150).
const INDUSTRIES: &[PropertyOption] = &[
    ("ACCOUNTING", "Accounting"),
    ("COMPUTER_SOFTWARE", "Computer Software"),
    ("CONSTRUCTION", "Construction"),
    ("EDUCATION_MANAGEMENT", "Education Management"),
    ("FINANCIAL_SERVICES", "Financial Services"),
    ("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"),
    (
        "INFORMATION_TECHNOLOGY_AND_SERVICES",
        "Information Technology and Services",
    ),
    ("MARKETING_AND_ADVERTISING", "Marketing and Advertising"),
    ("REAL_ESTATE", "Real Estate"),
    ("RETAIL", "Retail"),
];
const BOOLEAN_OPTIONS: &[PropertyOption] = &[("true", "True"), ("false", "False")];
/// HubSpot's default outcomes (portals may add custom ones; the sandbox's portal has none).
const MEETING_OUTCOMES: &[PropertyOption] = &[
    ("SCHEDULED", "Scheduled"),
    ("COMPLETED", "Completed"),
    ("RESCHEDULED", "Rescheduled"),
    ("NO_SHOW", "No Show"),
    ("CANCELED", "Canceled"),
];

fn text(name: &str, label: &str, description: &'static str) -> PropertyDef {
    PropertyDef::new(name, label, PropertyType::String, FieldType::Text, description)
}

fn textarea(name: &str, label: &str, description: &'static str) -> PropertyDef {
    PropertyDef::new(name, label, PropertyType::String, FieldType::Textarea, description)
}

fn number(name: &str, label: &str, description: &'static str) -> PropertyDef {
    PropertyDef::new(name, label, PropertyType::Number, FieldType::Number, description)
}

fn datetime(name: &str, label: &str, description: &'static str) -> PropertyDef {
    PropertyDef::new(name, label, PropertyType::Datetime, FieldType::Date, description)
}

fn choice(
    name: &str,
    label: &str,
    field_type: FieldType,
    options: &'static [PropertyOption],
    description: &'static str,
) -> PropertyDef {
    PropertyDef::new(name, label, PropertyType::Enumeration, field_type, description).with_options(options)
}

fn calculated(name: &str, label: &str, description: &'static str) -> PropertyDef {
    PropertyDef::new(
        name,
        label,
        PropertyType::Number,
        FieldType::CalculationEquation,
        description,
    )
    .read_only()
}

fn record_id() -> PropertyDef {
    number(
        "hs_object_id",
        "Record ID",
        "The unique ID for this record, set by HubSpot",
    )
    .read_only()
}

pub(crate) fn contacts() -> Vec<PropertyDef> {
    vec![
        text("email", "Email", "A contact's email address"),
        text("firstname", "First Name", "A contact's first name"),
        text("lastname", "Last Name", "A contact's last name"),
        PropertyDef::new(
            "phone",
            "Phone Number",
            PropertyType::PhoneNumber,
            FieldType::PhoneNumber,
            "A contact's primary phone number",
        ),
        text("company", "Company Name", "Name of the contact's company"),
        text("jobtitle", "Job Title", "A contact's job title"),
        text("website", "Website URL", "The contact's company website"),
        text("city", "City", "A contact's city of residence"),
        text("country", "Country/Region", "The contact's country/region of residence"),
        textarea(
            "message",
            "Message",
            "A default property to be used for any message or comments",
        ),
        PropertyDef::new(
            "date_of_birth",
            "Date of birth",
            PropertyType::Date,
            FieldType::Date,
            "The contact's date of birth",
        ),
        choice(
            "lifecyclestage",
            "Lifecycle Stage",
            FieldType::Radio,
            LIFECYCLE_STAGES,
            "The qualification of contacts to sales readiness",
        ),
        choice(
            "hs_lead_status",
            "Lead Status",
            FieldType::Radio,
            LEAD_STATUSES,
            "The contact's sales, prospecting or outreach status",
        ),
        choice(
            "numemployees",
            "Number of Employees",
            FieldType::Select,
            EMPLOYEE_RANGES,
            "The number of company employees",
        ),
        choice(
            "hs_buying_role",
            "Buying Role",
            FieldType::Checkbox,
            BUYING_ROLES,
            "Role the contact plays during the sales process",
        ),
        record_id(),
        text(
            "hs_merged_object_ids",
            "Merged Contact IDs",
            "The list of contact record IDs that have been merged into this contact",
        )
        .read_only(),
        datetime("createdate", "Create Date", "The date the contact was created").read_only(),
        datetime(
            "lastmodifieddate",
            "Last Modified Date",
            "Most recent timestamp of any property update",
        )
        .read_only(),
        calculated(
            "num_associated_deals",
            "Number of Associated Deals",
            "The number of deals associated with this contact",
        ),
    ]
}

pub(crate) fn companies() -> Vec<PropertyDef> {
    vec![
        text("name", "Company name", "The name of the company or organization"),
        text(
            "domain",
            "Company Domain Name",
            "The domain name of the company or organization",
        ),
        text(
            "website",
            "Website URL",
            "The main website of the company or organization",
        ),
        PropertyDef::new(
            "phone",
            "Phone Number",
            PropertyType::String,
            FieldType::PhoneNumber,
            "A company's primary phone number",
        ),
        text("city", "City", "The city where the company is located"),
        text(
            "country",
            "Country/Region",
            "The country/region in which the company is located",
        ),
        choice(
            "industry",
            "Industry",
            FieldType::Select,
            INDUSTRIES,
            "The type of business the company performs",
        ),
        number(
            "numberofemployees",
            "Number of Employees",
            "The total number of employees",
        ),
        number(
            "annualrevenue",
            "Annual Revenue",
            "The actual or estimated annual revenue",
        ),
        textarea(
            "description",
            "Description",
            "A short statement about the company's mission and goals",
        ),
        PropertyDef::new(
            "is_public",
            "Is Public",
            PropertyType::Bool,
            FieldType::BooleanCheckbox,
            "Whether the company is publicly traded",
        )
        .with_options(BOOLEAN_OPTIONS),
        text("founded_year", "Year Founded", "The year the company was created"),
        record_id(),
        datetime(
            "createdate",
            "Create Date",
            "The date the company was added to your account",
        )
        .read_only(),
        datetime(
            "hs_lastmodifieddate",
            "Last Modified Date",
            "Most recent timestamp of any property update",
        )
        .read_only(),
        calculated(
            "num_associated_contacts",
            "Number of Associated Contacts",
            "The number of contacts associated with this company",
        ),
    ]
}

pub(crate) fn meetings() -> Vec<PropertyDef> {
    vec![
        datetime(
            "hs_timestamp",
            "Activity date",
            "The date and time the meeting happened",
        ),
        text("hs_meeting_title", "Meeting name", "The title of the meeting"),
        textarea(
            "hs_meeting_body",
            "Meeting description",
            "The description of the meeting",
        ),
        datetime("hs_meeting_start_time", "Start Time", "The start time of the meeting"),
        datetime("hs_meeting_end_time", "End Time", "The end time of the meeting"),
        choice(
            "hs_meeting_outcome",
            "Meeting outcome",
            FieldType::Select,
            MEETING_OUTCOMES,
            "The outcome of the meeting",
        ),
        text("hs_meeting_location", "Location", "Where the meeting takes place"),
        text(
            "hs_meeting_external_url",
            "External URL",
            "The calendar event URL for the meeting",
        ),
        textarea(
            "hs_internal_meeting_notes",
            "Internal Meeting Notes",
            "Notes for the team only",
        ),
        // HubSpot lists owners as this property's options; the sandbox has no owners, so it takes any
        // numeric id (checked in `properties`).
        text(
            "hubspot_owner_id",
            "Activity assigned to",
            "The HubSpot user the meeting is assigned to",
        ),
        record_id(),
        datetime("hs_createdate", "Create date", "The date the meeting was created").read_only(),
        datetime(
            "hs_lastmodifieddate",
            "Last Modified Date",
            "Most recent timestamp of any property update",
        )
        .read_only(),
    ]
}
