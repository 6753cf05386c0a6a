//! What the router does not know: the documented routes and their methods, to answer a wrong
//! method with 405 and `Allow` instead of a 404 or a malformed id. A leaf: it knows the document
//! and the error, nothing that handles requests.

use actix_web::dev::ResourceDef;
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;

/// The documented paths and their methods, to tell a 405 from a 404.
pub struct KnownRoutes(Vec<(ResourceDef, bool, Vec<Method>)>);

impl KnownRoutes {
    pub fn from_document(document: &utoipa::openapi::OpenApi) -> Self {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (&item.get, Method::GET),
                    (&item.post, Method::POST),
                    (&item.put, Method::PUT),
                    (&item.patch, Method::PATCH),
                    (&item.delete, Method::DELETE),
                ]
                .into_iter()
                .filter(|(operation, _)| operation.is_some())
                .map(|(_, method)| method)
                .collect();
                (ResourceDef::new(path.as_str()), !path.contains('{'), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods of `path`: those of the route without parameters that it is, if any
    /// (`/parties/batch` is not a party id), else those of every route it matches.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        if let Some(methods) = self.literal(path) {
            return Some(methods);
        }
        let methods: Vec<Method> = self
            .0
            .iter()
            .filter(|(def, _, _)| def.is_match(path))
            .flat_map(|(_, _, methods)| methods.iter().cloned())
            .collect();
        (!methods.is_empty()).then_some(methods)
    }

    /// The methods of the route that is exactly `path`, without parameters (`/parties/batch`).
    fn literal(&self, path: &str) -> Option<Vec<Method>> {
        self.0
            .iter()
            .find(|(def, literal, _)| *literal && def.is_match(path))
            .map(|(_, _, methods)| methods.clone())
    }
}

/// A request whose path is a documented route without parameters (`PATCH /parties/batch`) but
/// that the router took for another one (`PATCH /parties/{id}`): it is a 405 with `Allow`, not a
/// malformed id.
pub fn wrong_method_of_literal_route(req: &HttpRequest) -> Option<HttpResponse> {
    let routes = req.app_data::<web::Data<KnownRoutes>>()?;
    let methods = routes.literal(req.path())?;
    (!methods.contains(req.method())).then(|| method_not_allowed(&methods))
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
