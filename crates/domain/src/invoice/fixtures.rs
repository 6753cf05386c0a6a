//! Fixtures the invoice tests share: those of every module (amounts, dates, a party), and a
//! draft of two lines.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Invoice, InvoiceInput, InvoiceKind, InvoiceStatus};
use crate::document::LineInput;
pub(super) use crate::fixtures::{d, day, party};

pub(super) fn draft() -> Invoice {
    let input = InvoiceInput {
        party_id: Uuid::from_u128(1),
        currency: None,
        payment_terms_days: None,
        invoice_date: None,
        notes: None,
        lines: vec![
            LineInput {
                description: Some("A".into()),
                quantity: d("3"),
                unit_price: Some(d("19.99")),
                tax_rate: Some(d("20")),
                ..LineInput::default()
            },
            LineInput {
                description: Some("C".into()),
                quantity: d("7"),
                unit_price: Some(d("1.255")),
                tax_rate: Some(d("7")),
                ..LineInput::default()
            },
        ],
    };
    let at = DateTime::<Utc>::UNIX_EPOCH;
    Invoice {
        id: Uuid::from_u128(7),
        kind: InvoiceKind::Invoice,
        number: None,
        status: InvoiceStatus::Draft,
        fields: input.validate(&party(), &[], Uuid::now_v7).unwrap(),
        due_date: None,
        frozen: None,
        paid_amount: Decimal::ZERO,
        credited_amount: Decimal::ZERO,
        external_id: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}
