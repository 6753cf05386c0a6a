"""Times contracts and subscription billing over HTTP against a running server (client-side wall
time, one client): pricing a product for a party with and without a running contract, creating a
subscription (its first period is priced to check it), a 12-period preview, and then a billing run
over SUBS monthly subscriptions started six months ago (7 periods each due: 7 × SUBS confirmed
orders), and a second run that finds nothing to bill.

    python3 bench/billing.py [API_URL] [RUNS] [SUBS]

The server must have the admin admin@example.com / "change me please" (as in the README). Not part
of CI: speed is measured here, never asserted in tests."""
import datetime, json, statistics, sys, time, urllib.request, uuid

API = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/api/v1"
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
SUBS = int(sys.argv[3]) if len(sys.argv) > 3 else 500


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    start = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        payload = r.read()
    return (json.loads(payload) if payload else None), (time.perf_counter() - start) * 1000


def median(label, timings):
    print(f"{label:<48} median {statistics.median(timings):7.2f} ms  p95 {sorted(timings)[int(len(timings) * 0.95)]:7.2f} ms")


token = call("POST", "/auth/token", {"email": "admin@example.com", "password": "change me please"})[0]["access_token"]
tag = uuid.uuid4().hex[:6]
product = call("POST", "/products", {"sku": f"HOST-{tag}", "name": "Hosting", "list_price": "49.00",
                                     "currency": "EUR", "tax_rate": "19"}, token)[0]
prices = call("POST", "/price-lists", {"name": f"Framework {tag}", "currency": "EUR",
                                       "entries": [{"product_id": product["id"], "unit_price": "45.00"}]}, token)[0]
party = lambda n: call("POST", "/parties", {"kind": "organization", "name": f"Bench {tag} {n}", "roles": ["customer"],
                                            "currency": "EUR"}, token)[0]
plain, signed = party("plain"), party("signed")
contract = call("POST", "/contracts", {"party_id": signed["id"], "title": "Framework", "price_list_id": prices["id"],
                                       "discount_percent": "5"}, token)[0]
call("POST", f"/contracts/{contract['id']}/activate", None, token)
for label, who in [("resolve a price, no contract", plain), ("resolve a price, a running contract", signed)]:
    path = f"/pricing/resolve?party_id={who['id']}&product_id={product['id']}"
    median(label, [call("GET", path, None, token)[1] for _ in range(RUNS)])

today = datetime.date.today()
start = (today.replace(day=1) - datetime.timedelta(days=160)).replace(day=1)
line = [{"product_id": product["id"], "quantity": "1"}]
creating, subs = [], []
for n in range(SUBS):
    who = party(n)
    sub, ms = call("POST", "/subscriptions", {"party_id": who["id"], "interval": "month", "start_date": start.isoformat(),
                                               "lines": line}, token)
    creating.append(ms)
    call("POST", f"/subscriptions/{sub['id']}/activate", None, token)
    subs.append(sub)
median("create a subscription (first period priced)", creating)
median("preview 12 periods", [call("GET", f"/subscriptions/{subs[0]['id']}/preview?periods=12", None, token)[1]
                              for _ in range(min(RUNS, 50))])
run, ms = call("POST", "/subscription-runs", {"as_of": today.isoformat()}, token)
print(f"billing run: {run['billed_count']} periods of {SUBS} subscriptions in {ms / 1000:.1f} s "
      f"({run['billed_count'] / (ms / 1000):.0f} orders/s), {len(run['failures'])} failures")
again, ms = call("POST", "/subscription-runs", {"as_of": today.isoformat()}, token)
print(f"second run: {again['billed_count']} billed in {ms:.0f} ms")
