//! Teams: the plan they pay for and the role each member plays, with what
//! each allows.
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use sea_orm::entity::prelude::StringLen;

/// Stored as its name in `teams.plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "free"))]
    Free,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "pro"))]
    Pro,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "organization"))]
    Organization,
}

impl Plan {
    /// Unknown stored values read as Free: the plan that allows least.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "pro" => Self::Pro,
            "organization" => Self::Organization,
            _ => Self::Free,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Free => "Free",
            Self::Pro => "Pro",
            Self::Organization => "Organization",
        }
    }

    /// What the plan gives, as the plan picker says it.
    pub fn offer(self) -> &'static str {
        match self {
            Self::Free => "Free: 2 API keys per person, 2 webhooks",
            Self::Pro => "Pro: HubSpot, unlimited keys and webhooks",
            Self::Organization => "Organization: everything in Pro",
        }
    }

    pub fn allows_hubspot(self) -> bool {
        self != Self::Free
    }

    /// Active API keys one user may hold; `None` is unlimited.
    pub fn api_key_limit(self) -> Option<usize> {
        (self == Self::Free).then_some(2)
    }

    /// Webhooks one user may have, manual and Zapier together.
    pub fn webhook_limit(self) -> Option<usize> {
        (self == Self::Free).then_some(2)
    }

    pub const ALL: [Plan; 3] = [Self::Free, Self::Pro, Self::Organization];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
            Self::Organization => "organization",
        }
    }
}

/// Stored as its name in `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "String(StringLen::None)"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "owner"))]
    Owner,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "member"))]
    Member,
}

impl Role {
    /// Unknown stored values read as Member: the role that may do least.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "owner" => Self::Owner,
            "admin" => Self::Admin,
            _ => Self::Member,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Member => "Member",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    /// Seeing and revoking every member's API keys, changing the plan.
    pub fn manages_team(self) -> bool {
        self == Self::Owner
    }

    /// Seeing and changing every member's bookings (a receptionist's key).
    pub fn manages_team_bookings(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }

    /// Connecting and disconnecting the team's outside services.
    pub fn manages_integrations(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }

    /// Connecting the Stripe account the team's invitees pay into: the
    /// money is the owner's.
    pub fn manages_payments(self) -> bool {
        self == Self::Owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubspot_needs_pro_or_organization() {
        assert!(!Plan::parse("free").allows_hubspot());
        assert!(Plan::parse("pro").allows_hubspot());
        assert!(Plan::parse("organization").allows_hubspot());
        assert!(!Plan::parse("enterprise??").allows_hubspot());
    }

    #[test]
    fn only_owners_and_admins_manage_integrations() {
        assert!(Role::parse("owner").manages_integrations());
        assert!(Role::parse("admin").manages_integrations());
        assert!(!Role::parse("member").manages_integrations());
        assert!(!Role::parse("").manages_integrations());
    }
}
