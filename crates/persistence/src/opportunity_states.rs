//! The pipeline's rollup (`domain::report::states`): each opportunity's successive states, written
//! in the transaction of every change of the opportunity ([`crate::opportunities`] calls
//! [`began`] and [`moved`]), read by the pipeline of any instant and the pipeline's changes over a
//! window. Each state stores how the opportunity moved into it (new, advanced, …), worked out
//! when it is written, so the pipeline's changes read a few narrow columns per state
//! ([`changed_between`]). [`rebuilt`] computes the same states from scratch out of the recorded
//! history: it fills in the opportunities recorded before the rollup ([`catch_up`]) and proves
//! the rollup right.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::history::{Action, FieldChange};
use domain::opportunity::{Opportunity, OpportunityStatus};
use domain::pipeline::StageKind;
use domain::report::changes::{Movements, Worth, movements};
use domain::report::pipeline::Deal;
use domain::report::states::{self, DealState, Position};
use futures::TryStreamExt;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QueryResult, QuerySelect, Statement, StreamTrait,
};
use uuid::Uuid;

use crate::column::nullable;
use crate::decimal_text::DecimalText;
use crate::entities::opportunity_state::{ActiveModel, Column, Entity, Model};
use crate::entities::{history_entry, opportunity};
use crate::error::StoreError;
use crate::opportunities::Opportunities;
use crate::table::{self, Table};
use crate::visibility::Visibility;

const TABLE: &str = "opportunity_states";

/// Opportunities rebuilt per round of [`catch_up`]: their history is read at once.
const CATCH_UP_CHUNK: usize = 500;

/// The first states of new opportunities: each as `created`, and, for one imported with its past
/// (the seed data), as it is `now` from its last change on.
pub(crate) async fn began(
    conn: &impl ConnectionTrait,
    opportunities: impl IntoIterator<Item = (&Opportunity, Option<&Opportunity>)>,
) -> Result<(), StoreError> {
    let opportunities: Vec<_> = opportunities.into_iter().collect();
    // A creation is new whatever the stages; only one imported with its past may have advanced.
    let order = if opportunities.iter().any(|(_, now)| now.is_some()) {
        StageOrder::read(conn).await?
    } else {
        StageOrder::default()
    };
    let mut rows = Vec::new();
    for (created, now) in opportunities {
        let first = Deal::of(created);
        match now.map(|now| (now, Deal::of(now))).filter(|(_, deal)| *deal != first) {
            Some((now, deal)) => {
                rows.push(row(&first, created.created_at, Some(now.updated_at), None, &order));
                rows.push(row(&deal, now.updated_at, None, Some(Position::of(&first)), &order));
            }
            None => rows.push(row(&first, created.created_at, None, None, &order)),
        }
    }
    table::insert_rows(conn, rows).await
}

