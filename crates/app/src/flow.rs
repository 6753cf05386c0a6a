//! Gathers the chain a document belongs to: from it to its sales orders, then up to their offers
//! and opportunities (or the subscriptions whose periods they bill, and their contracts) and down
//! to the invoice orders, invoices and credit notes of their lines.
//! Every read happens in one snapshot, so the quantities agree with each other.

use chrono::NaiveDate;
use domain::attachment::Attachment;
use domain::contract::Contract;
use domain::flow::{self, FlowLine};
use domain::invoice::{Invoice, InvoiceKind};
use domain::invoice_order::InvoiceOrder;
use domain::offer::Offer;
use domain::opportunity::Opportunity;
use domain::resource::ResourceType;
use domain::sales_order::SalesOrder;
use domain::subscription::Subscription;
use persistence::contracts::Contracts;
use persistence::subscriptions::Subscriptions;
use persistence::{
    DatabaseConnection, DatabaseTransaction, attachments, db, invoice_orders, invoices, offers, sales_orders,
    subscription_periods,
};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::today;
use crate::error::AppError;
use persistence::invoice_orders::InvoiceOrders;
use persistence::invoices::Invoices;
use persistence::offers::Offers;
use persistence::opportunities::Opportunities;
use persistence::sales_orders::SalesOrders;
use persistence::table;

/// The most sales orders a flow follows through invoice orders that gather several.
const MAX_ORDERS: usize = 100;

/// The document a flow is asked for.
#[derive(Debug, Clone, Copy)]
pub enum Start {
    Offer(Uuid),
    SalesOrder(Uuid),
    InvoiceOrder(Uuid),
    Invoice(Uuid),
    Subscription(Uuid),
}

/// What the start names directly: the sales orders the chain runs through, and the documents
/// that belong to it even when no sales order links them (an offer not converted yet, an
/// invoice made without an order).
#[derive(Default)]
struct Seed {
    order_ids: Vec<Uuid>,
    offer_ids: Vec<Uuid>,
    invoice_orders: Vec<InvoiceOrder>,
    invoices: Vec<Invoice>,
    subscription_ids: Vec<Uuid>,
}

/// The chain of documents, from the opportunity to the credit notes. Documents the caller may not
/// see are left out; each list is in the order the documents were made.
pub struct Flow {
    /// The contracts of the subscriptions below.
    pub contracts: Vec<Contract>,
    /// The subscriptions whose periods the orders bill.
    pub subscriptions: Vec<Subscription>,
    pub opportunities: Vec<Opportunity>,
    pub offers: Vec<Offer>,
    pub sales_orders: Vec<SalesOrder>,
    pub invoice_orders: Vec<InvoiceOrder>,
    pub invoices: Vec<Invoice>,
    pub credit_notes: Vec<Invoice>,
    /// Every line of the orders (with the offer line each came from), then the offer lines that
    /// were not ordered, then the lines invoiced without an order.
    pub lines: Vec<FlowLine>,
    /// The files attached to the documents above (documents carry them along the chain: the
    /// order shows its offer's), oldest first per kind of document.
    pub attachments: Vec<Attachment>,
    /// The day the flow was read on (offers expire by it).
    pub today: NaiveDate,
}

