//! Support cases of the organizations, under SLA policies for every priority but `low`: each
//! answered, maybe left waiting on the customer, resolved (a few reopened and resolved again) and
//! closed by the server once the reopen window passed; a few cancelled, a few never resolved. Each
//! case is moved by the domain's own actions, its SLA clock following, and the alerts the server's
//! case clock would have raised are raised at the instant they came due, so that a server started
//! on the seed finds nothing overdue from before the seed's today.

use chrono::{DateTime, Datelike, Duration, Utc};
use domain::case::calendar::{Calendar, CalendarInput};
use domain::case::message::{Direction, MessageFields, Visibility};
use domain::case::policy::{self, SlaPolicy, SlaPolicyInput};
use domain::case::{self, Case, CaseAction, CaseInput, CasePriority, CaseSla, CaseState, Channel};
use domain::event::Change;
use domain::resource::ResourceType;
use persistence::{DatabaseConnection, DatabaseTransaction};
use rand::Rng;
use rand::rngs::StdRng;
use uuid::Uuid;

use super::catalogue::People;
use super::ids::{self, Kind};
use super::journal::Journal;
use super::plan::{Numbers, Plan};
use super::{Profile, Summary, parties, ruled};
use crate::cases::{DEFAULT_REOPEN_DAYS, record};

/// Cases per transaction: fewer than the other kinds' 5,000, as a case brings some five history
/// entries with its forms before and after, held until the batch is written (5,000 cases took
/// about 350 MB).
const BATCH: u64 = 2_000;

const SUBJECTS: [&str; 8] = [
    "Cannot sign in",
    "Question about an invoice",
    "Delivery is late",
    "Product arrived damaged",
    "Export fails",
    "Change of address",
    "Wrong quantity delivered",
    "Training request",
];

/// How cases come in: email most often.
const CHANNELS: [Channel; 5] = [
    Channel::Email,
    Channel::Email,
    Channel::Phone,
    Channel::Portal,
    Channel::Web,
];

/// What the generator of every case shares: the policies, the calendar of the cases without one,
/// the first response, the teams and their members.
struct Service {
    policies: Vec<SlaPolicy>,
    office: Calendar,
    answer: MessageFields,
    /// Per team: its id and its sales users (`People::sales` are in teams round robin).
    teams: Vec<(Uuid, Vec<Uuid>)>,
}

pub async fn write(
    db: &DatabaseConnection,
    profile: &Profile,
    people: &People,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let service = service(profile, people)?;
    let admin = Some(people.admin);
    let mut journal = Journal::default();
    for policy in &service.policies {
        let form = crate::sla_policies::record(policy);
        journal.created(admin, ResourceType::SlaPolicy, policy.id, policy.created_at, form);
    }
    let insert = async |txn: &DatabaseTransaction| {
        for policy in &service.policies {
            persistence::sla_policies::insert(txn, policy).await?;
        }
        Ok(())
    };
    journal.commit(db, insert).await?;
    let mut numbers = Numbers::default();
    for start in (0..profile.cases).step_by(ids::size(BATCH)) {
        let mut journal = Journal::default();
        let rows = (start..(start + BATCH).min(profile.cases))
            .map(|c| case(profile, people, &service, c, &mut numbers, &mut journal))
            .collect::<anyhow::Result<Vec<_>>>()?;
        journal
            .commit(db, async |txn| persistence::cases::insert_many(txn, &rows).await)
            .await?;
    }
    let txn = persistence::db::begin(db).await?;
    for (series, year, last) in numbers.last() {
        persistence::numbers::raise_to(&txn, series, year, last).await?;
    }
    txn.commit().await?;
    summary.counts.extend([
        ("SLA policies", service.policies.len() as u64),
        ("cases", profile.cases),
    ]);
    Ok(())
}

