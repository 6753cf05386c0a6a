//! The messages of cases: written once, never changed, listed oldest first.

use domain::case::message::{CaseMessage, Direction, MessageFields, Visibility};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::case_message::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};

const TABLE: &str = "case_messages";

pub async fn insert(conn: &impl ConnectionTrait, message: &CaseMessage) -> Result<(), StoreError> {
    let f = &message.fields;
    let row = ActiveModel {
        id: Set(message.id),
        case_id: Set(message.case_id),
        body: Set(f.body.clone()),
        visibility: Set(f.visibility.as_str().to_owned()),
        direction: Set(f.direction.as_str().to_owned()),
        author_id: Set(message.author_id),
        created_at: Set(message.created_at),
    };
    Entity::insert(row).exec_without_returning(conn).await?;
    Ok(())
}

/// The messages of a case, oldest first.
pub async fn of_case(
    conn: &impl ConnectionTrait,
    case_id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<CaseMessage>, StoreError> {
    let select = Entity::find().filter(Column::CaseId.eq(case_id));
    let sort: SortBy<Column, CaseMessage> = SortBy::new(Column::CreatedAt, |m| (SortKey::Time(m.created_at), m.id));
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_message).await
}

fn to_message(m: Model) -> Result<CaseMessage, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    Ok(CaseMessage {
        id: m.id,
        case_id: m.case_id,
        fields: MessageFields {
            body: m.body,
            visibility: Visibility::parse(&m.visibility).ok_or_else(|| corrupt("visibility"))?,
            direction: Direction::parse(&m.direction).ok_or_else(|| corrupt("direction"))?,
        },
        author_id: m.author_id,
        created_at: m.created_at,
    })
}
