//! The references a sales record holds to parties and users, checked the same way for every
//! resource: a missing or invisible record is a 422 on the field that names it (every such field
//! at once); an archived party is a 409, because its state, not the request, forbids it.

use domain::access::{self, Member};
use domain::party::Party;
use domain::validation::ValidationErrors;
use persistence::ConnectionTrait;
use persistence::visibility::Visibility;
use uuid::Uuid;

use crate::caller::Caller;
use crate::error::{AppError, ErrorCode};
use persistence::parties::Parties;
use persistence::table;
use persistence::users::Users;

pub struct References<'a, C> {
    conn: &'a C,
    caller: &'a Caller,
    errors: ValidationErrors,
}

impl<'a, C: ConnectionTrait> References<'a, C> {
    pub fn new(conn: &'a C, caller: &'a Caller) -> Self {
        Self {
            conn,
            caller,
            errors: ValidationErrors::new(),
        }
    }

    /// A party the caller sees and that takes new records (not archived).
    pub async fn party(&mut self, field: &str, id: Uuid) -> Result<Option<Party>, AppError> {
        match table::find::<Parties>(self.conn, id, self.caller.visibility()).await? {
            None => {
                self.errors.add(field, "not_found", "no party with this id");
                Ok(None)
            }
            Some(party) if party.is_archived() => Err(AppError::conflict(
                ErrorCode::PartyArchived,
                format!("{field}: the party is archived and takes no new records"),
                Some(id),
            )),
            Some(party) => Ok(Some(party)),
        }
    }

    /// A contact person of `party_id`: a party as [`Self::party`] that belongs to that organization.
    pub async fn contact(&mut self, field: &str, contact_id: Uuid, party_id: Uuid) -> Result<(), AppError> {
        if let Some(contact) = self.party(field, contact_id).await?
            && !contact.is_contact_of(party_id)
        {
            self.errors.add(
                field,
                "not_a_contact",
                "the contact must be a person belonging to the party (organization_id)",
            );
        }
        Ok(())
    }

    /// A party with the role competitor, in the caller's sight like any other reference: a
    /// competitor another team keeps is not found, exactly as an id that names nothing (else the
    /// answer would tell that it exists).
    pub async fn competitor(&mut self, field: &str, id: Uuid) -> Result<(), AppError> {
        match table::find::<Parties>(self.conn, id, self.caller.visibility()).await? {
            Some(party) if party.is_competitor() => {}
            Some(_) => {
                self.errors
                    .add(field, "not_a_competitor", "the party does not have the role competitor");
            }
            None => self.errors.add(field, "not_found", "no competitor with this id"),
        }
        Ok(())
    }

    /// The user responsible for a record (its owner or assignee), when it changes: an active user
    /// the caller may choose (anyone for managers, admins and integrators; themselves or a teammate
    /// for sales users). Sales users may not leave a record without one: it would leave their sight.
    pub async fn responsible_user(&mut self, field: &str, user_id: Option<Uuid>) -> Result<(), AppError> {
        let Some(user_id) = user_id else {
            if !access::may_leave_unassigned(self.caller.role) {
                self.errors.add(
                    field,
                    "required",
                    "sales users keep records assigned to themselves or a teammate",
                );
            }
            return Ok(());
        };
        match table::find::<Users>(self.conn, user_id, Visibility::All).await? {
            Some(user) if user.active => {
                let user = Member {
                    user_id: user.id,
                    team_id: user.team_id,
                };
                if !access::may_assign_owner(self.caller.role, self.caller.member(), user) {
                    self.errors.add(
                        field,
                        "not_in_team",
                        "sales users assign records to themselves or a teammate",
                    );
                }
            }
            _ => self.errors.add(field, "not_found", "no active user with this id"),
        }
        Ok(())
    }

    /// Records a broken rule found elsewhere, so it is reported with the others.
    pub fn add(&mut self, field: &str, code: &'static str, message: &str) {
        self.errors.add(field, code, message);
    }

    /// Every broken reference at once, as a 422.
    pub fn finish(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors.into())
        }
    }
}

/// The new value of a reference when it changed: only changed references are checked, so a record
/// whose party was archived later can still be edited.
pub fn changed<T: PartialEq + Copy>(new: Option<T>, current: Option<T>) -> Option<T> {
    new.filter(|value| current != Some(*value))
}
