#!/usr/bin/env bash
# Response times of every report against a running server on seeded data (the standard profile:
# 200k opportunities, 200k invoices, 1M offer lines): each report RUNS times as the seeded admin
# (who sees everything) and as a seeded sales user, after one warm-up; prints the median and the
# slowest in milliseconds.
#
#     bash bench/reports.sh [API_URL] [RUNS] [FROM] [TO]
#
# Seed first (`CRM_DATABASE_URL=postgres://… make seed PROFILE=standard`), start the server on
# that database with CRM_RATE_LIMIT_PER_MINUTE=0. Not part of CI: figures are measured here,
# never asserted in tests.
set -euo pipefail
API="${1:-http://127.0.0.1:8080/api/v1}"
RUNS="${2:-9}"
FROM="${3:-2025-01-01}"
TO="${4:-2025-12-31}"
token() {
  curl -s -X POST "$API/auth/token" -H 'content-type: application/json' \
    -d "{\"email\": \"$1\", \"password\": \"seed password\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
admin=$(token admin@seed.example)
sales=$(token sales1@seed.example)
reports=(
  "turnover?from=$FROM&to=$TO&group_by=month"
  "turnover?from=$FROM&to=$TO&group_by=party"
  "pipeline?group_by=stage"
  "pipeline?group_by=team&as_of=$TO"
  "pipeline-changes?from=$FROM&to=$TO"
  "receivables-aging?as_of=$TO"
  "receivables-aging"
  "sales-performance?from=$FROM&to=$TO&group_by=owner"
  "sales-performance?from=$FROM&to=$TO&group_by=team"
  "cases?from=$FROM&to=$TO&group_by=month"
)
printf '%-50s %-6s %8s %8s\n' report who median max
for report in "${reports[@]}"; do
  for who in admin sales; do
    auth="authorization: Bearer ${!who}"
    status=$(curl -s -o /dev/null -w '%{http_code}' "$API/reports/$report" -H "$auth")
    [ "$status" = 200 ] || { echo "GET /reports/$report as $who: $status" >&2; exit 1; }
    times=$(for _ in $(seq "$RUNS"); do
      curl -s -o /dev/null -w '%{time_total}\n' "$API/reports/$report" -H "$auth"
    done | sort -n)
    median=$(echo "$times" | sed -n "$(( (RUNS + 1) / 2 ))p")
    max=$(echo "$times" | tail -1)
    printf '%-50s %-6s %8.0f %8.0f\n' "$report" "$who" "$(echo "$median * 1000" | bc)" "$(echo "$max * 1000" | bc)"
  done
done
