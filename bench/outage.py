"""A database outage under load: the server runs on a fresh PostgreSQL database while CONCURRENCY
clients send a mixed load for SECONDS (GET /parties/{id}, GET /parties?limit=20, and
POST /parties, each create with its own Idempotency-Key). In the middle of the load, for OUTAGE
seconds (5 by default), every connection of the server to its database is terminated over and
over (`pg_terminate_backend` of every backend of the database, every ~50 ms, from one persistent
psql). Then:

- the answers by phase (before / overlapping the outage / started after it), by status and by
  problem `code`; no 500 may appear: the server is to answer 503 `database_unavailable` or
  `resource_busy` with `Retry-After`;
- how long after the outage ends requests succeed again (the first success, and the last failure
  of a request started after the end);
- every create answered 201 must exist (GET by id → 200, its name);
- every create answered otherwise (a 503, no answer) must not have been committed, or, sent again
  with its Idempotency-Key until answered, must make exactly one party (parties counted by name,
  the whole list read back before and after those retries).

    python3 bench/outage.py SERVER_BINARY PG_ADMIN_URL [SECONDS] [CONCURRENCY]

PG_ADMIN_URL is a PostgreSQL URL able to create databases (postgres://postgres@127.0.0.1:5432/postgres);
the script creates a fresh database next to it, starts the server on 127.0.0.1:8191 with the README's
admin and RUST_LOG=info (its log is kept in a temporary directory, printed at the end), and drops
the database afterwards. The outage length can be set with OUTAGE_SECONDS. Needs psql. Exits
non-zero on any 500, any other 5xx than 503, a 503 without `Retry-After` or with another code, a
lost or duplicated party, or a server that died. Not part of CI."""
import collections, http.client, json, os, subprocess, sys, tempfile, threading, time, urllib.parse, uuid

BINARY, ADMIN_URL = sys.argv[1], sys.argv[2]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 20
CONCURRENCY = int(sys.argv[4]) if len(sys.argv) > 4 else 32
OUTAGE = float(os.environ.get("OUTAGE_SECONDS", "5"))
HOST, PORT = "127.0.0.1", 8191
DBNAME = f"crm_outage_{uuid.uuid4().hex[:10]}"
admin = urllib.parse.urlsplit(ADMIN_URL)
DATABASE = urllib.parse.urlunsplit(admin._replace(path="/" + DBNAME))
WORKDIR = tempfile.mkdtemp(prefix="crm-outage-")
LOG = os.path.join(WORKDIR, "server.log")
ENV = dict(os.environ, CRM_DATABASE_URL=DATABASE, CRM_LISTEN=f"{HOST}:{PORT}", CRM_RATE_LIMIT_PER_MINUTE="0",
           CRM_ADMIN_EMAIL="admin@example.com", CRM_ADMIN_PASSWORD="change me please",
           CRM_JWT_SECRET="outage-test-secret-outage-test-secret-01", RUST_LOG="info", NO_COLOR="1")


def psql(sql, url=ADMIN_URL):
    subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


def call(method, path, body=None, token=None, key=None, timeout=35):
    """(status, problem code or None, headers, parsed body); status None when no answer came."""
    conn = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    if key:
        headers["idempotency-key"] = key
    try:
        conn.request(method, "/api/v1" + path, json.dumps(body) if body is not None else None, headers)
        r = conn.getresponse()
        payload = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
    except Exception as e:
        return None, type(e).__name__, {}, None
    finally:
        conn.close()
    try:
        parsed = json.loads(payload) if payload else None
    except ValueError:
        parsed = None
    code = parsed.get("code") if isinstance(parsed, dict) and r.status >= 400 else None
    return r.status, code, hdrs, parsed


def start():
    log = open(LOG, "ab")
    server = subprocess.Popen([BINARY], env=ENV, stdout=log, stderr=log)
    for _ in range(600):
        try:
            c = http.client.HTTPConnection(HOST, PORT, timeout=1)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return server
        except Exception:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"the server did not start; see {LOG}")


def all_parties(token):
    """name -> [id], every party read back page by page."""
    names, cursor = collections.defaultdict(list), ""
    while True:
        status, code, _, page = call("GET", "/parties?limit=200&include_archived=true"
                                     + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""), token=token)
        if status != 200:
            raise SystemExit(f"reading the parties back: {status} {code}")
        for party in page["items"]:
            names[party["name"]].append(party["id"])
        cursor = page.get("next_cursor")
        if not cursor:
            return names


