//! The billing periods done: one row per period billed (with its order) or skipped (it started
//! while paused). The unique key on (subscription, start) refuses a second row for a period, so a
//! period is billed once whatever runs race.

use chrono::{DateTime, NaiveDate, Utc};
use domain::subscription::Outcome;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entities::subscription_period::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;

/// A period billed or skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DonePeriod {
    pub id: Uuid,
    pub subscription_id: Uuid,
    pub index: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due_on: NaiveDate,
    pub outcome: Outcome,
    pub sales_order_id: Option<Uuid>,
    pub run_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Records `period`; a period recorded already is a `StoreError::Duplicate`.
pub async fn insert(conn: &impl ConnectionTrait, period: &DonePeriod) -> Result<(), StoreError> {
    let model = ActiveModel {
        id: Set(period.id),
        subscription_id: Set(period.subscription_id),
        period_index: Set(i32::try_from(period.index).unwrap_or(i32::MAX)),
        period_start: Set(period.start),
        period_end: Set(period.end),
        due_on: Set(period.due_on),
        outcome: Set(outcome_name(period.outcome).to_owned()),
        sales_order_id: Set(period.sales_order_id),
        run_id: Set(period.run_id),
        created_at: Set(period.created_at),
    };
    Entity::insert(model).exec_without_returning(conn).await?;
    Ok(())
}

/// The periods a run did, in the order of their subscriptions and starts.
pub async fn of_run(conn: &impl ConnectionTrait, run_id: Uuid) -> Result<Vec<DonePeriod>, StoreError> {
    let rows = Entity::find()
        .filter(Column::RunId.eq(run_id))
        .order_by_asc(Column::SubscriptionId)
        .order_by_asc(Column::PeriodStart)
        .all(conn)
        .await?;
    rows.into_iter().map(to_period).collect()
}

/// The subscription each of `order_ids` bills a period of, for the flow of those orders.
pub async fn subscriptions_of_orders(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    if order_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Option<Uuid>, Uuid)> = Entity::find()
        .select_only()
        .column(Column::SalesOrderId)
        .column(Column::SubscriptionId)
        .filter(Column::SalesOrderId.is_in(order_ids.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(order, sub)| Some((order?, sub)))
        .collect())
}

/// The orders of the periods of `subscription_ids`, for their flow.
pub async fn orders_of_subscriptions(
    conn: &impl ConnectionTrait,
    subscription_ids: &[Uuid],
) -> Result<Vec<Uuid>, StoreError> {
    if subscription_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Option<Uuid>> = Entity::find()
        .select_only()
        .column(Column::SalesOrderId)
        .filter(Column::SubscriptionId.is_in(subscription_ids.iter().copied()))
        .order_by_asc(Column::PeriodStart)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Bill => "billed",
        Outcome::Skip => "skipped",
    }
}

fn to_period(m: Model) -> Result<DonePeriod, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt("subscription_periods", format!("{what} in row {}", m.id));
    let outcome = match m.outcome.as_str() {
        "billed" => Outcome::Bill,
        "skipped" => Outcome::Skip,
        _ => return Err(corrupt("outcome")),
    };
    Ok(DonePeriod {
        id: m.id,
        subscription_id: m.subscription_id,
        index: u32::try_from(m.period_index).map_err(|_| corrupt("period_index"))?,
        start: m.period_start,
        end: m.period_end,
        due_on: m.due_on,
        outcome,
        sales_order_id: m.sales_order_id,
        run_id: m.run_id,
        created_at: m.created_at,
    })
}
