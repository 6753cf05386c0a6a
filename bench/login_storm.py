"""Wrong-password logins in parallel against a running server, while the real user logs in: the
server's peak memory (VmHWM of its process) and what the real user got.

    python3 bench/login_storm.py [HOST:PORT] [SERVER_PID] [REQUESTS] [PARALLEL]

Each parallel worker sends from its own loopback address (127.0.1.N), so the login throttle (10
failures per account and address) does not answer for the password checks this is about. The
server must have the admin admin@example.com / "change me please" (as in the README). Not part of
CI: figures are measured here, never asserted in tests."""
import http.client, json, sys, threading, time, collections

HOST, PORT = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080").split(":")
PID = sys.argv[2] if len(sys.argv) > 2 else None
REQUESTS = int(sys.argv[3]) if len(sys.argv) > 3 else 640
PARALLEL = int(sys.argv[4]) if len(sys.argv) > 4 else 64

def login(source, email, password):
    conn = http.client.HTTPConnection(HOST, int(PORT), timeout=60, source_address=(source, 0))
    body = json.dumps({"email": email, "password": password})
    start = time.perf_counter()
    conn.request("POST", "/api/v1/auth/token", body, {"content-type": "application/json"})
    status = conn.getresponse().status
    conn.close()
    return status, (time.perf_counter() - start) * 1000

def rss(field):
    if not PID:
        return None
    for line in open(f"/proc/{PID}/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    return None

statuses = collections.Counter()
lock = threading.Lock()
def worker(n):
    for i in range(REQUESTS // PARALLEL):
        status, _ = login(f"127.0.1.{n + 1}", f"guess{n}@example.com", f"wrong password {i}")
        with lock:
            statuses[status] += 1

print(f"before: RSS {rss('VmRSS')} MB")
threads = [threading.Thread(target=worker, args=(n,)) for n in range(PARALLEL)]
start = time.perf_counter()
for t in threads:
    t.start()
time.sleep(0.5)
real = login("127.0.2.1", "admin@example.com", "change me please")
for t in threads:
    t.join()
print(f"{REQUESTS} wrong logins, {PARALLEL} in parallel: {dict(statuses)} in {time.perf_counter() - start:.1f} s")
print(f"the real user during the storm: {real[0]} in {real[1]:.0f} ms")
print(f"peak RSS {rss('VmHWM')} MB, now {rss('VmRSS')} MB")
