//! `crm-server`: see `crm-server --help`.

/// mimalloc gives freed memory back to the system: a burst of password checks (each holds
/// Argon2's 19 MiB for a moment) otherwise leaves the process at its peak for good, glibc's
/// arenas keeping what the hashing threads freed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    api::cli::run().await
}
