//! Invoice order use cases. Reserving is one conditional, set-based update of the sales order
//! lines: the database adds each quantity only where it fits what remains, so requests that race
//! can never over-reserve; a request that loses is checked again and told what remains.

use domain::access::Permission;
use domain::invoice_order::{self, InvoiceOrder, InvoiceOrderAction, InvoiceOrderStatus, PlanError, RequestedLine};
use domain::resource::ResourceType;
use persistence::invoice_orders::{self, InvoiceOrderFilter, InvoiceOrderSort};
use persistence::page::{Page, PageRequest};
use persistence::units::to_units;
use persistence::{ConnectionTrait, DatabaseConnection, sales_orders};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history::Change;
use crate::lookup;
use crate::transaction;
use crate::versioned::{self, Versioned};
use crate::versions::check_version;
use chrono::{DateTime, Utc};
use persistence::invoice_orders::InvoiceOrders;
use persistence::sales_orders::SalesOrders;
use persistence::table;

use crate::records;
use domain::money::shown_price;
use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::InvoiceOrder;
/// A request that keeps losing races is told to retry after this many attempts.
const ATTEMPTS: usize = 3;

pub fn may_act(caller: &Caller) -> bool {
    caller.role.can(Permission::WriteInvoices)
}

/// Reserves the lines (or all that remains of `sales_order_id`) on a new, open invoice order.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    sales_order_id: Option<Uuid>,
    lines: Option<Vec<RequestedLine>>,
) -> Result<InvoiceOrder, AppError> {
    for _ in 0..ATTEMPTS {
        if let Some(order) = create_once(db, caller, sales_order_id, lines.as_deref()).await? {
            return Ok(order);
        }
    }
    Err(AppError::Busy)
}

