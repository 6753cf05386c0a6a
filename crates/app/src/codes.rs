//! Every stable `code` of a problem document, with its HTTP status and what it means: the one
//! table clients switch on. Codes are never renamed; the OpenAPI document lists them as the enum
//! of `Problem.code`, and a test checks that every code the server answers is in this table.

macro_rules! error_codes {
    ($($variant:ident => $code:literal, $status:literal, $meaning:literal;)+) => {
        /// A stable error code. `status` is the HTTP status it is answered with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $meaning] $variant,)+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),+ }
            }

            pub fn meaning(self) -> &'static str {
                match self { $(ErrorCode::$variant => $meaning),+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some(ErrorCode::$variant),)+ _ => None }
            }
        }
    };
}

error_codes! {
    MalformedJson => "malformed_json", 400, "The body is not well-formed JSON.";
    UnknownField => "unknown_field", 400, "The body has a field the resource does not know.";
    InvalidQuery => "invalid_query", 400, "A query parameter is unknown or its value does not parse.";
    InvalidPath => "invalid_path", 400, "A path parameter does not parse (an id that is no UUID).";
    InvalidCursor => "invalid_cursor", 400, "The cursor was not made by this list, or is damaged.";
    InvalidIfMatch => "invalid_if_match", 400, "If-Match is not one quoted version (`\"3\"`).";
    InvalidIdempotencyKey => "invalid_idempotency_key", 400, "Idempotency-Key is not 1 to 255 visible ASCII characters.";
    MissingToken => "missing_token", 401, "No `Authorization: Bearer` token.";
    InvalidToken => "invalid_token", 401, "The token does not validate, has expired, or names an unknown or inactive user.";
    InvalidCredentials => "invalid_credentials", 401, "No active user with this email and password.";
    Forbidden => "forbidden", 403, "The caller's role may not perform this operation.";
    NotFound => "not_found", 404, "No such record or endpoint, or one the caller may not see.";
    MethodNotAllowed => "method_not_allowed", 405, "The path exists, the method does not (see `Allow`).";
    InvalidStateTransition => "invalid_state_transition", 409, "The action is not allowed from the record's status (`current_status`, `allowed_from`).";
    ConcurrentUpdate => "concurrent_update", 409, "Another request changed the record meanwhile: read it again and retry.";
    Duplicate => "duplicate", 409, "A record with these unique values already exists.";
    DuplicateExternalId => "duplicate_external_id", 409, "Another record of the resource has this external id (`existing_id` when visible).";
    DuplicateSku => "duplicate_sku", 409, "Another product has this SKU.";
    DuplicateName => "duplicate_name", 409, "Another team has this name.";
    DuplicateEmail => "duplicate_email", 409, "Another user has this email.";
    ReferenceConflict => "reference_conflict", 409, "A referenced record does not exist or is still referenced.";
    DocumentImmutable => "document_immutable", 409, "The document is past its draft (or issued) and cannot be changed.";
    AlreadyConverted => "already_converted", 409, "The offer was converted to a sales order already (`existing_id`).";
    OfferNotAccepted => "offer_not_accepted", 409, "Only an accepted offer converts to a sales order.";
    OrderNotConfirmed => "order_not_confirmed", 409, "Only a confirmed sales order is invoiced.";
    ReopenWindowPassed => "reopen_window_passed", 409, "The resolved case is past its reopen window (`CRM_CASE_REOPEN_DAYS`): open a new case.";
    InvoicingStarted => "invoicing_started", 409, "Something of the order is reserved or invoiced already.";
    NotIssued => "not_issued", 409, "Only an issued invoice takes payments or is credited.";
    PartyArchived => "party_archived", 409, "The party is archived and takes no new records.";
    ProductUnavailable => "product_unavailable", 409, "The product is archived or inactive and takes no new lines.";
    ActivitiesOfOtherParty => "activities_of_other_party", 409, "Activities about the record concern its current party.";
    OffersOfOtherParty => "offers_of_other_party", 409, "Offers for the opportunity are made to its current party.";
    StageInUse => "stage_in_use", 409, "Opportunities are in this pipeline stage: its kind cannot change.";
    StageRetired => "stage_retired", 409, "The pipeline stage is retired and takes no opportunities.";
    NoWonStage => "no_won_stage", 409, "No active pipeline stage of kind won to move the opportunity to.";
    PriceListInUse => "price_list_in_use", 409, "Parties are priced by this price list.";
    SelfLockout => "self_lockout", 409, "Admins cannot demote or deactivate themselves.";
    WebhookInactive => "webhook_inactive", 409, "The subscription is inactive: it sends nothing.";
    IdempotencyKeyInUse => "idempotency_key_in_use", 409, "The first request with this Idempotency-Key is still running.";
    VersionMismatch => "version_mismatch", 412, "If-Match names another version than the current one (`current_version`).";
    PayloadTooLarge => "payload_too_large", 413, "The body (or an upload's file) is over the limit.";
    RequestTimeout => "request_timeout", 408, "The body did not arrive within 10 seconds.";
    MalformedBody => "malformed_body", 400, "The body could not be read: cut short, or its `Content-Encoding` is damaged.";
    UnsupportedMediaType => "unsupported_media_type", 415, "The body is not `application/json` (`multipart/form-data` for uploads).";
    ValidationFailed => "validation_failed", 422, "Invalid values: `errors` lists each with its field path.";
    BatchFailed => "batch_failed", 422, "An item of an `all_or_none` batch failed: nothing was committed.";
    RateLimited => "rate_limited", 429, "Past the caller's rate limit; retry after `Retry-After` seconds.";
    InternalError => "internal_error", 500, "A failure of the server; nothing is said of its cause.";
    ResourceBusy => "resource_busy", 503, "The change kept colliding with concurrent ones; retry after `Retry-After`.";
    DatabaseUnavailable => "database_unavailable", 503, "The database cannot be reached just now; nothing was done. Retry after `Retry-After`.";
}

impl ErrorCode {
    /// Whether an upsert that got this conflict may have lost the race for a first insert (the
    /// other request's row appeared between the look-up and the insert), so that one retry finds
    /// the winner's row.
    pub fn is_lost_race(self) -> bool {
        matches!(
            self,
            ErrorCode::Duplicate | ErrorCode::DuplicateExternalId | ErrorCode::DuplicateSku
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{text}");
            assert_eq!(ErrorCode::parse(text), Some(*code));
            assert!((400..600).contains(&code.status()));
        }
    }
}
