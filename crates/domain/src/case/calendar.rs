//! Business calendars: when the SLA clock of a case runs.
