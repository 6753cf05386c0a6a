//! Argon2id password hashes. The default parameters are OWASP's (19 MiB, 2 iterations, 1 lane);
//! a deployment may set others (`CRM_PASSWORD_MEMORY_KIB`, `CRM_PASSWORD_ITERATIONS`). A stored
//! hash names its own parameters, so changing them affects new hashes only.
//!
//! Each hash or check takes tens of milliseconds of CPU and its memory, so it runs off the async
//! workers and at most `concurrency` at once (by default one per core): a storm of logins, with or
//! without the right password, costs at most that many times the memory, and a request that
//! cannot get its turn within [`WAIT`] is told to come back (503 `resource_busy`) instead of
//! piling up. The hasher is the process's ([`configure`]d once at start): its cost is a matter of
//! the machine's cores and memory, which every server of the process shares.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// How long a request waits for its turn at hashing before it is answered 503.
pub const WAIT: Duration = Duration::from_secs(2);

static PASSWORDS: OnceLock<Arc<Passwords>> = OnceLock::new();

/// Sets the cost of hashing for the process; a second call must name the same cost.
pub fn configure(cost: Cost) -> anyhow::Result<()> {
    if let Some(configured) = PASSWORDS.get() {
        // Servers of one process (tests start many) share it: no second dummy hash to compute.
        anyhow::ensure!(
            configured.cost == cost,
            "the password hashing cost is set once per process"
        );
        return Ok(());
    }
    let candidate = Passwords::new(cost)?;
    let configured = PASSWORDS.get_or_init(|| candidate);
    anyhow::ensure!(
        configured.cost == cost,
        "the password hashing cost is set once per process"
    );
    Ok(())
}

/// The process's hasher: as [`configure`]d, else with the default cost.
fn passwords() -> &'static Passwords {
    PASSWORDS.get_or_init(|| Passwords::new(Cost::default()).expect("the default cost is valid"))
}

/// Hashes `password` in the process's turn.
pub async fn hash(password: String) -> Result<String, AppError> {
    passwords().hash(password).await
}

/// Checks `password` against `stored` (none: an unknown user) in the process's turn.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    passwords().verify(password, stored).await
}

/// The cost of hashing, as a deployment sets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub memory_kib: u32,
    pub iterations: u32,
    /// Hashes computed at once; 0 means one per core.
    pub concurrency: usize,
}

impl Default for Cost {
    fn default() -> Self {
        Self {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            concurrency: 0,
        }
    }
}

/// The server's password hasher: its parameters and its bounded turns.
pub struct Passwords {
    cost: Cost,
    params: Params,
    turns: Arc<Semaphore>,
    /// Checked for an unknown email, so the answer takes as long as for a known one.
    dummy: String,
}

impl Passwords {
    pub fn new(cost: Cost) -> anyhow::Result<Arc<Self>> {
        let params = Params::new(cost.memory_kib, cost.iterations, Params::DEFAULT_P_COST, None)
            .map_err(|e| anyhow::anyhow!("password hashing parameters: {e}"))?;
        let concurrency = match cost.concurrency {
            0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            n => n,
        };
        let dummy = hasher(&params)
            .hash_password(b"no such user", &SaltString::generate(&mut OsRng))
            .map_err(|e| anyhow::anyhow!("hashing a constant: {e}"))?
            .to_string();
        Ok(Arc::new(Self {
            cost,
            params,
            turns: Arc::new(Semaphore::new(concurrency)),
            dummy,
        }))
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let params = self.params.clone();
        self.in_turn(move || {
            let salt = SaltString::generate(&mut OsRng);
            hasher(&params)
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|e| AppError::internal(anyhow::anyhow!("hashing failed: {e}")))
        })
        .await?
    }

    /// Verifies `password` against `stored`. With no stored hash (unknown user) the dummy hash is
    /// checked, so the response time does not tell whether an email is registered.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, AppError> {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.dummy.clone());
        let params = self.params.clone();
        self.in_turn(move || {
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return false;
            };
            // The stored hash names its own parameters; the server's only shape the hasher.
            hasher(&params).verify_password(password.as_bytes(), &parsed).is_ok() && known
        })
        .await
    }

    /// Runs `work` on a blocking thread once a turn is free, or answers busy after [`WAIT`].
    async fn in_turn<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let turn = tokio::time::timeout(WAIT, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy)?
            .map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || {
            let output = work();
            drop(turn);
            output
        })
        .await
        .map_err(AppError::internal)
    }
}

fn hasher(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap(concurrency: usize) -> Arc<Passwords> {
        Passwords::new(Cost {
            memory_kib: 1024,
            iterations: 1,
            concurrency,
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let passwords = cheap(1);
        let hash = passwords.hash("correct horse".to_owned()).await.unwrap();
        assert!(
            passwords
                .verify("correct horse".to_owned(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!passwords.verify("wrong".to_owned(), Some(hash)).await.unwrap());
        assert!(!passwords.verify("no such user".to_owned(), None).await.unwrap());
    }

    #[tokio::test]
    async fn no_more_than_the_turns_run_at_once() {
        let passwords = cheap(2);
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let checks = (0..12).map(|_| {
            let (passwords, running, most) = (passwords.clone(), running.clone(), most.clone());
            tokio::spawn(async move {
                passwords
                    .in_turn(move || {
                        let now = running.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        running.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    })
                    .await
            })
        });
        for check in futures::future::join_all(checks).await {
            check.unwrap().unwrap();
        }
        assert!(most.load(std::sync::atomic::Ordering::SeqCst) <= 2);
    }
}
