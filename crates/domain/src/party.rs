//! Parties: the organizations and people the company deals with.
//!
//! A [`PartyInput`] is what a client asked for, in plain types; [`PartyInput::validate`] checks every
//! rule at once and yields [`PartyFields`], the only form that is ever stored. A patch is applied to the
//! input form of the current record and validated whole, so a create and a change follow the same rules.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::country::CountryCode;
use crate::currency::Currency;
use crate::email::Email;
use crate::iban::{Bic, Iban};
use crate::text;
use crate::validation::ValidationErrors;

pub const NAME_MAX: usize = 200;
pub const SHORT_TEXT_MAX: usize = 200;
pub const NOTES_MAX: usize = 10_000;
pub const TAG_MAX: usize = 50;
pub const MAX_TAGS: usize = 50;
pub const MAX_ADDRESSES: usize = 20;
pub const MAX_BANK_ACCOUNTS: usize = 10;
pub const DEFAULT_PAYMENT_TERMS_DAYS: i32 = 30;
pub const MAX_PAYMENT_TERMS_DAYS: i32 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Organization,
    Person,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Customer,
    Prospect,
    Supplier,
    Competitor,
    Partner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    Billing,
    Shipping,
    Other,
}

str_enum!(PartyKind { Organization => "organization", Person => "person" });
str_enum!(PartyRole {
    Customer => "customer",
    Prospect => "prospect",
    Supplier => "supplier",
    Competitor => "competitor",
    Partner => "partner",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub kind: AddressKind,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: Option<String>,
    pub region: Option<String>,
    pub country: CountryCode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    pub iban: Iban,
    pub bic: Option<Bic>,
    pub holder: Option<String>,
}

/// A party's content after every rule held: what is stored and returned.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyFields {
    pub kind: PartyKind,
    pub name: String,
    pub organization_id: Option<Uuid>,
    pub roles: BTreeSet<PartyRole>,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat_id: Option<String>,
    pub addresses: Vec<Address>,
    pub bank_accounts: Vec<BankAccount>,
    pub payment_terms_days: i32,
    pub credit_limit: Option<Decimal>,
    pub currency: Option<Currency>,
    pub price_list_id: Option<Uuid>,
    pub customer_group: Option<String>,
    pub owner_id: Option<Uuid>,
    pub tags: BTreeSet<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
}

