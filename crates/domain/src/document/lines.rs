//! The lines a client sends for a document: their order, their checks, and whether they restate
//! the lines a document has.

use std::collections::HashMap;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::{DEFAULT_UNIT, DESCRIPTION_MAX, LINE_GROSS_LIMIT, LineAmounts, MAX_LINES, UNIT_MAX};
use crate::money;
use crate::text;
use crate::validation::ValidationErrors;

/// What a client sent for a line of a document. Absent values come from the product and pricing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInput {
    /// Where the line stands (see [`line_order`]); none: at its place in the list.
    pub position: Option<i32>,
    pub product_id: Option<Uuid>,
    pub description: Option<String>,
    pub quantity: Decimal,
    pub unit: Option<String>,
    pub unit_price: Option<Decimal>,
    pub discount_percent: Option<Decimal>,
    pub tax_rate: Option<Decimal>,
}

/// A stored line as an input line would state it.
#[derive(Debug, Clone, Copy)]
pub struct StatedLine<'a> {
    pub product_id: Option<Uuid>,
    pub description: &'a str,
    pub unit: &'a str,
    pub amounts: LineAmounts,
}

impl LineInput {
    /// Whether this input asks for the line as it is: the same product and quantity, and every
    /// value it states equal (one it leaves out asks for nothing). Lines that follow a source
    /// document accept a resend of themselves this way.
    pub fn restates(&self, line: StatedLine<'_>) -> bool {
        let same = |stated: Option<Decimal>, current: Decimal| stated.is_none_or(|v| v == current);
        self.product_id == line.product_id
            && self.quantity == line.amounts.quantity
            && self.description.as_deref().is_none_or(|d| d.trim() == line.description)
            && self.unit.as_deref().is_none_or(|u| u.trim() == line.unit)
            && same(self.unit_price, line.amounts.unit_price)
            && same(self.discount_percent, line.amounts.discount_percent)
            && same(self.tax_rate, line.amounts.tax_rate)
    }
}

/// Whether `inputs` restate `lines`, one for one and in order (the order of their positions,
/// which must hold).
pub fn restate(inputs: &[LineInput], lines: &[StatedLine<'_>]) -> bool {
    let mut errors = ValidationErrors::new();
    let positions: Vec<Option<i32>> = inputs.iter().map(|input| input.position).collect();
    let order = line_order(&positions, &mut errors);
    errors.is_empty()
        && inputs.len() == lines.len()
        && order.iter().zip(lines).all(|(&i, line)| inputs[i].restates(*line))
}

/// The order of the lines a client sent (`positions[i]` is what `lines[i]` names): by position
/// where a line names one, else by its place in the list, counted from 1. A position is at least
/// 1 and unique in the document; a broken one is reported at `lines[i].position` (`out_of_range`,
/// `duplicate`), and the line keeps its place in the list, so that every line is still checked.
/// The indices of the lines, in their order. A document stores its lines numbered 1, 2, … in this
/// order, whatever the numbers sent.
pub fn line_order(positions: &[Option<i32>], errors: &mut ValidationErrors) -> Vec<usize> {
    let mut taken: HashMap<i64, usize> = HashMap::with_capacity(positions.len());
    let mut keyed: Vec<(i64, usize)> = Vec::with_capacity(positions.len());
    for (i, position) in positions.iter().enumerate() {
        let place = i64::try_from(i).unwrap_or(i64::MAX - 1) + 1;
        let field = || format!("lines[{i}].position");
        let key = match *position {
            Some(position) if position < 1 => {
                errors.add(field(), "out_of_range", "must be at least 1");
                keyed.push((place, i));
                continue;
            }
            Some(position) => i64::from(position),
            None => place,
        };
        if let Some(other) = taken.get(&key) {
            let how = if position.is_some() {
                String::new()
            } else {
                " (a line without a position stands at its place in the list)".to_owned()
            };
            errors.add(
                field(),
                "duplicate",
                format!("position {key} is lines[{other}]'s already{how}"),
            );
        } else {
            taken.insert(key, i);
        }
        keyed.push((key, i));
    }
    // By position, and lines that share one (refused anyway) in the order sent.
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// Refuses more than [`MAX_LINES`] lines (`too_many` at `lines`); whether it did.
pub fn refuse_too_many_lines(count: usize, errors: &mut ValidationErrors) -> bool {
    let too_many = count > MAX_LINES;
    if too_many {
        errors.add("lines", "too_many", format!("at most {MAX_LINES} lines"));
    }
    too_many
}

/// The order of the lines a client sent ([`line_order`]), more than [`MAX_LINES`] refused: the
/// lines past it are left out.
pub fn bounded_line_order<T>(
    lines: &[T],
    position: impl Fn(&T) -> Option<i32>,
    errors: &mut ValidationErrors,
) -> Vec<usize> {
    refuse_too_many_lines(lines.len(), errors);
    let positions: Vec<Option<i32>> = lines.iter().take(MAX_LINES).map(position).collect();
    line_order(&positions, errors)
}

/// `inputs` in the order of their positions ([`line_order`]), each with its index in the list sent
/// (for the paths of its errors).
pub fn in_line_order<T>(
    inputs: Vec<T>,
    position: impl Fn(&T) -> Option<i32>,
    errors: &mut ValidationErrors,
) -> Vec<(usize, T)> {
    let positions: Vec<Option<i32>> = inputs.iter().map(position).collect();
    let order = line_order(&positions, errors);
    let mut slots: Vec<Option<T>> = inputs.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots[i].take().map(|input| (i, input)))
        .collect()
}

/// What the catalog and pricing say about a line's product: the values an input line takes for
/// what it leaves out. A line without a price is priced by resolution; an explicit price is kept
/// (with the discount it names, or none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDefaults {
    pub description: String,
    pub unit: String,
    pub tax_rate: Decimal,
    /// None: pricing found no price in the document's currency.
    pub unit_price: Option<Decimal>,
    pub discount_percent: Decimal,
}

