//! Offer use cases: each mutating one is a single transaction with its history entry. Lines are
//! priced with a fixed number of queries however many there are (products, price list entries,
//! discount rules and turnover each read once) and written in one statement.

use chrono::{Datelike, NaiveDate};
use domain::access::{self, Permission};
use domain::currency::Currency;
use domain::offer::{self, ActionError, LineInput, Offer, OfferAction, OfferFields, OfferInput, OfferStatus};
use domain::party::Party;
use domain::resource::ResourceType;
use persistence::activities::RelatedDocument;
use persistence::offers::{self, OfferFilter, OfferSort};
use persistence::page::{Page, PageRequest};
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, activities, numbers, opportunities};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history::{self, Change};
use crate::lookup;
use crate::opportunities as opportunity_service;
use crate::pricing;
use crate::references::{References, changed};
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versions::check_version;
use persistence::offers::Offers;
use persistence::parties::Parties;
use persistence::table;

use domain::money::shown_price;

use crate::records;
use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::Offer;
const SERIES: &str = "OF";

/// Today in UTC: the day offers expire by.
pub fn today() -> NaiveDate {
    now().date_naive()
}

/// Whether the caller may perform transitions: what `allowed_actions` offers.
pub fn may_act(caller: &Caller) -> bool {
    caller.role.can(Permission::WriteOffers)
}

/// A new draft; an external id another offer has is a 409 `duplicate_external_id` naming it.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: OfferInput,
    external_id: Option<String>,
) -> Result<Offer, AppError> {
    let external_id = upsert::checked_external_id(external_id.as_deref())?;
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<Offers>(&txn, caller, external_id.as_deref()).await?;
    let created = insert_new(&txn, caller, input, external_id).await?;
    transaction::commit(txn).await?;
    Ok(created)
}

async fn insert_new(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    mut input: OfferInput,
    external_id: Option<String>,
) -> Result<Offer, AppError> {
    if input.owner_id.is_none() {
        input.owner_id = access::default_owner(caller.role, caller.member());
    }
    let party = party_of(conn, caller, input.party_id).await?;
    let fields = priced(conn, &party, input).await?;
    check_references(conn, caller, None, &fields, None).await?;
    let at = now();
    let sequence = numbers::next(conn, SERIES, at.year()).await?;
    let created = Offer {
        id: Uuid::now_v7(),
        number: offer::number(at.year(), sequence),
        revision: 1,
        revises_id: None,
        status: OfferStatus::Draft,
        fields,
        sent_at: None,
        closed_at: None,
        external_id,
        sales_order_id: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    offers::insert(conn, &created)
        .await
        .map_err(|error| upsert::lost_external_id_race(error, RESOURCE, created.external_id.as_deref()))?;
    record(conn, caller, &created, None).await?;
    Ok(created)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Offer, AppError> {
    lookup::get::<Offers>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &OfferFilter,
    request: &PageRequest<OfferSort>,
) -> Result<Page<Offer>, AppError> {
    Ok(offers::list(db, filter, caller.visibility(), request).await?)
}

/// The offers of a party the caller may see.
pub async fn list_of_party(
    db: &DatabaseConnection,
    caller: &Caller,
    party_id: Uuid,
    filter: OfferFilter,
    request: &PageRequest<OfferSort>,
) -> Result<Page<Offer>, AppError> {
    crate::parties::get(db, caller, party_id).await?;
    let filter = OfferFilter {
        party_id: Some(party_id),
        ..filter
    };
    list(db, caller, &filter, request).await
}

/// Deletes a draft (after `If-Match`); anything else is a 409 `document_immutable`. Nothing but
/// activities refers to a draft (only an accepted offer converts, only a sent, rejected or expired
/// one is revised): they stay, unlinked. Its history outlives it, and the feed tells of it
/// (`offer.deleted`). A draft revision goes alone: the offer it revises stays superseded, and the
/// external id the revision took over goes with it (a later upsert of that id makes a new offer).
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let day = today();
    current.check_editable(day).map_err(|status| {
        AppError::conflict(
            ErrorCode::DocumentImmutable,
            format!("only drafts can be deleted; this offer is {}", status.as_str()),
            None,
        )
    })?;
    crate::activities::unlink(&txn, caller, RelatedDocument::Offer(id)).await?;
    offers::delete(&txn, id).await?;
    history::record_deletion(&txn, caller, RESOURCE, id, &record_form(&current, day)).await?;
    transaction::commit(txn).await?;
    Ok(())
}

/// Changes a draft: anything but a draft is a 409 `document_immutable` (after `If-Match`). New
/// lines are priced again; lines left alone keep their prices and ids.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut OfferInput),
) -> Result<Offer, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    let written = change_draft(&txn, caller, current, if_match, change).await?;
    transaction::commit(txn).await?;
    Ok(written)
}

