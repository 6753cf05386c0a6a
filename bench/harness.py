"""The CRM against a raw floor, in the same run (issue 13, "Fast at CRM scale").

    python3 bench/harness.py CRM_BINARY PG_ADMIN_URL [options]

    make bench-floor           # builds both in release and runs this with the defaults

Absolute figures on this machine drift by ±15 % from one run to the next, so each case is measured
as a ratio: the CRM and the floor are run alternately (A/B, then B/A, ...) for N rounds of D seconds
each, and the report gives the median of the per-round ratios CRM/floor next to the medians of the
requests/s themselves.

What happens:

1. A fresh PostgreSQL database is created next to PG_ADMIN_URL (dropped at the end, unless
   --keep-db).
2. The CRM (CRM_BINARY, e.g. target/release/crm-server) is started on it with
   CRM_RATE_LIMIT_PER_MINUTE=0, an admin, a 2 h token lifetime and its default logging (`info`: a
   line of about 480 bytes per request, to a file in the work directory); it migrates the
   database itself.
3. Data: `crm-server seed --profile PROFILE` when the binary has a `seed` command (its `--help`
   is read), else --parties parties (20,000 by default) created through `POST
   /api/v1/parties/batch`, 100 per request, `all_or_none`; then `VACUUM ANALYZE`.
4. The floor (bench/floor, `cargo build --release --manifest-path bench/floor/Cargo.toml`) is
   started on the same database.
5. The CRM and the floor are pinned to CPU 0 and wrk to CPU 1 with `taskset` (when there is one
   and the machine has 2 CPUs or more); PostgreSQL is not pinned.
6. For each case, after a 2 s warm-up of each side: N rounds of wrk with C connections (64) for D
   seconds, alternating sides, then one run of each side at 1 connection for p50/p99.

What each side does per request:

| case | CRM (`/api/v1`) | floor |
|---|---|---|
| get | `GET /parties/{id}` with a bearer token: middleware (request id, headers, CORS, rate limit check, clock, auth guard: HS256 token check and the caller's user, read from the database at most every 500 ms, deadline, idempotency pass-through), visibility by role, one `SELECT` by id through sea-orm, the row parsed into the domain `Party` (its JSON-text columns parsed and validated), mapped to the response DTO, serialized | `GET /parties/{id}`, no auth: one prepared `SELECT` by id (tokio-postgres, deadpool), the row serialized with its JSON-text columns embedded as stored |
| page 1 | `GET /parties?limit=50&sort=name`: as above, the query parsed and checked, one `SELECT … WHERE archived_at IS NULL ORDER BY name, id LIMIT 51`, 50 rows through the domain type, `next_cursor` as base64url JSON | `GET /parties?limit=50`: the same `SELECT` (prepared), 50 rows, `next_cursor` as `name,id` |
| deep page | as page 1 with `cursor=` one of 16 cursors around row 10,000 (the CRM's own `next_cursor`s, base64url JSON decoded and checked), `(name, id) > ($1, $2)` | as page 1 with `after=name,id` of the same rows, the same row-value condition |
| create | `POST /parties` (no Idempotency-Key): as above, the body parsed and validated into the domain type, one transaction: the party, its history row and its `party.created` event (and whatever else the CRM writes), 201 with the party | `POST /parties`: the body parsed (not validated), one transaction: `INSERT … RETURNING` the party row and one `INSERT` into the floor's own `floor_log(id, at, data jsonb)` with the party's JSON, 201 with the row |

Both answer the same JSON fields (every column but `search_text`); the report shows the bytes of
one answer of each side per case. Both use a pool of 16 PostgreSQL connections and actix-web's
default number of workers (one per CPU it may run on: one, when pinned); both are release builds
with the same profile (thin LTO, 4 codegen units).

Reported per case: requests/s of each (median of the rounds), the median of the per-round ratios
CRM/floor, p50/p99 at 1 connection, the server's CPU time per request (utime+stime of its process
from /proc/PID/stat, around each round; median of the rounds), the CPU time of the database's
backends per request (the PostgreSQL processes of this database, same way), and the server's peak
RSS (VmHWM) after the case. The machine's load is watched: loadavg before the run, and in each round
the CPU time of every process that is neither the two servers, nor PostgreSQL, nor wrk, as a share
of the machine ("foreign CPU"); a run whose rounds saw more than 10 % is marked busy and its
figures are a smoke test, not a measurement.

Options: --rounds N (5), --seconds D (10), --connections C (64), --latency-seconds (= D),
--parties (20000), --seed-profile (standard), --floor PATH (bench/floor/target/release/crm-floor),
--cases get,page1,deep,create, --keep-db, --wait-idle SECONDS (wait for the machine to be under
10 % busy first), --crm-log FILTER (RUST_LOG for the CRM), --commit (the commit the CRM binary was built from,
when it is not this checkout's HEAD; otherwise `git rev-parse --short HEAD`, and whether the
checkout has uncommitted changes). Needs psql, wrk (Debian: apt-get install wrk) and
PostgreSQL with a role that may create databases. Not part of CI: figures are measured here, never
asserted in tests.
"""
import argparse, datetime, http.client, json, os, random, re, resource, shutil, socket, statistics, subprocess
import sys, tempfile, time, urllib.parse, uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "change me please"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("crm_binary")
    p.add_argument("pg_admin_url")
    p.add_argument("--floor", default=os.path.join(HERE, "floor", "target", "release", "crm-floor"))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--latency-seconds", type=float, default=None)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--parties", type=int, default=20000)
    p.add_argument("--seed-profile", default="standard")
    p.add_argument("--cases", default="get,page1,deep,create")
    p.add_argument("--crm-port", type=int, default=8193)
    p.add_argument("--floor-port", type=int, default=8194)
    p.add_argument("--keep-db", action="store_true")
    p.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                   help="wait up to this long for the machine to be under 10 %% busy before starting")
    p.add_argument("--crm-log", metavar="FILTER", help="RUST_LOG for the CRM (default: its own, info: "
                   "a line per request, to a file)")
    p.add_argument("--commit", help="the commit the CRM binary was built from, when it is not this "
                   "checkout's HEAD (e.g. a build of a worktree)")
    return p.parse_args()


