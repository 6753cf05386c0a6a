"""What a sync client sees under concurrency, over HTTP against a running server:

1. ROUNDS rounds of 20 identical `POST /parties` racing with one Idempotency-Key each: how the 20
   were answered (created, replayed, 409 in flight) and how many parties each round made (must be 1).
2. 20 writers creating 10 parties each while one consumer pages the change feed with `limit=LIMIT`:
   creations seen, doubles, missed, pages read, and how long after its 201 a creation showed in
   the feed (median, p99, max).

    python3 bench/sync.py [API_URL] [ROUNDS] [LIMIT]

The lag includes the consumer's own backlog: with a small LIMIT it reads many pages behind.

Start the server as in the README with CRM_RATE_LIMIT_PER_MINUTE=0 (this client sends far more than
a well-behaved one would). Not part of CI: figures are measured here, never asserted in tests."""
import json, statistics, sys, threading, time, urllib.error, urllib.request, uuid
from concurrent.futures import ThreadPoolExecutor

API = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/api/v1"
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
LIMIT = int(sys.argv[3]) if len(sys.argv) > 3 else 7

def call(method, path, body=None, token=None, headers=()):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    for name, value in headers:
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req) as r:
            payload = r.read()
            return r.status, {k.lower(): v for k, v in r.headers.items()}, json.loads(payload) if payload else None
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, json.loads(e.read() or b"null")

token = call("POST", "/auth/token", {"email": "admin@example.com", "password": "change me please"})[2]["access_token"]

# 1. Idempotency race.
tally = {"created": 0, "replayed": 0, "in flight (409)": 0, "other": 0}
made = []
with ThreadPoolExecutor(20) as pool:
    for _ in range(ROUNDS):
        name, key = f"Racer {uuid.uuid4()}", str(uuid.uuid4())
        send = lambda _: call("POST", "/parties", {"kind": "organization", "name": name}, token, [("idempotency-key", key)])
        for status, headers, _ in pool.map(send, range(20)):
            replayed = headers.get("idempotent-replayed") == "true"
            outcome = ("replayed" if replayed else "created") if status == 201 else "in flight (409)" if status == 409 else "other"
            tally[outcome] += 1
        made.append(len(call("GET", f"/parties?q={urllib.request.quote(name)}&limit=200", token=token)[2]["items"]))
print(f"idempotency: {ROUNDS} rounds x 20 requests: {tally}; parties made per round: {sorted(set(made))}")

# 2. Feed under concurrent writers.
status, _, page = call("GET", "/events?limit=200", token=token)
cursor = page["next_cursor"]
while page["items"]:
    page = call("GET", f"/events?limit=200&after={cursor}", token=token)[2]
    cursor = page["next_cursor"]
created_at, seen_at, seen, pages = {}, {}, [], 0
done = threading.Event()

def writer(w):
    for i in range(10):
        party = call("POST", "/parties", {"kind": "organization", "name": f"Writer {w} party {i}"}, token)[2]
        created_at[party["id"]] = time.perf_counter()

def consumer():
    global cursor, pages
    deadline = None
    while len(seen) < 200:
        page = call("GET", f"/events?limit={LIMIT}&after={cursor}", token=token)[2]
        pages += 1
        now = time.perf_counter()
        for e in page["items"]:
            if e["type"] == "party.created":
                seen.append(e["resource_id"])
                seen_at.setdefault(e["resource_id"], now)
        cursor = page["next_cursor"]
        if done.is_set():
            deadline = deadline or now + 10
            if now > deadline:
                break

reader = threading.Thread(target=consumer)
reader.start()
with ThreadPoolExecutor(20) as pool:
    list(pool.map(writer, range(20)))
done.set()
reader.join()
lags = sorted((seen_at[p] - created_at[p]) * 1000 for p in created_at if p in seen_at)
missed = len(set(created_at) - set(seen))
print(f"feed: 200 creations by 20 writers; seen {len(set(seen))}, doubles {len(seen) - len(set(seen))}, "
      f"missed {missed}, pages read {pages}")
if lags:
    p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
    print(f"feed lag after the 201: median {statistics.median(lags):.1f} ms, p99 {p99:.1f} ms, max {lags[-1]:.1f} ms "
          "(a creation can show before its writer has read the 201: negative)")
