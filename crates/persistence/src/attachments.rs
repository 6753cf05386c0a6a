//! The attachments table: rows <-> `domain::attachment::Attachment`, a record's attachments, and
//! which stored contents are still used.

use domain::attachment::Attachment;
use domain::resource::ResourceType;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::attachment::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::page::{Page, PageRequest, SortBy, SortKey};
use crate::table::{self, Table};

const TABLE: &str = "attachments";

/// The one order of a record's attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentSort {
    CreatedAt,
}

/// The attachments table, for the shared kit (`crate::table`). Every row is in sight here: who
/// sees an attachment is who sees its record, which the use cases check.
pub struct Attachments;

impl Table for Attachments {
    type Entity = Entity;
    type Record = Attachment;
    table::versioned_columns!();

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Attachment>, StoreError> {
        rows.into_iter().map(to_attachment).collect()
    }
}

pub async fn insert(conn: &impl ConnectionTrait, attachment: &Attachment) -> Result<(), StoreError> {
    table::insert::<Attachments, _>(conn, [to_active_model(attachment)]).await
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// A page of the attachments of one record.
pub async fn list_of(
    conn: &impl ConnectionTrait,
    resource_type: ResourceType,
    resource_id: Uuid,
    request: &PageRequest<AttachmentSort>,
) -> Result<Page<Attachment>, StoreError> {
    let condition = of_record(resource_type, resource_id);
    let sort: SortBy<Column, Model> = match request.sort {
        AttachmentSort::CreatedAt => SortBy::new(Column::CreatedAt, |m| (SortKey::Time(m.created_at), m.id)),
    };
    table::page::<Attachments, _>(conn, condition, sort, request).await
}

/// The attachments of the records of one resource among `ids`, oldest first (a flow's nodes).
pub async fn of_records(
    conn: &impl ConnectionTrait,
    resource_type: ResourceType,
    ids: &[Uuid],
) -> Result<Vec<Attachment>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Entity::find()
        .filter(Column::ResourceType.eq(resource_type.as_str()))
        .filter(Column::ResourceId.is_in(ids.iter().copied()))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id);
    table::all::<Attachments>(conn, select).await
}

/// Which of `hashes` some attachment names: content still in use.
pub async fn used_contents(conn: &impl ConnectionTrait, hashes: &[String]) -> Result<Vec<String>, StoreError> {
    let mut used = Vec::new();
    // Bounded statements, whatever the number of files in the store.
    for chunk in hashes.chunks(500) {
        let rows: Vec<String> = Entity::find()
            .select_only()
            .column(Column::Sha256)
            .distinct()
            .filter(Column::Sha256.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(conn)
            .await?;
        used.extend(rows);
    }
    Ok(used)
}

fn of_record(resource_type: ResourceType, resource_id: Uuid) -> Condition {
    Condition::all()
        .add(Column::ResourceType.eq(resource_type.as_str()))
        .add(Column::ResourceId.eq(resource_id))
}

fn to_active_model(a: &Attachment) -> ActiveModel {
    ActiveModel {
        id: Set(a.id),
        resource_type: Set(a.resource_type.as_str().to_owned()),
        resource_id: Set(a.resource_id),
        filename: Set(a.filename.clone()),
        content_type: Set(a.content_type.clone()),
        size: Set(a.size),
        sha256: Set(a.sha256.clone()),
        created_by: Set(a.created_by),
        version: Set(a.version),
        created_at: Set(a.created_at),
        updated_at: Set(a.updated_at),
    }
}

fn to_attachment(m: Model) -> Result<Attachment, StoreError> {
    let resource_type = ResourceType::parse(&m.resource_type)
        .ok_or_else(|| StoreError::corrupt(TABLE, format!("resource_type in row {}", m.id)))?;
    Ok(Attachment {
        id: m.id,
        resource_type,
        resource_id: m.resource_id,
        filename: m.filename,
        content_type: m.content_type,
        size: m.size,
        sha256: m.sha256,
        created_by: m.created_by,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
