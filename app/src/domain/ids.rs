//! Typed ids, one per kind of record, so that a booking's id cannot be passed
//! where a host's is expected. Each is a CUID2 string on the wire and in the
//! database, so payloads and URLs keep their shape.
use serde::{Deserialize, Serialize};

/// One newtype per id; a macro because the dozen of them differ only in name.
macro_rules! typed_ids {
    ($($(#[$meta:meta])* $name:ident;)*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sea_orm::DeriveValueType))]
        pub struct $name(String);

        impl $name {
            /// A fresh CUID2 id (24 characters), as the API contract requires.
            #[cfg(feature = "ssr")]
            pub fn generate() -> Self {
                Self(cuid2::create_id())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        /// Ids arrive from URLs and forms as text; an unknown one simply
        /// finds nothing, so there is nothing to validate.
        impl From<String> for $name {
            fn from(raw: String) -> Self {
                Self(raw)
            }
        }

        impl From<&str> for $name {
            fn from(raw: &str) -> Self {
                Self(raw.to_owned())
            }
        }

        /// As `String` has it, so that lookups take `&id`.
        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        #[cfg(feature = "ssr")]
        impl From<&$name> for sea_orm::Value {
            fn from(id: &$name) -> Self {
                id.0.as_str().into()
            }
        }

        /// Ids are minted here, never by the database.
        #[cfg(feature = "ssr")]
        impl sea_orm::TryFromU64 for $name {
            fn try_from_u64(_: u64) -> Result<Self, sea_orm::DbErr> {
                Err(sea_orm::DbErr::ConvertFromU64(stringify!($name)))
            }
        }
    )*};
}

typed_ids! {
    /// A host: a signed-in person with a booking page.
    UserId;
    TeamId;
    EventTypeId;
    QuestionId;
    BookingId;
    /// A person in a team's address book, made by a booking or by hand.
    ContactId;
    ApiKeyId;
    WebhookId;
    WebhookDeliveryId;
    /// A row of the outbox's event log.
    EventId;
    /// What an invitee paid (or is paying) for a booking.
    PaymentId;
    RefundId;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_characters_and_serialize_as_plain_strings() {
        let id = BookingId::generate();
        assert_eq!(id.as_str().len(), 24);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{id}\""));
        assert_ne!(id, BookingId::generate());
    }
}
