//! A party as it is answered: with its active contracts (`active_contracts`), so that whoever
//! opens the client file sees the conditions the client buys under. Read in one query for a page.

use domain::contract::Contract;
use domain::party::Party;
use domain::record::Record;
use domain::resource::ResourceType;
use persistence::page::Page;
use persistence::{ConnectionTrait, contracts};
use uuid::Uuid;

use crate::clock::today;
use crate::error::AppError;
use crate::upsert::Upserted;

/// A party with the contracts that run for it today.
#[derive(Debug, Clone)]
pub struct PartyView {
    pub party: Party,
    pub active_contracts: Vec<Contract>,
}

impl Record for PartyView {
    const TYPE: ResourceType = ResourceType::Party;
    fn id(&self) -> Uuid {
        self.party.id
    }
    fn version(&self) -> i32 {
        self.party.version
    }
}

impl PartyView {
    /// A party that has no contracts yet (one just created).
    pub fn new(party: Party) -> Self {
        Self {
            party,
            active_contracts: Vec::new(),
        }
    }
}

/// Each of `parties` with its active contracts.
pub async fn viewed(conn: &impl ConnectionTrait, parties: Vec<Party>) -> Result<Vec<PartyView>, AppError> {
    let ids: Vec<Uuid> = parties.iter().map(|p| p.id).collect();
    let mut contracts = contracts::active_of_parties(conn, &ids, today()).await?;
    Ok(parties
        .into_iter()
        .map(|party| {
            let (own, others) = contracts
                .drain(..)
                .partition(|c: &Contract| c.fields.party_id == party.id);
            contracts = others;
            PartyView {
                party,
                active_contracts: own,
            }
        })
        .collect())
}

pub async fn viewed_one(conn: &impl ConnectionTrait, party: Party) -> Result<PartyView, AppError> {
    Ok(viewed(conn, vec![party]).await?.remove(0))
}

pub async fn viewed_page(conn: &impl ConnectionTrait, mut page: Page<Party>) -> Result<Page<PartyView>, AppError> {
    let items = viewed(conn, std::mem::take(&mut page.items)).await?;
    Ok(page.with_items(items))
}

pub async fn viewed_upsert(
    conn: &impl ConnectionTrait,
    upserted: Upserted<Party>,
) -> Result<Upserted<PartyView>, AppError> {
    Ok(match upserted {
        Upserted::Created(party) => Upserted::Created(PartyView::new(party)),
        Upserted::Replaced(party) => Upserted::Replaced(viewed_one(conn, party).await?),
    })
}
