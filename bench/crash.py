"""Exactly once under kill -9: WRITERS threads create parties, each request with its own
Idempotency-Key, while the server is killed (SIGKILL) at random moments CYCLES times and started
again. Every request that got no answer is retried with its key until it gets one. At the end,
every request must have made exactly one party, with exactly one `party.created` event in the feed.

    python3 bench/crash.py SERVER_BINARY DATABASE_URL [CYCLES] [WRITERS]

Reports lost (an answered create whose party is missing), duplicated (a key that made two or more
parties), events not exactly once, and how long the retries of a killed request had to wait (they
get 409 `idempotency_key_in_use` while the dead request's claim is held). It starts and kills the
server itself, on 127.0.0.1:8089, with the README's admin. Not part of CI."""
import json, os, random, signal, statistics, subprocess, sys, threading, time, urllib.error, urllib.request, uuid

BINARY, DATABASE = sys.argv[1], sys.argv[2]
CYCLES = int(sys.argv[3]) if len(sys.argv) > 3 else 5
WRITERS = int(sys.argv[4]) if len(sys.argv) > 4 else 16
API = "http://127.0.0.1:8089/api/v1"
ENV = dict(os.environ, CRM_DATABASE_URL=DATABASE, CRM_LISTEN="127.0.0.1:8089", CRM_RATE_LIMIT_PER_MINUTE="0",
           CRM_ADMIN_EMAIL="admin@example.com", CRM_ADMIN_PASSWORD="change me please",
           CRM_JWT_SECRET="crash-test-secret-crash-test-secret-0123")

def call(method, path, body=None, token=None, key=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    if key:
        req.add_header("idempotency-key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")

def start():
    server = subprocess.Popen([BINARY], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen("http://127.0.0.1:8089/health", timeout=1)
            return server
        except Exception:
            time.sleep(0.05)
    raise SystemExit("the server did not start")

server = start()
token = call("POST", "/auth/token", {"email": "admin@example.com", "password": "change me please"})[1]["access_token"]
lock = threading.Lock()
requests = {}  # key -> name
answered = {}  # key -> party id
waits = []     # seconds a killed request's retries waited for an answer
stop = threading.Event()

def writer(n):
    i = 0
    while not stop.is_set():
        key, name = str(uuid.uuid4()), f"crash {n}-{i}"
        i += 1
        with lock:
            requests[key] = name
        first_failure = None
        while True:
            try:
                status, body = call("POST", "/parties", {"kind": "organization", "name": name}, token, key)
            except Exception:
                status, body = None, None
            if status == 201:
                with lock:
                    answered[key] = body["id"]
                    if first_failure is not None:
                        waits.append(time.monotonic() - first_failure)
                break
            first_failure = first_failure or time.monotonic()
            time.sleep(0.2)

threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
for t in threads:
    t.start()
for cycle in range(CYCLES):
    time.sleep(random.uniform(0.5, 2.0))
    server.send_signal(signal.SIGKILL)
    server.wait()
    time.sleep(0.3)
    server = start()
time.sleep(1)
stop.set()
for t in threads:
    t.join()

# Every party and every party.created event, read back.
parties, cursor = {}, ""
while True:
    status, page = call("GET", f"/parties?limit=200&include_archived=true" + (f"&cursor={cursor}" if cursor else ""), token=token)
    for party in page["items"]:
        parties.setdefault(party["name"], []).append(party["id"])
    cursor = page.get("next_cursor")
    if not cursor:
        break
created, after = {}, ""
while True:
    status, page = call("GET", f"/events?limit=200" + (f"&after={after}" if after else ""), token=token)
    for event in page["items"]:
        if event["type"] == "party.created":
            created[event["resource_id"]] = created.get(event["resource_id"], 0) + 1
    if not page["items"] or not page.get("next_cursor"):
        break
    after = page["next_cursor"]
server.send_signal(signal.SIGTERM)
server.wait()

lost = [k for k, pid in answered.items() if pid not in parties.get(requests[k], [])]
duplicated = [n for n, ids in parties.items() if n.startswith("crash ") and len(ids) > 1]
unanswered = [k for k in requests if k not in answered]
events_wrong = [pid for ids in parties.values() for pid in ids if created.get(pid, 0) != 1]
print(f"{CYCLES} kills, {WRITERS} writers: {len(requests)} creates, {len(answered)} answered, {len(unanswered)} never answered")
print(f"lost {len(lost)}, duplicated {len(duplicated)}, parties without exactly one party.created event {len(events_wrong)}")
if waits:
    print(f"retried creates: {len(waits)}, waited median {statistics.median(waits):.1f} s, max {max(waits):.1f} s")