/// `PUT /offers/by-external-id/{external_id}`: creates the draft as `POST` does, or replaces the
/// whole draft that has this external id (omitted fields get their defaults, the lines are priced
/// again); an offer past its draft is a 409 `document_immutable`.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    input: OfferInput,
    mut body_external_id: Option<String>,
    if_match: Option<i32>,
) -> Result<Upserted<Offer>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut body_external_id, domain::document::EXTERNAL_ID_MAX)?;
    upsert::by_external_id::<Offers>(
        db,
        caller,
        &external_id,
        if_match,
        async |txn| insert_new(txn, caller, input.clone(), Some(external_id.clone())).await,
        async |txn, current| {
            // The body is the whole record, but for an omitted owner, who stays: owners are the
            // CRM's business, which an ERP resending the offer knows nothing of.
            change_draft(txn, caller, current, if_match, |draft| {
                let owner_id = draft.owner_id;
                *draft = input.clone();
                draft.owner_id = draft.owner_id.or(owner_id);
            })
            .await
        },
    )
    .await
}

/// Applies `change` to the draft `current` (locked) and writes it, checking `If-Match` first.
/// Lines that `change` leaves alone keep their prices and ids; new ones are priced, and keep the
/// old ids when they come out the same, so that sending a draft again changes nothing.
async fn change_draft(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: Offer,
    if_match: Option<i32>,
    change: impl FnOnce(&mut OfferInput),
) -> Result<Offer, AppError> {
    check_version(current.version, if_match)?;
    current.check_editable(today()).map_err(|status| {
        AppError::conflict(
            ErrorCode::DocumentImmutable,
            format!(
                "only drafts are editable; this offer is {} (revise it for a new draft)",
                status.as_str()
            ),
            None,
        )
    })?;
    let unchanged = OfferInput::from(current.fields.clone());
    let mut input = unchanged.clone();
    change(&mut input);
    let party = if input.party_id == current.fields.party_id {
        table::find::<Parties>(conn, input.party_id, Visibility::All).await?
    } else {
        Some(party_of(conn, caller, input.party_id).await?)
    }
    .ok_or_else(|| AppError::internal(anyhow::anyhow!("the offer's party {} is gone", input.party_id)))?;
    // A replacing body without a currency means the party's, as on create.
    input.default_currency(party.fields.currency);
    let lines_replaced = input.lines != unchanged.lines;
    current.fields.check_change(&input, lines_replaced)?;
    let fields = if lines_replaced {
        let mut fields = priced(conn, &party, input).await?;
        upsert::keep_line_ids(&mut fields.lines, &current.fields.lines, |line| &mut line.id);
        fields
    } else {
        input.validate_keeping(current.fields.lines.clone())?
    };
    check_references(conn, caller, Some(current.id), &fields, Some(&current.fields)).await?;
    if fields == current.fields {
        return Ok(current);
    }
    let lines_changed = fields.lines != current.fields.lines;
    let changed = Offer {
        fields,
        ..current.clone()
    };
    write(conn, caller, &current, changed, lines_changed).await
}

