//! Building and running the HTTP application. Tests start the same [`Application`] on port 0.

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest};
use actix_web::http::header;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, UtoipaApp, scope};
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::error::ApiError;
use crate::extract::{self, BODY_LIMIT};
use crate::openapi::ApiDoc;
use crate::rate_limit::{self, RateLimit};
use crate::routes::{KnownRoutes, method_not_allowed};
use crate::state::AppState;
use app::{delivery, housekeeping};

use crate::{health, idempotency, v1};

/// Mounts every documented route; the OpenAPI document is collected from the same calls.
pub fn mount<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(health::health)
        .service(health::ready)
        .service(crate::metrics::metrics)
        .service(scope("/api/v1").configure(v1::configure))
}

/// The OpenAPI document of the mounted routes, as the router reads it.
pub fn document() -> utoipa::openapi::OpenApi {
    crate::openapi::complete(mount(App::new().into_utoipa_app()).split_for_parts().1)
}

/// The OpenAPI document the server serves and `crm-server openapi` prints.
pub fn served_document() -> serde_json::Value {
    crate::openapi::finished(&document())
}

pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Connects, migrates, creates the first admin if asked to, and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let jwt = settings.tokens.keys()?;
        app::password::configure(settings.passwords.cost())?;
        let mut db = persistence::db::connect(&settings.common.database_url)
            .await
            .context("connecting to the database")?;
        if let Some(log) = &settings.statement_log {
            log.attach(&mut db);
        }
        persistence::db::migrate(&db).await.context("running migrations")?;
        if let (Some(email), Some(password)) = (&settings.admin_email, &settings.admin_password)
            && let Some(admin) = app::users::bootstrap_admin(&db, email, password)
                .await
                .map_err(|e| anyhow::anyhow!("creating the first admin: {e}"))?
        {
            tracing::info!(user_id = %admin.id, "created the first admin");
        }
        let clock = settings.clock.clone();
        let files: Arc<dyn app::files::FileStore> = Arc::new(
            app::files::FolderStore::open(&settings.files_dir)
                .with_context(|| format!("opening the files folder {}", settings.files_dir.display()))?,
        );
        housekeeping::start(db.clone(), settings.event_retention_days, clock.clone(), files.clone()).await;
        app::case_clock::start(db.clone(), clock.clone());
        app::contracts::dates::start(db.clone(), clock.clone());
        app::subscriptions::billing::start(db.clone(), clock.clone());
        let listener = TcpListener::bind(&settings.listen).with_context(|| format!("binding {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let instance = app::instance::start(db.clone()).await?;
        let webhooks = delivery::start(db.clone(), settings.webhook_allow_private, clock.clone())?;
        let state = web::Data::new(AppState {
            db,
            jwt,
            refresh_token_ttl: chrono::TimeDelta::seconds(settings.tokens.refresh_token_ttl_seconds),
            webhooks,
            clock,
            logins: LoginThrottle::default(),
            instance,
            case_reopen_days: i64::from(settings.case_reopen_days),
            files,
            max_upload_bytes: settings.max_upload_bytes,
        });
        let document = document();
        let routes = Arc::new(KnownRoutes::from_document(&document));
        let served_document = crate::openapi::finished(&document);
        let cors_origins = settings.cors_origins.clone();
        let metrics = web::Data::new(crate::metrics::Metrics::default());
        let rate_limit = RateLimit::new(settings.rate_limit_per_minute).map(Arc::new);
        if let Some(limit) = &rate_limit {
            RateLimit::sweep(Arc::downgrade(limit));
        }
        let server = HttpServer::new(move || {
            let app = mount(App::new().into_utoipa_app()).into_app();
            let app = match &rate_limit {
                Some(limit) => app.app_data(web::Data::from(limit.clone())),
                None => app,
            };
            app.app_data(state.clone())
                .app_data(metrics.clone())
                .app_data(web::PayloadConfig::new(BODY_LIMIT))
                .app_data(web::PathConfig::default().error_handler(extract::path_error))
                .app_data(web::Data::from(routes.clone()))
                .service(
                    SwaggerUi::new("/swagger-ui/{_:.*}")
                        .external_url_unchecked("/api-docs/openapi.json", served_document.clone())
                        // A token pasted into "Authorize" survives a reload of the page.
                        .config(Config::default().persist_authorization(true)),
                )
                .route("/swagger-ui", web::get().to(to_swagger_ui))
                .default_service(web::to(fallback))
                .wrap(from_fn(idempotency::middleware))
                // The body is read (within its deadline) before the key is claimed or a handler runs.
                .wrap(from_fn(crate::deadline::middleware))
                // Who calls, and whether they may: before the body is read or a key claimed.
                .wrap(from_fn(crate::auth::guard))
                // HEAD is a GET (for the guard and the router too), an unchanged record a 304.
                .wrap(from_fn(crate::conditional::middleware))
                // Everything of the request, from the guard to the idempotency commit, reads the
                // server's clock.
                .wrap(from_fn(crate::state::with_clock))
                // Outside idempotency: a refused request claims no key.
                .wrap(from_fn(rate_limit::middleware))
                .wrap(cors(&cors_origins))
                .wrap(
                    DefaultHeaders::new()
                        .add((header::CACHE_CONTROL, "no-store"))
                        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")),
                )
                // gzip when the client accepts it: the document goes from 445 to 82 kB, Swagger
                // UI's bundle from 1.5 MB to 540 kB, a report by party from 10 MB of JSON.
                .wrap(Compress::default())
                // Which request this is, for the answer's header and any problem in it.
                .wrap(from_fn(crate::request_id::middleware))
                .wrap(from_fn(crate::metrics::middleware))
                .wrap(TracingLogger::<crate::telemetry::AccessLog>::new())
        })
        .listen(listener)?
        .shutdown_timeout(30)
        .run();
        Ok(Self { server, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight (up to 30 s).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Browsers: no cross-origin access unless `CRM_CORS_ORIGINS` lists exact origins.
fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static(idempotency::HEADER),
            header::HeaderName::from_static(crate::request_id::HEADER),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static(crate::request_id::HEADER),
            header::HeaderName::from_static(idempotency::REPLAYED),
            header::HeaderName::from_static(rate_limit::LIMIT),
            header::HeaderName::from_static(rate_limit::REMAINING),
            header::HeaderName::from_static(rate_limit::RESET),
        ])
        .max_age(3600)
}

/// `/swagger-ui` is where people type it: the UI lives under `/swagger-ui/`.
async fn to_swagger_ui() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/swagger-ui/"))
        .finish()
}

async fn fallback(req: HttpRequest, routes: web::Data<KnownRoutes>) -> HttpResponse {
    match routes.allowed(req.match_info().as_str()) {
        Some(methods) if !methods.contains(req.method()) => method_not_allowed(&methods),
        _ => actix_web::ResponseError::error_response(&ApiError::NoRoute),
    }
}
