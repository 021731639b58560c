"""Load test: N concurrent signed-in learners on the dashboard and the main API pages.

Against a running `make run` with demo learners (SEED_DEMO=1, or `manage.py seed_demo --learners 1000`):

    .venv/bin/python bench/web.py --base-url http://127.0.0.1:8000 --clients 20 --duration 30

Each client signs in as its own demo learner (one session cookie for pages and API), then
requests a random page from the mix until the time is up. Prints requests/s, p50/p95 per endpoint
and overall, and the errors. Only loopback addresses are accepted.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import threading
import time
from collections import defaultdict
from urllib.parse import urlparse

import httpx

DOMAIN = "demo.example.com"
PASSWORD = "demo-learner-pass"  # noqa: S105 - the documented demo credential
MIX = [
    ("page /dashboard/", "page", "/dashboard/"),
    ("page /roadmaps/", "page", "/roadmaps/"),
    ("api /api/v1/readiness/", "api", "/api/v1/readiness/"),
    ("api /api/v1/progress/", "api", "/api/v1/progress/"),
    ("api /api/v1/tracks/", "api", "/api/v1/tracks/"),
    ("api /api/v1/interviews/", "api", "/api/v1/interviews/"),
    ("api /api/v1/portfolio/", "api", "/api/v1/portfolio/"),
]


def sign_in(base: str, email: str) -> httpx.Client:
    page = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    form = page.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if token is None:
        raise SystemExit("no CSRF token on the login page")
    for _attempt in range(5):  # sign-in is rate limited per IP (30/min by default): wait and retry
        response = page.post("/accounts/login/", data={"login": email, "password": PASSWORD,
                                                       "csrfmiddlewaretoken": token.group(1)},
                             headers={"Referer": f"{base}/accounts/login/"})
        if response.status_code != 429:
            break
        time.sleep(15)
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed for {email}: {response.status_code} (seed demo learners first)")
    # The API reads use the same session (GETs need no CSRF token); token sign-in is throttled per IP.
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if urlparse(args.base_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("only loopback targets are allowed")

    print(f"signing in {args.clients} demo learners…")
    sessions = [sign_in(args.base_url, f"learner{i:04d}@{DOMAIN}") for i in range(1, args.clients + 1)]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.monotonic() + args.duration

    def client(index: int) -> None:
        rng = random.Random(args.seed + index)
        session = sessions[index]
        while time.monotonic() < deadline:
            name, kind, path = rng.choice(MIX)
            started = time.perf_counter()
            try:
                response = session.get(path, headers={"Accept": "application/json"} if kind == "api" else {})
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                latencies[name].append(elapsed)
                if not ok:
                    errors[name] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started

    def pct(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) >= 2 else (values[0] * 1000 if values else 0.0)

    everything = [v for values in latencies.values() for v in values]
    print(f"\n{args.clients} clients, {wall:.1f} s, {len(everything)} requests, "
          f"{len(everything) / wall:.1f} req/s, errors {sum(errors.values())}")
    print(f"{'endpoint':32} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
    for name, _, _ in MIX:
        values = latencies.get(name, [])
        print(f"{name:32} {len(values):6d} {pct(values, 50):8.1f} {pct(values, 95):8.1f} {errors.get(name, 0):6d}")
    print(f"{'all':32} {len(everything):6d} {pct(everything, 50):8.1f} {pct(everything, 95):8.1f} {sum(errors.values()):6d}")


if __name__ == "__main__":
    main()
