//! Shorthands the tests of every module share: amounts, dates and currencies from their text, and
//! a customer.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::party::{Party, PartyInput, PartyKind};

pub(crate) fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub(crate) fn day(text: &str) -> NaiveDate {
    NaiveDate::from_str(text).unwrap()
}

pub(crate) fn cur(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

/// `Acme GmbH` (id 1): an organization with a VAT id that pays in EUR within 14 days.
pub(crate) fn party() -> Party {
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
