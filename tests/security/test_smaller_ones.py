"""Issue 10 §6: multi-line comments and notification emails, request limits, the PDF
url_fetcher, iCalendar tokens, report downloads re-checking today's permission."""

import pytest
from django.core import mail
from django.urls import reverse


pytestmark = pytest.mark.django_db


def test_a_multi_line_return_comment_keeps_the_subject_on_one_line(client, people, django_capture_on_commit_callbacks):
    from fieldwork.models import Registration
    from tests.fieldwork.registration_helpers import submitted

    reg = submitted(people["plan"], people["cadre"])
    client.force_login(people["head"])
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("fieldwork:registration_return", args=[reg.pk]),
            {"version": reg.version, "comment": "Thiếu địa điểm\r\nBcc: everyone@evil.example"},
        )
    assert resp.status_code == 302
    reg.refresh_from_db()
    assert reg.status == Registration.Status.RETURNED
    assert [m.to for m in mail.outbox] == [["dung@tn.vn"]]
    subject = mail.outbox[0].subject
    assert subject.startswith("Bản đăng ký đi cơ sở quý I/2023 bị trả lại: Thiếu địa điểm Bcc:")
    assert "\n" not in subject and "everyone@evil.example" not in mail.outbox[0].recipients()
