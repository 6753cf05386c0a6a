//! The pure rules of the CRM: value types, money, parties, users and roles.
//! No I/O, no ORM, no HTTP: the persistence and API crates call these rules and never re-implement them.

pub mod access;
pub mod country;
pub mod currency;
pub mod email;
pub mod history;
pub mod iban;
pub mod money;
pub mod party;
pub mod pipeline;
pub mod team;
pub mod text;
pub mod user;
pub mod validation;
