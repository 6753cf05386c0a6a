//! The stable form of an invoice or credit note.

use chrono::NaiveDate;
use domain::currency::Currency;
use domain::document::Totals;
use domain::invoice::{Invoice, Payment};
use domain::money::shown_price;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::{address, tax_breakdown};

/// An invoice or credit note with its `payments`, as of `today` (for `overdue`), as history and the feed keep it.
pub fn invoice(invoice: &Invoice, payments: &[Payment], today: NaiveDate) -> Value {
    let Totals {
        net_total,
        tax_total,
        total,
        tax_breakdown: shares,
    } = invoice.totals();
    let f = &invoice.fields;
    let currency = f.currency;
    let frozen = invoice.frozen.as_ref();
    let lines: Vec<Value> = (1_i32..)
        .zip(&f.lines)
        .map(|(position, line)| {
            json!({
                "id": line.id,
                "position": position,
                "sales_order_line_id": line.sales_order_line_id,
                "credits_line_id": line.credits_line_id,
                "product_id": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price": shown_price(line.unit_price, currency),
                "discount_percent": line.discount_percent.normalize(),
                "tax_rate": line.tax_rate.normalize(),
                "line_net": line.amounts().net(currency),
                "credited_quantity": line.credited_quantity,
            })
        })
        .collect();
    let payments: Vec<Value> = payments
        .iter()
        .map(|p| {
            json!({
                "id": p.id,
                "amount": minor(p.amount, currency),
                "date": p.date,
                "method": p.method.as_str(),
                "reference": p.reference,
                "created_at": p.created_at,
            })
        })
        .collect();
    json!({
        "id": invoice.id,
        "kind": invoice.kind.as_str(),
        "number": invoice.number,
        "status": invoice.status.as_str(),
        "party_id": f.party_id,
        "currency": currency.code(),
        "invoice_order_id": f.invoice_order_id,
        "credits_invoice_id": f.credits_invoice_id,
        "invoice_date": f.invoice_date,
        "due_date": invoice.due_date,
        "payment_terms_days": f.payment_terms_days,
        "party_name": frozen.map(|p| &p.name),
        "party_address": frozen.and_then(|p| p.address.as_ref()).map(address),
        "party_vat_id": frozen.and_then(|p| p.vat_id.as_ref()),
        "notes": f.notes,
        "lines": lines,
        "net_total": net_total,
        "tax_total": tax_total,
        "total": total,
        "tax_breakdown": tax_breakdown(&shares),
        "paid_amount": minor(invoice.paid_amount, currency),
        "credited_amount": minor(invoice.credited_amount, currency),
        "balance_due": invoice.balance_due(),
        "overdue": invoice.is_overdue(today),
        "payments": payments,
        "external_id": invoice.external_id,
        "version": invoice.version,
        "created_at": invoice.created_at,
        "updated_at": invoice.updated_at,
    })
}

/// `amount` with exactly the currency's decimals, as the v1 invoice response's `minor` closure shows it.
fn minor(mut amount: Decimal, currency: Currency) -> Decimal {
    amount.rescale(currency.exponent());
    amount
}
