//! The change feed: a transactional outbox. Every change appends its event in its own
//! transaction; consumers page through committed events in an order that never lets one slip
//! behind their cursor.
//!
//! Sequence numbers alone do not give that order on PostgreSQL: transactions draw them in one
//! order and commit in another, so a consumer could pass seq 11 while seq 10 is still uncommitted
//! and never see it. Each event therefore carries its transaction's id (`tx`), the feed is ordered
//! by `(tx, seq)`, and it shows only events of transactions older than the oldest one still
//! running (`pg_snapshot_xmin`): every transaction that may still commit has a larger id than
//! anything shown, so it lands after the cursor. SQLite's writers are serial, so there `tx` is 0
//! and `seq` is commit order.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, Value,
};
use uuid::Uuid;

use crate::entities::event::{Column, Entity, Model};
use crate::entities::feed_position;
use crate::error::StoreError;

const TABLE: &str = "events";

/// Where a consumer stands: after the event at this position. The start is `(0, 0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub tx: i64,
    pub seq: i64,
}

/// A change about to be appended.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub id: Uuid,
    /// `offer.accepted`, `party.created`, …
    pub kind: &'a str,
    pub resource_type: &'a str,
    pub resource_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub data: &'a serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub position: Position,
    pub id: Uuid,
    pub kind: String,
    pub resource_type: String,
    pub resource_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    pub data: serde_json::Value,
}

/// The values of one event in its `INSERT`.
pub(crate) const EVENT_PARAMETERS: usize = 7;
/// Events per statement, under the bound parameters both databases take.
const EVENTS_PER_STATEMENT: usize = 4_000;

