//! Offers (quotes): lines with exact totals, optional lines the customer may choose, revisions.
//!
//! ```text
//!   draft ──send──▶ sent ──accept──▶ accepted
//!     │               ├──reject──▶ rejected ──revise──▶ superseded (+ a new draft, revision + 1)
//!     │               ├──revise──▶ superseded (+ a new draft)
//!     └──cancel──▶ cancelled ◀──cancel──┘
//!   sent, once `valid_until` has passed: expired ──revise──▶ superseded (+ a new draft)
//! ```
//! `expired` is never stored: a sent offer is expired from the day after `valid_until` on, so it
//! expires at midnight (UTC) without a job having to run. Only drafts are editable.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::document::{self, LineAmounts, MAX_LINES, Totals};
pub use crate::document::{LineDefaults, LineInput};
use crate::text;
use crate::time;
use crate::transition::{self, Transition, TransitionError};
use crate::validation::ValidationErrors;

pub const NOTES_MAX: usize = 10_000;

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

impl OfferLine {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity,
            unit_price: self.unit_price,
            discount_percent: self.discount_percent,
            tax_rate: self.tax_rate,
        }
    }

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
        let counted: Vec<LineAmounts> = self
            .fields
            .lines
            .iter()
            .filter(|l| l.counts())
            .map(OfferLine::amounts)
            .collect();
        document::totals(&counted, self.fields.currency)
    }

    /// The net sum of the optional lines not (yet) selected: what the customer could add.
    pub fn optional_total(&self) -> Decimal {
        let open: Vec<LineAmounts> = self
            .fields
            .lines
            .iter()
            .filter(|l| !l.counts())
            .map(OfferLine::amounts)
            .collect();
        document::net_sum(&open, self.fields.currency)
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

/// What a client sent for a line: its content, and whether the customer may choose it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfferLineInput {
    pub line: LineInput,
    pub optional: Option<bool>,
}

/// What a client asked an offer to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferInput {
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub opportunity_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub currency: Option<String>,
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Vec<OfferLineInput>,
}

impl OfferInput {
    /// Checks every rule; `defaults[i]` is what the product of `lines[i]` offers (none for a line
    /// without a product; for a line with one, none means there is no such product). Line ids come
    /// from `new_line_id`.
    pub fn validate(
        self,
        defaults: &[Option<LineDefaults>],
        new_line_id: impl FnMut() -> Uuid,
    ) -> Result<OfferFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let currency = match self.currency.as_deref() {
            None => {
                errors.add("currency", "required", "the party has no currency: name one");
                None
            }
            Some(code) => errors.check("currency", Currency::parse(code)),
        };
        let valid_until = self
            .valid_until
            .and_then(|day| errors.check("valid_until", time::date(day)));
        let notes = errors.check("notes", text::optional_multiline(self.notes.as_deref(), NOTES_MAX));
        let lines = validate_lines(self.lines, defaults, new_line_id, &mut errors);
        // `finish` runs the closure only when nothing was recorded, so every check above held.
        errors.finish(|| OfferFields {
            party_id: self.party_id,
            contact_id: self.contact_id,
            opportunity_id: self.opportunity_id,
            owner_id: self.owner_id,
            currency: currency.expect("checked"),
            valid_until,
            notes: notes.flatten(),
            lines,
        })
    }
}

impl OfferFields {
    /// Checks a change of a draft: its currency changes only together with its lines, whose
    /// prices are in the old currency.
    pub fn check_change(&self, input: &OfferInput, lines_replaced: bool) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if !lines_replaced && input.currency.as_deref() != Some(self.currency.code()) {
            errors.add(
                "currency",
                "needs_lines",
                "the lines are priced in the old currency: send them again with the new one",
            );
        }
        errors.finish(|| ())
    }
}

impl OfferInput {
    /// Without a currency of its own, an offer is in the party's.
    pub fn default_currency(&mut self, party_currency: Option<Currency>) {
        if self.currency.is_none() {
            self.currency = party_currency.map(|c| c.code().to_owned());
        }
    }

    /// Checks a change that keeps `lines` as they are (ids included): only the rest is checked.
    pub fn validate_keeping(self, lines: Vec<OfferLine>) -> Result<OfferFields, ValidationErrors> {
        let header = OfferInput {
            lines: Vec::new(),
            ..self
        };
        header
            .validate(&[], Uuid::nil)
            .map(|fields| OfferFields { lines, ..fields })
    }
}

impl From<OfferFields> for OfferInput {
    /// The input that would produce these fields again: the base a patch is applied to (its lines
    /// carry their prices, so they are kept as they are).
    fn from(f: OfferFields) -> Self {
        Self {
            party_id: f.party_id,
            contact_id: f.contact_id,
            opportunity_id: f.opportunity_id,
            owner_id: f.owner_id,
            currency: Some(f.currency.code().to_owned()),
            valid_until: f.valid_until,
            notes: f.notes,
            lines: f
                .lines
                .into_iter()
                .map(|l| OfferLineInput {
                    line: LineInput {
                        product_id: l.product_id,
                        description: Some(l.description),
                        quantity: l.quantity,
                        unit: Some(l.unit),
                        unit_price: Some(l.unit_price),
                        discount_percent: Some(l.discount_percent),
                        tax_rate: Some(l.tax_rate),
                    },
                    optional: Some(l.optional),
                })
                .collect(),
        }
    }
}

