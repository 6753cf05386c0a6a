//! Money: exact decimals and the one rounding rule of the product.
//!
//! Every amount that is shown or stored is rounded to its currency's minor unit, half away from zero.
//! Intermediate products (quantity × price, discounts, taxes) stay unrounded until then.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::currency::Currency;

/// Rounds `amount` to the minor unit of `currency`, half away from zero, with exactly that many
/// decimals (8.785 EUR → 8.79, 2 EUR → 2.00, 2.5 JPY → 3), so stored and shown text agree.
/// Amounts too large for 28 significant digits keep as many decimals as fit.
#[must_use]
pub fn round_to_minor(amount: Decimal, currency: Currency) -> Decimal {
    let exponent = currency.exponent();
    let mut rounded = amount.round_dp_with_strategy(exponent, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(exponent);
    rounded
}

/// `amount × percent / 100`, unrounded: taxes and discounts round once, at the end.
///
/// Panics only beyond `Decimal`'s range (about 7.9 × 10²⁸), which validated inputs never reach.
#[must_use]
pub fn percent_of(amount: Decimal, percent: Decimal) -> Decimal {
    amount * percent / Decimal::ONE_HUNDRED
}

/// Amounts a record accepts stay below this: 15 integer digits. Far above any real deal, and far
/// enough below `Decimal`'s range that sums and percentages of such amounts cannot overflow.
pub const AMOUNT_LIMIT: i64 = 1_000_000_000_000_000;

/// Why an amount was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("must not be negative")]
    Negative,
    #[error("must be below 10^15")]
    TooLarge,
    #[error("has more decimals than the currency's minor unit ({0})")]
    TooManyDecimals(u32),
}

impl crate::validation::CodedError for AmountError {
    fn code(&self) -> &'static str {
        match self {
            Self::Negative | Self::TooLarge => "out_of_range",
            Self::TooManyDecimals(_) => "too_many_decimals",
        }
    }
}

/// A non-negative amount of `currency` as a record stores it: at most as many decimals as the
/// minor unit (never silently rounded: `10.005 EUR` is refused), shown with exactly that many.
pub fn check_amount(amount: Decimal, currency: Currency) -> Result<Decimal, AmountError> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(AmountError::Negative);
    }
    if amount >= Decimal::from(AMOUNT_LIMIT) {
        return Err(AmountError::TooLarge);
    }
    let exponent = currency.exponent();
    if amount.normalize().scale() > exponent {
        return Err(AmountError::TooManyDecimals(exponent));
    }
    let mut exact = amount.abs();
    exact.rescale(exponent);
    Ok(exact)
}

/// Bounds of the numbers a document line is made of. They keep every product and sum of up to
/// 1000 lines far inside `Decimal`'s 28 significant digits, so line arithmetic is exact (a
/// line net of 10^13 still keeps all 14 decimals its factors can produce).
pub const QUANTITY_LIMIT: i64 = 1_000_000_000;
pub const QUANTITY_DECIMALS: u32 = 4;
pub const UNIT_PRICE_LIMIT: i64 = 1_000_000_000_000;
pub const UNIT_PRICE_DECIMALS: u32 = 6;
pub const PERCENT_DECIMALS: u32 = 2;

/// Why a quantity, unit price or percentage was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoundError {
    #[error("must be greater than 0")]
    NotPositive,
    #[error("must not be negative")]
    Negative,
    #[error("must be below {0}")]
    TooLarge(i64),
    #[error("must be at most 100")]
    OverHundred,
    #[error("may have at most {0} decimals")]
    TooManyDecimals(u32),
    #[error("must be a whole number")]
    NotWhole,
}

impl crate::validation::CodedError for BoundError {
    fn code(&self) -> &'static str {
        match self {
            Self::TooManyDecimals(_) | Self::NotWhole => "too_many_decimals",
            _ => "out_of_range",
        }
    }
}

