"""Production smoke test: the compose file's web, worker and beat services on this machine.

    .venv/bin/python scripts/smoke_production.py --port 8100 \
        --database postgres://postgres@127.0.0.1:5432/fieldwork_smoke --redis redis://127.0.0.1:6379/1

What an operator's `docker-compose up` would run, without Docker:
  1. the Dockerfile's build step: `collectstatic` with DJANGO_DEBUG=0 (into a temporary STATIC_ROOT);
  2. the `web`, `worker` and `beat` commands read from docker-compose.yml — the same argument
     lists, the only change being gunicorn's bind address 0.0.0.0:8000 → 127.0.0.1:PORT — with
     the compose environment (DATABASE_URL, CELERY_BROKER_URL, MEDIA_ROOT) pointed at the given
     PostgreSQL database (dropped and created afresh) and Redis database (flushed), and a
     production .env (DJANGO_DEBUG=0, a SECRET_KEY, a public host name in ALLOWED_HOSTS);
  3. the compose health checks of web and worker, then over HTTP, as a browser behind the TLS
     proxy would (Host: the public name, X-Forwarded-Proto: https): the HTTPS redirect, a login,
     a page, a static file by its hashed name with its far-future cache headers and gzip, a
     compliance report (PDF) requested, built by the real worker and downloaded; persistent
     database connections (a burst of requests opens no new PostgreSQL session per request);
     beat has written its schedule to the database;
  4. a clean stop: SIGTERM to every service, each gone within a bounded wait (no SIGKILL).

Everything listens on 127.0.0.1 only; every wait is bounded. Exit status 0 when every check
passed; otherwise the failed check and the tail of each service's log.
"""

from __future__ import annotations

import argparse
import gzip
import html
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_HOST = "fieldwork.smoke.test"
COMPOSE_PORT = "8000"


class SmokeFailure(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def log(message: str) -> None:
    print(f"[smoke {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the compose file -----------------------------------------------------------------------


def compose_argv(command) -> list[str]:
    """Compose runs a string command split like a shell would (no shell), a list as is."""
    return shlex.split(command) if isinstance(command, str) else list(command)


def healthcheck_argv(test) -> list[str]:
    kind, *rest = test
    if kind == "CMD-SHELL":
        return ["sh", "-c", rest[0]]
    check(kind == "CMD", f"unexpected health check {test!r}")
    return rest


def unescape(arg: str) -> str:
    return arg.replace("$$", "$")  # compose's escape for a literal $


def read_compose(port: int) -> dict:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    out = {}
    for name in ("web", "worker", "beat"):
        svc = services[name]
        argv = [unescape(a) for a in compose_argv(svc["command"])]
        health = [unescape(a) for a in healthcheck_argv(svc["healthcheck"]["test"])] if "healthcheck" in svc else None
        out[name] = {"argv": argv, "health": health, "environment": dict(svc.get("environment") or {})}
    web = out["web"]
    bound = [a for a in web["argv"] if f"0.0.0.0:{COMPOSE_PORT}" in a]
    check(bound, "web: gunicorn's --bind 0.0.0.0:8000 not found in the compose command")
    web["argv"] = [a.replace(f"0.0.0.0:{COMPOSE_PORT}", f"127.0.0.1:{port}") for a in web["argv"]]
    web["health"] = [a.replace(f"127.0.0.1:{COMPOSE_PORT}", f"127.0.0.1:{port}") for a in web["health"]]
    check(f"--bind 127.0.0.1:{port}" in " ".join(web["argv"]), "web: gunicorn would not bind to 127.0.0.1")
    return out


# --- processes ------------------------------------------------------------------------------


class Service:
    def __init__(self, name: str, argv: list[str], env: dict, logdir: Path):
        self.name = name
        self.log_path = logdir / f"{name}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def group_gone(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def stop(self, timeout: float) -> tuple[bool, int | None]:
        """SIGTERM to the service's process group; (stopped cleanly, exit status)."""
        if not self.group_gone():
            os.killpg(self.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None and self.group_gone():
                self.log.close()
                return True, self.proc.returncode
            time.sleep(0.2)
        if not self.group_gone():
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.log.close()
        return False, self.proc.returncode


def wait_until(what: str, probe, timeout: float, services=(), interval: float = 1.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for s in services:
            check(s.alive(), f"{s.name} exited (status {s.proc.returncode}) while waiting for {what}")
        try:
            result = probe()
        except (OSError, http.client.HTTPException) as exc:
            result, last = None, exc
        if result:
            return result
        time.sleep(interval)
    raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last})")


def run(argv: list[str], env: dict, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


# --- HTTP as a browser behind the proxy -----------------------------------------------------


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None, https=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": PUBLIC_HOST}
        if https:
            h["X-Forwarded-Proto"] = "https"
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
            h["Origin"] = f"https://{PUBLIC_HOST}"
            h["Referer"] = f"https://{PUBLIC_HOST}{path}"
        h.update(headers or {})
        try:
            conn.request(method, path, body=data, headers=h)
            resp = conn.getresponse()
            content = resp.read()
        finally:
            conn.close()
        for header in resp.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for key, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[key] = morsel.value
                else:
                    self.cookies.pop(key, None)
        return resp, content

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)


def location_path(resp) -> str:
    loc = resp.headers["Location"]
    parts = urlsplit(loc)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def csrf_token(page: bytes) -> str:
    m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    check(m, "no CSRF token in the form")
    return m.group(1).decode()


# --- the checks -----------------------------------------------------------------------------


def fresh_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    check(re.fullmatch(r"[a-z0-9_]+", name), f"unexpected database name {name!r}")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def drop_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))
    admin.close()


