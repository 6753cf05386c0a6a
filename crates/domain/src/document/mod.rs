//! What every document with lines shares (offers, orders, invoices): the bounds of a line, the
//! rules of a header (currency, payment terms, notes), what a change does to a draft's lines, the
//! checks and order of the lines a client sends (`lines`), and the arithmetic of amounts and
//! totals (`amounts`).

mod amounts;
mod lines;

use uuid::Uuid;

use crate::currency::Currency;
use crate::party::MAX_PAYMENT_TERMS_DAYS;
use crate::text;
use crate::validation::ValidationErrors;

pub use amounts::{LineAmounts, TaxShare, Totals, net_sum, totals};
pub use lines::{
    LineContent, LineDefaults, LineInput, SentLine, StatedLine, bounded_line_order, in_line_order, line_order,
    refuse_too_many_lines, restate, validate_direct_lines, validate_line, validate_lines,
};

pub const DESCRIPTION_MAX: usize = 2000;
pub const UNIT_MAX: usize = 20;
/// The unit of a line that names neither a unit nor a product.
pub const DEFAULT_UNIT: &str = "pcs";

/// Up to this many lines on one document.
pub const MAX_LINES: usize = 1000;
/// The longest external id (the integrator's own id of a document), as for parties and products.
pub const EXTERNAL_ID_MAX: usize = 200;
/// A line's `quantity × unit_price` stays below this. With it, every product a line's net is
/// made of fits `Decimal`'s 28 significant digits (13 integer digits, 4 + 6 decimals of quantity
/// and price, 2 of the discount), so the net is rounded once, exactly, and never before.
pub const LINE_GROSS_LIMIT: i64 = 10_000_000_000_000;

/// A document keeps its party and its currency. `asked` is what a replacement names: a party,
/// and a currency (the one it names, else the party's). Either changed is `unchangeable`;
/// `what` names the document ("order", "draft") and `remedy` how to get another.
pub fn keeps_party_and_currency(
    kept: (Uuid, Currency),
    asked: (Uuid, Option<&str>),
    (what, remedy): (&str, &str),
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if asked.0 != kept.0 {
        errors.add(
            "party_id",
            "unchangeable",
            format!("the {what} keeps its party: {remedy} and make a new one"),
        );
    }
    if asked.1 != Some(kept.1.code()) {
        errors.add(
            "currency",
            "unchangeable",
            format!("the {what} is in {}", kept.1.code()),
        );
    }
    errors.finish(|| ())
}

/// A line a document stores: an offer's, an order's or an invoice's, or a checked line's content.
/// `document_line!` implements it from the line's fields.
pub trait DocumentLine {
    /// The line as an input line would state it.
    fn stated(&self) -> StatedLine<'_>;

    /// Its content, to carry it over to a line of another document.
    fn content(&self) -> LineContent {
        let line = self.stated();
        LineContent {
            product_id: line.product_id,
            description: line.description.to_owned(),
            quantity: line.amounts.quantity,
            unit: line.unit.to_owned(),
            unit_price: line.amounts.unit_price,
            discount_percent: line.amounts.discount_percent,
            tax_rate: line.amounts.tax_rate,
        }
    }
}

/// The lines as an input would state them, to tell a resend from a change.
pub fn stated_lines<L: DocumentLine>(lines: &[L]) -> Vec<StatedLine<'_>> {
    lines.iter().map(L::stated).collect()
}

/// The lines of a draft after a change: left out, they stay as they are. The lines of a document
/// made of another follow that one (`follows_source`: says so, and what to do instead): only a
/// resend of them as they are is accepted, anything else is refused (`lines_follow_source`). The
/// lines of a direct document are all replaced, by `replace` of the lines sent.
pub fn changed_lines<L: DocumentLine + Clone>(
    current: &[L],
    change: Option<Vec<LineInput>>,
    follows_source: Option<&str>,
    errors: &mut ValidationErrors,
    replace: impl FnOnce(Vec<LineInput>, &mut ValidationErrors) -> Vec<L>,
) -> Vec<L> {
    match (change, follows_source) {
        (None, _) => current.to_vec(),
        (Some(inputs), Some(_)) if restate(&inputs, &stated_lines(current)) => current.to_vec(),
        (Some(_), Some(refusal)) => {
            errors.add("lines", "lines_follow_source", refusal);
            Vec::new()
        }
        (Some(inputs), None) => replace(inputs, errors),
    }
}

/// A document's currency: the one a client names, else the party's; with neither, it is
/// `required`.
pub fn named_or_party_currency(
    named: Option<&str>,
    party: Option<Currency>,
    errors: &mut ValidationErrors,
) -> Option<Currency> {
    match (named, party) {
        (Some(code), _) => errors.check("currency", Currency::parse(code)),
        (None, Some(currency)) => Some(currency),
        (None, None) => {
            errors.add("currency", "required", "the party has no currency: name one");
            None
        }
    }
}

/// Refuses payment terms outside 0 to 365 days, the range of a party's own terms.
pub fn check_payment_terms(days: i32, errors: &mut ValidationErrors) {
    if !(0..=MAX_PAYMENT_TERMS_DAYS).contains(&days) {
        errors.add(
            "payment_terms_days",
            "out_of_range",
            format!("must be between 0 and {MAX_PAYMENT_TERMS_DAYS}"),
        );
    }
}

/// A document's notes: those `sent` (`Some(None)` removes them), checked (at most `max`
/// characters, on as many lines as needed; blank ones are none), else the `kept` ones.
pub fn checked_notes(
    sent: Option<Option<String>>,
    kept: Option<String>,
    max: usize,
    errors: &mut ValidationErrors,
) -> Option<String> {
    match sent {
        Some(notes) => errors
            .check("notes", text::optional_multiline(notes.as_deref(), max))
            .flatten(),
        None => kept,
    }
}
