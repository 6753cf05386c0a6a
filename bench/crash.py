"""Exactly once under kill -9: WRITERS threads create parties, each request with its own
Idempotency-Key, while the server is killed (SIGKILL) at random moments CYCLES times and started
again. Every request that got no answer is retried with its key until it gets one. At the end,
every request must have made exactly one party, with exactly one `party.created` event in the feed.

Alongside them INVOICE_WRITERS threads (default 4) make invoices: a direct draft
(`POST /invoices`, one line) and its issue (`POST /invoices/{id}/issue`), each POST with its own
Idempotency-Key and retried with it like the parties. At the end every invoice is read back
(`GET /invoices`, page by page): each create key must have made exactly one invoice, each
answered issue must have its number, and the issued numbers (`INV-2026-000001`: series, year,
sequence) must run 1, 2, 3… without a gap or a repeat in each series and year; each invoice must
have exactly one `invoice.created` event, each issued one exactly one `invoice.issued`.

    python3 bench/crash.py SERVER_BINARY DATABASE_URL [CYCLES] [WRITERS] [INVOICE_WRITERS]

Reports lost (an answered create whose party is missing), duplicated (a key that made two or more
parties), events not exactly once, and how long the retries of a killed request had to wait (they
get 409 `idempotency_key_in_use` while the dead request's claim is held); then the same for the
invoices, with the gaps and repeated numbers. It starts and kills the server itself, on
127.0.0.1:8089, with the README's admin and RUST_LOG=info (its log is kept in a temporary directory,
printed at the end). Exits non-zero on anything lost, duplicated, not exactly once, or a gap. Not
part of CI."""
import collections, json, os, random, re, signal, statistics, subprocess, sys, tempfile, threading, time, urllib.error, urllib.parse, urllib.request, uuid

BINARY, DATABASE = sys.argv[1], sys.argv[2]
CYCLES = int(sys.argv[3]) if len(sys.argv) > 3 else 5
WRITERS = int(sys.argv[4]) if len(sys.argv) > 4 else 16
INVOICE_WRITERS = int(sys.argv[5]) if len(sys.argv) > 5 else 4
API = "http://127.0.0.1:8089/api/v1"
ENV = dict(os.environ, CRM_DATABASE_URL=DATABASE, CRM_LISTEN="127.0.0.1:8089", CRM_RATE_LIMIT_PER_MINUTE="0",
           CRM_ADMIN_EMAIL="admin@example.com", CRM_ADMIN_PASSWORD="change me please",
           CRM_JWT_SECRET="crash-test-secret-crash-test-secret-0123", RUST_LOG="info", NO_COLOR="1")
LOG = os.path.join(tempfile.mkdtemp(prefix="crm-crash-"), "server.log")

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
    log = open(LOG, "ab")
    server = subprocess.Popen([BINARY], env=ENV, stdout=log, stderr=log)
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

customer = call("POST", "/parties", {"kind": "organization", "name": "invoice customer", "roles": ["customer"],
                                     "currency": "EUR"}, token)[1]["id"]
invoice_requests = {}  # create key -> tag (the invoice's notes)
invoice_made = {}      # create key -> invoice id
issued = {}            # invoice id -> the number its issue was answered with
invoice_waits = []     # seconds a killed invoice request's retries waited
refusals = collections.Counter()  # (step, status, code) answers other than success seen on the way


def until_answered(method, path, body, key, success):
    """Sends the request with its key until it gets `success`; None after two minutes of trying."""
    first_failure, start = None, time.monotonic()
    while time.monotonic() - start < 120:
        try:
            status, answer = call(method, path, body, token, key)
        except Exception:
            status, answer = None, None
        if status == success:
            if first_failure is not None:
                with lock:
                    invoice_waits.append(time.monotonic() - first_failure)
            return answer
        if status is not None and (status, (answer or {}).get("code")) not in ((409, "idempotency_key_in_use"), (503, "database_unavailable"), (503, "resource_busy")):
            with lock:
                refusals[(path.rsplit("/", 1)[-1], status, (answer or {}).get("code"))] += 1
        first_failure = first_failure or time.monotonic()
        time.sleep(0.2)
    return None


