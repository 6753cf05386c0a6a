//! `/api/v1/invoices`: invoices and credit notes, the legal end of the chain, with their payments.
//!
//! Invoice endpoints: accountants (and integrators, admins) invoice; everyone who reads sales
//! data reads them.

pub mod dto;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use domain::document::LineInput;
use domain::invoice::{CreditedLine, Invoice, InvoiceInput, Payment};
use persistence::invoices::{InvoiceFilter, InvoiceSort};
use uuid::Uuid;

use self::dto::{
    InvoiceBody, InvoiceLineBody, InvoiceListQuery, InvoicePage, InvoicePatch, InvoiceResponse, InvoiceUpsertBody,
    PaymentBody,
};
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::extract::Body;
use crate::pagination::{self};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use crate::v1::kit::{self, Shown};
use app::clock::today;
use app::invoices as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/invoices")
            .service(create_invoice)
            .service(list_invoices)
            .service(upsert_invoice_by_external_id)
            .service(get_invoice_by_external_id)
            .service(get_invoice)
            .service(update_invoice)
            .service(delete_invoice)
            .service(issue_invoice)
            .service(create_payment)
            .service(list_invoice_history)
            .service(crate::v1::attachments::list_invoice_attachments)
            .service(crate::v1::flow::get_invoice_flow),
    );
}

/// A draft, or a document just issued, has no payments yet: the record alone is its answer.
impl Shown for Invoice {
    type Response = InvoiceResponse;
    fn shown(self, caller: &Caller) -> InvoiceResponse {
        InvoiceResponse::new(self, Vec::new(), today(), service::may_act(caller))
    }
}

/// An invoice with its payments, and the `ETag` of its version.
fn with_payments(status: StatusCode, caller: &Caller, invoice: Invoice, payments: Vec<Payment>) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(etag(invoice.version))
        .json(InvoiceResponse::new(
            invoice,
            payments,
            today(),
            service::may_act(caller),
        ))
}

/// Create a draft: from an open invoice order (`{"invoice_order_id"}`), a credit note of an
/// issued invoice (`{"credits_invoice_id", "lines"?}`), or a direct invoice (`{"party_id",
/// "lines"}`).
#[utoipa::path(
    tag = "invoices",
    operation_id = "create_invoice",
    request_body = InvoiceBody,
    responses(
        (status = 201, description = "Created, `draft`", body = InvoiceResponse,
            headers(("Location" = String, description = "URL of the new draft"), ("ETag" = String, description = "The version, quoted"))),
        (status = 503, response = crate::openapi::ServiceUnavailable),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteInvoices)))
)]
#[post("")]
pub async fn create_invoice(
    state: web::Data<AppState>,
    caller: Authorized,
    body: Body<InvoiceBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let header_given = body.currency.is_some()
        || body.payment_terms_days.is_some()
        || body.invoice_date.is_some()
        || body.notes.is_some();
    let invoice = match (body.invoice_order_id, body.credits_invoice_id, body.party_id) {
        (Some(order_id), None, None) if body.lines.is_none() && !header_given => {
            service::from_invoice_order(&state.db, &caller, order_id, body.external_id).await?
        }
        (None, Some(credited_id), None) if !header_given => {
            let lines = body.lines.map(credited_lines).transpose()?;
            service::credit_note(&state.db, &caller, credited_id, lines, body.external_id).await?
        }
        (None, None, Some(party_id)) => {
            let lines = direct_lines(body.lines.unwrap_or_default())?;
            let input = InvoiceInput {
                party_id,
                currency: body.currency,
                payment_terms_days: body.payment_terms_days,
                invoice_date: body.invoice_date,
                notes: body.notes,
                lines,
            };
            service::create(&state.db, &caller, input, body.external_id).await?
        }
        _ => {
            return Err(ApiError::invalid(
                "",
                "one_source",
                "a draft is made of an invoice order (`invoice_order_id` alone), of an issued invoice \
                 (`credits_invoice_id` with `lines`), or directly (`party_id` with the invoice's fields)",
            ));
        }
    };
    Ok(kit::created(&caller, invoice))
}

kit::upsert_endpoint!(
    /// Create or replace the draft with this external id: a direct invoice (`party_id` and `lines`),
    /// created as `POST /invoices` does, or the whole draft replaced, lines priced again. An issued
    /// document is a 409 `document_immutable`; a draft keeps its party and currency (422
    /// `unchangeable`), and the lines of a draft made from an invoice order, or of a credit note,
    /// follow their source (422 `lines_follow_source`).
    upsert_invoice_by_external_id: Invoice => InvoiceResponse, tag = "invoices", body = InvoiceUpsertBody,
    |db, caller, external_id, if_match, body| {
        let (input, body_external_id) = body.into_input();
        service::upsert(db, &caller, external_id, input, body_external_id, if_match)
    }
);

/// Credit note lines name an invoice line and a quantity, nothing else.
fn credited_lines(lines: Vec<InvoiceLineBody>) -> Result<Vec<CreditedLine>, ApiError> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let described = line.product_id.is_some()
                || line.description.is_some()
                || line.unit.is_some()
                || line.unit_price.is_some()
                || line.discount_percent.is_some()
                || line.tax_rate.is_some();
            match line.invoice_line_id {
                Some(invoice_line_id) if !described => Ok(CreditedLine {
                    position: line.position,
                    invoice_line_id,
                    quantity: line.quantity,
                }),
                _ => Err(ApiError::invalid(
                    format!("lines[{i}]"),
                    "credit_line",
                    "a credit note line names `invoice_line_id`, `quantity` and at most its `position`",
                )),
            }
        })
        .collect()
}

