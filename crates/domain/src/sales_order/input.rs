//! What a client sends: a direct order, and the change of a draft, with the checks of both.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{NOTES_MAX, SalesOrderFields, SalesOrderLine};
use crate::document::{self, LineDefaults, LineInput};
use crate::party::Party;
use crate::time;
use crate::validation::ValidationErrors;

/// A direct order, as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesOrderInput {
    pub party_id: Uuid,
    pub owner_id: Option<Uuid>,
    /// None: the party's currency.
    pub currency: Option<String>,
    /// None: today.
    pub order_date: Option<NaiveDate>,
    /// None: the party's payment terms.
    pub payment_terms_days: Option<i32>,
    pub notes: Option<String>,
    pub lines: Vec<LineInput>,
}

impl SalesOrderInput {
    /// Checks a direct order for `party`; `defaults[i]` is what the product of `lines[i]` offers.
    pub fn validate(
        self,
        party: &Party,
        defaults: &[Option<LineDefaults>],
        today: NaiveDate,
        mut new_line_id: impl FnMut() -> Uuid,
    ) -> Result<SalesOrderFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let currency = document::named_or_party_currency(self.currency.as_deref(), party.fields.currency, &mut errors);
        let header = SalesOrderChange {
            order_date: self.order_date,
            payment_terms_days: self.payment_terms_days,
            notes: self.notes.map(Some),
            ..SalesOrderChange::default()
        };
        let (order_date, payment_terms_days, notes) =
            header.checked(today, party.fields.payment_terms_days, None, &mut errors);
        let lines = direct_lines(self.lines, defaults, &mut new_line_id, &mut errors);
        // `finish` runs the closure only when nothing was recorded, so every check above held.
        errors.finish(|| SalesOrderFields {
            party_id: self.party_id,
            offer_id: None,
            owner_id: self.owner_id,
            currency: currency.expect("checked"),
            order_date: order_date.expect("checked"),
            payment_terms_days,
            billing_address: party.billing_address().cloned(),
            shipping_address: party.shipping_address().cloned(),
            notes,
            lines,
        })
    }
}

/// The lines of a direct order, checked and completed; `defaults[i]` is what the product of
/// `lines[i]` offers.
fn direct_lines(
    inputs: Vec<LineInput>,
    defaults: &[Option<LineDefaults>],
    new_line_id: &mut impl FnMut() -> Uuid,
    errors: &mut ValidationErrors,
) -> Vec<SalesOrderLine> {
    document::validate_direct_lines(inputs, "an order has at least one line", defaults, errors, |content| {
        SalesOrderLine::new(new_line_id(), None, content)
    })
}

/// A change of a draft: its header, and for a direct order its lines (a draft has nothing
/// invoiced or reserved, so its lines may be replaced whole).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SalesOrderChange {
    pub owner_id: Option<Option<Uuid>>,
    pub order_date: Option<NaiveDate>,
    pub payment_terms_days: Option<i32>,
    pub notes: Option<Option<String>>,
    /// Replaces every line; `defaults[i]` of [`SalesOrderChange::apply`] completes `lines[i]`.
    pub lines: Option<Vec<LineInput>>,
}

impl SalesOrderChange {
    /// The fields after the change, every rule checked. The lines of an order converted from an
    /// offer follow that offer and are not replaced.
    pub fn apply(
        mut self,
        current: &SalesOrderFields,
        defaults: &[Option<LineDefaults>],
        mut new_line_id: impl FnMut() -> Uuid,
    ) -> Result<SalesOrderFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let follows_offer = current.offer_id.is_some().then_some(
            "the lines of an order converted from an offer follow that offer: send them as they are, or leave them out",
        );
        let lines = document::changed_lines(
            &current.lines,
            self.lines.take(),
            follows_offer,
            &mut errors,
            |inputs, errors| direct_lines(inputs, defaults, &mut new_line_id, errors),
        );
        let owner_id = self.owner_id.unwrap_or(current.owner_id);
        let (order_date, payment_terms_days, notes) = self.checked(
            current.order_date,
            current.payment_terms_days,
            current.notes.clone(),
            &mut errors,
        );
        errors.finish(|| SalesOrderFields {
            owner_id,
            order_date: order_date.expect("checked"),
            payment_terms_days,
            notes,
            lines,
            ..current.clone()
        })
    }

    /// The header after this change of one of `date`, `terms` and `notes`, checked; the date is
    /// none when it broke a rule.
    fn checked(
        self,
        date: NaiveDate,
        terms: i32,
        notes: Option<String>,
        errors: &mut ValidationErrors,
    ) -> (Option<NaiveDate>, i32, Option<String>) {
        let date = match self.order_date {
            Some(day) => errors.check("order_date", time::date(day)),
            None => Some(date),
        };
        let terms = self.payment_terms_days.unwrap_or(terms);
        document::check_payment_terms(terms, errors);
        let notes = document::checked_notes(self.notes, notes, NOTES_MAX, errors);
        (date, terms, notes)
    }
}
