"""The CRM at CRM scale, and against a raw floor, in the same run (issue 13, "Fast at CRM scale").

    python3 bench/harness.py CRM_BINARY PG_ADMIN_URL [options]

    make bench                 # builds both in release and runs every case on the standard profile
    make bench-floor           # the same, only the four cases with a floor (get, page1, deep, create)

Absolute figures on this machine drift by ±15 % from one run to the next, so the cases that have a
floor are measured as a ratio: the CRM and the floor are run alternately (A/B, then B/A, ...) for N
rounds of D seconds each, and the report gives the median of the per-round ratios CRM/floor next to
the medians of the requests/s themselves. The other cases are the CRM's own figures.

What happens:

1. A fresh PostgreSQL database is created next to PG_ADMIN_URL (dropped at the end, unless
   --keep-db).
2. Data: when the binary has a `seed` command (its `--help` is read), `crm-server seed --profile
   PROFILE` (--seed-profile, `standard` by default: 100k organizations, 200k contact persons, 1M
   activities, 200k opportunities, 100k offers, 50k orders, 200k invoices, 50 users) on the empty
   database, before the server starts (the seed migrates it and refuses a database that holds
   data); then `VACUUM ANALYZE`. The requests are made as the seeded admin `admin@seed.example`
   (password `seed password`): the server's own first admin (CRM_ADMIN_EMAIL) is only made in an
   empty users table. Without a `seed` command (or when it fails: the database is made anew), the
   server makes its first admin and --parties parties (20,000) are created through `POST
   /api/v1/parties/batch`, 100 per request; the cases that need seeded activities, opportunities
   or sales users then have little or nothing to read.
3. The CRM (CRM_BINARY, e.g. target/release/crm-server) is started on it with
   CRM_RATE_LIMIT_PER_MINUTE=0, a 2 h token lifetime (the harness signs in again when its token is
   an hour old), CRM_EVENT_RETENTION_DAYS=3650 (the seeded events are dated up to 2026-11-30 and
   span two years: with the default 30 days, the server's housekeeping deletes nearly all of them at
   its start and the feed would be nearly empty) and its default logging (`info`: a line of about
   480 bytes per request, to a file in the work directory); it migrates the database itself. The
   time from its spawn to the first 200 of `GET /ready` and its VmRSS then are reported (row "idle").
4. The floor (bench/floor, `cargo build --release --manifest-path bench/floor/Cargo.toml`) is
   started on the same database when a case with a floor is chosen.
5. The CRM and the floor are pinned to CPU 0 and wrk to CPU 1 with `taskset` (when there is one
   and the machine has 2 CPUs or more); PostgreSQL is not pinned.
6. For each wrk case, after a 2 s warm-up of each side: N rounds of wrk with C connections (64) for
   D seconds (alternating sides when there is a floor), then one run of each side at 1 connection.
   After each run the harness waits for the servers and the database's backends to be idle (the
   requests still queued when wrk stops are served after it). The server's peak RSS is reset
   (`/proc/PID/clear_refs`) before each case, so that VmHWM after it is the peak of that case (which
   cannot be below what the process holds when the case starts: the allocator keeps memory).

The cases (--cases, all by default, run in this order; the filter of the party lists is
--list-filter, `role=customer` by default, the same on both sides; `--list-filter ''` lists all):

| case | CRM (`/api/v1`), per request | floor |
|---|---|---|
| ready | not on PostgreSQL: the binary started 5 times (--ready-starts) on a fresh SQLite file (`sqlite://…?mode=rwc`, migrated at the start) and 5 times on an already migrated one, without a first admin, pinned as the CRM is (one actix worker: each more worker, one per CPU when unpinned, adds to its RSS); the time from spawn to the first 200 of `GET /ready` (polled every ms) and the server's VmRSS right then, medians | – |
| get | `GET /parties/{id}` (1,000 random parties) with a bearer token: middleware (request id, headers, CORS, rate limit check, clock, auth guard: HS256 token check and the caller's user, read from the database at most every 500 ms, deadline, idempotency pass-through), visibility by role, one `SELECT` by id through sea-orm, the row parsed into the domain `Party` (its JSON-text columns parsed and validated), mapped to the response DTO, serialized | `GET /parties/{id}`, no auth: one prepared `SELECT` by id (tokio-postgres, deadpool), the row serialized with its JSON-text columns embedded as stored |
| page1 | `GET /parties?role=customer&sort=name&limit=50`: as above, the query parsed and checked, one `SELECT … WHERE archived_at IS NULL AND roles LIKE '%"customer"%' ORDER BY name, id LIMIT 51`, 50 rows through the domain type, `next_cursor` as base64url JSON | `GET /parties?role=customer&limit=50`: the same `SELECT` (prepared), 50 rows, `next_cursor` as `name,id` |
| deep | as page1 with `cursor=` one of the 16 cursors of the pages up to page 20,000 (--deep-page), or up to the last full page when there are fewer (the report names the pages and rows), reached by following the CRM's own `next_cursor` from page 1 (base64url JSON decoded and checked), `(name, id) > ($1, $2)` | as page1 with `after=name,id` of the same rows (the last row of the page before), the same row-value condition; the first ids of the floor's pages are checked against the CRM's |
| activities | `GET /parties/{id}/activities?limit=50` of 1,000 random seeded organizations: the party read (visibility), its activities by `party_id`, newest first, a page of up to 50 | – |
| opportunities | `GET /opportunities?owner_id=…&stage_id=…&limit=50` for every sales user (`GET /users?role=sales`) and every pipeline stage (`GET /pipeline-stages`), in turn | – |
| feed | `GET /events?limit=200` and `…&after=` the cursors of the first 50 pages of the change feed (--feed-pages), collected by walking it from the start with `next_cursor` | – |
| create | `POST /parties` (no Idempotency-Key): as get, the body parsed and validated into the domain type, one transaction: the party, its history row and its `party.created` event (and whatever else the CRM writes), 201 with the party | `POST /parties`: the body parsed (not validated), one transaction: `INSERT … RETURNING` the party row and one `INSERT` into the floor's own `floor_log(id, at, data jsonb)` with the party's JSON, 201 with the row |
| offer10, offer100, offer500 | `POST /offers` with `party_id` (16 seeded customer organizations in turn) and 10, 100 or 500 lines (`description`, `quantity`, `unit_price`, `tax_rate`): validated, priced, numbered, written with its lines, history and event, 201 with the offer | – |
| convert | per iteration (--chain-runs, 20, after one not counted), one client, one connection, one request at a time: a 500-line offer created, sent (`POST /offers/{id}/send`) and accepted (`POST /offers/{id}/accept`), then timed one by one: convert (`POST /sales-orders {"offer_id"}`), confirm (`POST /sales-orders/{id}/confirm`), invoice order (`POST /invoice-orders {"sales_order_id"}`: all of the order), invoice (`POST /invoices {"invoice_order_id"}`: the draft) and issue (`POST /invoices/{id}/issue`); median and p99 ms of each step (client side, keep-alive), the server's and the database's CPU per step (schedstat, ns) | – |
| issue50 | 50 draft invoices (`POST /invoices` with `party_id` and 5 lines), then issued at once (`POST /invoices/{id}/issue`) by 50 threads, each on a connection opened beforehand, released together; in --rounds batches: the wall time of a batch (first request sent to last answer), the latency of each request, all must be 2xx, and the 50 numbers of a batch must be consecutive | – |
| mixed | a wrk script (bench/wrk_mixed.lua) over 1,000 operations in a fixed shuffled order: 70 % reads (30 % get, 20 % activities, 20 % opportunities paths of the cases above), 20 % list pages (10 % page1, 10 % deep), 10 % `POST /parties` as in create; the CRM is restarted before it (not with --no-restart), so that its peak RSS is that of this load, not what the allocator kept of the 500-line documents before | – |

Both sides of a floor case answer the same JSON fields (every column but `search_text`); the report
shows the bytes of one answer of each side per case. Both use a pool of 16 PostgreSQL connections
and actix-web's default number of workers (one per CPU it may run on: one, when pinned); both are
release builds with the same profile (thin LTO, 4 codegen units).

Reported per case: requests/s (median of the rounds) and p50/p99 at C connections (medians of the
rounds), requests/s and p50/p99 at 1 connection, the server's CPU time per request (utime+stime of
its process from /proc/PID/stat, around each round; median of the rounds), the CPU time of the
database's backends per request (the PostgreSQL processes of this database, same way), the bytes
and items of an answer (mean of up to 20 sampled), the server's peak RSS (VmHWM) during the case,
the number of non-2xx answers and socket errors. The cases with a floor also get the floor's
figures and the ratio CRM/floor, convert a table of its steps (p99 of fewer than 100 values is
their maximum), issue50 its wall times and numbers. The targets of the issue are checked at the end: idle RSS ≤ 40 MB and
ready ≤ 300 ms (SQLite), peak RSS ≤ 150 MB under the mixed load, convert and invoicing an invoice
order ≤ 50 ms (median); MB = 10^6 bytes.

The machine's load is watched: loadavg before the run, and in each round the CPU time of every
process that is neither the two servers, nor PostgreSQL, nor wrk, nor this script, as a share of
the machine ("foreign CPU"); a run whose rounds saw more than 10 % is marked busy and its figures
are a smoke test, not a measurement.

Options: --rounds N (5), --seconds D (10), --connections C (64), --latency-seconds (= D),
--seed-profile (standard), --parties (20000, without a seed), --cases (all: ready,get,page1,deep,
activities,opportunities,feed,create,offer10,offer100,offer500,convert,issue50,mixed),
--list-filter (role=customer; empty for the whole list), --deep-page (20000), --feed-pages (50),
--chain-runs (20), --ready-starts (5), --no-restart, --floor PATH (bench/floor/target/release/crm-floor),
--keep-db, --database NAME (reuse a database an earlier --keep-db run seeded), --wait-idle SECONDS (wait for the machine to be under 10 % busy first), --crm-log FILTER
(RUST_LOG for the CRM), --commit (the commit the CRM binary was built from, when it is not this
checkout's HEAD; otherwise `git rev-parse --short HEAD`, and whether the checkout has uncommitted
changes). The report (Markdown) is printed and written to report.md in the work directory. Needs
psql, wrk (Debian: apt-get install wrk) and PostgreSQL with a role that may create databases. Not
part of CI: figures are measured here, never asserted in tests.
"""
import argparse, collections, datetime, http.client, json, math, os, random, re, resource, shlex, shutil
import socket, statistics, subprocess, sys, tempfile, threading, time, urllib.parse, uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"
BOOT_ADMIN = ("admin@example.com", "change me please")   # the server's first admin, without a seed
SEED_ADMIN = ("admin@seed.example", "seed password")     # the seed's admin
JWT_SECRET = "bench-floor-secret-bench-floor-secret-0123"
CASES = ("ready", "get", "page1", "deep", "activities", "opportunities", "feed", "create", "offer10", "offer100",
         "offer500", "convert", "issue50", "mixed")
