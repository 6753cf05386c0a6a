"""Hostile inputs against every operation of the served OpenAPI document, with an admin token and
without one: does the server answer each with a 4xx (never a 500), in time (never a hang), without
dying, and within bounded memory?

    python3 bench/hostile.py SERVER_BINARY DATABASE_URL [FRACTION] [WORKERS]

It starts the server itself on 127.0.0.1:8192 with the README's admin, RUST_LOG=info and no rate
limit, on DATABASE_URL (a fresh SQLite file or PostgreSQL database: records are created), reads
the document from /api-docs/openapi.json, creates a party, a product and an invoice draft (their
ids fill the `{id}` of their paths), and sends, over raw sockets (one connection per request,
WORKERS at a time, default 4), case by case:

- path: bad UUIDs and percent-encoded garbage (%00, %ff, ../, 5,000 characters…) in every path
  parameter;
- query: NUL and control characters, invalid UTF-8, 1e400 / -0 / 1e-400 / huge integers, bad
  dates ("2026-02-30", "yesterday", "+275760-09-13"…), bad cursors (random base64, 100 KB), bad
  UUIDs, in every query parameter; raw control bytes in the request line;
- body: JSON nested 10,000 and 100,000 levels deep, 1 MB and 10 MB bodies (413 expected), invalid
  UTF-8, lone surrogates, and in every field of the body (and of its first list item): NUL and
  control characters, wrong types, 1e400 / -0 / 1e-400 / huge integers, bad decimal strings, bad
  dates, bad UUIDs;
- content type: none, text/plain, XML, form, multipart, UTF-16…;
- method: PUT / DELETE / PATCH / POST / GET where the path does not declare them, HEAD, OPTIONS,
  TRACE, an unknown method, on every path;
- raw: very long URLs (100 KB, 1 MB), 10,000 query parameters, repeated and conflicting headers
  (Authorization, Content-Type, Content-Length, Idempotency-Key, If-Match, Host), 5,000 headers,
  a 100 KB header, bad tokens, bad Idempotency-Keys and If-Match, Content-Length lies (fewer bytes
  than declared: 408 expected within ~10 s, not a hang), unfinished headers, chunked-encoding
  garbage, a gzip bomb, malformed request lines.

Without a token every protected operation is refused before its body is read, so the per-field
value cases (the bulk) are sent without a token in full for the public operations only, and with
the first value of each body field (two of each query parameter) elsewhere; every other case is
sent both ways. FRACTION (default 1) runs a random part of
the cases (seeded, so runs compare); the whole run (about 16,000 requests) takes 1–2 minutes on
a debug build.

Reports: requests, statuses, problem codes, 500s (and other 5xx but 503), hangs (no answer within
35 s), connections closed without an answer, crashes (the process gone: it is restarted), answers
that were not what the case expected (413, 408…), errors without a problem+json body, the slowest
requests, and the server's RSS (VmRSS before and after, peak VmHWM). Each 500 or hang is printed
with its request and its server log lines (by x-request-id). Exits non-zero on any 500 (or other
5xx but 503), hang or crash. Not part of CI."""
import base64, collections, functools, gzip, http.client, json, os, queue, random, re, socket, subprocess, sys, tempfile, threading, time, uuid

BINARY, DATABASE = sys.argv[1], sys.argv[2]
FRACTION = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
WORKERS = int(sys.argv[4]) if len(sys.argv) > 4 else 4
HOST, PORT = "127.0.0.1", 8192
TIMEOUT = 35
WORKDIR = tempfile.mkdtemp(prefix="crm-hostile-")
LOG = os.path.join(WORKDIR, "server.log")
ENV = dict(os.environ, CRM_DATABASE_URL=DATABASE, CRM_LISTEN=f"{HOST}:{PORT}", CRM_RATE_LIMIT_PER_MINUTE="0",
           CRM_ADMIN_EMAIL="admin@example.com", CRM_ADMIN_PASSWORD="change me please",
           CRM_JWT_SECRET="hostile-test-secret-hostile-test-secret", RUST_LOG="info", NO_COLOR="1")
rng = random.Random(20261203)


# ---------------------------------------------------------------- the server and its memory

class Server:
    def __init__(self):
        self.proc, self.crashes, self.peak_kb, self.lock = None, [], 0, threading.Lock()
        self.jumps = []  # (KB the peak rose by, the cases in flight then)
        self.up = threading.Event()

    def start(self):
        log = open(LOG, "ab")
        self.proc = subprocess.Popen([BINARY], env=ENV, stdout=log, stderr=log)
        for _ in range(600):
            try:
                c = http.client.HTTPConnection(HOST, PORT, timeout=1)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    self.up.set()
                    return
            except Exception:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise SystemExit(f"the server did not start; see {LOG}")

    def status(self, field):
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            return None

    def watch(self, stop, in_flight):
        """Samples RSS every 50 ms; restarts the server when it died, noting what was in flight."""
        while not stop.is_set():
            rss = self.status("VmRSS")
            if rss:
                peak = max(rss, self.status("VmHWM") or 0)
                if peak > self.peak_kb + 1024 and self.peak_kb:
                    self.jumps.append((peak - self.peak_kb, sorted(in_flight.values())))
                self.peak_kb = max(self.peak_kb, peak)
            if self.proc.poll() is not None:
                self.up.clear()
                with self.lock:
                    self.crashes.append((self.proc.returncode, sorted(in_flight.values())[:20]))
                self.start()
            time.sleep(0.05)


