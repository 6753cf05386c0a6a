//! Users of the API: people with a role, and machine accounts (`integrator`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::access::Role;
use crate::email::Email;
use crate::text;
use crate::validation::ValidationErrors;

pub const NAME_MAX: usize = 200;
/// NIST SP 800-63B: at least 8 characters; we ask for 12 and allow long passphrases.
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: Uuid,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user's editable fields, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFields {
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub active: bool,
}

impl UserInput {
    pub fn validate(self) -> Result<UserFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let email = errors.check("email", Email::parse(&self.email));
        let name = errors.check("name", text::required(&self.name, NAME_MAX));
        errors.finish(|| UserFields {
            email: email.expect("checked"),
            name: name.expect("checked"),
            role: self.role,
            team_id: self.team_id,
            active: self.active,
        })
    }
}

impl From<&User> for UserInput {
    fn from(user: &User) -> Self {
        Self {
            email: user.email.as_str().to_owned(),
            name: user.name.clone(),
            role: user.role,
            team_id: user.team_id,
            active: user.active,
        }
    }
}

/// Checks a new password's length (in characters, so passphrases in any script count fairly).
pub fn check_password(password: &str, errors: &mut ValidationErrors) {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        errors.add(
            "password",
            "too_short",
            format!("must be at least {PASSWORD_MIN} characters"),
        );
    } else if length > PASSWORD_MAX {
        errors.add(
            "password",
            "too_long",
            format!("must be at most {PASSWORD_MAX} characters"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_input_reports_every_bad_field() {
        let input = UserInput {
            email: "nope".into(),
            name: " ".into(),
            role: Role::Sales,
            team_id: None,
            active: true,
        };
        let fields: Vec<String> = input
            .validate()
            .unwrap_err()
            .into_errors()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec!["email", "name"]);
    }

    #[test]
    fn passwords_are_bounded() {
        let mut errors = ValidationErrors::new();
        check_password("short", &mut errors);
        check_password(&"x".repeat(PASSWORD_MAX + 1), &mut errors);
        check_password("a fine long passphrase", &mut errors);
        let codes: Vec<&str> = errors.errors().iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["too_short", "too_long"]);
    }
}
