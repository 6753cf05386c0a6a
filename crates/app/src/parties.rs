//! Party use cases: each mutating one is a single transaction, opened and committed here.

use domain::access;
use domain::party::{Party, PartyFields, PartyInput, PartyKind};
use domain::resource::ResourceType;
use persistence::page::{Page, PageRequest};
use persistence::parties::{self, PartyFilter, PartySort};
use persistence::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::AppError;
use crate::history::Change;
use crate::lookup;
use crate::records::address;
use crate::references::{References, changed};
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versioned::{self, Versioned};
use crate::versions::check_version;
use chrono::{DateTime, Utc};
use domain::currency::Currency;
use domain::email::Email;
use domain::iban::Bic;
use domain::party::PartyRole;
use persistence::parties::Parties;
use persistence::table;
use serde_json::{Value, json};

const RESOURCE: ResourceType = ResourceType::Party;

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: PartyInput) -> Result<Party, AppError> {
    let txn = persistence::db::begin(db).await?;
    let party = insert_new(&txn, caller, input).await?;
    transaction::commit(txn).await?;
    Ok(party)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Party, AppError> {
    lookup::get::<Parties>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &PartyFilter,
    request: &PageRequest<PartySort>,
) -> Result<Page<Party>, AppError> {
    Ok(parties::list(db, filter, caller.visibility(), request).await?)
}

/// Applies `change` to the current record and writes it if its version is still the one read
/// (and the one in `If-Match`, when given).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut PartyInput),
) -> Result<Party, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<Parties>(&txn, caller, id).await?;
    let mut input = PartyInput::from(current.fields.clone());
    change(&mut input);
    // Invalid input is reported as such even with a stale If-Match: fixing it is the first step.
    let fields = input.validate()?;
    check_version(current.version, if_match)?;
    check_references(&txn, caller, &fields, Some(&current)).await?;
    let party = write_new_version(&txn, caller, current, fields, false).await?;
    transaction::commit(txn).await?;
    Ok(party)
}

/// Archives the party: it stays readable by id and leaves the lists. Archiving twice is harmless.
pub async fn archive(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<Parties>(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    if !current.is_archived() {
        let fields = current.fields.clone();
        write_new_version(&txn, caller, current, fields, true).await?;
    }
    transaction::commit(txn).await?;
    Ok(())
}

/// `PUT /parties/by-external-id/{external_id}`: creates the party, or replaces the whole record
/// (omitted fields get their defaults). A party the caller may not see is not replaced but refused,
/// because creating a second one would break the uniqueness of external ids.
pub async fn upsert(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    caller: &Caller,
    external_id: &str,
    mut input: PartyInput,
    if_match: Option<i32>,
) -> Result<Upserted<Party>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut input.external_id, domain::party::SHORT_TEXT_MAX)?;
    upsert::by_external_id::<Parties>(
        db,
        caller,
        &external_id,
        if_match,
        async |txn| insert_new(txn, caller, input.clone()).await,
        async |txn, current| {
            // The body is the whole record, but for an omitted owner, who stays: owners are the
            // CRM's business, which an ERP resending the party knows nothing of.
            let mut input = input.clone();
            input.owner_id = input.owner_id.or(current.fields.owner_id);
            let fields = input.validate()?;
            check_version(current.version, if_match)?;
            check_references(txn, caller, &fields, Some(&current)).await?;
            write_new_version(txn, caller, current, fields, false).await
        },
    )
    .await
}

