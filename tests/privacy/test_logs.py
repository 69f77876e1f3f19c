"""Logs carry ids, not names, emails or free text (docs/privacy.md, processing 11): a realistic run —
logins (one failed), a registration approved, a trip reported with a photo and confirmed, a sensitive
exemption proposed and approved, a mail server refusing a recipient, a report job failing on a value
that quotes a person, pages refused and not found, the retention purge — with every log record of
every logger captured, and each record (message, arguments, exception) searched for the people's
names and emails and for what they typed."""

from __future__ import annotations

import logging
import smtplib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldwork.models import Exemption, ExemptionReason, Trip
from fieldwork.services import exemptions as exemption_service
from fieldwork.services import results as results_service
from fieldwork.services.privacy import purge
from reports.services import request_report
from tests.factories import PASSWORD, make_trip
from tests.fieldwork.test_results_report import report_data
from tests.privacy.test_photo_metadata import picture

pytestmark = pytest.mark.django_db
TYPED = ["Tổ chức thành công Đại hội", "Sinh con thứ ba tại bệnh viện Hùng Vương", "Hỗ trợ Đại hội chi đoàn"]


def record_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), repr(record.args)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def test_a_whole_run_logs_no_name_email_or_typed_text(client, people, caplog, run_jobs, monkeypatch, settings):
    settings.AXES_VERBOSE = True  # as loud as an operator may make it
    caplog.set_level(logging.DEBUG)
    dung, head = people["cadre"], people["head"]
    # Logins: one with a wrong password, then the right one.
    client.post(reverse("accounts:login"), {"username": dung.email, "password": "sai-mat-khau"})
    client.post(reverse("accounts:login"), {"username": dung.email, "password": PASSWORD})
    # A trip reported with a camera photo, confirmed by the head.
    trip = make_trip(people["plan"], dung, start=date(2023, 3, 1), end=date(2023, 3, 5), days="5", status="approved")
    client.force_login(dung)
    client.post(
        reverse("fieldwork:trip_report", args=[trip.pk]),
        {**report_data(people["plan"]), "attachments": [SimpleUploadedFile("IMG.jpg", picture("JPEG"))]},
    )

    # The mail server refuses the head's address when he is told of the report.
    def refuse(subject, body, sender, recipients, **kw):
        raise smtplib.SMTPRecipientsRefused({recipients[0]: (550, f"5.1.1 <{recipients[0]}> unknown".encode())})

    monkeypatch.setattr("fieldwork.services.history.send_mail", refuse)
    with run_jobs():
        results_service.confirm_trip(actor=head, trip=Trip.objects.get(pk=trip.pk))
    # A sensitive exemption, proposed and approved.
    with run_jobs():
        ex = exemption_service.propose(
            actor=people["board"],
            data=exemption_service.ExemptionInput(
                person=people["cadre2"],
                reason=ExemptionReason.objects.get(plan=people["plan"], code="thai-san"),
                start=date(2023, 5, 1),
                end=date(2023, 10, 31),
                note=TYPED[1],
            ),
        )
        exemption_service.approve(actor=people["secretary"], exemption=Exemption.objects.get(pk=ex.pk))

    # A report job failing on a value that quotes a person.
    def broken(kind, params, today=None):
        raise ValueError(f"cannot place {dung.full_name} <{dung.email}>")

    monkeypatch.setattr("reports.services.gather", broken)
    with run_jobs():
        request_report(user=people["board"], kind="compliance", fmt="pdf", year=2023, quarter=1)
    # Pages refused and not found, searches with a name.
    client.force_login(people["cadre2"])
    client.get(reverse("fieldwork:exemption_detail", args=[ex.pk]))
    client.get(reverse("accounts:people") + f"?q={dung.full_name}")
    client.get(reverse("fieldwork:exemption_detail", args=[999999]))  # the product's paths carry ids
    # The retention purge of someone who left long ago.
    people["other_cadre"].active_to = date(2020, 1, 31)
    people["other_cadre"].save()
    with run_jobs():
        purge(organization=people["org"], as_of=date(2026, 1, 1))

    secrets = [v for p in people.values() if hasattr(p, "email") for v in (p.full_name, p.email)] + TYPED
    assert len(caplog.records) >= 3  # the run did log (the mail failure, the job failure, the 403/404s)
    leaks = [(r.name, s) for r in caplog.records for s in secrets if s.casefold() in record_text(r).casefold()]
    assert leaks == [], leaks
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert {r.name for r in failures} >= {"fieldwork.services.history", "core.jobs"}
    # The traceback is still there for whoever debugs: the frames and the exception's kind.
    job_failure = next(r for r in failures if r.name == "core.jobs")
    assert "ValueError" in record_text(job_failure) and "reports/services.py" in record_text(job_failure)


def test_the_console_handler_drops_any_exceptions_message_django_or_celery_logs():
    """Django's "Internal Server Error" record and Celery's task failure log the exception with
    `exc_info` themselves: the console handler keeps the frames and the kind, never the message."""
    from core.logsafe import ScrubExceptionsFilter

    console = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, ScrubExceptionsFilter) for f in h.filters)
    )
    email, name = "dung@tn.vn", "Nguyễn Văn Dũng"  # the data, not the source line, carries them
    try:
        try:
            raise KeyError(email)
        except KeyError as inner:
            raise ValueError(f"Key (email)=({email}) of {name} already exists") from inner
    except ValueError:
        import sys

        record = logging.getLogger("django.request").makeRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/ho-so/7/",), sys.exc_info()
        )
    assert console.filter(record)
    out = console.format(record)
    assert "Internal Server Error: /ho-so/7/" in out and "builtins.ValueError" in out and "test_logs.py" in out
    assert "dung@tn.vn" not in out and "Dũng" not in out
