//! Recording and reading history entries. Every change is recorded here, in the change's own
//! transaction, together with its event of the change feed: committed together or not at all.

use chrono::{DateTime, Utc};
pub use domain::event::Change;
use domain::history;
use domain::resource::ResourceType;
use persistence::events::NewEvent;
use persistence::history::{self as store, Entry};
use persistence::page::{Page, PageRequest};
use persistence::table::{self, Table};
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection};
use serde_json::Value;
use uuid::Uuid;

use crate::caller::Caller;
use crate::error::AppError;

/// Records a change of one record, in the caller's transaction. `before` is the record's form
/// (see [`crate::records`]) before the change (none on creation), `after` the form after it. An
/// update that changed no field leaves no entry and no event.
pub async fn record(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource_type: ResourceType,
    resource_id: Uuid,
    change: Change,
    before: Option<&Value>,
    after: &Value,
) -> Result<(), AppError> {
    record_by(conn, Some(caller.id), resource_type, resource_id, change, before, after).await
}

/// [`record`] of a change made by `actor_id`, or by the server itself when none (the first
/// admin, created at start-up).
pub async fn record_by(
    conn: &impl ConnectionTrait,
    actor_id: Option<Uuid>,
    resource_type: ResourceType,
    resource_id: Uuid,
    change: Change,
    before: Option<&Value>,
    after: &Value,
) -> Result<(), AppError> {
    let recorded = Recorded {
        actor_id,
        resource_type,
        resource_id,
        change,
        at: crate::clock::now(),
        before,
        after,
    };
    record_all(conn, &[recorded]).await
}

/// A change of one record as history and the feed record it: who made it, when, and the record's
/// form before and after (see [`record`]).
pub struct Recorded<'a> {
    pub actor_id: Option<Uuid>,
    pub resource_type: ResourceType,
    pub resource_id: Uuid,
    pub change: Change,
    pub at: DateTime<Utc>,
    pub before: Option<&'a Value>,
    pub after: &'a Value,
}

