//! What a client sends for an offer: its lines and header, the checks of both, and the rules of a
//! change of a draft.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{LineDefaults, LineInput, NOTES_MAX, OfferFields, OfferLine};
use crate::currency::Currency;
use crate::document::{self, SentLine};
use crate::time;
use crate::validation::ValidationErrors;

/// What a client sent for a line: its content, and whether the customer may choose it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OfferLineInput {
    pub line: LineInput,
    pub optional: Option<bool>,
}

impl SentLine for OfferLineInput {
    type Own = Option<bool>;

    fn position(&self) -> Option<i32> {
        self.line.position
    }

    fn into_parts(self) -> (LineInput, Option<bool>) {
        (self.line, self.optional)
    }
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
        // The party's currency came in before, if at all (`default_currency`).
        let currency = document::named_or_party_currency(self.currency.as_deref(), None, &mut errors);
        let valid_until = self
            .valid_until
            .and_then(|day| errors.check("valid_until", time::date(day)));
        let notes = document::checked_notes(self.notes.map(Some), None, NOTES_MAX, &mut errors);
        let lines = validate_lines(self.lines, defaults, new_line_id, &mut errors);
        // `finish` runs the closure only when nothing was recorded, so every check above held.
        errors.finish(|| OfferFields {
            party_id: self.party_id,
            contact_id: self.contact_id,
            opportunity_id: self.opportunity_id,
            owner_id: self.owner_id,
            currency: currency.expect("checked"),
            valid_until,
            notes,
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
                        position: None,
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
    // Unlike an order or an invoice, an offer of too many lines is refused for that alone.
    if document::refuse_too_many_lines(inputs.len(), errors) {
        return Vec::new();
    }
    document::validate_lines(inputs, defaults, errors, |content, optional| OfferLine {
        id: new_line_id(),
        product_id: content.product_id,
        description: content.description,
        quantity: content.quantity,
        unit: content.unit,
        unit_price: content.unit_price,
        discount_percent: content.discount_percent,
        tax_rate: content.tax_rate,
        optional: optional.unwrap_or(false),
        selected: false,
    })
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::document::MAX_LINES;
    use crate::offer::OfferStatus;
    use crate::offer::fixtures::{d, input, line, offer};

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

    #[test]
    fn lines_take_what_they_leave_out_from_their_product_and_pricing() {
        let defaults = LineDefaults {
            description: "Hex bolt".into(),
            unit: "pcs".into(),
            tax_rate: d("19"),
            unit_price: Some(d("0.95")),
            discount_percent: d("5"),
        };
        let input = input(vec![
            catalog_line("10", None),
            catalog_line("10", Some("1.00")),
            OfferLineInput {
                line: LineInput {
                    quantity: d("1"),
                    ..LineInput::default()
                },
                optional: None,
            },
        ]);
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
        let mut input = OfferInput::from(offer(vec![], OfferStatus::Draft).fields);
        input.lines = vec![line("1000000", "10000000", "0", "0", false)];
        let errors = input.validate(&[], Uuid::nil).unwrap_err();
        assert_eq!(
            (errors.errors()[0].field.as_str(), errors.errors()[0].code),
            ("lines[0]", "out_of_range")
        );
    }

    #[test]
    fn more_than_a_thousand_lines_are_refused() {
        let input = input(vec![line("1", "1", "0", "0", false); MAX_LINES + 1]);
        let errors = input.validate(&[], Uuid::nil).unwrap_err();
        assert_eq!(errors.errors()[0].code, "too_many");
    }
}
