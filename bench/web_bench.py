"""Web app benchmarks: server time per page and per API call, and a bounded
load run on loopback.

    python bench/web_bench.py latency --db /tmp/1m.sqlite            # p95 per page / API (in process)
    python bench/web_bench.py load --db /tmp/1m.sqlite --seconds 60  # 32 clients over HTTP (uvicorn)
    python bench/web_bench.py load --pg --fill 20000 --seconds 60    # PostgreSQL: a throw-away schema, filled

A ledger for --db is built by `python bench/ledger_bench.py search --claims 1000000 --keep FILE`.
Each prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import threading
import time
from contextlib import contextmanager

from claimgraph.store import open_store
from claimgraph.store.synthetic import OBJECTS, VERBS

PAGE_FLOOR_MS, API_FLOOR_MS = 150, 100


def _paths(rng: random.Random, n: int, article_max: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        verb, obj = rng.choice(VERBS), rng.choice(OBJECTS).split()[-1]
        q = [f"{verb} {obj}", f'"{verb} the"', f"{obj} status:denied", f"{verb} from:2024-03 to:2024-05"][i % 4]
        out += [
            ("page", f"/search?q={q}"),
            ("page", f"/articles/{rng.randint(1, article_max)}"),
            ("page", f"/story?q={obj}"),
            ("page", f"/map?q={q}"),
            ("page", "/sources"),
            ("api", f"/api/search?query={q}"),
            ("api", f"/api/claims?query={obj}&contradicted=true"),
            ("api", f"/api/story?subject={obj}&limit=50"),
        ]
    return out


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[max(0, int(len(values) * q) - 1)] * 1000, 1)


def latency(args, store) -> None:
    from fastapi.testclient import TestClient

    from claimgraph.web.app import create_app

    client = TestClient(create_app(store), raise_server_exceptions=False)
    paths = _paths(random.Random(5), args.rounds, store.count("articles"))
    for _, p in paths[:16]:  # warm caches
        client.get(p)
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}  # CPU seconds of the process: the server's work, whatever else the machine runs
    statuses = []
    for kind, p in paths:
        name = f"{kind} {p.split('?')[0].rsplit('/', 1)[0] if '/articles/' in p else p.split('?')[0]}"
        t0, c0 = time.perf_counter(), time.process_time()
        r = client.get(p)
        times.setdefault(name, []).append(time.perf_counter() - t0)
        cpu.setdefault(name, []).append(time.process_time() - c0)
        statuses.append(r.status_code)
    pages = [x for k, v in times.items() if k.startswith("page") for x in v]
    apis = [x for k, v in times.items() if k.startswith("api") for x in v]
    pages_cpu = [x for k, v in cpu.items() if k.startswith("page") for x in v]
    apis_cpu = [x for k, v in cpu.items() if k.startswith("api") for x in v]
    print(
        json.dumps(
            {
                "bench": "web-latency",
                "backend": store.dialect,
                "claims": store.count("claims"),
                "requests": len(statuses),
                "5xx": sum(s >= 500 for s in statuses),
                "page_p95_ms": _p(pages, 0.95),
                "api_p95_ms": _p(apis, 0.95),
                "page_floor_ms": PAGE_FLOOR_MS,
                "api_floor_ms": API_FLOOR_MS,
                "p95_ms_by_path": {k: _p(v, 0.95) for k, v in sorted(times.items())},
                "cpu_page_p95_ms": _p(pages_cpu, 0.95),
                "cpu_api_p95_ms": _p(apis_cpu, 0.95),
                "cpu_p95_ms_by_path": {k: _p(v, 0.95) for k, v in sorted(cpu.items())},
                "load_average": round(os.getloadavg()[0], 1),
            }
        ),
        flush=True,
    )


def load(args, store) -> None:
    import httpx
    import uvicorn

    from claimgraph.web.app import create_app

    app = create_app(store)
    # `claimgraph serve` computes the whole-ledger figures at start; the run measures a server that has
    warm_s = time.perf_counter()
    app.state.warm()
    warm_s = round(time.perf_counter() - warm_s, 1)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    paths = _paths(random.Random(9), 200, store.count("articles"))
    base = f"http://127.0.0.1:{args.port}"
    times, statuses = [], []

    async def client(i: int, until: float) -> None:
        rng = random.Random(i)
        async with httpx.AsyncClient(base_url=base, timeout=60) as c:
            while time.monotonic() < until:
                _, p = rng.choice(paths)
                t0 = time.perf_counter()
                try:
                    r = await c.get(p)
                    statuses.append(r.status_code)
                except httpx.HTTPError:
                    statuses.append(599)
                times.append(time.perf_counter() - t0)

    async def run() -> None:
        until = time.monotonic() + args.seconds
        await asyncio.gather(*(client(i, until) for i in range(args.clients)))

    asyncio.run(run())
    srv.should_exit = True
    print(
        json.dumps(
            {
                "bench": "web-load",
                "backend": store.dialect,
                "claims": store.count("claims"),
                "clients": args.clients,
                "seconds": args.seconds,
                "requests": len(times),
                "rps": round(len(times) / args.seconds, 1),
                "5xx": sum(500 <= s < 599 for s in statuses),
                "timeouts": statuses.count(599),  # no answer within the client's 60 s
                "warm_up_s": warm_s,
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": _p(times, 0.95),
                "p99_ms": _p(times, 0.99),
            }
        ),
        flush=True,
    )


@contextmanager
def _ledger(args):
    if args.pg:
        import sys
        from pathlib import Path

        from claimgraph.link.claims import link
        from claimgraph.store.testing import postgres_schema

        sys.path.insert(0, str(Path(__file__).parent))
        from ledger_bench import fill  # the same synthetic fill as the ledger benchmarks

        with postgres_schema() as url, open_store(url) as store:
            fill(store, args.fill // 4)
            link(store, full=True)
            yield store
    else:
        with open_store(args.db, create=False) as store:
            yield store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("latency", "load"))
    parser.add_argument("--db", help="a ledger (SQLite path or URL)")
    parser.add_argument("--pg", action="store_true", help="a throw-away PostgreSQL schema filled with --fill claims")
    parser.add_argument("--fill", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=40, help="latency: rounds of the 8 requests")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with _ledger(args) as store:
        {"latency": latency, "load": load}[args.what](args, store)


if __name__ == "__main__":
    main()