/// Records `changes` in their order: one history entry and one event each, written together (one
/// statement on PostgreSQL for up to two thousand changes; a bulk load records its records as any
/// change does).
pub async fn record_all(conn: &impl ConnectionTrait, changes: &[Recorded<'_>]) -> Result<(), AppError> {
    let mut entries = Vec::with_capacity(changes.len());
    let mut kinds = Vec::with_capacity(changes.len());
    for recorded in changes {
        let action = recorded.change.action();
        let field_changes = history::diff(recorded.before, recorded.after);
        if field_changes.is_empty() && action == history::Action::Updated {
            continue;
        }
        let data = if action == history::Action::Deleted {
            recorded.before.unwrap_or(recorded.after)
        } else {
            recorded.after
        };
        kinds.push((recorded.change.event_type(recorded.resource_type), data));
        entries.push(Entry {
            id: Uuid::now_v7(),
            resource_type: recorded.resource_type.as_str(),
            resource_id: recorded.resource_id,
            action,
            actor_id: recorded.actor_id,
            occurred_at: recorded.at,
            changes: field_changes,
        });
    }
    let events: Vec<NewEvent> = entries
        .iter()
        .zip(&kinds)
        .map(|(entry, (kind, data))| NewEvent {
            id: Uuid::now_v7(),
            kind,
            resource_type: entry.resource_type,
            resource_id: entry.resource_id,
            actor_id: entry.actor_id,
            occurred_at: entry.occurred_at,
            data,
        })
        .collect();
    Ok(store::record_with_events(conn, &entries, &events).await?)
}

/// Records the deletion of a record whose form was `before`: its history outlives it.
pub async fn record_deletion(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource_type: ResourceType,
    resource_id: Uuid,
    before: &Value,
) -> Result<(), AppError> {
    record(
        conn,
        caller,
        resource_type,
        resource_id,
        Change::Deleted,
        Some(before),
        &Value::Null,
    )
    .await
}

/// `GET /{resource}/{id}/history`: the entries of one record, oldest first, for a caller who
/// may read the resource and sees the record. A deleted record's history outlives it (price
/// lists, discount rules, pipeline stages, drafts); of a record scoped by owner or party, only
/// callers who see every record read it, as nothing is left to decide who saw it. An id that
/// never was is a 404.
pub async fn of(
    db: &DatabaseConnection,
    caller: &Caller,
    resource: ResourceType,
    id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<Entry>, AppError> {
    use persistence::{activities, attachments, invoice_orders, invoices, offers, opportunities, parties};
    use persistence::{cases, contracts, sales_targets, sla_policies, subscriptions};
    use persistence::{discount_rules, pipeline_stages, price_lists, products, sales_orders, teams, users};
    caller.require(resource.read_permission())?;
    let found = match resource {
        ResourceType::Party => found::<parties::Parties>(db, caller, id).await?,
        ResourceType::Activity => found::<activities::Activities>(db, caller, id).await?,
        ResourceType::Opportunity => found::<opportunities::Opportunities>(db, caller, id).await?,
        ResourceType::Product => found::<products::Products>(db, caller, id).await?,
        ResourceType::PriceList => found::<price_lists::PriceLists>(db, caller, id).await?,
        ResourceType::DiscountRule => found::<discount_rules::DiscountRules>(db, caller, id).await?,
        ResourceType::PipelineStage => found::<pipeline_stages::PipelineStages>(db, caller, id).await?,
        ResourceType::Offer => found::<offers::Offers>(db, caller, id).await?,
        ResourceType::SalesOrder => found::<sales_orders::SalesOrders>(db, caller, id).await?,
        ResourceType::InvoiceOrder => found::<invoice_orders::InvoiceOrders>(db, caller, id).await?,
        ResourceType::Invoice => found::<invoices::Invoices>(db, caller, id).await?,
        ResourceType::User => found::<users::Users>(db, caller, id).await?,
        ResourceType::Team => found::<teams::Teams>(db, caller, id).await?,
        ResourceType::Case => found::<cases::Cases>(db, caller, id).await?,
        ResourceType::SlaPolicy => found::<sla_policies::SlaPolicies>(db, caller, id).await?,
        ResourceType::Contract => found::<contracts::Contracts>(db, caller, id).await?,
        ResourceType::Subscription => found::<subscriptions::Subscriptions>(db, caller, id).await?,
        ResourceType::SalesTarget => found::<sales_targets::SalesTargets>(db, caller, id).await?,
        // Subscriptions are the feed's consumers, not part of it: they have no history.
        ResourceType::Webhook => Found::Hidden,
        // Seen by who sees its record.
        ResourceType::Attachment => match table::find::<attachments::Attachments>(db, id, Visibility::All).await? {
            Some(attachment) if crate::attachments::sees(db, caller, &attachment).await? => Found::Visible,
            Some(_) => Found::Hidden,
            None => Found::Gone,
        },
    };
    let readable = match found {
        Found::Visible => true,
        Found::Hidden => false,
        Found::Gone => !resource.is_scoped() || caller.visibility() == Visibility::All,
    };
    if !readable {
        return Err(AppError::not_found(resource));
    }
    let page = store::list(db, resource.as_str(), id, request).await?;
    if found == Found::Gone && page.items.is_empty() && request.after.is_none() {
        return Err(AppError::not_found(resource));
    }
    Ok(page)
}

/// Whether a record is there for the caller, there but not for them, or not there (deleted, or
/// never made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Visible,
    Hidden,
    Gone,
}

async fn found<T: Table>(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Found, AppError> {
    Ok(if table::find::<T>(db, id, caller.visibility()).await?.is_some() {
        Found::Visible
    } else if table::find::<T>(db, id, Visibility::All).await?.is_some() {
        Found::Hidden
    } else {
        Found::Gone
    })
}
