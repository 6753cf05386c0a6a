//! The record an attachment belongs to: an attachment is read with its record's read permission
//! and changed with its write permission, by callers who see that record, and not at all while
//! the record is frozen (an issued invoice).

use domain::invoice::InvoiceStatus;
use domain::resource::ResourceType;
use persistence::ConnectionTrait;
use persistence::activities::Activities;
use persistence::cases::Cases;
use persistence::contracts::Contracts;
use persistence::invoices::Invoices;
use persistence::offers::Offers;
use persistence::opportunities::Opportunities;
use persistence::parties::Parties;
use persistence::sales_orders::SalesOrders;
use persistence::table::{self, Table};
use persistence::visibility::Visibility;
use uuid::Uuid;

use crate::caller::Caller;
use crate::error::{AppError, ErrorCode};

/// What reading or writing an attachment of a record needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    /// Share-locks the record until the transaction ends (PostgreSQL), so it cannot be issued or
    /// deleted meanwhile.
    Write,
}

/// The record `resource`/`id` as far as its attachments go: whether it is frozen, if the caller
/// may `access` it and sees it. A record they may not see is "not found", as its own GET says.
pub(crate) async fn holder(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource: ResourceType,
    id: Uuid,
    access: Access,
) -> Result<Holder, AppError> {
    caller.require(match access {
        Access::Read => resource.read_permission(),
        Access::Write => resource.write_permission(),
    })?;
    let found = find(conn, resource, id, caller.visibility(), access).await?;
    found.ok_or(AppError::not_found(resource))
}

/// Whether the record `resource`/`id` exists and `visibility` sees it (none when not), and
/// whether it is frozen.
async fn find(
    conn: &impl ConnectionTrait,
    resource: ResourceType,
    id: Uuid,
    visibility: Visibility,
    access: Access,
) -> Result<Option<Holder>, AppError> {
    const OPEN: Holder = Holder { frozen: false };
    Ok(match resource {
        ResourceType::Party => one::<Parties>(conn, id, visibility, access).await?.map(|_| OPEN),
        ResourceType::Activity => one::<Activities>(conn, id, visibility, access).await?.map(|_| OPEN),
        ResourceType::Opportunity => one::<Opportunities>(conn, id, visibility, access).await?.map(|_| OPEN),
        ResourceType::Offer => one::<Offers>(conn, id, visibility, access).await?.map(|_| OPEN),
        ResourceType::SalesOrder => one::<SalesOrders>(conn, id, visibility, access).await?.map(|_| OPEN),
        ResourceType::Case => one::<Cases>(conn, id, visibility, access).await?.map(|_| OPEN),
        ResourceType::Contract => one::<Contracts>(conn, id, visibility, access).await?.map(|_| OPEN),
        // An issued invoice is a legal document: its attachments are part of it.
        ResourceType::Invoice => one::<Invoices>(conn, id, visibility, access)
            .await?
            .map(|invoice| Holder {
                frozen: invoice.status != InvoiceStatus::Draft,
            }),
        other => {
            debug_assert!(
                !other.takes_attachments(),
                "{other} takes attachments: find its records here"
            );
            None
        }
    })
}

async fn one<T: Table>(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
    access: Access,
) -> Result<Option<T::Record>, AppError> {
    Ok(match access {
        Access::Read => table::find::<T>(conn, id, visibility).await?,
        Access::Write => table::find_for_share::<T>(conn, id, visibility).await?,
    })
}

/// The record of an attachment, as its attachments see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Holder {
    frozen: bool,
}

impl Holder {
    /// Refuses a change of the attachments of a frozen record (409 `document_immutable`).
    pub(crate) fn check_open(self, resource: ResourceType) -> Result<(), AppError> {
        if self.frozen {
            return Err(AppError::conflict(
                ErrorCode::DocumentImmutable,
                format!(
                    "the {} is issued: its attachments are part of it and do not change",
                    resource.noun()
                ),
                None,
            ));
        }
        Ok(())
    }
}

/// Whether the caller may read the record `resource`/`resource_id` and sees it.
pub(crate) async fn sees(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    resource: ResourceType,
    resource_id: Uuid,
) -> Result<bool, AppError> {
    Ok(caller.may(resource.read_permission())
        && find(conn, resource, resource_id, caller.visibility(), Access::Read)
            .await?
            .is_some())
}
