//! The pure rules of the CRM: value types, money, parties, activities, opportunities, users and roles.
//! No I/O, no ORM, no HTTP: the persistence and API crates call these rules and never re-implement them.

/// Gives a fieldless enum its stable API names: `ALL`, `as_str`, `parse`, and [`transition::Named`].
macro_rules! str_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(<$ty>::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(<$ty>::$variant),)+ _ => None }
            }
        }

        impl $crate::transition::Named for $ty {
            fn name(self) -> &'static str {
                self.as_str()
            }
        }
    };
}

/// Gives a type with the content fields of a document line (`product_id`, `description`,
/// `quantity`, `unit`, `unit_price`, `discount_percent`, `tax_rate`) its `amounts` and
/// [`document::DocumentLine`]. Offer, order and invoice lines keep these as fields of their own
/// (the other crates build and read them so); a macro is what names such fields once for all.
macro_rules! document_line {
    ($ty:ty) => {
        impl $ty {
            pub fn amounts(&self) -> $crate::document::LineAmounts {
                $crate::document::LineAmounts {
                    quantity: self.quantity,
                    unit_price: self.unit_price,
                    discount_percent: self.discount_percent,
                    tax_rate: self.tax_rate,
                }
            }
        }

        impl $crate::document::DocumentLine for $ty {
            fn stated(&self) -> $crate::document::StatedLine<'_> {
                $crate::document::StatedLine {
                    product_id: self.product_id,
                    description: &self.description,
                    unit: &self.unit,
                    amounts: self.amounts(),
                }
            }
        }
    };
}

pub mod access;
pub mod activity;
pub mod attachment;
pub mod case;
pub mod contract;
pub mod country;
pub mod currency;
pub mod document;
pub mod email;
pub mod event;
#[cfg(test)]
mod fixtures;
pub mod flow;
pub mod history;
pub mod iban;
pub mod invoice;
pub mod invoice_order;
pub mod money;
pub mod offer;
pub mod opportunity;
pub mod party;
pub mod pipeline;
pub mod pricing;
pub mod product;
pub mod record;
pub mod report;
pub mod resource;
pub mod sales_order;
pub mod sales_target;
pub mod subscription;
pub mod team;
pub mod text;
pub mod time;
pub mod transition;
pub mod user;
pub mod validation;
pub mod webhook;