fn decimals(value: Decimal, max: u32) -> Result<Decimal, BoundError> {
    let normal = value.normalize();
    if normal.scale() > max {
        Err(BoundError::TooManyDecimals(max))
    } else {
        Ok(normal)
    }
}

/// A quantity on a line: greater than 0, below 10^9, at most 4 decimals.
pub fn check_quantity(quantity: Decimal) -> Result<Decimal, BoundError> {
    if quantity <= Decimal::ZERO {
        return Err(BoundError::NotPositive);
    }
    check_min_quantity(quantity)
}

/// A quantity threshold (a tier's or a rule's minimum): like a quantity, but 0 is allowed.
pub fn check_min_quantity(quantity: Decimal) -> Result<Decimal, BoundError> {
    if quantity.is_sign_negative() && !quantity.is_zero() {
        return Err(BoundError::Negative);
    }
    if quantity >= Decimal::from(QUANTITY_LIMIT) {
        return Err(BoundError::TooLarge(QUANTITY_LIMIT));
    }
    decimals(quantity.abs(), QUANTITY_DECIMALS)
}

/// A unit price: not negative, below 10^12, at most 6 decimals (1.255 EUR is a price; only
/// line totals round to the minor unit).
pub fn check_unit_price(price: Decimal) -> Result<Decimal, BoundError> {
    if price.is_sign_negative() && !price.is_zero() {
        return Err(BoundError::Negative);
    }
    if price >= Decimal::from(UNIT_PRICE_LIMIT) {
        return Err(BoundError::TooLarge(UNIT_PRICE_LIMIT));
    }
    decimals(price.abs(), UNIT_PRICE_DECIMALS)
}

/// A unit price as it is shown: with at least the currency's minor unit (1.20 EUR), and more
/// decimals only where the price has them (1.255 EUR). Stored prices are normalized ("1.2").
#[must_use]
pub fn shown_price(price: Decimal, currency: Currency) -> Decimal {
    let mut shown = price.normalize();
    if shown.scale() < currency.exponent() {
        shown.rescale(currency.exponent());
    }
    shown
}

/// A percentage (tax rate, discount): 0 to 100, at most 2 decimals.
pub fn check_percent(percent: Decimal) -> Result<Decimal, BoundError> {
    if percent.is_sign_negative() && !percent.is_zero() {
        return Err(BoundError::Negative);
    }
    if percent > Decimal::ONE_HUNDRED {
        return Err(BoundError::OverHundred);
    }
    decimals(percent.abs(), PERCENT_DECIMALS)
}

/// A whole percentage (a probability): 0 to 100 without decimals (`25`, also written `25.0`).
pub fn check_whole_percent(percent: Decimal) -> Result<i32, BoundError> {
    if percent.is_sign_negative() && !percent.is_zero() {
        return Err(BoundError::Negative);
    }
    if percent > Decimal::ONE_HUNDRED {
        return Err(BoundError::OverHundred);
    }
    if !percent.fract().is_zero() {
        return Err(BoundError::NotWhole);
    }
    i32::try_from(percent.trunc()).map_err(|_| BoundError::OverHundred)
}

/// An amount in a currency, always rounded to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot add an amount in {right} to one in {left}: convert to one currency first")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("the amount is too large")]
    Overflow,
}

impl MoneyError {
    /// Stable code for clients to switch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::CurrencyMismatch { .. } => "currency_mismatch",
            Self::Overflow => "amount_out_of_range",
        }
    }
}

