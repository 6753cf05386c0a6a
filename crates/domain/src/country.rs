//! ISO 3166-1 alpha-2 country codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An officially assigned ISO 3166-1 alpha-2 code. Points into the table, so it is `Copy` and
/// `as_str` needs no conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(&'static str);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountryError {
    #[error("country code `{given}` must be written in upper case: `{upper}`")]
    NotUpperCase { given: String, upper: &'static str },
    #[error("unknown country code `{0}`: expected an ISO 3166-1 alpha-2 code such as DE")]
    Unknown(String),
}

impl CountryError {
    /// Stable code for clients to switch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid_country"
    }
}

/// The officially assigned ISO 3166-1 alpha-2 codes (249), plus XK (Kosovo): user-assigned in ISO
/// 3166, but used by the EU, SWIFT and the IBAN registry, so Kosovan customers have an address. Sorted.
const CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
    "ZA", "ZM", "ZW",
];

fn lookup(code: &str) -> Option<&'static str> {
    CODES.binary_search(&code).ok().map(|i| CODES[i])
}

impl CountryCode {
    /// Accepts an assigned code exactly as ISO writes it (upper case); a lower-case one is refused
    /// with a hint, so stored data has one spelling.
    ///
    /// # Errors
    /// Lower case, or not an assigned code.
    pub fn parse(code: &str) -> Result<Self, CountryError> {
        if let Some(known) = lookup(code) {
            return Ok(CountryCode(known));
        }
        let given: String = code.chars().take(10).collect();
        match lookup(&code.to_ascii_uppercase()) {
            Some(upper) => Err(CountryError::NotUpperCase { given, upper }),
            None => Err(CountryError::Unknown(given)),
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl FromStr for CountryCode {
    type Err = CountryError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Both serde impls by hand: derived ones would require `'de: 'static` for the `&'static str` field.
impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl TryFrom<String> for CountryCode {
    type Error = CountryError;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::parse(&code)
    }
}

impl From<CountryCode> for &'static str {
    fn from(country: CountryCode) -> Self {
        country.0
    }
}

#[cfg(test)]
mod tests {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    use super::*;

    #[test]
    fn the_list_is_complete_and_sorted() {
        assert_eq!(CODES.len(), 250);
        assert!(CODES.windows(2).all(|w| w[0] < w[1]));
        assert!(
            CODES
                .iter()
                .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn assigned_codes_parse() {
        for code in ["DE", "AD", "ZW", "GB", "AX", "SS", "BQ"] {
            let country: CountryCode = code.parse().unwrap();
            assert_eq!((country.as_str(), country.to_string()), (code, code.to_owned()));
        }
    }

    #[test]
    fn lower_case_is_refused_with_a_hint() {
        let error = CountryCode::parse("de").unwrap_err();
        assert_eq!(
            error.to_string(),
            "country code `de` must be written in upper case: `DE`"
        );
        assert_eq!(error.code(), "invalid_country");
        assert!(matches!(
            CountryCode::parse("De"),
            Err(CountryError::NotUpperCase { upper: "DE", .. })
        ));
    }

    #[test]
    fn unassigned_codes_are_refused() {
        for code in ["XX", "UK", "EU", "AN", "D", "DEU", " DE", ""] {
            assert!(
                matches!(CountryCode::parse(code), Err(CountryError::Unknown(_))),
                "{code}"
            );
        }
        assert_eq!(
            CountryCode::parse("UK").unwrap_err().to_string(),
            "unknown country code `UK`: expected an ISO 3166-1 alpha-2 code such as DE"
        );
    }

    #[test]
    fn serde_goes_through_parse() {
        // Fields of this type must work in structs deriving `Deserialize` for any lifetime.
        fn owned<T: serde::de::DeserializeOwned>() {}
        owned::<CountryCode>();
        let de: StrDeserializer<'_, DeError> = "FR".into_deserializer();
        assert_eq!(<&str>::from(CountryCode::deserialize(de).unwrap()), "FR");
        let bad: StrDeserializer<'_, DeError> = "fr".into_deserializer();
        assert!(
            CountryCode::deserialize(bad)
                .unwrap_err()
                .to_string()
                .contains("upper case")
        );
    }
}
