//! Sales orders: what the customer ordered, from an accepted offer or directly.
//!
//! ```text
//!   draft ──confirm──▶ confirmed ──complete──▶ completed
//!     └──cancel──▶ cancelled ◀──cancel──┘   (only while nothing is invoiced or on an invoice order)
//! ```
//! Each line knows how much of it is on open invoice orders (`reserved_quantity`) and how much
//! is invoiced; line and order carry an invoicing status.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::document::{self, DocumentLine, LineContent, LineDefaults, LineInput, StatedLine, Totals};
use crate::offer::{Offer, OfferStatus};
use crate::party::{Address, Party};
use crate::time;
use crate::transition::{self, Transition, TransitionError};
use crate::validation::ValidationErrors;

pub const NOTES_MAX: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SalesOrderStatus {
    Draft,
    Confirmed,
    Completed,
    Cancelled,
}

str_enum!(SalesOrderStatus {
    Draft => "draft",
    Confirmed => "confirmed",
    Completed => "completed",
    Cancelled => "cancelled",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SalesOrderAction {
    Confirm,
    Complete,
    Cancel,
}

str_enum!(SalesOrderAction {
    Confirm => "confirm",
    Complete => "complete",
    Cancel => "cancel",
});

/// How much of a line or an order is invoiced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoicingStatus {
    NotInvoiced,
    PartiallyInvoiced,
    FullyInvoiced,
}

str_enum!(InvoicingStatus {
    NotInvoiced => "not_invoiced",
    PartiallyInvoiced => "partially_invoiced",
    FullyInvoiced => "fully_invoiced",
});

use SalesOrderAction as A;
use SalesOrderStatus as S;

pub const TRANSITIONS: &[Transition<SalesOrderStatus, SalesOrderAction>] = &[
    Transition {
        action: A::Confirm,
        from: &[S::Draft],
        to: S::Confirmed,
    },
    Transition {
        action: A::Complete,
        from: &[S::Confirmed],
        to: S::Completed,
    },
    Transition {
        action: A::Cancel,
        from: &[S::Draft, S::Confirmed],
        to: S::Cancelled,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesOrderLine {
    pub id: Uuid,
    /// The offer line it was ordered from.
    pub offer_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_percent: Decimal,
    pub tax_rate: Decimal,
    /// On open invoice orders.
    pub reserved_quantity: Decimal,
    /// On invoices.
    pub invoiced_quantity: Decimal,
}

document_line!(SalesOrderLine);

impl SalesOrderLine {
    /// A new line of `content`, ordered from `offer_line_id` if any, nothing of it invoiced or
    /// reserved yet.
    pub(crate) fn new(id: Uuid, offer_line_id: Option<Uuid>, content: LineContent) -> Self {
        SalesOrderLine {
            id,
            offer_line_id,
            product_id: content.product_id,
            description: content.description,
            quantity: content.quantity,
            unit: content.unit,
            unit_price: content.unit_price,
            discount_percent: content.discount_percent,
            tax_rate: content.tax_rate,
            reserved_quantity: Decimal::ZERO,
            invoiced_quantity: Decimal::ZERO,
        }
    }

    /// What may still go on an invoice order: ordered − invoiced − reserved.
    pub fn remaining(&self) -> Decimal {
        self.quantity - self.invoiced_quantity - self.reserved_quantity
    }

    pub fn invoicing_status(&self) -> InvoicingStatus {
        if self.invoiced_quantity.is_zero() {
            InvoicingStatus::NotInvoiced
        } else if self.invoiced_quantity >= self.quantity {
            InvoicingStatus::FullyInvoiced
        } else {
            InvoicingStatus::PartiallyInvoiced
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesOrderFields {
    pub party_id: Uuid,
    /// The accepted offer it was made from; none for a direct order.
    pub offer_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub currency: Currency,
    pub order_date: NaiveDate,
    pub payment_terms_days: i32,
    /// Copied from the party when the order was made.
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub notes: Option<String>,
    pub lines: Vec<SalesOrderLine>,
}

impl SalesOrderFields {
    /// The lines as an input would state them, to tell a resend from a change.
    pub fn stated_lines(&self) -> Vec<StatedLine<'_>> {
        document::stated_lines(&self.lines)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesOrder {
    pub id: Uuid,
    /// `SO-2026-000001`.
    pub number: String,
    pub status: SalesOrderStatus,
    pub fields: SalesOrderFields,
    /// The integrator's id of it; unique.
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why an action on a sales order was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The status does not allow it (409).
    State(TransitionError),
    /// Cancelling an order of which something is invoiced or on an invoice order (409).
    InvoicingStarted,
}

impl SalesOrder {
    pub fn totals(&self) -> Totals {
        document::totals(
            self.fields.lines.iter().map(SalesOrderLine::amounts),
            self.fields.currency,
        )
    }

    /// The order's invoicing status: from its lines.
    pub fn invoicing_status(&self) -> InvoicingStatus {
        let lines = &self.fields.lines;
        if lines
            .iter()
            .all(|l| l.invoicing_status() == InvoicingStatus::FullyInvoiced)
            && !lines.is_empty()
        {
            InvoicingStatus::FullyInvoiced
        } else if lines
            .iter()
            .all(|l| l.invoicing_status() == InvoicingStatus::NotInvoiced)
        {
            InvoicingStatus::NotInvoiced
        } else {
            InvoicingStatus::PartiallyInvoiced
        }
    }

    pub fn allowed_actions(&self) -> Vec<SalesOrderAction> {
        transition::allowed(TRANSITIONS, self.status)
            .into_iter()
            .filter(|action| *action != A::Cancel || !self.invoicing_started())
            .collect()
    }

    /// Whether any of it is invoiced or on an invoice order: then it can no longer be cancelled.
    pub fn invoicing_started(&self) -> bool {
        self.fields
            .lines
            .iter()
            .any(|l| !l.invoiced_quantity.is_zero() || !l.reserved_quantity.is_zero())
    }

    pub fn act(&self, action: SalesOrderAction) -> Result<SalesOrderStatus, ActionError> {
        let to = transition::apply(TRANSITIONS, self.status, action).map_err(ActionError::State)?;
        if action == A::Cancel && self.invoicing_started() {
            return Err(ActionError::InvoicingStarted);
        }
        Ok(to)
    }

    /// Only drafts are editable; otherwise the status it has instead.
    pub fn check_editable(&self) -> Result<(), SalesOrderStatus> {
        if self.status == S::Draft {
            Ok(())
        } else {
            Err(self.status)
        }
    }
}

/// `SO-2026-000001`.
pub fn number(year: i32, sequence: i64) -> String {
    format!("SO-{year}-{sequence:06}")
}

/// Why an offer cannot become an order: it is not accepted (its status as of today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAccepted(pub OfferStatus);

/// The order an accepted offer becomes: its counted lines (the required ones and the chosen
/// optional ones), each linked to its offer line, at the offer's prices; the party's payment terms
/// and addresses as they are today.
pub fn from_accepted_offer(
    offer: &Offer,
    party: &Party,
    today: NaiveDate,
    mut new_line_id: impl FnMut() -> Uuid,
) -> Result<SalesOrderFields, NotAccepted> {
    let status = offer.status_on(today);
    if status != OfferStatus::Accepted {
        return Err(NotAccepted(status));
    }
    let lines = offer
        .fields
        .lines
        .iter()
        .filter(|line| line.counts())
        .map(|line| SalesOrderLine::new(new_line_id(), Some(line.id), line.content()))
        .collect();
    Ok(SalesOrderFields {
        party_id: offer.fields.party_id,
        offer_id: Some(offer.id),
        owner_id: offer.fields.owner_id,
        currency: offer.fields.currency,
        order_date: today,
        payment_terms_days: party.fields.payment_terms_days,
        billing_address: party.billing_address().cloned(),
        shipping_address: party.shipping_address().cloned(),
        notes: offer.fields.notes.clone(),
        lines,
    })
}

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

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::offer::{OfferFields, OfferLine};
    use crate::party::{PartyInput, PartyKind};

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    fn party() -> Party {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut input = PartyInput::new(PartyKind::Organization, "Acme");
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

    fn offer_line(id: u128, optional: bool, selected: bool) -> OfferLine {
        OfferLine {
            id: Uuid::from_u128(id),
            product_id: None,
            description: "Item".into(),
            quantity: d("2"),
            unit: "pcs".into(),
            unit_price: d("10"),
            discount_percent: Decimal::ZERO,
            tax_rate: d("19"),
            optional,
            selected,
        }
    }

    fn offer(status: OfferStatus) -> Offer {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        Offer {
            id: Uuid::from_u128(9),
            number: "OF-2026-000001".into(),
            revision: 1,
            revises_id: None,
            status,
            fields: OfferFields {
                party_id: Uuid::from_u128(1),
                contact_id: None,
                opportunity_id: None,
                owner_id: None,
                currency: Currency::parse("EUR").unwrap(),
                valid_until: None,
                notes: None,
                lines: vec![
                    offer_line(1, false, false),
                    offer_line(2, true, true),
                    offer_line(3, true, false),
                ],
            },
            sent_at: None,
            closed_at: None,
            external_id: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn an_accepted_offer_becomes_an_order_of_its_counted_lines() {
        let mut next = 100u128;
        let fields = from_accepted_offer(&offer(OfferStatus::Accepted), &party(), day("2026-11-25"), || {
            next += 1;
            Uuid::from_u128(next)
        })
        .unwrap();
        let links: Vec<Option<Uuid>> = fields.lines.iter().map(|l| l.offer_line_id).collect();
        assert_eq!(links, vec![Some(Uuid::from_u128(1)), Some(Uuid::from_u128(2))]);
        assert_eq!(fields.payment_terms_days, 14);
        assert_eq!(fields.offer_id, Some(Uuid::from_u128(9)));
        assert_eq!(
            from_accepted_offer(&offer(OfferStatus::Sent), &party(), day("2026-11-25"), Uuid::nil),
            Err(NotAccepted(OfferStatus::Sent))
        );
    }

    /// Every (status, action) pair.
    #[test]
    fn the_transition_table_is_as_designed() {
        let allowed: &[(SalesOrderStatus, &[SalesOrderAction])] = &[
            (S::Draft, &[A::Confirm, A::Cancel]),
            (S::Confirmed, &[A::Complete, A::Cancel]),
            (S::Completed, &[]),
            (S::Cancelled, &[]),
        ];
        assert_eq!(allowed.len(), SalesOrderStatus::ALL.len());
        for (status, actions) in allowed {
            assert_eq!(&transition::allowed(TRANSITIONS, *status), actions, "{status:?}");
        }
    }

    #[test]
    fn invoicing_status_follows_the_lines_and_stops_a_cancel() {
        let fields =
            from_accepted_offer(&offer(OfferStatus::Accepted), &party(), day("2026-11-25"), Uuid::now_v7).unwrap();
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut order = SalesOrder {
            id: Uuid::nil(),
            number: number(2026, 1),
            status: S::Confirmed,
            fields,
            external_id: None,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        assert_eq!(order.invoicing_status(), InvoicingStatus::NotInvoiced);
        assert_eq!(order.act(A::Cancel), Ok(S::Cancelled));
        order.fields.lines[0].reserved_quantity = d("1");
        assert_eq!(order.act(A::Cancel), Err(ActionError::InvoicingStarted));
        assert_eq!(order.allowed_actions(), vec![A::Complete]);
        order.fields.lines[0].reserved_quantity = Decimal::ZERO;
        order.fields.lines[0].invoiced_quantity = d("2");
        assert_eq!(order.fields.lines[0].invoicing_status(), InvoicingStatus::FullyInvoiced);
        assert_eq!(order.invoicing_status(), InvoicingStatus::PartiallyInvoiced);
        order.fields.lines[1].invoiced_quantity = d("2");
        assert_eq!(order.invoicing_status(), InvoicingStatus::FullyInvoiced);
        assert_eq!(order.fields.lines[1].remaining(), Decimal::ZERO);
        assert_eq!(number(2026, 7), "SO-2026-000007");
    }
}
