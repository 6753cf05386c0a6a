//! The rows the cases report is computed from: a narrow select of the cases the caller sees
//! (as the case list scopes them), streamed into the report's accumulator.

use chrono::{DateTime, Utc};
use domain::case::{CasePriority, CaseStatus};
use domain::report::Window;
use domain::report::cases::CaseEntry;
use futures::TryStreamExt;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, StreamTrait};
use uuid::Uuid;

use crate::cases::{Cases, start_of};
use crate::entities::case::{Column, Entity};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::table::Table;
use crate::visibility::Visibility;

/// The cases the report is narrowed to.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseReportFilter {
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub priority: Option<CasePriority>,
}

/// Every case the caller sees that the report may count in `window`, handed to `each` one at a
/// time: created by the window's end and not resolved before its start, and if cancelled, created
/// in it (the others count nowhere in the window: a cancelled case counts only as opened). Whether
/// its SLA was breached is judged at `now`, as the case list's `breached` filter judges it.
pub async fn case_entries<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    visibility: Visibility,
    window: Window,
    filter: CaseReportFilter,
    now: DateTime<Utc>,
    mut each: impl FnMut(CaseEntry),
) -> Result<(), StoreError> {
    type Row = (
        Option<Uuid>,
        Option<Uuid>,
        String,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<Uuid>,
        bool,
        Option<DateTime<Utc>>,
    );
    let (start, end) = (
        start_of(window.from),
        start_of(window.to.succ_opt().unwrap_or(window.to)),
    );
    let condition = Filter::new(Cases::scope(visibility))
        .eq(Column::TeamId, filter.team_id)
        .eq(Column::AssigneeId, filter.assignee_id)
        .when(filter.priority, |priority| Column::Priority.eq(priority.as_str()))
        .condition()
        .add(Column::CreatedAt.lt(end))
        .add(
            Condition::any()
                .add(Column::ResolvedAt.is_null())
                .add(Column::ResolvedAt.gte(start)),
        )
        .add(
            Condition::any()
                .add(Column::Status.ne(CaseStatus::Cancelled.as_str()))
                .add(Column::CreatedAt.gte(start)),
        );
    let mut rows = Entity::find()
        .select_only()
        .columns([
            Column::TeamId,
            Column::AssigneeId,
            Column::Priority,
            Column::Status,
            Column::CreatedAt,
            Column::FirstResponseAt,
            Column::ResolvedAt,
            Column::SlaPolicyId,
            Column::SlaBreached,
            Column::SlaBreachAt,
        ])
        .filter(condition)
        .into_tuple::<Row>()
        .stream(conn)
        .await?;
    while let Some(row) = rows.try_next().await? {
        let (
            team_id,
            assignee_id,
            priority,
            status,
            created_at,
            first_response_at,
            resolved_at,
            policy,
            breached,
            breach_at,
        ) = row;
        let corrupt = |what: &str| StoreError::corrupt("cases", format!("{what} of a case created {created_at}"));
        each(CaseEntry {
            team_id,
            assignee_id,
            priority: CasePriority::parse(&priority).ok_or_else(|| corrupt("priority"))?,
            status: CaseStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
            created_at,
            first_response_at,
            resolved_at,
            // The rule of `cases::breached_by`: a breach raised or a target met late, or a
            // running target past its due time.
            sla_breached: policy.map(|_| breached || breach_at.is_some_and(|at| at <= now)),
        });
    }
    Ok(())
}
