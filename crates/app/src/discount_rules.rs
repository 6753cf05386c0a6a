//! Discount rule use cases, each one transaction with its history entry.

use chrono::{DateTime, Utc};
use domain::pricing::{DiscountRule, DiscountRuleInput};
use domain::resource::ResourceType;
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::{DatabaseConnection, discount_rules};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use crate::lookup;
use crate::transaction;
use crate::versioned::{self, Versioned};
use persistence::ConnectionTrait;
use persistence::discount_rules::DiscountRules;

use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::DiscountRule;

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: DiscountRuleInput,
) -> Result<DiscountRule, AppError> {
    let fields = input.validate()?;
    let txn = persistence::db::begin(db).await?;
    let at = now();
    let rule = DiscountRule {
        id: Uuid::now_v7(),
        fields,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    discount_rules::insert(&txn, &rule).await?;
    versioned::record_creation::<DiscountRules>(&txn, caller, &rule).await?;
    transaction::commit(txn).await?;
    Ok(rule)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<DiscountRule, AppError> {
    lookup::any::<DiscountRules>(db, id).await
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
    versioned::change::<DiscountRules, _>(
        db,
        caller,
        id,
        if_match,
        async |_, current| {
            let mut input = DiscountRuleInput::from(current.fields.clone());
            change(&mut input);
            Ok(input.validate()?)
        },
        async |_, current, fields, _| {
            Ok((fields != current.fields).then(|| DiscountRule {
                fields,
                ..current.clone()
            }))
        },
    )
    .await
}

/// Deletes a rule; documents priced with it keep their discount, and its history stays readable.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    versioned::delete::<DiscountRules>(db, caller, id, if_match, async |txn, _| {
        discount_rules::delete(txn, id).await?;
        Ok(())
    })
    .await
}

impl Versioned for DiscountRules {
    const FORM: fn(&DiscountRule) -> Value = record;

    fn next_version(rule: DiscountRule, at: DateTime<Utc>) -> DiscountRule {
        DiscountRule {
            version: rule.version + 1,
            updated_at: at,
            ..rule
        }
    }

    async fn write(conn: &impl ConnectionTrait, rule: &DiscountRule, expected_version: i32) -> Result<bool, AppError> {
        Ok(discount_rules::update(conn, rule, expected_version).await?)
    }
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