/// One attempt: `None` when a concurrent reservation took what the snapshot saw (the transaction
/// rolls back and the next attempt reads again).
async fn create_once(
    db: &DatabaseConnection,
    caller: &Caller,
    sales_order_id: Option<Uuid>,
    requested: Option<&[RequestedLine]>,
) -> Result<Option<InvoiceOrder>, AppError> {
    let txn = persistence::db::begin(db).await?;
    let mut ordered = match (sales_order_id, requested) {
        (Some(id), None) => {
            if table::find::<SalesOrders>(&txn, id, caller.visibility())
                .await?
                .is_none()
            {
                return Err(AppError::invalid(
                    "sales_order_id",
                    "not_found",
                    "no sales order with this id",
                ));
            }
            sales_orders::ordered_lines_of(&txn, id).await?
        }
        (_, Some(lines)) => {
            let ids: Vec<Uuid> = lines.iter().map(|l| l.sales_order_line_id).collect();
            sales_orders::ordered_lines(&txn, &ids).await?
        }
        (None, None) => {
            return Err(AppError::invalid(
                "sales_order_id",
                "required",
                "name the sales order to invoice, or the lines",
            ));
        }
    };
    if let Some(id) = sales_order_id {
        // With lines, they must belong to the order named.
        ordered.retain(|o| o.sales_order_id == id);
    }
    // The statuses that count are the ones read under the orders' share lock: a cancellation
    // racing this reservation either waits for it (and then sees it) or is seen by it.
    let mut order_ids: Vec<Uuid> = ordered.iter().map(|o| o.sales_order_id).collect();
    order_ids.sort_unstable();
    order_ids.dedup();
    let statuses = sales_orders::statuses_for_share(&txn, &order_ids).await?;
    for line in &mut ordered {
        if let Some(status) = statuses.get(&line.sales_order_id) {
            line.order_status = *status;
        }
    }
    let (party_id, currency, lines) =
        invoice_order::plan(requested, &ordered, Uuid::now_v7).map_err(|error| match error {
            PlanError::OrderNotConfirmed { sales_order_id, status } => AppError::conflict(
                ErrorCode::OrderNotConfirmed,
                format!("only confirmed orders are invoiced; this one is {}", status.as_str()),
                Some(sales_order_id),
            ),
            PlanError::Invalid(errors) => errors.into(),
        })?;
    let changes: Vec<(Uuid, i64)> = lines.iter().map(|l| (l.ordered.id, to_units(l.quantity))).collect();
    if !sales_orders::reserve(&txn, &changes).await? {
        return Ok(None);
    }
    let at = now();
    let order = InvoiceOrder {
        id: Uuid::now_v7(),
        party_id,
        currency,
        status: InvoiceOrderStatus::Open,
        lines,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    invoice_orders::insert(&txn, &order).await?;
    versioned::record_creation::<InvoiceOrders>(&txn, caller, &order).await?;
    transaction::commit(txn).await?;
    Ok(Some(order))
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<InvoiceOrder, AppError> {
    lookup::get::<InvoiceOrders>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &InvoiceOrderFilter,
    request: &PageRequest<InvoiceOrderSort>,
) -> Result<Page<InvoiceOrder>, AppError> {
    Ok(invoice_orders::list(db, filter, caller.visibility(), request).await?)
}

/// Cancels an open invoice order: its quantities are free again.
pub async fn cancel(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
) -> Result<InvoiceOrder, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let status = current
        .act(InvoiceOrderAction::Cancel)
        .map_err(|error| AppError::invalid_transition(RESOURCE, error))?;
    sales_orders::release(&txn, &reservations(&current)).await?;
    let cancelled = write(&txn, caller, &current, status).await?;
    transaction::commit(txn).await?;
    Ok(cancelled)
}

/// Marks the open invoice order invoiced, in the caller's transaction: an invoice was made of it.
/// Its reservations become invoiced quantities.
pub async fn invoice(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &InvoiceOrder,
) -> Result<InvoiceOrder, AppError> {
    let status = current
        .act(InvoiceOrderAction::Invoice)
        .map_err(|error| AppError::invalid_transition(RESOURCE, error))?;
    sales_orders::invoice(conn, &reservations(current)).await?;
    write(conn, caller, current, status).await
}

/// Opens the invoiced order again, in the caller's transaction: the draft made of it was deleted.
pub async fn reopen(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &InvoiceOrder,
) -> Result<InvoiceOrder, AppError> {
    let back: Vec<(Uuid, i64)> = reservations(current)
        .into_iter()
        .map(|(id, units)| (id, -units))
        .collect();
    sales_orders::invoice(conn, &back).await?;
    write(conn, caller, current, InvoiceOrderStatus::Open).await
}

pub async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<InvoiceOrder, AppError> {
    lookup::for_update::<InvoiceOrders>(conn, caller, id).await
}

fn reservations(order: &InvoiceOrder) -> Vec<(Uuid, i64)> {
    order
        .lines
        .iter()
        .map(|l| (l.ordered.id, to_units(l.quantity)))
        .collect()
}

/// Writes the next version of `current`, in `status`, and records the change.
async fn write(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &InvoiceOrder,
    status: InvoiceOrderStatus,
) -> Result<InvoiceOrder, AppError> {
    let changed = InvoiceOrder {
        status,
        ..current.clone()
    };
    versioned::write_next::<InvoiceOrders>(conn, caller, current, changed, now()).await
}

impl Versioned for InvoiceOrders {
    const FORM: fn(&InvoiceOrder) -> Value = record;

    fn next_version(order: InvoiceOrder, at: DateTime<Utc>) -> InvoiceOrder {
        InvoiceOrder {
            version: order.version + 1,
            updated_at: at,
            ..order
        }
    }

    fn change(before: &InvoiceOrder, after: &InvoiceOrder) -> Change {
        Change::of_status(before.status, after.status)
    }

    async fn write(conn: &impl ConnectionTrait, order: &InvoiceOrder, expected_version: i32) -> Result<bool, AppError> {
        Ok(invoice_orders::update(conn, order, expected_version).await?)
    }
}

/// An invoice order with its lines, as history and the change feed keep it.
pub fn record(order: &InvoiceOrder) -> Value {
    let currency = order.currency;
    let lines = records::positioned(&order.lines, |position, line| {
        let ordered = &line.ordered;
        json!({
            "id": line.id,
            "position": position,
            "sales_order_id": line.sales_order_id,
            "sales_order_line_id": ordered.id,
            "product_id": ordered.product_id,
            "description": ordered.description,
            "quantity": line.quantity,
            "unit": ordered.unit,
            "unit_price": shown_price(ordered.unit_price, currency),
            "discount_percent": ordered.discount_percent.normalize(),
            "tax_rate": ordered.tax_rate.normalize(),
            "line_net": line.amounts().net(currency),
        })
    });
    let header = json!({
        "id": order.id,
        "party_id": order.party_id,
        "currency": currency.code(),
        "status": order.status.as_str(),
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    });
    records::document(header, order.totals(), lines)
}
