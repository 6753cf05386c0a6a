//! The stable form of a party.

use domain::currency::Currency;
use domain::email::Email;
use domain::iban::Bic;
use domain::party::{Party, PartyRole};
use serde_json::{Value, json};

use super::address;

/// A party as history and the change feed keep it.
pub fn party(party: &Party) -> Value {
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
    json!({
        "id": party.id,
        "kind": f.kind.as_str(),
        "name": f.name,
        "organization_id": f.organization_id,
        "roles": roles,
        "email": f.email.as_ref().map(Email::as_str),
        "phone": f.phone,
        "website": f.website,
        "vat_id": f.vat_id,
        "addresses": addresses,
        "bank_accounts": bank_accounts,
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
    })
}
