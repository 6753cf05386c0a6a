//! Email addresses: a pragmatic check of the shape (RFC 5321 limits), not a deliverability test.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A trimmed address whose domain is lower case; the local part is kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid email address: {0}")]
pub struct EmailError(&'static str);

impl EmailError {
    /// Stable code for clients to switch on.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "invalid_email"
    }
}

impl Email {
    /// Trims, checks the shape, and lower-cases the domain (the local part may be case-sensitive).
    ///
    /// # Errors
    /// The first broken rule, in words a user can act on.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let text = raw.trim();
        if text.chars().count() > 254 {
            return Err(EmailError("it is longer than 254 characters"));
        }
        let (local, domain) = text.split_once('@').ok_or(EmailError("the `@` is missing"))?;
        if domain.contains('@') {
            return Err(EmailError("it has more than one `@`"));
        }
        if local.is_empty() || local.chars().count() > 64 {
            return Err(EmailError("the part before `@` must have 1 to 64 characters"));
        }
        if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError("the part before `@` contains spaces or control characters"));
        }
        if !domain.contains('.') || !domain.split('.').all(is_label) {
            return Err(EmailError(
                "the domain after `@` must be like example.com: letters, digits and inner hyphens",
            ));
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A DNS label in ASCII (an IDN must be given in its `xn--` form).
fn is_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = EmailError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};

    use super::*;

    #[test]
    fn the_domain_is_lower_cased_and_the_local_part_kept() {
        let email = Email::parse(" Jane.Doe+CRM@Mail.Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Jane.Doe+CRM@mail.example.com");
        assert_eq!(email.to_string(), "Jane.Doe+CRM@mail.example.com");
        assert!(Email::parse("jörg@xn--mnchen-3ya.de").is_ok());
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for text in [
            "",
            "jane",
            "@example.com",
            "jane@",
            "jane@localhost",
            "ja ne@example.com",
            "ja\tne@example.com",
            "ja\u{7}ne@example.com",
            "a@b@example.com",
            "jane@-example.com",
            "jane@example-.com",
            "jane@exa_mple.com",
            "jane@example..com",
            "jane@example.com.",
            "jane@.example.com",
            "jane@münchen.de",
        ] {
            let error = Email::parse(text).unwrap_err();
            assert_eq!(error.code(), "invalid_email", "{text}");
        }
    }

    #[test]
    fn length_limits_are_inclusive() {
        let local_64 = format!("{}@example.com", "a".repeat(64));
        let local_65 = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&local_64).is_ok());
        assert!(Email::parse(&local_65).is_err());
        let label_63 = format!("jane@{}.com", "b".repeat(63));
        let label_64 = format!("jane@{}.com", "b".repeat(64));
        assert!(Email::parse(&label_63).is_ok());
        assert!(Email::parse(&label_64).is_err());
        // 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 characters, then one more.
        let domain = format!("{}.{}.{}", "c".repeat(63), "d".repeat(63), "e".repeat(61));
        let at_254 = format!("{}@{domain}", "a".repeat(64));
        assert_eq!(at_254.len(), 254);
        assert!(Email::parse(&at_254).is_ok());
        assert_eq!(
            Email::parse(&format!("{at_254}x")).unwrap_err().to_string(),
            "not a valid email address: it is longer than 254 characters"
        );
    }

    #[test]
    fn serde_goes_through_parse() {
        // Fields of this type must work in structs deriving `Deserialize` for any lifetime.
        fn owned<T: serde::de::DeserializeOwned>() {}
        owned::<Email>();
        let de: StrDeserializer<'_, DeError> = "info@ACME.example".into_deserializer();
        assert_eq!(String::from(Email::deserialize(de).unwrap()), "info@acme.example");
        let bad: StrDeserializer<'_, DeError> = "info".into_deserializer();
        assert!(
            Email::deserialize(bad)
                .unwrap_err()
                .to_string()
                .contains("`@` is missing")
        );
    }
}
