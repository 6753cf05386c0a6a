//! Bounded, trimmed text: the rule every free-text field of the domain follows.

use std::fmt;

use crate::validation::CodedError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong { max: usize },
    ControlCharacter,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooLong { max } => write!(f, "must be at most {max} characters"),
            Self::ControlCharacter => f.write_str("must not contain control characters"),
        }
    }
}

impl CodedError for TextError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "required",
            Self::TooLong { .. } => "too_long",
            Self::ControlCharacter => "invalid_characters",
        }
    }
}

/// Trims `raw` and checks it is 1..=max characters without control characters.
pub fn required(raw: &str, max: usize) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    bounded(trimmed, max, false).map(str::to_owned)
}

/// Like [`required`], but an empty or blank value means "none".
pub fn optional(raw: Option<&str>, max: usize) -> Result<Option<String>, TextError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(trimmed) => bounded(trimmed, max, false).map(|t| Some(t.to_owned())),
    }
}

/// Like [`required`], for multi-line text (a message): newlines and tabs are allowed.
pub fn required_multiline(raw: &str, max: usize) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    bounded(trimmed, max, true).map(str::to_owned)
}

/// Multi-line text (notes): newlines and tabs are allowed, other control characters are not.
pub fn optional_multiline(raw: Option<&str>, max: usize) -> Result<Option<String>, TextError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(trimmed) => bounded(trimmed, max, true).map(|t| Some(t.to_owned())),
    }
}

fn bounded(text: &str, max: usize, multiline: bool) -> Result<&str, TextError> {
    if text.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    let forbidden = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'));
    if text.chars().any(forbidden) {
        return Err(TextError::ControlCharacter);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_bounded() {
        assert_eq!(required("  Acme  ", 10), Ok("Acme".to_owned()));
        assert_eq!(required("   ", 10), Err(TextError::Empty));
        assert_eq!(required("abcdef", 5), Err(TextError::TooLong { max: 5 }));
        assert_eq!(required("a\u{0}b", 5), Err(TextError::ControlCharacter));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(required("ääää", 4), Ok("ääää".to_owned()));
    }

    #[test]
    fn blank_optional_text_is_none() {
        assert_eq!(optional(Some("  "), 5), Ok(None));
        assert_eq!(optional(None, 5), Ok(None));
        assert_eq!(optional_multiline(Some("a\nb"), 5), Ok(Some("a\nb".to_owned())));
        assert_eq!(optional(Some("a\nb"), 5), Err(TextError::ControlCharacter));
    }
}
