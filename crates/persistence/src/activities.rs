//! The activities table: rows <-> `domain::activity::Activity`, agendas and contact histories.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use domain::activity::{
    Activity, ActivityFields, ActivityKind, ActivityState, ActivityStatus, MAX_SPAN_DAYS, Outcome, Priority,
};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entities::activity::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};
use crate::table::{self, Scope, Table};
use crate::visibility::Visibility;

const TABLE: &str = "activities";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivitySort {
    /// When the activity takes place (see `Activity::occurs_at`).
    OccursAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub party_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// The party or the contact: the contact history of a party.
    pub involving: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub kind: Vec<ActivityKind>,
    pub status: Vec<ActivityStatus>,
    pub opportunity_id: Option<Uuid>,
    pub offer_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    /// Activities that are not over before this instant…
    pub from: Option<DateTime<Utc>>,
    /// …and take place before this one.
    pub to: Option<DateTime<Utc>>,
    /// Completed on or after this day (UTC)…
    pub completed_from: Option<NaiveDate>,
    /// …and on or before this one.
    pub completed_to: Option<NaiveDate>,
    /// Assigned to a member of this team.
    pub team_id: Option<Uuid>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, activity: &Activity) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(activity)).await
}

pub async fn insert_many(conn: &impl ConnectionTrait, activities: &[Activity]) -> Result<(), StoreError> {
    table::insert::<Activities, _>(conn, activities.iter().map(to_active_model)).await
}

/// Writes `activity` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    activity: &Activity,
    expected_version: i32,
) -> Result<bool, StoreError> {
    table::update::<Activities, _>(conn, to_active_model(activity), activity.id, expected_version).await
}

/// The activities table, for the shared kit (`crate::table`).
pub struct Activities;

impl Table for Activities {
    type Entity = Entity;
    type Record = Activity;
    table::versioned_columns!();
    const SCOPE: Scope<Column> = Scope::Owner(Column::AssigneeId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Activity>, StoreError> {
        rows.into_iter().map(to_activity).collect()
    }
}

/// An activity related to `opportunity_id` whose party is not `party_id`, if any: the opportunity
/// cannot move to that party without leaving it behind.
pub async fn one_of_opportunity_elsewhere(
    conn: &impl ConnectionTrait,
    opportunity_id: Uuid,
    party_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    one_related_elsewhere(conn, Column::OpportunityId.eq(opportunity_id), party_id).await
}

/// A document an activity may be related to (an opportunity is no document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelatedDocument {
    Offer(Uuid),
    SalesOrder(Uuid),
    Invoice(Uuid),
}

/// The activities related to a document, locked until the transaction ends (PostgreSQL).
pub async fn related_for_update(
    conn: &impl ConnectionTrait,
    document: RelatedDocument,
) -> Result<Vec<Activity>, StoreError> {
    let related = match document {
        RelatedDocument::Offer(id) => Column::OfferId.eq(id),
        RelatedDocument::SalesOrder(id) => Column::SalesOrderId.eq(id),
        RelatedDocument::Invoice(id) => Column::InvoiceId.eq(id),
    };
    Entity::find()
        .filter(related)
        .lock_exclusive()
        .all(conn)
        .await?
        .into_iter()
        .map(to_activity)
        .collect()
}

/// An activity related to `offer_id` whose party is not `party_id`, if any.
pub async fn one_of_offer_elsewhere(
    conn: &impl ConnectionTrait,
    offer_id: Uuid,
    party_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    one_related_elsewhere(conn, Column::OfferId.eq(offer_id), party_id).await
}

