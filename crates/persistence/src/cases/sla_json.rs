//! A case's SLA clock as the JSON of its `sla` column: the calendar in its API form, each target's
//! minutes, segments and met instant, and the alerts raised.

use chrono::{DateTime, Utc};
use domain::case::calendar::CalendarInput;
use domain::case::sla::{Segment, SegmentReason, SegmentState, SlaTarget, TargetClock};
use domain::case::{Alert, CaseSla};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
struct Stored {
    calendar: CalendarInput,
    first_response: StoredClock,
    resolution: StoredClock,
    alerts: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredClock {
    minutes: i64,
    met_at: Option<DateTime<Utc>>,
    segments: Vec<StoredSegment>,
}

#[derive(Serialize, Deserialize)]
struct StoredSegment {
    state: String,
    reason: String,
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
}

pub fn to_text(sla: &CaseSla) -> String {
    let stored = Stored {
        calendar: sla.calendar.input(),
        first_response: to_stored(&sla.first_response),
        resolution: to_stored(&sla.resolution),
        alerts: sla.alerts.iter().map(|alert| alert.name()).collect(),
    };
    serde_json::to_string(&stored).expect("an SLA clock serializes")
}

/// The clock of policy `policy_id` from its column; `None` names what is damaged.
pub fn from_text(policy_id: Uuid, text: &str) -> Result<CaseSla, &'static str> {
    let stored: Stored = serde_json::from_str(text).map_err(|_| "sla")?;
    Ok(CaseSla {
        policy_id,
        calendar: stored.calendar.validate().map_err(|_| "sla calendar")?,
        first_response: from_stored(SlaTarget::FirstResponse, stored.first_response)?,
        resolution: from_stored(SlaTarget::Resolution, stored.resolution)?,
        alerts: stored
            .alerts
            .iter()
            .map(|name| Alert::parse(name).ok_or("sla alert"))
            .collect::<Result<_, _>>()?,
    })
}

fn to_stored(clock: &TargetClock) -> StoredClock {
    StoredClock {
        minutes: clock.minutes,
        met_at: clock.met_at,
        segments: clock
            .segments
            .iter()
            .map(|s| StoredSegment {
                state: s.state.as_str().to_owned(),
                reason: s.reason.as_str().to_owned(),
                from: s.from,
                to: s.to,
            })
            .collect(),
    }
}

fn from_stored(target: SlaTarget, stored: StoredClock) -> Result<TargetClock, &'static str> {
    let segments = stored
        .segments
        .into_iter()
        .map(|s| {
            Ok(Segment {
                target,
                state: SegmentState::parse(&s.state).ok_or("sla segment state")?,
                reason: SegmentReason::parse(&s.reason).ok_or("sla segment reason")?,
                from: s.from,
                to: s.to,
            })
        })
        .collect::<Result<_, &'static str>>()?;
    Ok(TargetClock {
        target,
        minutes: stored.minutes,
        segments,
        met_at: stored.met_at,
    })
}