/// Ends the current state of `opportunity` and begins its new one, when the change moved what
/// the pipeline reads. An opportunity without states (written by a server from before the
/// rollup, while this one ran) is left to [`catch_up`] at the next start-up, which rebuilds them
/// from its history, this change included.
pub(crate) async fn moved(conn: &impl ConnectionTrait, opportunity: &Opportunity) -> Result<(), StoreError> {
    let Some(current) = Entity::find()
        .filter(Column::OpportunityId.eq(opportunity.id))
        .filter(Column::ValidTo.is_null())
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let before = state(current.clone())?.deal;
    let after = Deal::of(opportunity);
    if after == before {
        return Ok(());
    }
    let at = opportunity.updated_at;
    // Within one stage it cannot have advanced: the order is read only for a move between two.
    let order = if before.stage_id == after.stage_id {
        StageOrder::default()
    } else {
        StageOrder::read(conn).await?
    };
    Entity::update(ActiveModel {
        id: Set(current.id),
        valid_to: Set(Some(at)),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    table::insert_rows(conn, [row(&after, at, None, Some(Position::of(&before)), &order)]).await
}

/// The open opportunities the caller sees as they stood at `instant` (now without one), handed
/// to `each` one at a time. Visibility follows the opportunity's current owner.
pub async fn open_at<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    visibility: Visibility,
    instant: Option<DateTime<Utc>>,
    mut each: impl FnMut(Deal),
) -> Result<(), StoreError> {
    let in_force = match instant {
        None => Condition::all().add(Column::ValidTo.is_null()),
        Some(instant) => Condition::all().add(Column::ValidFrom.lte(instant)).add(
            Condition::any()
                .add(Column::ValidTo.is_null())
                .add(Column::ValidTo.gt(instant)),
        ),
    };
    let select = Entity::find()
        .filter(in_force)
        .filter(Column::Status.eq(OpportunityStatus::Open.as_str()))
        .filter(seen_by(visibility));
    let mut rows = select.stream(conn).await?;
    while let Some(model) = rows.try_next().await? {
        each(state(model)?.deal);
    }
    Ok(())
}

/// The opportunities the caller sees with a state that began from `start` to `end` (both
/// included): for each, how it moved in the states that began before `end` (the movements stored
/// with them), and what it was worth in the state in force at `end`, handed to `each` one at a
/// time, as `pipeline-changes` reads them.
///
/// Two narrow reads, joined in Rust: the movements of the window's states that ended in it, then
/// the states in force at its end. Grouping the window's states per opportunity in SQL instead
/// took longer than both (a hash of a hundred thousand groups); amounts are summed in Rust anyway,
/// exactly (stored as decimal text).
pub async fn changed_between<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    visibility: Visibility,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    mut each: impl FnMut(Movements, Worth),
) -> Result<(), StoreError> {
    let began_in_window = || {
        Condition::all()
            .add(Column::ValidFrom.gte(start))
            .add(Column::ValidFrom.lte(end))
            .add(seen_by(visibility))
    };
    // A state that began at `end` itself is in force then, but made its move after the window.
    let ended_in_window: Vec<(Uuid, i16)> = Entity::find()
        .select_only()
        .columns([Column::OpportunityId, Column::Movements])
        .filter(began_in_window())
        .filter(Column::ValidFrom.lt(end))
        .filter(Column::ValidTo.lte(end))
        .filter(Column::Movements.ne(0))
        .into_tuple()
        .all(conn)
        .await?;
    let mut earlier: HashMap<Uuid, Movements> = HashMap::with_capacity(ended_in_window.len());
    for (opportunity, bits) in ended_in_window {
        earlier
            .entry(opportunity)
            .or_default()
            .extend(stored_movements(Some(bits))?);
    }
    let at_end = Entity::find()
        .select_only()
        .column(Column::OpportunityId)
        .expr(Expr::case(Column::ValidFrom.lt(end), Expr::col(Column::Movements)).finally(0_i16))
        .columns([Column::Amount, Column::Currency])
        .filter(began_in_window())
        .filter(
            Condition::any()
                .add(Column::ValidTo.is_null())
                .add(Column::ValidTo.gt(end)),
        );
    let mut rows = at_end.into_model::<AtEndRow>().stream(conn).await?;
    while let Some(row) = rows.try_next().await? {
        let mut made = stored_movements(row.made)?;
        if let Some(before) = earlier.remove(&row.opportunity_id) {
            made.extend(before);
        }
        let amount = row.amount.map(|a| a.0);
        let currency = Stored(row.opportunity_id).currency(row.currency.filter(|_| amount.is_some()))?;
        each(made, Worth { amount, currency });
    }
    Ok(())
}

/// Movements as stored; none on a row from before the column that start-up has not filled in
/// yet (written by an older server while this one ran).
fn stored_movements(bits: Option<i16>) -> Result<Movements, StoreError> {
    match bits {
        None => Ok(Movements::default()),
        Some(bits) => u8::try_from(bits)
            .ok()
            .and_then(Movements::from_bits)
            .ok_or_else(|| StoreError::corrupt(TABLE, format!("movements {bits} of a state"))),
    }
}

/// A state in force at the end of a window, read by position: a year holds a hundred thousand.
struct AtEndRow {
    opportunity_id: Uuid,
    made: Option<i16>,
    amount: Option<DecimalText>,
    currency: Option<String>,
}

impl FromQueryResult for AtEndRow {
    fn from_query_result(row: &QueryResult, _prefix: &str) -> Result<Self, DbErr> {
        Ok(AtEndRow {
            opportunity_id: row.try_get_by_index(0)?,
            made: nullable(row, 1)?,
            amount: nullable::<String>(row, 2)?
                .map(|text| DecimalText::parse(&text))
                .transpose()?,
            currency: nullable(row, 3)?,
        })
    }
}

/// Writes how the opportunity moved into each state stored without it (rows written before the
/// column), a few hundred per round, with the stage order of now. Run at start-up: idempotent,
/// and two servers doing it at once write the same values.
pub async fn fill_in_movements(conn: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let order = StageOrder::read(conn).await?;
    let mut filled = 0;
    loop {
        let missing = Entity::find()
            .filter(Column::Movements.is_null())
            .limit(CATCH_UP_CHUNK as u64)
            .all(conn)
            .await?;
        if missing.is_empty() {
            return Ok(filled);
        }
        filled += missing.len() as u64;
        // A few dozen distinct values at most: one statement per value, not per row.
        let mut by_value: HashMap<i16, Vec<Uuid>> = HashMap::new();
        for model in missing {
            let id = model.id;
            let state = state(model)?;
            let made = order.movements(state.previous, &state.deal);
            by_value.entry(made).or_default().push(id);
        }
        for (value, ids) in by_value {
            Entity::update_many()
                .col_expr(Column::Movements, Expr::value(value))
                .filter(Column::Id.is_in(ids))
                .filter(Column::Movements.is_null())
                .exec(conn)
                .await?;
        }
    }
}

