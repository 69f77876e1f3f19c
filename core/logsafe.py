"""Logs carry ids, never names, emails or what people typed (docs/privacy.md, processing 11).

The project's own log messages name objects by id. An exception's message is another matter: a
database error's DETAIL quotes the row ("Key (email)=(dung@tn.vn) already exists"), an SMTP refusal
names the recipient, a ValueError may quote a cell. `scrubbed_exc_info()` keeps the traceback's
frames (file, line, function and source line: what a developer needs) and replaces the message with
the exception's class name. Use it instead of logger.exception:

    except Exception:
        logger.error("report job %s failed", job_id, exc_info=scrubbed_exc_info())
"""

from __future__ import annotations

import sys


class ScrubbedError(Exception):
    """Stands for the logged exception; its message is the original's class name only."""


def scrubbed_exc_info():
    etype, _value, tb = sys.exc_info()
    if etype is None:
        return None
    return ScrubbedError, ScrubbedError(f"{etype.__module__}.{etype.__qualname__}"), tb


class ScrubExceptionsFilter:
    """On the console handler: any record that carries an exception (Django's "Internal Server
    Error", Celery's task failure, a library's logger.exception) keeps its traceback's frames and
    loses the exception's message and chained exceptions, as `scrubbed_exc_info` does."""

    def filter(self, record) -> bool:
        info = record.exc_info
        if info and info[0] is not None and not issubclass(info[0], ScrubbedError):
            etype, _value, tb = info
            record.exc_info = (ScrubbedError, ScrubbedError(f"{etype.__module__}.{etype.__qualname__}"), tb)
            record.exc_text = None
        return True
