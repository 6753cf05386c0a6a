//! Bank identifiers: IBAN (ISO 13616, checked by length and mod-97) and BIC (ISO 9362).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An IBAN in electronic form: upper case, no spaces, checksum verified.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid IBAN: {0}")]
pub struct IbanError(&'static str);

impl IbanError {
    pub fn code(&self) -> &'static str {
        "invalid_iban"
    }
}

/// IBAN lengths by country, from the SWIFT IBAN registry, sorted by country.
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
    /// Accepts the paper form with spaces and any case; stores the electronic form.
    pub fn parse(raw: &str) -> Result<Self, IbanError> {
        let iban: String = raw.chars().filter(|c| *c != ' ').collect::<String>().to_ascii_uppercase();
        if !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IbanError("only letters and digits are allowed"));
        }
        let country = iban.get(..2).ok_or(IbanError("too short"))?;
        let expected = LENGTHS
            .binary_search_by(|(code, _)| (*code).cmp(country))
            .map(|i| LENGTHS[i].1)
            .map_err(|_| IbanError("unknown country prefix"))?;
        if iban.len() != expected {
            return Err(IbanError("wrong length for its country"));
        }
        if !iban[2..4].chars().all(|c| c.is_ascii_digit()) {
            return Err(IbanError("the check digits must be digits"));
        }
        if mod97(&iban) != 1 {
            return Err(IbanError("the check digits do not match"));
        }
        Ok(Iban(iban))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 7064 MOD 97-10 over the IBAN moved by four characters, letters as 10..35, digit by digit.
fn mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    rearranged.fold(0u32, |remainder, c| {
        let value = c.to_digit(36).expect("alphanumeric was checked");
        if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        }
    })
}

/// A BIC: 4 letters (bank), 2 letters (country), 2 alphanumerics (location), optionally 3 (branch).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bic(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid BIC: expected 8 or 11 characters like COBADEFFXXX")]
pub struct BicError;

impl BicError {
    pub fn code(&self) -> &'static str {
        "invalid_bic"
    }
}

impl Bic {
    pub fn parse(raw: &str) -> Result<Self, BicError> {
        let bic = raw.trim().to_ascii_uppercase();
        let bytes = bic.as_bytes();
        let shape = (bytes.len() == 8 || bytes.len() == 11)
            && bytes[..6].iter().all(u8::is_ascii_uppercase)
            && bytes[6..].iter().all(u8::is_ascii_alphanumeric);
        if shape { Ok(Bic(bic)) } else { Err(BicError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_serde {
    ($ty:ty) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                <$ty>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_serde!(Iban);
string_serde!(Bic);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted() {
        assert!(LENGTHS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn valid_ibans_parse_to_the_electronic_form() {
        for (raw, electronic) in [
            ("DE89370400440532013000", "DE89370400440532013000"),
            ("GB82WEST12345698765432", "GB82WEST12345698765432"),
            ("de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("NO9386011117947", "NO9386011117947"),
            ("MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S"),
        ] {
            assert_eq!(Iban::parse(raw).unwrap().as_str(), electronic);
        }
    }

    #[test]
    fn bad_ibans_are_refused() {
        for raw in ["DE89370400440532013001", "DE8937040044053201300", "ZZ89370400440532013000", "DE89-3704", "", "D"] {
            assert!(Iban::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn bics_have_eight_or_eleven_characters() {
        assert_eq!(Bic::parse("cobadeff").unwrap().as_str(), "COBADEFF");
        assert!(Bic::parse("COBADEFFXXX").is_ok());
        for raw in ["COBADEF", "COBADEFFXX", "C0BADEFF", "COBADEFF-XX"] {
            assert!(Bic::parse(raw).is_err(), "{raw}");
        }
    }
}
