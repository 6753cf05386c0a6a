//! Email addresses: a pragmatic check of the shape (RFC 5321 limits), not a deliverability test.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid email address: {0}")]
pub struct EmailError(&'static str);

impl EmailError {
    pub fn code(&self) -> &'static str {
        "invalid_email"
    }
}

impl Email {
    /// Trims, checks the shape, and lower-cases the domain (the local part is case-sensitive).
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let text = raw.trim();
        if text.chars().count() > 254 {
            return Err(EmailError("longer than 254 characters"));
        }
        let (local, domain) = text.split_once('@').ok_or(EmailError("an `@` is missing"))?;
        if domain.contains('@') {
            return Err(EmailError("more than one `@`"));
        }
        if local.is_empty() || local.chars().count() > 64 {
            return Err(EmailError("the part before `@` must be 1 to 64 characters"));
        }
        if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError("the part before `@` contains spaces or control characters"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |label: &&str| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(EmailError("the domain must be like example.com"));
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Email {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Email::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_lower_cased_and_the_local_part_kept() {
        assert_eq!(
            Email::parse(" Jane.Doe@Example.COM ").unwrap().as_str(),
            "Jane.Doe@example.com"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        for text in [
            "",
            "jane",
            "@example.com",
            "jane@",
            "jane@localhost",
            "ja ne@example.com",
            "a@b@example.com",
            "jane@-example.com",
            "jane@exa_mple.com",
            "jane@example..com",
            long_local.as_str(),
        ] {
            assert!(Email::parse(text).is_err(), "{text}");
        }
    }
}