/// A line's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineContent {
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_percent: Decimal,
    pub tax_rate: Decimal,
}

document_line!(LineContent);

/// Checks one line at `path` (`lines[3]`), completing it from `defaults`, what its product
/// offers; for a line that names a product, no defaults means there is no such product.
pub fn validate_line(
    path: &str,
    input: LineInput,
    defaults: Option<&LineDefaults>,
    errors: &mut ValidationErrors,
) -> Option<LineContent> {
    let field = |name: &str| format!("{path}.{name}");
    if input.product_id.is_some() && defaults.is_none() {
        // What the line leaves out would come from a product that is not there: that is the one
        // fault to report.
        errors.add(field("product_id"), "not_found", "no product with this id");
        return None;
    }
    let quantity = errors.check(field("quantity"), money::check_quantity(input.quantity));
    let description = match (input.description.as_deref(), defaults) {
        (Some(text), _) => errors.check(field("description"), text::required(text, DESCRIPTION_MAX)),
        (None, Some(d)) => Some(d.description.clone()),
        (None, None) => {
            errors.add(
                field("description"),
                "required",
                "a line without a product needs a description",
            );
            None
        }
    };
    let unit = match (input.unit.as_deref(), defaults) {
        (Some(unit), _) => errors.check(field("unit"), text::required(unit, UNIT_MAX)),
        (None, Some(d)) => Some(d.unit.clone()),
        (None, None) => Some(DEFAULT_UNIT.to_owned()),
    };
    let unit_price = match (input.unit_price, defaults.and_then(|d| d.unit_price)) {
        (Some(price), _) => errors.check(field("unit_price"), money::check_unit_price(price)),
        (None, Some(resolved)) => Some(resolved),
        (None, None) => {
            errors.add(
                field("unit_price"),
                "required",
                "no price: name one, or a product with a price in the document's currency",
            );
            None
        }
    };
    let resolved_discount = match (input.unit_price, defaults) {
        (None, Some(d)) => d.discount_percent,
        _ => Decimal::ZERO,
    };
    let discount_percent = match input.discount_percent {
        Some(percent) => errors.check(field("discount_percent"), money::check_percent(percent)),
        None => Some(resolved_discount),
    };
    let tax_rate = match (input.tax_rate, defaults) {
        (Some(rate), _) => errors.check(field("tax_rate"), money::check_percent(rate)),
        (None, Some(d)) => Some(d.tax_rate),
        (None, None) => {
            errors.add(
                field("tax_rate"),
                "required",
                "a line without a product needs a tax rate",
            );
            None
        }
    };
    let content = LineContent {
        product_id: input.product_id,
        description: description?,
        quantity: quantity?,
        unit: unit?,
        unit_price: unit_price?,
        discount_percent: discount_percent?,
        tax_rate: tax_rate?,
    };
    if !content.amounts().is_within_limits() {
        errors.add(
            path,
            "out_of_range",
            format!("quantity × unit_price must stay below {LINE_GROSS_LIMIT}"),
        );
        return None;
    }
    Some(content)
}

/// What a client sends for one line of a document: the [`LineInput`] every document's lines
/// share, and what the document's own lines add (an offer line's `optional`; nothing for the
/// others).
pub trait SentLine {
    /// What the document's own lines add.
    type Own;

    fn position(&self) -> Option<i32>;

