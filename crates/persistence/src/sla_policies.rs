//! The SLA policies table.

use chrono::{DateTime, Utc};
use domain::case::CasePriority;
use domain::case::calendar::CalendarInput;
use domain::case::policy::{SlaPolicy, SlaPolicyFields};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::sla_policy::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey, SyncOrder};
use crate::table::{self, Table};

const TABLE: &str = "sla_policies";

pub async fn insert(conn: &impl ConnectionTrait, policy: &SlaPolicy) -> Result<(), StoreError> {
    table::insert::<SlaPolicies, _>(conn, [to_active_model(policy)]).await
}

/// Writes `policy` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    policy: &SlaPolicy,
    expected_version: i32,
) -> Result<bool, StoreError> {
    table::update::<SlaPolicies, _>(conn, to_active_model(policy), policy.id, expected_version).await
}

pub async fn delete(conn: &impl ConnectionTrait, id: uuid::Uuid) -> Result<(), StoreError> {
    Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The SLA policies table, for the shared kit (`crate::table`).
pub struct SlaPolicies;

impl Table for SlaPolicies {
    type Entity = Entity;
    type Record = SlaPolicy;
    table::versioned_columns!();

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<SlaPolicy>, StoreError> {
        rows.into_iter().map(to_policy).collect()
    }
}

/// The policies of `priority`: the candidates for a case of that priority.
pub async fn of_priority(conn: &impl ConnectionTrait, priority: CasePriority) -> Result<Vec<SlaPolicy>, StoreError> {
    let select = Entity::find()
        .filter(Column::Priority.eq(priority.as_str()))
        .order_by_asc(Column::CreatedAt);
    table::all::<SlaPolicies>(conn, select).await
}

/// Policies oldest first, or by last change for a sync.
pub async fn list(
    conn: &impl ConnectionTrait,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<SlaPolicy>, StoreError> {
    let condition = Filter::all()
        .updated_since(Column::UpdatedAt, updated_since)
        .condition();
    let sort: SortBy<Column, SlaPolicy> = match request.sort {
        SyncOrder::Natural => SortBy::new(Column::CreatedAt, |p| (SortKey::Time(p.created_at), p.id)),
        SyncOrder::Updated => SortBy::new(Column::UpdatedAt, |p| (SortKey::Time(p.updated_at), p.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_policy).await
}

fn to_active_model(p: &SlaPolicy) -> ActiveModel {
    let f = &p.fields;
    ActiveModel {
        id: Set(p.id),
        name: Set(f.name.clone()),
        priority: Set(f.priority.as_str().to_owned()),
        customer_group: Set(f.customer_group.clone()),
        match_key: Set(format!(
            "{}/{}",
            f.priority.as_str(),
            f.customer_group.as_deref().unwrap_or_default()
        )),
        first_response_minutes: Set(f.first_response_minutes),
        resolution_minutes: Set(f.resolution_minutes),
        calendar: Set(serde_json::to_string(&f.calendar.input()).expect("a calendar serializes")),
        version: Set(p.version),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
}

fn to_policy(m: Model) -> Result<SlaPolicy, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let calendar: CalendarInput = serde_json::from_str(&m.calendar).map_err(|_| corrupt("calendar"))?;
    Ok(SlaPolicy {
        id: m.id,
        fields: SlaPolicyFields {
            name: m.name,
            priority: CasePriority::parse(&m.priority).ok_or_else(|| corrupt("priority"))?,
            customer_group: m.customer_group,
            first_response_minutes: m.first_response_minutes,
            resolution_minutes: m.resolution_minutes,
            calendar: calendar.validate().map_err(|_| corrupt("calendar"))?,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
