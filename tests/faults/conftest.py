"""Real processes for the fault tests (make test-faults): PostgreSQL is required (the test
database is pytest-django's), Redis servers of their own on free ports where one must be killed."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.reports.conftest import _fast_hasher, report_data, run_jobs  # noqa: F401 - shared fixtures
from tests.worker.test_celery_worker import database_url

ROOT = Path(__file__).resolve().parents[2]
WAIT = 90


@pytest.fixture(autouse=True)
def _needs_postgres():
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("needs DATABASE_URL (PostgreSQL): make test-faults")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what: str, timeout: float = WAIT, procs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        for p in procs:
            assert p.poll() is None, f"{getattr(p, 'name', 'a process')} died while waiting for {what}:\n{tail(p)}"
        time.sleep(0.2)
    pytest.fail(f"not within {timeout:.0f} s: {what}\n" + "\n".join(tail(p) for p in procs))


class Proc(subprocess.Popen):
    name = "process"
    log_path: Path


def start(argv, log_path: Path, env: dict | None = None, name: str = "process") -> Proc:
    log = open(log_path, "w")  # noqa: SIM115 - closed by stop()
    proc = Proc(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.name, proc.log_path, proc.log_file = name, log_path, log
    return proc


def tail(proc, n: int = 3000) -> str:
    try:
        return f"--- {proc.name} ({proc.log_path.name})\n" + proc.log_path.read_text(errors="replace")[-n:]
    except (AttributeError, OSError):
        return ""


def stop(proc, timeout: float = 20) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    with contextlib.suppress(Exception):
        proc.log_file.close()


def app_env(**extra) -> dict:
    """The environment of a worker, beat or gunicorn run against the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIELDWORK_TEST_", "PYTEST"))}
    env.update(
        DJANGO_TESTING="1",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class RedisServer:
    """A redis-server of the test's own, appendonly like docker-compose's, on a free port."""

    def __init__(self, workdir: Path):
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.proc = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = start(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ],
            self.dir / f"redis-{time.monotonic_ns()}.log",
            name="redis-server",
        )
        import redis

        client = redis.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), "redis-server to answer", 30, [self.proc])
        return self

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc is not None:
            stop(self.proc)


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:  # noqa: BLE001
        return False


def celery(args: list[str], env: dict, log_path: Path, name: str) -> Proc:
    return start([sys.executable, "-m", "celery", "-A", "config", *args], log_path, env, name)


WORKER_ARGS = ["worker", "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