# --- processes and /proc ---------------------------------------------------------------------

def proc_ticks(pid):
    """utime + stime of a process, in clock ticks (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def vm_hwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


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


def wait_healthy(port, proc, log, path="/health"):
    for _ in range(600):
        try:
            if call(port, "GET", path, timeout=1)[0] == 200:
                return
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"the server on port {port} did not start; see {log}")


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex((HOST, port)) != 0


def psql(url, sql, capture=False):
    r = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       check=True, capture_output=True, text=True)
    return r.stdout if capture else None


# --- data ------------------------------------------------------------------------------------

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


class Bench:
    def __init__(self, args, dbname, pin):
        self.args, self.dbname, self.pin = args, dbname, pin

    def wrk(self, side, case, connections, seconds, latency=False):
        """One wrk run against one side; the run's figures and the CPU spent by everyone."""
        url = f"http://{HOST}:{side.port}"
        cmd = (["taskset", "-c", "1"] if self.pin else []) + ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s",
                                                             "--timeout", "10s"]
        if latency:
            cmd.append("--latency")
        if side.token:
            cmd += ["-H", f"Authorization: Bearer {side.token}"]
        cmd += ["-s", case.script(side), url, "--"] + case.script_args(side)
        before, busy0, server0 = snapshot(self.dbname), machine_busy_ticks(), proc_ticks(side.proc.pid)
        children0, self_0 = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.monotonic() - t0
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self_1 = resource.getrusage(resource.RUSAGE_SELF)
        after, busy1, server1 = snapshot(self.dbname), machine_busy_ticks(), proc_ticks(side.proc.pid)
        if r.returncode != 0:
            raise SystemExit(f"wrk failed ({r.returncode}): {r.stderr}\n{r.stdout}")
        res = parse_wrk(r.stdout)
        if not res["requests"]:
            raise SystemExit(f"no requests counted in wrk's output:\n{r.stdout}\n{r.stderr}")
        if side.proc.poll() is not None:
            raise SystemExit(f"{side.name} died during {case.name}; see {side.log}")
        by_class = {"db": 0, "pg": 0, "other": 0}
        for pid, (cls, ticks) in after.items():
            if pid in before and before[pid][0] == cls:
                by_class[cls] += ticks - before[pid][1]
            else:
                by_class[cls] += ticks  # started during the run
        # Foreign: what the machine spent (/proc/stat, which also sees processes that came and went
        # during the run) less what the servers, PostgreSQL (not other databases' backends), wrk
        # and this script spent.
        wrk_ticks = (children1.ru_utime + children1.ru_stime - children0.ru_utime - children0.ru_stime) * CLK_TCK
        me = (self_1.ru_utime + self_1.ru_stime - self_0.ru_utime - self_0.ru_stime) * CLK_TCK
        own = {server.proc.pid for server in (self.crm, self.floor)}
        servers = sum((after.get(pid, (None, 0))[1] - before.get(pid, (None, 0))[1]) for pid in own)
        foreign = max(0.0, (busy1 - busy0) - servers - by_class["db"] - by_class["pg"] - wrk_ticks - me)
        res.update(
            wall=wall,
            server_cpu_us=(server1 - server0) / CLK_TCK / res["requests"] * 1e6,
            db_cpu_us=by_class["db"] / CLK_TCK / res["requests"] * 1e6,
            foreign=foreign / CLK_TCK / (wall * os.cpu_count()),
            machine=(busy1 - busy0) / CLK_TCK / (wall * os.cpu_count()),
            stdout=r.stdout,
        )
        if res["errors"] or res["non2xx"]:
            print(f"    ! {side.name} {case.name}: {res['non2xx']} non-2xx answers, {res['errors']} socket errors",
                  flush=True)
        return res


