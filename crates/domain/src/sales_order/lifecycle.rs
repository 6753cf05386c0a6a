//! What happens to a sales order: its totals and invoicing status, its actions, and the order an
//! accepted offer becomes.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{
    ActionError, InvoicingStatus, SalesOrder, SalesOrderAction, SalesOrderFields, SalesOrderLine, SalesOrderStatus,
    TRANSITIONS,
};
use crate::document::{self, DocumentLine, Totals};
use crate::offer::{Offer, OfferStatus};
use crate::party::Party;
use crate::transition;

use SalesOrderAction as A;
use SalesOrderStatus as S;

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

    /// Whether an invoice order may take some of it now: confirmed, with a quantity not yet
    /// invoiced or reserved.
    pub fn is_invoiceable(&self) -> bool {
        self.status == S::Confirmed && self.fields.lines.iter().any(|l| l.remaining() > Decimal::ZERO)
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

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use rust_decimal::Decimal;

    use super::*;
    use crate::fixtures::{d, day, party};
    use crate::offer::fixtures::{line, offer};

    /// An offer of a line, an optional line chosen and an optional line not chosen, each 2 × 10.
    fn offer_of_three_lines(status: OfferStatus) -> Offer {
        let mut offer = offer(
            vec![
                line("2", "10", "0", "19", false),
                line("2", "10", "0", "19", true),
                line("2", "10", "0", "19", true),
            ],
            status,
        );
        offer.fields.lines[1].selected = true;
        offer
    }

    #[test]
    fn an_accepted_offer_becomes_an_order_of_its_counted_lines() {
        let offer = offer_of_three_lines(OfferStatus::Accepted);
        let mut next = 200u128;
        let fields = from_accepted_offer(&offer, &party(), day("2026-11-25"), || {
            next += 1;
            Uuid::from_u128(next)
        })
        .unwrap();
        let links: Vec<Option<Uuid>> = fields.lines.iter().map(|l| l.offer_line_id).collect();
        let offered = &offer.fields.lines;
        assert_eq!(links, vec![Some(offered[0].id), Some(offered[1].id)]);
        assert_eq!(fields.lines[1].id, Uuid::from_u128(202));
        assert_eq!(fields.payment_terms_days, 14);
        assert_eq!(fields.offer_id, Some(offer.id));
        assert_eq!(
            from_accepted_offer(
                &offer_of_three_lines(OfferStatus::Sent),
                &party(),
                day("2026-11-25"),
                Uuid::nil
            ),
            Err(NotAccepted(OfferStatus::Sent))
        );
    }

    #[test]
    fn invoicing_status_follows_the_lines_and_stops_a_cancel() {
        let fields = from_accepted_offer(
            &offer_of_three_lines(OfferStatus::Accepted),
            &party(),
            day("2026-11-25"),
            Uuid::now_v7,
        )
        .unwrap();
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
