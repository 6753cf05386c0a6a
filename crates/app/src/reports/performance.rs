//! `sales-performance`: per sales representative (or team) the deals won and lost in a window,
//! won amounts per currency, win rate, average days to win, completed activities, and their
//! sales targets whose period meets the window, each measured over its whole period.

use chrono::{DateTime, Utc};
use domain::currency::Currency;
use domain::report::Window;
use domain::report::performance::{PerformanceFigures, SalesPerformance, WonAmount};
use domain::sales_target::{MeasuredTarget, TargetSubject};
use persistence::{DatabaseConnection, db, performance, reports, sales_targets};
use uuid::Uuid;

use super::{DrillDown, Group};
use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use crate::sales_targets::{achievement, span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerformanceBy {
    Owner,
    Team,
}

#[derive(Debug, Clone, Copy)]
pub struct PerformanceQuery {
    pub window: Window,
    pub group_by: PerformanceBy,
    pub owner_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct PerformanceReport {
    pub as_of: DateTime<Utc>,
    pub query: PerformanceQuery,
    pub rows: Vec<PerformanceRow>,
    /// Won amounts per currency, in code order.
    pub totals: Vec<(Currency, WonAmount)>,
}

#[derive(Debug, Clone)]
pub struct PerformanceRow {
    pub group: Group,
    pub figures: PerformanceFigures,
    /// Per currency: what was won, and the won opportunities of that currency.
    pub won_amounts: Vec<(Currency, WonAmount, DrillDown)>,
    pub targets: Vec<MeasuredTarget>,
    /// The opportunities won or lost in the window: `won` + `lost` of them.
    pub drill_down: DrillDown,
    /// The activities completed in the window: `completed_activities` of them.
    pub activities_drill_down: DrillDown,
}

pub async fn sales_performance(
    db: &DatabaseConnection,
    caller: &Caller,
    query: PerformanceQuery,
) -> Result<PerformanceReport, AppError> {
    let txn = db::snapshot(db).await?;
    let as_of = now();
    let directory = reports::directory(&txn).await?;
    let owners: Option<Vec<Uuid>> = match (query.owner_id, query.team_id) {
        (None, None) => None,
        (owner, team) => Some(
            directory
                .users
                .iter()
                .filter(|(id, (_, user_team))| {
                    owner.is_none_or(|o| o == **id) && team.is_none_or(|t| Some(t) == *user_team)
                })
                .map(|(id, _)| *id)
                .collect(),
        ),
    };
    // The group a user's records count for; none: not shown (a team report leaves out users
    // without a team).
    let group_of = |user: Uuid| match query.group_by {
        PerformanceBy::Owner => Some(user),
        PerformanceBy::Team => directory.users.get(&user).and_then(|(_, team)| *team),
    };
    let visibility = caller.visibility();
    let span = span(query.window);
    let mut report = SalesPerformance::default();
    performance::closed_deals(&txn, visibility, span, owners.as_deref(), |owner, deal| {
        if let Some(group) = group_of(owner) {
            report.add_deal(group, &deal);
        }
    })
    .await?;
    for (assignee, count) in performance::completed_activities(&txn, visibility, span, owners.as_deref()).await? {
        if let Some(group) = group_of(assignee) {
            report.add_completed_activities(group, u64::try_from(count).unwrap_or_default());
        }
    }
    let of_teams = query.group_by == PerformanceBy::Team;
    let mut targets: Vec<MeasuredTarget> = Vec::new();
    for target in sales_targets::meeting(&txn, visibility, of_teams, query.window).await? {
        let group = match target.fields.subject {
            TargetSubject::User(id) | TargetSubject::Team(id) => id,
        };
        let wanted = match query.group_by {
            PerformanceBy::Owner => owners.as_ref().is_none_or(|owners| owners.contains(&group)),
            PerformanceBy::Team => query.team_id.is_none_or(|t| t == group) && query.owner_id.is_none(),
        };
        if wanted {
            report.include(group);
            let achievement = achievement(&txn, &target).await?;
            targets.push(MeasuredTarget { target, achievement });
        }
    }
    txn.commit().await?;
    let rows = report
        .rows
        .into_iter()
        .map(|(id, figures)| {
            let (label, filter) = match query.group_by {
                PerformanceBy::Owner => (directory.users.get(&id).map(|(name, _)| name.clone()), "owner_id"),
                PerformanceBy::Team => (directory.teams.get(&id).cloned(), "team_id"),
            };
            let deals = DrillDown::new("/api/v1/opportunities")
                .with(filter, id)
                .with("closed_from", query.window.from)
                .with("closed_to", query.window.to);
            let won_amounts = figures
                .won_amounts
                .iter()
                .map(|(currency, won)| {
                    let drill_down = deals
                        .clone()
                        .with("status", "won")
                        .with("currency", currency.code())
                        .with("has_amount", true);
                    (*currency, *won, drill_down)
                })
                .collect();
            let assignee = if filter == "owner_id" { "assignee_id" } else { "team_id" };
            let activities_drill_down = DrillDown::new("/api/v1/activities")
                .with(assignee, id)
                .with("status", "completed")
                .with("completed_from", query.window.from)
                .with("completed_to", query.window.to);
            PerformanceRow {
                group: Group {
                    key: id.to_string(),
                    label: label.unwrap_or_default(),
                },
                figures,
                won_amounts,
                targets: targets
                    .iter()
                    .filter(|t| matches!(t.target.fields.subject, TargetSubject::User(s) | TargetSubject::Team(s) if s == id))
                    .cloned()
                    .collect(),
                drill_down: deals,
                activities_drill_down,
            }
        })
        .collect();
    Ok(PerformanceReport {
        as_of,
        query,
        rows,
        totals: report.totals.into_iter().collect(),
    })
}
