//! What the change feed calls a change.

use crate::history::Action;

/// The type of the event a change makes, `{resource_type}.{what}`: a change that moves the
/// record's status is named after the status it reaches (`offer.accepted`, `invoice.issued`,
/// `invoice.paid`); other changes by their action (`party.created`, `party.updated`,
/// `party.archived`, `invoice.deleted`).
pub fn event_type(
    resource_type: &str,
    action: Action,
    status_before: Option<&str>,
    status_after: Option<&str>,
) -> String {
    let what = match (action, status_after) {
        (Action::Updated, Some(after)) if status_before != Some(after) => after,
        _ => action.as_str(),
    };
    format!("{resource_type}.{what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_change_is_named_after_the_status_reached() {
        assert_eq!(
            event_type("offer", Action::Updated, Some("sent"), Some("accepted")),
            "offer.accepted"
        );
        assert_eq!(
            event_type("offer", Action::Updated, Some("draft"), Some("draft")),
            "offer.updated"
        );
        assert_eq!(event_type("party", Action::Updated, None, None), "party.updated");
        assert_eq!(
            event_type("offer", Action::Created, None, Some("draft")),
            "offer.created"
        );
        assert_eq!(event_type("party", Action::Archived, None, None), "party.archived");
        assert_eq!(
            event_type("invoice", Action::Deleted, Some("draft"), None),
            "invoice.deleted"
        );
    }
}
