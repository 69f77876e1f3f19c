"""Exactly once (docs/rules.md “Reminders, digests and delegation of approval”): a second run, a second worker, a retried or duplicated email task
send nothing more; email off keeps the in-app notification."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from accounts.models import Notification
from fieldwork.reminders import selectors, services
from fieldwork.reminders.models import ReminderPreference, SentReminder

pytestmark = pytest.mark.django_db

DUE_DAY = date(2023, 2, 8)  # Tây Ninh (annual): 7 days before mẫu 1's 15/02


@pytest.fixture
def annual(org_people):
    org_people["plan"].registration_cycle = "annual"
    org_people["plan"].save()
    return org_people


def remind(*args):
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


def test_command_json_contract_dry_run_and_second_run(annual, django_capture_on_commit_callbacks):
    dry = json.loads(remind("--org", annual["org"].code, "--as-of", "2023-02-08", "--dry-run", "--format", "json"))
    assert dry and all(set(r) == {"email", "kind", "deadline", "sent"} for r in dry)
    assert {r["sent"] for r in dry} == {False}
    assert not SentReminder.objects.exists() and not Notification.objects.exists()
    assert {(r["kind"], r["deadline"]) for r in dry} == {("registration_due", "2023-02-15")}
    assert "thu@tn.vn" not in {r["email"] for r in dry}  # exempt (văn thư)
    with django_capture_on_commit_callbacks(execute=True):
        first = json.loads(remind("--org", annual["org"].code, "--as-of", "2023-02-08", "--format", "json"))
    assert [dict(r, sent=False) for r in first] == dry and {r["sent"] for r in first} == {True}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r["email"] for r in first)
    # A second run with the same as_of sends nothing and lists nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert json.loads(remind("--org", annual["org"].code, "--as-of", "2023-02-08", "--format", "json")) == []
    assert len(mail.outbox) == len(first)
    assert SentReminder.objects.count() == len(first) == Notification.objects.count()
    # The table lists the same lines, Vietnamese header.
    table = remind("--org", annual["org"].code, "--as-of", "2023-02-14", "--dry-run")
    assert "registration_due" in table and "em@tn.vn" in table and "15/02/2023" in table


def test_command_errors(annual):
    with pytest.raises(CommandError, match="Không có tổ chức"):
        remind("--org", "khong-co")
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        remind("--org", annual["org"].code, "--as-of", "08/02/2023")


def test_a_second_worker_racing_sends_nothing(annual, django_capture_on_commit_callbacks):
    """Two runs selected the same reminder; the one that writes second hits the unique
    constraint (person, kind, key) and neither notifies nor emails."""
    due = next(d for d in selectors.due_on(annual["org"].pk, DUE_DAY) if d.person.email == "em@tn.vn")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver(due, as_of=DUE_DAY) is not None
        assert services.deliver(due, as_of=DUE_DAY) is None
    assert SentReminder.objects.filter(person=annual["cadre2"]).count() == 1
    assert Notification.objects.filter(user=annual["cadre2"]).count() == 1
    assert [m.to for m in mail.outbox] == [["em@tn.vn"]]


def test_failed_email_is_retried_and_never_duplicated(annual, monkeypatch, django_capture_on_commit_callbacks):
    real = services.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args[3])
        if len(calls) <= 2:
            raise ConnectionError("SMTP tạm thời không trả lời")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)
    due = next(d for d in selectors.due_on(annual["org"].pk, DUE_DAY) if d.person.email == "em@tn.vn")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.deliver(due, as_of=DUE_DAY)
    sent.refresh_from_db()
    assert len(calls) == 3 and sent.email_attempts == 3 and sent.emailed_at is not None and sent.email_error == ""
    assert [m.to for m in mail.outbox] == [["em@tn.vn"]]
    # The same task message delivered again (a redelivery) sends nothing more.
    assert services.deliver_email(sent.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert "Xem và thực hiện: http" in mail.outbox[0].body and "/dang-ky/?year=2023" in mail.outbox[0].body


def test_email_off_keeps_the_in_app_notification(annual, django_capture_on_commit_callbacks):
    services.set_email_preference(actor=annual["cadre2"], email=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.run(organization_id=annual["org"].pk, as_of=DUE_DAY)
    row = SentReminder.objects.get(person=annual["cadre2"])
    assert row.email_wanted is False and row.email_status == "off"
    assert Notification.objects.filter(user=annual["cadre2"], url="/dang-ky/?year=2023").count() == 1
    assert "em@tn.vn" not in {m.to[0] for m in mail.outbox}
    assert "dung@tn.vn" in {m.to[0] for m in mail.outbox}
    assert ReminderPreference.objects.get(user=annual["cadre2"]).email is False


def test_hostile_names_stay_one_line_in_headers(annual, django_capture_on_commit_callbacks):
    d = annual["d2"]
    d.name = "Văn phòng\r\nBcc: ke-xau@example.com %(p)s"
    d.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.run(organization_id=annual["org"].pk, as_of=date(2023, 2, 13))
    msg = next(m for m in mail.outbox if m.to == ["ha@tn.vn"])
    assert "\n" not in msg.subject and "Bcc: ke-xau@example.com %(p)s" in msg.subject
    assert msg.bcc == []


def test_daily_task_runs_every_organization_and_twice_sends_nothing(annual, monkeypatch):
    from fieldwork.models import Plan
    from fieldwork.reminders import tasks

    # The other organization registers quarterly (mẫu 1 due 10/01): nothing due for it on 08/02.
    Plan.objects.filter(organization_id=annual["stranger"].organization_id).update(registration_cycle="quarterly")
    assert tasks.send_reminders.apply(kwargs={"today": "2023-02-08"}).get() == 9
    assert tasks.send_reminders.apply(kwargs={"today": "2023-02-08"}).get() == 0
    # One organization failing does not stop the others (and the task reports the failure).
    real = services.run
    calls = []

    def failing(*, organization_id, as_of, dry_run=False):
        calls.append(organization_id)
        if organization_id == annual["org"].pk:
            raise ValueError("dữ liệu hỏng")
        return real(organization_id=organization_id, as_of=as_of, dry_run=dry_run)

    monkeypatch.setattr(services, "run", failing)
    result = tasks.send_reminders.apply(kwargs={"today": "2023-01-03"})
    assert result.failed() and "reminders failed" in str(result.result)
    assert annual["stranger"].organization_id in calls  # the other organization still ran
    assert SentReminder.objects.filter(person=annual["stranger"], as_of=date(2023, 1, 3)).exists()


def test_preferences_by_kind_and_channel(annual, django_capture_on_commit_callbacks):
    """docs/rules.md “A year in the life”: deadlines by email only, digests in the app only: each reminder goes where
    its kind's choice says, and a kind turned off everywhere is recorded, never sent again."""
    from fieldwork.reminders.models import DIGEST_KINDS

    services.set_preferences(
        actor=annual["cadre2"], deadlines_email=True, deadlines_app=False, digests_email=False, digests_app=True
    )
    services.set_preferences(
        actor=annual["cadre"], deadlines_email=False, deadlines_app=False, digests_email=False, digests_app=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.run(organization_id=annual["org"].pk, as_of=DUE_DAY)
    row = SentReminder.objects.get(person=annual["cadre2"])
    assert row.kind not in DIGEST_KINDS and row.email_wanted is True
    assert not Notification.objects.filter(user=annual["cadre2"]).exists()
    assert "em@tn.vn" in {m.to[0] for m in mail.outbox}
    silent = SentReminder.objects.get(person=annual["cadre"])
    assert silent.email_wanted is False and not Notification.objects.filter(user=annual["cadre"]).exists()
    assert "dung@tn.vn" not in {m.to[0] for m in mail.outbox}
    pref = ReminderPreference.objects.get(user=annual["cadre2"])
    assert pref.channels(SentReminder.Kind.AT_RISK_DIGEST) == (False, True)
    assert pref.channels(SentReminder.Kind.REGISTRATION_DUE) == (True, False)