FLOOR_CASES = ("get", "page1", "deep", "create")
PAGE = 50            # rows of a party list page
FEED_PAGE = 200      # events of a feed page
CHAIN_LINES = 500
ISSUE_BATCH = 50
MB = 1_000_000
TARGETS = {"idle_rss": 40 * MB, "ready_ms": 300, "mixed_rss": 150 * MB, "convert_ms": 50, "invoice_ms": 50}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("crm_binary")
    p.add_argument("pg_admin_url")
    p.add_argument("--floor", default=os.path.join(HERE, "floor", "target", "release", "crm-floor"))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--latency-seconds", type=float, default=None)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--parties", type=int, default=20000, help="without a seed command: parties made by batch")
    p.add_argument("--seed-profile", default="standard", help="smoke, standard or large")
    p.add_argument("--cases", default=",".join(CASES), help="comma-separated, of: " + ",".join(CASES))
    p.add_argument("--list-filter", default="role=customer",
                   help="the filter of the party list cases (page1, deep), a query string; empty for none")
    p.add_argument("--deep-page", type=int, default=20000, help="the deep page (when the data has it)")
    p.add_argument("--feed-pages", type=int, default=50)
    p.add_argument("--chain-runs", type=int, default=20)
    p.add_argument("--ready-starts", type=int, default=5)
    p.add_argument("--crm-port", type=int, default=8193)
    p.add_argument("--floor-port", type=int, default=8194)
    p.add_argument("--ready-port", type=int, default=8195)
    p.add_argument("--no-restart", action="store_true",
                   help="do not restart the CRM before the mixed case (whose peak RSS then includes the cases before)")
    p.add_argument("--keep-db", action="store_true")
    p.add_argument("--database", help="measure on this existing database (one seeded and kept by an "
                   "earlier run with --keep-db) instead of a fresh one; it is kept")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="wait up to this long for the machine to be under 10 %% busy before starting")
    p.add_argument("--crm-log", metavar="FILTER", help="RUST_LOG for the CRM (default: its own, info: "
                   "a line per request, to a file)")
    p.add_argument("--commit", help="the commit the CRM binary was built from, when it is not this "
                   "checkout's HEAD (e.g. a build of a worktree)")
    args = p.parse_args()
    args.case_list = [name.strip() for name in args.cases.split(",") if name.strip()]
    unknown = [name for name in args.case_list if name not in CASES]
    if unknown or not args.case_list:
        p.error(f"unknown cases {', '.join(unknown) or '(none given)'}; the cases are {','.join(CASES)}")
    args.list_filter = args.list_filter.strip("&")
    return args


class CaseFailed(Exception):
    """A case that cannot go on (an answer that is not 2xx, data missing): reported, the run goes on."""


# --- processes and /proc ---------------------------------------------------------------------

def proc_ticks(pid):
    """utime + stime of a process, in clock ticks (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def status_kib(pid, key):
    """A `kB` field of /proc/PID/status (VmHWM, VmRSS)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def vm_hwm_kib(pid):
    return status_kib(pid, "VmHWM")


def reset_hwm(pid):
    """Sets the peak RSS (VmHWM) of a process back to its current RSS (Linux ≥ 4.0); whether it could."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def threads_cpu_ns(pid):
    """CPU time of the live threads of a process, ns (schedstat: finer than clock ticks)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def db_backends_cpu_ns(dbname):
    """{pid: CPU ns} of the PostgreSQL backends of our database."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            if not cmd.startswith("postgres:") or not re.search(rf"\s{dbname}(\s|$)", cmd):
                continue
            with open(f"/proc/{name}/schedstat") as f:
                out[int(name)] = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return out


def snapshot(dbname):
    """{pid: (class, ticks)} of every process: 'db' for a PostgreSQL backend of our database,
    'pg' for PostgreSQL's own processes (postmaster, checkpointer, WAL writer, autovacuum, ...),
    'other' for the rest, other databases' backends included."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                raw = f.read()
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        comm = raw[raw.find("(") + 1:raw.rfind(")")]
        fields = raw.rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        if comm == "postgres" or cmd.startswith("postgres:"):
            # A backend's title: `postgres: [cluster: ]user database host(port) state`.
            if re.search(rf"\s{dbname}(\s|$)", cmd):
                cls = "db"
            elif re.search(r"\S\(\d+\)\s|\[local\]", cmd):
                cls = "other"  # a backend of another database: someone else's work
            else:
                cls = "pg"     # postmaster, checkpointer, walwriter, autovacuum, ...
        else:
            cls = "other"
        out[int(name)] = (cls, ticks)
    return out


def machine_busy_ticks():
    with open("/proc/stat") as f:
        cpu = f.readline().split()[1:]
    user, nice, system = (int(x) for x in cpu[:3])
    return user + nice + system  # not irq/softirq: no process is charged for them


def machine_share(seconds):
    """The share of all CPUs busy during the next `seconds`."""
    b0 = machine_busy_ticks()
    time.sleep(seconds)
    return (machine_busy_ticks() - b0) / CLK_TCK / (seconds * os.cpu_count())


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


class Meter:
    """The CPU spent between start and stop by one server, by the backends of our database, and
    by everyone else ("foreign": what the machine spent less the servers, PostgreSQL (not other
    databases' backends), wrk and this script)."""

    def __init__(self, dbname, server_pids, pid):
        self.dbname, self.server_pids, self.pid = dbname, server_pids, pid

    def start(self):
        self.before, self.busy0 = snapshot(self.dbname), machine_busy_ticks()
        self.children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.self0 = resource.getrusage(resource.RUSAGE_SELF)
        self.t0 = time.monotonic()
        return self

    def stop(self):
        wall = time.monotonic() - self.t0
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self1 = resource.getrusage(resource.RUSAGE_SELF)
        after, busy1 = snapshot(self.dbname), machine_busy_ticks()
        by_class = {"db": 0, "pg": 0, "other": 0}
        for pid, (cls, ticks) in after.items():
            if pid in self.before and self.before[pid][0] == cls:
                by_class[cls] += ticks - self.before[pid][1]
            else:
                by_class[cls] += ticks  # started during the run
        spent = lambda pid: after.get(pid, (None, 0))[1] - self.before.get(pid, (None, 0))[1]
        children = (children1.ru_utime + children1.ru_stime - self.children0.ru_utime - self.children0.ru_stime)
        me = self1.ru_utime + self1.ru_stime - self.self0.ru_utime - self.self0.ru_stime
        servers = sum(spent(pid) for pid in self.server_pids)
        foreign = max(0.0, (busy1 - self.busy0) - servers - by_class["db"] - by_class["pg"] - (children + me) * CLK_TCK)
        return dict(wall=wall, server_ticks=spent(self.pid), db_ticks=by_class["db"],
                    foreign=foreign / CLK_TCK / (wall * os.cpu_count()))


# --- HTTP ------------------------------------------------------------------------------------

def call(port, method, path, body=None, token=None, timeout=120):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        r = conn.getresponse()
        payload = r.read()
        return r.status, payload
    finally:
        conn.close()


