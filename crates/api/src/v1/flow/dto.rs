//! A document's flow as it travels over HTTP: a summary of each document of the chain, and a
//! table of lines with their quantities at each step.

use chrono::NaiveDate;
use domain::flow::FlowLine;
use domain::invoice::Invoice;
use domain::invoice_order::InvoiceOrder;
use domain::offer::Offer;
use domain::opportunity::Opportunity;
use domain::sales_order::SalesOrder;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::v1::attachments::dto::AttachmentResponse;
use crate::v1::contracts::dto::ContractStatus;
use crate::v1::invoice_orders::dto::InvoiceOrderStatus;
use crate::v1::invoices::dto::InvoiceStatus;
use crate::v1::offers::dto::OfferStatus;
use crate::v1::opportunities::dto::OpportunityStatus;
use crate::v1::sales_orders::dto::{InvoicingStatus, SalesOrderStatus};
use crate::v1::subscriptions::dto::SubscriptionStatus;

/// The chain of documents, from the opportunity to the credit notes. Documents the caller may not
/// see are left out; each list is in the order the documents were made.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowResponse {
    /// The contracts of the subscriptions below.
    pub contracts: Vec<FlowContract>,
    /// The subscriptions whose periods the orders bill.
    pub subscriptions: Vec<FlowSubscription>,
    pub opportunities: Vec<FlowOpportunity>,
    pub offers: Vec<FlowOffer>,
    pub sales_orders: Vec<FlowSalesOrder>,
    pub invoice_orders: Vec<FlowInvoiceOrder>,
    pub invoices: Vec<FlowInvoice>,
    pub credit_notes: Vec<FlowInvoice>,
    /// Every line of the orders (with the offer line each came from), then the offer lines that
    /// were not ordered, then the lines invoiced without an order.
    pub lines: Vec<FlowLineResponse>,
    /// The files attached to these documents: an order shows its offer's (its purchase order,
    /// the signed offer). `GET /attachments/{id}/content` downloads one.
    pub attachments: Vec<AttachmentResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlowContract {
    pub id: Uuid,
    pub number: String,
    pub title: String,
    pub status: ContractStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlowSubscription {
    pub id: Uuid,
    pub number: String,
    pub status: SubscriptionStatus,
    pub contract_id: Option<Uuid>,
    pub currency: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlowOpportunity {
    pub id: Uuid,
    pub title: String,
    pub status: OpportunityStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlowOffer {
    pub id: Uuid,
    pub number: String,
    pub revision: i32,
    pub status: OfferStatus,
    pub opportunity_id: Option<Uuid>,
    pub currency: String,
    #[schema(value_type = String, example = "91.26")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "108.37")]
    pub total: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlowSalesOrder {
    pub id: Uuid,
    pub number: String,
    pub status: SalesOrderStatus,
    pub invoicing_status: InvoicingStatus,
    pub offer_id: Option<Uuid>,
    pub order_date: NaiveDate,
    pub currency: String,
    #[schema(value_type = String, example = "91.26")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "108.37")]
    pub total: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlowInvoiceOrder {
    pub id: Uuid,
    pub status: InvoiceOrderStatus,
    /// The sales orders its lines come from.
    pub sales_order_ids: Vec<Uuid>,
    pub currency: String,
    #[schema(value_type = String, example = "91.26")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "108.37")]
    pub total: Decimal,
}

/// An invoice or a credit note.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowInvoice {
    pub id: Uuid,
    /// Null for drafts.
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub invoice_order_id: Option<Uuid>,
    /// On a credit note: the invoice it credits.
    pub credits_invoice_id: Option<Uuid>,
    pub invoice_date: Option<NaiveDate>,
    pub currency: String,
    #[schema(value_type = String, example = "91.26")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "108.37")]
    pub total: Decimal,
    /// total − credited − paid.
    #[schema(value_type = String, example = "58.37")]
    pub balance_due: Decimal,
}

/// One line along the chain. Quantities are in the line's unit; drafts count (deleting a draft
/// gives its quantities back).
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowLineResponse {
    pub offer_id: Option<Uuid>,
    pub offer_line_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub sales_order_line_id: Option<Uuid>,
    /// Lines invoiced without an order only.
    pub invoice_id: Option<Uuid>,
    pub invoice_line_id: Option<Uuid>,
    pub description: String,
    #[schema(value_type = String, example = "10")]
    pub offered: Decimal,
    #[schema(value_type = String, example = "10")]
    pub ordered: Decimal,
    /// On open invoice orders, not invoiced yet.
    #[schema(value_type = String, example = "2")]
    pub reserved: Decimal,
    #[schema(value_type = String, example = "5")]
    pub invoiced: Decimal,
    /// On credit notes of its invoices.
    #[schema(value_type = String, example = "1")]
    pub credited: Decimal,
    /// ordered − invoiced − reserved: what may still go on an invoice order.
    #[schema(value_type = String, example = "3")]
    pub remaining: Decimal,
}

impl From<&Opportunity> for FlowOpportunity {
    fn from(o: &Opportunity) -> Self {
        FlowOpportunity {
            id: o.id,
            title: o.fields.title.clone(),
            status: o.status.into(),
        }
    }
}

impl FlowOffer {
    pub fn new(offer: &Offer, today: NaiveDate) -> Self {
        let totals = offer.totals();
        FlowOffer {
            id: offer.id,
            number: offer.number.clone(),
            revision: offer.revision,
            status: offer.status_on(today).into(),
            opportunity_id: offer.fields.opportunity_id,
            currency: offer.fields.currency.code().to_owned(),
            net_total: totals.net_total,
            total: totals.total,
        }
    }
}

impl From<&SalesOrder> for FlowSalesOrder {
    fn from(order: &SalesOrder) -> Self {
        let totals = order.totals();
        FlowSalesOrder {
            id: order.id,
            number: order.number.clone(),
            status: order.status.into(),
            invoicing_status: order.invoicing_status().into(),
            offer_id: order.fields.offer_id,
            order_date: order.fields.order_date,
            currency: order.fields.currency.code().to_owned(),
            net_total: totals.net_total,
            total: totals.total,
        }
    }
}

impl From<&InvoiceOrder> for FlowInvoiceOrder {
    fn from(order: &InvoiceOrder) -> Self {
        let totals = order.totals();
        let mut sales_order_ids: Vec<Uuid> = Vec::new();
        for line in &order.lines {
            if !sales_order_ids.contains(&line.sales_order_id) {
                sales_order_ids.push(line.sales_order_id);
            }
        }
        FlowInvoiceOrder {
            id: order.id,
            status: order.status.into(),
            sales_order_ids,
            currency: order.currency.code().to_owned(),
            net_total: totals.net_total,
            total: totals.total,
        }
    }
}

impl From<&Invoice> for FlowInvoice {
    fn from(invoice: &Invoice) -> Self {
        let totals = invoice.totals();
        FlowInvoice {
            id: invoice.id,
            number: invoice.number.clone(),
            status: invoice.status.into(),
            invoice_order_id: invoice.fields.invoice_order_id,
            credits_invoice_id: invoice.fields.credits_invoice_id,
            invoice_date: invoice.fields.invoice_date,
            currency: invoice.fields.currency.code().to_owned(),
            net_total: totals.net_total,
            total: totals.total,
            balance_due: invoice.balance_due(),
        }
    }
}

impl From<FlowLine> for FlowLineResponse {
    fn from(line: FlowLine) -> Self {
        FlowLineResponse {
            offer_id: line.offer_id,
            offer_line_id: line.offer_line_id,
            sales_order_id: line.sales_order_id,
            sales_order_line_id: line.sales_order_line_id,
            invoice_id: line.invoice_id,
            invoice_line_id: line.invoice_line_id,
            description: line.description,
            offered: line.offered.normalize(),
            ordered: line.ordered.normalize(),
            reserved: line.reserved.normalize(),
            invoiced: line.invoiced.normalize(),
            credited: line.credited.normalize(),
            remaining: line.remaining.normalize(),
        }
    }
}

impl From<app::flow::Flow> for FlowResponse {
    fn from(flow: app::flow::Flow) -> Self {
        Self {
            contracts: flow
                .contracts
                .iter()
                .map(|c| FlowContract {
                    id: c.id,
                    number: c.number.clone(),
                    title: c.fields.title.clone(),
                    status: c.state.status.into(),
                })
                .collect(),
            subscriptions: flow
                .subscriptions
                .iter()
                .map(|s| FlowSubscription {
                    id: s.id,
                    number: s.number.clone(),
                    status: s.state.status.into(),
                    contract_id: s.fields.contract_id,
                    currency: s.fields.currency.code().to_owned(),
                })
                .collect(),
            opportunities: flow.opportunities.iter().map(FlowOpportunity::from).collect(),
            offers: flow.offers.iter().map(|o| FlowOffer::new(o, flow.today)).collect(),
            sales_orders: flow.sales_orders.iter().map(FlowSalesOrder::from).collect(),
            invoice_orders: flow.invoice_orders.iter().map(FlowInvoiceOrder::from).collect(),
            invoices: flow.invoices.iter().map(FlowInvoice::from).collect(),
            credit_notes: flow.credit_notes.iter().map(FlowInvoice::from).collect(),
            lines: flow.lines.into_iter().map(Into::into).collect(),
            attachments: flow.attachments.into_iter().map(Into::into).collect(),
        }
    }
}
