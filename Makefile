# Each target is one command; `make ci` runs what CI runs.
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-pg lint fmt openapi openapi-check contract ci

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

ci:
	bash .ci/run