/// A stored party: its fields plus what the server owns.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub id: Uuid,
    pub fields: PartyFields,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Party {
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// The address documents bill to: the first billing address, else the first of any kind.
    pub fn billing_address(&self) -> Option<&Address> {
        let addresses = &self.fields.addresses;
        addresses
            .iter()
            .find(|a| a.kind == AddressKind::Billing)
            .or(addresses.first())
    }

    /// The address goods go to: the first shipping address, else the billing address.
    pub fn shipping_address(&self) -> Option<&Address> {
        self.fields
            .addresses
            .iter()
            .find(|a| a.kind == AddressKind::Shipping)
            .or_else(|| self.billing_address())
    }

    /// Whether records may name this party as a competitor.
    pub fn is_competitor(&self) -> bool {
        self.fields.roles.contains(&PartyRole::Competitor)
    }

    /// Whether this party can be the contact person of `party_id` on a record: a person who
    /// belongs to that organization.
    pub fn is_contact_of(&self, party_id: Uuid) -> bool {
        self.fields.kind == PartyKind::Person && self.fields.organization_id == Some(party_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressInput {
    pub kind: Option<AddressKind>,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: Option<String>,
    pub region: Option<String>,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BankAccountInput {
    pub iban: String,
    pub bic: Option<String>,
    pub holder: Option<String>,
}

/// What a client asked a party to be, before any rule was checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyInput {
    pub kind: PartyKind,
    pub name: String,
    pub organization_id: Option<Uuid>,
    pub roles: Vec<PartyRole>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub vat_id: Option<String>,
    pub addresses: Vec<AddressInput>,
    pub bank_accounts: Vec<BankAccountInput>,
    pub payment_terms_days: Option<i32>,
    pub credit_limit: Option<Decimal>,
    pub currency: Option<String>,
    pub price_list_id: Option<Uuid>,
    pub customer_group: Option<String>,
    pub owner_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub external_id: Option<String>,
}

impl PartyInput {
    /// A minimal input: everything else takes its default.
    pub fn new(kind: PartyKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            name: name.into(),
            organization_id: None,
            roles: Vec::new(),
            email: None,
            phone: None,
            website: None,
            vat_id: None,
            addresses: Vec::new(),
            bank_accounts: Vec::new(),
            payment_terms_days: None,
            credit_limit: None,
            currency: None,
            price_list_id: None,
            customer_group: None,
            owner_id: None,
            tags: Vec::new(),
            notes: None,
            external_id: None,
        }
    }

    /// Checks every rule and reports all broken ones, each under its JSON path.
    pub fn validate(self) -> Result<PartyFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check("name", text::required(&self.name, NAME_MAX));
        if self.kind == PartyKind::Organization && self.organization_id.is_some() {
            errors.add(
                "organization_id",
                "not_allowed",
                "only a person can belong to an organization",
            );
        }
        // `null` means none; an empty string is no address (the schema says `format: email`).
        let email = match self.email.as_deref().map(str::trim) {
            None => None,
            Some(raw) => errors.check("email", Email::parse(raw)),
        };
        let phone = errors.check("phone", text::optional(self.phone.as_deref(), 50));
        let website = errors.check("website", text::optional(self.website.as_deref(), 500));
        let vat_id = errors.check("vat_id", text::optional(self.vat_id.as_deref(), 50));
        let addresses = validate_addresses(self.addresses, &mut errors);
        let bank_accounts = validate_bank_accounts(self.bank_accounts, &mut errors);
        let payment_terms_days = self.payment_terms_days.unwrap_or(DEFAULT_PAYMENT_TERMS_DAYS);
        if !(0..=MAX_PAYMENT_TERMS_DAYS).contains(&payment_terms_days) {
            errors.add(
                "payment_terms_days",
                "out_of_range",
                format!("must be between 0 and {MAX_PAYMENT_TERMS_DAYS}"),
            );
        }
        if self.credit_limit.is_some_and(|limit| limit.is_sign_negative()) {
            errors.add("credit_limit", "out_of_range", "must not be negative");
        }
        let currency = match self.currency.as_deref() {
            None => None,
            Some(code) => errors.check("currency", Currency::parse(code)),
        };
        if self.credit_limit.is_some() && self.currency.is_none() {
            errors.add("currency", "required", "a credit limit needs a currency");
        }
        let customer_group = errors.check("customer_group", text::optional(self.customer_group.as_deref(), 100));
        let tags = validate_tags(self.tags, &mut errors);
        let notes = errors.check("notes", text::optional_multiline(self.notes.as_deref(), NOTES_MAX));
        let external_id = errors.check(
            "external_id",
            text::optional(self.external_id.as_deref(), SHORT_TEXT_MAX),
        );
        errors.finish(|| PartyFields {
            kind: self.kind,
            name: name.unwrap_or_default(),
            organization_id: self.organization_id,
            roles: self.roles.into_iter().collect(),
            email,
            phone: phone.flatten(),
            website: website.flatten(),
            vat_id: vat_id.flatten(),
            addresses,
            bank_accounts,
            payment_terms_days,
            credit_limit: self.credit_limit,
            currency,
            price_list_id: self.price_list_id,
            customer_group: customer_group.flatten(),
            owner_id: self.owner_id,
            tags,
            notes: notes.flatten(),
            external_id: external_id.flatten(),
        })
    }
}

impl From<PartyFields> for PartyInput {
    /// The input that would produce these fields again: the base a patch is applied to.
    fn from(fields: PartyFields) -> Self {
        Self {
            kind: fields.kind,
            name: fields.name,
            organization_id: fields.organization_id,
            roles: fields.roles.into_iter().collect(),
            email: fields.email.map(|e| e.as_str().to_owned()),
            phone: fields.phone,
            website: fields.website,
            vat_id: fields.vat_id,
            addresses: fields
                .addresses
                .into_iter()
                .map(|a| AddressInput {
                    kind: Some(a.kind),
                    line1: a.line1,
                    line2: a.line2,
                    city: a.city,
                    postal_code: a.postal_code,
                    region: a.region,
                    country: a.country.as_str().to_owned(),
                })
                .collect(),
            bank_accounts: fields
                .bank_accounts
                .into_iter()
                .map(|b| BankAccountInput {
                    iban: b.iban.as_str().to_owned(),
                    bic: b.bic.map(|bic| bic.as_str().to_owned()),
                    holder: b.holder,
                })
                .collect(),
            payment_terms_days: Some(fields.payment_terms_days),
            credit_limit: fields.credit_limit,
            currency: fields.currency.map(|c| c.code().to_owned()),
            price_list_id: fields.price_list_id,
            customer_group: fields.customer_group,
            owner_id: fields.owner_id,
            tags: fields.tags.into_iter().collect(),
            notes: fields.notes,
            external_id: fields.external_id,
        }
    }
}

fn validate_addresses(inputs: Vec<AddressInput>, errors: &mut ValidationErrors) -> Vec<Address> {
    if inputs.len() > MAX_ADDRESSES {
        errors.add("addresses", "too_many", format!("at most {MAX_ADDRESSES} addresses"));
        return Vec::new();
    }
    let mut addresses = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        let path = |field: &str| format!("addresses[{i}].{field}");
        let line1 = errors.check(path("line1"), text::required(&input.line1, SHORT_TEXT_MAX));
        let line2 = errors.check(path("line2"), text::optional(input.line2.as_deref(), SHORT_TEXT_MAX));
        let city = errors.check(path("city"), text::required(&input.city, 100));
        let postal_code = errors.check(path("postal_code"), text::optional(input.postal_code.as_deref(), 20));
        let region = errors.check(path("region"), text::optional(input.region.as_deref(), 100));
        let country = errors.check(path("country"), CountryCode::parse(&input.country));
        if let (Some(line1), Some(line2), Some(city), Some(postal_code), Some(region), Some(country)) =
            (line1, line2, city, postal_code, region, country)
        {
            addresses.push(Address {
                kind: input.kind.unwrap_or(AddressKind::Billing),
                line1,
                line2,
                city,
                postal_code,
                region,
                country,
            });
        }
    }
    addresses
}

