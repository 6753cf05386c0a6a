//! SLA policies: how fast the team answers and resolves a case of a priority (and, more
//! specifically, of a customer group), counted in the working time of a business calendar.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::CasePriority;
use super::calendar::{Calendar, CalendarInput};
use crate::text;
use crate::validation::ValidationErrors;

pub const NAME_MAX: usize = 200;
pub const GROUP_MAX: usize = 100;
/// A target is at most a year of working time: a clock is a promise to a customer, and the bound
/// keeps every due-time computation small.
pub const MAX_TARGET_MINUTES: i64 = 366 * 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicyFields {
    pub name: String,
    pub priority: CasePriority,
    /// Applies only to cases of parties in this customer group; none: to every party.
    pub customer_group: Option<String>,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    pub calendar: Calendar,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicy {
    pub id: Uuid,
    pub fields: SlaPolicyFields,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A policy as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicyInput {
    pub name: String,
    pub priority: CasePriority,
    pub customer_group: Option<String>,
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    pub calendar: CalendarInput,
}

impl SlaPolicyInput {
    pub fn validate(self) -> Result<SlaPolicyFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", text::required(&self.name, NAME_MAX));
        let customer_group = errors.check(
            "customer_group",
            text::optional(self.customer_group.as_deref(), GROUP_MAX),
        );
        for (field, minutes) in [
            ("first_response_minutes", self.first_response_minutes),
            ("resolution_minutes", self.resolution_minutes),
        ] {
            if !(1..=MAX_TARGET_MINUTES).contains(&minutes) {
                errors.add(
                    field,
                    "out_of_range",
                    format!("must be between 1 and {MAX_TARGET_MINUTES} minutes"),
                );
            }
        }
        let calendar = match self.calendar.validate() {
            Ok(calendar) => Some(calendar),
            Err(calendar_errors) => {
                errors.extend(calendar_errors);
                None
            }
        };
        match calendar {
            Some(calendar) if errors.is_empty() => Ok(SlaPolicyFields {
                name: name.unwrap_or_default(),
                priority: self.priority,
                customer_group: customer_group.flatten(),
                first_response_minutes: self.first_response_minutes,
                resolution_minutes: self.resolution_minutes,
                calendar,
            }),
            _ => Err(errors),
        }
    }
}

impl From<SlaPolicyFields> for SlaPolicyInput {
    fn from(f: SlaPolicyFields) -> Self {
        Self {
            name: f.name,
            priority: f.priority,
            customer_group: f.customer_group,
            first_response_minutes: f.first_response_minutes,
            resolution_minutes: f.resolution_minutes,
            calendar: f.calendar.input(),
        }
    }
}

/// The policy for a case of `priority` whose party is in `customer_group`: one for that group
/// before one for every party. Among equally specific ones (which the store refuses to hold), the
/// oldest.
pub fn most_specific<'a>(
    policies: &'a [SlaPolicy],
    priority: CasePriority,
    customer_group: Option<&str>,
) -> Option<&'a SlaPolicy> {
    policies
        .iter()
        .filter(|p| p.fields.priority == priority)
        .filter(|p| p.fields.customer_group.is_none() || p.fields.customer_group.as_deref() == customer_group)
        .min_by_key(|p| (p.fields.customer_group.is_none(), p.created_at, p.id))
}
