//! What a client asks a contract to be, and the checks that need no stored record.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::document::EXTERNAL_ID_MAX;
use crate::party::MAX_PAYMENT_TERMS_DAYS;
use crate::validation::ValidationErrors;
use crate::{money, text, time};

pub const TITLE_MAX: usize = 200;
pub const TERMS_MAX: usize = 50_000;
pub const MAX_RENEWAL_MONTHS: u32 = 120;
pub const MAX_NOTICE_DAYS: u32 = 365;
/// A renewing contract's term when the client names none: a year.
pub const DEFAULT_RENEWAL_MONTHS: u32 = 12;

/// How a contract renews itself when it reaches its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renewal {
    /// Each renewal extends `valid_to` by this many months.
    pub months: u32,
    /// A termination must be given at least this many days before `valid_to` to stop the renewal.
    pub notice_days: u32,
}

/// A contract's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFields {
    pub party_id: Uuid,
    pub title: String,
    pub valid_from: NaiveDate,
    /// None: open-ended.
    pub valid_to: Option<NaiveDate>,
    pub terms: Option<String>,
    /// None: the party's own.
    pub payment_terms_days: Option<i32>,
    /// Prices before the party's price list.
    pub price_list_id: Option<Uuid>,
    /// One more candidate in pricing resolution (discounts never stack).
    pub discount_percent: Option<Decimal>,
    /// None: it ends at `valid_to`.
    pub renewal: Option<Renewal>,
    pub external_id: Option<String>,
}

/// A contract as the client sent it, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractInput {
    pub party_id: Uuid,
    pub title: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub terms: Option<String>,
    pub payment_terms_days: Option<i32>,
    pub price_list_id: Option<Uuid>,
    pub discount_percent: Option<Decimal>,
    pub auto_renew: bool,
    pub renewal_months: Option<u32>,
    pub notice_days: Option<u32>,
    pub external_id: Option<String>,
}

impl ContractInput {
    /// A minimal input, valid from `valid_from`, open-ended.
    pub fn new(party_id: Uuid, title: impl Into<String>, valid_from: NaiveDate) -> Self {
        Self {
            party_id,
            title: title.into(),
            valid_from: Some(valid_from),
            valid_to: None,
            terms: None,
            payment_terms_days: None,
            price_list_id: None,
            discount_percent: None,
            auto_renew: false,
            renewal_months: None,
            notice_days: None,
            external_id: None,
        }
    }

    /// Checks every rule that needs no stored record and reports all broken ones. `today` is the
    /// default start.
    pub fn validate(self, today: NaiveDate) -> Result<ContractFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.check("title", text::required(&self.title, TITLE_MAX));
        let terms = errors.check("terms", text::optional_multiline(self.terms.as_deref(), TERMS_MAX));
        let external_id = errors.check(
            "external_id",
            text::optional(self.external_id.as_deref(), EXTERNAL_ID_MAX),
        );
        let valid_from = errors.check("valid_from", time::date(self.valid_from.unwrap_or(today)));
        let valid_to = self.valid_to.and_then(|to| errors.check("valid_to", time::date(to)));
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to < from
        {
            errors.add("valid_to", "before_start", "must not be before valid_from");
        }
        if let Some(days) = self.payment_terms_days
            && !(0..=MAX_PAYMENT_TERMS_DAYS).contains(&days)
        {
            let message = format!("must be between 0 and {MAX_PAYMENT_TERMS_DAYS}");
            errors.add("payment_terms_days", "out_of_range", message);
        }
        let discount_percent = self
            .discount_percent
            .and_then(|percent| errors.check("discount_percent", money::check_percent(percent)));
        if discount_percent.is_some_and(|p| p.is_zero()) {
            errors.add(
                "discount_percent",
                "out_of_range",
                "must be greater than 0 (or left out)",
            );
        }
        let renewal = self.renewal(valid_to, &mut errors);
        errors.finish(|| ContractFields {
            party_id: self.party_id,
            title: title.expect("checked"),
            valid_from: valid_from.expect("checked"),
            valid_to,
            terms: terms.expect("checked"),
            payment_terms_days: self.payment_terms_days,
            price_list_id: self.price_list_id,
            discount_percent,
            renewal,
            external_id: external_id.expect("checked"),
        })
    }

    fn renewal(&self, valid_to: Option<NaiveDate>, errors: &mut ValidationErrors) -> Option<Renewal> {
        let months = self.renewal_months.unwrap_or(DEFAULT_RENEWAL_MONTHS);
        if !(1..=MAX_RENEWAL_MONTHS).contains(&months) {
            let message = format!("must be between 1 and {MAX_RENEWAL_MONTHS}");
            errors.add("renewal_months", "out_of_range", message);
        }
        let notice_days = self.notice_days.unwrap_or(0);
        if notice_days > MAX_NOTICE_DAYS {
            let message = format!("must be between 0 and {MAX_NOTICE_DAYS}");
            errors.add("notice_days", "out_of_range", message);
        }
        if !self.auto_renew {
            return None;
        }
        if self.valid_to.is_none() {
            let message = "an open-ended contract never reaches an end to renew at: give valid_to";
            errors.add("valid_to", "required", message);
        }
        valid_to.map(|_| Renewal { months, notice_days })
    }
}

impl From<ContractFields> for ContractInput {
    fn from(f: ContractFields) -> Self {
        Self {
            party_id: f.party_id,
            title: f.title,
            valid_from: Some(f.valid_from),
            valid_to: f.valid_to,
            terms: f.terms,
            payment_terms_days: f.payment_terms_days,
            price_list_id: f.price_list_id,
            discount_percent: f.discount_percent,
            auto_renew: f.renewal.is_some(),
            renewal_months: f.renewal.map(|r| r.months),
            notice_days: f.renewal.map(|r| r.notice_days),
            external_id: f.external_id,
        }
    }
}
