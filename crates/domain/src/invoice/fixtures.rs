//! Fixtures the invoice tests share: shorthands for amounts and dates, a party, and a draft of
//! two lines.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Invoice, InvoiceInput, InvoiceKind, InvoiceStatus};
use crate::document::LineInput;
use crate::party::{Party, PartyInput, PartyKind};

pub(super) fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub(super) fn day(text: &str) -> NaiveDate {
    NaiveDate::from_str(text).unwrap()
}

pub(super) fn party() -> Party {
    let at = DateTime::<Utc>::UNIX_EPOCH;
    let mut input = PartyInput::new(PartyKind::Organization, "Acme GmbH");
    input.vat_id = Some("DE123456789".into());
    input.payment_terms_days = Some(14);
    input.currency = Some("EUR".into());
    Party {
        id: Uuid::from_u128(1),
        fields: input.validate().unwrap(),
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

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
