//! Logs: `RUST_LOG` filters (default `info`), `CRM_LOG_FORMAT=json` for machine-readable lines.

use std::io::IsTerminal;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A request's span closing is its access-log line: method, route, status, request id, duration.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        // Colours only for a person at a terminal: a log collector gets plain lines.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    // A second init (tests start many apps in one process) is harmless: the first subscriber stays.
    let _ = if format == "json" {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// The access log: one span per request, closed with its line (method, route template, status,
/// request id, time busy and idle). Leaner than `tracing-actix-web`'s default span, whose dozen
/// OpenTelemetry fields (host, scheme, user agent, client address parsed from `Forwarded`, …) were
/// gathered and formatted on every request, a line of 480 bytes (BENCHMARKS.md: this and the
/// router's regex took a `GET /parties/{id}` from 88 to 75 µs of CPU). A proxy in front logs the
/// client's address and agent.
pub struct AccessLog;

impl RootSpanBuilder for AccessLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = crate::request_id::of(request);
        let route = request.match_pattern();
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = route.as_deref().unwrap_or("-"),
            status = Empty,
            request_id = request_id.as_deref().map(tracing::field::display),
            error = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(response) => (response.status(), response.response().error()),
            Err(error) => (error.as_response_error().status_code(), Some(error)),
        };
        span.record("status", status.as_u16());
        // A server error says what went wrong; a client's mistake is in its answer.
        if let Some(error) = error.filter(|_| status.is_server_error()) {
            span.record("error", tracing::field::display(error));
        }
    }
}