psql(f'CREATE DATABASE "{DBNAME}"')
terminator = None
server = None
try:
    server = start()
    token = call("POST", "/auth/token", {"email": "admin@example.com", "password": "change me please"})[3]["access_token"]
    seeds = [call("POST", "/parties", {"kind": "organization", "name": f"seed {i}"}, token)[3]["id"] for i in range(10)]

    lock = threading.Lock()
    results = []   # (start, end, op, status, code, has_retry_after)
    creates = {}   # key -> [name, first status, first code, id or None, answered at]
    retry_after_values = collections.Counter()
    stop = threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            i += 1
            pick = (n * 7 + i) % 20
            key = name = None
            t0 = time.monotonic()
            if pick < 9:
                op = "get"
                status, code, hdrs, body = call("GET", f"/parties/{seeds[i % len(seeds)]}", token=token)
            elif pick < 14:
                op = "list"
                status, code, hdrs, body = call("GET", "/parties?limit=20", token=token)
            else:
                op = "create"
                key, name = str(uuid.uuid4()), f"outage {n}-{i} {uuid.uuid4().hex[:8]}"
                status, code, hdrs, body = call("POST", "/parties", {"kind": "organization", "name": name}, token, key)
            t1 = time.monotonic()
            with lock:
                results.append((t0, t1, op, status, code, "retry-after" in hdrs))
                if status == 503:
                    retry_after_values[hdrs.get("retry-after")] += 1
                if key:
                    creates[key] = [name, status, code, body["id"] if status == 201 else None, t1]

    # The terminator: one psql session, one statement every ~50 ms during the outage.
    terminator = subprocess.Popen(["psql", ADMIN_URL, "-X", "-q", "-A", "-t"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
    terminated = 0
    kill_sql = (f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                f"WHERE datname = '{DBNAME}' AND pid <> pg_backend_pid();\n")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONCURRENCY)]
    load_start = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(max(0.0, (SECONDS - OUTAGE) / 2))
    outage_start = time.monotonic()
    while time.monotonic() - outage_start < OUTAGE:
        terminator.stdin.write(kill_sql)
        line = terminator.stdout.readline()
        terminated += int(line.strip() or 0)
        time.sleep(0.05)
    outage_end = time.monotonic()
    terminator.stdin.close()
    terminator.wait()
    time.sleep(max(0.0, load_start + SECONDS - time.monotonic()))
    stop.set()
    for t in threads:
        t.join()
    alive_after_load = server.poll() is None

    # Phases: answered before the outage, overlapping it, started after it.
    def phase(t0, t1):
        return "before" if t1 < outage_start else "after" if t0 > outage_end else "during"

    tally = {p: collections.Counter() for p in ("before", "during", "after")}
    missing_retry_after = other_503 = 0
    for t0, t1, op, status, code, retry_after in results:
        tally[phase(t0, t1)][(status, code) if status and status >= 400 else (status, None) if status else ("no answer", code)] += 1
        if status == 503:
            missing_retry_after += not retry_after
            other_503 += code not in ("database_unavailable", "resource_busy")
    after = [(t0, t1, status) for t0, t1, op, status, code, _ in results if t0 > outage_end]
    first_ok = min((t1 for t0, t1, s in after if s and s < 300), default=None)
    last_bad = max((t1 for t0, t1, s in after if not s or s >= 300), default=None)
    failures_after = sum(1 for _, _, s in after if not s or s >= 300)
    by_op = collections.Counter((op, status) for _, _, op, status, _, _ in results)

    # Read-back: every 201 exists; every other create made nothing, or exactly one party once retried.
    lost = []
    for key, (name, status, code, pid, _) in creates.items():
        if status == 201:
            s, c, _, party = call("GET", f"/parties/{pid}", token=token)
            if s != 200 or party.get("name") != name:
                lost.append((key, pid, s, c))
    unanswered = {k: v for k, v in creates.items() if v[1] != 201}
    names = all_parties(token)
    committed_anyway = [k for k, v in unanswered.items() if names.get(v[0])]
    # Sent again in the order they failed; a key still held (409) is tried again every 0.2 s.
    retry_tally, retry_waits, in_use = collections.Counter(), [], 0
    for key, (name, status, code, _, answered_at) in sorted(unanswered.items(), key=lambda kv: kv[1][4]):
        t0 = time.monotonic()
        held = False
        while True:
            s, c, hdrs, body = call("POST", "/parties", {"kind": "organization", "name": name}, token, key)
            if s is None or s in (409, 503) and c in ("idempotency_key_in_use", "database_unavailable", "resource_busy"):
                held = held or c == "idempotency_key_in_use"
                if time.monotonic() - t0 > 120:
                    break
                time.sleep(0.2)
                continue
            break
        in_use += held
        if held:
            retry_waits.append(time.monotonic() - answered_at)
        retry_tally[(s, c, hdrs.get("idempotent-replayed"))] += 1
        if s == 201:
            unanswered[key][3] = body["id"]
    names_after = all_parties(token)
    duplicated = [n for n, ids in names_after.items() if n.startswith("outage ") and len(ids) > 1]
    retried_not_one = [k for k, v in unanswered.items() if len(names_after.get(v[0], [])) != 1]
    alive = server.poll() is None
