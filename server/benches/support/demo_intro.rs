//! The seeded demo host and its `intro` event type, which benchmarks book.
use app::ssr::entities::{event_type, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

pub async fn demo_intro(db: &DatabaseConnection) -> anyhow::Result<(user::Model, event_type::Model)> {
    let host = user::Entity::find()
        .filter(user::Column::Slug.eq("demo"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo host"))?;
    let intro = event_type::Entity::find()
        .filter(event_type::Column::UserId.eq(&host.id))
        .filter(event_type::Column::Slug.eq("intro"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo event type"))?;
    Ok((host, intro))
}
