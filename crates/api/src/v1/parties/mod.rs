//! `/api/v1/parties`: customers, prospects, suppliers, competitors and partners.
//!
//! Party endpoints: extract, check the permission, call the service, respond.

pub mod dto;

use actix_web::{delete, get, patch, post, put};
use persistence::parties::{PartyFilter, PartySort};

use self::dto::{PartyBatchBody, PartyBody, PartyListQuery, PartyPage, PartyPatch, PartyResponse};
use crate::v1::kit::{self};
use app::contracts::active::{PartyView, viewed_one, viewed_page, viewed_upsert};
use app::parties as service;
use domain::party::Party;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/parties")
            .service(create_party)
            .service(list_parties)
            .service(batch_upsert_parties)
            .service(upsert_party_by_external_id)
            .service(get_party_by_external_id)
            .service(get_party)
            .service(list_party_history)
            .service(crate::v1::attachments::list_party_attachments)
            .service(crate::v1::activities::list_party_activities)
            .service(crate::v1::cases::list_party_cases)
            .service(crate::v1::contracts::list_party_contracts)
            .service(crate::v1::subscriptions::list_party_subscriptions)
            .service(crate::v1::opportunities::list_party_opportunities)
            .service(crate::v1::offers::list_party_offers)
            .service(update_party)
            .service(archive_party),
    );
}

kit::create_endpoint!(
    /// Create a party.
    create_party: PartyView => PartyResponse, tag = "parties", body = PartyBody,
    |db, caller, body| async { service::create(db, &caller, body.into()).await.map(PartyView::new) }
);

kit::shown_alike!(PartyView => PartyResponse);

const SORTS: &[(&str, PartySort)] = &[
    ("name", PartySort::Name),
    ("created_at", PartySort::CreatedAt),
    ("updated_at", PartySort::UpdatedAt),
];

kit::list_endpoint!(
    /// List parties, filtered, sorted and paginated by cursor.
    list_parties: PartyView => PartyPage, tag = "parties", query = PartyListQuery, sorts = SORTS, default = "name",
    filter(query) = PartyFilter {
        kind: query.kind.into_iter().map(Into::into).collect(),
        role: query.role.into_iter().map(Into::into).collect(),
        owner_id: query.owner_id,
        organization_id: query.organization_id,
        customer_group: query.customer_group,
        tag: query.tag.map(|tag| tag.trim().to_owned()),
        external_id: query.external_id,
        q: crate::query::search(query.q)?,
        updated_since: crate::query::instant("updated_since", query.updated_since)?,
        include_archived: query.include_archived.unwrap_or(false),
    },
    |db, caller, filter, request| async { viewed_page(db, service::list(db, &caller, &filter, &request).await?).await }
);

kit::get_endpoint!(
    /// Read a party (archived ones too).
    get_party: PartyView => PartyResponse, tag = "parties", id = "Party id",
    external = get_party_by_external_id in persistence::parties::Parties,
    |db, caller, id| async { viewed_one(db, service::get(db, &caller, id).await?).await }
);

kit::update_endpoint!(
    /// Change a party: fields present are set, `null` clears, absent fields are kept.
    update_party: PartyView => PartyResponse, tag = "parties", id = "Party id", body = PartyPatch,
    |db, caller, id, if_match, patch| async {
        let party = service::update(db, &caller, id, if_match, |input| patch.apply_to(input)).await?;
        viewed_one(db, party).await
    }
);

kit::remove_endpoint!(
    /// Archive a party: it stays readable by id, leaves the lists and takes no new documents.
    archive_party: Party, tag = "parties", id = "Party id", done = "Archived",
    |db, caller, id, if_match| service::archive(db, &caller, id, if_match)
);

kit::upsert_endpoint!(
    /// Create or replace the party with this external id (the body is the whole record).
    upsert_party_by_external_id: PartyView => PartyResponse, tag = "parties", body = PartyBody,
    |db, caller, external_id, if_match, body| async {
        viewed_upsert(db, service::upsert(db, &caller, external_id, body.into(), if_match).await?).await
    }
);

crate::v1::history::history_endpoint!(
    /// The history of a party: who changed which fields, from what to what, oldest first.
    list_party_history,
    Party,
    tag = "parties",
    id = "Party id"
);

kit::batch_endpoint!(
    /// Create or replace up to 100 parties by external id, each item as
    /// `PUT /parties/by-external-id/{external_id}` would (same rules, same permission).
    batch_upsert_parties: Party, tag = "parties", body = PartyBatchBody, item = PartyBody,
    |txn, caller, external_id, item| service::upsert(txn, &caller, external_id, item.into(), None)
);