fn validate_bank_accounts(inputs: Vec<BankAccountInput>, errors: &mut ValidationErrors) -> Vec<BankAccount> {
    if inputs.len() > MAX_BANK_ACCOUNTS {
        errors.add(
            "bank_accounts",
            "too_many",
            format!("at most {MAX_BANK_ACCOUNTS} bank accounts"),
        );
        return Vec::new();
    }
    let mut accounts = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.into_iter().enumerate() {
        let iban = errors.check(format!("bank_accounts[{i}].iban"), Iban::parse(&input.iban));
        let bic = match input.bic.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors
                .check(format!("bank_accounts[{i}].bic"), Bic::parse(raw))
                .map(Some),
        };
        let holder = errors.check(
            format!("bank_accounts[{i}].holder"),
            text::optional(input.holder.as_deref(), SHORT_TEXT_MAX),
        );
        if let (Some(iban), Some(bic), Some(holder)) = (iban, bic, holder) {
            accounts.push(BankAccount { iban, bic, holder });
        }
    }
    accounts
}

/// Tags are trimmed, deduplicated labels. They may not contain `"` or `\`, which keeps the stored
/// JSON array free of escapes, so a tag filter is a plain substring match on both databases.
fn validate_tags(inputs: Vec<String>, errors: &mut ValidationErrors) -> BTreeSet<String> {
    if inputs.len() > MAX_TAGS {
        errors.add("tags", "too_many", format!("at most {MAX_TAGS} tags"));
        return BTreeSet::new();
    }
    let mut tags = BTreeSet::new();
    for (i, raw) in inputs.iter().enumerate() {
        let field = format!("tags[{i}]");
        if raw.contains(['"', '\\']) {
            errors.add(field, "invalid_characters", "must not contain `\"` or `\\`");
        } else if let Some(tag) = errors.check(field, text::required(raw, TAG_MAX)) {
            tags.insert(tag);
        }
    }
    tags
}

