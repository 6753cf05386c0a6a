//! History: which fields of a record changed, from what to what.
//!
//! Records are compared in their public JSON form, so the history speaks the API's vocabulary
//! (`addresses`, `credit_limit`) and one function serves every resource.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    Updated,
    Archived,
    Deleted,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Archived => "archived",
            Action::Deleted => "deleted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Action::Created, Action::Updated, Action::Archived, Action::Deleted]
            .into_iter()
            .find(|action| action.as_str() == text)
    }
}

/// One field's change; `from` is null for a created record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// Fields every record carries that change with every write and say nothing about what changed.
const BOOKKEEPING: &[&str] = &["id", "version", "created_at", "updated_at"];

/// The fields that differ between `before` (none for a new record) and `after`, both JSON objects,
/// in field-name order. A new record lists every field that is set.
pub fn diff(before: Option<&Value>, after: &Value) -> Vec<FieldChange> {
    let empty = Map::new();
    let before = before.and_then(Value::as_object).unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter(|field| !BOOKKEEPING.contains(&field.as_str()))
        .filter_map(|field| {
            let from = before.get(field).cloned().unwrap_or(Value::Null);
            let to = after.get(field).cloned().unwrap_or(Value::Null);
            (from != to).then(|| FieldChange {
                field: field.clone(),
                from,
                to,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_changed_fields_are_listed_without_bookkeeping() {
        let before = json!({"id": 1, "version": 1, "name": "Acme", "phone": "1", "tags": ["a"]});
        let after = json!({"id": 1, "version": 2, "name": "Acme AG", "phone": null, "tags": ["a"]});
        let changes = diff(Some(&before), &after);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "name".into(),
                    from: json!("Acme"),
                    to: json!("Acme AG")
                },
                FieldChange {
                    field: "phone".into(),
                    from: json!("1"),
                    to: Value::Null
                },
            ]
        );
    }

    #[test]
    fn a_new_record_lists_what_is_set() {
        let changes = diff(None, &json!({"id": 1, "name": "Acme", "phone": null}));
        assert_eq!(
            changes,
            vec![FieldChange {
                field: "name".into(),
                from: Value::Null,
                to: json!("Acme")
            }]
        );
    }
}
