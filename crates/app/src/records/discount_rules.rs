//! The stable form of a discount rule.

use domain::pricing::DiscountRule;
use serde_json::{Value, json};

/// A discount rule as history and the change feed keep it; the turnover condition is flat.
pub fn discount_rule(rule: &DiscountRule) -> Value {
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
