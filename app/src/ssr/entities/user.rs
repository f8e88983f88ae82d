use crate::domain::team::Role;
use crate::domain::{TeamId, TimeZoneName, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: UserId,
    pub team_id: TeamId,
    pub role: Role,
    pub name: String,
    pub email: String,
    pub slug: String,
    pub password_hash: String,
    pub time_zone: TimeZoneName,
    pub schedule_version: i64,
    /// Most bookings a day (in the host's time zone) across event types; `None` for no limit.
    pub max_bookings_per_day: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::team::Entity",
        from = "Column::TeamId",
        to = "super::team::Column::Id"
    )]
    Team,
}

impl Related<super::team::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Team.def()
    }
}

impl Model {
    /// The zone the user's times show in.
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.tz()
    }
}

impl ActiveModelBehavior for ActiveModel {}
