//! Opportunities: sales prospects with an expected revenue and a probability, moving through the
//! pipeline. Their status follows the kind of their stage:
//!
//! ```text
//!   open stage ⇄ open stage ──▶ won stage  (status won, probability 100, closed_at set)
//!        ▲            └───────▶ lost stage (status lost, probability 0, lost_reason required)
//!        └── back to an open stage: open again, closed_at and lost_reason cleared
//! ```
//! A stage change without a probability takes the new stage's default probability.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::money::{self, percent_of, round_to_minor};
use crate::pipeline::{PipelineStage, StageFields, StageKind};
use crate::text;
use crate::time;
use crate::validation::ValidationErrors;

pub const TITLE_MAX: usize = 200;
pub const SOURCE_MAX: usize = 100;
pub const LOST_REASON_MAX: usize = 1000;
pub const MAX_COMPETITORS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpportunityStatus {
    Open,
    Won,
    Lost,
}

str_enum!(OpportunityStatus { Open => "open", Won => "won", Lost => "lost" });

impl From<StageKind> for OpportunityStatus {
    fn from(kind: StageKind) -> Self {
        match kind {
            StageKind::Open => OpportunityStatus::Open,
            StageKind::Won => OpportunityStatus::Won,
            StageKind::Lost => OpportunityStatus::Lost,
        }
    }
}

/// An opportunity's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityFields {
    pub title: String,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub stage_id: Uuid,
    /// Expected revenue, with exactly the currency's decimals.
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    /// Percent, 0–100.
    pub probability: i32,
    pub expected_close_date: Option<NaiveDate>,
    pub source: Option<String>,
    /// Parties with the role competitor, in the order given, each once.
    pub competitor_ids: Vec<Uuid>,
    pub lost_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    pub id: Uuid,
    pub fields: OpportunityFields,
    pub status: OpportunityStatus,
    /// When it was won or lost; none while open.
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Opportunity {
    /// `amount × probability / 100`, rounded to the currency's minor unit.
    pub fn weighted_amount(&self) -> Option<Decimal> {
        let (amount, currency) = (self.fields.amount?, self.fields.currency?);
        Some(round_to_minor(
            percent_of(amount, Decimal::from(self.fields.probability)),
            currency,
        ))
    }
}

/// The status and close instant of an opportunity that is in a stage of `kind` from `at` on,
/// given where it stood before (none for a new one). Staying closed keeps the first close.
pub fn closing(
    previous: Option<(OpportunityStatus, Option<DateTime<Utc>>)>,
    kind: StageKind,
    at: DateTime<Utc>,
) -> (OpportunityStatus, Option<DateTime<Utc>>) {
    let status = OpportunityStatus::from(kind);
    let closed_at = match (status, previous) {
        (OpportunityStatus::Open, _) => None,
        (_, Some((before, closed_at))) if before == status => closed_at,
        _ => Some(at),
    };
    (status, closed_at)
}

/// What a client asked an opportunity to be, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityInput {
    pub title: String,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    /// None: the pipeline's first open stage.
    pub stage_id: Option<Uuid>,
    pub amount: Option<Decimal>,
    pub currency: Option<String>,
    /// A whole percent, 0–100; none: the stage's default probability.
    pub probability: Option<Decimal>,
    pub expected_close_date: Option<NaiveDate>,
    pub source: Option<String>,
    pub competitor_ids: Vec<Uuid>,
    pub lost_reason: Option<String>,
}

impl OpportunityInput {
    pub fn new(title: impl Into<String>, party_id: Uuid, stage_id: Option<Uuid>) -> Self {
        Self {
            title: title.into(),
            party_id,
            contact_id: None,
            owner_id: None,
            stage_id,
            amount: None,
            currency: None,
            probability: None,
            expected_close_date: None,
            source: None,
            competitor_ids: Vec::new(),
            lost_reason: None,
        }
    }

    /// Moves the opportunity to another stage: the probability goes back to the new stage's
    /// default and a lost reason is forgotten, unless the same change sets them again.
    pub fn move_to_stage(&mut self, stage_id: Uuid) {
        if Some(stage_id) != self.stage_id {
            self.stage_id = Some(stage_id);
            self.probability = None;
            self.lost_reason = None;
        }
    }

