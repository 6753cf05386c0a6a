//! The discount rules table.

use chrono::{DateTime, Utc};
use domain::currency::Currency;
use domain::pricing::{DiscountRule, DiscountRuleFields, TurnoverCondition, TurnoverPeriod};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::discount_rule::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey, SyncOrder};
use crate::table::{self, Table};

const TABLE: &str = "discount_rules";

pub async fn insert(conn: &impl ConnectionTrait, rule: &DiscountRule) -> Result<(), StoreError> {
    table::insert::<DiscountRules, _>(conn, [to_active_model(rule)]).await
}

/// Writes `rule` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    rule: &DiscountRule,
    expected_version: i32,
) -> Result<bool, StoreError> {
    table::update::<DiscountRules, _>(conn, to_active_model(rule), rule.id, expected_version).await
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, StoreError> {
    Ok(Entity::delete_by_id(id).exec(conn).await?.rows_affected == 1)
}

/// The discount rules table, for the shared kit (`crate::table`).
pub struct DiscountRules;

impl Table for DiscountRules {
    type Entity = Entity;
    type Record = DiscountRule;
    table::versioned_columns!();

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<DiscountRule>, StoreError> {
        rows.into_iter().map(to_rule).collect()
    }
}

/// Every rule, in the order pricing breaks ties in: by name, then id. Inactive ones too, so that
/// an explanation can say a rule was switched off.
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<DiscountRule>, StoreError> {
    Entity::find()
        .order_by_asc(Column::Name)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(to_rule)
        .collect()
}

/// Rules by name, or by last change for a sync.
pub async fn list(
    conn: &impl ConnectionTrait,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<DiscountRule>, StoreError> {
    let condition = Filter::all()
        .updated_since(Column::UpdatedAt, updated_since)
        .condition();
    let sort: SortBy<Column, DiscountRule> = match request.sort {
        SyncOrder::Natural => SortBy::new(Column::Name, |r| (SortKey::Text(r.fields.name.clone()), r.id)),
        SyncOrder::Updated => SortBy::new(Column::UpdatedAt, |r| (SortKey::Time(r.updated_at), r.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_rule).await
}

fn to_active_model(rule: &DiscountRule) -> ActiveModel {
    let f = &rule.fields;
    let turnover = f.turnover.as_ref();
    ActiveModel {
        id: Set(rule.id),
        name: Set(f.name.clone()),
        percent: Set(DecimalText(f.percent)),
        customer_group: Set(f.customer_group.clone()),
        product_group: Set(f.product_group.clone()),
        min_quantity: Set(f.min_quantity.map(DecimalText)),
        valid_from: Set(f.valid_from),
        valid_to: Set(f.valid_to),
        turnover_period: Set(turnover.map(|t| t.period.as_str().to_owned())),
        turnover_threshold: Set(turnover.map(|t| DecimalText(t.threshold))),
        turnover_currency: Set(turnover.map(|t| t.currency.code().to_owned())),
        active: Set(f.active),
        version: Set(rule.version),
        created_at: Set(rule.created_at),
        updated_at: Set(rule.updated_at),
    }
}

fn to_rule(m: Model) -> Result<DiscountRule, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let turnover = match (&m.turnover_period, m.turnover_threshold, &m.turnover_currency) {
        (None, None, None) => None,
        (Some(period), Some(threshold), Some(currency)) => Some(TurnoverCondition {
            period: TurnoverPeriod::parse(period).ok_or_else(|| corrupt("turnover_period"))?,
            threshold: threshold.0,
            currency: Currency::parse(currency).map_err(|_| corrupt("turnover_currency"))?,
        }),
        _ => return Err(corrupt("turnover")),
    };
    Ok(DiscountRule {
        id: m.id,
        fields: DiscountRuleFields {
            name: m.name,
            percent: m.percent.0,
            customer_group: m.customer_group,
            product_group: m.product_group,
            min_quantity: m.min_quantity.map(|q| q.0),
            valid_from: m.valid_from,
            valid_to: m.valid_to,
            turnover,
            active: m.active,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
