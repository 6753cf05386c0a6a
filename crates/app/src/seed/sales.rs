//! Opportunities (open, won with an accepted offer, or lost) and activities around them.

use chrono::Duration;
use domain::activity::{
    Activity, ActivityAction, ActivityInput, ActivityKind, ActivityState, ActivityStatus, Outcome, Priority,
};
use domain::event::Change;
use domain::opportunity::{Opportunity, OpportunityInput, OpportunityStatus};
use domain::resource::ResourceType;
use persistence::DatabaseConnection;
use rand::Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::catalogue::People;
use super::ids::{self, Kind};
use super::journal::Journal;
use super::parties;
use super::plan::Plan;
use super::{Profile, Summary, ruled};

/// Records per transaction.
const BATCH: u64 = 5_000;
/// Opportunities open this long without an offer are lost (every other one).
const STALE_DAYS: i64 = 90;

pub async fn write(
    db: &DatabaseConnection,
    profile: &Profile,
    people: &People,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let plan = Plan::of(profile);
    for start in (0..profile.opportunities).step_by(ids::size(BATCH)) {
        let mut journal = Journal::default();
        let (mut rows, mut closed_rows) = (Vec::new(), Vec::new());
        for k in start..(start + BATCH).min(profile.opportunities) {
            let (open, closed) = opportunity(profile, people, &plan, k)?;
            journal.created(
                open.fields.owner_id,
                ResourceType::Opportunity,
                open.id,
                open.created_at,
                crate::opportunities::record(&open),
            );
            match closed {
                Some(closed) => {
                    let forms = (
                        crate::opportunities::record(&open),
                        crate::opportunities::record(&closed),
                    );
                    let change = Change::Reached(closed.status.as_str());
                    journal.changed(
                        closed.fields.owner_id,
                        ResourceType::Opportunity,
                        closed.id,
                        change,
                        closed.updated_at,
                        forms,
                    );
                    closed_rows.push((open, closed));
                }
                None => rows.push(open),
            }
        }
        journal
            .commit(db, async |txn| {
                persistence::opportunities::insert_many(txn, &rows).await?;
                persistence::opportunities::insert_imported(txn, &closed_rows).await
            })
            .await?;
    }
    for start in (0..profile.activities).step_by(ids::size(BATCH)) {
        let mut journal = Journal::default();
        let mut rows = Vec::new();
        for a in start..(start + BATCH).min(profile.activities) {
            let (planned, done) = activity(profile, people, &plan, a)?;
            let actor = planned.fields.assignee_id;
            let form = crate::activities::record(&planned);
            journal.created(
                actor,
                ResourceType::Activity,
                planned.id,
                planned.created_at,
                form.clone(),
            );
            match done {
                Some(done) => {
                    let forms = (form, crate::activities::record(&done));
                    journal.changed(
                        actor,
                        ResourceType::Activity,
                        done.id,
                        Change::Reached("completed"),
                        done.updated_at,
                        forms,
                    );
                    rows.push(done);
                }
                None => rows.push(planned),
            }
        }
        journal
            .commit(db, async |txn| persistence::activities::insert_many(txn, &rows).await)
            .await?;
    }
    summary.counts.push(("opportunities", profile.opportunities));
    summary.counts.push(("activities", profile.activities));
    Ok(())
}

/// The organization opportunity `k` is for.
pub fn party_of(profile: &Profile, k: u64) -> u64 {
    let mut rng = ids::rng(Kind::Opportunity, k);
    ids::earlier(&mut rng, k, profile.opportunities, profile.organizations)
}