def invoice_writer(n):
    i = 0
    while not stop.is_set():
        key, tag = str(uuid.uuid4()), f"crash inv {n}-{i}"
        i += 1
        with lock:
            invoice_requests[key] = tag
        body = {"party_id": customer, "notes": tag,
                "lines": [{"description": tag, "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]}
        draft = until_answered("POST", "/invoices", body, key, 201)
        if draft is None:
            continue
        with lock:
            invoice_made[key] = draft["id"]
        done = until_answered("POST", f"/invoices/{draft['id']}/issue", None, str(uuid.uuid4()), 200)
        if done is not None:
            with lock:
                issued[draft["id"]] = done["number"]


threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
threads += [threading.Thread(target=invoice_writer, args=(n,)) for n in range(INVOICE_WRITERS)]
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
invoices, cursor = [], ""
while True:
    status, page = call("GET", "/invoices?limit=200" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""), token=token)
    invoices += page["items"]
    cursor = page.get("next_cursor")
    if not cursor:
        break
created, after = {}, ""
invoice_events = collections.Counter()  # (type, invoice id) -> count
while True:
    status, page = call("GET", f"/events?limit=200" + (f"&after={after}" if after else ""), token=token)
    for event in page["items"]:
        if event["type"] == "party.created":
            created[event["resource_id"]] = created.get(event["resource_id"], 0) + 1
        elif event["type"] in ("invoice.created", "invoice.issued"):
            invoice_events[(event["type"], event["resource_id"])] += 1
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

# Invoices: one per create key, the answered numbers kept, numbers 1, 2, 3… per series and year.
by_tag = collections.defaultdict(list)
for invoice in invoices:
    if (invoice.get("notes") or "").startswith("crash inv "):
        by_tag[invoice["notes"]].append(invoice)
by_id = {invoice["id"]: invoice for invoice in invoices}
invoices_duplicated = [tag for tag, found in by_tag.items() if len(found) > 1]
invoices_lost = [key for key, iid in invoice_made.items() if iid not in by_id]
issues_lost = [iid for iid, number in issued.items() if by_id.get(iid, {}).get("number") != number]
numbers = [invoice["number"] for invoice in invoices if invoice.get("number")]
series, bad_numbers = collections.defaultdict(list), []
for number in numbers:
    m = re.fullmatch(r"(.*\D)(\d+)", number)
    if m:
        series[m.group(1)].append(int(m.group(2)))
    else:
        bad_numbers.append(number)
gaps, repeats = {}, {}
for prefix, seqs in series.items():
    missing = sorted(set(range(1, max(seqs) + 1)) - set(seqs))
    if missing:
        gaps[prefix] = missing
    repeated = [n for n, c in collections.Counter(seqs).items() if c > 1]
    if repeated:
        repeats[prefix] = repeated
drafts_left = [i["id"] for found in by_tag.values() for i in found if i["status"] == "draft"]
events_not_once = [i["id"] for i in invoices if (i.get("notes") or "").startswith("crash inv ") and (
    invoice_events[("invoice.created", i["id"])] != 1
    or invoice_events[("invoice.issued", i["id"])] != (1 if i.get("number") else 0))]
unanswered_invoices = len(invoice_requests) - len(issued)
print(f"invoices, {INVOICE_WRITERS} writers: {len(invoice_requests)} create keys, {len(invoice_made)} drafts answered, "
      f"{len(issued)} issues answered, {unanswered_invoices} never made and issued; {len(drafts_left)} drafts left")
print(f"issued invoices {len(numbers)} ({', '.join(f'{p}* up to {max(s)}' for p, s in sorted(series.items()))}); "
      f"duplicated {len(invoices_duplicated)}, lost drafts {len(invoices_lost)}, lost issues {len(issues_lost)}, "
      f"gaps {sum(len(m) for m in gaps.values())}, repeated numbers {sum(len(r) for r in repeats.values())}, "
      f"unparsed numbers {len(bad_numbers)}, invoices without exactly one created/issued event {len(events_not_once)}")
if invoice_waits:
    print(f"retried invoice requests: {len(invoice_waits)}, waited median {statistics.median(invoice_waits):.1f} s, "
          f"max {max(invoice_waits):.1f} s")
if refusals:
    print("other answers on the way: " + ", ".join(f"{step} {status} {code}: {n}" for (step, status, code), n in refusals.items()))
for prefix, missing in gaps.items():
    print(f"  gap in {prefix}: missing {missing[:20]}")
for prefix, repeated in repeats.items():
    print(f"  repeated in {prefix}: {repeated[:20]}")
print(f"server log {LOG}")
if lost or duplicated or events_wrong or invoices_duplicated or invoices_lost or issues_lost or gaps or repeats \
        or bad_numbers or events_not_once or unanswered_invoices:
    sys.exit(1)
