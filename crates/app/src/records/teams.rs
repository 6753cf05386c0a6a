//! The stable form of a team.

use domain::team::Team;
use serde_json::{Value, json};

/// A team as history and the change feed keep it.
pub fn team(team: &Team) -> Value {
    json!({
        "id": team.id,
        "name": team.name,
        "version": team.version,
        "created_at": team.created_at,
        "updated_at": team.updated_at,
    })
}
