//! Activity use cases: each mutating one is a single transaction with its history entry.

use domain::access::{self, Permission};
use domain::activity::{ActionError, Activity, ActivityAction, ActivityFields, ActivityInput, ActivityState, Outcome};
use domain::resource::ResourceType;
use persistence::activities::{self, ActivityFilter, ActivitySort, RelatedDocument};
use persistence::page::{Page, PageRequest};
use persistence::{ConnectionTrait, DatabaseConnection, invoices, offers, opportunities, sales_orders};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use crate::history::Change;
use crate::lookup;
use crate::references::{References, changed};
use crate::transaction;
use crate::versioned::{self, Versioned};
use crate::versions::check_version;
use chrono::{DateTime, Utc};
use persistence::activities::Activities;

use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::Activity;

pub async fn create(db: &DatabaseConnection, caller: &Caller, mut input: ActivityInput) -> Result<Activity, AppError> {
    if input.assignee_id.is_none() {
        input.assignee_id = access::default_owner(caller.role, caller.member());
    }
    let fields = input.validate()?;
    let txn = persistence::db::begin(db).await?;
    check_references(&txn, caller, &fields, None).await?;
    let at = now();
    let activity = Activity {
        id: Uuid::now_v7(),
        fields,
        state: ActivityState::PLANNED,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    activities::insert(&txn, &activity).await?;
    versioned::record_creation::<Activities>(&txn, caller, &activity).await?;
    transaction::commit(txn).await?;
    Ok(activity)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Activity, AppError> {
    lookup::get::<Activities>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &ActivityFilter,
    request: &PageRequest<ActivitySort>,
) -> Result<Page<Activity>, AppError> {
    Ok(activities::list(db, filter, caller.visibility(), request).await?)
}

/// The contact history of a party the caller may see: activities with it as the party or as the
/// contact person.
pub async fn list_of_party(
    db: &DatabaseConnection,
    caller: &Caller,
    party_id: Uuid,
    filter: ActivityFilter,
    request: &PageRequest<ActivitySort>,
) -> Result<Page<Activity>, AppError> {
    crate::parties::get(db, caller, party_id).await?;
    let filter = ActivityFilter {
        involving: Some(party_id),
        ..filter
    };
    list(db, caller, &filter, request).await
}

/// Applies `change` to the current content and writes it if the version is still the one read
/// (and the one in `If-Match`, when given). The status is not content: transitions change it.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut ActivityInput),
) -> Result<Activity, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    let mut input = ActivityInput::from(current.fields.clone());
    change(&mut input);
    let fields = input.validate()?;
    current.check_revision(&fields)?;
    check_version(current.version, if_match)?;
    check_references(&txn, caller, &fields, Some(&current.fields)).await?;
    let state = current.state;
    let activity = write_new_version(&txn, caller, current, fields, state).await?;
    transaction::commit(txn).await?;
    Ok(activity)
}

/// `POST /activities/{id}/{action}`: the status the action leads to, or a 409 that names the
/// current status and the ones the action is allowed from.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    action: ActivityAction,
    outcome: Option<Outcome>,
) -> Result<Activity, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let state = current.act(action, outcome, now()).map_err(|error| match error {
        ActionError::State(error) => AppError::invalid_transition(RESOURCE, error),
        ActionError::Invalid(errors) => errors.into(),
    })?;
    let fields = current.fields.clone();
    let activity = write_new_version(&txn, caller, current, fields, state).await?;
    transaction::commit(txn).await?;
    Ok(activity)
}

async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<Activity, AppError> {
    lookup::for_update::<Activities>(conn, caller, id).await
}

/// Writes the next version of `current` and records the change; identical content writes nothing.
async fn write_new_version(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: Activity,
    fields: ActivityFields,
    state: ActivityState,
) -> Result<Activity, AppError> {
    if fields == current.fields && state == current.state {
        return Ok(current);
    }
    let changed = Activity {
        fields,
        state,
        ..current.clone()
    };
    versioned::write_next::<Activities>(conn, caller, &current, changed, now()).await
}

impl Versioned for Activities {
    const FORM: fn(&Activity) -> Value = record;

    fn next_version(activity: Activity, at: DateTime<Utc>) -> Activity {
        Activity {
            version: activity.version + 1,
            updated_at: at,
            ..activity
        }
    }

    fn change(before: &Activity, after: &Activity) -> Change {
        Change::of_status(before.state.status, after.state.status)
    }