    /// Checks every rule against `stage`, the stage the opportunity is to be in (the one named,
    /// or the pipeline's first open one; none when there is no such stage), and reports all
    /// broken ones.
    pub fn validate(self, stage: Option<&PipelineStage>) -> Result<OpportunityFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.check("title", text::required(&self.title, TITLE_MAX));
        let stage_id = stage.map_or(Uuid::nil(), |s| s.id);
        let stage = stage.map(|s| &s.fields);
        let probability = match stage {
            None if self.stage_id.is_some() => {
                errors.add("stage_id", "not_found", "no pipeline stage with this id");
                0
            }
            None => {
                errors.add(
                    "stage_id",
                    "required",
                    "the pipeline has no open stage to start in: name one",
                );
                0
            }
            Some(stage) => check_probability(&mut errors, self.probability, stage),
        };
        let currency = match self.currency.as_deref() {
            None => None,
            Some(code) => errors.check("currency", Currency::parse(code)),
        };
        let amount = match (self.amount, currency) {
            (Some(_), None) if self.currency.is_none() => {
                errors.add("currency", "required", "an amount needs a currency");
                None
            }
            (Some(amount), Some(currency)) => errors.check("amount", money::check_amount(amount, currency)),
            _ => None,
        };
        let expected_close_date = self
            .expected_close_date
            .and_then(|date| errors.check("expected_close_date", time::date(date)));
        let source = errors.check("source", text::optional(self.source.as_deref(), SOURCE_MAX));
        let competitor_ids = check_competitors(&mut errors, self.competitor_ids, self.party_id);
        let lost = stage.is_some_and(|s| s.kind == StageKind::Lost);
        let lost_reason = errors
            .check(
                "lost_reason",
                text::optional_multiline(self.lost_reason.as_deref(), LOST_REASON_MAX),
            )
            .flatten();
        match (lost, &lost_reason) {
            (true, None) => errors.add("lost_reason", "required", "a lost opportunity needs a lost reason"),
            (false, Some(_)) if stage.is_some() => {
                errors.add(
                    "lost_reason",
                    "not_allowed",
                    "only a lost opportunity has a lost reason",
                );
            }
            _ => {}
        }
        errors.finish(|| OpportunityFields {
            title: title.unwrap_or_default(),
            party_id: self.party_id,
            contact_id: self.contact_id,
            owner_id: self.owner_id,
            stage_id,
            amount,
            currency,
            probability,
            expected_close_date,
            source: source.flatten(),
            competitor_ids,
            lost_reason,
        })
    }
}

/// The probability given, else the stage's default; a won stage is certain and a lost one hopeless.
fn check_probability(errors: &mut ValidationErrors, given: Option<Decimal>, stage: &StageFields) -> i32 {
    let probability = match given {
        None => stage.default_probability,
        Some(given) => match errors.check("probability", money::check_whole_percent(given)) {
            Some(probability) => probability,
            None => return 0,
        },
    };
    if !(0..=100).contains(&probability) {
        errors.add("probability", "out_of_range", "must be between 0 and 100");
    } else if stage.kind == StageKind::Won && probability != 100 {
        errors.add(
            "probability",
            "inconsistent",
            "an opportunity in a won stage has probability 100",
        );
    } else if stage.kind == StageKind::Lost && probability != 0 {
        errors.add(
            "probability",
            "inconsistent",
            "an opportunity in a lost stage has probability 0",
        );
    }
    probability
}

fn check_competitors(errors: &mut ValidationErrors, ids: Vec<Uuid>, party_id: Uuid) -> Vec<Uuid> {
    if ids.len() > MAX_COMPETITORS {
        errors.add(
            "competitor_ids",
            "too_many",
            format!("at most {MAX_COMPETITORS} competitors"),
        );
        return Vec::new();
    }
    // Duplicates are refused, not merged: every later error names an index of the list sent.
    for (i, id) in ids.iter().enumerate() {
        if *id == party_id {
            errors.add(
                format!("competitor_ids[{i}]"),
                "not_allowed",
                "the opportunity's own party is not its competitor",
            );
        } else if ids[..i].contains(id) {
            errors.add(format!("competitor_ids[{i}]"), "duplicate", "listed twice");
        }
    }
    ids
}

