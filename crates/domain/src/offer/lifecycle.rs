//! What happens to an offer: its status as of a day (expiry), totals, sending, accepting with a
//! choice of optional lines, and revisions.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ActionError, Offer, OfferAction, OfferFields, OfferLine, OfferStatus, TRANSITIONS};
use crate::document::{self, Totals};
use crate::transition;
use crate::validation::ValidationErrors;

use OfferAction as A;
use OfferStatus as S;

impl Offer {
    /// The status as of `today`: a sent offer whose `valid_until` has passed is expired.
    pub fn status_on(&self, today: NaiveDate) -> OfferStatus {
        match (self.status, self.fields.valid_until) {
            (S::Sent, Some(last_day)) if last_day < today => S::Expired,
            (status, _) => status,
        }
    }

    /// Only drafts are editable; otherwise the status (as of `today`) it has instead.
    pub fn check_editable(&self, today: NaiveDate) -> Result<(), OfferStatus> {
        if self.status == S::Draft {
            Ok(())
        } else {
            Err(self.status_on(today))
        }
    }

    /// Whether it may become a sales order now: accepted, and not converted yet.
    pub fn is_convertible(&self) -> bool {
        self.status == S::Accepted && self.sales_order_id.is_none()
    }

    /// The offer in `status` after `action` at `at`: sending stamps `sent_at`, every other
    /// action closes the offer.
    #[must_use]
    pub fn moved(self, action: OfferAction, status: OfferStatus, at: DateTime<Utc>) -> Offer {
        let sent = action == A::Send;
        Offer {
            status,
            sent_at: if sent { Some(at) } else { self.sent_at },
            closed_at: if sent { None } else { Some(at) },
            ..self
        }
    }

    /// The totals of the counted lines.
    pub fn totals(&self) -> Totals {
        let counted = self.fields.lines.iter().filter(|l| l.counts());
        document::totals(counted.map(OfferLine::amounts), self.fields.currency)
    }

    /// The net sum of the optional lines not (yet) selected: what the customer could add.
    pub fn optional_total(&self) -> Decimal {
        let open = self.fields.lines.iter().filter(|l| !l.counts());
        document::net_sum(open.map(OfferLine::amounts), self.fields.currency)
    }

    /// The actions the offer's status allows as of `today`.
    pub fn allowed_actions(&self, today: NaiveDate) -> Vec<OfferAction> {
        transition::allowed(TRANSITIONS, self.status_on(today))
    }

    /// The status `action` leads to as of `today`, or why not. `send` also needs lines and a
    /// `valid_until` that has not passed; `accept` goes through [`Offer::accept`].
    pub fn act(&self, action: OfferAction, today: NaiveDate) -> Result<OfferStatus, ActionError> {
        let to = transition::apply(TRANSITIONS, self.status_on(today), action).map_err(ActionError::State)?;
        let mut errors = ValidationErrors::new();
        if action == A::Send {
            if self.fields.lines.is_empty() {
                errors.add("lines", "required", "an offer without lines cannot be sent");
            }
            if self.fields.valid_until.is_some_and(|last_day| last_day < today) {
                errors.add("valid_until", "in_the_past", "the offer would be expired when sent");
            }
        }
        errors.finish(|| to).map_err(ActionError::Invalid)
    }

    /// The lines after the customer accepted, choosing these optional lines: each id must name an
    /// optional line of this offer. Only those and the non-optional lines count from then on.
    pub fn accept(&self, selected: &[Uuid], today: NaiveDate) -> Result<Vec<OfferLine>, ActionError> {
        transition::apply(TRANSITIONS, self.status_on(today), A::Accept).map_err(ActionError::State)?;
        let optional: HashSet<Uuid> = self.fields.lines.iter().filter(|l| l.optional).map(|l| l.id).collect();
        let mut errors = ValidationErrors::new();
        for (i, id) in selected.iter().enumerate() {
            if !optional.contains(id) {
                errors.add(
                    format!("selected_optional_line_ids[{i}]"),
                    "not_an_optional_line",
                    "names no optional line of this offer",
                );
            }
        }
        let lines: Vec<OfferLine> = self
            .fields
            .lines
            .iter()
            .map(|line| OfferLine {
                selected: line.optional && selected.contains(&line.id),
                ..line.clone()
            })
            .collect();
        if errors.is_empty() && !lines.iter().any(OfferLine::counts) {
            // An accepted offer becomes an order: one of nothing could never be invoiced.
            errors.add(
                "selected_optional_line_ids",
                "nothing_accepted",
                "every line is optional: choose at least one",
            );
        }
        errors.finish(|| lines).map_err(ActionError::Invalid)
    }

