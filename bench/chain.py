"""Times the chain offer → sales order → invoice order → invoice → issue → flow for a document of
N lines, over HTTP against a running server (client-side wall time, median of RUNS).

    python3 bench/chain.py [API_URL] [N] [RUNS]

The server must have the admin admin@example.com / "change me please" (as in the README). Not part
of CI: speed is measured here, never asserted in tests."""
import json, statistics, sys, time, urllib.request

API = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/api/v1"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 500
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5

def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    start = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        payload = r.read()
    return json.loads(payload) if payload else None, (time.perf_counter() - start) * 1000

token = call("POST", "/auth/token", {"email": "admin@example.com", "password": "change me please"})[0]["access_token"]
party = call("POST", "/parties", {"kind": "organization", "name": "Bench", "roles": ["customer"], "currency": "EUR"}, token)[0]
lines = [{"description": f"Item {i}", "quantity": "3", "unit_price": "19.99", "tax_rate": "19"} for i in range(N)]
timings = {k: [] for k in ["create offer", "convert to order", "invoice order (all)", "invoice from order", "issue", "flow"]}
for run in range(RUNS):
    offer, t = call("POST", "/offers", {"party_id": party["id"], "lines": lines}, token); timings["create offer"].append(t)
    call("POST", f"/offers/{offer['id']}/send", None, token)
    call("POST", f"/offers/{offer['id']}/accept", None, token)
    order, t = call("POST", "/sales-orders", {"offer_id": offer["id"]}, token); timings["convert to order"].append(t)
    call("POST", f"/sales-orders/{order['id']}/confirm", None, token)
    io, t = call("POST", "/invoice-orders", {"sales_order_id": order["id"]}, token); timings["invoice order (all)"].append(t)
    inv, t = call("POST", "/invoices", {"invoice_order_id": io["id"]}, token); timings["invoice from order"].append(t)
    _, t = call("POST", f"/invoices/{inv['id']}/issue", None, token); timings["issue"].append(t)
    _, t = call("GET", f"/sales-orders/{order['id']}/flow", None, token); timings["flow"].append(t)
    assert len(inv["lines"]) == N
for k, v in timings.items():
    print(f"{k:22s} median {statistics.median(v):7.1f} ms  min {min(v):7.1f}  max {max(v):7.1f}")