class Client:
    """One keep-alive connection; requests one at a time; the client-side time of each."""

    def __init__(self, port, token=None, timeout=300):
        self.port, self.token, self.timeout, self.conn = port, token, timeout, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None):
        """(status, payload, ms)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = "Bearer " + self.token
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                self.conn.connect()
            try:
                t0 = time.perf_counter()
                self.conn.request(method, path, data, headers)
                r = self.conn.getresponse()
                payload = r.read()
                ms = (time.perf_counter() - t0) * 1000
                if (r.getheader("connection") or "").lower() == "close":
                    self.close()
                return r.status, payload, ms
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection before reading the request.
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method, path, body=None):
        """The answer parsed, its size and time; CaseFailed unless it is 2xx."""
        status, payload, ms = self.request(method, path, body)
        if not 200 <= status < 300:
            raise CaseFailed(f"{method} {path} answered {status}: {payload[:400].decode(errors='replace')}")
        return (json.loads(payload) if payload else None), len(payload), ms


def wait_ready(port, proc, log, path="/ready", timeout=60, pause=0.1):
    """Polls `path` until it answers 200; the monotonic time it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if call(port, "GET", path, timeout=1)[0] == 200:
                return time.monotonic()
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(pause)
    raise SystemExit(f"the server on port {port} did not start; see {log}")


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex((HOST, port)) != 0


def psql(url, sql, capture=False):
    r = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       check=True, capture_output=True, text=True)
    return r.stdout if capture else None


def psql_column(url, sql):
    return [line for line in psql(url, sql, True).split() if line]


