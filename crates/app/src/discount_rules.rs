//! Discount rule use cases, each one transaction with its history entry.

use chrono::{DateTime, Utc};
use domain::pricing::{DiscountRule, DiscountRuleInput};
use domain::resource::ResourceType;
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::{DatabaseConnection, TransactionTrait, discount_rules};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use crate::history::{self, Change};
use crate::transaction;
use crate::versions::check_version;
use persistence::discount_rules::DiscountRules;
use persistence::table;
use persistence::visibility::Visibility;

use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::DiscountRule;

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: DiscountRuleInput,
) -> Result<DiscountRule, AppError> {
    let fields = input.validate()?;
    let txn = db.begin().await?;
    let at = now();
    let rule = DiscountRule {
        id: Uuid::now_v7(),
        fields,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    discount_rules::insert(&txn, &rule).await?;
    let after = record(&rule);
    history::record(&txn, caller, RESOURCE, rule.id, Change::Created, None, &after).await?;
    transaction::commit(txn).await?;
    Ok(rule)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<DiscountRule, AppError> {
    table::find::<DiscountRules>(db, id, Visibility::All)
        .await?
        .ok_or(AppError::not_found(RESOURCE))
}

pub async fn list(
    db: &DatabaseConnection,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<DiscountRule>, AppError> {
    Ok(discount_rules::list(db, updated_since, request).await?)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut DiscountRuleInput),
) -> Result<DiscountRule, AppError> {
    let txn = db.begin().await?;
    let current = table::find_for_update::<DiscountRules>(&txn, id, Visibility::All)
        .await?
        .ok_or(AppError::not_found(RESOURCE))?;
    let mut input = DiscountRuleInput::from(current.fields.clone());
    change(&mut input);
    let fields = input.validate()?;
    check_version(current.version, if_match)?;
    if fields == current.fields {
        return Ok(current);
    }
    let before = record(&current);
    let rule = DiscountRule {
        fields,
        version: current.version + 1,
        updated_at: now(),
        ..current
    };
    if !discount_rules::update(&txn, &rule, current.version).await? {
        return Err(AppError::concurrent_update());
    }
    let after = record(&rule);
    history::record(&txn, caller, RESOURCE, rule.id, Change::Updated, Some(&before), &after).await?;
    transaction::commit(txn).await?;
    Ok(rule)
}

/// Deletes a rule; documents priced with it keep their discount, and its history stays readable.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    let txn = db.begin().await?;
    let current = table::find_for_update::<DiscountRules>(&txn, id, Visibility::All)
        .await?
        .ok_or(AppError::not_found(RESOURCE))?;
    check_version(current.version, if_match)?;
    discount_rules::delete(&txn, id).await?;
    history::record_deletion(&txn, caller, RESOURCE, id, &record(&current)).await?;
    transaction::commit(txn).await?;
    Ok(())
}

/// A discount rule as history and the change feed keep it; the turnover condition is flat.
pub fn record(rule: &DiscountRule) -> Value {
    let f = &rule.fields;
    let turnover = f.turnover.as_ref();
    json!({
        "id": rule.id,
        "name": f.name,
        "percent": f.percent,
        "customer_group": f.customer_group,
        "product_group": f.product_group,
        "min_quantity": f.min_quantity,
        "valid_from": f.valid_from,
        "valid_to": f.valid_to,
        "turnover_period": turnover.map(|t| t.period.as_str()),
        "turnover_threshold": turnover.map(|t| t.threshold),
        "turnover_currency": turnover.map(|t| t.currency.code()),
        "active": f.active,
        "version": rule.version,
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    })
}