/// Whether a tag could be stored at all: a filter for an impossible tag matches nothing.
pub fn is_valid_tag(tag: &str) -> bool {
    !tag.contains(['"', '\\']) && text::required(tag, TAG_MAX).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(errors: &ValidationErrors) -> Vec<&str> {
        errors.errors().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_minimal_organization_gets_the_defaults() {
        let fields = PartyInput::new(PartyKind::Organization, "  Acme GmbH ")
            .validate()
            .unwrap();
        assert_eq!(fields.name, "Acme GmbH");
        assert_eq!(fields.payment_terms_days, DEFAULT_PAYMENT_TERMS_DAYS);
        assert!(fields.roles.is_empty());
    }

    #[test]
    fn every_broken_rule_is_reported_with_its_path() {
        let mut input = PartyInput::new(PartyKind::Organization, " ");
        input.organization_id = Some(Uuid::nil());
        input.email = Some("not-an-email".into());
        input.payment_terms_days = Some(-1);
        input.credit_limit = Some(Decimal::new(-1, 0));
        input.currency = Some("EURO".into());
        input.addresses = vec![AddressInput {
            line1: "Main St 1".into(),
            city: "Berlin".into(),
            country: "XX".into(),
            ..AddressInput::default()
        }];
        input.bank_accounts = vec![BankAccountInput {
            iban: "DE89370400440532013001".into(),
            ..BankAccountInput::default()
        }];
        input.tags = vec!["ok".into(), "bad\"tag".into()];
        let errors = input.validate().unwrap_err();
        assert_eq!(
            fields_of(&errors),
            vec![
                "name",
                "organization_id",
                "email",
                "addresses[0].country",
                "bank_accounts[0].iban",
                "payment_terms_days",
                "credit_limit",
                "currency",
                "tags[1]",
            ]
        );
        let mut blank = PartyInput::new(PartyKind::Organization, "Acme");
        blank.email = Some(String::new());
        assert_eq!(
            fields_of(&blank.validate().unwrap_err()),
            vec!["email"],
            "null is none; \"\" is no address"
        );
    }

    #[test]
    fn a_credit_limit_needs_a_currency() {
        let mut input = PartyInput::new(PartyKind::Organization, "Acme");
        input.credit_limit = Some(Decimal::new(100_000, 2));
        assert_eq!(fields_of(&input.validate().unwrap_err()), vec!["currency"]);
    }

    #[test]
    fn tags_and_roles_are_deduplicated() {
        let mut input = PartyInput::new(PartyKind::Person, "Jane Doe");
        input.tags = vec!["vip".into(), " vip ".into(), "north".into()];
        input.roles = vec![PartyRole::Customer, PartyRole::Customer];
        let fields = input.validate().unwrap();
        assert_eq!(fields.tags.into_iter().collect::<Vec<_>>(), vec!["north", "vip"]);
        assert_eq!(fields.roles.len(), 1);
    }

    #[test]
    fn fields_turned_back_into_input_validate_to_the_same_fields() {
        let mut input = PartyInput::new(PartyKind::Person, "Jane Doe");
        input.email = Some("Jane@Example.COM".into());
        input.currency = Some("EUR".into());
        input.credit_limit = Some(Decimal::new(123_450, 2));
        input.addresses = vec![AddressInput {
            kind: Some(AddressKind::Shipping),
            line1: "Main St 1".into(),
            city: "Berlin".into(),
            country: "DE".into(),
            ..AddressInput::default()
        }];
        input.bank_accounts = vec![BankAccountInput {
            iban: "DE89 3704 0044 0532 0130 00".into(),
            bic: Some("COBADEFFXXX".into()),
            holder: None,
        }];
        let fields = input.validate().unwrap();
        assert_eq!(PartyInput::from(fields.clone()).validate().unwrap(), fields);
    }

    #[test]
    fn kinds_and_roles_round_trip_through_their_names() {
        for kind in PartyKind::ALL {
            assert_eq!(PartyKind::parse(kind.as_str()), Some(*kind));
        }
        for role in PartyRole::ALL {
            assert_eq!(PartyRole::parse(role.as_str()), Some(*role));
        }
    }
}
