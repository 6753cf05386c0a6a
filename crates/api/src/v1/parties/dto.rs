//! The party resource as it travels over HTTP, and its conversions to and from the domain.

use crate::v1::contracts::dto::ContractSummary;
use app::contracts::active::PartyView;
use chrono::{DateTime, Utc};
use domain::party::{self as model, PartyInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{double_option, mirror_enum, whole_i32, whole_i32_patch};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Organization,
    Person,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Customer,
    Prospect,
    Supplier,
    Competitor,
    Partner,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    Billing,
    Shipping,
    Other,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Defaults to `billing`.
    #[serde(default)]
    pub kind: Option<AddressKind>,
    #[schema(max_length = 200)]
    pub line1: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub line2: Option<String>,
    #[schema(max_length = 100)]
    pub city: String,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub postal_code: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub region: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    #[schema(example = "DE", pattern = "^[A-Z]{2}$")]
    pub country: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAccount {
    /// Checked by its mod-97 checksum; spaces are allowed on input and removed.
    #[schema(example = "DE89370400440532013000", max_length = 42)]
    pub iban: String,
    #[serde(default)]
    #[schema(example = "COBADEFFXXX", pattern = "^[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$")]
    pub bic: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub holder: Option<String>,
}

/// A party: the whole record, for create and for upsert by external id.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PartyBody {
    pub kind: PartyKind,
    #[schema(min_length = 1, max_length = 200, example = "Acme GmbH")]
    pub name: String,
    /// The organization a person belongs to (persons only).
    #[serde(default)]
    pub organization_id: Option<Uuid>,
    #[serde(default)]
    pub roles: Vec<PartyRole>,
    #[serde(default)]
    #[schema(max_length = 254, format = Email, example = "info@acme.example")]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub website: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub vat_id: Option<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub addresses: Vec<Address>,
    #[serde(default)]
    #[schema(max_items = 10)]
    pub bank_accounts: Vec<BankAccount>,
    /// Defaults to 30.
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    /// A decimal string ≥ 0; needs `currency`.
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "10000.00")]
    pub credit_limit: Option<Decimal>,
    /// ISO 4217 code.
    #[serde(default)]
    #[schema(example = "EUR", pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// The price list that prices this party's lines (price lists arrive with pricing).
    #[serde(default)]
    pub price_list_id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub customer_group: Option<String>,
    /// The responsible user; defaults to the caller for sales users.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub tags: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// The id of this party in the integrator's system; unique.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// Up to 100 parties to create or replace by external id: `POST /parties/batch`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PartyBatchBody {
    /// 1–100 items, each the body of `PUT /parties/by-external-id/{external_id}` with its
    /// `external_id` required. An item that repeats an earlier item's external id is refused
    /// (422 `duplicate_in_batch`).
    #[schema(value_type = Vec<PartyBody>, min_items = 1, max_items = 100)]
    pub items: Vec<serde_json::Value>,
    /// `false` (default): each item is its own transaction, and a failed item leaves the others.
    /// `true`: all items or none; if any fails, nothing is committed (422 `batch_failed`).
    #[serde(default)]
    pub all_or_none: bool,
}