class Side:
    def __init__(self, name, port, proc, log, token, prefix):
        self.name, self.port, self.proc, self.log, self.token, self.prefix = name, port, proc, log, token, prefix


class Case:
    def __init__(self, name, title, paths=None, create=False):
        self.name, self.title, self.paths, self.create = name, title, paths or {}, create
        self.files = {}

    def prepare(self, workdir):
        for side, paths in self.paths.items():
            path = os.path.join(workdir, f"{self.name}-{side}.paths")
            with open(path, "w") as f:
                f.write("\n".join(paths) + "\n")
            self.files[side] = path

    def script(self, side):
        return os.path.join(HERE, "wrk_create.lua" if self.create else "wrk_paths.lua")

    def script_args(self, side):
        if self.create:
            return [side.prefix + "/parties", f"wrk {side.name} {uuid.uuid4().hex[:6]}"]
        return [self.files[side.name]]

    def sample(self, side):
        """The size of one answer, for the report."""
        if self.create:
            status, payload = call(side.port, "POST", side.prefix + "/parties",
                                   {"kind": "organization", "name": f"size probe {side.name}", "roles": ["customer"],
                                    "email": "probe@wrk.example", "phone": "+49 30 1234567",
                                    "website": "https://probe.example", "currency": "EUR",
                                    "payment_terms_days": 14, "customer_group": "wholesale",
                                    "addresses": [{"kind": "billing", "line1": "Hauptstr. 1", "city": "Berlin",
                                                   "postal_code": "10115", "country": "DE"}],
                                    "tags": ["wrk", "bench"]}, side.token)
            expect = 201
        else:
            status, payload = call(side.port, "GET", self.paths[side.name][0], token=side.token)
            expect = 200
        if status != expect:
            raise SystemExit(f"{side.name} {self.name}: {status} {payload[:300]!r}")
        return len(payload)


def walk(side, token, pages, first_path, cursor_param, deep_from):
    """Follows next_cursor from page 1 for `pages` pages; the paths of pages deep_from.. and the
    first id of each."""
    paths, first_ids, cursor = [], [], None
    for page in range(pages):
        path = first_path + (f"&{cursor_param}={urllib.parse.quote(cursor, safe='')}" if cursor else "")
        status, payload = call(side.port, "GET", path, token=token)
        if status != 200:
            raise SystemExit(f"walking {side.name}'s pages: {status} {payload[:300]!r}")
        body = json.loads(payload)
        if page >= deep_from:
            paths.append(path)
            first_ids.append(body["items"][0]["id"])
        cursor = body.get("next_cursor")
        if not cursor:
            raise SystemExit(f"{side.name}: no page {page + 2} (too few parties for the deep page)")
    return paths, first_ids


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_ms(x):
    return "–" if x is None else (f"{x:.2f}" if x < 10 else f"{x:.1f}")


