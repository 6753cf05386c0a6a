//! Sales targets for 2026: per sales user and month, won amounts in EUR near what the seeded
//! business wins in a month; per team and month, the sum of its members' targets.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use domain::report::calendar::Calendar;
use domain::resource::ResourceType;
use domain::sales_target::{SalesTarget, SalesTargetInput, TargetMetric};
use persistence::DatabaseConnection;
use rand::Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::catalogue::People;
use super::ids::{self, Kind};
use super::journal::Journal;
use super::{Profile, Summary};

/// The year the targets are set for.
const YEAR: i32 = 2026;
/// The mean amount of a seeded opportunity, in EUR (`sales::opportunity` draws 1,000 to 100,000).
const MEAN_DEAL: i64 = 50_500;

pub async fn write(
    db: &DatabaseConnection,
    profile: &Profile,
    people: &People,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let admin = Some(people.admin);
    // Set in the middle of December, for the year to come.
    let at = Utc
        .with_ymd_and_hms(YEAR - 1, 12, 15, 9, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("a valid instant"))?;
    let monthly = monthly_per_user(profile);
    let team_ids = &people.teams;
    let mut targets = Vec::new();
    for month in 1..=12 {
        let mut of_teams = vec![Decimal::ZERO; team_ids.len()];
        for (k, user) in (0..).zip(&people.sales) {
            let index = k * 12 + u64::from(month - 1);
            let mut rng = ids::rng(Kind::SalesTarget, index);
            // 80 % to 130 % of the mean, in whole thousands.
            let amount = Decimal::from(monthly * rng.random_range(80..=130) / 100 / 1_000 * 1_000);
            if let Some(sum) = of_teams.get_mut(ids::size(k % profile.teams.max(1))) {
                *sum += amount;
            }
            targets.push(target(index, Some(*user), None, month, amount, at)?);
        }
        for ((t, team), amount) in (0..).zip(team_ids).zip(of_teams) {
            let index = (profile.sales_users + t) * 12 + u64::from(month - 1);
            targets.push(target(index, None, Some(*team), month, amount, at)?);
        }
    }
    let mut journal = Journal::default();
    for target in &targets {
        let form = crate::sales_targets::record(target);
        journal.created(admin, ResourceType::SalesTarget, target.id, at, form);
    }
    journal
        .commit(db, async |txn| {
            persistence::sales_targets::insert_many(txn, &targets).await
        })
        .await?;
    summary.counts.push(("sales targets", targets.len() as u64));
    Ok(())
}

/// What a sales user wins in a month on average, in EUR: every sales order is a won opportunity,
/// and they are spread over the seeded time.
fn monthly_per_user(profile: &Profile) -> i64 {
    let months = ((ids::today() - ids::first_day()).num_days() / 30).max(1);
    let deals = ids::signed(profile.sales_orders) * MEAN_DEAL;
    deals / months / ids::signed(profile.sales_users.max(1))
}

fn target(
    index: u64,
    user_id: Option<Uuid>,
    team_id: Option<Uuid>,
    month: u32,
    amount: Decimal,
    at: DateTime<Utc>,
) -> anyhow::Result<SalesTarget> {
    let fields = SalesTargetInput {
        user_id,
        team_id,
        period: Calendar::Month,
        period_start: NaiveDate::from_ymd_opt(YEAR, month, 1).ok_or_else(|| anyhow::anyhow!("a valid month"))?,
        metric: TargetMetric::WonAmount,
        target: amount,
        currency: Some("EUR".to_owned()),
    }
    .validate()?;
    Ok(SalesTarget {
        id: ids::id(Kind::SalesTarget, index, at),
        fields,
        version: 1,
        created_at: at,
        updated_at: at,
    })
}
