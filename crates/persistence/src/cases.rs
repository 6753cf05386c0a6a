//! The cases table: rows <-> `domain::case::Case`, lists with filters, the load of a team's
//! members (assignment) and the cases whose SLA alerts are due (escalation).

mod sla_json;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use domain::case::assignment::Candidate;
use domain::case::sla::SlaStatus;
use domain::case::{Case, CaseFields, CasePriority, CaseSla, CaseState, CaseStatus, Channel};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entities::case::{ActiveModel, Column, Entity, Model};
use crate::entities::user;
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};
use crate::search;
use crate::table::{self, Scope, Table};
use crate::visibility::Visibility;

const TABLE: &str = "cases";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSort {
    CreatedAt,
    UpdatedAt,
    Number,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Vec<CaseStatus>,
    pub priority: Vec<CasePriority>,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub party_id: Option<Uuid>,
    /// `true`: only cases of a team; `false`: only those of none.
    pub has_team: Option<bool>,
    /// `true`: only assigned cases; `false`: only unassigned ones.
    pub has_assignee: Option<bool>,
    /// Created on or after this day (UTC).
    pub created_from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub created_to: Option<NaiveDate>,
    pub external_id: Option<String>,
    /// The SLA status at `now`.
    pub sla_status: Option<SlaStatus>,
    /// Whether a target was missed (by `now`).
    pub breached: Option<bool>,
    /// In the number or the subject.
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
    /// The instant `sla_status` and `breached` are judged at.
    pub now: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, case: &Case) -> Result<(), StoreError> {
    table::insert::<Cases, _>(conn, [to_active_model(case)]).await
}

/// Inserts `cases` in as few statements as the databases allow (a bulk load: the seed data).
pub async fn insert_many(conn: &impl ConnectionTrait, cases: &[Case]) -> Result<(), StoreError> {
    table::insert::<Cases, _>(conn, cases.iter().map(to_active_model)).await
}

/// Writes `case` if the stored version is still `expected_version`.
pub async fn update(conn: &impl ConnectionTrait, case: &Case, expected_version: i32) -> Result<bool, StoreError> {
    table::update::<Cases, _>(conn, to_active_model(case), case.id, expected_version).await
}

/// The cases table, for the shared kit (`crate::table`): a caller sees the cases of the parties
/// they see.
pub struct Cases;

