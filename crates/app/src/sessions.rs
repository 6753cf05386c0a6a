//! Sessions: the user an access token names, and the refresh tokens that renew access tokens.
//!
//! Access tokens are short; a login also gets a refresh token, which is used once: refreshing
//! answers a new access token and the next refresh token of the same family. A refresh token
//! presented a second time was copied (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): the whole
//! family is revoked, so the thief and the user both have to log in again. Any change of the user
//! (password, role, team, deactivation) ends its refresh tokens as it ends its access tokens.

use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use domain::user::User;
use persistence::DatabaseConnection;
use persistence::refresh_tokens::{self, RefreshToken};
use persistence::table;
use persistence::users::{self, Users};
use persistence::visibility::Visibility;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::clock::now;
use crate::error::{AppError, ErrorCode};

/// Whom a valid access token names, once its signature and claims were checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSubject {
    /// A user of this server, as they were when the token was issued.
    User { id: Uuid, version: i32 },
    /// The user with this email, as an external identity provider vouches.
    Email(String),
}

/// How long a user read for a token is believed: a change of the user (a new password, role or
/// team, a deactivation: each a new version) made on another server ends its tokens here within
/// this time; one made on this server, at once ([`forget`]).
pub const BELIEVED_FOR: TimeDelta = TimeDelta::milliseconds(500);
/// At most this many users are kept; past it, the expired ones go (and if none had, all).
const KEPT_AT_MOST: usize = 10_000;

/// The users tokens named lately, with when each was read: most requests need no read of their
/// caller. One per process: every server of a test process shares it, which is right, since a
/// user's id names one user whatever the database.
static RECENT: LazyLock<RwLock<HashMap<Uuid, Read>>> = LazyLock::new(Default::default);

/// A user, and when it was read.
type Read = (DateTime<Utc>, User);

/// Forgets what was read of user `id`: this server changed it.
pub fn forget(id: Uuid) {
    RECENT.write().unwrap_or_else(PoisonError::into_inner).remove(&id);
}

/// User `id` as read at most [`BELIEVED_FOR`] ago, else as read now.
async fn recent_user(db: &DatabaseConnection, id: Uuid) -> Result<Option<User>, AppError> {
    let at = now();
    let kept = RECENT
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&id)
        .filter(|(read_at, _)| at - *read_at < BELIEVED_FOR && *read_at <= at)
        .map(|(_, user)| user.clone());
    if kept.is_some() {
        return Ok(kept);
    }
    let user = table::find::<Users>(db, id, Visibility::All).await?;
    if let Some(user) = &user {
        let mut recent = RECENT.write().unwrap_or_else(PoisonError::into_inner);
        if recent.len() >= KEPT_AT_MOST {
            recent.retain(|_, (read_at, _)| at - *read_at < BELIEVED_FOR);
            if recent.len() >= KEPT_AT_MOST {
                recent.clear();
            }
        }
        recent.insert(id, (at, user.clone()));
    }
    Ok(user)
}

/// The active user `subject` names, as read at most [`BELIEVED_FOR`] ago.
pub async fn token_user(db: &DatabaseConnection, subject: &TokenSubject) -> Result<User, AppError> {
    match subject {
        TokenSubject::User { id, version } => {
            let user = recent_user(db, *id)
                .await?
                .filter(|user| user.active)
                .ok_or_else(|| invalid("the token's user is unknown or inactive"))?;
            if user.version != *version {
                return Err(invalid(
                    "the token's user changed since it was issued (password, role, team or status): get a new token",
                ));
            }
            Ok(user)
        }
        TokenSubject::Email(email) => users::find_for_login(db, email)
            .await?
            .map(|(user, _)| user)
            .filter(|user| user.active)
            .ok_or_else(|| invalid("no active user has the email the token names")),
    }
}

/// A refresh token as its holder gets it, and how long it lasts.
pub struct Issued {
    pub token: String,
    pub expires_in: TimeDelta,
}

/// Starts a session for `user`, who just proved who they are: the first refresh token of a new
/// family.
pub async fn start(db: &DatabaseConnection, user: &User, lifetime: TimeDelta) -> Result<Issued, AppError> {
    let (token, row) = new_token(Uuid::now_v7(), user, lifetime);
    refresh_tokens::insert(db, row).await?;
    Ok(Issued {
        token,
        expires_in: lifetime,
    })
}

/// Trades refresh token `presented` for its user (to issue an access token to) and the next
/// refresh token of its family.
pub async fn refresh(
    db: &DatabaseConnection,
    presented: &str,
    lifetime: TimeDelta,
) -> Result<(User, Issued), AppError> {
    let Some(found) = refresh_tokens::find_by_hash(db, &digest(presented)).await? else {
        return Err(invalid("the refresh token is unknown"));
    };
    let at = now();
    if found.revoked_at.is_some() || found.expires_at <= at {
        return Err(invalid("the refresh token has expired or was revoked: log in again"));
    }
    let txn = persistence::db::begin(db).await?;
    if !refresh_tokens::use_once(&txn, found.id, at).await? {
        // Used before (or right now, by someone else): the token was copied.
        refresh_tokens::revoke_family(&txn, found.family_id, at).await?;
        txn.commit().await?;
        tracing::warn!(target: "security", event = "refresh_token_reused", user_id = %found.user_id,
            family_id = %found.family_id, "a used refresh token came back: its family is revoked");
        return Err(invalid(
            "the refresh token was already used: every token of its session is revoked, log in again",
        ));
    }
    let user = table::find::<Users>(&txn, found.user_id, Visibility::All)
        .await?
        .filter(|user| user.active && user.version == found.user_version);
    let Some(user) = user else {
        refresh_tokens::revoke_family(&txn, found.family_id, at).await?;
        txn.commit().await?;
        return Err(invalid(
            "the user changed since the session began (password, role, team or status): log in again",
        ));
    };
    let (token, row) = new_token(found.family_id, &user, lifetime);
    refresh_tokens::insert(&txn, row).await?;
    txn.commit().await?;
    Ok((
        user,
        Issued {
            token,
            expires_in: lifetime,
        },
    ))
}

/// Ends the session refresh token `presented` belongs to (logging out). An unknown token ends
/// nothing and is not an error (RFC 7009 §2.2): the caller learns nothing about it.
pub async fn end(db: &DatabaseConnection, presented: &str) -> Result<(), AppError> {
    if let Some(found) = refresh_tokens::find_by_hash(db, &digest(presented)).await? {
        refresh_tokens::revoke_family(db, found.family_id, now()).await?;
        tracing::info!(target: "security", event = "session_ended", user_id = %found.user_id);
    }
    Ok(())
}

fn new_token(family_id: Uuid, user: &User, lifetime: TimeDelta) -> (String, RefreshToken) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let issued_at = now();
    let row = RefreshToken {
        id: Uuid::now_v7(),
        family_id,
        user_id: user.id,
        user_version: user.version,
        token_hash: digest(&token),
        issued_at,
        expires_at: issued_at + lifetime,
        used_at: None,
        revoked_at: None,
    };
    (token, row)
}

/// What is stored of a token: 256 random bits need no slow hash, only not to be kept in clear.
fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn invalid(detail: &str) -> AppError {
    AppError::unauthorized(ErrorCode::InvalidToken, detail)
}
