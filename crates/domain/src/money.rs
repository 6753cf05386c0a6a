//! Money: exact decimals and the one rounding rule of the product.
//!
//! Every amount that is shown or stored is rounded to its currency's minor unit, half away from zero
//! (domain.md, "Money"). Intermediate products (quantity × price × discount) stay unrounded until then.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::currency::Currency;

/// Rounds `amount` to the minor unit of `currency`, half away from zero, with exactly that many
/// decimals (8.785 EUR → 8.79, 2 EUR → 2.00, 2.5 JPY → 3).
pub fn round_to_minor(amount: Decimal, currency: Currency) -> Decimal {
    let mut rounded = amount.round_dp_with_strategy(currency.exponent(), RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(currency.exponent());
    rounded
}

/// `amount × percent / 100`, unrounded: taxes and discounts round once, at the end.
pub fn percent_of(amount: Decimal, percent: Decimal) -> Decimal {
    amount * percent / Decimal::ONE_HUNDRED
}

/// An amount in a currency, always at the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("amount out of range")]
    Overflow,
}

impl Money {
    /// Rounds `amount` to the minor unit of `currency`.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self {
            amount: round_to_minor(amount, currency),
            currency,
        }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        let sum = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money::new(sum, self.currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    /// The worked example of domain.md, to the cent.
    #[test]
    fn the_worked_example_holds() {
        let eur = cur("EUR");
        let line = |qty: &str, price: &str, discount: &str| {
            round_to_minor(d(qty) * d(price) * (Decimal::ONE - d(discount) / Decimal::ONE_HUNDRED), eur)
        };
        let lines = [line("3", "19.99", "0"), line("2.5", "10.00", "10"), line("7", "1.255", "0")];
        assert_eq!(lines.map(|l| l.to_string()), ["59.97", "22.50", "8.79"]);
        let net_20 = lines[0] + lines[1];
        let net_7 = lines[2];
        assert_eq!(net_20, d("82.47"));
        let tax_20 = round_to_minor(percent_of(net_20, d("20")), eur);
        let tax_7 = round_to_minor(percent_of(net_7, d("7")), eur);
        assert_eq!((tax_20.to_string(), tax_7.to_string()), ("16.49".into(), "0.62".into()));
        let net_total = net_20 + net_7;
        let tax_total = tax_20 + tax_7;
        assert_eq!(
            (net_total.to_string(), tax_total.to_string(), (net_total + tax_total).to_string()),
            ("91.26".into(), "17.11".into(), "108.37".into())
        );
    }

    #[test]
    fn half_way_rounds_away_from_zero_at_every_exponent() {
        assert_eq!(round_to_minor(d("2.5"), cur("JPY")), d("3"));
        assert_eq!(round_to_minor(d("-2.5"), cur("JPY")), d("-3"));
        assert_eq!(round_to_minor(d("1.0005"), cur("KWD")).to_string(), "1.001");
        assert_eq!(round_to_minor(d("0.125"), cur("EUR")).to_string(), "0.13");
        assert_eq!(round_to_minor(d("2"), cur("EUR")).to_string(), "2.00");
    }

    #[test]
    fn money_refuses_mixed_currencies() {
        let eur = Money::new(d("1.005"), cur("EUR"));
        assert_eq!(eur.amount().to_string(), "1.01");
        let usd = Money::new(d("1"), cur("USD"));
        assert!(matches!(eur.checked_add(&usd), Err(MoneyError::CurrencyMismatch { .. })));
        assert_eq!(eur.checked_add(&eur).unwrap().to_string(), "2.02 EUR");
    }

    proptest! {
        #[test]
        fn rounding_is_idempotent_and_within_half_a_minor_unit(
            units in -1_000_000_000_000i64..1_000_000_000_000,
            scale in 0u32..8,
            code in prop::sample::select(vec!["EUR", "JPY", "KWD"]),
        ) {
            let currency = cur(code);
            let x = Decimal::new(units, scale);
            let rounded = round_to_minor(x, currency);
            prop_assert_eq!(round_to_minor(rounded, currency), rounded);
            let half_unit = Decimal::new(5, currency.exponent() + 1);
            prop_assert!((rounded - x).abs() <= half_unit);
            prop_assert_eq!(rounded.scale(), currency.exponent());
        }
    }
}
