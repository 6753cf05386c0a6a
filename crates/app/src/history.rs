//! Recording and reading history entries. Every change is recorded here, in the change's own
//! transaction, together with its event of the change feed: committed together or not at all.

pub use domain::event::Change;
use domain::history;
use domain::resource::ResourceType;
use persistence::events::{self, NewEvent};
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
    let action = change.action();
    let changes = history::diff(before, after);
    if changes.is_empty() && action == history::Action::Updated {
        return Ok(());
    }
    let entry = Entry {
        id: Uuid::now_v7(),
        resource_type: resource_type.as_str(),
        resource_id,
        action,
        actor_id,
        occurred_at: crate::clock::now(),
        changes,
    };
    store::record(conn, &entry).await?;
    let kind = change.event_type(resource_type);
    let data = if action == history::Action::Deleted {
        before.unwrap_or(after)
    } else {
        after
    };
    let event = NewEvent {
        id: Uuid::now_v7(),
        kind: &kind,
        resource_type: resource_type.as_str(),
        resource_id,
        actor_id: entry.actor_id,
        occurred_at: entry.occurred_at,
        data,
    };
    Ok(events::append(conn, &event).await?)
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
    use persistence::{activities, invoice_orders, invoices, offers, opportunities, parties};
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
        // Subscriptions are the feed's consumers, not part of it: they have no history.
        ResourceType::Webhook => Found::Hidden,
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
