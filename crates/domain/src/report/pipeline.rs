//! The pipeline: open opportunities by stage, owner, team or expected close month, per currency:
//! how many, their amounts and their amounts weighted by probability. As it stands now, or as it
//! stood at an instant in the past: the state each opportunity was in then ([`super::states`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use super::calendar::{Calendar, Period};
use crate::currency::Currency;
use crate::money::{percent_of, round_to_minor};
use crate::opportunity::{Opportunity, OpportunityStatus};

/// An opportunity as the pipeline sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deal {
    pub id: Uuid,
    pub stage_id: Uuid,
    pub owner_id: Option<Uuid>,
    pub status: OpportunityStatus,
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
}

impl Deal {
    pub fn of(opportunity: &Opportunity) -> Deal {
        let f = &opportunity.fields;
        Deal {
            id: opportunity.id,
            stage_id: f.stage_id,
            owner_id: f.owner_id,
            status: opportunity.status,
            amount: f.amount,
            currency: f.currency,
            probability: f.probability,
            expected_close_date: f.expected_close_date,
        }
    }

    /// The amount weighted by the probability, rounded to the currency's minor unit: the same
    /// rule as `Opportunity::weighted_amount`.
    pub fn weighted(&self) -> Option<Decimal> {
        let (amount, currency) = (self.amount?, self.currency?);
        Some(round_to_minor(
            percent_of(amount, Decimal::from(self.probability)),
            currency,
        ))
    }

    /// Puts back the value `field` had before a recorded change (`from` of a history entry, in
    /// the opportunity's record form). Fields the pipeline does not read are left alone; a value
    /// that is not of its field's form is an error naming the field.
    pub fn undo(&mut self, field: &str, from: &Value) -> Result<(), String> {
        let wrong = || format!("the recorded {field} {from} is not one");
        let text = from.as_str();
        match field {
            "stage_id" => self.stage_id = text.and_then(|t| t.parse().ok()).ok_or_else(wrong)?,
            "owner_id" => self.owner_id = optional(from, |t| t.parse().ok()).map_err(|NotItsForm| wrong())?,
            "status" => self.status = text.and_then(OpportunityStatus::parse).ok_or_else(wrong)?,
            "amount" => self.amount = optional(from, |t| t.parse().ok()).map_err(|NotItsForm| wrong())?,
            "currency" => self.currency = optional(from, |t| Currency::parse(t).ok()).map_err(|NotItsForm| wrong())?,
            "probability" => {
                let percent: Decimal = text.and_then(|t| t.parse().ok()).ok_or_else(wrong)?;
                self.probability = i32::try_from(percent.trunc().mantissa()).map_err(|_| wrong())?;
            }
            "expected_close_date" => {
                self.expected_close_date = optional(from, |t| t.parse().ok()).map_err(|NotItsForm| wrong())?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// `null` as `None`, a string `parse` takes as `Some(_)`; anything else is not of the field's form.
fn optional<T>(value: &Value, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, NotItsForm> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => parse(text).map(Some).ok_or(NotItsForm),
        _ => Err(NotItsForm),
    }
}

/// A recorded value that is not of its field's form.
struct NotItsForm;

/// What the pipeline is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineGroup {
    Stage,
    Owner,
    Team,
    CloseMonth,
}

/// A group: a stage, an owner or team (or none), a close month (or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PipelineKey {
    Stage(Uuid),
    Owner(Option<Uuid>),
    Team(Option<Uuid>),
    CloseMonth(Option<Period>),
}

/// A group's open opportunities in one currency (or without an amount: currency none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PipelineFigures {
    pub count: u64,
    pub amount: Decimal,
    pub weighted: Decimal,
}

impl PipelineFigures {
    fn add(&mut self, deal: &Deal) {
        self.count += 1;
        self.amount += deal.amount.unwrap_or_default();
        self.weighted += deal.weighted().unwrap_or_default();
    }
}

/// The pipeline being summed up, deal by deal.
#[derive(Debug, Clone)]
pub struct Pipeline {
    group: PipelineGroup,
    pub rows: BTreeMap<(PipelineKey, Option<Currency>), PipelineFigures>,
    pub totals: BTreeMap<Option<Currency>, PipelineFigures>,
}

impl Pipeline {
    pub fn new(group: PipelineGroup) -> Self {
        Pipeline {
            group,
            rows: BTreeMap::new(),
            totals: BTreeMap::new(),
        }
    }