async fn insert_new(conn: &impl ConnectionTrait, caller: &Caller, mut input: PartyInput) -> Result<Party, AppError> {
    if input.owner_id.is_none() {
        input.owner_id = access::default_owner(caller.role, caller.member());
    }
    let fields = input.validate()?;
    check_references(conn, caller, &fields, None).await?;
    let at = now();
    let party = Party {
        id: Uuid::now_v7(),
        fields,
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    parties::insert(conn, &party)
        .await
        .map_err(|e| upsert::lost_external_id_race(e, RESOURCE, party.fields.external_id.as_deref()))?;
    versioned::record_creation::<Parties>(conn, caller, &party).await?;
    Ok(party)
}

/// Writes `fields` as the next version of `current`, archiving it too when `archive` is set, and
/// records the change in the history. Identical fields write nothing.
async fn write_new_version(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: Party,
    fields: PartyFields,
    archive: bool,
) -> Result<Party, AppError> {
    if fields == current.fields && !archive {
        // Nothing changes: no new version, so a sync client resending a record doubles nothing.
        return Ok(current);
    }
    let at = now();
    let changed = Party {
        fields,
        archived_at: current.archived_at.or(archive.then_some(at)),
        ..current.clone()
    };
    versioned::write_next::<Parties>(conn, caller, &current, changed, at).await
}

impl Versioned for Parties {
    const FORM: fn(&Party) -> Value = record;

    fn next_version(party: Party, at: DateTime<Utc>) -> Party {
        Party {
            version: party.version + 1,
            updated_at: at,
            ..party
        }
    }

    fn change(before: &Party, after: &Party) -> Change {
        if !before.is_archived() && after.is_archived() {
            Change::Archived
        } else {
            Change::Updated
        }
    }

    async fn write(conn: &impl ConnectionTrait, party: &Party, expected_version: i32) -> Result<bool, AppError> {
        parties::update(conn, party, expected_version)
            .await
            .map_err(|e| upsert::lost_external_id_race(e, RESOURCE, party.fields.external_id.as_deref()))
    }
}

/// The references a party holds must exist: its organization (one the caller sees, an organization,
/// not archived) and its owner (an active user; for sales users, themselves or a teammate). Its
/// external id must be free; the unique index is the backstop when two requests race.
async fn check_references(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    fields: &PartyFields,
    current: Option<&Party>,
) -> Result<(), AppError> {
    let mut references = References::new(conn, caller);
    let current_fields = current.map(|c| &c.fields);
    if let Some(org_id) = changed(fields.organization_id, current_fields.and_then(|c| c.organization_id))
        && let Some(organization) = references.party("organization_id", org_id).await?
        && organization.fields.kind != PartyKind::Organization
    {
        references.add("organization_id", "not_an_organization", "the party is a person");
    }
    if current_fields.map_or(fields.owner_id.is_some(), |c| c.owner_id != fields.owner_id) {
        references.responsible_user("owner_id", fields.owner_id).await?;
    }
    if let Some(price_list_id) = changed(fields.price_list_id, current_fields.and_then(|c| c.price_list_id))
        && !persistence::price_lists::exists_for_share(conn, price_list_id).await?
    {
        references.add("price_list_id", "not_found", "no price list with this id");
    }
    let new_external_id = fields
        .external_id
        .as_deref()
        .filter(|id| current_fields.and_then(|c| c.external_id.as_deref()) != Some(*id));
    upsert::check_external_id_allowed(caller, new_external_id)?;
    if let Some(external_id) = new_external_id
        && let Some(other) = table::find_by_external_id::<Parties>(conn, external_id).await?
    {
        return Err(upsert::duplicate_external_id(RESOURCE, external_id, Some(other.id)));
    }
    references.finish()
}

/// A party as history and the change feed keep it.
pub fn record(party: &Party) -> Value {
    let f = &party.fields;
    let roles: Vec<&str> = f.roles.iter().copied().map(PartyRole::as_str).collect();
    let addresses: Vec<Value> = f.addresses.iter().map(address).collect();
    let bank_accounts: Vec<Value> = f
        .bank_accounts
        .iter()
        .map(|b| {
            json!({
                "iban": b.iban.as_str(),
                "bic": b.bic.as_ref().map(Bic::as_str),
                "holder": b.holder,
            })
        })
        .collect();
    // The lists go in by move: `json!` would copy each of their values once more.
    let mut form = json!({
        "id": party.id,
        "kind": f.kind.as_str(),
        "name": f.name,
        "organization_id": f.organization_id,
        "roles": roles,
        "email": f.email.as_ref().map(Email::as_str),
        "phone": f.phone,
        "website": f.website,
        "vat_id": f.vat_id,
        "payment_terms_days": f.payment_terms_days,
        "credit_limit": f.credit_limit,
        "currency": f.currency.as_ref().map(Currency::code),
        "price_list_id": f.price_list_id,
        "customer_group": f.customer_group,
        "owner_id": f.owner_id,
        "tags": f.tags,
        "notes": f.notes,
        "external_id": f.external_id,
        "archived_at": party.archived_at,
        "version": party.version,
        "created_at": party.created_at,
        "updated_at": party.updated_at,
    });
    form["addresses"] = Value::Array(addresses);
    form["bank_accounts"] = Value::Array(bank_accounts);
    form
}
