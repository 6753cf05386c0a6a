//! The stable form of a user. The password is never part of it.

use domain::user::User;
use serde_json::{Value, json};

/// A user as history and the change feed keep it.
pub fn user(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email.as_str(),
        "name": user.name,
        "role": user.role.as_str(),
        "team_id": user.team_id,
        "active": user.active,
        "version": user.version,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    })
}
