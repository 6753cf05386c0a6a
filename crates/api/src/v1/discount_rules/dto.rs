//! Discount rules as they travel over HTTP.

use chrono::{DateTime, NaiveDate, Utc};
use domain::pricing::{self, DiscountRule, DiscountRuleInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{double_option, mirror_enum};

/// The period a turnover rule measures, always the whole one before the priced date.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TurnoverPeriod {
    Month,
    Quarter,
    HalfYear,
    Year,
}

mirror_enum!(TurnoverPeriod <-> pricing::TurnoverPeriod { Month, Quarter, HalfYear, Year });

/// A new discount rule. Every condition given must hold for the rule to apply; of the rules that
/// apply, the one with the highest percent wins (discounts never stack).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DiscountRuleBody {
    #[schema(min_length = 1, max_length = 200, example = "Wholesale")]
    pub name: String,
    /// Greater than 0, at most 100, at most 2 decimals.
    #[schema(value_type = String, example = "5")]
    #[serde(deserialize_with = "crate::dto::decimal")]
    pub percent: Decimal,
    /// Only for parties of this customer group.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub customer_group: Option<String>,
    /// Only for products of this product group.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub product_group: Option<String>,
    /// Only from this quantity on.
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "10")]
    pub min_quantity: Option<Decimal>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// With `turnover_threshold` and `turnover_currency`: only when the party's invoiced
    /// turnover over the previous such period reaches the threshold.
    #[serde(default)]
    pub turnover_period: Option<TurnoverPeriod>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "5000.00")]
    pub turnover_threshold: Option<Decimal>,
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub turnover_currency: Option<String>,
    /// Defaults to true.
    #[serde(default)]
    pub active: Option<bool>,
}

/// A change: fields present are set, `null` clears, absent fields are kept.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DiscountRulePatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>)]
    pub percent: Option<Decimal>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 100)]
    pub customer_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 100)]
    pub product_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::decimal_patch")]
    #[schema(value_type = Option<String>)]
    pub min_quantity: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "double_option")]
    pub valid_from: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    pub valid_to: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    pub turnover_period: Option<Option<TurnoverPeriod>>,
    #[serde(default, deserialize_with = "crate::dto::decimal_patch")]
    #[schema(value_type = Option<String>)]
    pub turnover_threshold: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub turnover_currency: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscountRuleResponse {
    pub id: Uuid,
    pub name: String,
    #[schema(value_type = String, example = "5")]
    pub percent: Decimal,
    pub customer_group: Option<String>,
    pub product_group: Option<String>,
    #[schema(value_type = Option<String>)]
    pub min_quantity: Option<Decimal>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub turnover_period: Option<TurnoverPeriod>,
    #[schema(value_type = Option<String>)]
    pub turnover_threshold: Option<Decimal>,
    pub turnover_currency: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DiscountRule> for DiscountRuleResponse {
    fn from(rule: DiscountRule) -> Self {
        let f = rule.fields;
        let turnover = f.turnover.as_ref();
        Self {
            id: rule.id,
            turnover_period: turnover.map(|t| t.period.into()),
            turnover_threshold: turnover.map(|t| t.threshold),
            turnover_currency: turnover.map(|t| t.currency.code().to_owned()),
            name: f.name,
            percent: f.percent,
            customer_group: f.customer_group,
            product_group: f.product_group,
            min_quantity: f.min_quantity,
            valid_from: f.valid_from,
            valid_to: f.valid_to,
            active: f.active,
            version: rule.version,
            created_at: rule.created_at,
            updated_at: rule.updated_at,
        }
    }
}

impl From<DiscountRuleBody> for DiscountRuleInput {
    fn from(body: DiscountRuleBody) -> Self {
        Self {
            name: body.name,
            percent: body.percent,
            customer_group: body.customer_group,
            product_group: body.product_group,
            min_quantity: body.min_quantity,
            valid_from: body.valid_from,
            valid_to: body.valid_to,
            turnover_period: body.turnover_period.map(Into::into),
            turnover_threshold: body.turnover_threshold,
            turnover_currency: body.turnover_currency,
            active: body.active,
        }
    }
}

impl DiscountRulePatch {
    pub fn apply_to(self, input: &mut DiscountRuleInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.name, self.name);
        set(&mut input.percent, self.percent);
        set(&mut input.customer_group, self.customer_group);
        set(&mut input.product_group, self.product_group);
        set(&mut input.min_quantity, self.min_quantity);
        set(&mut input.valid_from, self.valid_from);
        set(&mut input.valid_to, self.valid_to);
        set(
            &mut input.turnover_period,
            self.turnover_period.map(|p| p.map(Into::into)),
        );
        set(&mut input.turnover_threshold, self.turnover_threshold);
        set(&mut input.turnover_currency, self.turnover_currency);
        set(&mut input.active, self.active.map(Some));
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiscountRuleQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// Only discount rules changed at or after this instant, oldest change first (the incremental sync).
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of discount rules, by name.
    DiscountRulePage(DiscountRuleResponse)
);
