//! What the router does not know: the documented operations, their methods and the access each
//! declares (`x-permission`), to answer a wrong method with 405 and `Allow` instead of a 404 or a
//! malformed id, and to authorize a request before its body is read. A leaf: it knows the
//! document and the error, nothing that handles requests.

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::dev::ResourceDef;
use actix_web::http::{Method, header};
use domain::access::Permission;
use utoipa::openapi::path::Operation;

use crate::error::ApiError;

/// The name of the OpenAPI extension that declares an operation's access.
pub const PERMISSION_EXTENSION: &str = "x-permission";
/// The `x-permission` of an operation anyone may call (`POST /auth/token`, the probes).
pub const PUBLIC: &str = "public";
/// The media type of the bodies a handler streams instead of receiving them read (uploads).
pub const STREAMED: &str = "multipart/form-data";

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without a token.
    Public,
    /// A user whose role has this permission (record scope is the use case's check).
    Requires(Permission),
    /// Nobody: the operation declares no access, or one this server does not know. Deny by
    /// default; a test finds such an operation before it ships.
    Undeclared,
}

impl Access {
    /// The access `operation` declares in its `x-permission` extension.
    pub fn of(operation: &Operation) -> Access {
        let declared = operation
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get(PERMISSION_EXTENSION));
        match declared {
            Some(serde_json::Value::String(name)) if name == PUBLIC => Access::Public,
            Some(value) => serde_json::from_value(value.clone()).map_or(Access::Undeclared, Access::Requires),
            None => Access::Undeclared,
        }
    }
}

struct Route {
    def: ResourceDef,
    /// Without parameters (`/parties/batch`): it wins over a parameter it also matches.
    literal: bool,
    operations: Vec<(Method, Access)>,
    /// The methods whose body the handler streams (see [`STREAMED`]).
    streamed: Vec<Method>,
}

/// The documented routes, grouped by collection (`/api/v1/parties`) so that a request is matched
/// against a handful of routes, not all of them.
pub struct KnownRoutes(HashMap<String, Vec<Route>>);

impl KnownRoutes {
    pub fn from_document(document: &utoipa::openapi::OpenApi) -> Self {
        let mut collections: HashMap<String, Vec<Route>> = HashMap::new();
        for (path, item) in &document.paths.paths {
            let operations = [
                (&item.get, Method::GET),
                (&item.post, Method::POST),
                (&item.put, Method::PUT),
                (&item.patch, Method::PATCH),
                (&item.delete, Method::DELETE),
            ]
            .into_iter()
            .filter_map(|(operation, method)| operation.as_ref().map(|operation| (method, operation)));
            let streamed = operations
                .clone()
                .filter(|(_, operation)| streams_body(operation))
                .map(|(method, _)| method)
                .collect();
            let operations = operations
                .map(|(method, operation)| (method, Access::of(operation)))
                .collect();
            collections.entry(collection(path).to_owned()).or_default().push(Route {
                def: ResourceDef::new(path.as_str()),
                literal: !path.contains('{'),
                operations,
                streamed,
            });
        }
        Self(collections)
    }

    /// The access of the operation `method` on `path` (as the router decoded it), if it is one.
    pub fn access(&self, method: &Method, path: &str) -> Option<Access> {
        self.candidates(path)
            .flat_map(|route| route.operations.iter())
            .find(|(allowed, _)| allowed == method)
            .map(|(_, access)| *access)
    }

    /// Whether the operation `method` on `path` streams its body: it is not read into memory
    /// before the handler runs (`crate::deadline`), and the handler bounds it.
    pub fn streams_body(&self, method: &Method, path: &str) -> bool {
        self.candidates(path).any(|route| route.streamed.contains(method))
    }

    /// The methods of `path`: those of the route without parameters that it is, if any
    /// (`/parties/batch` is not a party id), else those of every route it matches.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let mut methods: Vec<Method> = Vec::new();
        for route in self.candidates(path) {
            for (method, _) in &route.operations {
                if !methods.contains(method) {
                    methods.push(method.clone());
                }
            }
        }
        (!methods.is_empty()).then_some(methods)
    }

    /// The routes `path` may be: the one without parameters that it is exactly, alone; else every
    /// route whose parameters it fills (`/parties/by-external-id/history` fills two).
    fn candidates<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Route> + 'a {
        let routes = self.0.get(collection(path)).map_or(&[][..], Vec::as_slice);
        let literal = routes.iter().find(|route| route.literal && route.def.is_match(path));
        let parameterized = routes
            .iter()
            .filter(move |route| literal.is_none() && !route.literal && route.def.is_match(path));
        literal.into_iter().chain(parameterized)
    }
}

/// Whether `operation` takes a body of the [`STREAMED`] media type.
pub fn streams_body(operation: &Operation) -> bool {
    operation.request_body.as_ref().is_some_and(|body| match body {
        utoipa::openapi::RefOr::T(body) => body.content.contains_key(STREAMED),
        utoipa::openapi::RefOr::Ref(_) => false,
    })
}

/// The collection a path belongs to: its first three segments (`/api/v1/parties`), or the path
/// itself if it is shorter (`/health`). Every documented collection is a literal segment.
fn collection(path: &str) -> &str {
    path.match_indices('/').nth(3).map_or(path, |(end, _)| &path[..end])
}

pub fn method_not_allowed(methods: &[Method]) -> HttpResponse {
    use actix_web::ResponseError;
    let allow = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
    let mut response = ApiError::MethodNotAllowed.error_response();
    if let Ok(value) = header::HeaderValue::from_str(&allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::collection;

    #[test]
    fn a_path_belongs_to_the_collection_of_its_first_three_segments() {
        assert_eq!(collection("/api/v1/parties/{id}/history"), "/api/v1/parties");
        assert_eq!(collection("/api/v1/parties"), "/api/v1/parties");
        assert_eq!(collection("/health"), "/health");
        assert_eq!(collection("/"), "/");
    }
}