/// A change: fields present are set, `null` clears, absent fields are kept.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PartyPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub kind: Option<PartyKind>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub organization_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub roles: Option<Option<Vec<PartyRole>>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 50)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 500)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 50)]
    pub vat_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_items = 20)]
    pub addresses: Option<Option<Vec<Address>>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_items = 10)]
    pub bank_accounts: Option<Option<Vec<BankAccount>>>,
    /// `null` restores the default (30).
    #[serde(default, deserialize_with = "whole_i32_patch")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<Option<i32>>,
    #[serde(default, deserialize_with = "crate::dto::decimal_patch")]
    #[schema(value_type = Option<String>, example = "10000.00")]
    pub credit_limit: Option<Option<Decimal>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub price_list_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 100)]
    pub customer_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_items = 50)]
    pub tags: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 10000)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 200)]
    pub external_id: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyResponse {
    pub id: Uuid,
    pub kind: PartyKind,
    pub name: String,
    pub organization_id: Option<Uuid>,
    pub roles: Vec<PartyRole>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat_id: Option<String>,
    pub addresses: Vec<Address>,
    pub bank_accounts: Vec<BankAccount>,
    pub payment_terms_days: i32,
    #[schema(value_type = Option<String>, example = "10000.00")]
    pub credit_limit: Option<Decimal>,
    pub currency: Option<String>,
    pub price_list_id: Option<Uuid>,
    pub customer_group: Option<String>,
    pub owner_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
    /// Set when the party was archived (deleted); archived parties take no new documents.
    pub archived_at: Option<DateTime<Utc>>,
    /// The contracts running for it today, the most recent start first: their conditions apply
    /// to its new documents.
    pub active_contracts: Vec<ContractSummary>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PartyListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `name`, `created_at` or `updated_at`, `-` for descending (default `name`;
    /// `updated_at` when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(name|created_at|updated_at)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub kind: Vec<PartyKind>,
    #[serde(default)]
    pub role: Vec<PartyRole>,
    pub owner_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub customer_group: Option<String>,
    pub tag: Option<String>,
    pub external_id: Option<String>,
    /// Case-insensitive text search in name, email and external id.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only parties changed at or after this instant; without `sort`, oldest change first
    /// (the incremental sync of an integrator).
    pub updated_since: Option<DateTime<Utc>>,
    /// Include archived parties (default false).
    pub include_archived: Option<bool>,
}

mirror_enum!(PartyKind <-> model::PartyKind { Organization, Person });
mirror_enum!(PartyRole <-> model::PartyRole { Customer, Prospect, Supplier, Competitor, Partner });
mirror_enum!(AddressKind <-> model::AddressKind { Billing, Shipping, Other });

impl From<Address> for model::AddressInput {
    fn from(a: Address) -> Self {
        Self {
            kind: a.kind.map(Into::into),
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            postal_code: a.postal_code,
            region: a.region,
            country: a.country,
        }
    }
}

impl From<model::Address> for Address {
    fn from(a: model::Address) -> Self {
        Self {
            kind: Some(a.kind.into()),
            line1: a.line1,
            line2: a.line2,
            city: a.city,
            postal_code: a.postal_code,
            region: a.region,
            country: a.country.as_str().to_owned(),
        }
    }
}

impl From<BankAccount> for model::BankAccountInput {
    fn from(b: BankAccount) -> Self {
        Self {
            iban: b.iban,
            bic: b.bic,
            holder: b.holder,
        }
    }
}

impl From<PartyBody> for PartyInput {
    fn from(body: PartyBody) -> Self {
        Self {
            kind: body.kind.into(),
            name: body.name,
            organization_id: body.organization_id,
            roles: body.roles.into_iter().map(Into::into).collect(),
            email: body.email,
            phone: body.phone,
            website: body.website,
            vat_id: body.vat_id,
            addresses: body.addresses.into_iter().map(Into::into).collect(),
            bank_accounts: body.bank_accounts.into_iter().map(Into::into).collect(),
            payment_terms_days: body.payment_terms_days,
            credit_limit: body.credit_limit,
            currency: body.currency,
            price_list_id: body.price_list_id,
            customer_group: body.customer_group,
            owner_id: body.owner_id,
            tags: body.tags,
            notes: body.notes,
            external_id: body.external_id,
        }
    }
}

impl PartyPatch {
    /// Applies the present fields to `input`, the current record in input form.
    pub fn apply_to(self, input: &mut PartyInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.kind, self.kind.map(Into::into));
        set(&mut input.name, self.name);
        set(&mut input.organization_id, self.organization_id);
        set(
            &mut input.roles,
            self.roles
                .map(|r| r.unwrap_or_default().into_iter().map(Into::into).collect()),
        );
        set(&mut input.email, self.email);
        set(&mut input.phone, self.phone);
        set(&mut input.website, self.website);
        set(&mut input.vat_id, self.vat_id);
        set(
            &mut input.addresses,
            self.addresses
                .map(|a| a.unwrap_or_default().into_iter().map(Into::into).collect()),
        );
        set(
            &mut input.bank_accounts,
            self.bank_accounts
                .map(|b| b.unwrap_or_default().into_iter().map(Into::into).collect()),
        );
        set(&mut input.payment_terms_days, self.payment_terms_days);
        set(&mut input.credit_limit, self.credit_limit);
        set(&mut input.currency, self.currency);
        set(&mut input.price_list_id, self.price_list_id);
        set(&mut input.customer_group, self.customer_group);
        set(&mut input.owner_id, self.owner_id);
        set(&mut input.tags, self.tags.map(Option::unwrap_or_default));
        set(&mut input.notes, self.notes);
        set(&mut input.external_id, self.external_id);
    }
}

impl From<PartyView> for PartyResponse {
    fn from(view: PartyView) -> Self {
        let active_contracts = view.active_contracts.iter().map(ContractSummary::from).collect();
        let party = view.party;
        let f = party.fields;
        Self {
            id: party.id,
            kind: f.kind.into(),
            name: f.name,
            organization_id: f.organization_id,
            roles: f.roles.into_iter().map(Into::into).collect(),
            email: f.email.map(|e| e.as_str().to_owned()),
            phone: f.phone,
            website: f.website,
            vat_id: f.vat_id,
            addresses: f.addresses.into_iter().map(Into::into).collect(),
            bank_accounts: f
                .bank_accounts
                .into_iter()
                .map(|b| BankAccount {
                    iban: b.iban.as_str().to_owned(),
                    bic: b.bic.map(|bic| bic.as_str().to_owned()),
                    holder: b.holder,
                })
                .collect(),
            payment_terms_days: f.payment_terms_days,
            credit_limit: f.credit_limit,
            currency: f.currency.map(|c| c.code().to_owned()),
            price_list_id: f.price_list_id,
            customer_group: f.customer_group,
            owner_id: f.owner_id,
            tags: f.tags.into_iter().collect(),
            notes: f.notes,
            external_id: f.external_id,
            archived_at: party.archived_at,
            active_contracts,
            version: party.version,
            created_at: party.created_at,
            updated_at: party.updated_at,
        }
    }
}

crate::pagination::page_of!(
    /// A page of parties.
    PartyPage(PartyResponse)
);
