//! The arithmetic every document with lines shares, exactly as the Money section of domain.md
//! says:
//!
//! - `line_net = round(quantity × unit_price × (1 − discount_percent / 100))` to the minor unit,
//!   half away from zero;
//! - per tax rate over the counted lines: `tax = round(Σ line_net × rate / 100)`;
//! - `net_total = Σ line_net`, `tax_total = Σ tax`, `total = net_total + tax_total`.
//!
//! Quantities, prices and percentages are bounded (`money::check_*`), so none of this overflows.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::LINE_GROSS_LIMIT;
use crate::currency::Currency;
use crate::money::{percent_of, round_to_minor};

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
pub fn totals(lines: impl IntoIterator<Item = impl Borrow<LineAmounts>>, currency: Currency) -> Totals {
    // Keyed by the normalized rate, so 19 and 19.00 are one rate.
    let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for line in lines {
        let line = line.borrow();
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
pub fn net_sum(lines: impl IntoIterator<Item = impl Borrow<LineAmounts>>, currency: Currency) -> Decimal {
    round_to_minor(
        lines.into_iter().map(|line| line.borrow().net(currency)).sum(),
        currency,
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::fixtures::{cur, d};

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
        let totals = totals(lines, eur);
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
        let yen = totals([line("3", "0.5", "0", "10"), line("5", "1", "0", "10")], cur("JPY"));
        assert_eq!(
            [yen.net_total, yen.tax_total, yen.total].map(|x| x.to_string()),
            ["7", "1", "8"]
        );
        // KWD: 1 × 0.0005 → 0.001 (half way, away from zero); 15 % of 0.0035 = 0.000525 → 0.001.
        let dinar = totals(
            [line("1", "0.0005", "0", "15"), line("3", "0.001", "0", "15")],
            cur("KWD"),
        );
        assert_eq!(dinar.tax_breakdown[0].net.to_string(), "0.004");
        assert_eq!(dinar.tax_total.to_string(), "0.001");
        assert_eq!(line("1", "0.0005", "0", "0").net(cur("KWD")).to_string(), "0.001");
        assert_eq!(line("1", "2.5", "0", "0").net(cur("JPY")).to_string(), "3");
    }

    #[test]
    fn rates_written_differently_are_one_rate() {
        let totals = totals([line("1", "10", "0", "19"), line("1", "10", "0", "19.00")], cur("EUR"));
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