/// Every stored state of the opportunities `ids`, per opportunity, in the order they followed
/// each other (a state that began and ended at one instant before the one that went on from it;
/// two such in the order they were written).
pub async fn of(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<DealState>>, StoreError> {
    let mut models = Vec::new();
    for chunk in ids.chunks(CATCH_UP_CHUNK) {
        let found = Entity::find()
            .filter(Column::OpportunityId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        models.extend(found);
    }
    models.sort_by_key(|m| (m.valid_from, m.valid_to.unwrap_or(DateTime::<Utc>::MAX_UTC), m.id));
    let mut states: HashMap<Uuid, Vec<DealState>> = HashMap::new();
    for model in models {
        let state = state(model)?;
        states.entry(state.deal.id).or_default().push(state);
    }
    Ok(states)
}

/// The states of the opportunities `ids` computed from scratch: each opportunity's current row
/// with its recorded changes undone, latest first (`domain::report::states::replay`).
pub async fn rebuilt(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<DealState>>, StoreError> {
    let mut states = HashMap::new();
    for chunk in ids.chunks(CATCH_UP_CHUNK) {
        let current = table::all::<Opportunities>(
            conn,
            opportunity::Entity::find().filter(opportunity::Column::Id.is_in(chunk.iter().copied())),
        )
        .await?;
        let mut history = history_of(conn, chunk).await?;
        for opportunity in current {
            let entries = history.remove(&opportunity.id).unwrap_or_default();
            let replayed =
                states::replay(Deal::of(&opportunity), opportunity.created_at, &entries).map_err(|error| {
                    StoreError::corrupt("history_entries", format!("opportunity {}: {error}", opportunity.id))
                })?;
            states.insert(opportunity.id, replayed);
        }
    }
    Ok(states)
}

/// Fills in the states of every opportunity that has none (recorded before the rollup existed),
/// from its history, in one transaction. Run at start-up, after the migrations: idempotent, and
/// two servers starting at once take turns (the table is locked until the first commits).
pub async fn catch_up(db: &DatabaseConnection) -> Result<u64, StoreError> {
    // The usual start finds every opportunity with states: it looks without locking anything.
    if without_states(db, Some(1)).await?.is_empty() {
        return Ok(0);
    }
    let txn = crate::db::begin(db).await?;
    if ConnectionTrait::get_database_backend(&txn) == DbBackend::Postgres {
        // SHARE ROW EXCLUSIVE conflicts with itself: a second server waits, then finds nothing to do.
        txn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!("LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE"),
        ))
        .await?;
    }
    let missing = without_states(&txn, None).await?;
    let order = StageOrder::read(&txn).await?;
    for chunk in missing.chunks(CATCH_UP_CHUNK) {
        let rebuilt = rebuilt(&txn, chunk).await?;
        let rows = rebuilt
            .values()
            .flatten()
            .map(|state| row(&state.deal, state.valid_from, state.valid_to, state.previous, &order));
        table::insert_rows(&txn, rows.collect::<Vec<_>>()).await?;
    }
    txn.commit().await?;
    Ok(missing.len() as u64)
}

/// The opportunities without any state (up to `limit`).
async fn without_states(conn: &impl ConnectionTrait, limit: Option<u64>) -> Result<Vec<Uuid>, StoreError> {
    let with_states = Query::select()
        .expr(Expr::val(1))
        .from(Entity)
        .and_where(Expr::col((Entity, Column::OpportunityId)).equals((opportunity::Entity, opportunity::Column::Id)))
        .to_owned();
    Ok(opportunity::Entity::find()
        .select_only()
        .column(opportunity::Column::Id)
        .filter(Condition::all().not().add(Expr::exists(with_states)))
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The recorded changes of the opportunities `ids`, per opportunity, latest first.
async fn history_of(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<states::Entry>>, StoreError> {
    use history_entry::Column as H;
    let rows: Vec<(Uuid, DateTime<Utc>, String, String)> = history_entry::Entity::find()
        .select_only()
        .columns([H::ResourceId, H::OccurredAt, H::Action, H::Changes])
        .filter(H::ResourceType.eq("opportunity"))
        .filter(H::ResourceId.is_in(ids.iter().copied()))
        .order_by_desc(H::OccurredAt)
        .order_by_desc(H::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let mut history: HashMap<Uuid, Vec<states::Entry>> = HashMap::new();
    for (id, at, action, text) in rows {
        let corrupt = |what: String| StoreError::corrupt("history_entries", format!("{what} of opportunity {id}"));
        let action = Action::parse(&action).ok_or_else(|| corrupt(format!("action {action}")))?;
        let changes: Vec<FieldChange> = serde_json::from_str(&text).map_err(|e| corrupt(format!("changes ({e})")))?;
        history.entry(id).or_default().push((at, action, changes));
    }
    Ok(history)
}

/// The rows the caller sees: the states of the opportunities they see now.
fn seen_by(visibility: Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        narrowed @ Visibility::OwnedBy { .. } => {
            let seen = Query::select()
                .column(opportunity::Column::Id)
                .from(opportunity::Entity)
                .cond_where(Opportunities::scope(narrowed))
                .to_owned();
            Condition::all().add(Column::OpportunityId.in_subquery(seen))
        }
    }
}

fn row(
    deal: &Deal,
    valid_from: DateTime<Utc>,
    valid_to: Option<DateTime<Utc>>,
    previous: Option<Position>,
    order: &StageOrder,
) -> ActiveModel {
    let made = order.movements(previous, deal);
    ActiveModel {
        id: Set(Uuid::now_v7()),
        opportunity_id: Set(deal.id),
        valid_from: Set(valid_from),
        valid_to: Set(valid_to),
        stage_id: Set(deal.stage_id),
        owner_id: Set(deal.owner_id),
        status: Set(deal.status.as_str().to_owned()),
        amount: Set(deal.amount.map(DecimalText)),
        currency: Set(deal.currency.map(|c| c.code().to_owned())),
        probability: Set(deal.probability),
        expected_close_date: Set(deal.expected_close_date),
        previous_stage_id: Set(previous.map(|p| p.stage_id)),
        previous_status: Set(previous.map(|p| p.status.as_str().to_owned())),
        previous_expected_close_date: Set(previous.and_then(|p| p.expected_close_date)),
        movements: Set(Some(made)),
    }
}

/// The pipeline positions of the open stages, as they are when a state is written: what tells
/// an advance (a move to a later open stage) from any other move.
#[derive(Debug, Default)]
struct StageOrder(Vec<(Uuid, i32)>);

impl StageOrder {
    async fn read(conn: &impl ConnectionTrait) -> Result<StageOrder, StoreError> {
        use crate::entities::pipeline_stage::{Column as S, Entity as Stages};
        let open = Stages::find()
            .select_only()
            .columns([S::Id, S::Position])
            .filter(S::Kind.eq(StageKind::Open.as_str()))
            .into_tuple()
            .all(conn)
            .await?;
        Ok(StageOrder(open))
    }

    /// A handful of stages: a short list beats hashing.
    fn position(&self, stage: Uuid) -> Option<i32> {
        self.0
            .iter()
            .find(|(id, _)| *id == stage)
            .map(|(_, position)| *position)
    }

    /// How the opportunity moved into `deal` from `previous`, as stored (`movements` column).
    fn movements(&self, previous: Option<Position>, deal: &Deal) -> i16 {
        let made = movements(previous.as_ref(), &Position::of(deal), |stage| self.position(stage));
        i16::from(made.bits())
    }
}

fn state(model: Model) -> Result<DealState, StoreError> {
    let stored = Stored(model.opportunity_id);
    Ok(DealState {
        deal: Deal {
            id: model.opportunity_id,
            stage_id: model.stage_id,
            owner_id: model.owner_id,
            status: stored.status(&model.status)?,
            amount: model.amount.map(|a| a.0),
            currency: stored.currency(model.currency)?,
            probability: model.probability,
            expected_close_date: model.expected_close_date,
        },
        valid_from: model.valid_from,
        valid_to: model.valid_to,
        previous: stored.previous(
            model.previous_stage_id,
            model.previous_status.as_deref(),
            model.previous_expected_close_date,
        )?,
    })
}

/// The stored forms of a state of the opportunity it names; a value not of its form is corrupt.
struct Stored(Uuid);

impl Stored {
    fn corrupt(&self, what: &str) -> StoreError {
        StoreError::corrupt(TABLE, format!("{what} of a state of opportunity {}", self.0))
    }

    fn status(&self, text: &str) -> Result<OpportunityStatus, StoreError> {
        OpportunityStatus::parse(text).ok_or_else(|| self.corrupt("status"))
    }

    fn currency(&self, code: Option<String>) -> Result<Option<Currency>, StoreError> {
        code.map(|c| Currency::parse(&c))
            .transpose()
            .map_err(|_| self.corrupt("currency"))
    }

    /// The position before, stored beside the state; none for the state an opportunity was
    /// created in.
    fn previous(
        &self,
        stage_id: Option<Uuid>,
        status: Option<&str>,
        expected_close_date: Option<NaiveDate>,
    ) -> Result<Option<Position>, StoreError> {
        let (Some(stage_id), Some(status)) = (stage_id, status) else {
            return Ok(None);
        };
        Ok(Some(Position {
            stage_id,
            status: self.status(status)?,
            expected_close_date,
        }))
    }
}