    fn into_parts(self) -> (LineInput, Self::Own);
}

impl SentLine for LineInput {
    type Own = ();

    fn position(&self) -> Option<i32> {
        self.position
    }

    fn into_parts(self) -> (LineInput, ()) {
        (self, ())
    }
}

/// Checks the lines a client sent, in the order of their positions: each at `lines[i]`, completed
/// from `defaults[i]`, what the product of `lines[i]` offers (see [`validate_line`]). `build` makes
/// the document's line of each line that held and of what the document adds to it.
pub fn validate_lines<T: SentLine, L>(
    inputs: Vec<T>,
    defaults: &[Option<LineDefaults>],
    errors: &mut ValidationErrors,
    mut build: impl FnMut(LineContent, T::Own) -> L,
) -> Vec<L> {
    let mut lines = Vec::with_capacity(inputs.len());
    for (i, input) in in_line_order(inputs, T::position, errors) {
        let defaults = defaults.get(i).and_then(Option::as_ref);
        let (input, own) = input.into_parts();
        if let Some(content) = validate_line(&format!("lines[{i}]"), input, defaults, errors) {
            lines.push(build(content, own));
        }
    }
    lines
}

/// The lines of a direct order or invoice (one not made of another document): at least one
/// (`empty` says so in the document's words) and at most [`MAX_LINES`], the lines past it not
/// checked; each checked as [`validate_lines`] does.
pub fn validate_direct_lines<L>(
    mut inputs: Vec<LineInput>,
    empty: &str,
    defaults: &[Option<LineDefaults>],
    errors: &mut ValidationErrors,
    mut build: impl FnMut(LineContent) -> L,
) -> Vec<L> {
    if inputs.is_empty() {
        errors.add("lines", "required", empty);
    }
    refuse_too_many_lines(inputs.len(), errors);
    inputs.truncate(MAX_LINES);
    validate_lines(inputs, defaults, errors, |content, ()| build(content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_input_restates_a_line_when_what_it_states_is_what_the_line_is() {
        let line = StatedLine {
            product_id: None,
            description: "Hex bolt",
            unit: "pcs",
            amounts: LineAmounts {
                quantity: Decimal::from(3),
                unit_price: Decimal::new(120, 2),
                discount_percent: Decimal::ZERO,
                tax_rate: Decimal::from(19),
            },
        };
        let input = LineInput {
            position: None,
            product_id: None,
            description: Some("Hex bolt".into()),
            quantity: Decimal::from(3),
            unit: None,
            unit_price: Some(Decimal::new(12, 1)),
            discount_percent: None,
            tax_rate: Some(Decimal::from(19)),
        };
        assert!(
            restate(std::slice::from_ref(&input), &[line]),
            "1.2 is 1.20; left out asks for nothing"
        );
        let more = LineInput {
            quantity: Decimal::from(4),
            ..input.clone()
        };
        assert!(!restate(&[more], &[line]));
        assert!(!restate(&[input.clone(), input], &[line]), "one for one");
    }

    #[test]
    fn lines_stand_by_their_positions_else_at_their_place() {
        let mut errors = ValidationErrors::new();
        assert_eq!(line_order(&[Some(30), Some(10), Some(20)], &mut errors), vec![1, 2, 0]);
        assert_eq!(line_order(&[Some(3), None, Some(1)], &mut errors), vec![2, 1, 0]);
        assert_eq!(line_order(&[None, None], &mut errors), vec![0, 1]);
        assert!(errors.is_empty());
        let order = line_order(&[Some(2), None, Some(0), Some(2)], &mut errors);
        assert_eq!(order.len(), 4, "every line is still checked");
        let found: Vec<(&str, &str)> = errors.errors().iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            found,
            vec![
                ("lines[1].position", "duplicate"),
                ("lines[2].position", "out_of_range"),
                ("lines[3].position", "duplicate")
            ]
        );
        let input = |position| LineInput {
            position,
            quantity: Decimal::ONE,
            ..LineInput::default()
        };
        let stated = |quantity: i64| StatedLine {
            product_id: None,
            description: "x",
            unit: "pcs",
            amounts: LineAmounts {
                quantity: Decimal::from(quantity),
                unit_price: Decimal::ONE,
                discount_percent: Decimal::ZERO,
                tax_rate: Decimal::ZERO,
            },
        };
        let two = LineInput {
            quantity: Decimal::TWO,
            ..input(Some(2))
        };
        assert!(
            restate(&[two.clone(), input(Some(1))], &[stated(1), stated(2)]),
            "in the order of their positions"
        );
        assert!(
            !restate(&[two, input(Some(2))], &[stated(1), stated(2)]),
            "positions must hold"
        );
    }
}