server = Server()


# ---------------------------------------------------------------- sending raw requests

Result = collections.namedtuple("Result", "status code ctype request_id elapsed outcome")


def send(raw, method="GET", timeout=TIMEOUT, pause=None):
    """Sends raw bytes on a new connection (then, if pause, waits without closing), reads one
    response. outcome: answered, hung (nothing within timeout), closed (no answer), refused."""
    t0 = time.monotonic()
    try:
        sock = socket.create_connection((HOST, PORT), timeout=timeout)
    except OSError:
        return Result(None, None, None, None, 0.0, "refused")
    sock.settimeout(timeout)

    def pump():
        try:
            sock.sendall(raw)
        except OSError:
            pass

    sender = threading.Thread(target=pump) if len(raw) > 65536 else None
    if sender:
        sender.start()
    else:
        pump()
    status = code = ctype = request_id = None
    try:
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        status, ctype, request_id = response.status, response.getheader("content-type"), response.getheader("x-request-id")
        body = response.read() if method != "HEAD" else b""
        outcome = "answered"
        if ctype and "json" in ctype and body:
            try:
                parsed = json.loads(body)
                code = parsed.get("code") if isinstance(parsed, dict) else None
            except ValueError:
                pass
    except socket.timeout:
        outcome = "answered" if status else "hung"
    except (ConnectionError, http.client.RemoteDisconnected, http.client.IncompleteRead, OSError):
        outcome = "answered" if status else "closed"
    except http.client.HTTPException:
        outcome = "answered" if status else "bad response"
    finally:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
        if sender:
            sender.join()
    return Result(status, code, ctype, request_id, time.monotonic() - t0, outcome)


