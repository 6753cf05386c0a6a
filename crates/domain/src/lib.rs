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

pub mod access;
pub mod activity;
pub mod country;
pub mod currency;
pub mod document;
pub mod email;
pub mod event;
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
pub mod resource;
pub mod sales_order;
pub mod team;
pub mod text;
pub mod time;
pub mod transition;
pub mod user;
pub mod validation;
pub mod webhook;
