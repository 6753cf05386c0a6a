//! The HTTP API: actix-web application, handlers, DTOs, authentication, errors and OpenAPI.

pub mod app;
pub mod auth;
pub mod cli;
pub mod conditional;
pub mod config;
pub mod deadline;
pub mod dto;
pub mod error;
pub mod extract;
pub mod health;
pub mod idempotency;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod query;
pub mod rate_limit;
pub mod request_id;
pub mod respond;
pub mod routes;
pub mod state;
pub mod telemetry;
pub mod v1;

pub use ::app::clock::Clock;
pub use app::Application;
pub use config::{Common, PasswordCost, Settings, TokenSettings};
