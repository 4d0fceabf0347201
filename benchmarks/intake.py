#!/usr/bin/env python
"""Intake throughput: POST /api/v1/contacts from concurrent clients for a fixed time.

Starts its own server (gunicorn, WSGI workers) on a fresh database unless --url is given, creates
an API key, then for --seconds drives durable report submissions from --concurrency clients and
prints reports/s and p50/p95/p99 latency; then measures /healthz the same way as the ceiling and
prints the ratio.

    .venv/bin/python benchmarks/intake.py                          # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onedoor_bench .venv/bin/python benchmarks/intake.py
    .venv/bin/python benchmarks/intake.py --url http://127.0.0.1:8000 --api-key od_…
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "My bike was stolen from outside the library yesterday afternoon.",
    "Someone smashed my car window overnight and took a bag from the back seat.",
    "Loud party next door every night this week until 3am.",
    "I received a text pretending to be my bank asking me to move money.",
    "There is a man shouting and throwing bottles outside the shop right now.",
    "My elderly neighbour has not been seen for two days and her curtains are closed.",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def drive(url: str, seconds: float, concurrency: int, make_request) -> tuple[int, int, list[float]]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:

        async def worker(n: int):
            nonlocal errors
            i = 0
            while time.perf_counter() < deadline:
                i += 1
                start = time.perf_counter()
                try:
                    response = await make_request(client, n, i)
                    ok = response.status_code < 300
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return len(latencies), errors, latencies


def report(label: str, count: int, errors: int, latencies: list[float], seconds: float) -> float:
    rate = count / seconds
    if latencies:
        print(f"{label:>10}: {rate:8.1f}/s  ok={count} errors={errors}  p50={percentile(latencies, 50):.1f} ms  "
              f"p95={percentile(latencies, 95):.1f} ms  p99={percentile(latencies, 99):.1f} ms  "
              f"mean={statistics.fmean(latencies):.1f} ms")
    else:
        print(f"{label:>10}: no successful requests, errors={errors}")
    return rate


def recreate_postgres_database(url: str) -> None:
    """A fresh, empty benchmark database each run, so results are comparable."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_server(workers: int) -> tuple[subprocess.Popen, str, str, str]:
    data_dir = tempfile.mkdtemp(prefix="onedoor-bench-")
    env = dict(os.environ, ONEDOOR_DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING",
               API_KEY_RATE="1000000/min")
    bin_dir = Path(sys.executable).parent
    onedoor = str(bin_dir / "onedoor")
    if env.get("DATABASE_URL", "").startswith("postgres"):
        recreate_postgres_database(env["DATABASE_URL"])
    subprocess.run([onedoor, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    key = subprocess.run([onedoor, "apikey", "create", "benchmark"], env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return server, url, key, env.get("DATABASE_URL", f"sqlite:///{data_dir}/onedoor.sqlite3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="Target a running server instead of starting one.")
    parser.add_argument("--api-key", help="API key for --url.")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers when starting a server")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of unmeasured load first (workers load models)")
    args = parser.parse_args()

    server = None
    if args.url:
        if not args.api_key:
            parser.error("--url needs --api-key")
        url, key, database = args.url, args.api_key, "(remote)"
    else:
        server, url, key, database = start_server(args.workers)
    try:
        print(f"target {url}  database {database.split('@')[-1]}  concurrency {args.concurrency}  {args.seconds:.0f}s each")
        headers = {"Authorization": f"Api-Key {key}"}
        rng = random.Random(1)

        async def post_contact(client, n, i):
            body = {"text": rng.choice(TEXTS), "answers": {"happened": "earlier"},
                    "reporter": {"name": "Bench Mark", "email": f"bench{n}.{i}@example.com"}}
            return await client.post("/api/v1/contacts", json=body, headers={**headers, "Idempotency-Key": f"{n}-{i}-{time.time()}"})

        async def get_health(client, n, i):
            return await client.get("/healthz")

        if args.warmup:
            asyncio.run(drive(url, args.warmup, args.concurrency, post_contact))
        count, errors, latencies = asyncio.run(drive(url, args.seconds, args.concurrency, post_contact))
        reports = report("reports", count, errors, latencies, args.seconds)
        count, errors, latencies = asyncio.run(drive(url, args.seconds, args.concurrency, get_health))
        ceiling = report("healthz", count, errors, latencies, args.seconds)
        if ceiling:
            print(f"     ratio: reports are {reports / ceiling:.1%} of the /healthz ceiling")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
