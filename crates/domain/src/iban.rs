//! Bank identifiers: IBAN (ISO 13616, checked by length and mod-97) and BIC (ISO 9362).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An IBAN in electronic form: upper case, no spaces, checksum verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("not a valid IBAN: only letters, digits and spaces are allowed")]
    InvalidCharacter,
    #[error("not a valid IBAN: too short")]
    TooShort,
    #[error("not a valid IBAN: `{0}` is not a country code of the IBAN registry")]
    UnknownCountry(String),
    #[error("not a valid IBAN: an IBAN from {country} has {expected} characters, this one has {actual}")]
    WrongLength {
        country: String,
        expected: usize,
        actual: usize,
    },
    #[error("not a valid IBAN: the check digits do not match, look for a typo")]
    Checksum,
}

impl IbanError {
    /// Stable code for clients to switch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid_iban"
    }
}

/// IBAN lengths by country: the SWIFT IBAN registry, release 102 (89 countries), sorted. Territories
/// such as GF or JE use their parent's prefix (FR, GB), so they are not listed.
#[rustfmt::skip] // a table reads better packed
const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16), ("BG", 22),
    ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22), ("CY", 28), ("CZ", 24),
    ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20), ("EG", 29), ("ES", 24), ("FI", 18),
    ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22), ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27),
    ("GT", 28), ("HN", 28), ("HR", 21), ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26),
    ("IT", 27), ("JO", 30), ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20),
    ("LU", 20), ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20),
    ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23), ("PK", 24),
    ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22), ("RU", 33), ("SA", 24),
    ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24), ("SM", 27), ("SO", 23), ("ST", 25),
    ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26), ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20),
    ("YE", 30),
];

impl Iban {
    /// Accepts the paper form (spaces, any case) and keeps the electronic form.
    ///
    /// # Errors
    /// Other characters, too short, a country outside the registry, its wrong length, or a failed
    /// checksum.
    pub fn parse(raw: &str) -> Result<Self, IbanError> {
        let iban = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IbanError::InvalidCharacter);
        }
        if iban.len() < 5 {
            return Err(IbanError::TooShort);
        }
        // ASCII from here on, so byte slicing is safe.
        let country = &iban[..2];
        let expected = LENGTHS
            .binary_search_by(|(code, _)| (*code).cmp(country))
            .map(|i| LENGTHS[i].1)
            .map_err(|_| IbanError::UnknownCountry(country.to_owned()))?;
        if iban.len() != expected {
            return Err(IbanError::WrongLength {
                country: country.to_owned(),
                expected,
                actual: iban.len(),
            });
        }
        if !iban[2..4].bytes().all(|b| b.is_ascii_digit()) || mod97(&iban) != 1 {
            return Err(IbanError::Checksum);
        }
        Ok(Iban(iban))
    }

    /// The electronic form, without spaces.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 7064 MOD 97-10 over the IBAN with its first four characters moved to the end, letters as
/// 10..35; folding digit by digit keeps the remainder small, so no big integers are needed.
fn mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    rearranged.fold(0, |remainder, c| {
        let value = c.to_digit(36).expect("checked to be ASCII alphanumeric");
        let shift = if value < 10 { 10 } else { 100 };
        (remainder * shift + value) % 97
    })
}

/// A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (location), optionally 3 (branch).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bic(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a valid BIC: expected 8 or 11 characters, 4 letters for the bank, 2 for the country, \
     then letters or digits, like COBADEFFXXX"
)]
pub struct BicError;

impl BicError {
    /// Stable code for clients to switch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid_bic"
    }
}

