"""Secrets that travel in URLs (the iCalendar link, the email-change, invitation and password
reset links) never reach a log: Django's log records and gunicorn's access log show `***`
in their place (docs/security.md “Login and requests”)."""

from __future__ import annotations

import logging
import re

SECRET_PATHS = [
    (re.compile(r"(/lich/)[^/?#\s\"]+(\.ics)"), r"\1***\2"),
    (re.compile(r"(/doi-email/)[^/?#\s\"]+"), r"\1***"),
    (re.compile(r"(/mat-khau/dat-lai/)[^/?#\s\"]+/[^/?#\s\"]+"), r"\1***/***"),
    (re.compile(r"(/loi-moi/)[^/?#\s\"]+/[^/?#\s\"]+"), r"\1***/***"),
]


def redact(text):
    if not isinstance(text, str):
        return text
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """On a handler: the formatted message with the secret parts of URLs replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
