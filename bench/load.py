"""Load test: 50 concurrent users through gunicorn over every role's pages, p50/p95 per page
beside /healthz's in the same run. Bounded in time and in requests; 127.0.0.1 only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fieldwork_bench .venv/bin/python bench/load.py --port 8100

Serves with the compose file's gunicorn command (3 sync workers, bind changed to
127.0.0.1:PORT) and production settings (DJANGO_DEBUG=0, hashed static files collected into a
temporary folder, persistent connections). The organization is bench/pages.py's (reused when
kept with --keep, built otherwise). Users: Board members, Standing Committee, heads of
departments and cadres, each a thread with its own session (plain threads + http.client)
walking its role's pages in random order, with /healthz every third request. The users start
one after another over --ramp seconds (roles mixed) and each one's /healthz comes at its own
phase of the three, so /healthz is sampled through the whole run, start included: when all 50
started at once, the first request of every user queued behind the others (7 s on a loaded
machine) before any /healthz was asked, and a role with few pages (a cadre's 4) had its pages'
p95 made of that queue alone (2.7× /healthz, the Board's 17 pages 1.3×).
Target (docs/rules.md “Stored standings”): every page's p95 ≤ 2× /healthz's p95, no error.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # shared with gunicorn: sessions made here
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_TESTING", "1")
if not os.environ.get("DATABASE_URL"):
    sys.exit("Set DATABASE_URL (PostgreSQL): the server and this script share the database.")

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from orgs import build_org, org_code  # noqa: E402
from pages import pages  # noqa: E402

HOST = "127.0.0.1"
REDIRECTING = {"department plans"}


def start_production_server(port: int, work: Path, **extra_env):
    """gunicorn as the compose file runs it (DJANGO_DEBUG=0, hashed static files collected into
    `work`), the benchmark's client standing for the trusted proxy; returns (process, log file)
    once /healthz answers 200."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_TESTING", "DJANGO_DEBUG")}
    env.update(
        DJANGO_DEBUG="0",
        ALLOWED_HOSTS=HOST,
        STATIC_ROOT=str(work / "static"),
        MEDIA_ROOT=str(work / "media"),
        CELERY_BROKER_URL="",
        TRUSTED_PROXY_COUNT="1",
        TRUSTED_PROXIES="127.0.0.1/32",  # X-Forwarded-Proto from the benchmark's client is believed
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        **extra_env,
    )
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    argv = gunicorn_argv(port)
    print("server:", " ".join(argv), flush=True)
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, log
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            os.killpg(server.pid, signal.SIGKILL)
            log.close()
            raise SystemExit("gunicorn did not start:\n" + (work / "gunicorn.log").read_text()[-3000:])
        time.sleep(0.5)


def gunicorn_argv(port: int) -> list[str]:
    """gunicorn's command from docker-compose.yml's web service, bound to 127.0.0.1:port."""
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"]
    line = next(part for part in shlex.split(web)[-1].split("&&") if "gunicorn" in part)
    argv = shlex.split(line)
    return [a.replace("0.0.0.0:8000", f"{HOST}:{port}") for a in argv]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8100)
    ap.add_argument("--cadres", type=int, default=10_000)
    ap.add_argument("--trips", type=int, default=20)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=120, help="seconds of load at most")
    ap.add_argument("--rounds", type=int, default=2, help="times each user walks its pages at most")
    ap.add_argument("--ramp", type=float, default=10, help="seconds over which the users start")
    args = ap.parse_args()
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    o = build_org(org_code(args.cadres, "pages"), args.cadres, args.trips)
    print(f"organization of {args.cadres} cadres ready in {time.perf_counter() - t:.1f} s", flush=True)

    mix = {"board": 0.24, "secretary": 0.12, "head": 0.24, "cadre": 0.40}
    users = []  # (role, session cookie, [(label, path)])
    for role, share in mix.items():
        for i in range(round(args.users * share)):
            person = {"board": o["board"], "secretary": o["secretary"]}.get(role)
            if role == "head":
                person = o["heads"][i % len(o["heads"])]
            elif role == "cadre":
                person = o["cadres"][i % len(o["cadres"])]
            c = Client()
            c.force_login(person)
            walk = []
            for r, label, url in pages({**o, "head": person if role == "head" else o["head"]}):
                if r != role:
                    continue
                if label in REDIRECTING:  # e.g. a head's "department plans" lands on the department's own
                    resp = c.get(url)
                    url = resp["Location"] if resp.status_code == 302 else url
                walk.append((f"{role}: {label}", url))
            users.append((role, c.cookies[settings.SESSION_COOKIE_NAME].value, walk))
    users = users[: args.users]

    work = Path(tempfile.mkdtemp(prefix="fieldwork-load-"))
    server, log = start_production_server(args.port, work)
    try:
        timings = defaultdict(list)
        errors = defaultdict(int)
        lock = threading.Lock()
        stop_at = time.monotonic() + args.duration

        def fetch(label, path, cookie):
            conn = http.client.HTTPConnection(HOST, args.port, timeout=60)
            headers = {"X-Forwarded-Proto": "https", "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
            finally:
                conn.close()
            elapsed = time.perf_counter() - t
            with lock:
                timings[label].append(elapsed)
                if not ok:
                    errors[label] += 1

        def user(cookie, pages_of_user, seed, delay):
            time.sleep(delay)
            rnd = random.Random(seed)
            n = seed % 3  # this user's phase of /healthz
            for _ in range(args.rounds):
                walk = pages_of_user[:]
                rnd.shuffle(walk)
                for label, path in walk:
                    if time.monotonic() > stop_at:
                        return
                    fetch(label, path, cookie)
                    n += 1
                    if n % 3 == 0:
                        fetch("/healthz", "/healthz", cookie)

        order = list(range(len(users)))
        random.Random(len(users)).shuffle(order)  # the roles mixed in the ramp
        threads = [
            threading.Thread(
                target=user, args=(cookie, walk, i, args.ramp * order[i] / max(1, len(users))), daemon=True
            )
            for i, (_role, cookie, walk) in enumerate(users)
        ]
        started = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=args.duration + 90)
        wall = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)

    total = sum(len(v) for v in timings.values())
    print(
        f"\n{len(users)} users, {total} requests in {wall:.0f} s ({total / wall:.1f}/s), errors: {sum(errors.values())}"
    )
    h95 = percentile(timings["/healthz"], 95)
    print(f"{'page':<30} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'p95/healthz':>11} {'err':>4}")
    missed = 0
    for label in sorted(timings, key=lambda k: (k != "/healthz", k)):
        v = timings[label]
        p95 = percentile(v, 95)
        ratio = p95 / h95 if h95 else float("inf")
        flag = "" if label == "/healthz" or (ratio <= 2 and not errors[label]) else "  MISSED"
        missed += bool(flag)
        print(
            f"{label:<30} {len(v):>4} {statistics.median(v) * 1000:>8.0f} {p95 * 1000:>8.0f} {ratio:>11.1f} {errors[label]:>4}{flag}"
        )
    print(f"\npages missing the target (p95 ≤ 2× /healthz p95, no error): {missed}")


if __name__ == "__main__":
    main()
