//! The messages of a case: what the customer wrote and what the team answered (public), and
//! the team's notes to itself (internal).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::text;
use crate::validation::ValidationErrors;

pub const BODY_MAX: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Visibility {
    /// Exchanged with the customer.
    Public,
    /// A note of the team, never sent to the customer.
    Internal,
}

str_enum!(Visibility { Public => "public", Internal => "internal" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the customer.
    Inbound,
    /// From the team.
    Outbound,
}

str_enum!(Direction { Inbound => "inbound", Outbound => "outbound" });

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFields {
    pub body: String,
    pub visibility: Visibility,
    pub direction: Direction,
}

impl MessageFields {
    /// Whether this message answers the customer: public and outbound.
    pub fn is_response(&self) -> bool {
        self.visibility == Visibility::Public && self.direction == Direction::Outbound
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMessage {
    pub id: Uuid,
    pub case_id: Uuid,
    pub fields: MessageFields,
    pub author_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// A message as the client sent it: an internal note is never inbound.
pub fn validate(body: &str, visibility: Visibility, direction: Direction) -> Result<MessageFields, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let body = errors.check("body", text::required_multiline(body, BODY_MAX));
    if visibility == Visibility::Internal && direction == Direction::Inbound {
        errors.add(
            "direction",
            "not_allowed",
            "an internal note is the team's own: it cannot be inbound",
        );
    }
    errors.finish(|| MessageFields {
        body: body.unwrap_or_default(),
        visibility,
        direction,
    })
}
