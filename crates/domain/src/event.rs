//! What the change feed calls a change.

use crate::history::Action;
use crate::resource::ResourceType;
use crate::transition::Named;

/// What a change did to a record, as its use case names it: the action its history entry
/// records, and the name of its event (`{resource_type}.{what}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Archived,
    Deleted,
    /// An update that moved the record's status to this one: `offer.accepted`, `invoice.paid`.
    Reached(&'static str),
}

impl Change {
    /// An update that moves the status from `before` to `after`, or leaves it.
    pub fn of_status<S: Named>(before: S, after: S) -> Self {
        if before == after {
            Change::Updated
        } else {
            Change::Reached(after.name())
        }
    }

    /// The history entry's action: reaching a status is an update.
    pub fn action(self) -> Action {
        match self {
            Change::Created => Action::Created,
            Change::Updated | Change::Reached(_) => Action::Updated,
            Change::Archived => Action::Archived,
            Change::Deleted => Action::Deleted,
        }
    }

    /// The type of the event: a change that moves the record's status is named after the status
    /// it reaches; other changes by their action (`party.created`, `party.archived`).
    pub fn event_type(self, resource: ResourceType) -> String {
        let what = match self {
            Change::Reached(status) => status,
            other => other.action().as_str(),
        };
        format!("{resource}.{what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offer::OfferStatus;

    #[test]
    fn a_status_change_is_named_after_the_status_reached() {
        let accepted = Change::of_status(OfferStatus::Sent, OfferStatus::Accepted);
        assert_eq!(accepted.event_type(ResourceType::Offer), "offer.accepted");
        assert_eq!(accepted.action(), Action::Updated);
        let edited = Change::of_status(OfferStatus::Draft, OfferStatus::Draft);
        assert_eq!(edited.event_type(ResourceType::Offer), "offer.updated");
        assert_eq!(Change::Created.event_type(ResourceType::Offer), "offer.created");
        assert_eq!(Change::Archived.event_type(ResourceType::Party), "party.archived");
        assert_eq!(Change::Deleted.event_type(ResourceType::Invoice), "invoice.deleted");
    }
}
