//! The offer's types: its statuses, actions and their transitions, its lines, and why an action
//! was refused.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::transition::{Transition, TransitionError};
use crate::validation::ValidationErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferStatus {
    Draft,
    Sent,
    Accepted,
    Rejected,
    Expired,
    Cancelled,
    Superseded,
}

str_enum!(OfferStatus {
    Draft => "draft",
    Sent => "sent",
    Accepted => "accepted",
    Rejected => "rejected",
    Expired => "expired",
    Cancelled => "cancelled",
    Superseded => "superseded",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferAction {
    Send,
    Accept,
    Reject,
    Cancel,
    Revise,
}

str_enum!(OfferAction {
    Send => "send",
    Accept => "accept",
    Reject => "reject",
    Cancel => "cancel",
    Revise => "revise",
});

use OfferAction as A;
use OfferStatus as S;

/// Every transition of an offer, from its status as of today (so `expired` is a from-state).
pub const TRANSITIONS: &[Transition<OfferStatus, OfferAction>] = &[
    Transition {
        action: A::Send,
        from: &[S::Draft],
        to: S::Sent,
    },
    Transition {
        action: A::Accept,
        from: &[S::Sent],
        to: S::Accepted,
    },
    Transition {
        action: A::Reject,
        from: &[S::Sent],
        to: S::Rejected,
    },
    Transition {
        action: A::Cancel,
        from: &[S::Draft, S::Sent],
        to: S::Cancelled,
    },
    Transition {
        action: A::Revise,
        from: &[S::Sent, S::Rejected, S::Expired],
        to: S::Superseded,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferLine {
    pub id: Uuid,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_percent: Decimal,
    pub tax_rate: Decimal,
    /// The customer may take it or not; it counts only once selected at acceptance.
    pub optional: bool,
    pub selected: bool,
}

document_line!(OfferLine);

impl OfferLine {
    /// Whether the line counts in the totals: non-optional ones always, optional ones once chosen.
    pub fn counts(&self) -> bool {
        !self.optional || self.selected
    }
}

/// An offer's content after every rule held; lines in their order (position = index + 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferFields {
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub opportunity_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub currency: Currency,
    /// The last day the customer may accept it.
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Vec<OfferLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: Uuid,
    /// `OF-2026-000001`; revisions keep the number of the offer they revise.
    pub number: String,
    pub revision: i32,
    /// The offer this one revises.
    pub revises_id: Option<Uuid>,
    /// As stored: never `expired` (see [`Offer::status_on`]).
    pub status: OfferStatus,
    pub fields: OfferFields,
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was accepted, rejected, cancelled or superseded.
    pub closed_at: Option<DateTime<Utc>>,
    /// The integrator's id of it; unique.
    pub external_id: Option<String>,
    /// The sales order it was converted to, if any. Not a column of the offer: the order refers to
    /// the offer, and the store looks it up when it loads an accepted offer.
    pub sales_order_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why an action on an offer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The status does not allow it (409).
    State(TransitionError),
    /// The offer or the request breaks a rule (422).
    Invalid(ValidationErrors),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transition;

    /// Every (status as of today, action) pair.
    #[test]
    fn the_transition_table_is_as_designed() {
        let allowed: &[(OfferStatus, &[OfferAction])] = &[
            (S::Draft, &[A::Send, A::Cancel]),
            (S::Sent, &[A::Accept, A::Reject, A::Cancel, A::Revise]),
            (S::Expired, &[A::Revise]),
            (S::Rejected, &[A::Revise]),
            (S::Accepted, &[]),
            (S::Cancelled, &[]),
            (S::Superseded, &[]),
        ];
        assert_eq!(allowed.len(), OfferStatus::ALL.len());
        for (status, actions) in allowed {
            assert_eq!(&transition::allowed(TRANSITIONS, *status), actions, "{status:?}");
        }
    }
}