/// The flow of the document `start` names; 404 when the caller does not see that document.
pub async fn flow(db: &DatabaseConnection, caller: &Caller, start: Start) -> Result<Flow, AppError> {
    let txn = db::snapshot(db).await?;
    let visibility = caller.visibility();
    let seed = seed(&txn, caller, start).await?;
    // An invoice order that gathers several sales orders joins their chains: follow them until
    // no new order turns up, so that every document of the chain shows the same flow.
    let mut order_ids = unique(seed.order_ids);
    let mut invoice_orders = invoice_orders::of_sales_orders(&txn, &order_ids, visibility).await?;
    loop {
        let mut reached = order_ids.clone();
        reached.extend(
            invoice_orders
                .iter()
                .flat_map(|o| o.lines.iter().map(|l| l.sales_order_id)),
        );
        let reached = unique(reached);
        if reached.len() == order_ids.len() || reached.len() > MAX_ORDERS {
            break;
        }
        order_ids = reached;
        invoice_orders = invoice_orders::of_sales_orders(&txn, &order_ids, visibility).await?;
    }
    let orders = sales_orders::find_many(&txn, &order_ids, visibility).await?;
    let mut offer_ids = seed.offer_ids;
    offer_ids.extend(orders.iter().filter_map(|o| o.fields.offer_id));
    let offers = offers::find_many(&txn, &unique(offer_ids), visibility).await?;
    let mut opportunities: Vec<Opportunity> = Vec::new();
    for id in unique(offers.iter().filter_map(|o| o.fields.opportunity_id).collect()) {
        opportunities.extend(table::find::<Opportunities>(&txn, id, visibility).await?);
    }
    let billed = subscription_periods::subscriptions_of_orders(&txn, &order_ids).await?;
    let mut subscription_ids = seed.subscription_ids;
    subscription_ids.extend(billed.into_iter().map(|(_, subscription)| subscription));
    let mut subscriptions: Vec<Subscription> = Vec::new();
    for id in unique(subscription_ids) {
        subscriptions.extend(table::find::<Subscriptions>(&txn, id, visibility).await?);
    }
    let mut contracts: Vec<Contract> = Vec::new();
    for id in unique(subscriptions.iter().filter_map(|s| s.fields.contract_id).collect()) {
        contracts.extend(table::find::<Contracts>(&txn, id, visibility).await?);
    }
    merge(&mut invoice_orders, seed.invoice_orders, |o| (o.created_at, o.id));
    let mut documents = invoices::of_sales_orders(&txn, &order_ids, visibility).await?;
    merge(&mut documents, seed.invoices, |i| (i.created_at, i.id));
    let invoice_ids: Vec<Uuid> = documents
        .iter()
        .filter(|i| i.kind == InvoiceKind::Invoice)
        .map(|i| i.id)
        .collect();
    let credit_notes = invoices::credit_notes_of(&txn, &invoice_ids, visibility).await?;
    merge(&mut documents, credit_notes, |i| (i.created_at, i.id));
    let documents_of = [
        (
            ResourceType::Contract,
            contracts.iter().map(|c| c.id).collect::<Vec<_>>(),
        ),
        (ResourceType::Opportunity, opportunities.iter().map(|o| o.id).collect()),
        (ResourceType::Offer, offers.iter().map(|o| o.id).collect()),
        (ResourceType::SalesOrder, orders.iter().map(|o| o.id).collect()),
        (ResourceType::Invoice, documents.iter().map(|i| i.id).collect()),
    ];
    let mut attached = Vec::new();
    for (resource, ids) in documents_of {
        attached.extend(attachments::of_records(&txn, resource, &ids).await?);
    }
    txn.commit().await?;

    let (invoices, credit_notes): (Vec<Invoice>, Vec<Invoice>) =
        documents.into_iter().partition(|i| i.kind == InvoiceKind::Invoice);
    Ok(Flow {
        lines: flow::lines(&offers, &orders, &invoices),
        contracts,
        subscriptions,
        opportunities,
        offers,
        sales_orders: orders,
        invoice_orders,
        invoices,
        credit_notes,
        attachments: attached,
        today: today(),
    })
}

async fn seed(txn: &DatabaseTransaction, caller: &Caller, start: Start) -> Result<Seed, AppError> {
    let visibility = caller.visibility();
    let mut seed = Seed::default();
    match start {
        Start::Offer(id) => {
            table::find::<Offers>(txn, id, visibility)
                .await?
                .ok_or(AppError::not_found(ResourceType::Offer))?;
            seed.offer_ids.push(id);
            seed.order_ids.extend(sales_orders::id_of_offer(txn, id).await?);
        }
        Start::SalesOrder(id) => {
            table::find::<SalesOrders>(txn, id, visibility)
                .await?
                .ok_or(AppError::not_found(ResourceType::SalesOrder))?;
            seed.order_ids.push(id);
        }
        Start::InvoiceOrder(id) => {
            let order = table::find::<InvoiceOrders>(txn, id, visibility)
                .await?
                .ok_or(AppError::not_found(ResourceType::InvoiceOrder))?;
            seed.order_ids = unique(order.lines.iter().map(|l| l.sales_order_id).collect());
            seed.invoice_orders.push(order);
        }
        Start::Invoice(id) => {
            let document = table::find::<Invoices>(txn, id, visibility)
                .await?
                .ok_or(AppError::not_found(ResourceType::Invoice))?;
            // A credit note's chain is the one of the invoice it credits.
            let credited = match document.fields.credits_invoice_id {
                Some(credited_id) => table::find::<Invoices>(txn, credited_id, visibility).await?,
                None => None,
            };
            let invoice = credited.unwrap_or(document);
            let ordered: Vec<Uuid> = invoice
                .fields
                .lines
                .iter()
                .filter_map(|l| l.sales_order_line_id)
                .collect();
            seed.order_ids = sales_orders::ids_of_lines(txn, &ordered).await?;
            seed.invoices.push(invoice);
        }
        Start::Subscription(id) => {
            table::find::<Subscriptions>(txn, id, visibility)
                .await?
                .ok_or(AppError::not_found(ResourceType::Subscription))?;
            seed.subscription_ids.push(id);
            // Its latest orders: a subscription billed for years has more than a flow shows.
            let orders = subscription_periods::orders_of_subscriptions(txn, &[id]).await?;
            seed.order_ids = orders[orders.len().saturating_sub(MAX_ORDERS)..].to_vec();
        }
    }
    Ok(seed)
}

/// `found` with the documents of `extra` it lacks, ordered by `key` (when each was made).
fn merge<T, K: Ord>(found: &mut Vec<T>, extra: Vec<T>, key: impl Fn(&T) -> K) {
    for item in extra {
        if !found.iter().any(|f| key(f) == key(&item)) {
            found.push(item);
        }
    }
    found.sort_by_key(|item| key(item));
}

fn unique(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort_unstable();
    ids.dedup();
    ids
}