def terminate(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- data without a seed ---------------------------------------------------------------------

WORDS = ("Adler Berg Brücke Dach Eiche Feld Garten Hafen Insel Kamm Linde Mühle Nord Ost Quelle Ring "
         "Sand Stein Tal Ufer Wald Wiese Zeder Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay "
         "Muster Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein "
         "Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Werner").split()
SUFFIXES = ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K.", "SE", "Ltd", "S.A.", "B.V.", "OHG"]
CITIES = [("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331"), ("Köln", "50667"),
          ("Frankfurt am Main", "60311"), ("Stuttgart", "70173"), ("Leipzig", "04109")]
FIRST = "Anna Ben Clara David Emma Felix Greta Hannah Jonas Lena Max Mia Noah Paul Sofia Tim".split()


def party_body(rng, i):
    person = rng.random() < 0.3
    if person:
        name = f"{rng.choice(FIRST)} {rng.choice(WORDS)}"
    else:
        name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SUFFIXES)}"
    city, postal = rng.choice(CITIES)
    body = {
        "kind": "person" if person else "organization",
        "name": name,
        "external_id": f"bench-{i:06d}",
        "roles": rng.sample(["customer", "prospect", "supplier", "partner"], rng.randint(1, 2)),
        "email": f"contact{i}@example.com",
        "phone": f"+49 30 {rng.randint(1000000, 9999999)}",
        "payment_terms_days": rng.choice([14, 30, 60]),
        "addresses": [{"kind": "billing", "line1": f"{rng.choice(WORDS)}straße {rng.randint(1, 200)}",
                       "postal_code": postal, "city": city, "country": "DE"}],
        "tags": rng.sample(["key-account", "newsletter", "fair-2026", "north", "south", "vip"], rng.randint(0, 3)),
    }
    if not person:
        body["website"] = f"https://www.company{i}.example"
        body["vat_id"] = f"DE{rng.randint(100000000, 999999999)}"
        body["currency"] = "EUR"
        body["customer_group"] = rng.choice(["retail", "wholesale", "public"])
        if rng.random() < 0.5:
            body["credit_limit"] = f"{rng.randint(1, 500) * 1000}.00"
        if rng.random() < 0.3:
            body["bank_accounts"] = [{"iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "holder": name}]
        if rng.random() < 0.3:
            body["addresses"].append({"kind": "shipping", "line1": f"Lager {rng.randint(1, 9)}",
                                      "postal_code": postal, "city": city, "country": "DE"})
    if rng.random() < 0.2:
        body["notes"] = "Met at the fair; wants a quote for the spring range. " * rng.randint(1, 3)
    return body


def seed_by_batch(port, token, count):
    rng = random.Random(13)
    t0 = time.monotonic()
    for start in range(0, count, 100):
        items = [party_body(rng, i) for i in range(start, min(start + 100, count))]
        status, payload = call(port, "POST", "/api/v1/parties/batch", {"items": items, "all_or_none": True}, token)
        if status != 200:
            raise SystemExit(f"seeding: POST /parties/batch answered {status}: {payload[:500]!r}")
        result = json.loads(payload)
        if result.get("failed"):
            raise SystemExit(f"seeding: {result['failed']} items failed: {payload[:500]!r}")
    return time.monotonic() - t0


# --- wrk -------------------------------------------------------------------------------------

def parse_duration(value, unit):
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out):
    res = {"requests": None, "rps": None, "p50": None, "p99": None, "errors": 0, "non2xx": 0}
    m = re.search(r"(\d+) requests in", out)
    if m:
        res["requests"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if m:
        res["rps"] = float(m.group(1))
    for pct, key in (("50", "p50"), ("99", "p99")):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        if m:
            res[key] = parse_duration(m.group(1), m.group(2))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        res["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        res["errors"] = sum(int(x) for x in m.groups())
    return res


class Side:
    def __init__(self, name, port, proc, log, token, prefix):
        self.name, self.port, self.proc, self.log, self.token, self.prefix = name, port, proc, log, token, prefix


class Case:
    """A wrk case: its paths (or the kind of body it posts) per side."""

    def __init__(self, name, title, sides=("crm",), paths=None, kind="paths", notes="", **extra):
        self.name, self.title, self.sides, self.kind, self.notes = name, title, tuple(sides), kind, notes
        self.paths = paths or {}
        self.extra = extra
        self.files = {}

    def prepare(self, workdir):
        for side, paths in self.paths.items():
            path = os.path.join(workdir, f"{self.name}-{side}.paths")
            with open(path, "w") as f:
                f.write("\n".join(paths) + "\n")
            self.files[side] = path
        if self.kind == "offer":
            self.files["parties"] = os.path.join(workdir, f"{self.name}.parties")
            with open(self.files["parties"], "w") as f:
                f.write("\n".join(self.extra["parties"]) + "\n")
        if self.kind == "mixed":
            self.files["mix"] = os.path.join(workdir, "mixed.ops")
            with open(self.files["mix"], "w") as f:
                f.write("\n".join(self.extra["ops"]) + "\n")

    def script(self, side):
        return os.path.join(HERE, {"paths": "wrk_paths.lua", "create": "wrk_create.lua", "offer": "wrk_offer.lua",
                                   "mixed": "wrk_mixed.lua"}[self.kind])

    def script_args(self, side):
        if self.kind == "create":
            return [side.prefix + "/parties", f"wrk {side.name} {uuid.uuid4().hex[:6]}"]
        if self.kind == "offer":
            return [side.prefix + "/offers", str(self.extra["lines"]), self.files["parties"]]
        if self.kind == "mixed":
            return [self.files["mix"], side.prefix + "/parties", f"mixed {uuid.uuid4().hex[:6]}"]
        return [self.files[side.name]]

    def sample(self, side):
        """(mean bytes, mean items or None) of up to 20 answers; CaseFailed on one not 2xx."""
        client = Client(side.port, side.token)
        try:
            if self.kind == "create":
                _, size, _ = client.json("POST", side.prefix + "/parties", {
                    "kind": "organization", "name": f"size probe {side.name}", "roles": ["customer"],
                    "email": "probe@wrk.example", "phone": "+49 30 1234567", "website": "https://probe.example",
                    "currency": "EUR", "payment_terms_days": 14, "customer_group": "wholesale",
                    "addresses": [{"kind": "billing", "line1": "Hauptstr. 1", "city": "Berlin",
                                   "postal_code": "10115", "country": "DE"}], "tags": ["wrk", "bench"]})
                return size, None
            if self.kind == "offer":
                body = offer_body(self.extra["parties"][0], self.extra["lines"])
                answer, size, _ = client.json("POST", side.prefix + "/offers", body)
                if len(answer.get("lines", ())) != self.extra["lines"]:
                    raise CaseFailed(f"POST /offers: {len(answer.get('lines', ()))} lines answered, "
                                     f"{self.extra['lines']} sent")
                return size, None
            if self.kind == "mixed":
                return None, None
            sizes, items = [], []
            for path in self.paths[side.name][:20]:
                answer, size, _ = client.json("GET", path)
                sizes.append(size)
                if isinstance(answer, dict) and isinstance(answer.get("items"), list):
                    items.append(len(answer["items"]))
            return statistics.mean(sizes), (statistics.mean(items) if items else None)
        finally:
            client.close()


class Bench:
    def __init__(self, args, dbname, pin, workdir, database_url):
        self.args, self.dbname, self.pin, self.workdir, self.database_url = args, dbname, pin, workdir, database_url
        self.sides = {}
        self.token_at = 0.0
        self.foreign = []  # the foreign CPU share of every measured run

    def server_pids(self):
        return [side.proc.pid for side in self.sides.values()]

    def meter(self, side):
        return Meter(self.dbname, self.server_pids(), side.proc.pid).start()

    def login(self, force=False):
        """A fresh token for the CRM when the one it has is an hour old (they last 2 h)."""
        if not force and time.monotonic() - self.token_at < 3600:
            return
        crm = self.sides["crm"]
        status, payload = call(crm.port, "POST", "/api/v1/auth/token", {"email": self.admin[0], "password": self.admin[1]})
        if status != 200:
            raise SystemExit(f"login as {self.admin[0]}: {status} {payload[:300]!r}")
        crm.token = json.loads(payload)["access_token"]
        self.token_at = time.monotonic()

    def busy_ns(self):
        return (sum(threads_cpu_ns(pid) for pid in self.server_pids())
                + sum(db_backends_cpu_ns(self.dbname).values()))

    def settle(self, timeout=60):
        """Waits until the servers and the database's backends are idle: the requests a run leaves
        queued when wrk stops (up to C of them, seconds of work for a 500-line offer) are still
        served after it, and would otherwise be charged to the next run."""
        deadline, before = time.monotonic() + timeout, self.busy_ns()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = self.busy_ns()
            if now - before < 4_000_000:  # under 2 % of a CPU
                return
            before = now
        print(f"    ! the servers were still busy {timeout} s after a run", flush=True)

    def wrk(self, side, case, connections, seconds, latency=True):
        """One wrk run against one side; the run's figures and the CPU spent by everyone."""
        url = f"http://{HOST}:{side.port}"
        cmd = (["taskset", "-c", "1"] if self.pin else []) + ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s",
                                                             "--timeout", "30s"]
        if latency:
            cmd.append("--latency")
        if side.token:
            cmd += ["-H", f"Authorization: Bearer {side.token}"]
        cmd += ["-s", case.script(side), url, "--"] + case.script_args(side)
        meter = self.meter(side)
        r = subprocess.run(cmd, capture_output=True, text=True)
        used = meter.stop()
        if r.returncode != 0:
            raise SystemExit(f"wrk failed ({r.returncode}): {r.stderr}\n{r.stdout}")
        self.settle()
        res = parse_wrk(r.stdout)
        if not res["requests"]:
            raise SystemExit(f"no requests counted in wrk's output:\n{r.stdout}\n{r.stderr}")
        if side.proc.poll() is not None:
            raise SystemExit(f"{side.name} died during {case.name}; see {side.log}")
        res.update(
            wall=used["wall"],
            server_cpu_us=used["server_ticks"] / CLK_TCK / res["requests"] * 1e6,
            db_cpu_us=used["db_ticks"] / CLK_TCK / res["requests"] * 1e6,
            foreign=used["foreign"],
            stdout=r.stdout,
        )
        if res["errors"] or res["non2xx"]:
            print(f"    ! {side.name} {case.name}: {res['non2xx']} non-2xx answers, {res['errors']} socket errors "
                  f"({connections} connections)", flush=True)
        return res


def fmt_int(x):
    return "–" if x is None else f"{x:,.0f}"


def fmt_ms(x):
    return "–" if x is None else (f"{x:.2f}" if x < 10 else f"{x:.1f}")


def fmt_pair(a, b):
    return f"{fmt_ms(a)} / {fmt_ms(b)}"


def fmt_mib(kib):
    return "–" if kib is None else f"{kib / 1024:.0f}"


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, pct):
    """Nearest rank: the maximum for p99 of fewer than 100 values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)] if ordered else None


def row(case, title, **figures):
    base = dict(case=case, title=title, rps=None, p50=None, p99=None, rps1=None, p50_1=None, p99_1=None, cpu=None,
                db=None, bytes=None, items=None, rss=None, notes="", bad=0)
    base.update(figures)
    return base


# --- the cases' data -------------------------------------------------------------------------

def offer_body(party_id, lines):
    return {"party_id": party_id, "lines": [
        {"description": f"Item {n}", "quantity": str(n % 7 + 1), "unit_price": f"{n % 90 + 10}.99", "tax_rate": "19"}
        for n in range(1, lines + 1)]}


class Data:
    """What the cases request, collected once, when a case first needs it."""

    def __init__(self, bench):
        self.bench, self.cache = bench, {}

    def once(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def client(self):
        crm = self.bench.sides["crm"]
        return Client(crm.port, crm.token)

    def party_ids(self):
        return self.once("parties", lambda: psql_column(
            self.bench.database_url, "SELECT id FROM parties ORDER BY random() LIMIT 1000"))

    def organizations(self):
        """Customer organizations (offers, invoices): 1,000 at random."""
        def make():
            ids = psql_column(self.bench.database_url,
                              "SELECT id FROM parties WHERE kind = 'organization' AND archived_at IS NULL "
                              "AND currency IS NOT NULL AND roles LIKE '%\"customer\"%' ORDER BY random() LIMIT 1000")
            if not ids:
                raise CaseFailed("no customer organization with a currency in the data")
            return ids
        return self.once("organizations", make)

    def list_query(self, crm):
        """The list's query string, filter first (the CRM's with sort=name, the floor's sorts by name)."""
        parts = [self.bench.args.list_filter] if self.bench.args.list_filter else []
        parts += ["sort=name"] if crm else []
        return "&".join(parts + [f"limit={PAGE}"])

    def page1(self):
        return {"crm": f"/api/v1/parties?{self.list_query(True)}", "floor": f"/parties?{self.list_query(False)}"}

    def deep(self):
        return self.once("deep", self.walk_deep)

    def walk_deep(self):
        """Follows the CRM's next_cursor from page 1 to --deep-page, or to the last page; the 16
        pages up to it (the last full page when the list ends before), for both sides."""
        target, keep = self.bench.args.deep_page, 16
        first = self.page1()["crm"]
        client = self.client()
        window = collections.deque(maxlen=keep + 1)
        cursor, prev_last, page, t0 = None, None, 0, time.monotonic()
        try:
            while True:
                page += 1
                path = first + (f"&cursor={urllib.parse.quote(cursor, safe='')}" if cursor else "")
                answer, _, _ = client.json("GET", path)
                items = answer["items"]
                window.append(dict(page=page, crm=path, after=prev_last, n=len(items),
                                   first=items[0]["id"] if items else None))
                if items:
                    prev_last = (items[-1]["name"], items[-1]["id"])
                cursor = answer.get("next_cursor")
                if page % 2000 == 0:
                    print(f"  walking the list: page {page:,} ({time.monotonic() - t0:.0f} s)", flush=True)
                if not cursor or page >= target:
                    break
        finally:
            client.close()
        ended = not cursor
        pages = list(window)
        if ended and len(pages) > 1 and pages[-1]["n"] < PAGE:
            pages = pages[:-1]  # the last page, not full
        pages = [p for p in pages if p["page"] > 1][-keep:]
        if not pages:
            raise CaseFailed(f"the list {first} has one page only: no deep page")
        floor_first = f"/parties?{self.list_query(False)}"
        for p in pages:
            p["floor"] = floor_first + "&after=" + urllib.parse.quote(f"{p['after'][0]},{p['after'][1]}", safe="")
        total = f"{page:,} pages ({(page - 1) * PAGE + window[-1]['n']:,} rows)" if ended else f"at least {page:,} pages"
        lo, hi = pages[0]["page"], pages[-1]["page"]
        note = (f"pages {lo:,}–{hi:,} (rows {(lo - 1) * PAGE + 1:,}–{hi * PAGE:,}) of {total}, walked in "
                f"{time.monotonic() - t0:.0f} s" + ("" if hi == target else f"; page {target:,} not in the data"))
        print(f"  deep: {note}", flush=True)
        return dict(crm=[p["crm"] for p in pages], floor=[p["floor"] for p in pages],
                    firsts=[p["first"] for p in pages], note=note, pages=(lo, hi))

    def activity_paths(self):
        def make():
            orgs = psql_column(self.bench.database_url,
                               "SELECT id FROM parties WHERE kind = 'organization' ORDER BY random() LIMIT 1000")
            if not orgs:
                raise CaseFailed("no organizations in the data")
            return [f"/api/v1/parties/{org}/activities?limit={PAGE}" for org in orgs]
        return self.once("activities", make)

    def all_pages(self, client, path):
        items, cursor = [], None
        while True:
            answer, _, _ = client.json("GET", path + (f"&cursor={urllib.parse.quote(cursor, safe='')}" if cursor else ""))
            items += answer["items"]
            cursor = answer.get("next_cursor")
            if not cursor:
                return items

    def opportunity_paths(self):
        def make():
            client = self.client()
            try:
                users = self.all_pages(client, "/api/v1/users?role=sales&limit=200")
                stages = self.all_pages(client, "/api/v1/pipeline-stages?limit=200")
            finally:
                client.close()
            if not users or not stages:
                raise CaseFailed(f"{len(users)} sales users and {len(stages)} pipeline stages: no opportunity lists")
            paths = [f"/api/v1/opportunities?owner_id={u['id']}&stage_id={s['id']}&limit={PAGE}"
                     for u in users for s in stages]
            random.Random(13).shuffle(paths)
            return dict(paths=paths, note=f"{len(users)} sales users × {len(stages)} stages")
        return self.once("opportunities", make)

    def feed(self):
        def make():
            client, paths, after, t0 = self.client(), [], None, time.monotonic()
            try:
                while len(paths) < self.bench.args.feed_pages:
                    path = f"/api/v1/events?limit={FEED_PAGE}" + (
                        f"&after={urllib.parse.quote(after, safe='')}" if after else "")
                    answer, _, _ = client.json("GET", path)
                    if not answer["items"]:
                        break
                    paths.append((path, len(answer["items"])))
                    after = answer.get("next_cursor")
                    if len(answer["items"]) < FEED_PAGE or not after:
                        break
            finally:
                client.close()
            if not paths:
                raise CaseFailed("the feed is empty")
            full = [p for p, n in paths if n == FEED_PAGE] or [p for p, _ in paths]
            return dict(paths=full, note=f"pages 1–{len(full)} of the feed from the start"
                                         f"{'' if len(paths) == len(full) else ' (of ' + str(len(paths)) + ')'}, "
                                         f"walked in {time.monotonic() - t0:.1f} s")
        return self.once("feed", make)

    def mixed_ops(self):
        rng = random.Random(13)
        pick = lambda paths, n: [f"GET {rng.choice(paths)}" for _ in range(n)]
        ops = (pick([f"/api/v1/parties/{i}" for i in self.party_ids()], 300)
               + pick(self.activity_paths(), 200)
               + pick(self.opportunity_paths()["paths"], 200)
               + pick([self.page1()["crm"]], 100)
               + pick(self.deep()["crm"], 100)
               + ["POST"] * 100)
        rng.shuffle(ops)
        return ops


# --- wrk cases -------------------------------------------------------------------------------

def wrk_case(bench, data, name):
    crm_list = data.page1()["crm"].replace("/api/v1", "")
    if name == "get":
        ids = data.party_ids()
        return Case("get", "party by id", ("crm", "floor"), {"crm": [f"/api/v1/parties/{i}" for i in ids],
                                                            "floor": [f"/parties/{i}" for i in ids]},
                    notes=f"{len(ids):,} random parties")
    if name == "page1":
        paths = data.page1()
        return Case("page1", f"list page 1 ({crm_list})", ("crm", "floor"), {k: [v] for k, v in paths.items()},
                    notes=f"floor: {paths['floor']}")
    if name == "deep":
        deep = data.deep()
        return Case("deep", f"list deep page (cursor), pages {deep['pages'][0]:,}–{deep['pages'][1]:,}",
                    ("crm", "floor"), {"crm": deep["crm"], "floor": deep["floor"]}, notes=deep["note"],
                    firsts=deep["firsts"])
    if name == "activities":
        return Case("activities", "a party's activities (organizations, limit 50)", paths={"crm": data.activity_paths()},
                    notes="1,000 random organizations")
    if name == "opportunities":
        opps = data.opportunity_paths()
        return Case("opportunities", "opportunities by owner and stage (limit 50)", paths={"crm": opps["paths"]},
                    notes=opps["note"])
    if name == "feed":
        feed = data.feed()
        return Case("feed", f"the feed, {FEED_PAGE} events a page (after=)", paths={"crm": feed["paths"]},
                    notes=feed["note"])
    if name == "create":
        return Case("create", "create a party", ("crm", "floor"), kind="create")
    if name.startswith("offer"):
        lines = int(name[len("offer"):])
        return Case(name, f"create an offer of {lines} lines", kind="offer", lines=lines,
                    parties=data.organizations()[:16], notes="16 customer organizations in turn")
    if name == "mixed":
        return Case("mixed", "mixed load (70 % reads, 20 % list pages, 10 % creates)", kind="mixed",
                    ops=data.mixed_ops(), notes="30 % get, 20 % activities, 20 % opportunities, 10 % page 1, "
                                                "10 % deep pages, 10 % create party")
    raise AssertionError(name)


def run_wrk_case(bench, case):
    args = bench.args
    sides = {name: bench.sides[name] for name in case.sides}
    latency_seconds = args.latency_seconds or args.seconds
    samples = {name: case.sample(side) for name, side in sides.items()}
    if "firsts" in case.extra or case.name == "page1":
        # The floor answers the same pages as the CRM (same keyset order, same filter).
        firsts = {}
        for name, side in sides.items():
            client = Client(side.port, side.token)
            try:
                firsts[name] = [(client.json("GET", p)[0]["items"] or [{}])[0].get("id") for p in case.paths[name]]
            finally:
                client.close()
        if firsts["crm"] != firsts["floor"]:
            raise CaseFailed("the CRM's and the floor's pages differ (first ids), so their filters or orders do")
    size_text = ", ".join(f"{name} {fmt_int(b)}" + ("" if i is None else f" ({i:.1f} items)")
                          for name, (b, i) in samples.items() if b is not None)
    print(f"\n{case.title}: bytes per answer {size_text or '–'}; {case.notes}; loadavg {loadavg()[0]:.2f}", flush=True)
    bench.settle()
    for side in sides.values():
        reset_hwm(side.proc.pid)
    for side in sides.values():
        bench.wrk(side, case, args.connections, 2)  # warm-up
    rounds = []
    for n in range(args.rounds):
        order = list(sides) if n % 2 == 0 else list(reversed(sides))
        got = {name: bench.wrk(sides[name], case, args.connections, args.seconds) for name in order}
        bench.foreign += [g["foreign"] for g in got.values()]
        ratio = got["crm"]["rps"] / got["floor"]["rps"] if "floor" in got else None
        rounds.append((got, ratio))
        print(f"  round {n + 1} ({'/'.join(order)}): " + ", ".join(
            f"{name} {g['rps']:,.0f}/s p50 {fmt_ms(g['p50'])} p99 {fmt_ms(g['p99'])} ms CPU µs/req "
            f"{g['server_cpu_us']:.0f} (db {g['db_cpu_us']:.0f})" for name, g in got.items())
              + (f", CRM/floor {ratio:.3f}" if ratio else "")
              + f"; foreign CPU {100 * max(g['foreign'] for g in got.values()):.0f} %", flush=True)
    lat = {}
    for name in (list(sides) if args.rounds % 2 == 0 else list(reversed(sides))):
        lat[name] = bench.wrk(sides[name], case, 1, latency_seconds)
    print("  1 connection: " + ", ".join(f"{name} {g['rps']:,.0f}/s p50 {fmt_ms(g['p50'])} ms p99 {fmt_ms(g['p99'])} ms"
                                        for name, g in lat.items()), flush=True)
    med = lambda side, key: median_of(got[side][key] for got, _ in rounds)
    rss = {name: vm_hwm_kib(side.proc.pid) for name, side in sides.items()}
    bad = {name: sum(got[name]["non2xx"] + got[name]["errors"] for got, _ in rounds)
           + lat[name]["non2xx"] + lat[name]["errors"] for name in sides}
    figures = {name: dict(rps=med(name, "rps"), p50=med(name, "p50"), p99=med(name, "p99"), rps1=lat[name]["rps"],
                          p50_1=lat[name]["p50"], p99_1=lat[name]["p99"], cpu=med(name, "server_cpu_us"),
                          db=med(name, "db_cpu_us"), bytes=samples[name][0], items=samples[name][1], rss=rss[name],
                          bad=bad[name]) for name in sides}
    notes = case.notes
    if bad.get("floor"):
        notes += f"; the floor: {bad['floor']} non-2xx answers or socket errors"
    if case.name == "mixed" and rss["crm"] is not None:
        notes += f"; peak RSS {rss['crm'] * 1024 / MB:.0f} MB (target ≤ {TARGETS['mixed_rss'] // MB} MB)"
    result = dict(rows=[row(case.name, case.title, notes=notes, **figures["crm"])], rounds=rounds)
    if "floor" in sides:
        ratios = [r for _, r in rounds]
        result["floor"] = dict(case=case, figures=figures, ratio=statistics.median(ratios),
                               ratio_range=(min(ratios), max(ratios)))
    return result


# --- convert: the chain of a 500-line document -----------------------------------------------

CHAIN_STEPS = ("create offer (500 lines)", "convert (POST /sales-orders)", "confirm the order",
               "invoice order (POST /invoice-orders)", "invoice (POST /invoices from the invoice order)",
               "issue the invoice")


def run_convert(bench, data):
    """Offer → order → invoice order → invoice → issue, one request at a time, each step timed."""
    crm = bench.sides["crm"]
    party = data.organizations()[0]
    body = offer_body(party, CHAIN_LINES)
    client = Client(crm.port, crm.token)
    times = {step: [] for step in CHAIN_STEPS}
    cpu = {step: [] for step in CHAIN_STEPS}
    db = {step: [] for step in CHAIN_STEPS}
    sizes = {}
    print(f"\nconvert: {bench.args.chain_runs} chains of a {CHAIN_LINES}-line document (one more first, not counted); "
          f"loadavg {loadavg()[0]:.2f}", flush=True)
    bench.settle()
    reset_hwm(crm.proc.pid)
    meter = bench.meter(crm)

    def step(name, method, path, payload, counted):
        srv0, db0 = threads_cpu_ns(crm.proc.pid), db_backends_cpu_ns(bench.dbname)
        answer, size, ms = client.json(method, path, payload)
        srv1, db1 = threads_cpu_ns(crm.proc.pid), db_backends_cpu_ns(bench.dbname)
        if counted and name:
            times[name].append(ms)
            cpu[name].append((srv1 - srv0) / 1000)
            db[name].append(sum(ns - db0.get(pid, 0) for pid, ns in db1.items()) / 1000)
            sizes[name] = size
        return answer

    try:
        for run in range(bench.args.chain_runs + 1):
            counted = run > 0
            offer = step(CHAIN_STEPS[0], "POST", "/api/v1/offers", body, counted)
            step(None, "POST", f"/api/v1/offers/{offer['id']}/send", None, counted)
            step(None, "POST", f"/api/v1/offers/{offer['id']}/accept", None, counted)
            order = step(CHAIN_STEPS[1], "POST", "/api/v1/sales-orders", {"offer_id": offer["id"]}, counted)
            step(CHAIN_STEPS[2], "POST", f"/api/v1/sales-orders/{order['id']}/confirm", None, counted)
            invoice_order = step(CHAIN_STEPS[3], "POST", "/api/v1/invoice-orders", {"sales_order_id": order["id"]},
                                 counted)
            invoice = step(CHAIN_STEPS[4], "POST", "/api/v1/invoices", {"invoice_order_id": invoice_order["id"]},
                           counted)
            if len(invoice.get("lines", ())) != CHAIN_LINES:
                raise CaseFailed(f"the invoice of a {CHAIN_LINES}-line order has {len(invoice.get('lines', ()))} lines")
            step(CHAIN_STEPS[5], "POST", f"/api/v1/invoices/{invoice['id']}/issue", None, counted)
    finally:
        client.close()
        used = meter.stop()
        bench.foreign.append(used["foreign"])
    rss = vm_hwm_kib(crm.proc.pid)
    rows = []
    convert_sum = [a + b for a, b in zip(times[CHAIN_STEPS[1]], times[CHAIN_STEPS[2]])]
    for name in CHAIN_STEPS:
        values = times[name]
        note = ""
        if name == CHAIN_STEPS[1]:
            note = (f"target ≤ {TARGETS['convert_ms']} ms; with the confirm: median "
                    f"{fmt_ms(statistics.median(convert_sum))} ms, p99 {fmt_ms(percentile(convert_sum, 99))} ms")
        elif name == CHAIN_STEPS[4]:
            note = f"target ≤ {TARGETS['invoice_ms']} ms"
        print(f"  {name:50s} median {fmt_ms(statistics.median(values)):>6} ms  p99 {fmt_ms(percentile(values, 99)):>6} ms"
              f"  server CPU {statistics.median(cpu[name]) / 1000:.1f} ms  db CPU {statistics.median(db[name]) / 1000:.1f} ms",
              flush=True)
        rows.append(row("convert", f"convert: {name}", rps1=1000 / statistics.mean(values),
                        p50_1=statistics.median(values), p99_1=percentile(values, 99), cpu=statistics.median(cpu[name]),
                        db=statistics.median(db[name]), bytes=sizes.get(name), rss=rss, notes=note))
    return dict(rows=rows, chain=dict(times=times, convert_sum=convert_sum, cpu=cpu, db=db, runs=bench.args.chain_runs))


# --- issue50: 50 invoices issued at once ------------------------------------------------------

def run_issue50(bench, data):
    crm = bench.sides["crm"]
    orgs = data.organizations()
    batches = max(1, bench.args.rounds)
    print(f"\nissue50: {batches} batches of {ISSUE_BATCH} drafts issued at once; loadavg {loadavg()[0]:.2f}", flush=True)
    reset_hwm(crm.proc.pid)
    walls, latencies, results, cpu_us, db_us, failures = [], [], [], [], [], []
    meter = bench.meter(crm)
    try:
        for batch in range(batches):
            client = Client(crm.port, crm.token)
            try:
                drafts = []
                for n in range(ISSUE_BATCH):
                    lines = [{"description": f"Service {k}", "quantity": str(k), "unit_price": "49.50", "tax_rate": "19"}
                             for k in range(1, 6)]
                    draft, _, _ = client.json("POST", "/api/v1/invoices", {"party_id": orgs[n % len(orgs)], "lines": lines})
                    drafts.append(draft["id"])
            finally:
                client.close()
            conns = []
            for _ in drafts:
                conn = http.client.HTTPConnection(HOST, crm.port, timeout=120)
                conn.connect()
                conns.append(conn)
            barrier = threading.Barrier(len(drafts))
            out = [None] * len(drafts)

            def issue(i):
                barrier.wait()
                t0 = time.perf_counter()
                try:
                    conns[i].request("POST", f"/api/v1/invoices/{drafts[i]}/issue", None,
                                     {"authorization": "Bearer " + crm.token, "content-type": "application/json"})
                    r = conns[i].getresponse()
                    payload = r.read()
                    out[i] = (t0, time.perf_counter(), r.status, payload)
                except OSError as e:
                    out[i] = (t0, time.perf_counter(), None, str(e).encode())
                finally:
                    conns[i].close()

            bench.settle()
            srv0, db0 = threads_cpu_ns(crm.proc.pid), db_backends_cpu_ns(bench.dbname)
            threads = [threading.Thread(target=issue, args=(i,)) for i in range(len(drafts))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            cpu_us.append((threads_cpu_ns(crm.proc.pid) - srv0) / 1000 / len(drafts))
            db_us.append(sum(ns - db0.get(pid, 0) for pid, ns in db_backends_cpu_ns(bench.dbname).items())
                         / 1000 / len(drafts))
            wall = (max(o[1] for o in out) - min(o[0] for o in out)) * 1000
            walls.append(wall)
            latencies += [(o[1] - o[0]) * 1000 for o in out]
            bad = [o for o in out if o[2] is None or not 200 <= o[2] < 300]
            for o in bad:
                failures.append(f"{o[2]} {o[3][:200].decode(errors='replace')}")
            numbers = [json.loads(o[3]).get("number") for o in out if o not in bad]
            parsed = [re.fullmatch(r"(.*?)(\d+)", n or "") for n in numbers]
            consecutive = (not bad and all(parsed) and len({m.group(1) for m in parsed}) == 1
                           and sorted(int(m.group(2)) for m in parsed)
                           == list(range(min(int(m.group(2)) for m in parsed),
                                         min(int(m.group(2)) for m in parsed) + len(parsed))))
            span = f"{min(numbers)}…{max(numbers)}" if numbers and all(numbers) else "numbers missing"
            results.append(dict(wall=wall, ok=len(out) - len(bad), consecutive=consecutive, span=span))
            print(f"  batch {batch + 1}: {len(out) - len(bad)}/{len(out)} issued in {wall:.0f} ms, {span}, "
                  f"{'consecutive' if consecutive else 'NOT consecutive'}", flush=True)
    finally:
        used = meter.stop()
        bench.foreign.append(used["foreign"])
    rss = vm_hwm_kib(crm.proc.pid)
    all_ok = all(r["ok"] == ISSUE_BATCH for r in results) and all(r["consecutive"] for r in results)
    note = (f"wall of a batch: median {statistics.median(walls):.0f} ms (" + ", ".join(f"{w:.0f}" for w in walls)
            + f"); max latency {max(latencies):.0f} ms; {sum(r['ok'] for r in results)}/{ISSUE_BATCH * len(results)} "
            f"2xx; numbers {'consecutive in every batch' if all_ok else 'NOT consecutive or missing'} ("
            + "; ".join(r["span"] for r in results) + ")")
    if failures:
        note += "; failures: " + " | ".join(failures[:3])
    figures = dict(rps=ISSUE_BATCH / (statistics.median(walls) / 1000), p50=percentile(latencies, 50),
                   p99=percentile(latencies, 99), cpu=statistics.median(cpu_us), db=statistics.median(db_us), rss=rss, bad=len(failures), notes=note)
    return dict(rows=[row("issue50", f"{ISSUE_BATCH} invoices issued at once ({ISSUE_BATCH} connections)", **figures)],
                issue=dict(walls=walls, latencies=latencies, results=results, ok=all_ok))


# --- ready: start time and idle RSS on SQLite -------------------------------------------------

def run_ready(bench):
    args = bench.args
    if not port_free(args.ready_port):
        raise CaseFailed(f"port {args.ready_port} is taken")
    pin = ["taskset", "-c", "0"] if bench.pin else []
    log_path = os.path.join(bench.workdir, "ready.log")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_") and k != "RUST_LOG"}
    base_env.update(CRM_LISTEN=f"{HOST}:{args.ready_port}", CRM_JWT_SECRET=JWT_SECRET, NO_COLOR="1")
    print(f"\nready: {args.ready_starts} starts on a fresh SQLite file and {args.ready_starts} on a migrated one; "
          f"loadavg {loadavg()[0]:.2f}", flush=True)

    def start(db_file):
        env = dict(base_env, CRM_DATABASE_URL=f"sqlite://{db_file}?mode=rwc")
        with open(log_path, "ab") as log:
            t0 = time.monotonic()
            proc = subprocess.Popen(pin + [args.crm_binary], env=env, stdout=log, stderr=log)
        try:
            ready = wait_ready(args.ready_port, proc, log_path, timeout=60, pause=0.001)
            rss = status_kib(proc.pid, "VmRSS")
            return (ready - t0) * 1000, rss
        finally:
            terminate(proc)

    # The poller on the other CPU than the server's, as wrk is.
    mask = os.sched_getaffinity(0)
    if bench.pin:
        os.sched_setaffinity(0, {1})
    rows, figures = [], {}
    try:
        for kind in ("fresh", "migrated"):
            runs = []
            migrated = os.path.join(bench.workdir, "ready-migrated.db")
            if kind == "migrated":
                env = dict(base_env, CRM_DATABASE_URL=f"sqlite://{migrated}?mode=rwc")
                subprocess.run([args.crm_binary, "migrate"], env=env, check=True, capture_output=True)
            for n in range(args.ready_starts):
                db_file = os.path.join(bench.workdir, f"ready-fresh-{n}.db") if kind == "fresh" else migrated
                runs.append(start(db_file))
                time.sleep(0.2)
            ms = [r[0] for r in runs]
            rss = [r[1] for r in runs if r[1] is not None]
            figures[kind] = dict(ms=statistics.median(ms), rss=median_of(rss), all=runs)
            print(f"  {kind}: ready in " + ", ".join(f"{m:.0f}" for m in ms) + f" ms (median {statistics.median(ms):.0f});"
                  f" VmRSS " + ", ".join(f"{r / 1024:.1f}" for r in rss) + " MiB", flush=True)
            rows.append(row("ready", f"ready, SQLite, {kind} database", rss=median_of(rss),
                            notes=f"spawn → first 200 of GET /ready: median {statistics.median(ms):.0f} ms "
                                  f"({min(ms):.0f}–{max(ms):.0f}) of {len(ms)} starts (target ≤ {TARGETS['ready_ms']} ms); "
                                  f"VmRSS then: median {median_of(rss) * 1024 / MB:.1f} MB "
                                  f"(target ≤ {TARGETS['idle_rss'] // MB} MB)"))
    finally:
        os.sched_setaffinity(0, mask)
    return dict(rows=rows, ready=figures)


# --- the run ---------------------------------------------------------------------------------

def main():
    args = parse_args()
    for tool in ("psql", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (Debian: apt-get install {'wrk' if tool == 'wrk' else 'postgresql-client'})")
    want_floor = any(name in FLOOR_CASES for name in args.case_list)
    for binary in [args.crm_binary] + ([args.floor] if want_floor else []):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary} is not an executable (build it first: see the docstring)")
    for port in (args.crm_port, args.floor_port) if want_floor else (args.crm_port,):
        if not port_free(port):
            raise SystemExit(f"port {port} is taken")
    if args.commit:
        commit, dirty = args.commit, ""
    else:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or "unknown"
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
    busy_before = machine_share(2)
    waited = 0.0
    while busy_before > 0.10 and waited < args.wait_idle:
        print(f"the machine is {100 * busy_before:.0f} % busy; waiting for it to be idle", flush=True)
        time.sleep(8)
        waited += 10
        busy_before = machine_share(2)
    load_before = loadavg()
    pin = bool(shutil.which("taskset")) and len(os.sched_getaffinity(0)) >= 2
    workdir = tempfile.mkdtemp(prefix="crm-bench-")
    dbname = args.database or f"crm_bench_{uuid.uuid4().hex[:10]}"
    if args.database:
        args.keep_db = True
    admin = urllib.parse.urlsplit(args.pg_admin_url)
    database_url = urllib.parse.urlunsplit(admin._replace(path="/" + dbname))
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"commit {commit}{' (with uncommitted changes)' if dirty else ''}, {started}, "
          f"loadavg before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, machine "
          f"{100 * busy_before:.0f} % busy, {os.cpu_count()} CPUs, "
          f"pinned: {'servers on CPU 0, wrk on CPU 1' if pin else 'no'}; work dir {workdir}; "
          f"cases {','.join(args.case_list)}", flush=True)

    if not args.database:
        psql(args.pg_admin_url, f'CREATE DATABASE "{dbname}"')
    procs = []
    try:
        pin_server = ["taskset", "-c", "0"] if pin else []
        crm_log = os.path.join(workdir, "crm.log")
        env = dict(os.environ, CRM_DATABASE_URL=database_url, CRM_LISTEN=f"{HOST}:{args.crm_port}",
                   CRM_RATE_LIMIT_PER_MINUTE="0", CRM_JWT_SECRET=JWT_SECRET, CRM_TOKEN_TTL_SECONDS="7200",
                   CRM_EVENT_RETENTION_DAYS="3650", NO_COLOR="1")
        env.pop("RUST_LOG", None)
        if args.crm_log:
            env["RUST_LOG"] = args.crm_log

        # Data first: the seed wants an empty database (it migrates it itself).
        helptext = subprocess.run([args.crm_binary, "--help"], capture_output=True, text=True).stdout
        seeded, admin_login = None, SEED_ADMIN
        if args.database:
            seeded = f"the database {dbname} as an earlier run left it"
        elif re.search(r"^\s+seed\b", helptext, re.M):
            print(f"seeding the {args.seed_profile} profile ...", flush=True)
            t0 = time.monotonic()
            r = subprocess.run([args.crm_binary, "seed", "--profile", args.seed_profile], env=env,
                               capture_output=True, text=True)
            with open(os.path.join(workdir, "seed.log"), "w") as f:
                f.write(r.stdout + r.stderr)
            if r.returncode == 0:
                seeded = f"`crm-server seed --profile {args.seed_profile}` ({time.monotonic() - t0:.0f} s)"
                print("  " + r.stdout.strip().replace("\n", "\n  "), flush=True)
            else:
                print(f"  seed --profile {args.seed_profile} failed ({r.returncode}), seeding by batch instead:\n"
                      f"{r.stderr[-2000:]}", flush=True)
                psql(args.pg_admin_url, f'DROP DATABASE "{dbname}" WITH (FORCE)')
                psql(args.pg_admin_url, f'CREATE DATABASE "{dbname}"')
        if seeded is None:
            admin_login = BOOT_ADMIN
            env.update(CRM_ADMIN_EMAIL=BOOT_ADMIN[0], CRM_ADMIN_PASSWORD=BOOT_ADMIN[1])

        def start_crm():
            with open(crm_log, "ab") as log:
                t0 = time.monotonic()
                proc = subprocess.Popen(pin_server + [args.crm_binary], env=env, stdout=log, stderr=log)
            procs.append(proc)
            return proc, (wait_ready(args.crm_port, proc, crm_log, timeout=600, pause=0.005) - t0) * 1000

        crm, crm_ready_ms = start_crm()
        crm_idle_rss = status_kib(crm.pid, "VmRSS")
        print(f"CRM ready in {crm_ready_ms:.0f} ms, VmRSS {fmt_mib(crm_idle_rss)} MiB", flush=True)

        bench = Bench(args, dbname, pin, workdir, database_url)
        bench.admin = admin_login
        bench.sides["crm"] = Side("crm", args.crm_port, crm, crm_log, None, "/api/v1")
        bench.login(force=True)
        if seeded is None:
            took = seed_by_batch(args.crm_port, bench.sides["crm"].token, args.parties)
            seeded = f"{args.parties:,} parties through `POST /parties/batch` ({took:.0f} s; no seed command)"
        psql(database_url, "VACUUM ANALYZE")
        counts = {table: int(psql(database_url, f"SELECT count(*) FROM {table}", True)) for table in
                  ("parties", "activities", "opportunities", "offers", "sales_orders", "invoices", "events")}
        count_text = ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in counts.items())
        print(f"data: {seeded}; {count_text}", flush=True)

        if want_floor:
            floor_log = os.path.join(workdir, "floor.log")
            with open(floor_log, "ab") as log:
                floor = subprocess.Popen(pin_server + [args.floor, database_url, f"{HOST}:{args.floor_port}"],
                                         stdout=log, stderr=log)
            procs.append(floor)
            wait_ready(args.floor_port, floor, floor_log, path="/health")
            bench.sides["floor"] = Side("floor", args.floor_port, floor, floor_log, None, "")

        data = Data(bench)
        results = [dict(rows=[row("idle", "idle, PostgreSQL, the data loaded, before any request",
                                  rss=crm_idle_rss, notes=f"spawn → first 200 of GET /ready: {crm_ready_ms:.0f} ms "
                                  f"(migrations checked, housekeeping run); VmRSS then "
                                  f"{fmt_mib(crm_idle_rss)} MiB = {(crm_idle_rss or 0) * 1024 / MB:.1f} MB")])]
        for name in args.case_list:
            bench.login()
            try:
                if name == "ready":
                    results.append(run_ready(bench))
                elif name == "convert":
                    results.append(run_convert(bench, data))
                elif name == "issue50":
                    results.append(run_issue50(bench, data))
                else:
                    case = wrk_case(bench, data, name)
                    case.prepare(workdir)
                    if name == "mixed" and not args.no_restart:
                        # A new process: its peak RSS is that of this load, not of the 500-line
                        # documents before it (the allocator keeps what they took).
                        side = bench.sides["crm"]
                        retained = status_kib(side.proc.pid, "VmRSS")
                        bench.settle()
                        terminate(side.proc)
                        side.proc, took = start_crm()
                        case.notes += (f"; the CRM restarted before it (its RSS after the cases before: "
                                       f"{fmt_mib(retained)} MiB; ready again in {took:.0f} ms)")
                    results.append(run_wrk_case(bench, case))
            except CaseFailed as e:
                print(f"  ! {name} failed: {e}", flush=True)
                results.append(dict(rows=[row(name, name, notes=f"**failed**: {e}", bad=1)]))
        load_after = loadavg()
        text = report(args, commit, dirty, started, load_before, busy_before, load_after, pin, seeded, count_text,
                      results, bench)
        print("\n" + "=" * 100 + "\n")
        print(text)
        path = os.path.join(workdir, "report.md")
        with open(path, "w") as f:
            f.write(text + "\n")
        print(f"report: {path}")
        for side in bench.sides.values():
            print(f"{side.name} log: {side.log}")
    finally:
        for proc in reversed(procs):
            terminate(proc)
        if not args.keep_db:
            try:
                psql(args.pg_admin_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            except subprocess.CalledProcessError as e:
                print(f"could not drop {dbname}: {e.stderr}", file=sys.stderr)
        else:
            print(f"kept database {database_url}")


def report(args, commit, dirty, started, load_before, busy_before, load_after, pin, seeded, count_text, results, bench):
    out = []
    p = out.append
    worst = max(bench.foreign, default=0.0)
    # The share measured, not loadavg: a one-minute average still counts a build that just ended.
    busy = worst > 0.10 or busy_before > 0.10
    latency_seconds = args.latency_seconds or args.seconds
    p(f"Commit {commit}{' with uncommitted changes' if dirty else ''}, {started}. Cases: {', '.join(args.case_list)}. "
      f"wrk cases: {args.rounds} rounds of {args.seconds:g} s at {args.connections} connections (alternating CRM "
      f"and floor where there is one, CRM first in odd rounds), then {latency_seconds:g} s at 1 connection; "
      f"{'servers pinned to CPU 0, wrk to CPU 1, PostgreSQL unpinned' if pin else 'nothing pinned'}. "
      f"Data: {seeded}; {count_text}. Before the run: loadavg {load_before[0]:.2f}, "
      f"{100 * busy_before:.0f} % of the CPUs busy (loadavg after {load_after[0]:.2f}). "
      f"{'CRM log filter ' + repr(args.crm_log) + '. ' if args.crm_log else 'CRM logging: its default. '}"
      f"CPU of other processes during the measured runs: up to {100 * worst:.0f} % of the machine: "
      + ("**the machine was busy: these figures are a smoke test, not a measurement.**" if busy
         else "the machine was idle."))
    p("")
    p(f"| case | what | req/s @{args.connections} | p50 / p99 ms @{args.connections} | req/s @1 | p50 / p99 ms @1 "
      "| CPU µs/req | DB CPU µs/req | bytes/answer (items) | peak RSS MiB | non-2xx, errors | notes |")
    p("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = [r for res in results for r in res["rows"]]
    for r in rows:
        size = "–" if r["bytes"] is None else fmt_int(r["bytes"]) + ("" if r["items"] is None else f" ({r['items']:.1f})")
        p(f"| {r['case']} | {r['title']} | {fmt_int(r['rps'])} | {fmt_pair(r['p50'], r['p99']) if r['p50'] else '–'} "
          f"| {fmt_int(r['rps1'])} | {fmt_pair(r['p50_1'], r['p99_1']) if r['p50_1'] else '–'} "
          f"| {fmt_int(r['cpu'])} | {fmt_int(r['db'])} | {size} | {fmt_mib(r['rss'])} "
          f"| {r['bad'] if r['bad'] else 0} | {r['notes']} |")
    p("")
    p("The issue50 row: its load is the 50 requests of a batch at once (req/s: 50 over the median wall time of a "
      "batch; p50/p99 of every request of every batch). The convert rows: one request at a time (req/s @1: 1000 "
      "over the mean ms; p99 of fewer than 100 values is the maximum); CPU per step from schedstat. Peak RSS: "
      "VmHWM of the server during the case (reset before it); idle and ready rows: VmRSS once ready.")

    floor = [res["floor"] for res in results if "floor" in res]
    if floor:
        p("")
        p("Against the floor (same database, same requests; the CRM's figures as above):")
        p("")
        p("| case | CRM req/s | floor req/s | CRM/floor (median, range) | p50 / p99 ms @1 CRM | p50 / p99 ms @1 floor "
          "| CPU µs/req CRM / floor | DB CPU µs/req CRM / floor | bytes/answer CRM / floor | peak RSS MiB CRM / floor |")
        p("|---|---|---|---|---|---|---|---|---|---|")
        for f in floor:
            c, fl = f["figures"]["crm"], f["figures"]["floor"]
            p(f"| {f['case'].title} | {fmt_int(c['rps'])} | {fmt_int(fl['rps'])} "
              f"| **{f['ratio']:.2f}** ({f['ratio_range'][0]:.2f}–{f['ratio_range'][1]:.2f}) "
              f"| {fmt_pair(c['p50_1'], c['p99_1'])} | {fmt_pair(fl['p50_1'], fl['p99_1'])} "
              f"| {fmt_int(c['cpu'])} / {fmt_int(fl['cpu'])} | {fmt_int(c['db'])} / {fmt_int(fl['db'])} "
              f"| {fmt_int(c['bytes'])} / {fmt_int(fl['bytes'])} | {fmt_mib(c['rss'])} / {fmt_mib(fl['rss'])} |")

    wrk_results = [res for res in results if "rounds" in res]
    if wrk_results:
        p("")
        p("Per round, requests/s (CRM / floor (ratio) where there is a floor):")
        p("")
        p("| case | " + " | ".join(f"round {n + 1}" for n in range(args.rounds)) + " | foreign CPU (max) |")
        p("|---|" + "---|" * args.rounds + "---|")
        for res in wrk_results:
            cells = [(f"{got['crm']['rps']:,.0f} / {got['floor']['rps']:,.0f} ({ratio:.2f})" if ratio
                      else f"{got['crm']['rps']:,.0f}") for got, ratio in res["rounds"]]
            foreign = max(g["foreign"] for got, _ in res["rounds"] for g in got.values())
            p(f"| {res['rows'][0]['title']} | " + " | ".join(cells) + f" | {100 * foreign:.0f} % |")

    chain = next((res["chain"] for res in results if "chain" in res), None)
    if chain:
        p("")
        p(f"convert, {chain['runs']} chains of a {CHAIN_LINES}-line document, ms (client side, one connection):")
        p("")
        p("| step | median | p99 | min | max | server CPU ms (median) | DB CPU ms (median) |")
        p("|---|---|---|---|---|---|---|")
        for name, values in chain["times"].items():
            p(f"| {name} | {fmt_ms(statistics.median(values))} | {fmt_ms(percentile(values, 99))} | {fmt_ms(min(values))} "
              f"| {fmt_ms(max(values))} | {statistics.median(chain['cpu'][name]) / 1000:.1f} "
              f"| {statistics.median(chain['db'][name]) / 1000:.1f} |")
        s = chain["convert_sum"]
        p(f"| convert + confirm | {fmt_ms(statistics.median(s))} | {fmt_ms(percentile(s, 99))} | {fmt_ms(min(s))} "
          f"| {fmt_ms(max(s))} | | |")

    targets = []
    p = targets.append
    ready = next((res["ready"] for res in results if "ready" in res), None)
    check = lambda ok: "yes" if ok else "**no**"
    if ready:
        for kind, fig in ready.items():
            p(f"| ready ≤ {TARGETS['ready_ms']} ms (SQLite, {kind}, median) | {fig['ms']:.0f} ms "
              f"| {check(fig['ms'] <= TARGETS['ready_ms'])} |")
        fig = ready["fresh"]
        if fig["rss"] is not None:
            p(f"| idle RSS ≤ {TARGETS['idle_rss'] // MB} MB (SQLite, fresh, median) | {fig['rss'] * 1024 / MB:.1f} MB "
              f"| {check(fig['rss'] * 1024 <= TARGETS['idle_rss'])} |")
    mixed = next((r for r in rows if r["case"] == "mixed" and r["rss"] is not None), None)
    if mixed:
        p(f"| peak RSS ≤ {TARGETS['mixed_rss'] // MB} MB under the mixed load | {mixed['rss'] * 1024 / MB:.0f} MB "
          f"| {check(mixed['rss'] * 1024 <= TARGETS['mixed_rss'])} |")
    if chain:
        for key, name, label in (("convert_ms", CHAIN_STEPS[1], "convert (POST /sales-orders)"),
                                 ("invoice_ms", CHAIN_STEPS[4], "invoice an invoice order (POST /invoices)")):
            values = chain["times"][name]
            p(f"| {label} ≤ {TARGETS[key]} ms, {CHAIN_LINES} lines (median) | median {fmt_ms(statistics.median(values))} ms,"
              f" p99 {fmt_ms(percentile(values, 99))} ms | {check(statistics.median(values) <= TARGETS[key])} |")
        s = chain["convert_sum"]
        p(f"| convert + confirm ≤ {TARGETS['convert_ms']} ms (median; if the confirm counts) | median "
          f"{fmt_ms(statistics.median(s))} ms | {check(statistics.median(s) <= TARGETS['convert_ms'])} |")
    issue = next((res["issue"] for res in results if "issue" in res), None)
    if issue:
        p(f"| {ISSUE_BATCH} concurrent issues: all 2xx, consecutive numbers | "
          f"{'all' if issue['ok'] else 'not all'} | {check(issue['ok'])} |")
    p = out.append
    if targets:
        p("")
        p("Targets (MB = 10^6 bytes):")
        p("")
        p("| target | measured | met |")
        p("|---|---|---|")
        out.extend(targets)

    bad = sum(r["bad"] for r in rows)
    if bad:
        p("")
        p(f"**{bad} non-2xx answers, socket errors or failed cases** (see the rows and the log above).")
    p("")
    p("To reproduce:")
    p("")
    p("```")
    p("cargo build --release")
    p("cargo build --release --manifest-path bench/floor/Cargo.toml")
    p("python3 bench/harness.py " + shlex.join(sys.argv[1:]))
    p("```")
    return "\n".join(out)


if __name__ == "__main__":
    main()