impl Money {
    /// Rounds `amount` to the minor unit of `currency`.
    #[must_use]
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self {
            amount: round_to_minor(amount, currency),
            currency,
        }
    }

    #[must_use]
    pub fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    #[must_use]
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The sum of two amounts in the same currency.
    ///
    /// # Errors
    /// Different currencies, or a sum that no longer fits at the minor unit.
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        let sum = Money::new(
            self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?,
            self.currency,
        );
        // Near the top of the range the minor unit no longer fits: refuse rather than show "1E+28 EUR".
        if sum.amount.scale() == self.currency.exponent() {
            Ok(sum)
        } else {
            Err(MoneyError::Overflow)
        }
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
    use crate::fixtures::{cur, d};

    #[test]
    fn a_whole_percent_is_0_to_100_without_decimals() {
        let parse = |text: &str| check_whole_percent(Decimal::from_str(text).unwrap());
        assert_eq!(parse("25"), Ok(25));
        assert_eq!(parse("25.00"), Ok(25));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("-0"), Ok(0));
        assert_eq!(parse("100"), Ok(100));
        assert_eq!(parse("12.5"), Err(BoundError::NotWhole));
        assert_eq!(parse("100.5"), Err(BoundError::OverHundred));
        assert_eq!(parse("-1"), Err(BoundError::Negative));
    }

    /// The worked example of the product, to the cent: three EUR lines, taxes at 20 % and 7 %.
    #[test]
    fn the_worked_example_holds() {
        let eur = cur("EUR");
        let line = |qty: &str, price: &str, discount: &str| {
            let gross = d(qty) * d(price);
            round_to_minor(gross - percent_of(gross, d(discount)), eur)
        };
        let lines = [
            line("3", "19.99", "0"),
            line("2.5", "10.00", "10"),
            line("7", "1.255", "0"),
        ];
        assert_eq!(lines.map(|l| l.to_string()), ["59.97", "22.50", "8.79"]);

        let net_20 = lines[0] + lines[1];
        let net_7 = lines[2];
        assert_eq!(net_20.to_string(), "82.47");
        assert_eq!(percent_of(net_20, d("20")), d("16.494"));
        assert_eq!(percent_of(net_7, d("7")), d("0.6153"));
        let tax_20 = round_to_minor(percent_of(net_20, d("20")), eur);
        let tax_7 = round_to_minor(percent_of(net_7, d("7")), eur);
        assert_eq!((tax_20.to_string(), tax_7.to_string()), ("16.49".into(), "0.62".into()));

        let net = round_to_minor(net_20 + net_7, eur);
        let tax = round_to_minor(tax_20 + tax_7, eur);
        let total = round_to_minor(net + tax, eur);
        assert_eq!([net, tax, total].map(|x| x.to_string()), ["91.26", "17.11", "108.37"]);
    }

    #[test]
    fn half_way_rounds_away_from_zero_at_every_exponent() {
        for (amount, code, expected) in [
            ("2.5", "JPY", "3"),
            ("-2.5", "JPY", "-3"),
            ("5", "JPY", "5"),
            ("1.0005", "KWD", "1.001"),
            ("1.2345", "KWD", "1.235"),
            ("8.785", "EUR", "8.79"),
            ("-8.785", "EUR", "-8.79"),
            ("2", "EUR", "2.00"),
            ("0.00005", "CLF", "0.0001"),
        ] {
            assert_eq!(
                round_to_minor(d(amount), cur(code)).to_string(),
                expected,
                "{amount} {code}"
            );
        }
    }

    #[test]
    fn money_is_rounded_and_shown_with_its_currency() {
        let eur = cur("EUR");
        assert_eq!(Money::new(d("12.3"), eur).to_string(), "12.30 EUR");
        assert_eq!(Money::new(d("1.005"), eur).amount().to_string(), "1.01");
        assert_eq!(Money::zero(cur("JPY")).to_string(), "0 JPY");
        assert_eq!(Money::zero(eur).currency(), eur);
    }

    #[test]
    fn money_adds_only_within_one_currency() {
        let eur = Money::new(d("1.01"), cur("EUR"));
        let usd = Money::new(d("1"), cur("USD"));
        assert_eq!(eur.checked_add(&eur).unwrap().to_string(), "2.02 EUR");
        let error = eur.checked_add(&usd).unwrap_err();
        assert_eq!(
            error,
            MoneyError::CurrencyMismatch {
                left: cur("EUR"),
                right: cur("USD")
            }
        );
        assert_eq!(error.code(), "currency_mismatch");
    }

    #[test]
    fn money_refuses_overflow() {
        let eur = cur("EUR");
        let big = Money::new(Decimal::MAX, eur);
        assert_eq!(big.checked_add(&big), Err(MoneyError::Overflow));
        // 5 × 10²⁶ still fits with cents; twice that does not.
        let near_max = Money::new(d(&format!("5{}", "0".repeat(26))), eur);
        assert_eq!(near_max.amount().scale(), 2);
        assert_eq!(
            near_max.checked_add(&near_max).unwrap_err().code(),
            "amount_out_of_range"
        );
    }

    #[test]
    fn stored_amounts_keep_the_minor_unit_and_refuse_more() {
        assert_eq!(check_amount(d("12.5"), cur("EUR")).unwrap().to_string(), "12.50");
        assert_eq!(check_amount(d("12.500"), cur("EUR")).unwrap().to_string(), "12.50");
        assert_eq!(
            check_amount(d("12.005"), cur("EUR")),
            Err(AmountError::TooManyDecimals(2))
        );
        assert_eq!(check_amount(d("1.5"), cur("JPY")), Err(AmountError::TooManyDecimals(0)));
        assert_eq!(check_amount(d("1.005"), cur("KWD")).unwrap().to_string(), "1.005");
        assert_eq!(check_amount(d("-0.01"), cur("EUR")), Err(AmountError::Negative));
        assert_eq!(check_amount(d("-0"), cur("EUR")).unwrap().to_string(), "0.00");
        assert_eq!(
            check_amount(d("1000000000000000"), cur("EUR")),
            Err(AmountError::TooLarge)
        );
        assert!(check_amount(d("999999999999999.99"), cur("EUR")).is_ok());
    }

    #[test]
    fn line_numbers_are_bounded() {
        assert_eq!(check_quantity(d("2.50")).unwrap().to_string(), "2.5");
        assert_eq!(check_quantity(d("0")), Err(BoundError::NotPositive));
        assert_eq!(check_quantity(d("0.00001")), Err(BoundError::TooManyDecimals(4)));
        assert_eq!(
            check_quantity(d("1000000000")),
            Err(BoundError::TooLarge(QUANTITY_LIMIT))
        );
        assert_eq!(check_min_quantity(d("0")).unwrap(), Decimal::ZERO);
        assert_eq!(check_unit_price(d("1.255")).unwrap().to_string(), "1.255");
        assert_eq!(shown_price(d("1.2"), cur("EUR")).to_string(), "1.20");
        assert_eq!(shown_price(d("1.2550"), cur("EUR")).to_string(), "1.255");
        assert_eq!(shown_price(d("5.0"), cur("JPY")).to_string(), "5");
        assert_eq!(check_unit_price(d("-1")), Err(BoundError::Negative));
        assert_eq!(check_unit_price(d("0.0000001")), Err(BoundError::TooManyDecimals(6)));
        assert_eq!(check_percent(d("100.00")).unwrap().to_string(), "100");
        assert_eq!(check_percent(d("100.01")), Err(BoundError::OverHundred));
        assert_eq!(check_percent(d("7.125")), Err(BoundError::TooManyDecimals(2)));
    }

    proptest! {
        #[test]
        fn rounding_is_idempotent_and_within_half_a_minor_unit(
            units in -1_000_000_000_000_000i64..1_000_000_000_000_000,
            scale in 0u32..10,
            code in prop::sample::select(vec!["EUR", "JPY", "KWD"]),
        ) {
            let currency = cur(code);
            let x = Decimal::new(units, scale);
            let rounded = round_to_minor(x, currency);
            prop_assert_eq!(round_to_minor(rounded, currency), rounded);
            prop_assert!((rounded - x).abs() <= Decimal::new(5, currency.exponent() + 1));
            prop_assert_eq!(rounded.scale(), currency.exponent());
        }
    }
}
