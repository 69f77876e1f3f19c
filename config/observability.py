"""Seeing it run (docs/operations.md "Logs"): one JSON object per log line, carrying the request
id and the acting user's id — never a name, an email or free text of the request — into every
line written while a request is served and into the Celery tasks it queues.

- `RequestContextMiddleware` (first in MIDDLEWARE) takes the request id from a well-formed
  `X-Request-ID` header (the reverse proxy's) or makes one, answers it in `X-Request-ID`, and
  leaves both ids in the WSGI environ for gunicorn's access log (config.gunicorn_logger);
  `UserContextMiddleware` (after authentication) adds the user's id.
- Celery: `before_task_publish` copies both ids into the message's headers; `task_prerun` puts
  them (and the task's id and name) in the worker's context; `task_postrun` clears them.
- `JsonFormatter` writes time, level, logger, message, the ids, and the exception's traceback.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)
task_var: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)
request_var: contextvars.ContextVar[object | None] = contextvars.ContextVar("request", default=None)

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
# An id from outside is taken only if it is short and plain (never a way to write into the logs).
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ENVIRON_REQUEST_ID = "fieldwork.request_id"
ENVIRON_USER_ID = "fieldwork.user_id"


def new_request_id() -> str:
    return uuid.uuid4().hex


def _loaded_user_id(request) -> int | None:
    """The signed-in user's id if the request has already loaded its user (never a query here)."""
    from django.utils.functional import empty

    user = getattr(request, "user", None) if request is not None else None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


def current_user_id() -> int | None:
    uid = user_id_var.get()
    return uid if uid is not None else _loaded_user_id(request_var.get())


def current_ids() -> dict:
    out = {}
    if (rid := request_id_var.get()) is not None:
        out["request_id"] = rid
    if (uid := current_user_id()) is not None:
        out["user_id"] = uid
    if (task := task_var.get()) is not None:
        out["task_id"], out["task"] = task
    return out


# Logging --------------------------------------------------------------------------------------
class ContextFilter(logging.Filter):
    """Adds the current request id, user id and task to every record (on the handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current_ids()
        for key in JsonFormatter.FIELDS:
            if not hasattr(record, key):
                setattr(record, key, ids.get(key))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    user_id, task_id, task, and exc (the traceback) when there is one."""

    FIELDS = ("request_id", "user_id", "task_id", "task")

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in self.FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False, default=str)


# Requests -------------------------------------------------------------------------------------
class RequestContextMiddleware:
    """First in MIDDLEWARE: the request id (see the module docstring), and the request's count
    and duration for /metrics (config.metrics) by route name, never by path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.META.get(REQUEST_ID_HEADER, "")
        rid = supplied if REQUEST_ID_RE.match(supplied) else new_request_id()
        request.request_id = rid
        request.META[ENVIRON_REQUEST_ID] = rid
        # Cleared when the response is closed (request_finished), after Django's own log line of
        # an error response, which therefore carries the ids too.
        request_id_var.set(rid)
        user_id_var.set(None)
        request_var.set(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        if (uid := _loaded_user_id(request)) is not None:
            request.META[ENVIRON_USER_ID] = uid  # gunicorn's access line
        from config import metrics

        match = getattr(request, "resolver_match", None)
        route = match.view_name if match is not None and match.view_name else "-"
        if request.path_info in metrics.OWN_PATHS:
            route = request.path_info.lstrip("/")
        metrics.observe_request(request.method, route, response.status_code, time.perf_counter() - started)
        return response


class UserContextMiddleware:
    """After AuthenticationMiddleware: the signed-in user's id joins the request's log lines as
    soon as the request has loaded its user (every signed-in page does); this middleware itself
    never loads it, so a page that needs no user costs no query more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_var.set(request)
        return self.get_response(request)


def clear_request_ids(**kwargs) -> None:
    request_id_var.set(None)
    user_id_var.set(None)
    request_var.set(None)


# Celery ---------------------------------------------------------------------------------------
def _before_publish(headers=None, **kwargs):
    if headers is None:
        return
    rid = request_id_var.get()
    uid = current_user_id()
    if rid is not None and "fieldwork_request_id" not in headers:
        headers["fieldwork_request_id"] = rid
    if uid is not None and "fieldwork_user_id" not in headers:
        headers["fieldwork_user_id"] = uid


def _header(task, name):
    request = getattr(task, "request", None)
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value


_tokens: dict[str, tuple] = {}


def _prerun(task_id=None, task=None, **kwargs):
    rid = _header(task, "fieldwork_request_id") or request_id_var.get()
    uid = _header(task, "fieldwork_user_id")
    if uid is None:
        uid = current_user_id()
    _tokens[task_id] = (
        request_id_var.set(rid),
        user_id_var.set(uid),
        task_var.set((task_id, getattr(task, "name", "?"))),
    )
    task._fieldwork_started = time.perf_counter()


def _postrun(task_id=None, task=None, state=None, **kwargs):
    from config import metrics

    started = getattr(task, "_fieldwork_started", None)
    if started is not None:
        metrics.observe_task(getattr(task, "name", "?"), state or "UNKNOWN", time.perf_counter() - started)
    tokens = _tokens.pop(task_id, None)
    if tokens:
        for var, token in zip((request_id_var, user_id_var, task_var), tokens, strict=True):
            var.reset(token)


def _setup_logging(loglevel=None, **kwargs):
    """The worker and beat log through settings.LOGGING (JSON) at their --loglevel."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


def connect_celery_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(_before_publish, weak=False, dispatch_uid="fieldwork-publish")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="fieldwork-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="fieldwork-postrun")
    signals.setup_logging.connect(_setup_logging, weak=False, dispatch_uid="fieldwork-logging")