/// Opportunity `k` as it was created, and as it was closed, if it was: won when its offer was
/// accepted, lost when it went stale without one.
pub fn opportunity(
    profile: &Profile,
    people: &People,
    plan: &Plan,
    k: u64,
) -> anyhow::Result<(Opportunity, Option<Opportunity>)> {
    let organization = party_of(profile, k);
    let mut rng = ids::rng(Kind::Opportunity, k);
    let _ = ids::earlier(&mut rng, k, profile.opportunities, profile.organizations);
    let at = plan.opportunity_at(k);
    let stage = ids::nth(&people.open_stages, k);
    let owner = people.owner_of(organization);
    let party = parties::organization(profile, people, organization)?;
    let fields = OpportunityInput {
        title: format!(
            "{} for {}",
            *ids::nth(&["Rollout", "Renewal", "Upgrade", "Pilot"], k),
            party.fields.name
        ),
        party_id: party.id,
        contact_id: Some(parties::contact_id(profile, organization, 0)),
        owner_id: Some(owner),
        stage_id: Some(stage.id),
        amount: Some(Decimal::new(rng.random_range(100_000..10_000_000), 2)),
        currency: Some("EUR".to_owned()),
        probability: None,
        expected_close_date: Some((at + Duration::days(rng.random_range(30..120))).date_naive()),
        source: Some(ids::nth(&["web", "referral", "trade fair", "cold call"], k).to_string()),
        competitor_ids: Vec::new(),
        lost_reason: None,
    }
    .validate(Some(stage))?;
    let open = Opportunity {
        id: ids::id(Kind::Opportunity, k, at),
        fields,
        status: OpportunityStatus::Open,
        closed_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let closing = if let Some(accepted) = plan.offer_of(k).and_then(|o| plan.accepted_at(o)) {
        Some((&people.won, 100, None, OpportunityStatus::Won, accepted))
    } else if plan.offer_of(k).is_none() && k % 2 == 1 && at + Duration::days(STALE_DAYS) < Plan::last_instant() {
        Some((
            &people.lost,
            0,
            Some("no budget".to_owned()),
            OpportunityStatus::Lost,
            at + Duration::days(STALE_DAYS),
        ))
    } else {
        None
    };
    let closed = closing.map(|(stage, probability, lost_reason, status, closed_at)| {
        let mut closed = open.clone();
        closed.fields.stage_id = stage.id;
        closed.fields.probability = probability;
        closed.fields.lost_reason = lost_reason;
        closed.status = status;
        closed.closed_at = Some(closed_at);
        closed.version = 2;
        closed.updated_at = closed_at;
        closed
    });
    Ok((open, closed))
}

/// Activity `a`: a call, meeting, email or task with an organization and its first contact, every
/// third one about an opportunity of that organization; as planned, and as done when it is past.
fn activity(profile: &Profile, people: &People, plan: &Plan, a: u64) -> anyhow::Result<(Activity, Option<Activity>)> {
    let mut rng = ids::rng(Kind::Activity, a);
    let at = ids::spread(a, profile.activities);
    let (organization, opportunity_id) = if a.is_multiple_of(3) && profile.opportunities > 0 {
        let k = ids::earlier(&mut rng, a, profile.activities, profile.opportunities);
        (
            party_of(profile, k),
            Some(ids::id(Kind::Opportunity, k, plan.opportunity_at(k))),
        )
    } else {
        (
            ids::earlier(&mut rng, a, profile.activities, profile.organizations),
            None,
        )
    };
    let kind = *ids::nth(
        &[
            ActivityKind::Call,
            ActivityKind::Meeting,
            ActivityKind::Email,
            ActivityKind::Task,
        ],
        a,
    );
    let mut input = ActivityInput::new(kind, format!("{} #{}", kind.as_str(), a + 1));
    input.party_id = Some(ids::id(
        Kind::Organization,
        organization,
        ids::spread(organization, profile.organizations),
    ));
    input.contact_id = Some(parties::contact_id(profile, organization, 0));
    input.assignee_id = Some(people.owner_of(organization));
    input.priority = Some(*ids::nth(
        &[Priority::Low, Priority::Normal, Priority::Normal, Priority::High],
        a,
    ));
    input.opportunity_id = opportunity_id;
    if kind == ActivityKind::Task {
        input.due_at = Some(at + Duration::days(rng.random_range(1..14)));
    } else {
        input.starts_at = Some(at);
        input.ends_at = Some(at + Duration::minutes(30));
    }
    let fields = input.validate()?;
    let activity = Activity {
        id: ids::id(Kind::Activity, a, at),
        fields,
        state: ActivityState {
            status: ActivityStatus::Planned,
            outcome: None,
            completed_at: None,
        },
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let done_at = at + Duration::hours(1);
    if done_at >= Plan::last_instant() - Duration::days(7) {
        return Ok((activity, None));
    }
    let outcome = (kind == ActivityKind::Task).then_some(Outcome::Confirmed);
    let done = Activity {
        state: ruled(activity.act(ActivityAction::Complete, outcome, done_at))?,
        version: 2,
        updated_at: done_at,
        ..activity.clone()
    };
    Ok((activity, Some(done)))
}

/// The id opportunity `k` has.
pub fn opportunity_id(plan: &Plan, k: u64) -> Uuid {
    ids::id(Kind::Opportunity, k, plan.opportunity_at(k))
}