    /// Counts `deal` if it is open; `team_of` names an owner's team.
    pub fn add(&mut self, deal: &Deal, team_of: impl Fn(Uuid) -> Option<Uuid>) {
        if deal.status != OpportunityStatus::Open {
            return;
        }
        let key = match self.group {
            PipelineGroup::Stage => PipelineKey::Stage(deal.stage_id),
            PipelineGroup::Owner => PipelineKey::Owner(deal.owner_id),
            PipelineGroup::Team => PipelineKey::Team(deal.owner_id.and_then(team_of)),
            PipelineGroup::CloseMonth => {
                PipelineKey::CloseMonth(deal.expected_close_date.map(|day| Calendar::Month.period_of(day)))
            }
        };
        // Without an amount, a deal counts but has no currency to be summed in.
        let currency = deal.amount.and(deal.currency);
        self.rows.entry((key, currency)).or_default().add(deal);
        self.totals.entry(currency).or_default().add(deal);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::fixtures::{cur, d, day};

    fn deal(stage: u128, amount: Option<&str>, probability: i32, close: Option<&str>) -> Deal {
        Deal {
            id: Uuid::from_u128(stage * 100 + u128::from(probability.unsigned_abs())),
            stage_id: Uuid::from_u128(stage),
            owner_id: Some(Uuid::from_u128(7)),
            status: OpportunityStatus::Open,
            amount: amount.map(d),
            currency: amount.map(|_| cur("EUR")),
            probability,
            expected_close_date: close.map(day),
        }
    }

    #[test]
    fn open_deals_are_counted_with_their_weighted_amounts_and_closed_ones_are_not() {
        let mut by_stage = Pipeline::new(PipelineGroup::Stage);
        let mut won = deal(1, Some("500.00"), 100, None);
        won.status = OpportunityStatus::Won;
        for deal in [
            deal(1, Some("1000.00"), 10, None),
            deal(1, Some("333.33"), 25, None),
            deal(2, None, 50, None),
            won,
        ] {
            by_stage.add(&deal, |_| None);
        }
        let first = &by_stage.rows[&(PipelineKey::Stage(Uuid::from_u128(1)), Some(cur("EUR")))];
        // 1000.00 × 10 % = 100.00; 333.33 × 25 % = 83.3325 → 83.33.
        assert_eq!(
            (first.count, first.amount, first.weighted),
            (2, d("1333.33"), d("183.33"))
        );
        let without_amount = &by_stage.rows[&(PipelineKey::Stage(Uuid::from_u128(2)), None)];
        assert_eq!((without_amount.count, without_amount.amount), (1, Decimal::ZERO));
        assert_eq!(by_stage.totals[&Some(cur("EUR"))].count, 2);
    }

    #[test]
    fn deals_group_by_close_month_and_by_the_team_of_their_owner() {
        let mut by_month = Pipeline::new(PipelineGroup::CloseMonth);
        let mut by_team = Pipeline::new(PipelineGroup::Team);
        let team = Uuid::from_u128(99);
        for deal in [
            deal(1, Some("1.00"), 10, Some("2026-03-31")),
            deal(1, Some("2.00"), 20, None),
        ] {
            by_month.add(&deal, |_| Some(team));
            by_team.add(&deal, |_| Some(team));
        }
        let march = PipelineKey::CloseMonth(Some(Calendar::Month.period_of(day("2026-03-01"))));
        assert_eq!(by_month.rows[&(march, Some(cur("EUR")))].amount, d("1.00"));
        assert_eq!(
            by_month.rows[&(PipelineKey::CloseMonth(None), Some(cur("EUR")))].amount,
            d("2.00")
        );
        assert_eq!(
            by_team.rows[&(PipelineKey::Team(Some(team)), Some(cur("EUR")))].count,
            2
        );
    }

    #[test]
    fn undoing_recorded_changes_puts_back_the_values_before_them() {
        let mut now = deal(2, Some("900.00"), 60, Some("2026-05-31"));
        now.status = OpportunityStatus::Won;
        let changes = [
            ("status", json!("open")),
            ("stage_id", json!(Uuid::from_u128(1).to_string())),
            ("amount", json!("750.50")),
            ("probability", json!("20")),
            ("expected_close_date", json!(null)),
            ("owner_id", json!(null)),
            ("currency", json!("USD")),
            ("title", json!("not read")),
        ];
        for (field, from) in &changes {
            now.undo(field, from).unwrap();
        }
        assert_eq!(now.status, OpportunityStatus::Open);
        assert_eq!(now.stage_id, Uuid::from_u128(1));
        assert_eq!((now.amount, now.currency), (Some(d("750.50")), Some(cur("USD"))));
        assert_eq!(
            (now.probability, now.expected_close_date, now.owner_id),
            (20, None, None)
        );
        assert!(now.undo("status", &json!("pending")).is_err());
        assert!(now.undo("amount", &json!(12)).is_err());
    }
}