impl From<OpportunityFields> for OpportunityInput {
    /// The input that would produce these fields again: the base a patch is applied to.
    fn from(f: OpportunityFields) -> Self {
        Self {
            title: f.title,
            party_id: f.party_id,
            contact_id: f.contact_id,
            owner_id: f.owner_id,
            stage_id: Some(f.stage_id),
            amount: f.amount,
            currency: f.currency.map(|c| c.code().to_owned()),
            probability: Some(Decimal::from(f.probability)),
            expected_close_date: f.expected_close_date,
            source: f.source,
            competitor_ids: f.competitor_ids,
            lost_reason: f.lost_reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::d;

    fn stage(kind: StageKind, probability: i32) -> PipelineStage {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        PipelineStage {
            id: Uuid::from_u128(2),
            fields: StageFields {
                name: "Stage".into(),
                position: 0,
                default_probability: probability,
                kind,
                retired: false,
            },
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    fn input() -> OpportunityInput {
        OpportunityInput::new("Fleet renewal", Uuid::from_u128(1), Some(Uuid::from_u128(2)))
    }

    fn fields_of(errors: &ValidationErrors) -> Vec<&str> {
        errors.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn the_probability_defaults_from_the_stage() {
        let fields = input().validate(Some(&stage(StageKind::Open, 25))).unwrap();
        assert_eq!(fields.probability, 25);
        let mut given = input();
        given.probability = Some(Decimal::from(40));
        assert_eq!(
            given.validate(Some(&stage(StageKind::Open, 25))).unwrap().probability,
            40
        );
    }

    #[test]
    fn won_and_lost_stages_fix_the_probability_and_lost_needs_a_reason() {
        let mut wrong = input();
        wrong.probability = Some(Decimal::from(80));
        assert_eq!(
            fields_of(&wrong.validate(Some(&stage(StageKind::Won, 100))).unwrap_err()),
            vec!["probability"]
        );
        assert_eq!(
            fields_of(&input().validate(Some(&stage(StageKind::Lost, 0))).unwrap_err()),
            vec!["lost_reason"]
        );
        let mut lost = input();
        lost.lost_reason = Some("Price too high".into());
        assert!(lost.clone().validate(Some(&stage(StageKind::Lost, 0))).is_ok());
        assert_eq!(
            fields_of(&lost.validate(Some(&stage(StageKind::Open, 10))).unwrap_err()),
            vec!["lost_reason"]
        );
    }

    #[test]
    fn moving_to_another_stage_resets_probability_and_reason() {
        let mut lost = input();
        lost.probability = Some(Decimal::ZERO);
        lost.lost_reason = Some("No budget".into());
        let mut reopened = lost.clone();
        reopened.move_to_stage(Uuid::from_u128(3));
        assert_eq!((reopened.probability, reopened.lost_reason), (None, None));
        let mut same = lost.clone();
        same.move_to_stage(lost.stage_id.unwrap());
        assert_eq!(same, lost, "staying in the stage changes nothing");
    }

    #[test]
    fn the_weighted_amount_is_rounded_to_the_minor_unit() {
        let mut opportunity = input();
        opportunity.amount = Some(d("1000.05"));
        opportunity.currency = Some("EUR".into());
        opportunity.probability = Some(Decimal::from(25));
        let fields = opportunity.validate(Some(&stage(StageKind::Open, 10))).unwrap();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let opportunity = Opportunity {
            id: Uuid::nil(),
            fields,
            status: OpportunityStatus::Open,
            closed_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        // 250.0125 → 250.01
        assert_eq!(opportunity.weighted_amount().unwrap().to_string(), "250.01");
        let mut yen = opportunity.clone();
        yen.fields.amount = Some(d("999"));
        yen.fields.currency = Some(Currency::parse("JPY").unwrap());
        yen.fields.probability = 50;
        // 499.5 → 500: half away from zero.
        assert_eq!(yen.weighted_amount().unwrap().to_string(), "500");
    }

    #[test]
    fn amounts_are_checked_against_their_currency() {
        let mut bad = input();
        bad.amount = Some(d("10.005"));
        bad.currency = Some("EUR".into());
        bad.competitor_ids = vec![Uuid::from_u128(9), Uuid::from_u128(9), bad.party_id];
        let errors = bad.validate(Some(&stage(StageKind::Open, 10))).unwrap_err();
        assert_eq!(
            fields_of(&errors),
            vec!["amount", "competitor_ids[1]", "competitor_ids[2]"]
        );
        let mut no_currency = input();
        no_currency.amount = Some(d("10"));
        assert_eq!(
            fields_of(&no_currency.validate(None).unwrap_err()),
            vec!["stage_id", "currency"]
        );
        let mut no_pipeline = input();
        no_pipeline.stage_id = None;
        assert_eq!(no_pipeline.validate(None).unwrap_err().errors()[0].code, "required");
    }

    #[test]
    fn closing_keeps_the_first_close_and_reopening_clears_it() {
        let t1 = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z").unwrap().to_utc();
        let t2 = DateTime::parse_from_rfc3339("2026-11-02T00:00:00Z").unwrap().to_utc();
        assert_eq!(closing(None, StageKind::Open, t1), (OpportunityStatus::Open, None));
        let won = closing(Some((OpportunityStatus::Open, None)), StageKind::Won, t1);
        assert_eq!(won, (OpportunityStatus::Won, Some(t1)));
        assert_eq!(closing(Some(won), StageKind::Won, t2), won);
        assert_eq!(
            closing(Some(won), StageKind::Lost, t2),
            (OpportunityStatus::Lost, Some(t2))
        );
        assert_eq!(closing(Some(won), StageKind::Open, t2), (OpportunityStatus::Open, None));
    }
}
