# Each target is one command; `make ci` runs what CI runs.
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-pg lint fmt openapi openapi-check contract query-plans seed bench bench-sync bench-read bench-cases bench-billing bench-reports bench-logins bench-crash bench-outage bench-hostile ci

run:
	cargo run --release

test:
	cargo test --workspace

test-pg:
	CRM_TEST_DATABASE_URL=$(PG_URL) cargo test --workspace --test api

lint:
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all

openapi:
	cargo run --quiet -- openapi > openapi/openapi.json

openapi-check:
	cargo test --workspace --test api openapi

contract:
	bash .ci/contract

# Seeds the standard profile into a fresh PostgreSQL database and checks that no documented list,
# with any of its filters, sorts or a second page, scans a big table (tests/api/query_plans.rs).
query-plans:
	bash .ci/query_plans $(PG_URL)

# Loads realistic data into the database of CRM_DATABASE_URL (SQLite by default): PROFILE=smoke,
# standard or large. Sign in as admin@seed.example with the password "seed password".
PROFILE ?= smoke
seed:
	cargo run --release -- seed --profile $(PROFILE)

# Builds the CRM and the raw floor (bench/floor) in release, seeds a fresh PostgreSQL database with
# the standard profile and runs every case of bench/harness.py (its docstring): reads, lists, feed,
# creates, offers of 10/100/500 lines, the 500-line chain, 50 concurrent issues, a mixed load, and
# start time and idle RSS on SQLite; req/s, p50/p99 at 64 and 1 connections, CPU, peak RSS, floor
# ratios. About 25 minutes plus the seed. (The chain alone, against a running server:
# python3 bench/chain.py.)
bench:
	cargo build --release
	cargo build --release --manifest-path bench/floor/Cargo.toml
	python3 bench/harness.py target/release/crm-server $(PG_URL) --seed-profile standard

# Against a server started with `CRM_RATE_LIMIT_PER_MINUTE=0 make run`: idempotency races and the
# feed under 20 concurrent writers.
bench-sync:
	python3 bench/sync.py http://127.0.0.1:8080/api/v1 10 7

# Against a server started with `CRM_RATE_LIMIT_PER_MINUTE=0 make run`: GET /parties/{id} under wrk.
bench-read:
	bash bench/read.sh http://127.0.0.1:8080/api/v1 20 16

# Against a server started with `CRM_RATE_LIMIT_PER_MINUTE=0 make run`: cases, their SLA clock and
# attachments, one client; then 1,000 cases breaching at once and how soon the job raises them.
bench-cases:
	python3 bench/cases.py http://127.0.0.1:8080/api/v1 200 1000

# Against a server started with `CRM_RATE_LIMIT_PER_MINUTE=0 make run`: contract pricing, subscriptions,
# their preview, and a billing run over 500 subscriptions with 7 periods due each.
bench-billing:
	python3 bench/billing.py http://127.0.0.1:8080/api/v1 200 500

# Against a server on a database seeded with `make seed PROFILE=standard` (PostgreSQL), with
# CRM_RATE_LIMIT_PER_MINUTE=0: every report over 2025, as admin and as a sales user.
bench-reports:
	bash bench/reports.sh http://127.0.0.1:8080/api/v1 9 2025-01-01 2025-12-31

# Against a server started with `make run`: its peak memory during a storm of wrong passwords.
bench-logins:
	python3 bench/login_storm.py 127.0.0.1:8080 $$(pgrep -n crm-server) 640 64

# Starts and kills a release build itself: kill -9 under concurrent writers, on SQLite.
bench-crash:
	cargo build --release
	python3 bench/crash.py target/release/crm-server "sqlite://$$(mktemp -d)/crash.db?mode=rwc" 5 16

# Starts a release build itself on a fresh PostgreSQL database and cuts it off for 5 s under load.
bench-outage:
	cargo build --release
	python3 bench/outage.py target/release/crm-server $(PG_URL)

# Starts a release build itself on SQLite and sends it about 16,000 hostile requests.
bench-hostile:
	cargo build --release
	python3 bench/hostile.py target/release/crm-server "sqlite://$$(mktemp -d)/hostile.db?mode=rwc"

ci:
	bash .ci/run

# Builds the CRM and the raw floor (bench/floor) in release and runs them alternately on a fresh
# PostgreSQL database with the standard profile (bench/harness.py), only the four cases that have a
# floor: requests/s, CRM/floor ratios, p50/p99, CPU, RSS.
.PHONY: bench-floor
bench-floor:
	cargo build --release
	cargo build --release --manifest-path bench/floor/Cargo.toml
	python3 bench/harness.py target/release/crm-server $(PG_URL) --seed-profile standard --cases get,page1,deep,create