def build(method, target, token=None, body=None, ctype="application/json", headers=(), length=None):
    """The bytes of one HTTP/1.1 request; target and header values may be bytes."""
    enc = lambda v: v if isinstance(v, bytes) else v.encode()
    lines = [enc(method) + b" " + enc(target) + b" HTTP/1.1", f"Host: {HOST}:{PORT}".encode(), b"Connection: close"]
    if token:
        lines.append(b"Authorization: Bearer " + enc(token))
    if body is not None:
        body = enc(body)
        if ctype is not None:
            lines.append(b"Content-Type: " + enc(ctype))
        lines.append(b"Content-Length: " + str(len(body) if length is None else length).encode())
    lines += [enc(k) + b": " + enc(v) for k, v in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


# ---------------------------------------------------------------- the document

def call(method, path, body=None, token=None):
    c = http.client.HTTPConnection(HOST, PORT, timeout=30)
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse()
    payload = r.read()
    return r.status, json.loads(payload) if payload else None


server.start()
rss_before = server.status("VmRSS")
status, doc = call("GET", "/api-docs/openapi.json")
TOKEN = call("POST", "/api/v1/auth/token", {"email": "admin@example.com", "password": "change me please"})[1]["access_token"]
SCHEMAS = doc["components"]["schemas"]
party = call("POST", "/api/v1/parties", {"kind": "organization", "name": "Hostile fixture", "roles": ["customer"],
                                         "currency": "EUR"}, TOKEN)[1]["id"]
product = call("POST", "/api/v1/products", {"kind": "goods", "name": "Hostile fixture", "sku": "HOSTILE-1",
                                            "list_price": "10.00", "tax_rate": "19", "currency": "EUR"}, TOKEN)
product = product[1]["id"] if product[0] == 201 else str(uuid.uuid4())
invoice = call("POST", "/api/v1/invoices", {"party_id": party, "lines": [{"description": "x", "quantity": "1",
                                                                         "unit_price": "1"}]}, TOKEN)
invoice = invoice[1]["id"] if invoice[0] == 201 else str(uuid.uuid4())
FIXTURES = {"/api/v1/parties/": party, "/api/v1/products/": product, "/api/v1/invoices/": invoice}


def resolve(schema):
    while isinstance(schema, dict) and "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(schema, dict) and "oneOf" in schema:
        options = [resolve(s) for s in schema["oneOf"] if s.get("type") != "null"]
        return options[0] if options else schema
    return schema


def kind(schema):
    """One of object, array, integer, number, boolean, date, date-time, uuid, decimal, enum, string."""
    schema = resolve(schema)
    types = schema.get("type", "object" if "properties" in schema else "string")
    t = next((t for t in types if t != "null"), "string") if isinstance(types, list) else types
    if t == "string":
        if "enum" in schema:
            return "enum"
        if schema.get("format") in ("date", "date-time", "uuid"):
            return schema["format"]
        if re.fullmatch(r"-?\d+(\.\d+)?", str(schema.get("example", ""))):
            return "decimal"
    return t


def sample(schema, depth=0):
    """A plausible value for schema: its required properties only, for objects."""
    schema = resolve(schema)
    k = kind(schema)
    if k == "object":
        props = schema.get("properties", {})
        return {p: sample(props[p], depth + 1) for p in schema.get("required", []) if p in props} if depth < 4 else {}
    if k == "array":
        return [sample(schema.get("items", {}), depth + 1)] if schema.get("minItems") else []
    return {"integer": 1, "number": 1, "boolean": False, "date": "2026-01-15", "date-time": "2026-01-15T10:00:00Z",
            "uuid": party, "decimal": str(schema.get("example", "1")), "enum": (schema.get("enum") or ["x"])[0]}.get(
        k, schema.get("example", "x") if isinstance(schema.get("example"), str) else "x")


BASES = {"/api/v1/parties": {"kind": "organization", "name": "hostile"},
         "/api/v1/invoices": {"party_id": party, "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]},
         "/api/v1/auth/token": {"email": "hostile@example.com", "password": "wrong password"}}

BAD_DATES = ["2026-02-30", "yesterday", "+275760-09-13", "0000-00-00", "2026-13-01", "-000001-01-01",
             "2026-01-01T25:61:61Z", "9999-12-31T23:59:60Z", "2026-1-1"]
BAD_UUIDS = ["abc", "00000000-0000-0000-0000-00000000000g", str(uuid.uuid4()) + "0", "{" + str(uuid.uuid4()) + "}"]
BAD_DECIMALS = ["1e400", "-0", "1e-400", "NaN", "Infinity", "99999999999999999999999999999999.999", "0x10",
                " 1", "1,5", "-99999999999999999999999999999", "0.0000000000000000000000000000001"]
BAD_NUMBERS = [b"1e400", b"-0", b"1e-400", b"123456789012345678901234567890", b"-9223372036854775809", b"1.5",
               b"2147483648", b'"1"']
BAD_STRINGS = [b'"a\\u0000b"', b'"\\u0001\\u001b[31m\\u007f"', b'"\\ud800"', b'"\\u202e\\ufeff"', b"1e400",
               b'"' + b"x" * 100_000 + b'"', b'"a\x01b"', b"null", b"[]", b"{}"]


def field_values(schema):
    """Hostile JSON texts (bytes) for a field of this schema."""
    k = kind(schema)
    values = list(BAD_STRINGS)
    if k in ("integer", "number"):
        values = BAD_NUMBERS + [b'"a\\u0000b"']
    elif k in ("date", "date-time"):
        values += [json.dumps(d).encode() for d in BAD_DATES]
    elif k == "uuid":
        values += [json.dumps(u).encode() for u in BAD_UUIDS]
    elif k == "decimal":
        values += [json.dumps(d).encode() for d in BAD_DECIMALS] + [b"1e400", b"-0"]
    return values


def with_field(base, path, value_json):
    """base as JSON text with the field at path (a list of keys and indices) set to a raw JSON text."""
    marker = "\u0007HOSTILE\u0007"
    body = json.loads(json.dumps(base))
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = marker
    return json.dumps(body).encode().replace(json.dumps(marker).encode(), value_json)


def body_fields(schema):
    """(path, field schema): every top-level property, its list's first item when a scalar, and
    every property of its list items or nested object."""
    schema = resolve(schema)
    for name, prop in schema.get("properties", {}).items():
        yield [name], prop
        if kind(prop) == "array":
            item = resolve(resolve(prop).get("items", {}))
            if kind(item) == "object":
                for sub, subprop in item.get("properties", {}).items():
                    yield [name, 0, sub], subprop
            else:
                yield [name, 0], item
        elif kind(prop) == "object":
            for sub, subprop in resolve(prop).get("properties", {}).items():
                yield [name, sub], subprop


def item_base(base, schema, path):
    """base with what path goes through: a list with one item, a nested object."""
    if len(path) == 1:
        return base
    base = json.loads(json.dumps(base))
    prop = resolve(resolve(schema)["properties"][path[0]])
    if path[1] == 0:
        items = base.get(path[0]) or []
        if len(path) == 3 and (not items or not isinstance(items[0], dict)):
            items = [sample(prop.get("items", {}), 1)]
        base[path[0]] = items[:1] or [None]
    elif not isinstance(base.get(path[0]), dict):
        base[path[0]] = sample(prop, 1)
    return base


# ---------------------------------------------------------------- the cases

QUERY_VALUES = ["%00", "a%00b", "%01%02%1b%7f", "%ff%fe", "1e400", "-0", "1e-400", "123456789012345678901234567890",
                "", "%20", "x" * 10_000, "%", "%zz"]
CURSORS = [base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("="), base64.b64encode(os.urandom(100)).decode(),
           "A" * 100_000, "====", base64.urlsafe_b64encode(b'{"id":"x","k":1e400}').decode(),
           base64.urlsafe_b64encode(b"\x00" * 16).decode(), "%00", "-1"]
PATH_VALUES = ["abc", "0", "00000000-0000-0000-0000-000000000000", "%00", "%ff", "%2e%2e", "..", "%2F..%2F..%2Fetc%2Fpasswd",
               str(uuid.uuid4()) + "x", "x" * 5000, "%C0%AF", "%0d%0aX-Injected:%201", "%u0000", "%2500"]
CTYPES = [None, "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
          "application/json; charset=utf-16", "APPLICATION/JSON", "application/problem+json", "application/json\x01",
          "*/*", ""]


def operations():
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method.upper(), op


def fill(path, override=None):
    """The path with its parameters: fixtures, or override for one parameter."""
    def value(m):
        name = m.group(1)
        if override and name == override[0]:
            return override[1]
        if name == "id":
            return next((v for prefix, v in FIXTURES.items() if path.startswith(prefix)), str(uuid.uuid4()))
        return "hostile-ext" if name == "external_id" else str(uuid.uuid4())
    return re.sub(r"\{(\w+)\}", value, path)


def big_request(method, target, token, base, first_string, size):
    """A body of base with a string of size bytes in its first string field (built when sent)."""
    text = b'"' + b"A" * size + b'"'
    return build(method, target, token, with_field(base, first_string, text) if first_string else b'{"x":' + text + b"}")


def cases():
    """(category, label, request bytes, method, expected statuses or None, deadline seconds or None)."""
    for path, method, op in operations():
        public = op.get("security") == [{}] or not op.get("security")
        schema = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
        base = BASES.get(path, sample(schema) if schema else None) if schema else None
        body = json.dumps(base).encode() if base is not None else None
        name = f"{method} {path}"
        for token in (TOKEN, None):
            who = "admin" if token else "anonymous"
            full = token or public
            # Path parameters.
            for param in re.findall(r"\{(\w+)\}", path):
                for v in PATH_VALUES:
                    yield "path", f"{name} [{who}] {param}={v[:30]}", build(method, fill(path, (param, v)), token, body), method, None, None
            # Query parameters (raw, percent-encoded by hand).
            target = fill(path)
            for p in op.get("parameters", []):
                if p["in"] != "query":
                    continue
                values = list(QUERY_VALUES)
                k = kind(p.get("schema", {}))
                if k in ("date", "date-time"):
                    values += BAD_DATES
                if k == "uuid":
                    values += BAD_UUIDS
                if p["name"] in ("cursor", "after"):
                    values += CURSORS
                for v in values if full else values[:2]:
                    yield "query", f"{name} [{who}] ?{p['name']}={v[:30]}", build(method, f"{target}?{p['name']}={v}", token, body), method, None, None
            if method == "GET":
                for raw in (b"\x00", b"\x01", b" x", b"\x7f", b"\xff", b"\r\n"):
                    yield "query", f"{name} [{who}] raw {raw!r} in the request line", build(method, target.encode() + b"?q=" + raw, token), method, None, None
            if schema is None:
                continue
            # Bodies.
            deep = {"[ x 10,000": b"[" * 10_000, "[ x 100,000": b"[" * 100_000, "[..] x 10,000 closed": b"[" * 10_000 + b"]" * 10_000,
                    '{"a": x 10,000': b'{"a":' * 10_000, '{"a": x 100,000 closed': b'{"a":' * 100_000 + b"1" + b"}" * 100_000}
            for label, raw in deep.items():
                yield "body", f"{name} [{who}] nested {label}", build(method, target, token, raw), method, {400, 401, 403, 404, 413, 422}, None
            first_string = next((p for p, s in body_fields(schema) if len(p) == 1 and kind(s) == "string"), None)
            for label, size, expect in [("1 MB", 1024 * 1024, {401, 403, 413}), ("10 MB", 10 * 1024 * 1024, {401, 403, 413}),
                                        ("900 KB", 900 * 1024, None)]:
                raw = functools.partial(big_request, method, target, token, base, first_string, size)
                yield "body", f"{name} [{who}] {label}", raw, method, expect, None
            for label, raw in {"\\xff\\xfe": b"\xff\xfe", "\\xc3\\x28": b"\xc3\x28", "overlong \\xc0\\xaf": b"\xc0\xaf",
                               "\\xed\\xa0\\x80": b"\xed\xa0\x80"}.items():
                bad = with_field(base, first_string, b'"' + raw + b'"') if first_string else b'{"x":"' + raw + b'"}'
                yield "body", f"{name} [{who}] invalid UTF-8 {label}", build(method, target, token, bad), method, {400, 401, 403, 404, 422}, None
            yield "body", f"{name} [{who}] invalid UTF-8 whole body", build(method, target, token, b"\xff" * 100), method, {400, 401, 403, 404}, None
            yield "body", f"{name} [{who}] UTF-16 body", build(method, target, token, body.decode().encode("utf-16")), method, {400, 401, 403, 404, 415}, None
            yield "body", f"{name} [{who}] empty body", build(method, target, token, b""), method, None, None
            yield "body", f"{name} [{who}] JSON null", build(method, target, token, b"null"), method, None, None
            yield "body", f"{name} [{who}] duplicate keys", build(method, target, token, body[:-1] + b"," + body[1:] if len(body) > 2 else body), method, None, None
            for fpath, fschema in body_fields(schema):
                fbase = item_base(base, schema, fpath)
                values = field_values(fschema)
                for v in values if full else values[:1]:
                    yield "field", f"{name} [{who}] {'.'.join(map(str, fpath))}={v[:30]!r}", build(method, target, token, with_field(fbase, fpath, v)), method, None, None
            for ct in CTYPES:
                yield "content type", f"{name} [{who}] content-type {ct!r}", build(method, target, token, body, ctype=ct), method, None, None
        # Wrong and odd methods (with the token, and once without).
        declared = {m.upper() for m in doc["paths"][path] if m in ("get", "post", "put", "patch", "delete")}
        if method != sorted(declared)[0]:
            continue
        for token in (TOKEN, None):
            who = "admin" if token else "anonymous"
            for m in ["PUT", "DELETE", "PATCH", "POST", "GET", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "CONNECT"]:
                if m in declared and m not in ("HEAD", "OPTIONS", "TRACE"):
                    continue
                b = b"{}" if m in ("PUT", "PATCH", "POST") else None
                yield "method", f"{m} {path} [{who}]", build(m, fill(path), token, b), "HEAD" if m == "HEAD" else m, None, None
    yield from raw_cases()


def raw_cases():
    P = "/api/v1/parties"
    party_body = json.dumps(BASES[P]).encode()
    yield "raw", "100 KB path", build("GET", P + "/" + "a" * 100_000, TOKEN), "GET", None, None
    yield "raw", "100 KB query", build("GET", P + "?q=" + "a" * 100_000, TOKEN), "GET", None, None
    yield "raw", "1 MB query", build("GET", P + "?q=" + "a" * 1_000_000, TOKEN), "GET", None, None
    yield "raw", "100 KB path [anonymous]", build("GET", P + "/" + "a" * 100_000), "GET", None, None
    yield "raw", "10,000 limit params", build("GET", P + "?" + "&".join(["limit=1"] * 10_000), TOKEN), "GET", None, None
    yield "raw", "10,000 distinct params", build("GET", P + "?" + "&".join(f"a{i}=1" for i in range(10_000)), TOKEN), "GET", None, None
    yield "raw", "limit=1&limit=500", build("GET", P + "?limit=1&limit=500", TOKEN), "GET", None, None
    yield "raw", "cursor twice", build("GET", P + "?cursor=abc&cursor=def", TOKEN), "GET", None, None
    yield "raw", "percent-encoded path segments", build("GET", "/api/v1/%70arties", TOKEN), "GET", None, None
    yield "raw", "double slashes", build("GET", "//api//v1//parties", TOKEN), "GET", None, None
    yield "raw", "../ traversal", build("GET", "/api/v1/parties/../../../etc/passwd", TOKEN), "GET", None, None
    yield "raw", "%2e%2e traversal", build("GET", "/api/v1/%2e%2e/%2e%2e/etc/passwd", TOKEN), "GET", None, None
    yield "raw", "absolute-form target", build("GET", f"http://evil.example{P}", TOKEN), "GET", None, None
    yield "raw", "asterisk target", build("OPTIONS", "*", TOKEN), "OPTIONS", None, None
    yield "raw", "no leading slash", build("GET", "api/v1/parties", TOKEN), "GET", None, None
    for label, auth in {"two tokens, valid first": [TOKEN, "garbage"], "two tokens, valid last": ["garbage", TOKEN]}.items():
        yield "raw", label, build("GET", P, None, headers=[("Authorization", "Bearer " + a) for a in auth]), "GET", None, None
    bad_tokens = {"Bearer": "Bearer", "Bearer empty": "Bearer ", "Bearer 100 KB": "Bearer " + "a" * 100_000,
                  "Bearer a.b.c": "Bearer a.b.c", "Basic": "Basic YWRtaW46cGFzcw==",
                  "alg none": "Bearer " + base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=") + "."
                  + base64.urlsafe_b64encode(json.dumps({"sub": str(uuid.uuid4()), "exp": 9999999999}).encode()).decode().rstrip("=") + ".",
                  "token twice in one header": "Bearer " + TOKEN + " " + TOKEN, "lowercase bearer": "bearer " + TOKEN,
                  "token with a NUL": b"Bearer " + TOKEN.encode() + b"\x00", "token with \\xff": b"Bearer \xff" + TOKEN.encode(),
                  "tampered signature": "Bearer " + TOKEN[:-4] + ("AAAA" if not TOKEN.endswith("AAAA") else "BBBB")}
    for label, value in bad_tokens.items():
        yield "raw", f"Authorization: {label}", build("GET", P, None, headers=[("Authorization", value)]), "GET", None, None
    yield "raw", "two content types", build("POST", P, TOKEN, party_body, headers=[("Content-Type", "text/plain")]), "POST", None, None
    yield "raw", "two equal content-lengths", build("POST", P, TOKEN, party_body, headers=[("Content-Length", str(len(party_body)))]), "POST", None, None
    yield "raw", "two different content-lengths", build("POST", P, TOKEN, party_body, headers=[("Content-Length", "5")]), "POST", None, None
    yield "raw", "two idempotency keys", build("POST", P, TOKEN, party_body, headers=[("Idempotency-Key", "a"), ("Idempotency-Key", "b")]), "POST", None, None
    for label, key in {"256 chars": "k" * 256, "non-ASCII": "clé".encode(), "empty": "", "space": "a b", "NUL": b"a\x00b",
                       "10 KB": "k" * 10_000}.items():
        yield "raw", f"Idempotency-Key {label}", build("POST", P, TOKEN, party_body, headers=[("Idempotency-Key", key)]), "POST", None, None
    for value in ['"abc"', 'W/"1"', "*", '"99999999999999999999999"', '"-1"', '"1", "2"', "", '"' + "9" * 10_000 + '"']:
        yield "raw", f"If-Match {value[:20]!r}", build("PATCH", f"{P}/{party}", TOKEN, b'{"notes":"x"}', headers=[("If-Match", value)]), "PATCH", None, None
    yield "raw", "two If-Match", build("PATCH", f"{P}/{party}", TOKEN, b'{"notes":"x"}', headers=[("If-Match", '"1"'), ("If-Match", '"2"')]), "PATCH", None, None
    yield "raw", "100 equal headers", build("GET", P, TOKEN, headers=[("X-Dup", "1")] * 100), "GET", None, None
    yield "raw", "5,000 headers", build("GET", P, TOKEN, headers=[(f"X-H{i}", "1") for i in range(5000)]), "GET", None, None
    yield "raw", "a 100 KB header", build("GET", P, TOKEN, headers=[("X-Big", "a" * 100_000)]), "GET", None, None
    yield "raw", "no Host", b"GET /api/v1/parties HTTP/1.1\r\nConnection: close\r\nAuthorization: Bearer " + TOKEN.encode() + b"\r\n\r\n", "GET", None, None
    yield "raw", "two Hosts", build("GET", P, TOKEN, headers=[("Host", "evil.example")]), "GET", None, None
    yield "raw", "HTTP/1.0", b"GET /api/v1/parties HTTP/1.0\r\nAuthorization: Bearer " + TOKEN.encode() + b"\r\n\r\n", "GET", None, None
    yield "raw", "HTTP/9.9", b"GET /api/v1/parties HTTP/9.9\r\nHost: x\r\n\r\n", "GET", None, None
    yield "raw", "HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET", None, None
    yield "raw", "garbage request line", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64) + b"\r\n\r\n", "GET", None, None
    yield "raw", "LF-only line ends", b"GET /health HTTP/1.1\nHost: x\nConnection: close\n\n", "GET", None, None
    yield "raw", "header without colon", build("GET", P, TOKEN, headers=[]).replace(b"Connection: close", b"Connection close"), "GET", None, None
    yield "raw", "obs-fold header", build("GET", P, TOKEN).replace(b"Connection: close", b"X-A: 1\r\n folded\r\nConnection: close"), "GET", None, None
    yield "raw", "Content-Length negative", build("POST", P, TOKEN, party_body, length=-1), "POST", None, None
    yield "raw", "Content-Length not a number", build("POST", P, TOKEN, party_body, length="abc"), "POST", None, None
    yield "raw", "Content-Length 2^64", build("POST", P, TOKEN, party_body, length=2 ** 64), "POST", None, None
    yield "raw", "Content-Length smaller than the body", build("POST", P, TOKEN, party_body + b"GARBAGE / HTTP/1.1\r\n\r\n", length=len(party_body)), "POST", None, None
    yield "raw", "Content-Length and chunked", build("POST", P, TOKEN, b"5\r\n{}   \r\n0\r\n\r\n", headers=[("Transfer-Encoding", "chunked")]), "POST", None, None
    chunked = lambda data: build("POST", P, TOKEN, None, headers=[("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]) + data
    yield "raw", "chunked: bad size", chunked(b"zz\r\n{}\r\n0\r\n\r\n"), "POST", None, None
    yield "raw", "chunked: size 2^64", chunked(b"ffffffffffffffffff\r\n{}\r\n0\r\n\r\n"), "POST", None, None
    yield "raw", "chunked: 2 MB in 1 KB chunks", chunked(b"".join(b"400\r\n" + b" " * 1024 + b"\r\n" for _ in range(2048)) + b"0\r\n\r\n"), "POST", {413}, None
    yield "raw", "Transfer-Encoding: gzip", build("POST", P, TOKEN, party_body, headers=[("Transfer-Encoding", "gzip")]), "POST", None, None
    yield "raw", "Content-Encoding: gzip garbage", build("POST", P, TOKEN, b"not gzip at all", headers=[("Content-Encoding", "gzip")]), "POST", None, None
    bomb = gzip.compress(b" " * (64 * 1024 * 1024), 9)
    yield "raw", f"gzip bomb ({len(bomb) // 1024} KB → 64 MB)", build("POST", P, TOKEN, bomb, headers=[("Content-Encoding", "gzip")]), "POST", None, None
    del bomb
    yield "raw", "Content-Encoding: br garbage", build("POST", P, TOKEN, b"\x00" * 100, headers=[("Content-Encoding", "br")]), "POST", None, None
    yield "raw", "Expect: 100-continue", build("POST", P, TOKEN, party_body, headers=[("Expect", "100-continue")]), "POST", None, None
    yield "raw", "Expect: garbage", build("POST", P, TOKEN, party_body, headers=[("Expect", "nonsense")]), "POST", None, None
    # Lies: fewer bytes than declared, then silence. 408 expected within ~10 s (the body deadline).
    for label, method, target, token, body in [
        ("POST /parties", "POST", P, TOKEN, b'{"kind":'), ("PATCH /parties/{id}", "PATCH", f"{P}/{party}", TOKEN, b"{"),
        ("POST /auth/token [anonymous]", "POST", "/api/v1/auth/token", None, b'{"email"'),
        ("POST /invoices, no body at all", "POST", "/api/v1/invoices", TOKEN, b""),
        ("POST /parties [anonymous]", "POST", P, None, b"{")]:
        yield "lie", f"Content-Length 1000, {len(body)} bytes sent: {label}", build(method, target, token, body, length=1000), method, {401, 408}, 15
    yield "lie", "chunked body never finished", chunked(b"10\r\n{\"kind\": "), "POST", {408}, 15
    yield "lie", "headers never finished", b"GET /api/v1/parties HTTP/1.1\r\nHost: x\r\nX-Slow: 1", "GET", {408, None}, 15


def selected():
    """The cases, made one at a time (a 10 MB body each is too many to hold at once)."""
    for case in cases():
        if FRACTION >= 1 or case[0] == "lie" or rng.random() < FRACTION:
            yield case


# ---------------------------------------------------------------- the run

results = []          # (category, label, Result, expected statuses, deadline)
in_flight = {}
lock = threading.Lock()
stop = threading.Event()
watcher = threading.Thread(target=server.watch, args=(stop, in_flight), daemon=True)
watcher.start()
samples = {}          # label -> request bytes, for the 500s and hangs
with_token = 0


def run(case):
    global with_token
    category, label, raw, method, expect, deadline = case
    raw = raw() if callable(raw) else raw
    ident = threading.get_ident()
    for attempt in range(3):
        server.up.wait(120)
        with lock:
            in_flight[ident] = label
        result = send(raw, "HEAD" if method == "HEAD" else "GET" if method not in ("POST", "PUT", "PATCH", "DELETE") else method)
        with lock:
            in_flight.pop(ident, None)
        if result.outcome != "refused":
            break
        time.sleep(0.5)
    with lock:
        results.append((category, label, result, expect, deadline))
        with_token += b"Bearer " + TOKEN.encode() in raw
        if result.status and result.status >= 500 or result.outcome == "hung":
            samples[label] = raw


work = queue.Queue(maxsize=WORKERS * 2)


def worker():
    while (case := work.get()) is not None:
        run(case)


t0 = time.monotonic()
workers = [threading.Thread(target=worker) for _ in range(WORKERS)]
for w in workers:
    w.start()
for case in selected():
    work.put(case)
for _ in workers:
    work.put(None)
for w in workers:
    w.join()
took = time.monotonic() - t0
stop.set()
watcher.join()
alive = server.proc.poll() is None
rss_after = server.status("VmRSS")
peak = max(server.peak_kb, server.status("VmHWM") or 0)
server.proc.terminate()
server.proc.wait()

# ---------------------------------------------------------------- the report

statuses = collections.Counter(r.status if r.outcome == "answered" else r.outcome for _, _, r, _, _ in results)
codes = collections.Counter(r.code for _, _, r, _, _ in results if r.code)
by_category = collections.defaultdict(collections.Counter)
for category, _, r, _, _ in results:
    by_category[category][r.status if r.outcome == "answered" else r.outcome] += 1
five = [(c, l, r) for c, l, r, _, _ in results if r.status and r.status >= 500 and r.status != 503]
busy = [(c, l, r) for c, l, r, _, _ in results if r.status == 503]
hangs = [(c, l, r) for c, l, r, _, _ in results if r.outcome == "hung"]
closed = [(c, l, r) for c, l, r, _, _ in results if r.outcome in ("closed", "bad response", "refused")]
unexpected = [(c, l, r) for c, l, r, expect, deadline in results
              if expect is not None and (r.status if r.outcome == "answered" else None) not in expect
              or deadline is not None and r.elapsed > deadline]
not_problem = [(c, l, r) for c, l, r, _, _ in results if r.status and r.status >= 400 and not l.startswith("HEAD ") and not (
    r.ctype or "").startswith("application/problem+json")]
log = open(LOG, errors="replace").read().splitlines()
panics = [line for line in log if "panicked" in line]

key = lambda kv: str(kv[0])
print(f"{len(results)} requests ({WORKERS} at a time) in {took:.0f} s, {with_token} with the admin token")
print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=key)))
for category, counter in by_category.items():
    print(f"  {category:12s} " + ", ".join(f"{s}: {n}" for s, n in sorted(counter.items(), key=key)))
print("codes: " + ", ".join(f"{c}: {n}" for c, n in codes.most_common()))
print(f"500s: {sum(1 for _, _, r in five if r.status == 500)}, other 5xx but 503: {sum(1 for _, _, r in five if r.status != 500)}, "
      f"503: {len(busy)}, hangs: {len(hangs)}, crashes: {len(server.crashes)}, closed without an answer: {len(closed)}, "
      f"panics in the log: {len(panics)}")
lies = [(l, r) for c, l, r, _, _ in results if c == "lie"]
print("lies: " + "; ".join(f"{l}: {r.status or r.outcome} in {r.elapsed:.1f} s" for l, r in lies))
slowest = sorted(results, key=lambda x: -x[2].elapsed)
print("slowest (not lies): " + "; ".join(f"{l[:70]}: {r.status or r.outcome} in {r.elapsed:.1f} s"
                                          for c, l, r, _, _ in [x for x in slowest if x[0] != "lie"][:5]))
print(f"RSS before {rss_before // 1024} MB, after {rss_after // 1024} MB, peak {peak // 1024} MB; alive at the end: {alive}")
for rise, labels in sorted(server.jumps, key=lambda j: -j[0])[:3]:
    print(f"  peak rose by {rise // 1024} MB while in flight: " + "; ".join(l[:60] for l in labels))
if server.jumps:
    rises = collections.Counter()
    for rise, labels in server.jumps:
        for what in {re.sub(r" \[\w+\].*| \d+ bytes sent.*|, \d+ bytes sent.*", "", l)[:40] for l in labels}:
            rises[what] += rise
    print(f"  rises of the peak by 1 MB or more: {len(server.jumps)}, {sum(r for r, _ in server.jumps) // 1024} MB in all; "
          "most while in flight: " + "; ".join(f"{w} {kb // 1024} MB" for w, kb in rises.most_common(5)))
if closed:
    print(f"closed without an answer ({len(closed)}): " + "; ".join(f"{l[:80]}" for _, l, _ in closed[:8]))
if unexpected:
    print(f"not as expected ({len(unexpected)}): " + "; ".join(f"{l[:80]} → {r.status or r.outcome} ({r.elapsed:.1f} s)"
                                                              for _, l, r in unexpected[:10]))
if not_problem:
    kinds = collections.Counter((r.status, r.ctype) for _, _, r in not_problem)
    print(f"errors without a problem+json body ({len(not_problem)}): {dict(kinds)}; by category "
          f"{dict(collections.Counter(c for c, _, _ in not_problem))}; e.g. " + "; ".join(l[:60] for _, l, _ in not_problem[:5]))
with open(os.path.join(WORKDIR, "results.tsv"), "w") as out:
    for category, label, r, _, _ in results:
        out.write(f"{category}\t{label!r}\t{r.status or r.outcome}\t{r.code or ''}\t{r.elapsed:.3f}\t{r.request_id or ''}\n")
print(f"server log {LOG}: {len(log)} lines; every request and its answer: {WORKDIR}/results.tsv")
for _, label, r in five + hangs + busy[:5]:
    print(f"\n{r.status or r.outcome} {label} (x-request-id {r.request_id}, {r.elapsed:.1f} s)")
    raw = samples.get(label, b"")
    print("  request: " + repr(raw[:400]) + (f" … ({len(raw)} bytes)" if len(raw) > 400 else ""))
    for line in [line for line in log if r.request_id and r.request_id in line][:6]:
        print("  log: " + line[:600])
for code, in_flight_then in server.crashes:
    print(f"\ncrash (exit {code}); in flight: {in_flight_then}")
for line in panics[:5]:
    print("panic: " + line[:600])
if five or hangs or server.crashes or not alive or panics:
    sys.exit(1)