/// Direct invoice lines describe themselves; `invoice_line_id` belongs to credit notes.
fn direct_lines(lines: Vec<InvoiceLineBody>) -> Result<Vec<LineInput>, ApiError> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| match line.invoice_line_id {
            Some(_) => Err(ApiError::invalid(
                format!("lines[{i}].invoice_line_id"),
                "not_allowed",
                "only credit note lines name an invoice line",
            )),
            None => Ok(LineInput {
                position: line.position,
                product_id: line.product_id,
                description: line.description,
                quantity: line.quantity,
                unit: line.unit,
                unit_price: line.unit_price,
                discount_percent: line.discount_percent,
                tax_rate: line.tax_rate,
            }),
        })
        .collect()
}

/// List invoices and credit notes, each with its lines and payments; `overdue=true` lists the
/// issued or partially paid ones due before today.
#[utoipa::path(
    tag = "invoices",
    operation_id = "list_invoices",
    params(InvoiceListQuery),
    responses(
        (status = 200, description = "A page of invoices", body = InvoicePage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadInvoices)))
)]
#[get("")]
pub async fn list_invoices(
    state: web::Data<AppState>,
    caller: Authorized,
    query: crate::query::Query<InvoiceListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let default_sort = pagination::default_sort(query.updated_since.is_some(), "created_at");
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        &[
            ("created_at", InvoiceSort::CreatedAt),
            ("updated_at", InvoiceSort::UpdatedAt),
        ],
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let day = today();
    let filter = InvoiceFilter {
        party_id: query.party_id,
        kind: query.kind.into_iter().map(Into::into).collect(),
        status: query.status.into_iter().map(Into::into).collect(),
        number: query.number,
        invoice_date_from: query::date("invoice_date_from", query.invoice_date_from)?,
        invoice_date_to: query::date("invoice_date_to", query.invoice_date_to)?,
        overdue_on: query.overdue.unwrap_or(false).then_some(day),
        issued: query.issued,
        unpaid: query.unpaid,
        currency: query::currency("currency", query.currency.as_deref())?,
        credits_invoice_id: query.credits_invoice_id,
        invoice_order_id: query.invoice_order_id,
        external_id: query.external_id,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    };
    let (page, payments) = service::list(&state.db, &caller, &filter, &request).await?;
    let total = page.total;
    let (invoices, next_cursor) = pagination::parts(page, &sort, |invoice| invoice);
    Ok(HttpResponse::Ok().json(InvoicePage {
        items: InvoiceResponse::page(invoices, payments, day, service::may_act(&caller)),
        next_cursor,
        total,
    }))
}

/// Read an invoice or credit note with its lines, payments and balance.
#[utoipa::path(
    tag = "invoices",
    operation_id = "get_invoice",
    params(("id" = Uuid, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice", body = InvoiceResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadInvoices)))
)]
#[get("/{id}")]
pub async fn get_invoice(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (invoice, payments) = service::get(&state.db, &caller, id.into_inner()).await?;
    Ok(with_payments(StatusCode::OK, &caller, invoice, payments))
}

/// Read an invoice or credit note by its external id, as `get_invoice` does.
#[utoipa::path(
    tag = "invoices",
    operation_id = "get_invoice_by_external_id",
    params(("external_id" = String, Path, description = "The record's id in the integrator's system")),
    responses(
        (status = 200, description = "The invoice", body = InvoiceResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadInvoices)))
)]
#[get("/by-external-id/{external_id}")]
pub async fn get_invoice_by_external_id(
    state: web::Data<AppState>,
    caller: Authorized,
    external_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id =
        app::lookup::id_by_external_id::<persistence::invoices::Invoices>(&state.db, &caller, &external_id).await?;
    let (invoice, payments) = service::get(&state.db, &caller, id).await?;
    Ok(with_payments(StatusCode::OK, &caller, invoice, payments))
}

kit::update_endpoint!(
    /// Change a draft: payment terms, invoice date, notes, and the lines of a direct invoice (all
    /// replaced); an issued document is a 409 `document_immutable`.
    update_invoice: Invoice => InvoiceResponse, tag = "invoices", id = "Invoice id", body = InvoicePatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, patch.into())
);

kit::remove_endpoint!(
    /// Delete a draft: its invoice order is open again, or what its credit note credited is free. An
    /// issued document is a 409 `document_immutable`.
    delete_invoice: Invoice, tag = "invoices", id = "Invoice id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

kit::transition_endpoint!(
    /// Issue a draft: `draft` → `issued`, numbered `INV-YYYY-NNNNNN` (`CN-…` for credit notes),
    /// gap-free per series and year; the party frozen, the due date fixed.
    issue_invoice: Invoice => InvoiceResponse, tag = "invoices", id = "Invoice id", path = "/{id}/issue",
    done = "The document, `issued`", also = ((status = 422, response = crate::openapi::UnprocessableEntity)),
    |db, caller, id, if_match| service::issue(db, &caller, id, if_match)
);

/// Record a payment of an issued invoice; more than the balance due is a 422 `overpayment`.
#[utoipa::path(
    tag = "invoices",
    operation_id = "create_payment",
    params(("id" = Uuid, Path, description = "Invoice id")),
    request_body = PaymentBody,
    responses(
        (status = 201, description = "The invoice with the payment", body = InvoiceResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteInvoices)))
)]
#[post("/{id}/payments")]
pub async fn create_payment(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
    body: Body<PaymentBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let id = id.into_inner();
    let (invoice, payments) = service::pay(
        &state.db,
        &caller,
        id,
        body.amount,
        body.date,
        body.method.into(),
        body.reference,
    )
    .await?;
    Ok(with_payments(StatusCode::CREATED, &caller, invoice, payments))
}

crate::v1::history::history_endpoint!(
    /// The history of an invoice, also of a deleted draft.
    list_invoice_history,
    Invoice,
    tag = "invoices",
    id = "Invoice id"
);