def main():
    args = parse_args()
    latency_seconds = args.latency_seconds or args.seconds
    for tool in ("psql", "wrk"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (Debian: apt-get install {'wrk' if tool == 'wrk' else 'postgresql-client'})")
    for binary in (args.crm_binary, args.floor):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary} is not an executable (build it first: see the docstring)")
    for port in (args.crm_port, args.floor_port):
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
    workdir = tempfile.mkdtemp(prefix="crm-bench-floor-")
    dbname = f"crm_bench_{uuid.uuid4().hex[:10]}"
    admin = urllib.parse.urlsplit(args.pg_admin_url)
    database_url = urllib.parse.urlunsplit(admin._replace(path="/" + dbname))
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"commit {commit}{' (with uncommitted changes)' if dirty else ''}, {started}, "
          f"loadavg before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, machine "
          f"{100 * busy_before:.0f} % busy, {os.cpu_count()} CPUs, "
          f"pinned: {'server and floor on CPU 0, wrk on CPU 1' if pin else 'no'}; work dir {workdir}", flush=True)

    psql(args.pg_admin_url, f'CREATE DATABASE "{dbname}"')
    procs = []
    try:
        pin_server = ["taskset", "-c", "0"] if pin else []
        crm_log = os.path.join(workdir, "crm.log")
        env = dict(os.environ, CRM_DATABASE_URL=database_url, CRM_LISTEN=f"{HOST}:{args.crm_port}",
                   CRM_RATE_LIMIT_PER_MINUTE="0", CRM_ADMIN_EMAIL=ADMIN_EMAIL, CRM_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   CRM_JWT_SECRET="bench-floor-secret-bench-floor-secret-0123", CRM_TOKEN_TTL_SECONDS="7200",
                   NO_COLOR="1")
        if args.crm_log:
            env["RUST_LOG"] = args.crm_log
        with open(crm_log, "ab") as log:
            crm = subprocess.Popen(pin_server + [args.crm_binary], env=env, stdout=log, stderr=log)
        procs.append(crm)
        wait_healthy(args.crm_port, crm, crm_log)
        status, payload = call(args.crm_port, "POST", "/api/v1/auth/token",
                               {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        if status != 200:
            raise SystemExit(f"login: {status} {payload[:300]!r}")
        token = json.loads(payload)["access_token"]

        helptext = subprocess.run([args.crm_binary, "--help"], capture_output=True, text=True).stdout
        seeded = None
        if re.search(r"^\s+seed\b", helptext, re.M):
            t0 = time.monotonic()
            r = subprocess.run([args.crm_binary, "seed", "--profile", args.seed_profile], env=env,
                               capture_output=True, text=True)
            if r.returncode == 0:
                seeded = f"`crm-server seed --profile {args.seed_profile}` ({time.monotonic() - t0:.0f} s)"
            else:
                print(f"  seed --profile {args.seed_profile} failed ({r.returncode}), seeding by batch instead:\n"
                      f"{r.stderr[-2000:]}", flush=True)
        if seeded is None:
            took = seed_by_batch(args.crm_port, token, args.parties)
            seeded = f"{args.parties:,} parties through `POST /parties/batch` ({took:.0f} s)"
        psql(database_url, "VACUUM ANALYZE")
        count = int(psql(database_url, "SELECT count(*) FROM parties WHERE archived_at IS NULL", True))
        print(f"data: {seeded}; {count:,} parties not archived", flush=True)

        floor_log = os.path.join(workdir, "floor.log")
        with open(floor_log, "ab") as log:
            floor = subprocess.Popen(pin_server + [args.floor, database_url, f"{HOST}:{args.floor_port}"],
                                     stdout=log, stderr=log)
        procs.append(floor)
        wait_healthy(args.floor_port, floor, floor_log)

        sides = {"crm": Side("crm", args.crm_port, crm, crm_log, token, "/api/v1"),
                 "floor": Side("floor", args.floor_port, floor, floor_log, None, "")}
        bench = Bench(args, dbname, pin)
        bench.crm, bench.floor = sides["crm"], sides["floor"]

        # The cases' paths: the same ids, the same pages on both sides.
        ids = [line for line in psql(database_url, "SELECT id FROM parties ORDER BY random() LIMIT 1000",
                                     True).split() if line]
        deep_from = max(1, min(200, count // 50 // 2 - 8))
        deep_pages = deep_from + 16
        crm_deep, crm_firsts = walk(sides["crm"], token, deep_pages, "/api/v1/parties?limit=50&sort=name", "cursor",
                                    deep_from)
        floor_deep, floor_firsts = walk(sides["floor"], None, deep_pages, "/parties?limit=50", "after", deep_from)
        if crm_firsts != floor_firsts:
            raise SystemExit("the CRM's and the floor's deep pages differ (first ids), so the keyset orders do")
        cases = {
            "get": Case("get", "party by id", {"crm": [f"/api/v1/parties/{i}" for i in ids],
                                              "floor": [f"/parties/{i}" for i in ids]}),
            "page1": Case("page1", "page 1 of 50 by name", {"crm": ["/api/v1/parties?limit=50&sort=name"],
                                                          "floor": ["/parties?limit=50"]}),
            "deep": Case("deep", f"page {deep_from + 1}–{deep_pages} of 50 by name (cursor)",
                         {"crm": crm_deep, "floor": floor_deep}),
            "create": Case("create", "create a party", create=True),
        }
        chosen = [cases[name] for name in args.cases.split(",")]
        for case in chosen:
            case.prepare(workdir)

        results = []
        for case in chosen:
            sizes = {name: case.sample(side) for name, side in sides.items()}
            print(f"\n{case.title}: bytes per answer CRM {sizes['crm']:,}, floor {sizes['floor']:,}; "
                  f"loadavg {loadavg()[0]:.2f}", flush=True)
            for side in sides.values():
                bench.wrk(side, case, args.connections, 2)  # warm-up
            rounds = []
            for n in range(args.rounds):
                order = ["crm", "floor"] if n % 2 == 0 else ["floor", "crm"]
                got = {name: bench.wrk(sides[name], case, args.connections, args.seconds) for name in order}
                ratio = got["crm"]["rps"] / got["floor"]["rps"]
                rounds.append((got, ratio))
                print(f"  round {n + 1} ({'/'.join(order)}): CRM {got['crm']['rps']:,.0f}/s, "
                      f"floor {got['floor']['rps']:,.0f}/s, CRM/floor {ratio:.3f}; CPU µs/req CRM "
                      f"{got['crm']['server_cpu_us']:.0f} (db {got['crm']['db_cpu_us']:.0f}), floor "
                      f"{got['floor']['server_cpu_us']:.0f} (db {got['floor']['db_cpu_us']:.0f}); foreign CPU "
                      f"{100 * max(g['foreign'] for g in got.values()):.0f} %", flush=True)
            lat = {}
            for name in (["crm", "floor"] if args.rounds % 2 == 0 else ["floor", "crm"]):
                lat[name] = bench.wrk(sides[name], case, 1, latency_seconds, latency=True)
            print(f"  1 connection: CRM p50 {fmt_ms(lat['crm']['p50'])} ms p99 {fmt_ms(lat['crm']['p99'])} ms, "
                  f"floor p50 {fmt_ms(lat['floor']['p50'])} ms p99 {fmt_ms(lat['floor']['p99'])} ms", flush=True)
            med = lambda side, key: statistics.median(got[side][key] for got, _ in rounds)
            results.append(dict(
                case=case, sizes=sizes, rounds=rounds, lat=lat,
                rps={s: med(s, "rps") for s in sides}, ratio=statistics.median(r for _, r in rounds),
                ratio_range=(min(r for _, r in rounds), max(r for _, r in rounds)),
                cpu={s: med(s, "server_cpu_us") for s in sides}, db={s: med(s, "db_cpu_us") for s in sides},
                rss={s: vm_hwm_kib(sides[s].proc.pid) for s in sides},
                foreign=max(max(g["foreign"] for g in got.values()) for got, _ in rounds),
                bad=sum(g["non2xx"] + g["errors"] for got, _ in rounds for g in got.values())
                + sum(g["non2xx"] + g["errors"] for g in lat.values()),
            ))
        load_after = loadavg()
        report(args, commit, dirty, started, load_before, busy_before, load_after, pin, seeded, count, results,
               latency_seconds)
        for side in sides.values():
            print(f"{side.name} log: {side.log}")
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if not args.keep_db:
            try:
                psql(args.pg_admin_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            except subprocess.CalledProcessError as e:
                print(f"could not drop {dbname}: {e.stderr}", file=sys.stderr)
        else:
            print(f"kept database {database_url}")


def report(args, commit, dirty, started, load_before, busy_before, load_after, pin, seeded, count, results,
               latency_seconds):
    worst = max(r["foreign"] for r in results)
    busy = worst > 0.10 or load_before[0] > 0.5
    print("\n" + "=" * 100 + "\n")
    print(f"Commit {commit}{' with uncommitted changes' if dirty else ''}, {started}. "
          f"{args.rounds} rounds of {args.seconds:g} s at {args.connections} connections per side and case, "
          f"alternating (CRM first in odd rounds), then {latency_seconds:g} s at 1 connection; "
          f"{'server and floor pinned to CPU 0, wrk to CPU 1, PostgreSQL unpinned' if pin else 'nothing pinned'}. "
          f"Data: {seeded}, {count:,} parties. Before the run: loadavg {load_before[0]:.2f}, "
          f"{100 * busy_before:.0f} % of the CPUs busy (loadavg after {load_after[0]:.2f}). "
          f"{'CRM log filter ' + repr(args.crm_log) + '. ' if args.crm_log else ''}"
          f"CPU of other processes during the rounds: up to {100 * worst:.0f} % of the machine: "
          + ("**the machine was busy: these figures are a smoke test, not a measurement.**" if busy
             else "the machine was idle."))
    print()
    print("| case | CRM req/s | floor req/s | CRM/floor (median, range) | p50 / p99 ms CRM | p50 / p99 ms floor "
          "| CPU µs/req CRM / floor | DB CPU µs/req CRM / floor | bytes/answer CRM / floor | peak RSS MiB CRM / floor |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        lat = r["lat"]
        print(f"| {r['case'].title} | {fmt_int(r['rps']['crm'])} | {fmt_int(r['rps']['floor'])} "
              f"| **{r['ratio']:.2f}** ({r['ratio_range'][0]:.2f}–{r['ratio_range'][1]:.2f}) "
              f"| {fmt_ms(lat['crm']['p50'])} / {fmt_ms(lat['crm']['p99'])} "
              f"| {fmt_ms(lat['floor']['p50'])} / {fmt_ms(lat['floor']['p99'])} "
              f"| {r['cpu']['crm']:.0f} / {r['cpu']['floor']:.0f} | {r['db']['crm']:.0f} / {r['db']['floor']:.0f} "
              f"| {r['sizes']['crm']:,} / {r['sizes']['floor']:,} "
              f"| {r['rss']['crm'] / 1024:.0f} / {r['rss']['floor'] / 1024:.0f} |")
    print()
    print("Per round, requests/s CRM / floor (ratio):")
    print()
    print("| case | " + " | ".join(f"round {n + 1}" for n in range(args.rounds)) + " | foreign CPU (max) |")
    print("|---|" + "---|" * args.rounds + "---|")
    for r in results:
        cells = [f"{got['crm']['rps']:,.0f} / {got['floor']['rps']:,.0f} ({ratio:.2f})" for got, ratio in r["rounds"]]
        print(f"| {r['case'].title} | " + " | ".join(cells) + f" | {100 * r['foreign']:.0f} % |")
    bad = sum(r["bad"] for r in results)
    if bad:
        print(f"\n**{bad} non-2xx answers or socket errors** during the runs (see above).")


if __name__ == "__main__":
    main()