impl Table for Cases {
    type Entity = Entity;
    type Record = Case;
    table::versioned_columns!();
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);
    const SCOPE: Scope<Column> = Scope::Party(Column::PartyId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Case>, StoreError> {
        rows.into_iter().map(to_case).collect()
    }
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &CaseFilter,
    visibility: Visibility,
    request: &PageRequest<CaseSort>,
) -> Result<Page<Case>, StoreError> {
    let now = filter.now.unwrap_or_else(Utc::now);
    let condition = Filter::new(Cases::scope(visibility))
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .any_of(&filter.priority, |priority| Column::Priority.eq(priority.as_str()))
        .eq(Column::TeamId, filter.team_id)
        .eq(Column::AssigneeId, filter.assignee_id)
        .eq(Column::PartyId, filter.party_id)
        .when(filter.has_team, |has| present(Column::TeamId, has))
        .when(filter.has_assignee, |has| present(Column::AssigneeId, has))
        .on_days(Column::CreatedAt, filter.created_from, filter.created_to)
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .when(filter.sla_status, |status| sla_status(status, now))
        .when(filter.breached, |breached| {
            if breached {
                breached_by(now)
            } else {
                breached_by(now).not()
            }
        })
        .when(filter.q.as_deref(), |q| search::contains(Column::SearchText, q))
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Case> = match request.sort {
        CaseSort::CreatedAt => SortBy::new(Column::CreatedAt, |c| (SortKey::Time(c.created_at), c.id)),
        CaseSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |c| (SortKey::Time(c.updated_at), c.id)),
        CaseSort::Number => SortBy::new(Column::Number, |c| (SortKey::Text(c.number.clone()), c.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_case).await
}

/// `column` holds a value (`has`), or is null.
fn present(column: Column, has: bool) -> Condition {
    let condition = if has { column.is_not_null() } else { column.is_null() };
    Condition::all().add(condition)
}

/// The first instant of `day`, in UTC: the days of the cases report are UTC days.
pub(crate) fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// A target was missed by `now`: a breach raised, or a running target past its due time. Never
/// null (a null due time is "not missed", not "unknown"), so that its negation holds too.
fn breached_by(now: DateTime<Utc>) -> Condition {
    Condition::any().add(Column::SlaBreached.eq(true)).add(
        Condition::all()
            .add(Column::SlaBreachAt.is_not_null())
            .add(Column::SlaBreachAt.lte(now)),
    )
}

/// The cases whose SLA status at `now` is `status`, by the columns derived from the clock; the
/// same precedence as `CaseSla::status`: breached, then paused, at risk, on track, met.
fn sla_status(status: SlaStatus, now: DateTime<Utc>) -> Condition {
    let has_sla = Column::SlaPolicyId.is_not_null();
    let not_breached = breached_by(now).not();
    let pending = Column::Status.eq(CaseStatus::Pending.as_str());
    match status {
        SlaStatus::Breached => Condition::all().add(has_sla).add(breached_by(now)),
        SlaStatus::Paused => Condition::all().add(has_sla).add(not_breached).add(pending),
        SlaStatus::AtRisk => Condition::all().add(not_breached).add(Column::SlaAtRiskAt.lte(now)),
        SlaStatus::OnTrack => Condition::all().add(not_breached).add(Column::SlaAtRiskAt.gt(now)),
        SlaStatus::Met => Condition::all()
            .add(has_sla)
            .add(not_breached)
            .add(Column::SlaAtRiskAt.is_null())
            .add(Column::Status.is_in([CaseStatus::Resolved.as_str(), CaseStatus::Closed.as_str()])),
    }
}

/// The active members of `team_id` with their load, for the assignment of a new case. Call it
/// with the team locked (see `crate::teams::lock`), so concurrent cases see each other's choice.
pub async fn candidates(conn: &impl ConnectionTrait, team_id: Uuid) -> Result<Vec<Candidate>, StoreError> {
    let open: Vec<&str> = CaseStatus::OPEN.iter().map(|s| s.as_str()).collect();
    let open_cases = Query::select()
        .expr(Expr::col((Entity, Column::Id)).count())
        .from(Entity)
        .and_where(Expr::col((Entity, Column::AssigneeId)).equals((user::Entity, user::Column::Id)))
        .and_where(Expr::col((Entity, Column::Status)).is_in(open))
        .to_owned();
    let last_assigned = Query::select()
        .expr(Expr::col((Entity, Column::AssignedAt)).max())
        .from(Entity)
        .and_where(Expr::col((Entity, Column::AssigneeId)).equals((user::Entity, user::Column::Id)))
        .to_owned();
    let rows: Vec<(Uuid, i64, Option<DateTime<Utc>>)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .expr_as(Expr::SubQuery(None, Box::new(open_cases.into())), "open_cases")
        .expr_as(Expr::SubQuery(None, Box::new(last_assigned.into())), "last_assigned_at")
        .filter(user::Column::TeamId.eq(team_id))
        .filter(user::Column::Active.eq(true))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(user_id, open_cases, last_assigned_at)| Candidate {
            user_id,
            open_cases,
            last_assigned_at,
        })
        .collect())
}