/// An activity that `related` finds whose party is not `party_id`, if any.
async fn one_related_elsewhere(
    conn: &impl ConnectionTrait,
    related: SimpleExpr,
    party_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    let row = Entity::find()
        .filter(related)
        .filter(Column::PartyId.is_not_null())
        .filter(Column::PartyId.ne(party_id))
        .one(conn)
        .await?;
    Ok(row.map(|m| m.id))
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &ActivityFilter,
    visibility: Visibility,
    request: &PageRequest<ActivitySort>,
) -> Result<Page<Activity>, StoreError> {
    let involving = |id| {
        Condition::any()
            .add(Column::PartyId.eq(id))
            .add(Column::ContactId.eq(id))
    };
    let after = |from: DateTime<Utc>| {
        let mut condition = Condition::all().add(Column::OccursUntil.gte(from));
        // Nothing lasts longer than MAX_SPAN_DAYS, so this bound loses no row and gives the
        // `occurs_at` index a lower end.
        if let Some(earliest) = from.checked_sub_signed(TimeDelta::days(MAX_SPAN_DAYS)) {
            condition = condition.add(Column::OccursAt.gte(earliest));
        }
        condition
    };
    let condition = Filter::new(Activities::scope(visibility))
        .eq(Column::PartyId, filter.party_id)
        .eq(Column::ContactId, filter.contact_id)
        .eq(Column::AssigneeId, filter.assignee_id)
        .team(Column::AssigneeId, filter.team_id)
        .on_days(Column::CompletedAt, filter.completed_from, filter.completed_to)
        .eq(Column::OpportunityId, filter.opportunity_id)
        .eq(Column::OfferId, filter.offer_id)
        .eq(Column::SalesOrderId, filter.sales_order_id)
        .eq(Column::InvoiceId, filter.invoice_id)
        .when(filter.involving, involving)
        .any_of(&filter.kind, |kind| Column::Kind.eq(kind.as_str()))
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .when(filter.from, after)
        .when(filter.to, |to| Column::OccursAt.lt(to))
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Activity> = match request.sort {
        ActivitySort::OccursAt => SortBy::new(Column::OccursAt, |a| (SortKey::Time(a.occurs_at()), a.id)),
        ActivitySort::CreatedAt => SortBy::new(Column::CreatedAt, |a| (SortKey::Time(a.created_at), a.id)),
        ActivitySort::UpdatedAt => SortBy::new(Column::UpdatedAt, |a| (SortKey::Time(a.updated_at), a.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_activity).await
}

fn to_active_model(a: &Activity) -> ActiveModel {
    let f = &a.fields;
    ActiveModel {
        id: Set(a.id),
        kind: Set(f.kind.as_str().to_owned()),
        subject: Set(f.subject.clone()),
        description: Set(f.description.clone()),
        party_id: Set(f.party_id),
        contact_id: Set(f.contact_id),
        assignee_id: Set(f.assignee_id),
        priority: Set(f.priority.as_str().to_owned()),
        starts_at: Set(f.starts_at),
        ends_at: Set(f.ends_at),
        duration_minutes: Set(f.duration_minutes),
        due_at: Set(f.due_at),
        remind_at: Set(f.remind_at),
        opportunity_id: Set(f.opportunity_id),
        offer_id: Set(f.offer_id),
        sales_order_id: Set(f.sales_order_id),
        invoice_id: Set(f.invoice_id),
        status: Set(a.state.status.as_str().to_owned()),
        outcome: Set(a.state.outcome.map(|o| o.as_str().to_owned())),
        completed_at: Set(a.state.completed_at),
        occurs_at: Set(a.occurs_at()),
        occurs_until: Set(a.occurs_until()),
        version: Set(a.version),
        created_at: Set(a.created_at),
        updated_at: Set(a.updated_at),
    }
}

fn to_activity(m: Model) -> Result<Activity, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let outcome = match m.outcome.as_deref() {
        None => None,
        Some(text) => Some(Outcome::parse(text).ok_or_else(|| corrupt("outcome"))?),
    };
    Ok(Activity {
        id: m.id,
        fields: ActivityFields {
            kind: ActivityKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?,
            priority: Priority::parse(&m.priority).ok_or_else(|| corrupt("priority"))?,
            subject: m.subject,
            description: m.description,
            party_id: m.party_id,
            contact_id: m.contact_id,
            assignee_id: m.assignee_id,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            duration_minutes: m.duration_minutes,
            due_at: m.due_at,
            remind_at: m.remind_at,
            opportunity_id: m.opportunity_id,
            offer_id: m.offer_id,
            sales_order_id: m.sales_order_id,
            invoice_id: m.invoice_id,
        },
        state: ActivityState {
            status: ActivityStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
            outcome,
            completed_at: m.completed_at,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
