#!/usr/bin/env bash
# Throughput of `GET /parties/{id}` (token check, user read, visibility, one row) against a
# running server: wrk with CONNECTIONS connections for SECONDS seconds, after a warm-up.
#
#     bash bench/read.sh [API_URL] [SECONDS] [CONNECTIONS]
#
# Start the server as in the README with CRM_RATE_LIMIT_PER_MINUTE=0 (wrk sends far more than a
# client would). Needs wrk (Debian: apt-get install wrk). Not part of CI: figures are measured
# here, never asserted in tests.
set -euo pipefail
API="${1:-http://127.0.0.1:8080/api/v1}"
SECONDS_RUN="${2:-20}"
CONNECTIONS="${3:-16}"
token=$(curl -s -X POST "$API/auth/token" -H 'content-type: application/json' \
  -d '{"email": "admin@example.com", "password": "change me please"}' \
  | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
id=$(curl -s -X POST "$API/parties" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"kind": "organization", "name": "Read bench", "roles": ["customer"], "currency": "EUR",
       "addresses": [{"line1": "Hauptstr. 1", "city": "Berlin", "country": "DE"}]}' \
  | sed 's/.*"id":"\([^"]*\)".*/\1/')
wrk -t2 -c"$CONNECTIONS" -d3s -H "authorization: Bearer $token" "$API/parties/$id" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -H "authorization: Bearer $token" "$API/parties/$id"
