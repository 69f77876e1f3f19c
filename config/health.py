"""Liveness and readiness (docs/operations.md "Health"): `/healthz` says the process answers;
`/readyz` says it can serve — the database answers, every migration of the code is applied, and
the Redis broker answers when one is configured. docker-compose's health checks call them."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

# A positive migrations check is kept this long per process (it loads the migration graph).
MIGRATIONS_CACHE_SECONDS = 60
_migrations_ok_at = [0.0]


def check_database() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()


def unapplied_migrations() -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return [f"{m.app_label}.{m.name}" for m, _backwards in executor.migration_plan(targets)]


def check_migrations() -> list[str]:
    if time.monotonic() - _migrations_ok_at[0] < MIGRATIONS_CACHE_SECONDS:
        return []
    missing = unapplied_migrations()
    if not missing:
        _migrations_ok_at[0] = time.monotonic()
    return missing


def _redis_client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3, socket_timeout=3)


def broker_is_redis() -> bool:
    return urlsplit(settings.CELERY_BROKER_URL or "").scheme in ("redis", "rediss")


def check_redis() -> None:
    if broker_is_redis():
        _redis_client().ping()


def queue_lengths() -> dict[str, int]:
    """Messages waiting per Celery queue (Redis lists; the default queue is "celery")."""
    if not broker_is_redis():
        return {}
    client = _redis_client()
    queues = {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
    return {q: int(client.llen(q)) for q in sorted(queues)}


def readiness() -> tuple[bool, dict]:
    """(ready, {check: "ok" or a short reason}) — no detail that helps an attacker."""
    out: dict[str, str] = {}
    try:
        check_database()
        out["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        out["database"] = f"error: {type(exc).__name__}"
    if out["database"] == "ok":
        try:
            missing = check_migrations()
            out["migrations"] = "ok" if not missing else f"{len(missing)} not applied"
        except Exception as exc:  # noqa: BLE001
            out["migrations"] = f"error: {type(exc).__name__}"
    else:
        out["migrations"] = "unknown"
    if broker_is_redis():
        try:
            check_redis()
            out["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            out["redis"] = f"error: {type(exc).__name__}"
    return all(v == "ok" for v in out.values()), out
