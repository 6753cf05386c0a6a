//! The history of every business record: one mechanism for all resources.
//!
//! Services call [`service::record`] with the record's public form before and after a change, in
//! the transaction of the change; each resource mounts its own `GET …/{id}/history`, which checks
//! that the caller may see the record and then calls [`service::list`].

pub mod dto;