/// The ids of up to `limit` cases with an SLA alert due by `now`, earliest first, locked for the
/// escalation job; on PostgreSQL rows another instance holds are skipped, not waited for.
pub async fn due_for_escalation(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Case>, StoreError> {
    let select = Entity::find()
        .filter(Column::SlaNextAlertAt.lte(now))
        .order_by_asc(Column::SlaNextAlertAt)
        .order_by_asc(Column::Id)
        .limit(limit);
    table::all::<Cases>(conn, table::skip_locked(conn, select)).await
}

/// Sets when the next SLA alert of case `id` is due, without a new version: the instant is
/// derived from the clock, not part of the record (for a row whose stored instant the clock no
/// longer gives, such as one written by an older server).
pub async fn set_next_alert_at(
    conn: &impl ConnectionTrait,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    Entity::update_many()
        .col_expr(Column::SlaNextAlertAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Up to `limit` resolved cases whose reopen window ended by `now`, locked for the job that
/// closes them (as [`due_for_escalation`]).
pub async fn past_reopen_window(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Case>, StoreError> {
    let select = Entity::find()
        .filter(Column::Status.eq(CaseStatus::Resolved.as_str()))
        .filter(Column::ReopenUntil.lte(now))
        .order_by_asc(Column::ReopenUntil)
        .order_by_asc(Column::Id)
        .limit(limit);
    table::all::<Cases>(conn, table::skip_locked(conn, select)).await
}

fn to_active_model(c: &Case) -> ActiveModel {
    let f = &c.fields;
    let sla = c.sla.as_ref();
    let (first_response_due_at, resolution_due_at) = sla.map(CaseSla::due_times).unwrap_or_default();
    ActiveModel {
        id: Set(c.id),
        number: Set(c.number.clone()),
        subject: Set(f.subject.clone()),
        description: Set(f.description.clone()),
        party_id: Set(f.party_id),
        contact_id: Set(f.contact_id),
        product_id: Set(f.product_id),
        sales_order_id: Set(f.sales_order_id),
        invoice_id: Set(f.invoice_id),
        priority: Set(f.priority.as_str().to_owned()),
        channel: Set(f.channel.as_str().to_owned()),
        team_id: Set(f.team_id),
        assignee_id: Set(f.assignee_id),
        assigned_at: Set(c.assigned_at),
        external_id: Set(f.external_id.clone()),
        status: Set(c.state.status.as_str().to_owned()),
        first_response_at: Set(c.state.first_response_at),
        resolved_at: Set(c.state.resolved_at),
        reopen_until: Set(c.state.reopen_until),
        closed_at: Set(c.state.closed_at),
        sla_policy_id: Set(sla.map(|s| s.policy_id)),
        sla: Set(sla.map(sla_json::to_text)),
        first_response_due_at: Set(first_response_due_at),
        resolution_due_at: Set(resolution_due_at),
        sla_at_risk_at: Set(sla.and_then(CaseSla::at_risk_at)),
        sla_breach_at: Set(sla.and_then(CaseSla::breach_at)),
        sla_breached: Set(sla.is_some_and(CaseSla::has_breached)),
        sla_next_alert_at: Set(sla.and_then(CaseSla::next_alert_at)),
        search_text: Set(format!("{} {}", c.number, f.subject).to_lowercase()),
        version: Set(c.version),
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
    }
}

fn to_case(m: Model) -> Result<Case, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let sla = match (m.sla_policy_id, m.sla.as_deref()) {
        (Some(policy_id), Some(text)) => Some(sla_json::from_text(policy_id, text).map_err(corrupt)?),
        _ => None,
    };
    Ok(Case {
        id: m.id,
        number: m.number,
        fields: CaseFields {
            subject: m.subject,
            description: m.description,
            party_id: m.party_id,
            contact_id: m.contact_id,
            product_id: m.product_id,
            sales_order_id: m.sales_order_id,
            invoice_id: m.invoice_id,
            priority: CasePriority::parse(&m.priority).ok_or_else(|| corrupt("priority"))?,
            channel: Channel::parse(&m.channel).ok_or_else(|| corrupt("channel"))?,
            team_id: m.team_id,
            assignee_id: m.assignee_id,
            external_id: m.external_id,
        },
        state: CaseState {
            status: CaseStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
            first_response_at: m.first_response_at,
            resolved_at: m.resolved_at,
            reopen_until: m.reopen_until,
            closed_at: m.closed_at,
        },
        assigned_at: m.assigned_at,
        sla,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