/// `send`, `reject` or `cancel`: the status the action leads to, or a 409 naming the current
/// status and the ones it is allowed from.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    action: OfferAction,
) -> Result<Offer, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let status = current.act(action, today()).map_err(action_error)?;
    let changed = current.clone().moved(action, status, now());
    let written = write(&txn, caller, &current, changed, false).await?;
    transaction::commit(txn).await?;
    Ok(written)
}

/// The customer accepts, choosing some optional lines; the opportunity the offer is for is won.
pub async fn accept(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    selected_optional_line_ids: &[Uuid],
) -> Result<Offer, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let lines = current
        .accept(selected_optional_line_ids, today())
        .map_err(action_error)?;
    let changed = Offer {
        fields: OfferFields {
            lines,
            ..current.fields.clone()
        },
        ..current.clone()
    }
    .moved(OfferAction::Accept, OfferStatus::Accepted, now());
    let written = write(&txn, caller, &current, changed, true).await?;
    if let Some(opportunity_id) = written.fields.opportunity_id {
        opportunity_service::win(&txn, caller, opportunity_id).await?;
    }
    transaction::commit(txn).await?;
    Ok(written)
}

/// Supersedes the offer with a new draft: same number, revision + 1, same content.
pub async fn revise(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
) -> Result<Offer, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    let status = current.act(OfferAction::Revise, today()).map_err(action_error)?;
    // The revision is a new document: its party and products must still take one.
    party_of(&txn, caller, current.fields.party_id).await?;
    let kept = OfferInput::from(current.fields.clone());
    pricing::products_of(&txn, &kept.lines.iter().map(|l| &l.line).collect::<Vec<_>>()).await?;
    let at = now();
    // The external id names the integrator's quote, which the new draft now is: it moves over
    // (cleared on the old one first, for its unique index).
    let revision = Offer {
        external_id: current.external_id.clone(),
        ..current.next_revision(Uuid::now_v7(), Uuid::now_v7, at)
    };
    let superseded = Offer {
        external_id: None,
        ..current.clone().moved(OfferAction::Revise, status, at)
    };
    write(&txn, caller, &current, superseded, false).await?;
    offers::insert(&txn, &revision).await?;
    record(&txn, caller, &revision, None).await?;
    transaction::commit(txn).await?;
    Ok(revision)
}

async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<Offer, AppError> {
    lookup::for_update::<Offers>(conn, caller, id).await
}

/// Writes `changed` as the next version of `current` and records the change.
async fn write(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: &Offer,
    changed: Offer,
    lines_changed: bool,
) -> Result<Offer, AppError> {
    let changed = Offer {
        version: current.version + 1,
        updated_at: now(),
        ..changed
    };
    if !offers::update(conn, &changed, current.version, lines_changed).await? {
        // The row was locked when read, so only a writer bypassing that lock gets here.
        return Err(AppError::concurrent_update());
    }
    record(conn, caller, &changed, Some(current)).await?;
    Ok(changed)
}

async fn record(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    offer: &Offer,
    before: Option<&Offer>,
) -> Result<(), AppError> {
    let day = today();
    let change = before.map_or(Change::Created, |b| {
        Change::of_status(b.status_on(day), offer.status_on(day))
    });
    let before = before.map(|b| record_form(b, day));
    history::record(
        conn,
        caller,
        RESOURCE,
        offer.id,
        change,
        before.as_ref(),
        &record_form(offer, day),
    )
    .await
}

fn action_error(error: ActionError) -> AppError {
    match error {
        ActionError::State(error) => AppError::invalid_transition(RESOURCE, error),
        ActionError::Invalid(errors) => errors.into(),
    }
}

/// The party an offer is made to: one the caller sees, not archived.
async fn party_of(conn: &impl ConnectionTrait, caller: &Caller, party_id: Uuid) -> Result<Party, AppError> {
    let mut references = References::new(conn, caller);
    match references.party("party_id", party_id).await? {
        Some(party) => Ok(party),
        None => Err(references.finish().expect_err("a missing party is an error")),
    }
}