impl Bic {
    /// Accepts any case and surrounding spaces; keeps upper case.
    ///
    /// # Errors
    /// Any other shape.
    pub fn parse(raw: &str) -> Result<Self, BicError> {
        let bic = raw.trim().to_ascii_uppercase();
        let bytes = bic.as_bytes();
        let shape = matches!(bytes.len(), 8 | 11)
            && bytes[..6].iter().all(u8::is_ascii_uppercase)
            && bytes[6..].iter().all(u8::is_ascii_alphanumeric);
        if shape { Ok(Bic(bic)) } else { Err(BicError) }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Display, `FromStr` and the string conversions serde goes through.
macro_rules! text_form {
    ($ty:ident, $error:ty) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $ty {
            type Err = $error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $error;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }
    };
}

text_form!(Iban, IbanError);
text_form!(Bic, BicError);

#[cfg(test)]
mod tests {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    use super::*;

    #[test]
    fn the_table_is_sorted_and_complete() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(LENGTHS.len(), 89);
    }

    #[test]
    fn valid_ibans_parse_to_the_electronic_form() {
        for (raw, electronic) in [
            ("DE89370400440532013000", "DE89370400440532013000"),
            ("GB82WEST12345698765432", "GB82WEST12345698765432"),
            ("de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("NO9386011117947", "NO9386011117947"),
            ("BE68539007547034", "BE68539007547034"),
            ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
            ("MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S"),
        ] {
            let iban = Iban::parse(raw).unwrap();
            assert_eq!((iban.as_str(), iban.to_string()), (electronic, electronic.to_owned()));
        }
    }

    #[test]
    fn each_defect_gets_its_own_message() {
        assert_eq!(Iban::parse("DE89370400440532013001"), Err(IbanError::Checksum));
        assert_eq!(Iban::parse("DEXX370400440532013000"), Err(IbanError::Checksum));
        assert_eq!(
            Iban::parse("ZZ89370400440532013000"),
            Err(IbanError::UnknownCountry("ZZ".into()))
        );
        assert_eq!(Iban::parse("DE89-3704"), Err(IbanError::InvalidCharacter));
        assert_eq!(Iban::parse("DÉ89370400440532013000"), Err(IbanError::InvalidCharacter));
        let short = Iban::parse("DE8937040044053201300").unwrap_err();
        assert_eq!(
            short.to_string(),
            "not a valid IBAN: an IBAN from DE has 22 characters, this one has 21"
        );
        for raw in ["", "D", "  ", "DE89"] {
            assert_eq!(Iban::parse(raw), Err(IbanError::TooShort), "{raw}");
        }
        assert_eq!(IbanError::Checksum.code(), "invalid_iban");
    }

    #[test]
    fn bics_have_eight_or_eleven_characters() {
        assert_eq!(Bic::parse(" cobadeff ").unwrap().as_str(), "COBADEFF");
        assert_eq!(Bic::parse("DEUTDEFF500").unwrap().to_string(), "DEUTDEFF500");
        for raw in [
            "COBADEF",
            "COBADEFFXX",
            "C0BADEFF",
            "COBAD3FF",
            "COBADEFF-XX",
            "COBADEFFXXXX",
            "",
        ] {
            assert_eq!(Bic::parse(raw), Err(BicError), "{raw}");
        }
        assert_eq!(BicError.code(), "invalid_bic");
    }

    #[test]
    fn serde_goes_through_parse() {
        // Fields of this type must work in structs deriving `Deserialize` for any lifetime.
        fn owned<T: serde::de::DeserializeOwned>() {}
        owned::<Iban>();
        owned::<Bic>();
        let de: StrDeserializer<'_, DeError> = "gb82 west 1234 5698 7654 32".into_deserializer();
        assert_eq!(String::from(Iban::deserialize(de).unwrap()), "GB82WEST12345698765432");
        let bad: StrDeserializer<'_, DeError> = "GB82WEST12345698765433".into_deserializer();
        assert!(Iban::deserialize(bad).is_err());
        let bic: StrDeserializer<'_, DeError> = "cobadeffxxx".into_deserializer();
        assert_eq!(Bic::deserialize(bic).unwrap().as_str(), "COBADEFFXXX");
    }
}
