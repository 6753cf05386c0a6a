use chrono::{DateTime, Utc};
use domain::pipeline::{self, PipelineStage, StageInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::whole_i32;

/// What reaching the stage means for an opportunity.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

impl From<StageKind> for pipeline::StageKind {
    fn from(kind: StageKind) -> Self {
        match kind {
            StageKind::Open => pipeline::StageKind::Open,
            StageKind::Won => pipeline::StageKind::Won,
            StageKind::Lost => pipeline::StageKind::Lost,
        }
    }
}

impl From<pipeline::StageKind> for StageKind {
    fn from(kind: pipeline::StageKind) -> Self {
        match kind {
            pipeline::StageKind::Open => StageKind::Open,
            pipeline::StageKind::Won => StageKind::Won,
            pipeline::StageKind::Lost => StageKind::Lost,
        }
    }
}

/// A new stage.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StageBody {
    #[schema(min_length = 1, max_length = 100, example = "Demo")]
    pub name: String,
    /// Place in the pipeline, ascending; defaults to after the last stage.
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0)]
    pub position: Option<i32>,
    /// Percent, a decimal string of a whole number 0–100 (`"25"`; `"12.5"` is refused as
    /// `too_many_decimals`): 100 for a won stage, 0 for a lost one.
    #[serde(deserialize_with = "crate::dto::decimal")]
    #[schema(value_type = String, example = "25")]
    pub default_probability: Decimal,
    /// Defaults to `open`.
    #[serde(default)]
    pub kind: Option<StageKind>,
}

/// A change: rename, reorder, change the probability or kind, retire (`retired: true`) or bring back.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StagePatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0)]
    pub position: Option<i32>,
    /// Percent, a decimal string of a whole number 0–100.
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "25")]
    pub default_probability: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub kind: Option<StageKind>,
    /// A retired stage stays readable and leaves the list; it takes no new opportunities.
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub retired: Option<bool>,
}

impl StagePatch {
    pub fn apply_to(self, input: &mut StageInput) {
        if let Some(name) = self.name {
            input.name = name;
        }
        if let Some(position) = self.position {
            input.position = position;
        }
        if let Some(probability) = self.default_probability {
            input.default_probability = probability;
        }
        if let Some(kind) = self.kind {
            input.kind = kind.into();
        }
        if let Some(retired) = self.retired {
            input.retired = retired;
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageResponse {
    pub id: Uuid,
    pub name: String,
    pub position: i32,
    /// Percent, a whole number 0–100 as a decimal string.
    #[schema(value_type = String, example = "25")]
    pub default_probability: Decimal,
    pub kind: StageKind,
    pub retired: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<PipelineStage> for StageResponse {
    fn from(stage: PipelineStage) -> Self {
        let f = stage.fields;
        Self {
            id: stage.id,
            name: f.name,
            position: f.position,
            default_probability: Decimal::from(f.default_probability),
            kind: f.kind.into(),
            retired: f.retired,
            version: stage.version,
            created_at: stage.created_at,
            updated_at: stage.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StageListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// Include retired stages (default false).
    pub include_retired: Option<bool>,
    /// Only stages changed at or after this instant, oldest change first (the incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of pipeline stages, in pipeline order.
    StagePage(StageResponse)
);
