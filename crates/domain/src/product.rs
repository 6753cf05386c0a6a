//! Products: the catalog that document lines refer to.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::money;
use crate::text;
use crate::validation::ValidationErrors;

pub const SKU_MAX: usize = 64;
pub const NAME_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 10_000;
pub const UNIT_MAX: usize = 20;
pub const GROUP_MAX: usize = 100;
pub const EXTERNAL_ID_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductKind {
    Goods,
    Service,
}

str_enum!(ProductKind { Goods => "goods", Service => "service" });

impl ProductKind {
    /// The unit a product of this kind is counted in unless it says otherwise.
    pub fn default_unit(self) -> &'static str {
        match self {
            ProductKind::Goods => "pcs",
            ProductKind::Service => "h",
        }
    }
}

/// A product's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFields {
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: ProductKind,
    pub unit: String,
    /// Per unit, in `currency`, before tax; up to 6 decimals.
    pub list_price: Decimal,
    pub currency: Currency,
    /// Percent.
    pub tax_rate: Decimal,
    pub product_group: Option<String>,
    /// Inactive products stay in the catalog but take no new lines.
    pub active: bool,
    pub external_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: Uuid,
    pub fields: ProductFields,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Product {
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// Whether new document lines may name it: active and not archived.
    pub fn is_sellable(&self) -> bool {
        self.fields.active && !self.is_archived()
    }
}

/// What a client asked a product to be, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductInput {
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: ProductKind,
    /// None: the kind's default unit.
    pub unit: Option<String>,
    pub list_price: Decimal,
    pub currency: String,
    pub tax_rate: Decimal,
    pub product_group: Option<String>,
    /// None: active.
    pub active: Option<bool>,
    pub external_id: Option<String>,
}

impl ProductInput {
    pub fn new(sku: impl Into<String>, name: impl Into<String>, list_price: Decimal, currency: &str) -> Self {
        Self {
            sku: sku.into(),
            name: name.into(),
            description: None,
            kind: ProductKind::Goods,
            unit: None,
            list_price,
            currency: currency.to_owned(),
            tax_rate: Decimal::ZERO,
            product_group: None,
            active: None,
            external_id: None,
        }
    }

    /// Checks every rule and reports all broken ones, each under its JSON path.
    pub fn validate(self) -> Result<ProductFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let sku = errors.check("sku", text::required(&self.sku, SKU_MAX));
        let name = errors.check("name", text::required(&self.name, NAME_MAX));
        let description = errors.check(
            "description",
            text::optional_multiline(self.description.as_deref(), DESCRIPTION_MAX),
        );
        let unit = match self.unit.as_deref() {
            None => Some(self.kind.default_unit().to_owned()),
            Some(unit) => errors.check("unit", text::required(unit, UNIT_MAX)),
        };
        let list_price = errors.check("list_price", money::check_unit_price(self.list_price));
        let currency = errors.check("currency", Currency::parse(&self.currency));
        let tax_rate = errors.check("tax_rate", money::check_percent(self.tax_rate));
        let product_group = errors.check(
            "product_group",
            text::optional(self.product_group.as_deref(), GROUP_MAX),
        );
        let external_id = errors.check(
            "external_id",
            text::optional(self.external_id.as_deref(), EXTERNAL_ID_MAX),
        );
        // `finish` runs the closure only when nothing was recorded, so every check above held.
        errors.finish(|| ProductFields {
            sku: sku.expect("checked"),
            name: name.expect("checked"),
            description: description.flatten(),
            kind: self.kind,
            unit: unit.expect("checked"),
            list_price: list_price.expect("checked"),
            currency: currency.expect("checked"),
            tax_rate: tax_rate.expect("checked"),
            product_group: product_group.flatten(),
            active: self.active.unwrap_or(true),
            external_id: external_id.flatten(),
        })
    }
}

impl From<ProductFields> for ProductInput {
    /// The input that would produce these fields again: the base a patch is applied to.
    fn from(f: ProductFields) -> Self {
        Self {
            sku: f.sku,
            name: f.name,
            description: f.description,
            kind: f.kind,
            unit: Some(f.unit),
            list_price: f.list_price,
            currency: f.currency.code().to_owned(),
            tax_rate: f.tax_rate,
            product_group: f.product_group,
            active: Some(f.active),
            external_id: f.external_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::d;

    #[test]
    fn a_product_gets_its_kinds_unit_and_is_active() {
        let mut input = ProductInput::new(" SKU-1 ", "Consulting", d("120"), "EUR");
        input.kind = ProductKind::Service;
        input.tax_rate = d("19");
        let fields = input.validate().unwrap();
        assert_eq!((fields.sku.as_str(), fields.unit.as_str()), ("SKU-1", "h"));
        assert!(fields.active);
        assert_eq!(
            ProductInput::from(fields.clone()).validate().unwrap(),
            fields,
            "fields turned back into input validate to themselves"
        );
    }

    #[test]
    fn every_broken_rule_is_named() {
        let mut input = ProductInput::new("", "Bolt", d("-1"), "EURO");
        input.tax_rate = d("120");
        input.unit = Some(" ".into());
        input.product_group = Some("x".repeat(GROUP_MAX + 1));
        let errors = input.validate().unwrap_err();
        let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["sku", "unit", "list_price", "currency", "tax_rate", "product_group"]
        );
    }

    #[test]
    fn only_active_unarchived_products_are_sellable() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut product = Product {
            id: Uuid::nil(),
            fields: ProductInput::new("A", "A", d("1"), "EUR").validate().unwrap(),
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        assert!(product.is_sellable());
        product.fields.active = false;
        assert!(!product.is_sellable());
        product.fields.active = true;
        product.archived_at = Some(at);
        assert!(!product.is_sellable());
    }
}
