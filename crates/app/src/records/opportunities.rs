//! The stable form of an opportunity.

use domain::currency::Currency;
use domain::opportunity::Opportunity;
use serde_json::{Value, json};

/// An opportunity as history and the change feed keep it.
pub fn opportunity(opportunity: &Opportunity) -> Value {
    let f = &opportunity.fields;
    json!({
        "id": opportunity.id,
        "title": f.title,
        "party_id": f.party_id,
        "contact_id": f.contact_id,
        "owner_id": f.owner_id,
        "stage_id": f.stage_id,
        "status": opportunity.status.as_str(),
        "amount": f.amount,
        "currency": f.currency.as_ref().map(Currency::code),
        "probability": rust_decimal::Decimal::from(f.probability),
        "weighted_amount": opportunity.weighted_amount(),
        "expected_close_date": f.expected_close_date,
        "source": f.source,
        "competitor_ids": f.competitor_ids,
        "lost_reason": f.lost_reason,
        "closed_at": opportunity.closed_at,
        "version": opportunity.version,
        "created_at": opportunity.created_at,
        "updated_at": opportunity.updated_at,
    })
}
