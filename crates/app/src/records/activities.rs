//! The stable form of an activity.

use domain::activity::{Activity, Outcome};
use serde_json::{Value, json};

/// An activity as history and the change feed keep it.
pub fn activity(activity: &Activity) -> Value {
    let f = &activity.fields;
    json!({
        "id": activity.id,
        "kind": f.kind.as_str(),
        "subject": f.subject,
        "description": f.description,
        "party_id": f.party_id,
        "contact_id": f.contact_id,
        "assignee_id": f.assignee_id,
        "priority": f.priority.as_str(),
        "starts_at": f.starts_at,
        "ends_at": f.ends_at,
        "duration_minutes": activity.duration_minutes(),
        "due_at": f.due_at,
        "remind_at": f.remind_at,
        "opportunity_id": f.opportunity_id,
        "offer_id": f.offer_id,
        "sales_order_id": f.sales_order_id,
        "invoice_id": f.invoice_id,
        "status": activity.state.status.as_str(),
        "outcome": activity.state.outcome.map(Outcome::as_str),
        "completed_at": activity.state.completed_at,
        "occurs_at": activity.occurs_at(),
        "version": activity.version,
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
    })
}