    async fn write(conn: &impl ConnectionTrait, activity: &Activity, expected_version: i32) -> Result<bool, AppError> {
        Ok(activities::update(conn, activity, expected_version).await?)
    }
}

/// Unlinks the activities related to a draft document about to be deleted (an offer, a sales
/// order, an invoice): they stay, without the link, each with a new version and a history entry
/// (one statement each: a draft has few).
pub async fn unlink(conn: &impl ConnectionTrait, caller: &Caller, document: RelatedDocument) -> Result<(), AppError> {
    for current in activities::related_for_update(conn, document).await? {
        let mut fields = current.fields.clone();
        match document {
            RelatedDocument::Offer(_) => fields.offer_id = None,
            RelatedDocument::SalesOrder(_) => fields.sales_order_id = None,
            RelatedDocument::Invoice(_) => fields.invoice_id = None,
        }
        let state = current.state;
        write_new_version(conn, caller, current, fields, state).await?;
    }
    Ok(())
}

/// The records an activity refers to, when they change: a party the caller sees and that is not
/// archived, a contact person of that party, a responsible user the caller may choose, and a
/// related document (an opportunity, an offer, a sales order or an invoice) the caller sees, of the same party.
async fn check_references(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    fields: &ActivityFields,
    current: Option<&ActivityFields>,
) -> Result<(), AppError> {
    let mut references = References::new(conn, caller);
    let party_changed = changed(fields.party_id, current.and_then(|c| c.party_id)).is_some();
    if let Some(party_id) = fields.party_id.filter(|_| party_changed) {
        references.party("party_id", party_id).await?;
    }
    if let (Some(contact_id), Some(party_id)) = (fields.contact_id, fields.party_id)
        && (party_changed || changed(fields.contact_id, current.and_then(|c| c.contact_id)).is_some())
    {
        references.contact("contact_id", contact_id, party_id).await?;
    }
    if current.map_or(fields.assignee_id.is_some(), |c| c.assignee_id != fields.assignee_id) {
        references.responsible_user("assignee_id", fields.assignee_id).await?;
    }
    let opportunity_changed = changed(fields.opportunity_id, current.and_then(|c| c.opportunity_id)).is_some();
    if let Some(opportunity_id) = fields.opportunity_id.filter(|_| opportunity_changed || party_changed) {
        let party = opportunities::find_for_share(conn, opportunity_id, caller.visibility())
            .await?
            .map(|o| o.fields.party_id);
        related(&mut references, "opportunity_id", party, fields.party_id);
    }
    let offer_changed = changed(fields.offer_id, current.and_then(|c| c.offer_id)).is_some();
    if let Some(offer_id) = fields.offer_id.filter(|_| offer_changed || party_changed) {
        let party = offers::find_for_share(conn, offer_id, caller.visibility())
            .await?
            .map(|o| o.fields.party_id);
        related(&mut references, "offer_id", party, fields.party_id);
    }
    let order_changed = changed(fields.sales_order_id, current.and_then(|c| c.sales_order_id)).is_some();
    if let Some(order_id) = fields.sales_order_id.filter(|_| order_changed || party_changed) {
        let party = sales_orders::party_for_share(conn, order_id, caller.visibility()).await?;
        related(&mut references, "sales_order_id", party, fields.party_id);
    }
    let invoice_changed = changed(fields.invoice_id, current.and_then(|c| c.invoice_id)).is_some();
    if let Some(invoice_id) = fields.invoice_id.filter(|_| invoice_changed || party_changed) {
        let party = invoices::party_for_share(conn, invoice_id, caller.visibility()).await?;
        related(&mut references, "invoice_id", party, fields.party_id);
    }
    references.finish()
}

/// The related document named by `field` exists for the caller (its party is `document_party`)
/// and concerns the activity's party.
fn related<C: ConnectionTrait>(
    references: &mut References<'_, C>,
    field: &str,
    document_party: Option<Uuid>,
    party_id: Option<Uuid>,
) {
    match document_party {
        None => references.add(field, "not_found", "no such document, or one you cannot see"),
        Some(document_party) if !Activity::may_relate_to(party_id, document_party) => {
            references.add(
                field,
                "other_party",
                "the document belongs to another party than the activity",
            );
        }
        Some(_) => {}
    }
}

/// Whether the caller may perform transitions: what `allowed_actions` offers.
pub fn may_act(caller: &Caller) -> bool {
    caller.role.can(Permission::WriteActivities)
}

/// An activity as history and the change feed keep it.
pub fn record(activity: &Activity) -> Value {
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
