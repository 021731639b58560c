"""Web benchmark: each learner page against the framework's floor, then N concurrent learners.

Against a running server (gunicorn as `make run` starts it) with demo learners
(`manage.py seed_demo --learners 1000`, or 10000):

    .venv/bin/python bench/web.py --base-url http://127.0.0.1:8000 --clients 20 --duration 30

Two phases, in one run so the figures share the machine's conditions:

1. One client. The anonymous home page (the floor: template, session and middleware, no queries
   for a learner) and each page of the mix, one signed-in learner, requests interleaved round-robin
   so a burst of other load hits every page alike. Prints each page's p50 and its ratio to the
   home page's p50.
2. Load. N clients, each signed in as its own demo learner (one session cookie for pages and API),
   request a random page of the mix until the time is up. Prints requests/s, p50/p95 per page and
   overall, and the errors.

Only loopback addresses are accepted.
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
HOME = ("page / (anonymous)", "page", "/")
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


ERROR_KINDS: dict[str, int] = defaultdict(int)  # "429 /api/v1/tracks/" or "ReadTimeout /dashboard/" → count
_error_lock = threading.Lock()


def fetch(session: httpx.Client, kind: str, path: str) -> tuple[float, bool]:
    started = time.perf_counter()
    error = None
    try:
        response = session.get(path, headers={"Accept": "application/json"} if kind == "api" else {})
        if response.status_code != 200:
            error = f"{response.status_code} {path}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__} {path}"
    elapsed = time.perf_counter() - started
    if error:
        with _error_lock:
            ERROR_KINDS[error] += 1
    return elapsed, error is None


def pct(values: list[float], q: int) -> float:
    """The q-th percentile in milliseconds."""
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def one_client(base: str, learner: httpx.Client, rounds: int) -> dict[str, float]:
    """Round-robin over the home page and the mix; returns p50 ms per page."""
    anonymous = httpx.Client(base_url=base, timeout=30)
    pages = [HOME, *MIX]
    for name, kind, path in pages:  # warm up: connections, per-process caches
        for _ in range(3):
            fetch(anonymous if name == HOME[0] else learner, kind, path)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    for _ in range(rounds):
        for name, kind, path in pages:
            elapsed, ok = fetch(anonymous if name == HOME[0] else learner, kind, path)
            latencies[name].append(elapsed)
            errors[name] += 0 if ok else 1
    floor = pct(latencies[HOME[0]], 50)
    print(f"\none client, {rounds} requests per page, interleaved")
    print(f"{'page':32} {'p50 ms':>8} {'× home':>7} {'p95 ms':>8} {'errors':>6}")
    p50s = {}
    for name, _, _ in pages:
        p50s[name] = pct(latencies[name], 50)
        print(f"{name:32} {p50s[name]:8.1f} {p50s[name] / floor:7.1f} {pct(latencies[name], 95):8.1f} {errors[name]:6d}")
    return p50s


def load(sessions: list[httpx.Client], duration: float, seed: int) -> None:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(index: int) -> None:
        rng = random.Random(seed + index)
        while time.monotonic() < deadline:
            name, kind, path = rng.choice(MIX)
            elapsed, ok = fetch(sessions[index], kind, path)
            with lock:
                latencies[name].append(elapsed)
                errors[name] += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(sessions))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    everything = [v for values in latencies.values() for v in values]
    print(f"\n{len(sessions)} clients, {wall:.1f} s, {len(everything)} requests, "
          f"{len(everything) / wall:.1f} req/s, errors {sum(errors.values())}")
    print(f"{'page':32} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}")
    for name, _, _ in MIX:
        values = latencies.get(name, [])
        print(f"{name:32} {len(values):6d} {pct(values, 50):8.1f} {pct(values, 95):8.1f} {errors.get(name, 0):6d}")
    print(f"{'all':32} {len(everything):6d} {pct(everything, 50):8.1f} {pct(everything, 95):8.1f} {sum(errors.values()):6d}")
    if ERROR_KINDS:
        print("errors by kind: " + ", ".join(f"{kind} ×{n}" for kind, n in sorted(ERROR_KINDS.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=20, help="concurrent learners in the load phase (0: skip it)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the load phase")
    parser.add_argument("--rounds", type=int, default=60,
                        help="requests per page in the one-client phase (0: skip it); its learner's API reads "
                             "count against the per-learner API throttle (600/min by default)")
    parser.add_argument("--learners", type=int, default=1000,
                        help="how many demo learners are seeded: clients sign in as learners spread over all of them")
    parser.add_argument("--seed", type=int, default=1, help="the random mix, and which learners sign in")
    args = parser.parse_args()
    if urlparse(args.base_url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("only loopback targets are allowed")

    # Learners spread over the whole seeded range, so a 10,000-learner run reads rows from all of it.
    # The one-client phase has a learner of its own: API reads are throttled per learner (600/min).
    # Another --seed picks other learners, so runs a minute apart do not share throttle windows.
    step = max(2, args.learners // max(1, args.clients))
    offset = (args.seed - 1) % max(1, step // 2)
    numbers = [1 + offset + i * step for i in range(args.clients)]
    print(f"signing in {len(numbers) + 1} demo learners…")
    if args.rounds:
        one_client(args.base_url, sign_in(args.base_url, f"learner{1 + offset + step // 2:04d}@{DOMAIN}"), args.rounds)
    if args.clients:
        load([sign_in(args.base_url, f"learner{n:04d}@{DOMAIN}") for n in numbers], args.duration, args.seed)


if __name__ == "__main__":
    main()