finally:
    if terminator and terminator.poll() is None:
        terminator.kill()
    if server and server.poll() is None:
        server.terminate()
        server.wait()
    try:
        psql(f'DROP DATABASE IF EXISTS "{DBNAME}" WITH (FORCE)')
    except Exception as e:
        print(f"could not drop {DBNAME}: {e}")

log = open(LOG, errors="replace").read().splitlines()
panics = [line for line in log if "panicked" in line]
log_levels = collections.Counter(w for line in log for w in ("ERROR", "WARN") if f" {w} " in line)

def fmt(counter):
    return ", ".join(f"{s}{' ' + c if c else ''}: {n}" for (s, c), n in sorted(counter.items(), key=lambda kv: str(kv[0])))

statuses = collections.Counter(s for _, _, _, s, _, _ in results)
fives = {s: n for s, n in statuses.items() if isinstance(s, int) and s >= 500 and s != 503}
print(f"{len(results)} requests from {CONCURRENCY} clients in {SECONDS:.0f} s; outage {outage_end - outage_start:.1f} s "
      f"from {outage_start - load_start:.1f} s, {terminated} backends terminated")
for p in ("before", "during", "after"):
    print(f"  {p:6s} ({sum(tally[p].values())}): {fmt(tally[p])}")
print("  by operation: " + ", ".join(f"{op} {s}: {n}" for (op, s), n in sorted(by_op.items(), key=str)))
print(f"Retry-After of the 503s: {dict(retry_after_values)}")
print(f"500s: {statuses.get(500, 0)}; other 5xx but 503: {sum(fives.values()) - fives.get(500, 0)}; "
      f"503 without Retry-After: {missing_retry_after}; 503 with another code: {other_503}")
print(f"after the outage: first success {'%.2f s' % (first_ok - outage_end) if first_ok else 'never'}, "
      f"last failure {'%.2f s' % (last_bad - outage_end) if last_bad else 'none'} ({failures_after} failures)")
print(f"creates: {len(creates)}, answered 201: {len(creates) - len(unanswered)}, lost {len(lost)}; "
      f"not answered 201: {len(unanswered)}, of which committed anyway {len(committed_anyway)}")
if unanswered:
    print(f"  retried with their key (status, code, replayed): {dict(retry_tally)}; "
          f"not exactly one party afterwards: {len(retried_not_one)}")
    if retry_waits:
        print(f"  {in_use} keys still held after their answer (409 idempotency_key_in_use): usable again "
              f"{min(retry_waits):.1f} to {max(retry_waits):.1f} s after it")
print(f"duplicated names: {len(duplicated)}; server alive after the load: {alive_after_load}, at the end: {alive}")
print(f"server log {LOG}: {len(log)} lines, ERROR {log_levels['ERROR']}, WARN {log_levels['WARN']}, panics {len(panics)}")
failed = []
if statuses.get(500):
    failed.append("500s")
if fives.keys() - {500}:
    failed.append("other 5xx")
if missing_retry_after or other_503:
    failed.append("503 without Retry-After or with another code")
if lost or duplicated or retried_not_one:
    failed.append("lost or duplicated parties")
if not alive_after_load or not alive or panics:
    failed.append("server died or panicked")
if failed:
    print("FAILED: " + "; ".join(failed))
    for key in lost[:5]:
        print("  lost:", key)
    sys.exit(1)
