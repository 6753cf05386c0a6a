//! The SLA clock of a case, as stored segments per target.