fn service(profile: &Profile, people: &People) -> anyhow::Result<Service> {
    let office = CalendarInput {
        time_zone: "Europe/Berlin".to_owned(),
        working_days: vec![1, 2, 3, 4, 5],
        start: "09:00".to_owned(),
        end: "17:00".to_owned(),
        // Berlin's public holidays of the seeded years.
        holidays: [
            "2025-01-01",
            "2025-03-08",
            "2025-04-18",
            "2025-04-21",
            "2025-05-01",
            "2025-05-29",
            "2025-06-09",
            "2025-10-03",
            "2025-12-25",
            "2025-12-26",
            "2026-01-01",
            "2026-03-08",
            "2026-04-03",
            "2026-04-06",
            "2026-05-01",
            "2026-05-14",
            "2026-05-25",
            "2026-10-03",
            "2026-12-25",
            "2026-12-26",
        ]
        .map(str::to_owned)
        .to_vec(),
    };
    let at = ids::spread(0, 1);
    // Working minutes to the first response and to the resolution. The public sector's high cases
    // have their own, tighter policy (more specific than the one for every party).
    let targets = [
        ("Normal cases", CasePriority::Normal, None, 240, 2_400),
        ("High cases", CasePriority::High, None, 60, 960),
        ("High cases, public sector", CasePriority::High, Some("public"), 30, 720),
        ("Urgent cases", CasePriority::Urgent, None, 30, 480),
    ];
    let policies = (0..)
        .zip(targets)
        .map(|(k, (name, priority, group, first_response, resolution))| {
            let fields = SlaPolicyInput {
                name: name.to_owned(),
                priority,
                customer_group: group.map(str::to_owned),
                first_response_minutes: first_response,
                resolution_minutes: resolution,
                calendar: office.clone(),
            }
            .validate()?;
            Ok(SlaPolicy {
                id: ids::id(Kind::SlaPolicy, k, at),
                fields,
                version: 1,
                created_at: at,
                updated_at: at,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let teams = (0..)
        .zip(&people.teams)
        .map(|(t, team)| {
            let members = (0..)
                .zip(&people.sales)
                .filter(|(k, _)| k % profile.teams == t)
                .map(|(_, user)| *user)
                .collect();
            (*team, members)
        })
        .collect();
    Ok(Service {
        policies,
        office: office.validate()?,
        answer: case::message::validate("Thank you, we are on it.", Visibility::Public, Direction::Outbound)?,
        teams,
    })
}

/// What happens to a case, in order.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// The first public answer (which opens the case).
    Answer,
    Act(CaseAction),
}

/// Case `c` as it stands at the seed's today, its changes recorded in `journal`.
fn case(
    profile: &Profile,
    people: &People,
    service: &Service,
    c: u64,
    numbers: &mut Numbers,
    journal: &mut Journal,
) -> anyhow::Result<Case> {
    let mut rng = ids::rng(Kind::Case, c);
    let at = ids::spread(c, profile.cases);
    let organization = ids::earlier(&mut rng, c, profile.cases, profile.organizations);
    let party = parties::organization(profile, people, organization)?;
    let priority = match rng.random_range(0..100) {
        0..20 => CasePriority::Low,
        20..70 => CasePriority::Normal,
        70..92 => CasePriority::High,
        _ => CasePriority::Urgent,
    };
    // Most cases go to the team of the party's owner and one of its members (the server assigns
    // one in a team: the least loaded, which a random member stands in for); a few reach no team,
    // and stay unassigned.
    let owner = people.owner_of(organization);
    let team = (!service.teams.is_empty() && rng.random_bool(0.9))
        .then(|| ids::nth(&service.teams, organization % profile.sales_users.max(1)));
    let assignee =
        team.and_then(|(_, members)| (!members.is_empty()).then(|| members[rng.random_range(0..members.len())]));
    let product = (!people.products.is_empty() && rng.random_bool(0.3))
        .then(|| people.products[rng.random_range(0..people.products.len())].id);
    let mut input = CaseInput::new(format!("{} (#{})", ids::nth(&SUBJECTS, c), c + 1), party.id);
    input.contact_id = (profile.contacts_per_organization > 0)
        .then(|| parties::contact_id(profile, organization, c % profile.contacts_per_organization));
    input.product_id = product;
    input.priority = Some(priority);
    input.channel = Some(*ids::nth(&CHANNELS, c));
    input.team_id = team.map(|(id, _)| *id);
    input.assignee_id = assignee;
    let fields = input.validate()?;
    let policy = policy::most_specific(&service.policies, priority, party.fields.customer_group.as_deref());
    let mut case = Case {
        id: ids::id(Kind::Case, c, at),
        number: case::number(at.year(), numbers.next(case::SERIES, at.year())),
        fields,
        state: CaseState::NEW,
        assigned_at: assignee.map(|_| at),
        sla: policy.map(|policy| CaseSla::start(policy, at)),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let actor = Some(assignee.unwrap_or(owner));
    journal.created(actor, ResourceType::Case, case.id, at, record(&case));
    let calendar = policy.map_or(&service.office, |p| &p.fields.calendar);
    // The cases without a policy are worked as if they had a slow one.
    let (respond, resolve) = policy.map_or((480, 4_800), |p| {
        (p.fields.first_response_minutes, p.fields.resolution_minutes)
    });
    for (when, step) in steps(&mut rng, calendar, at, respond, resolve) {
        if when > Plan::last_instant() {
            break;
        }
        case = raise_alerts(case, when, journal);
        let (next, by) = match step {
            Step::Answer => (case.after_message(&service.answer, when), actor),
            // The server closes a resolved case once its reopen window has passed.
            Step::Act(CaseAction::Close) => (ruled(case.act(CaseAction::Close, when, 0))?, None),
            Step::Act(action) => (ruled(case.act(action, when, DEFAULT_REOPEN_DAYS))?, actor),
        };
        case = changed(journal, by, &case, next, when);
    }
    Ok(raise_alerts(case, Plan::last_instant(), journal))
}

/// The life of a case created `at`, whose targets are `respond` and `resolve` working minutes of
/// `calendar`: each step at its instant, in order, however far past the seed's today.
fn steps(
    rng: &mut StdRng,
    calendar: &Calendar,
    at: DateTime<Utc>,
    respond: i64,
    resolve: i64,
) -> Vec<(DateTime<Utc>, Step)> {
    let fate = rng.random_range(0..100);
    if fate < 3 {
        // A duplicate or a mistake, cancelled before anyone answered.
        return vec![(
            at + Duration::hours(rng.random_range(1..48)),
            Step::Act(CaseAction::Cancel),
        )];
    }
    // Stuck: answered, and never resolved (some left waiting on the customer).
    let stuck = fate < 6;
    let answered = calendar.add_working_time(at, share(rng, respond));
    let mut steps = vec![(answered, Step::Answer)];
    // The resolution clock runs until the case waits on the customer, and again once they answer.
    let (mut ran_until, mut resumed) = (answered, answered);
    if rng.random_bool(0.3) {
        let waiting = calendar.add_working_time(answered, Duration::minutes(rng.random_range(15..240)));
        steps.push((waiting, Step::Act(CaseAction::Wait)));
        if stuck {
            return steps;
        }
        resumed = waiting + Duration::hours(rng.random_range(4..120));
        steps.push((resumed, Step::Act(CaseAction::Resume)));
        ran_until = waiting;
    } else if stuck {
        return steps;
    }
    let used = calendar.working_time(at, ran_until);
    let rest = (share(rng, resolve) - used).max(Duration::minutes(30));
    let mut resolved = calendar.add_working_time(resumed, rest);
    steps.push((resolved, Step::Act(CaseAction::Resolve)));
    if fate >= 96 {
        // The fix did not hold: reopened within the window, resolved again.
        let reopened = resolved + Duration::hours(rng.random_range(24..240));
        resolved = calendar.add_working_time(reopened, Duration::minutes(rng.random_range(60..960)));
        steps.push((reopened, Step::Act(CaseAction::Reopen)));
        steps.push((resolved, Step::Act(CaseAction::Resolve)));
    }
    steps.push((
        resolved + Duration::days(DEFAULT_REOPEN_DAYS),
        Step::Act(CaseAction::Close),
    ));
    steps
}

/// A share of a target of `minutes`: most cases well within it, one in ten late.
fn share(rng: &mut StdRng, minutes: i64) -> Duration {
    let percent = if rng.random_bool(0.1) {
        rng.random_range(101..250)
    } else {
        rng.random_range(5..100)
    };
    Duration::minutes((minutes * percent / 100).max(1))
}

/// `next`, the change of `case` by `actor` at `at`, as its next version, recorded.
fn changed(journal: &mut Journal, actor: Option<Uuid>, case: &Case, next: Case, at: DateTime<Utc>) -> Case {
    let next = Case {
        version: case.version + 1,
        updated_at: at,
        ..next
    };
    let change = Change::of_status(case.state.status, next.state.status);
    journal.changed(
        actor,
        ResourceType::Case,
        next.id,
        change,
        at,
        (record(case), record(&next)),
    );
    next
}

/// `case` with the SLA alerts that came due by `by` raised as the server's case clock raises
/// them: by no one, each with its history entry, one version per instant they came due at.
fn raise_alerts(mut case: Case, by: DateTime<Utc>, journal: &mut Journal) -> Case {
    while let Some(sla) = &case.sla
        && let Some(due) = sla.next_alert_at().filter(|due| *due <= by)
    {
        let alerts = sla.due_alerts(due);
        if alerts.is_empty() {
            break;
        }
        // Never before the last change: an instant the clock gives is not earlier, but a version
        // must not go back in time.
        let at = due.max(case.updated_at);
        let mut next = Case {
            version: case.version + 1,
            updated_at: at,
            ..case.clone()
        };
        let mut before = record(&case);
        for alert in alerts {
            if let Some(sla) = &mut next.sla {
                sla.alerts.insert(alert);
            }
            let after = record(&next);
            let change = Change::Reached(alert.kind.as_str());
            journal.changed(None, ResourceType::Case, case.id, change, at, (before, after.clone()));
            before = after;
        }
        case = next;
    }
    case
}
