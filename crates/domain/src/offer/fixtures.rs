//! Fixtures the offer tests (and the sales order ones) share: a line, and an offer of lines.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{LineInput, Offer, OfferInput, OfferLineInput, OfferStatus, number};
pub(crate) use crate::fixtures::{d, day};

pub(crate) fn line(quantity: &str, price: &str, discount: &str, rate: &str, optional: bool) -> OfferLineInput {
    OfferLineInput {
        line: LineInput {
            description: Some("Item".into()),
            quantity: d(quantity),
            unit_price: Some(d(price)),
            discount_percent: Some(d(discount)),
            tax_rate: Some(d(rate)),
            ..LineInput::default()
        },
        optional: Some(optional),
    }
}

/// An offer of `lines` to party 1, in EUR, valid until 2026-12-31.
pub(crate) fn input(lines: Vec<OfferLineInput>) -> OfferInput {
    OfferInput {
        party_id: Uuid::from_u128(1),
        contact_id: None,
        opportunity_id: None,
        owner_id: None,
        currency: Some("EUR".into()),
        valid_until: Some(day("2026-12-31")),
        notes: None,
        lines,
    }
}

/// The offer [`input`] of `lines` makes, in `status`; its line ids count from 101.
pub(crate) fn offer(lines: Vec<OfferLineInput>, status: OfferStatus) -> Offer {
    let mut next = 100u128;
    let fields = input(lines)
        .validate(&[], || {
            next += 1;
            Uuid::from_u128(next)
        })
        .unwrap();
    let at = DateTime::<Utc>::UNIX_EPOCH;
    Offer {
        id: Uuid::from_u128(9),
        number: number(2026, 1),
        revision: 1,
        revises_id: None,
        status,
        fields,
        sent_at: None,
        closed_at: None,
        external_id: None,
        sales_order_id: None,
        version: 1,
        created_at: at,
        updated_at: at,
    }
}