    /// The next revision: a draft with the same number and content, revision + 1, new line ids,
    /// and no choice of optional lines yet.
    #[must_use]
    pub fn next_revision(&self, id: Uuid, mut new_line_id: impl FnMut() -> Uuid, at: DateTime<Utc>) -> Offer {
        let lines = self
            .fields
            .lines
            .iter()
            .map(|line| OfferLine {
                id: new_line_id(),
                selected: false,
                ..line.clone()
            })
            .collect();
        Offer {
            id,
            number: self.number.clone(),
            revision: self.revision + 1,
            revises_id: Some(self.id),
            status: S::Draft,
            fields: OfferFields {
                lines,
                ..self.fields.clone()
            },
            sent_at: None,
            closed_at: None,
            // External ids are unique: the service moves it over (see `revise`).
            external_id: None,
            sales_order_id: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }
}

/// `OF-2026-000001`.
pub fn number(year: i32, sequence: i64) -> String {
    format!("OF-{year}-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offer::fixtures::{day, line, offer};

    #[test]
    fn the_worked_example_holds_with_an_optional_line_aside() {
        let offer = offer(
            vec![
                line("3", "19.99", "0", "20", false),
                line("2.5", "10.00", "10", "20", false),
                line("7", "1.255", "0", "7", false),
                line("1", "100", "0", "20", true),
            ],
            S::Draft,
        );
        let totals = offer.totals();
        assert_eq!(
            [totals.net_total, totals.tax_total, totals.total].map(|x| x.to_string()),
            ["91.26", "17.11", "108.37"]
        );
        assert_eq!(offer.optional_total().to_string(), "100.00");
        assert_eq!(number(2026, 1), "OF-2026-000001");
    }

    #[test]
    fn a_sent_offer_expires_the_day_after_valid_until() {
        let sent = offer(vec![line("1", "1", "0", "0", false)], S::Sent);
        assert_eq!(sent.status_on(day("2026-12-31")), S::Sent);
        assert_eq!(sent.status_on(day("2027-01-01")), S::Expired);
        assert_eq!(sent.allowed_actions(day("2027-01-01")), vec![A::Revise]);
        let Err(ActionError::State(error)) = sent.accept(&[], day("2027-01-01")) else {
            panic!("an expired offer cannot be accepted");
        };
        assert_eq!((error.from, error.allowed_from), ("expired", vec!["sent"]));
        let draft = offer(vec![], S::Draft);
        assert_eq!(draft.status_on(day("2030-01-01")), S::Draft, "only sent offers expire");
    }

    #[test]
    fn sending_needs_lines_and_a_validity_to_come() {
        let empty = offer(vec![], S::Draft);
        let Err(ActionError::Invalid(errors)) = empty.act(A::Send, day("2027-01-02")) else {
            panic!("must be refused");
        };
        let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["lines", "valid_until"]);
        let ready = offer(vec![line("1", "1", "0", "0", false)], S::Draft);
        assert_eq!(ready.act(A::Send, day("2026-12-31")), Ok(S::Sent));
    }

    #[test]
    fn accepting_counts_the_chosen_optional_lines_only() {
        let sent = offer(
            vec![
                line("1", "10", "0", "20", false),
                line("1", "5", "0", "20", true),
                line("1", "7", "0", "20", true),
            ],
            S::Sent,
        );
        let chosen = sent.fields.lines[1].id;
        let lines = sent.accept(&[chosen], day("2026-12-01")).unwrap();
        let accepted = Offer {
            fields: OfferFields {
                lines,
                ..sent.fields.clone()
            },
            status: S::Accepted,
            ..sent.clone()
        };
        assert_eq!(accepted.totals().net_total.to_string(), "15.00");
        assert_eq!(accepted.optional_total().to_string(), "7.00");
        let required_line = sent.fields.lines[0].id;
        let Err(ActionError::Invalid(errors)) = sent.accept(&[chosen, required_line], day("2026-12-01")) else {
            panic!("a non-optional line cannot be chosen");
        };
        assert_eq!(errors.errors()[0].field, "selected_optional_line_ids[1]");
        let all_optional = offer(vec![line("1", "5", "0", "20", true)], S::Sent);
        let Err(ActionError::Invalid(errors)) = all_optional.accept(&[], day("2026-12-01")) else {
            panic!("an offer of optional lines needs one chosen");
        };
        assert_eq!(errors.errors()[0].code, "nothing_accepted");
        assert!(
            all_optional
                .accept(&[all_optional.fields.lines[0].id], day("2026-12-01"))
                .is_ok()
        );
    }

    #[test]
    fn a_revision_is_a_draft_with_the_same_number_and_new_line_ids() {
        let sent = offer(vec![line("2", "10", "0", "20", true)], S::Sent);
        let revision = sent.next_revision(
            Uuid::from_u128(77),
            || Uuid::from_u128(500),
            DateTime::<Utc>::UNIX_EPOCH,
        );
        assert_eq!(
            (revision.number.as_str(), revision.revision, revision.status),
            ("OF-2026-000001", 2, S::Draft)
        );
        assert_eq!(revision.revises_id, Some(sent.id));
        assert_eq!(revision.fields.lines[0].id, Uuid::from_u128(500));
        assert_eq!(revision.fields.lines[0].quantity, sent.fields.lines[0].quantity);
    }
}
