//! ISO 4217 currencies and their minor units: the exponent decides how every amount is rounded.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An active ISO 4217 currency with a minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    exponent: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency code `{0}`: expected an ISO 4217 code such as EUR")]
pub struct CurrencyError(String);

impl CurrencyError {
    /// Stable code for clients to switch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid_currency"
    }
}

/// List one of ISO 4217 as of amendment 180 (2026-01-01), sorted. Withdrawn and refused: HRK, CUC,
/// SLL, ZWL, ANG, BGN. Codes without a minor unit (XAU, XDR, XTS, XXX…) cannot price a document.
#[rustfmt::skip] // a table reads better packed
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("AOA", 2), ("ARS", 2), ("AUD", 2), ("AWG", 2),
    ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2),
    ("BOB", 2), ("BOV", 2), ("BRL", 2), ("BSD", 2), ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2),
    ("CAD", 2), ("CDF", 2), ("CHE", 2), ("CHF", 2), ("CHW", 2), ("CLF", 4), ("CLP", 0), ("CNY", 2),
    ("COP", 2), ("COU", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2), ("CZK", 2), ("DJF", 0), ("DKK", 2),
    ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2), ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2),
    ("GBP", 2), ("GEL", 2), ("GHS", 2), ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2),
    ("HKD", 2), ("HNL", 2), ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3),
    ("IRR", 2), ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2),
    ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2), ("LBP", 2),
    ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2), ("MGA", 2), ("MKD", 2),
    ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2), ("MVR", 2), ("MWK", 2), ("MXN", 2),
    ("MXV", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2), ("NIO", 2), ("NOK", 2), ("NPR", 2),
    ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2), ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2),
    ("PYG", 0), ("QAR", 2), ("RON", 2), ("RSD", 2), ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2),
    ("SCR", 2), ("SDG", 2), ("SEK", 2), ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2),
    ("SSP", 2), ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2),
    ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2), ("UGX", 0),
    ("USD", 2), ("USN", 2), ("UYI", 0), ("UYU", 2), ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2),
    ("VND", 0), ("VUV", 0), ("WST", 2), ("XAD", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0),
    ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

impl Currency {
    /// Accepts an active ISO 4217 code, exactly (upper case, no spaces).
    ///
    /// # Errors
    /// Any other text, echoed (shortened) in the message.
    pub fn parse(code: &str) -> Result<Self, CurrencyError> {
        CURRENCIES
            .binary_search_by(|(known, _)| (*known).cmp(code))
            .map(|i| Currency {
                code: CURRENCIES[i].0,
                exponent: CURRENCIES[i].1,
            })
            .map_err(|_| CurrencyError(code.chars().take(10).collect()))
    }

    #[must_use]
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// Digits after the decimal point of the minor unit: JPY 0, EUR 2, KWD 3.
    #[must_use]
    pub fn exponent(&self) -> u32 {
        self.exponent
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Both serde impls by hand: derived ones would require `'de: 'static` for the `&'static str` field.
impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::parse(&code)
    }
}

impl From<Currency> for &'static str {
    fn from(currency: Currency) -> Self {
        currency.code
    }
}

#[cfg(test)]
mod tests {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    use super::*;

    fn exponent(code: &str) -> u32 {
        Currency::parse(code).unwrap().exponent()
    }

    #[test]
    fn the_table_is_sorted_so_lookups_work() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(CURRENCIES.iter().all(|(code, _)| code.len() == 3));
    }

    #[test]
    fn exponents_follow_iso_4217() {
        for (code, expected) in [
            ("JPY", 0),
            ("KRW", 0),
            ("XAF", 0),
            ("XOF", 0),
            ("XPF", 0),
            ("EUR", 2),
            ("USD", 2),
            ("XCD", 2),
            ("KWD", 3),
            ("BHD", 3),
            ("JOD", 3),
            ("OMR", 3),
            ("TND", 3),
            ("LYD", 3),
            ("IQD", 3),
            ("CLF", 4),
            ("UYW", 4),
        ] {
            assert_eq!(exponent(code), expected, "{code}");
        }
    }

    #[test]
    fn unknown_withdrawn_and_lower_case_codes_are_refused() {
        for code in [
            "eur", "Eur", " EUR", "EURO", "XXX", "XAU", "XTS", "XDR", "ABC", "BGN", "HRK", "",
        ] {
            assert!(Currency::parse(code).is_err(), "{code}");
        }
    }

    #[test]
    fn the_error_names_the_code_and_is_stable() {
        let error = Currency::parse("ABC").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown currency code `ABC`: expected an ISO 4217 code such as EUR"
        );
        assert_eq!(error.code(), "invalid_currency");
    }

    #[test]
    fn text_forms_round_trip() {
        // Fields of this type must work in structs deriving `Deserialize` for any lifetime.
        fn owned<T: serde::de::DeserializeOwned>() {}
        owned::<Currency>();
        let eur: Currency = "EUR".parse().unwrap();
        assert_eq!((eur.code(), eur.to_string()), ("EUR", "EUR".to_owned()));
        let de: StrDeserializer<'_, DeError> = "KWD".into_deserializer();
        assert_eq!(Currency::deserialize(de).unwrap().exponent(), 3);
        let bad: StrDeserializer<'_, DeError> = "EURO".into_deserializer();
        assert!(Currency::deserialize(bad).unwrap_err().to_string().contains("EURO"));
    }
}