/// Validates `input`, its lines completed from their products and priced for `party` on today's
/// date in the offer's currency (by default the party's).
async fn priced(conn: &impl ConnectionTrait, party: &Party, mut input: OfferInput) -> Result<OfferFields, AppError> {
    input.default_currency(party.fields.currency);
    let lines: Vec<&LineInput> = input.lines.iter().map(|l| &l.line).collect();
    let currency = input.currency.as_deref().and_then(|code| Currency::parse(code).ok());
    let defaults = pricing::line_defaults(conn, party, &lines, currency, today()).await?;
    Ok(input.validate(&defaults, Uuid::now_v7)?)
}

/// The records an offer refers to, when they change: a contact person of its party, an opportunity
/// the caller sees of the same party (share-locked, so its party cannot change meanwhile), a
/// responsible user the caller may choose. The activities about the offer `id` keep its party.
async fn check_references(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    id: Option<Uuid>,
    fields: &OfferFields,
    current: Option<&OfferFields>,
) -> Result<(), AppError> {
    let mut references = References::new(conn, caller);
    let party_changed = current.is_none_or(|c| c.party_id != fields.party_id);
    if let Some(id) = id.filter(|_| party_changed)
        && activities::one_of_offer_elsewhere(conn, id, fields.party_id)
            .await?
            .is_some()
    {
        return Err(AppError::conflict(
            ErrorCode::ActivitiesOfOtherParty,
            "activities about this offer concern its current party: relate them elsewhere first",
            None,
        ));
    }
    if let Some(contact_id) = fields.contact_id
        && (party_changed || changed(fields.contact_id, current.and_then(|c| c.contact_id)).is_some())
    {
        references.contact("contact_id", contact_id, fields.party_id).await?;
    }
    if let Some(opportunity_id) = fields.opportunity_id
        && (party_changed || changed(fields.opportunity_id, current.and_then(|c| c.opportunity_id)).is_some())
    {
        match opportunities::find_for_share(conn, opportunity_id, caller.visibility()).await? {
            None => references.add("opportunity_id", "not_found", "no opportunity with this id"),
            // An offer for a deal is made to that deal's party.
            Some(opportunity) if opportunity.fields.party_id != fields.party_id => {
                references.add(
                    "opportunity_id",
                    "other_party",
                    "the opportunity belongs to another party than the offer",
                );
            }
            Some(_) => {}
        }
    }
    if current.map_or(fields.owner_id.is_some(), |c| c.owner_id != fields.owner_id) {
        references.responsible_user("owner_id", fields.owner_id).await?;
    }
    references.finish()
}

/// An offer as of `today` (a sent offer past `valid_until` is `expired`), as history and the change feed keep it.
pub fn record_form(offer: &Offer, today: NaiveDate) -> Value {
    let f = &offer.fields;
    let currency = f.currency;
    let lines = records::positioned(&f.lines, |position, line| {
        json!({
            "id": line.id,
            "position": position,
            "product_id": line.product_id,
            "description": line.description,
            "quantity": line.quantity.normalize(),
            "unit": line.unit,
            "unit_price": shown_price(line.unit_price, currency),
            "discount_percent": line.discount_percent.normalize(),
            "tax_rate": line.tax_rate.normalize(),
            "optional": line.optional,
            "selected": line.selected,
            "line_net": line.amounts().net(currency),
        })
    });
    let header = json!({
        "id": offer.id,
        "number": offer.number,
        "revision": offer.revision,
        "revises_id": offer.revises_id,
        "party_id": f.party_id,
        "contact_id": f.contact_id,
        "opportunity_id": f.opportunity_id,
        "owner_id": f.owner_id,
        "currency": currency.code(),
        "valid_until": f.valid_until,
        "notes": f.notes,
        "status": offer.status_on(today).as_str(),
        "optional_total": offer.optional_total(),
        "sent_at": offer.sent_at,
        "closed_at": offer.closed_at,
        "external_id": offer.external_id,
        "version": offer.version,
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
    });
    records::document(header, offer.totals(), lines)
}
