//! Teams group users; sales users see the records their team owns.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::text;
use crate::validation::ValidationErrors;

pub const NAME_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: Uuid,
    pub name: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Checks a team name: trimmed, 1–200 characters.
pub fn validate_name(raw: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let name = errors.check("name", text::required(raw, NAME_MAX));
    errors.finish(|| name.unwrap_or_default())
}
