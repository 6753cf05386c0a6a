"""Times customer service over HTTP against a running server (client-side wall time, one client,
median of RUNS): a case with and without an SLA policy and team assignment, beside a party; its
message, actions, read, SLA view and a filtered list; a 1 MiB upload and its download. Then the
escalation job: CASES cases whose first response is due one minute after creation (a 24/7
calendar), and how long after that minute the server has raised every `case.sla_breached`
(its job runs every 10 s).

    python3 bench/cases.py [API_URL] [RUNS] [CASES]

The server must have the admin admin@example.com / "change me please" (as in the README). Not part
of CI: speed is measured here, never asserted in tests."""
import json, statistics, sys, time, urllib.request, uuid

API = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/api/v1"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
CASES = int(sys.argv[3]) if len(sys.argv) > 3 else 1000


def call(method, path, body=None, token=None, raw=None, headers=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(API + path, data=data, method=method)
    if raw is None:
        req.add_header("content-type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    if token:
        req.add_header("authorization", "Bearer " + token)
    start = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        payload = r.read()
    elapsed = (time.perf_counter() - start) * 1000
    try:
        return json.loads(payload) if payload else None, elapsed
    except ValueError:
        return payload, elapsed


def multipart(fields, filename, content):
    boundary = uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\n'.encode()
    out += content + f"\r\n--{boundary}--\r\n".encode()
    return out, {"content-type": f"multipart/form-data; boundary={boundary}"}


token = call("POST", "/auth/token", {"email": "admin@example.com", "password": "change me please"})[0]["access_token"]
team = call("POST", "/teams", {"name": f"Service {uuid.uuid4().hex[:6]}"}, token)[0]
for n in range(10):
    call("POST", "/users", {"email": f"agent{uuid.uuid4().hex[:8]}@bench.example", "name": f"Agent {n}",
                            "password": "a long enough password", "role": "support", "team_id": team["id"]}, token)
office = {"time_zone": "Europe/Berlin", "working_days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00",
          "holidays": ["2026-12-25"]}
around_the_clock = {"time_zone": "UTC", "working_days": [1, 2, 3, 4, 5, 6, 7], "start": "00:00", "end": "24:00",
                    "holidays": []}
for priority, calendar, minutes in [("high", office, 60), ("urgent", around_the_clock, 1)]:
    try:
        call("POST", "/sla-policies", {"name": priority, "priority": priority, "calendar": calendar,
                                       "first_response_minutes": minutes, "resolution_minutes": 600}, token)
    except urllib.error.HTTPError:
        pass  # kept from an earlier run
party = call("POST", "/parties", {"kind": "organization", "name": "Bench", "roles": ["customer"]}, token)[0]

timings = {k: [] for k in ["create party", "create case (no policy)", "create case (policy, team)",
                           "message (first response)", "wait", "resume", "get case", "get sla",
                           "list sla_status=at_risk", "upload 1 MiB", "download 1 MiB"]}
content = bytes(range(256)) * 4096
for run in range(RUNS):
    _, t = call("POST", "/parties", {"kind": "organization", "name": f"P{run}"}, token); timings["create party"].append(t)
    _, t = call("POST", "/cases", {"subject": f"Plain {run}", "party_id": party["id"]}, token)
    timings["create case (no policy)"].append(t)
    case, t = call("POST", "/cases", {"subject": f"Case {run}", "party_id": party["id"], "priority": "high",
                                      "team_id": team["id"]}, token)
    timings["create case (policy, team)"].append(t)
    path = f"/cases/{case['id']}"
    _, t = call("POST", path + "/messages", {"body": "On it", "visibility": "public", "direction": "outbound"}, token)
    timings["message (first response)"].append(t)
    _, t = call("POST", path + "/wait", None, token); timings["wait"].append(t)
    _, t = call("POST", path + "/resume", None, token); timings["resume"].append(t)
    _, t = call("GET", path, None, token); timings["get case"].append(t)
    _, t = call("GET", path + "/sla", None, token); timings["get sla"].append(t)
    _, t = call("GET", "/cases?sla_status=at_risk&limit=50", None, token); timings["list sla_status=at_risk"].append(t)
    if run % 10 == 0:
        body, headers = multipart({"resource_type": "case", "resource_id": case["id"]}, "data.bin", content)
        attachment, t = call("POST", "/attachments", raw=body, headers=headers, token=token)
        timings["upload 1 MiB"].append(t)
        downloaded, t = call("GET", f"/attachments/{attachment['id']}/content", None, token)
        timings["download 1 MiB"].append(t)
        assert downloaded == content
for k, v in timings.items():
    print(f"{k:28s} median {statistics.median(v):7.2f} ms  p90 {statistics.quantiles(v, n=10)[-1]:7.2f}  n={len(v)}")

# The escalation job: CASES cases due one minute after creation, every minute of the day.
created = []
for n in range(CASES):
    case, _ = call("POST", "/cases", {"subject": f"Urgent {n}", "party_id": party["id"], "priority": "urgent"}, token)
    created.append(case)
due = max(time.time(), max(time.mktime(time.strptime(c["first_response_due_at"][:19], "%Y-%m-%dT%H:%M:%S"))
                           - time.timezone for c in created))
ids = {c["id"] for c in created}
# The feed from before the first of these cases, read on as it grows.
raised, cursor = set(), ""
while time.time() < due:
    time.sleep(0.5)
while not ids <= raised:
    events, _ = call("GET", f"/events?limit=200{cursor}", None, token)
    raised |= {e["resource_id"] for e in events["items"] if e["type"] == "case.sla_breached"}
    if events.get("next_cursor"):
        cursor = "&after=" + events["next_cursor"]
    if not events["items"]:
        time.sleep(0.2)
print(f"escalation: {CASES} breaches raised {time.time() - due:5.1f} s after the last was due (job every 10 s)")