def db_query(url: str, query: str, params=()):
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()
    finally:
        conn.close()


def sessions_opened(url: str) -> int:
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    parts = urlsplit(url)
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname="postgres"
    )
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_stat_force_next_flush()")
            cur.execute("SELECT pg_stat_clear_snapshot()")
            cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (name,))
            return int(cur.fetchone()[0])
    finally:
        conn.close()


# Request limits of the web service (docs/security.md “Login and requests”), passed to every process as the compose file sets them.
LIMIT_SETTINGS = ("REQUEST_MAX_BODY_BYTES", "DATA_UPLOAD_MAX_NUMBER_FILES")
PROXY_SETTINGS = ("TRUSTED_PROXY_COUNT", "TRUSTED_PROXIES")


def smoke(args) -> None:
    t0 = time.monotonic()
    services: dict[str, Service] = {}
    work = Path(tempfile.mkdtemp(prefix="fieldwork-smoke-"))
    compose = read_compose(args.port)
    log(f"compose commands: web={compose['web']['argv']!r}")
    log(f"                  worker={compose['worker']['argv']!r}")
    log(f"                  beat={compose['beat']['argv']!r}")

    venv_bin = str(Path(sys.executable).parent)
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "PYTEST", "CONN_")) and k != "VIRTUAL_ENV"
    }
    env = {
        **base_env,
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "HOSTNAME": socket.gethostname(),
        # .env of a production deployment
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "SITE_URL": f"https://{PUBLIC_HOST}",
        "EMAIL_URL": "consolemail://",
        "STATIC_ROOT": str(work / "staticfiles"),
        # the compose environment, pointed at this machine's services
        "DATABASE_URL": args.database,
        "CELERY_BROKER_URL": args.redis,
        "MEDIA_ROOT": str(work / "media"),
    }
    # The web service's own settings (limits) are taken as the compose file gives them; the
    # addresses of services are pointed at this machine's (the cache: the next Redis database).
    redis_url = urlsplit(args.redis)
    cache_db = (int(redis_url.path.lstrip("/") or 0) + 1) % 16
    env["CACHE_URL"] = redis_url._replace(path=f"/{cache_db}").geturl()
    web_env = compose["web"]["environment"]
    check(
        set(web_env)
        == {"DATABASE_URL", "CELERY_BROKER_URL", "MEDIA_ROOT", "CACHE_URL", *LIMIT_SETTINGS, *PROXY_SETTINGS},
        f"the compose environment changed: {sorted(web_env)} — update this script",
    )
    env.update({k: str(web_env[k]) for k in LIMIT_SETTINGS})
    # This script plays the compose proxy (docs/security.md): its requests come from 127.0.0.1.
    env.update(TRUSTED_PROXY_COUNT=str(web_env["TRUSTED_PROXY_COUNT"]), TRUSTED_PROXIES="127.0.0.1/32")
    (work / "media").mkdir()
    failure = None
    try:
        log(f"fresh database {urlsplit(args.database).path.lstrip('/')}, Redis {args.redis} flushed")
        fresh_database(args.database)
        import redis

        redis.Redis.from_url(args.redis).flushdb()

        # 1. the Dockerfile's build step
        t = time.monotonic()
        build_env = {**env, "SECRET_KEY": "build-only"}
        proc = run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], build_env, timeout=args.timeout)
        check(proc.returncode == 0, f"collectstatic failed:\n{proc.stdout}\n{proc.stderr}")
        manifest = json.loads((work / "staticfiles" / "staticfiles.json").read_text())["paths"]
        log(f"collectstatic (DJANGO_DEBUG=0): {len(manifest)} files in {time.monotonic() - t:.1f} s")

        # 2. web (migrate, then gunicorn), its compose health check
        services["web"] = web = Service("web", compose["web"]["argv"], env, work)
        wait_until(
            "the web health check",
            lambda: run(compose["web"]["health"], env, timeout=30).returncode == 0,
            timeout=args.timeout,
            services=[web],
            interval=1.0,
        )
        log(f"web healthy (compose health check: {' '.join(compose['web']['health'][:2])} …)")

        # the demo organization, as an operator would load it (docker-compose run web python manage.py …)
        proc = run([sys.executable, "manage.py", "load_demo", "--allow-production"], env, timeout=args.timeout)
        check(proc.returncode == 0, f"load_demo failed:\n{proc.stdout}\n{proc.stderr}")
        password = re.search(r"mật khẩu chung: (\S+)\)", proc.stdout).group(1)
        board_email = re.search(r"Ban Tổ chức – Kiểm tra .*?(\S+@\S+)", proc.stdout).group(1)

        services["worker"] = worker = Service("worker", compose["worker"]["argv"], env, work)
        services["beat"] = beat = Service("beat", compose["beat"]["argv"], env, work)
        wait_until(
            "the worker health check (celery inspect ping)",
            lambda: run(compose["worker"]["health"], env, timeout=30).returncode == 0,
            timeout=args.timeout,
            services=[worker, beat],
            interval=2.0,
        )
        log("worker healthy (compose health check: celery inspect ping)")

        b = Browser(args.port)
        # 3. over HTTP
        resp, _ = b.get("/tai-khoan/dang-nhap/", https=False)
        check(resp.status == 301, f"plain http is not redirected to https ({resp.status})")
        check(resp.headers["Location"].startswith(f"https://{PUBLIC_HOST}/"), resp.headers["Location"])
        resp, _ = b.get("/", headers={"Host": "evil.example"})
        check(resp.status == 400, f"a foreign Host header is accepted ({resp.status})")

        resp, page = b.get("/tai-khoan/dang-nhap/")
        check(resp.status == 200 and "Đăng nhập".encode() in page, f"login page: {resp.status}")
        check("max-age=31536000" in resp.headers.get("Strict-Transport-Security", ""), "no HSTS header")
        resp, body = b.post(
            "/tai-khoan/dang-nhap/",
            {"csrfmiddlewaretoken": csrf_token(page), "username": board_email, "password": password, "next": ""},
        )
        check(resp.status == 302, f"login refused ({resp.status}): {body[:300]!r}")
        session_cookie = next(h for h in b.set_cookie_headers if h.startswith("sessionid="))
        check(
            "Secure" in session_cookie and "HttpOnly" in session_cookie,
            f"session cookie not Secure+HttpOnly: {session_cookie}",
        )
        log(f"logged in as {board_email} (Board)")

        path = location_path(resp)
        for _ in range(3):  # / → the role's home page
            resp, page = b.get(path)
            if resp.status != 302:
                break
            path = location_path(resp)
        check(resp.status == 200, f"home page {path}: {resp.status}")
        check("Đăng xuất".encode() in page, f"{path} does not look logged in")
        log(f"page {path}: 200, {len(page)} bytes")

        # a static file by its hashed name
        m = re.search(rb'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', page)
        check(m, "the page does not link Bootstrap by its hashed name")
        static_path = m.group(1).decode()
        resp, css = b.get(static_path, headers={"Accept-Encoding": "gzip"})
        check(resp.status == 200, f"{static_path}: {resp.status}")
        cache = resp.headers.get("Cache-Control", "")
        check("max-age=315360000" in cache and "immutable" in cache, f"{static_path}: Cache-Control {cache!r}")
        check(resp.headers.get("Content-Encoding") == "gzip", f"{static_path}: not served compressed")
        original = (ROOT / "static/vendor/bootstrap/bootstrap.min.css").read_bytes()
        check(gzip.decompress(css) == original, "the served stylesheet differs from the vendored one")
        resp, _ = b.get("/static/vendor/bootstrap/bootstrap.min.css")
        unhashed_cache = resp.headers.get("Cache-Control", "")
        check(resp.status == 200 and "immutable" not in unhashed_cache, f"unhashed name: {unhashed_cache!r}")
        log(f"static {static_path}: 200, gzip, Cache-Control: {cache}")

        # a report through the worker
        resp, page = b.get("/bao-cao/tao/?kind=compliance&format=pdf&year=2023&quarter=2")
        check(resp.status == 200, f"report form: {resp.status}")
        resp, body = b.post(
            "/bao-cao/tao/",
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "kind": "compliance",
                "format": "pdf",
                "year": "2023",
                "quarter": "2",
                "department": "",
                "cadre": "",
            },
        )
        check(resp.status == 302, f"report request refused ({resp.status}): {body[:500]!r}")
        job_path = location_path(resp)
        job_id = re.search(r"/bao-cao/([0-9a-f-]{36})/", job_path).group(1)
        t = time.monotonic()

        download = f"/bao-cao/{job_id}/tai-ve/"

        def job_finished():  # the page's own htmx status partial
            resp, partial = b.get(f"/bao-cao/{job_id}/trang-thai/")
            check(resp.status == 200, f"job status: {resp.status}")
            status = re.search(rb'data-status="(\w+)"', partial).group(1).decode()
            check(status != "failed", f"the worker failed the report: {partial[:600]!r}")
            return status == "done" and html.escape(download).encode() in partial

        wait_until("the worker to build the report", job_finished, args.timeout, [web, worker, beat], 1.0)
        build_s = time.monotonic() - t
        resp, pdf = b.get(download)
        check(resp.status == 200, f"download: {resp.status}")
        check(resp.headers.get("Content-Disposition", "").startswith("attachment"), "download is not an attachment")
        check(pdf.startswith(b"%PDF-"), f"download is not a PDF: {pdf[:20]!r}")
        from io import BytesIO

        from pypdf import PdfReader

        text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
        check("Tây Ninh".casefold() in text.casefold() or "TÂY NINH" in text, "the PDF does not name the organization")
        log(f"report {job_id}: built by the worker in {build_s:.1f} s, downloaded ({len(pdf)} bytes PDF)")

        # persistent database connections: a burst of requests opens no session per request
        for _ in range(12):  # every gunicorn worker has its connection
            b.get("/healthz")
        before = sessions_opened(args.database)
        n = 40
        for _ in range(n):
            resp, _ = b.get(path)
            check(resp.status == 200, f"{path}: {resp.status}")
        time.sleep(1.5)
        opened = sessions_opened(args.database) - before
        check(opened <= 5, f"{n} requests opened {opened} PostgreSQL sessions: connections are not kept")
        log(f"{n} page requests opened {opened} new PostgreSQL sessions (CONN_MAX_AGE)")

        # beat: alive and its schedule written to the database by the DatabaseScheduler
        def beat_synced():
            return db_query(
                args.database,
                "SELECT count(*) FROM django_celery_beat_periodictask WHERE task = %s",
                ("reports.tasks.produce_due_compliance_reports",),
            )[0][0]

        wait_until("beat to write its schedule", beat_synced, 60, [beat], 1.0)
        check("beat: Starting" in beat.output(), "beat did not start")
        log("beat running, schedule in the database (DatabaseScheduler)")
    except SmokeFailure as exc:
        failure = str(exc)
    finally:
        # 4. a clean stop, bounded
        stops = {}
        for name in ("beat", "worker", "web"):
            if name in services:
                stops[name] = services[name].stop(timeout=args.stop_timeout)
        if failure is None:
            for name, (clean, _status) in stops.items():
                if not clean:
                    failure = f"{name} did not stop within {args.stop_timeout} s of SIGTERM (killed)"
                    break
            else:
                if "web" in services and "Shutting down: Master" not in services["web"].output():
                    failure = "gunicorn did not shut down gracefully"
                log("stopped: " + ", ".join(f"{n} (status {s})" for n, (_c, s) in stops.items()))
        if failure is not None:
            for s in services.values():
                print(f"\n----- {s.name} log (tail) -----\n{s.output()[-4000:]}", file=sys.stderr)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            try:
                drop_database(args.database)
            except Exception as exc:  # noqa: BLE001 — cleanup must not hide the result
                log(f"could not drop the database: {exc}")
    if failure is not None:
        log(f"FAILED: {failure}")
        sys.exit(1)
    log(f"all checks passed in {time.monotonic() - t0:.0f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True, help="gunicorn binds 127.0.0.1:PORT")
    ap.add_argument("--database", required=True, help="postgres://…/NAME (dropped and created afresh)")
    ap.add_argument("--redis", required=True, help="redis://127.0.0.1:6379/N (flushed)")
    ap.add_argument("--timeout", type=float, default=180, help="bound of each wait, seconds")
    ap.add_argument("--stop-timeout", type=float, default=30)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder and the database")
    smoke(ap.parse_args())


if __name__ == "__main__":
    main()
