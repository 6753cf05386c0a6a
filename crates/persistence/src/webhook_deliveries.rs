//! The delivery log of webhook subscriptions, which is also the worker's queue: a pending
//! delivery whose `next_attempt_at` has passed is due.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Statement, Value,
};
use uuid::Uuid;

use crate::entities::webhook_delivery::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::page::{self, Page, PageRequest, SortKey};

const TABLE: &str = "webhook_deliveries";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Waiting for its first or next attempt.
    Pending,
    /// The receiver answered 2xx.
    Succeeded,
    /// Given up after a day of failures.
    Failed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        [Self::Pending, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    /// The event delivered; none for a test delivery.
    pub event_id: Option<Uuid>,
    pub event_type: String,
    /// The body, exactly as sent (the signature covers these bytes).
    pub payload: String,
    pub state: State,
    pub attempts: i32,
    pub first_attempt_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A delivery to make now.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub event_id: Option<Uuid>,
    pub event_type: String,
    pub payload: String,
}

/// How an attempt went.
#[derive(Debug, Clone)]
pub enum Outcome {
    Delivered {
        status: i32,
    },
    /// Not delivered: the receiver's status if it answered, and why. `retry_at` is none when the
    /// delivery is given up.
    Failed {
        status: Option<i32>,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

pub async fn insert_many(
    conn: &impl ConnectionTrait,
    new: Vec<NewDelivery>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if new.is_empty() {
        return Ok(());
    }
    let rows = new.into_iter().map(|d| ActiveModel {
        id: Set(d.id),
        webhook_id: Set(d.webhook_id),
        event_id: Set(d.event_id),
        event_type: Set(d.event_type),
        payload: Set(d.payload),
        state: Set(State::Pending.as_str().to_owned()),
        attempts: Set(0),
        first_attempt_at: Set(now),
        next_attempt_at: Set(Some(now)),
        last_status: Set(None),
        last_error: Set(None),
        delivered_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    Entity::insert_many(rows).exec_without_returning(conn).await?;
    Ok(())
}

/// Takes up to `limit` due deliveries of the subscriptions `webhook_ids`, oldest first but at
/// most `per_webhook` of each (a receiver that hangs holds few of the sender's slots, and a burst
/// for one subscription does not hold back the others), and leases each until `leased_until`
/// (its next attempt moves there), so that another worker, or this one after a crash mid-send,
/// takes it only once the lease has run out. The deliveries returned carry the lease as
/// `next_attempt_at`: [`record_attempt`] needs it.
pub async fn claim_due(
    conn: &impl ConnectionTrait,
    webhook_ids: &[Uuid],
    now: DateTime<Utc>,
    leased_until: DateTime<Utc>,
    (limit, per_webhook): (u64, u64),
) -> Result<Vec<Delivery>, StoreError> {
    if webhook_ids.is_empty() {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    let mut values: Vec<Value> = vec![State::Pending.as_str().into(), now.into()];
    values.extend(webhook_ids.iter().map(|id| Value::from(*id)));
    values.extend([Value::from(per_webhook), Value::from(limit)]);
    let placeholders: Vec<String> = (1..=values.len())
        .map(|n| {
            if backend == DbBackend::Postgres {
                format!("${n}")
            } else {
                "?".to_owned()
            }
        })
        .collect();
    let ids = placeholders[2..placeholders.len() - 2].join(", ");
    let (state, due_by, per, most) = (
        &placeholders[0],
        &placeholders[1],
        &placeholders[placeholders.len() - 2],
        &placeholders[placeholders.len() - 1],
    );
    let sql = format!(
        "SELECT id FROM (SELECT id, next_attempt_at, ROW_NUMBER() OVER \
         (PARTITION BY webhook_id ORDER BY next_attempt_at, id) AS n FROM webhook_deliveries \
         WHERE state = {state} AND next_attempt_at <= {due_by} AND webhook_id IN ({ids})) AS due \
         WHERE n <= {per} ORDER BY next_attempt_at, id LIMIT {most}"
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let due_ids = rows
        .iter()
        .map(|row| row.try_get::<Uuid>("", "id"))
        .collect::<Result<Vec<_>, _>>()?;
    // Read again: another worker may have claimed some since, moving them past `now`.
    let due = Entity::find()
        .filter(Column::Id.is_in(due_ids))
        .filter(Column::State.eq(State::Pending.as_str()))
        .filter(Column::NextAttemptAt.lte(now))
        .order_by_asc(Column::NextAttemptAt)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for row in due {
        // Ours only if it is still due and nobody moved it since we read it.
        let taken = Entity::update_many()
            .col_expr(Column::NextAttemptAt, Expr::value(leased_until))
            .filter(Column::Id.eq(row.id))
            .filter(Column::State.eq(State::Pending.as_str()))
            .filter(Column::NextAttemptAt.eq(row.next_attempt_at))
            .filter(Column::NextAttemptAt.lte(now))
            .exec(conn)
            .await?;
        if taken.rows_affected == 1 {
            let mut delivery = to_delivery(row)?;
            delivery.next_attempt_at = Some(leased_until);
            claimed.push(delivery);
        }
    }
    Ok(claimed)
}

/// Records an attempt of a delivery claimed by [`claim_due`], if the lease is still ours (a
/// worker that took longer than its lease lost the delivery to another and records nothing).
pub async fn record_attempt(
    conn: &impl ConnectionTrait,
    claimed: &Delivery,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let update = Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now));
    let update = match outcome {
        Outcome::Delivered { status } => update
            .col_expr(Column::State, Expr::value(State::Succeeded.as_str()))
            .col_expr(Column::LastStatus, Expr::value(status))
            .col_expr(Column::LastError, Expr::value(Option::<String>::None))
            .col_expr(Column::DeliveredAt, Expr::value(now))
            .col_expr(Column::NextAttemptAt, Expr::value(Option::<DateTime<Utc>>::None)),
        Outcome::Failed {
            status,
            error,
            retry_at,
        } => update
            .col_expr(
                Column::State,
                Expr::value(
                    if retry_at.is_some() {
                        State::Pending
                    } else {
                        State::Failed
                    }
                    .as_str(),
                ),
            )
            .col_expr(Column::LastStatus, Expr::value(status))
            .col_expr(Column::LastError, Expr::value(error))
            .col_expr(Column::NextAttemptAt, Expr::value(retry_at)),
    };
    let result = update
        .filter(Column::Id.eq(claimed.id))
        .filter(Column::State.eq(State::Pending.as_str()))
        .filter(Column::NextAttemptAt.eq(claimed.next_attempt_at))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

pub async fn find(conn: &impl ConnectionTrait, webhook_id: Uuid, id: Uuid) -> Result<Option<Delivery>, StoreError> {
    Entity::find_by_id(id)
        .filter(Column::WebhookId.eq(webhook_id))
        .one(conn)
        .await?
        .map(to_delivery)
        .transpose()
}

/// A subscription's deliveries, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    webhook_id: Uuid,
    state: Option<State>,
    request: &PageRequest<()>,
) -> Result<Page<Delivery>, StoreError> {
    let mut condition = Condition::all().add(Column::WebhookId.eq(webhook_id));
    if let Some(state) = state {
        condition = condition.add(Column::State.eq(state.as_str()));
    }
    page::fetch(
        conn,
        Entity::find().filter(condition),
        (Column::CreatedAt, Column::Id),
        request,
        to_delivery,
        |d| (SortKey::Time(d.created_at), d.id),
    )
    .await
}

/// Deletes the finished deliveries made before `cutoff` (the log's retention); returns how many.
pub async fn delete_finished_before(conn: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
    let finished = Condition::all()
        .add(Column::State.ne(State::Pending.as_str()))
        .add(Column::CreatedAt.lt(cutoff));
    crate::retention::delete_in_batches::<Entity>(conn, Column::Id, finished).await
}

fn to_delivery(m: Model) -> Result<Delivery, StoreError> {
    let state = State::parse(&m.state).ok_or_else(|| StoreError::corrupt(TABLE, format!("state of {}", m.id)))?;
    Ok(Delivery {
        id: m.id,
        webhook_id: m.webhook_id,
        event_id: m.event_id,
        event_type: m.event_type,
        payload: m.payload,
        state,
        attempts: m.attempts,
        first_attempt_at: m.first_attempt_at,
        next_attempt_at: m.next_attempt_at,
        last_status: m.last_status,
        last_error: m.last_error,
        delivered_at: m.delivered_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// The deliveries due at `now` and not yet sent: how many, and the longest overdue's due time.
pub async fn due(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(u64, Option<DateTime<Utc>>), StoreError> {
    let pending = || {
        Entity::find()
            .filter(Column::State.eq(State::Pending.as_str()))
            .filter(Column::NextAttemptAt.lte(now))
    };
    let count = pending().count(conn).await?;
    let oldest = pending()
        .order_by_asc(Column::NextAttemptAt)
        .one(conn)
        .await?
        .and_then(|delivery| delivery.next_attempt_at);
    Ok((count, oldest))
}
