//! The subscriptions table: rows <-> `domain::subscription::Subscription`, lists with filters, and
//! the subscriptions a billing run or the daily job has work on.

mod json;

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::subscription::Biller;
use domain::subscription::period::{Billing, Interval, Schedule};
use domain::subscription::{Subscription, SubscriptionFields, SubscriptionState, SubscriptionStatus};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::subscription::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};
use crate::search;
use crate::table::{self, Scope, Table};
use crate::visibility::Visibility;

const TABLE: &str = "subscriptions";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionSort {
    CreatedAt,
    UpdatedAt,
    Number,
}

#[derive(Debug, Clone, Default)]
pub struct SubscriptionFilter {
    pub status: Vec<SubscriptionStatus>,
    pub party_id: Option<Uuid>,
    pub contract_id: Option<Uuid>,
    pub external_id: Option<String>,
    /// In the number.
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, subscription: &Subscription) -> Result<(), StoreError> {
    table::insert::<Subscriptions, _>(conn, [to_active_model(subscription)]).await
}

/// Writes `subscription` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    subscription: &Subscription,
    expected_version: i32,
) -> Result<bool, StoreError> {
    table::update::<Subscriptions, _>(conn, to_active_model(subscription), subscription.id, expected_version).await
}

/// Writes what billing moved (the cursors of the periods done, and the days derived from them),
/// without a new version: the periods and their orders are the record of it.
pub async fn set_billed(conn: &impl ConnectionTrait, subscription: &Subscription) -> Result<(), StoreError> {
    let model = to_active_model(subscription);
    Entity::update_many()
        .set(ActiveModel {
            billed_before: model.billed_before,
            auto_billed_before: model.auto_billed_before,
            next_billing_on: model.next_billing_on,
            next_step_on: model.next_step_on,
            ..Default::default()
        })
        .filter(Column::Id.eq(subscription.id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The subscriptions table, for the shared kit (`crate::table`): a caller sees the subscriptions
/// of the parties they see.
pub struct Subscriptions;

impl Table for Subscriptions {
    type Entity = Entity;
    type Record = Subscription;
    table::versioned_columns!();
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);
    const SCOPE: Scope<Column> = Scope::Party(Column::PartyId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Subscription>, StoreError> {
        rows.into_iter().map(to_subscription).collect()
    }
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &SubscriptionFilter,
    visibility: Visibility,
    request: &PageRequest<SubscriptionSort>,
) -> Result<Page<Subscription>, StoreError> {
    let condition = Filter::new(Subscriptions::scope(visibility))
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .eq(Column::PartyId, filter.party_id)
        .eq(Column::ContractId, filter.contract_id)
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .when(filter.q.as_deref(), |q| search::contains(Column::SearchText, q))
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Subscription> = match request.sort {
        SubscriptionSort::CreatedAt => SortBy::new(Column::CreatedAt, |s| (SortKey::Time(s.created_at), s.id)),
        SubscriptionSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |s| (SortKey::Time(s.updated_at), s.id)),
        SubscriptionSort::Number => SortBy::new(Column::Number, |s| (SortKey::Text(s.number.clone()), s.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_subscription).await
}

/// Up to `limit` ids of subscriptions with work for `biller` by `on` (a period due, or for the job
/// an end date passed), after `after` in id order: a run pages through them.
pub async fn with_work(
    conn: &impl ConnectionTrait,
    biller: Biller,
    on: NaiveDate,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, StoreError> {
    let column = match biller {
        Biller::Run => Column::NextBillingOn,
        Biller::Job => Column::NextStepOn,
    };
    let mut select = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(column.lte(on))
        .order_by_asc(Column::Id)
        .limit(limit);
    if let Some(after) = after {
        select = select.filter(Column::Id.gt(after));
    }
    Ok(select.into_tuple().all(conn).await?)
}

/// The subscription `id`, locked for billing; on PostgreSQL none when another instance's run
/// holds it (that run bills it).
pub async fn lock_for_billing(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Subscription>, StoreError> {
    let select = Entity::find_by_id(id);
    Ok(table::all::<Subscriptions>(conn, table::skip_locked(conn, select))
        .await?
        .pop())
}

fn to_active_model(s: &Subscription) -> ActiveModel {
    let f = &s.fields;
    let schedule = &f.schedule;
    let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    ActiveModel {
        id: Set(s.id),
        number: Set(s.number.clone()),
        party_id: Set(f.party_id),
        contract_id: Set(f.contract_id),
        currency: Set(f.currency.code().to_owned()),
        lines: Set(json::lines_to_text(&f.lines)),
        interval: Set(schedule.interval.as_str().to_owned()),
        interval_count: Set(int(schedule.interval_count)),
        start_date: Set(schedule.start),
        end_date: Set(schedule.end),
        billing: Set(schedule.billing.as_str().to_owned()),
        external_id: Set(f.external_id.clone()),
        status: Set(s.state.status.as_str().to_owned()),
        activated_on: Set(s.state.activated_on),
        cancelled_on: Set(s.state.cancelled_on),
        pauses: Set(json::pauses_to_text(&s.state.pauses)),
        billed_before: Set(int(s.state.billed_before)),
        auto_billed_before: Set(int(s.state.auto_billed_before)),
        next_billing_on: Set(s.next_due_on(Biller::Run)),
        next_step_on: Set(s.next_step_on()),
        search_text: Set(s.number.to_lowercase()),
        version: Set(s.version),
        created_at: Set(s.created_at),
        updated_at: Set(s.updated_at),
    }
}

fn to_subscription(m: Model) -> Result<Subscription, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let unsigned = |n: i32, what: &str| u32::try_from(n).map_err(|_| corrupt(what));
    let schedule = Schedule {
        interval: Interval::parse(&m.interval).ok_or_else(|| corrupt("interval"))?,
        interval_count: unsigned(m.interval_count, "interval_count")?,
        start: m.start_date,
        end: m.end_date,
        billing: Billing::parse(&m.billing).ok_or_else(|| corrupt("billing"))?,
    };
    Ok(Subscription {
        id: m.id,
        number: m.number,
        fields: SubscriptionFields {
            party_id: m.party_id,
            contract_id: m.contract_id,
            currency: Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?,
            lines: json::lines_from_text(&m.lines).map_err(|e| corrupt(&e))?,
            schedule,
            external_id: m.external_id,
        },
        state: SubscriptionState {
            status: SubscriptionStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
            activated_on: m.activated_on,
            cancelled_on: m.cancelled_on,
            pauses: json::pauses_from_text(&m.pauses).map_err(|e| corrupt(&e))?,
            billed_before: unsigned(m.billed_before, "billed_before")?,
            auto_billed_before: unsigned(m.auto_billed_before, "auto_billed_before")?,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
