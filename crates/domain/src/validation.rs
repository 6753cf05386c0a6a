//! Validation errors that name the field they concern, so a client can show each next to its input.

use std::fmt;

/// One broken rule: the JSON path of the field (`addresses[0].country`), a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// Every broken rule of one input, collected rather than stopping at the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            code,
            message: message.into(),
        });
    }

    /// Runs a parser and records its error under `field`; returns the value when it parsed.
    pub fn check<T, E>(&mut self, field: impl Into<String>, result: Result<T, E>) -> Option<T>
    where
        E: CodedError,
    {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.code(), error.to_string());
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Self> {
        if self.0.is_empty() { Ok(value()) } else { Err(self) }
    }

    pub fn extend(&mut self, other: ValidationErrors) {
        self.0.extend(other.0);
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> = self.0.iter().map(|e| e.field.as_str()).collect();
        write!(f, "invalid fields: {}", fields.join(", "))
    }
}

impl std::error::Error for ValidationErrors {}

/// An error of a value type that carries a stable code for clients to switch on.
pub trait CodedError: fmt::Display {
    fn code(&self) -> &'static str;
}

/// The value types' errors carry their own stable codes.
macro_rules! coded {
    ($($ty:path),+ $(,)?) => {
        $(impl CodedError for $ty {
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
        })+
    };
}

coded!(
    crate::currency::CurrencyError,
    crate::country::CountryError,
    crate::email::EmailError,
    crate::iban::IbanError,
    crate::iban::BicError,
);