/// Appends `events` in the caller's transaction, in their order, a few thousand per statement.
pub async fn append_all(conn: &impl ConnectionTrait, events: &[NewEvent<'_>]) -> Result<(), StoreError> {
    let backend = conn.get_database_backend();
    for chunk in events.chunks(EVENTS_PER_STATEMENT) {
        let (sql, values) = insert(backend, chunk, 0);
        conn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// The `INSERT` of `events` and its values, whose PostgreSQL placeholders start after `offset`
/// (for a statement that carries other values before them; see `crate::history::record_with_events`).
pub(crate) fn insert(backend: DbBackend, events: &[NewEvent<'_>], offset: usize) -> (String, Vec<Value>) {
    let mut sql = String::from(
        "INSERT INTO events (tx, id, type, resource_type, resource_id, actor_id, occurred_at, data) VALUES ",
    );
    let mut values: Vec<Value> = Vec::with_capacity(events.len() * EVENT_PARAMETERS);
    for (i, event) in events.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        match backend {
            DbBackend::Postgres => {
                let n = offset + i * EVENT_PARAMETERS;
                sql.push_str("(pg_current_xact_id()::text::bigint");
                for k in 1..=EVENT_PARAMETERS {
                    let _ = write!(sql, ", ${}", n + k);
                }
                sql.push(')');
            }
            _ => sql.push_str("(0, ?, ?, ?, ?, ?, ?, ?)"),
        }
        values.extend([
            event.id.into(),
            event.kind.into(),
            event.resource_type.into(),
            event.resource_id.into(),
            event.actor_id.into(),
            event.occurred_at.into(),
            event.data.to_string().into(),
        ]);
    }
    (sql, values)
}

/// Up to `limit` committed events after `position`, in feed order.
pub async fn after(conn: &impl ConnectionTrait, position: Position, limit: u64) -> Result<Vec<Event>, StoreError> {
    committed_after(conn, position)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(to_event)
        .collect()
}

/// The events a reader may pass after `position`, in the feed's order.
fn committed_after(conn: &impl ConnectionTrait, position: Position) -> sea_orm::Select<Entity> {
    let select = Entity::find()
        .filter(
            Condition::any().add(Column::Tx.gt(position.tx)).add(
                Condition::all()
                    .add(Column::Tx.eq(position.tx))
                    .add(Column::Seq.gt(position.seq)),
            ),
        )
        .order_by_asc(Column::Tx)
        .order_by_asc(Column::Seq);
    if conn.get_database_backend() == DbBackend::Postgres {
        return select.filter(Expr::cust(
            r#""events"."tx" < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"#,
        ));
    }
    select
}

/// At most this many events are looked at by one filtered read: a rare type costs a look at this
/// many, never at the whole feed, and the reader's cursor moves past them all the same.
pub const SCAN: u64 = 2_000;

/// Which events a reader takes: of any of these types (`offer.accepted`), and of any of these
/// resource types (`invoice`); an empty list takes all.
#[derive(Debug, Default)]
pub struct Kinds {
    pub types: Vec<String>,
    pub resource_types: Vec<String>,
}

impl Kinds {
    fn takes(&self, kind: &str, resource_type: &str) -> bool {
        let any = |list: &[String], value: &str| list.is_empty() || list.iter().any(|wanted| wanted == value);
        any(&self.types, kind) && any(&self.resource_types, resource_type)
    }
}

/// The events after `position` that `kinds` takes, at most `limit`, and the position to resume
/// from: after the last one returned, or, when fewer matched, after the last one looked at.
pub async fn after_of_kinds(
    conn: &impl ConnectionTrait,
    position: Position,
    limit: u64,
    kinds: &Kinds,
) -> Result<(Vec<Event>, Position), StoreError> {
    if kinds.types.is_empty() && kinds.resource_types.is_empty() {
        let found = after(conn, position, limit).await?;
        let resume = found.last().map_or(position, |event| event.position);
        return Ok((found, resume));
    }
    let looked_at: Vec<(i64, i64, String, String)> = committed_after(conn, position)
        .select_only()
        .columns([Column::Tx, Column::Seq, Column::Kind, Column::ResourceType])
        .limit(SCAN)
        .into_tuple()
        .all(conn)
        .await?;
    let (mut taken, mut resume) = (Vec::new(), position);
    for (tx, seq, kind, resource_type) in looked_at {
        if taken.len() as u64 == limit {
            break;
        }
        resume = Position { tx, seq };
        if kinds.takes(&kind, &resource_type) {
            taken.push(resume);
        }
    }
    if taken.is_empty() {
        return Ok((Vec::new(), resume));
    }
    let at = taken.iter().fold(Condition::any(), |any, p| {
        any.add(Condition::all().add(Column::Tx.eq(p.tx)).add(Column::Seq.eq(p.seq)))
    });
    let found = Entity::find()
        .filter(at)
        .order_by_asc(Column::Tx)
        .order_by_asc(Column::Seq)
        .all(conn)
        .await?
        .into_iter()
        .map(to_event)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((found, resume))
}

/// Where the feed ends now: the position of its last committed event that a reader may pass.
pub async fn end(conn: &impl ConnectionTrait) -> Result<Position, StoreError> {
    let mut select = Entity::find()
        .order_by_desc(Column::Tx)
        .order_by_desc(Column::Seq)
        .limit(1);
    if conn.get_database_backend() == DbBackend::Postgres {
        select = select.filter(Expr::cust(
            r#""events"."tx" < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"#,
        ));
    }
    Ok(select
        .one(conn)
        .await?
        .map_or_else(Position::default, |m| Position { tx: m.tx, seq: m.seq }))
}

/// Where the in-server reader `name` stands, locked until the transaction ends so that two
/// readers never handle the same events; none before its first read.
pub async fn position_for_update(conn: &impl ConnectionTrait, name: &str) -> Result<Option<Position>, StoreError> {
    Ok(feed_position::Entity::find_by_id(name.to_owned())
        .lock_exclusive()
        .one(conn)
        .await?
        .map(|m| Position { tx: m.tx, seq: m.seq }))
}

/// Where the in-server reader `name` stands, without locking it; none before its first read.
pub async fn position(conn: &impl ConnectionTrait, name: &str) -> Result<Option<Position>, StoreError> {
    Ok(feed_position::Entity::find_by_id(name.to_owned())
        .one(conn)
        .await?
        .map(|m| Position { tx: m.tx, seq: m.seq }))
}

/// Records where the reader `name` stands.
pub async fn set_position(conn: &impl ConnectionTrait, name: &str, position: Position) -> Result<(), StoreError> {
    use sea_orm::ActiveValue::Set;
    use sea_orm::sea_query::OnConflict;
    feed_position::Entity::insert(feed_position::ActiveModel {
        name: Set(name.to_owned()),
        tx: Set(position.tx),
        seq: Set(position.seq),
    })
    .on_conflict(
        OnConflict::column(feed_position::Column::Name)
            .update_columns([feed_position::Column::Tx, feed_position::Column::Seq])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Deletes the events that occurred before `cutoff` (retention); returns how many.
pub async fn delete_before(conn: &impl ConnectionTrait, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
    let past = Condition::all().add(Column::OccurredAt.lt(cutoff));
    crate::retention::delete_in_batches::<Entity>(conn, Column::Seq, past).await
}

fn to_event(m: Model) -> Result<Event, StoreError> {
    let data =
        serde_json::from_str(&m.data).map_err(|e| StoreError::corrupt(TABLE, format!("data of {}: {e}", m.id)))?;
    Ok(Event {
        position: Position { tx: m.tx, seq: m.seq },
        id: m.id,
        kind: m.kind,
        resource_type: m.resource_type,
        resource_id: m.resource_id,
        actor_id: m.actor_id,
        occurred_at: m.occurred_at,
        data,
    })
}

/// Hears when events are committed, on PostgreSQL (the `events_notify` trigger of each insert
/// into `events` notifies `crm_events` at commit). SQLite has no such thing: [`listen`] gives none.
pub struct CommitListener(sea_orm::sqlx::postgres::PgListener);

/// A listener of committed events, on PostgreSQL; none on SQLite.
pub async fn listen(db: &DatabaseConnection) -> Result<Option<CommitListener>, StoreError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(db.get_postgres_connection_pool())
        .await
        .map_err(sqlx_error)?;
    listener.listen("crm_events").await.map_err(sqlx_error)?;
    Ok(Some(CommitListener(listener)))
}

impl CommitListener {
    /// Waits until events were committed since the last call. A lost connection is made again
    /// (what was committed meanwhile is not heard of: the caller also looks now and then).
    pub async fn committed(&mut self) -> Result<(), StoreError> {
        self.0.recv().await.map(|_| ()).map_err(sqlx_error)
    }
}

fn sqlx_error(error: sea_orm::sqlx::Error) -> StoreError {
    DbErr::Conn(sea_orm::RuntimeErr::SqlxError(std::sync::Arc::new(error))).into()
}
