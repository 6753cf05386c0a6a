//! `GET /metrics`: what an operator graphs and alerts on, in the `OpenMetrics` text format that
//! Prometheus scrapes. Requests by route template (never the raw path: ids would make every
//! request a series of its own), method and status; their latency; the connection pool; how far
//! the webhook worker is behind. Counted by [`middleware`] around every request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, get, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Request {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Route {
    route: String,
    method: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// The server's metrics. One per server (a test process runs many).
pub struct Metrics {
    registry: Registry,
    requests: Family<Request, Counter>,
    latency: Family<Route, Histogram>,
    pool_size: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge,
    events_lag: FloatGauge,
    deliveries_due: Gauge,
    deliveries_lag: FloatGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("crm");
        let requests = Family::<Request, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route template, method and status",
            requests.clone(),
        );
        // 0.5 ms to about 4 s.
        let latency =
            Family::<Route, Histogram>::new_with_constructor(|| Histogram::new(exponential_buckets(0.0005, 2.0, 14)));
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request",
            latency.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let gauge = Gauge::default();
            registry.register(name, help, gauge.clone());
            gauge
        };
        let float = |registry: &mut Registry, name: &str, help: &str| {
            let gauge = FloatGauge::default();
            registry.register(name, help, gauge.clone());
            gauge
        };
        Self {
            requests,
            latency,
            pool_size: gauge(&mut registry, "db_pool_connections", "Connections the pool holds"),
            pool_idle: gauge(
                &mut registry,
                "db_pool_idle_connections",
                "Connections of the pool not in use",
            ),
            pool_max: gauge(
                &mut registry,
                "db_pool_max_connections",
                "Connections the pool may hold",
            ),
            events_lag: float(
                &mut registry,
                "webhook_events_lag_seconds",
                "Age of the oldest event the webhook worker has not yet queued deliveries for",
            ),
            deliveries_due: gauge(
                &mut registry,
                "webhook_deliveries_due",
                "Webhook deliveries due and not yet sent",
            ),
            deliveries_lag: float(
                &mut registry,
                "webhook_deliveries_lag_seconds",
                "How long the longest overdue webhook delivery has been due",
            ),
            registry,
        }
    }
}

impl Metrics {
    fn observe(&self, route: String, method: &str, status: u16, seconds: f64) {
        let method = method.to_owned();
        self.latency
            .get_or_create(&Route {
                route: route.clone(),
                method: method.clone(),
            })
            .observe(seconds);
        self.requests.get_or_create(&Request { route, method, status }).inc();
    }
}

/// Counts every request and its latency, by the route template it matched.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let kept = req.app_data::<web::Data<Metrics>>().cloned();
    let method: &'static str = match req.method().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "HEAD" => "HEAD",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    };
    let response = next.call(req).await?;
    if let Some(kept) = kept {
        // Only a route the router knows: a raw path (an id, a scanner's guess) is one series each.
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned());
        kept.observe(
            route,
            method,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

/// The server's metrics, in the `OpenMetrics` text format.
#[utoipa::path(
    tag = "health",
    operation_id = "metrics",
    responses(
        (status = 200, description = "The metrics (OpenMetrics text)", content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8", body = String),
        (status = 503, response = crate::openapi::ServiceUnavailable),
    ),
    security(()),
    extensions(("x-permission" = json!(crate::routes::PUBLIC)))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, kept: web::Data<Metrics>) -> Result<HttpResponse, ApiError> {
    let pool = persistence::db::pool_stats(&state.db);
    kept.pool_size.set(i64::from(pool.size));
    kept.pool_idle.set(i64::try_from(pool.idle).unwrap_or(i64::MAX));
    kept.pool_max.set(i64::from(pool.max));
    let lag = app::delivery::lag(&state.db).await.map_err(app::AppError::from)?;
    kept.events_lag.set(lag.events_seconds);
    kept.deliveries_due
        .set(i64::try_from(lag.deliveries_due).unwrap_or(i64::MAX));
    kept.deliveries_lag.set(lag.deliveries_seconds);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &kept.registry)
        .map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text))
}
