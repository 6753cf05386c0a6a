//! Pipeline stages: the steps an opportunity moves through. They are data, managed by admins.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money;
use crate::text;
use crate::validation::ValidationErrors;

pub const NAME_MAX: usize = 100;

/// What reaching a stage means for an opportunity: still open, won or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [StageKind::Open, StageKind::Won, StageKind::Lost]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

/// A stage's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFields {
    pub name: String,
    pub position: i32,
    pub default_probability: i32,
    pub kind: StageKind,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineStage {
    pub id: Uuid,
    pub fields: StageFields,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PipelineStage {
    /// A retired stage keeps the opportunities it has and takes no new ones.
    pub fn takes_new_opportunities(&self) -> bool {
        !self.fields.retired
    }
}

impl StageFields {
    /// Whether the stage may become `new`: an opportunity's status follows its stage's kind, so
    /// a stage with opportunities in it keeps its kind (changing it would win or lose deals
    /// nobody touched).
    pub fn may_become(&self, new: &StageFields, in_use: bool) -> bool {
        !in_use || new.kind == self.kind
    }
}

/// What a client asked a stage to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageInput {
    pub name: String,
    pub position: i32,
    /// A whole percent, 0–100.
    pub default_probability: Decimal,
    pub kind: StageKind,
    pub retired: bool,
}

impl StageInput {
    /// A won stage is certain (100 %), a lost one impossible (0 %); open stages lie in between.
    pub fn validate(self) -> Result<StageFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", text::required(&self.name, NAME_MAX));
        let default_probability = errors.check(
            "default_probability",
            money::check_whole_percent(self.default_probability),
        );
        if self.kind == StageKind::Won && default_probability.is_some_and(|p| p != 100) {
            errors.add("default_probability", "inconsistent", "a won stage has probability 100");
        } else if self.kind == StageKind::Lost && default_probability.is_some_and(|p| p != 0) {
            errors.add("default_probability", "inconsistent", "a lost stage has probability 0");
        }
        if self.position < 0 {
            errors.add("position", "out_of_range", "must not be negative");
        }
        errors.finish(|| StageFields {
            name: name.unwrap_or_default(),
            position: self.position,
            default_probability: default_probability.unwrap_or_default(),
            kind: self.kind,
            retired: self.retired,
        })
    }
}

impl From<StageFields> for StageInput {
    fn from(fields: StageFields) -> Self {
        Self {
            name: fields.name,
            position: fields.position,
            default_probability: Decimal::from(fields.default_probability),
            kind: fields.kind,
            retired: fields.retired,
        }
    }
}

/// The stages every new installation starts with (domain.md), in pipeline order.
pub const DEFAULT_STAGES: &[(&str, i32, StageKind)] = &[
    ("Qualification", 10, StageKind::Open),
    ("Needs analysis", 25, StageKind::Open),
    ("Proposal", 50, StageKind::Open),
    ("Negotiation", 75, StageKind::Open),
    ("Won", 100, StageKind::Won),
    ("Lost", 0, StageKind::Lost),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: StageKind, probability: i32) -> StageInput {
        StageInput {
            name: "Stage".into(),
            position: 1,
            default_probability: Decimal::from(probability),
            kind,
            retired: false,
        }
    }

    #[test]
    fn probability_follows_the_kind() {
        let cases = [
            (StageKind::Open, 50, true),
            (StageKind::Open, 0, true),
            (StageKind::Open, 101, false),
            (StageKind::Won, 100, true),
            (StageKind::Won, 90, false),
            (StageKind::Lost, 0, true),
            (StageKind::Lost, 10, false),
        ];
        for (kind, probability, valid) in cases {
            assert_eq!(
                input(kind, probability).validate().is_ok(),
                valid,
                "{kind:?} {probability}"
            );
        }
        let mut fractional = input(StageKind::Open, 0);
        fractional.default_probability = Decimal::new(125, 1);
        let errors = fractional.validate().unwrap_err();
        assert_eq!(errors.errors()[0].code, "too_many_decimals", "a whole percent");
        let mut written_long = input(StageKind::Open, 0);
        written_long.default_probability = Decimal::new(2500, 2);
        assert_eq!(written_long.validate().unwrap().default_probability, 25, "25.00 is 25");
    }

    #[test]
    fn the_defaults_are_valid() {
        for (i, (name, probability, kind)) in DEFAULT_STAGES.iter().enumerate() {
            let stage = StageInput {
                name: (*name).to_owned(),
                position: i32::try_from(i).unwrap(),
                default_probability: Decimal::from(*probability),
                kind: *kind,
                retired: false,
            };
            assert!(stage.validate().is_ok(), "{name}");
        }
    }
}
