//! What a client asks a subscription to be, and the checks that need no stored record. Its lines
//! are checked as an order's when they are priced (`document::validate_direct_lines`), at the
//! start of each period billed and when the subscription is written.

use chrono::NaiveDate;
use uuid::Uuid;

use super::period::{Billing, Interval, Schedule};
use crate::currency::Currency;
use crate::document::{EXTERNAL_ID_MAX, LineInput};
use crate::text;
use crate::validation::ValidationErrors;

/// The lines of one subscription: each period becomes an order with all of them.
pub const MAX_LINES: usize = 100;

/// A subscription's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionFields {
    pub party_id: Uuid,
    /// A contract of the party it is billed under.
    pub contract_id: Option<Uuid>,
    pub currency: Currency,
    /// As an order's lines; one without a price is priced by resolution at each period's start.
    pub lines: Vec<LineInput>,
    pub schedule: Schedule,
    pub external_id: Option<String>,
}

/// A subscription as the client sent it, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionInput {
    pub party_id: Uuid,
    pub contract_id: Option<Uuid>,
    /// None: the party's currency.
    pub currency: Option<String>,
    pub lines: Vec<LineInput>,
    pub interval: Interval,
    /// None: 1.
    pub interval_count: Option<u32>,
    /// None: today.
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// None: in advance.
    pub billing: Option<Billing>,
    pub external_id: Option<String>,
}

impl SubscriptionInput {
    /// Checks every rule that needs no stored record and reports all broken ones; `party_currency`
    /// is the default currency, `today` the default start.
    pub fn validate(
        self,
        party_currency: Option<Currency>,
        today: NaiveDate,
    ) -> Result<SubscriptionFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let currency = match self.currency.as_deref() {
            Some(code) => errors.check("currency", Currency::parse(code)),
            None if party_currency.is_none() => {
                errors.add("currency", "required", "the party has no currency: name one");
                None
            }
            None => party_currency,
        };
        if self.lines.is_empty() {
            errors.add("lines", "required", "a subscription bills at least one line");
        } else if self.lines.len() > MAX_LINES {
            errors.add("lines", "too_many", format!("at most {MAX_LINES} lines"));
        }
        let external_id = errors.check(
            "external_id",
            text::optional(self.external_id.as_deref(), EXTERNAL_ID_MAX),
        );
        let schedule = Schedule::new(
            self.interval,
            self.interval_count.unwrap_or(1),
            self.start_date.unwrap_or(today),
            self.end_date,
            self.billing.unwrap_or(Billing::InAdvance),
        );
        let schedule = match schedule {
            Ok(schedule) => Some(schedule),
            Err(schedule_errors) => {
                errors.extend(schedule_errors);
                None
            }
        };
        errors.finish(|| SubscriptionFields {
            party_id: self.party_id,
            contract_id: self.contract_id,
            currency: currency.expect("checked"),
            lines: self.lines,
            schedule: schedule.expect("checked"),
            external_id: external_id.expect("checked"),
        })
    }
}

impl From<SubscriptionFields> for SubscriptionInput {
    fn from(f: SubscriptionFields) -> Self {
        Self {
            party_id: f.party_id,
            contract_id: f.contract_id,
            currency: Some(f.currency.code().to_owned()),
            lines: f.lines,
            interval: f.schedule.interval,
            interval_count: Some(f.schedule.interval_count),
            start_date: Some(f.schedule.start),
            end_date: f.schedule.end,
            billing: Some(f.schedule.billing),
            external_id: f.external_id,
        }
    }
}
