//! What an API key may do: the scopes chosen when it is made. Keys made
//! before scopes existed may do everything.
use serde::{Deserialize, Serialize};

/// The key form's field marking that it showed its scope boxes, so that
/// ticking none is told apart from a client that sends no scopes.
pub const SCOPES_SHOWN: &str = "shown";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ApiScope {
    #[serde(rename = "bookings:read")]
    BookingsRead,
    #[serde(rename = "bookings:write")]
    BookingsWrite,
    #[serde(rename = "contacts:read")]
    ContactsRead,
    #[serde(rename = "hooks")]
    Hooks,
}

impl ApiScope {
    pub const ALL: [Self; 4] = [Self::BookingsRead, Self::BookingsWrite, Self::ContactsRead, Self::Hooks];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BookingsRead => "bookings:read",
            Self::BookingsWrite => "bookings:write",
            Self::ContactsRead => "contacts:read",
            Self::Hooks => "hooks",
        }
    }

    /// What the scope allows, as the key form explains it.
    pub fn description(self) -> &'static str {
        match self {
            Self::BookingsRead => "Read free times and bookings",
            Self::BookingsWrite => "Book, reschedule and cancel",
            Self::ContactsRead => "Look up contacts by phone or e-mail",
            Self::Hooks => "Subscribe Zapier and webhooks to events",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == raw.trim())
    }
}

/// The scopes of one key, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiScopes(Vec<ApiScope>);

impl ApiScopes {
    pub fn all() -> Self {
        Self(ApiScope::ALL.to_vec())
    }

    /// The scopes ticked on the key form, at least one.
    pub fn parse_chosen<'a>(raw: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut scopes = Vec::new();
        for item in raw {
            let scope = ApiScope::parse(item).ok_or_else(|| format!("“{}” is not a scope.", item.trim()))?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err("Choose at least one thing the key may do.".to_owned());
        }
        scopes.sort();
        Ok(Self(scopes))
    }

    /// As stored: `None` (a key from before scopes) allows everything.
    pub fn from_stored(stored: Option<&str>) -> Self {
        match stored {
            None => Self::all(),
            Some(list) => Self(list.split_whitespace().filter_map(ApiScope::parse).collect()),
        }
    }

    pub fn to_stored(&self) -> String {
        self.iter().map(ApiScope::as_str).collect::<Vec<_>>().join(" ")
    }

    pub fn allows(&self, scope: ApiScope) -> bool {
        self.0.contains(&scope)
    }

    pub fn is_all(&self) -> bool {
        ApiScope::ALL.iter().all(|scope| self.allows(*scope))
    }

    pub fn iter(&self) -> impl Iterator<Item = ApiScope> + '_ {
        self.0.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_before_scopes_may_do_everything() {
        assert!(ApiScopes::from_stored(None).is_all());
        let read_only = ApiScopes::from_stored(Some("bookings:read"));
        assert!(read_only.allows(ApiScope::BookingsRead));
        assert!(!read_only.allows(ApiScope::BookingsWrite));
    }

    #[test]
    fn chosen_scopes_are_known_sorted_and_not_empty() {
        let chosen = ApiScopes::parse_chosen(["hooks", "bookings:read", "hooks"]).unwrap();
        assert_eq!(chosen.to_stored(), "bookings:read hooks");
        assert_eq!(ApiScopes::from_stored(Some(&chosen.to_stored())), chosen);
        assert!(ApiScopes::parse_chosen([]).is_err());
        assert!(ApiScopes::parse_chosen(["admin"]).is_err());
    }

    #[test]
    fn scopes_travel_as_their_names() {
        for scope in ApiScope::ALL {
            assert_eq!(
                serde_json::to_string(&scope).unwrap(),
                format!("\"{}\"", scope.as_str())
            );
        }
    }
}
