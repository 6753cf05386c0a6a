//! `/api/v1/contracts`: what clients have signed, and the conditions their new documents get.

pub mod dto;

use actix_web::{delete, get, patch, post, put};
use domain::access::Permission;
use domain::contract::Contract;
use persistence::contracts::{ContractFilter, ContractSort};

use self::dto::{ContractBody, ContractListQuery, ContractPage, ContractPatch, ContractResponse, TerminateBody};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::query;
use crate::v1::kit::{self, Shown};
use app::contracts as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/contracts")
            .service(create_contract)
            .service(list_contracts)
            .service(upsert_contract_by_external_id)
            .service(get_contract_by_external_id)
            .service(get_contract)
            .service(update_contract)
            .service(delete_contract)
            .service(list_contract_history)
            .service(crate::v1::attachments::list_contract_attachments)
            .service(activate_contract)
            .service(terminate_contract),
    );
}

const SORTS: &[(&str, ContractSort)] = &[
    ("created_at", ContractSort::CreatedAt),
    ("updated_at", ContractSort::UpdatedAt),
    ("number", ContractSort::Number),
];

impl Shown for Contract {
    type Response = ContractResponse;
    fn shown(self, caller: &Caller) -> ContractResponse {
        ContractResponse::new(self, caller.may(Permission::WriteContracts))
    }
}

kit::create_endpoint!(
    /// Record a contract of a party, as a `draft`: its conditions apply once it is activated.
    create_contract: Contract => ContractResponse, tag = "contracts", body = ContractBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

kit::upsert_endpoint!(
    /// Create or replace the contract with this external id: the body is the whole contract, as for
    /// `POST /contracts`. A replaced contract keeps its status and termination.
    upsert_contract_by_external_id: Contract => ContractResponse, tag = "contracts", body = ContractBody,
    |db, caller, external_id, if_match, body| service::upsert(db, &caller, external_id, body.into(), if_match)
);

fn filter(query: &ContractListQuery) -> Result<ContractFilter, ApiError> {
    Ok(ContractFilter {
        status: query.status.iter().copied().map(Into::into).collect(),
        party_id: query.party_id,
        price_list_id: query.price_list_id,
        external_id: query.external_id.clone(),
        q: query::search(query.q.clone())?,
        updated_since: query::instant("updated_since", query.updated_since)?,
    })
}

kit::list_endpoint!(
    /// List contracts, newest first.
    list_contracts: Contract => ContractPage, tag = "contracts", query = ContractListQuery, sorts = SORTS,
    default = "-created_at",
    filter(query) = filter(&query)?,
    |db, caller, filter, request| service::list(db, &caller, filter, &request)
);

kit::nested_list_endpoint!(
    /// The contracts of a party, newest first.
    list_party_contracts: Contract => ContractPage, tag = "contracts", path = "/{id}/contracts", of = "Party id", query = ContractListQuery, sorts = SORTS,
    default = "-created_at", filter(query) = filter(&query)?,
    |db, caller, party_id, filter, request| service::list_of_party(db, &caller, party_id, filter, &request)
);

kit::get_endpoint!(
    /// Read a contract.
    get_contract: Contract => ContractResponse, tag = "contracts", id = "Contract id",
    external = get_contract_by_external_id in persistence::contracts::Contracts,
    |db, caller, id| service::get(db, &caller, id)
);

kit::update_endpoint!(
    /// Change a draft, or amend an active contract (recorded in its history; documents already
    /// made keep their conditions). A terminated or expired contract is a 409 `document_immutable`.
    update_contract: Contract => ContractResponse, tag = "contracts", id = "Contract id", body = ContractPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Delete a draft; a contract once activated stays (409 `document_immutable`).
    delete_contract: Contract, tag = "contracts", id = "Contract id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

kit::transition_endpoint!(
    /// Activate a draft from today: `draft` → `active`. Its conditions apply to the party's new
    /// documents dated in its term. A contract whose term has ended cannot start (422).
    activate_contract: Contract => ContractResponse, tag = "contracts", id = "Contract id",
    path = "/{id}/activate", done = "The contract, `active`",
    also = ((status = 422, response = crate::openapi::UnprocessableEntity)),
    |db, caller, id, if_match| service::activate(db, &caller, id, if_match)
);

kit::transition_endpoint!(
    /// Give notice: from `effective_date` on the contract no longer applies. Dated today it is
    /// `terminated` at once; dated ahead it stays `active` until then and the server ends it on
    /// that day. Given after the notice date, it does not stop the coming renewal; given in time,
    /// it cannot take effect after the day following `valid_to`.
    terminate_contract: Contract => ContractResponse, tag = "contracts", id = "Contract id",
    path = "/{id}/terminate", done = "The contract, `terminated` or `active` with its termination ahead",
    body = TerminateBody,
    |db, caller, id, if_match, body| service::terminate(db, &caller, id, if_match, body.effective_date, body.reason)
);

crate::v1::history::history_endpoint!(
    /// The history of a contract: its amendments, activation, renewals and end, oldest first.
    list_contract_history,
    Contract,
    tag = "contracts",
    id = "Contract id"
);
