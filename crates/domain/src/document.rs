//! The arithmetic every document with lines shares (offers, orders, invoices), exactly as the
//! Money section of domain.md says:
//!
//! - `line_net = round(quantity × unit_price × (1 − discount_percent / 100))` to the minor unit,
//!   half away from zero;
//! - per tax rate over the counted lines: `tax = round(Σ line_net × rate / 100)`;
//! - `net_total = Σ line_net`, `tax_total = Σ tax`, `total = net_total + tax_total`.
//!
//! Quantities, prices and percentages are bounded (`money::check_*`), so none of this overflows.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::money::{self, percent_of, round_to_minor};
use crate::text;
use crate::validation::ValidationErrors;

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

/// The numbers of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAmounts {
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub discount_percent: Decimal,
    pub tax_rate: Decimal,
}

impl LineAmounts {
    /// Whether the line is small enough for exact arithmetic ([`LINE_GROSS_LIMIT`]).
    pub fn is_within_limits(&self) -> bool {
        self.quantity
            .checked_mul(self.unit_price)
            .is_some_and(|gross| gross < Decimal::from(LINE_GROSS_LIMIT))
    }

    /// The line's net amount, rounded once, at the end.
    pub fn net(&self, currency: Currency) -> Decimal {
        // × (100 − d) / 100 rather than × (1 − d/100): the same value, computed without a division
        // that could leave a repeating fraction.
        let gross = self.quantity * self.unit_price;
        round_to_minor(
            percent_of(gross, Decimal::ONE_HUNDRED - self.discount_percent),
            currency,
        )
    }
}

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

impl LineContent {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity,
            unit_price: self.unit_price,
            discount_percent: self.discount_percent,
            tax_rate: self.tax_rate,
        }
    }
}

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

/// The net and tax of one tax rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxShare {
    pub rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub net_total: Decimal,
    pub tax_total: Decimal,
    pub total: Decimal,
    /// By rate, ascending.
    pub tax_breakdown: Vec<TaxShare>,
}

/// The totals of the counted lines.
pub fn totals<'a>(lines: impl IntoIterator<Item = &'a LineAmounts>, currency: Currency) -> Totals {
    // Keyed by the normalized rate, so 19 and 19.00 are one rate.
    let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for line in lines {
        *by_rate.entry(line.tax_rate.normalize()).or_default() += line.net(currency);
    }
    let tax_breakdown: Vec<TaxShare> = by_rate
        .into_iter()
        .map(|(rate, net)| TaxShare {
            rate,
            net: round_to_minor(net, currency),
            tax: round_to_minor(percent_of(net, rate), currency),
        })
        .collect();
    let net_total = round_to_minor(tax_breakdown.iter().map(|s| s.net).sum(), currency);
    let tax_total = round_to_minor(tax_breakdown.iter().map(|s| s.tax).sum(), currency);
    Totals {
        net_total,
        tax_total,
        total: round_to_minor(net_total + tax_total, currency),
        tax_breakdown,
    }
}

/// The net sum of `lines`, rounded: what optional lines would add.
pub fn net_sum<'a>(lines: impl IntoIterator<Item = &'a LineAmounts>, currency: Currency) -> Decimal {
    round_to_minor(lines.into_iter().map(|line| line.net(currency)).sum(), currency)
}

#[cfg(test)]
mod tests {

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

    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

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

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn line(quantity: &str, price: &str, discount: &str, rate: &str) -> LineAmounts {
        LineAmounts {
            quantity: d(quantity),
            unit_price: d(price),
            discount_percent: d(discount),
            tax_rate: d(rate),
        }
    }

    /// domain.md's worked example, to the cent.
    #[test]
    fn the_worked_example_holds() {
        let eur = cur("EUR");
        let lines = [
            line("3", "19.99", "0", "20"),
            line("2.5", "10.00", "10", "20"),
            line("7", "1.255", "0", "7"),
        ];
        let nets: Vec<String> = lines.iter().map(|l| l.net(eur).to_string()).collect();
        assert_eq!(nets, ["59.97", "22.50", "8.79"]);
        let totals = totals(&lines, eur);
        let breakdown: Vec<(String, String, String)> = totals
            .tax_breakdown
            .iter()
            .map(|s| (s.rate.to_string(), s.net.to_string(), s.tax.to_string()))
            .collect();
        assert_eq!(
            breakdown,
            [
                ("7".into(), "8.79".into(), "0.62".into()),
                ("20".into(), "82.47".into(), "16.49".into())
            ]
        );
        assert_eq!(
            [totals.net_total, totals.tax_total, totals.total].map(|x| x.to_string()),
            ["91.26", "17.11", "108.37"]
        );
    }

    #[test]
    fn currencies_round_at_their_minor_unit_half_away_from_zero() {
        // JPY: 3 × 0.5 = 1.5 → 2 and 5 × 1 = 5: net 7, tax 10 % of 7 = 0.7 → 1.
        let yen = totals(&[line("3", "0.5", "0", "10"), line("5", "1", "0", "10")], cur("JPY"));
        assert_eq!(
            [yen.net_total, yen.tax_total, yen.total].map(|x| x.to_string()),
            ["7", "1", "8"]
        );
        // KWD: 1 × 0.0005 → 0.001 (half way, away from zero); 15 % of 0.0035 = 0.000525 → 0.001.
        let dinar = totals(
            &[line("1", "0.0005", "0", "15"), line("3", "0.001", "0", "15")],
            cur("KWD"),
        );
        assert_eq!(dinar.tax_breakdown[0].net.to_string(), "0.004");
        assert_eq!(dinar.tax_total.to_string(), "0.001");
        assert_eq!(line("1", "0.0005", "0", "0").net(cur("KWD")).to_string(), "0.001");
        assert_eq!(line("1", "2.5", "0", "0").net(cur("JPY")).to_string(), "3");
    }

    #[test]
    fn rates_written_differently_are_one_rate() {
        let totals = totals(&[line("1", "10", "0", "19"), line("1", "10", "0", "19.00")], cur("EUR"));
        assert_eq!(totals.tax_breakdown.len(), 1);
        assert_eq!(totals.tax_total.to_string(), "3.80");
    }

    proptest! {
        /// The totals add up: net is the sum of the line nets, tax the sum of the shares, and the
        /// total their sum, all at the minor unit.
        #[test]
        fn totals_add_up(
            lines in prop::collection::vec(
                (1i64..1_000_000, 0i64..100_000_000, 0i64..10_000, prop::sample::select(vec![0i64, 700, 1900, 2000])),
                0..30,
            ),
            code in prop::sample::select(vec!["EUR", "JPY", "KWD"]),
        ) {
            let currency = cur(code);
            let lines: Vec<LineAmounts> = lines
                .into_iter()
                .map(|(q, p, disc, rate)| LineAmounts {
                    quantity: Decimal::new(q, 2),
                    unit_price: Decimal::new(p, 4),
                    discount_percent: Decimal::new(disc, 2),
                    tax_rate: Decimal::new(rate, 2),
                })
                .collect();
            let t = totals(&lines, currency);
            let net: Decimal = lines.iter().map(|l| l.net(currency)).sum();
            prop_assert_eq!(t.net_total, round_to_minor(net, currency));
            prop_assert_eq!(t.total, t.net_total + t.tax_total);
            let tax: Decimal = t.tax_breakdown.iter().map(|s| s.tax).sum();
            prop_assert_eq!(t.tax_total, round_to_minor(tax, currency));
            prop_assert_eq!(t.total.scale(), currency.exponent());
        }
    }
}