fn validate_lines(
    inputs: Vec<OfferLineInput>,
    defaults: &[Option<LineDefaults>],
    mut new_line_id: impl FnMut() -> Uuid,
    errors: &mut ValidationErrors,
) -> Vec<OfferLine> {
    if inputs.len() > MAX_LINES {
        errors.add("lines", "too_many", format!("at most {MAX_LINES} lines"));
        return Vec::new();
    }
    let mut lines = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        let defaults = defaults.get(i).and_then(Option::as_ref);
        if let Some(content) = document::validate_line(&format!("lines[{i}]"), input.line, defaults, errors) {
            lines.push(OfferLine {
                id: new_line_id(),
                product_id: content.product_id,
                description: content.description,
                quantity: content.quantity,
                unit: content.unit,
                unit_price: content.unit_price,
                discount_percent: content.discount_percent,
                tax_rate: content.tax_rate,
                optional: input.optional.unwrap_or(false),
                selected: false,
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    fn line(quantity: &str, price: &str, discount: &str, rate: &str, optional: bool) -> OfferLineInput {
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

    fn catalog_line(quantity: &str, price: Option<&str>) -> OfferLineInput {
        OfferLineInput {
            line: LineInput {
                product_id: Some(Uuid::from_u128(5)),
                quantity: d(quantity),
                unit_price: price.map(d),
                ..LineInput::default()
            },
            optional: None,
        }
    }

    fn offer(lines: Vec<OfferLineInput>, status: OfferStatus) -> Offer {
        let input = OfferInput {
            party_id: Uuid::from_u128(1),
            contact_id: None,
            opportunity_id: None,
            owner_id: None,
            currency: Some("EUR".into()),
            valid_until: Some(day("2026-12-31")),
            notes: None,
            lines,
        };
        let mut next = 100u128;
        let fields = input
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
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

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

    #[test]
    fn lines_take_what_they_leave_out_from_their_product_and_pricing() {
        let defaults = LineDefaults {
            description: "Hex bolt".into(),
            unit: "pcs".into(),
            tax_rate: d("19"),
            unit_price: Some(d("0.95")),
            discount_percent: d("5"),
        };
        let input = OfferInput {
            party_id: Uuid::nil(),
            contact_id: None,
            opportunity_id: None,
            owner_id: None,
            currency: Some("EUR".into()),
            valid_until: None,
            notes: None,
            lines: vec![
                catalog_line("10", None),
                catalog_line("10", Some("1.00")),
                OfferLineInput {
                    line: LineInput {
                        quantity: d("1"),
                        ..LineInput::default()
                    },
                    optional: None,
                },
            ],
        };
        let errors = input
            .clone()
            .validate(&[Some(defaults.clone()), Some(defaults.clone()), None], Uuid::nil)
            .unwrap_err();
        let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["lines[2].description", "lines[2].unit_price", "lines[2].tax_rate"],
            "a free line names what it is, its price and its tax"
        );
        let mut priced = input;
        priced.lines.truncate(2);
        let fields = priced
            .validate(&[Some(defaults.clone()), Some(defaults)], Uuid::nil)
            .unwrap();
        let resolved = &fields.lines[0];
        assert_eq!(
            (
                resolved.description.as_str(),
                resolved.unit_price,
                resolved.discount_percent
            ),
            ("Hex bolt", d("0.95"), d("5"))
        );
        let explicit = &fields.lines[1];
        assert_eq!(
            (explicit.unit_price, explicit.discount_percent),
            (d("1.00"), Decimal::ZERO),
            "an explicit price is kept, without the resolved discount"
        );
    }

    #[test]
    fn a_line_too_large_for_exact_arithmetic_is_refused() {
        let mut input = offer(vec![], S::Draft).fields;
        input.lines.clear();
        let mut input = OfferInput::from(input);
        input.lines = vec![line("1000000", "10000000", "0", "0", false)];
        let errors = input.validate(&[], Uuid::nil).unwrap_err();
        assert_eq!(
            (errors.errors()[0].field.as_str(), errors.errors()[0].code),
            ("lines[0]", "out_of_range")
        );
    }

    #[test]
    fn more_than_a_thousand_lines_are_refused() {
        let input = OfferInput {
            party_id: Uuid::nil(),
            contact_id: None,
            opportunity_id: None,
            owner_id: None,
            currency: Some("EUR".into()),
            valid_until: None,
            notes: None,
            lines: vec![line("1", "1", "0", "0", false); MAX_LINES + 1],
        };
        let errors = input.validate(&[], Uuid::nil).unwrap_err();
        assert_eq!(errors.errors()[0].code, "too_many");
    }
}
