"""Exemptions (docs/domain.md §5–§7): propose (Board), approve/reject (Standing, never their own), revoke,
the document (sniffed, size-capped, downloaded only through the permission-checked view)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Notification
from fieldwork.models import Exemption, ExemptionReason, HistoryEntry
from fieldwork.selectors import standing_for
from fieldwork.services import exemptions as service
from tests.access import assert_access
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def reason(plan, code="thai-san"):
    return ExemptionReason.objects.get(plan=plan, code=code)


def propose_post(people, **overrides):
    data = {
        "year": 2023,
        "person": people["cadre"].pk,
        "reason": reason(people["plan"]).pk,
        "start": "2023-05-01",
        "end": "2023-10-31",
        "note": "Nghỉ thai sản theo quyết định số 12/QĐ",
    }
    data.update(overrides)
    return data


def proposed(people, person=None, code="thai-san", start=date(2023, 5, 1), end=date(2023, 10, 31)):
    return service.propose(
        actor=people["board"],
        data=service.ExemptionInput(
            person=person or people["cadre"], reason=reason(people["plan"], code), start=start, end=end, note="QĐ 12"
        ),
    )


def test_board_proposes_with_a_document(client, people):
    client.force_login(people["board"])
    doc = SimpleUploadedFile("quyet dinh.pdf", PDF, content_type="application/octet-stream")
    resp = client.post(reverse("fieldwork:exemption_propose"), propose_post(people, document=doc))
    ex = Exemption.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("fieldwork:exemption_detail", args=[ex.pk])
    assert (ex.status, ex.person, ex.proposed_by, ex.start, ex.end) == (
        "proposed",
        people["cadre"],
        people["board"],
        date(2023, 5, 1),
        date(2023, 10, 31),
    )
    assert ex.document.name.startswith(
        f"exemptions/{people['org'].pk}/{people['cadre'].pk}/mien-"
    ) and ex.document.name.endswith(".pdf")
    assert HistoryEntry.objects.filter(object_type="exemption", object_id=ex.pk, action="proposed").exists()
    assert Notification.objects.filter(user=people["cadre"], text__contains="đề nghị miễn").exists()
    assert Notification.objects.filter(user=people["deputy"]).exists()  # the Standing Committee is told
    # Proposed is not yet exempt.
    assert standing_for(people["plan"], people["cadre"], date(2023, 6, 30)).status != "exempt"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"document": "fake"}, "document", "Văn bản kèm theo phải là tệp PDF, ảnh JPEG hoặc PNG."),
        ({"end": "2023-04-01"}, "end", "“Đến ngày” phải bằng hoặc sau “Từ ngày”."),
        ({"reason": "ke-toan"}, "reason", "Lựa chọn không hợp lệ"),
    ],
)
def test_propose_rejected_keeps_what_was_typed(client, people, overrides, field, message):
    client.force_login(people["board"])
    if overrides.get("document") == "fake":
        overrides["document"] = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    if overrides.get("reason") == "ke-toan":
        overrides["reason"] = reason(people["plan"], "ke-toan").pk  # position reasons need no decision
    resp = client.post(reverse("fieldwork:exemption_propose"), propose_post(people, **overrides))
    assert resp.status_code == 200
    assert any(message in e for e in resp.context["form"].errors[field])
    assert "Nghỉ thai sản theo quyết định số 12/QĐ" in resp.content.decode()
    assert Exemption.objects.count() == 0


def test_document_size_cap(client, people, settings):
    settings.MAX_ATTACHMENT_BYTES = 1024
    client.force_login(people["board"])
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * 2000, content_type="image/png")
    resp = client.post(reverse("fieldwork:exemption_propose"), propose_post(people, document=big))
    assert "lớn hơn giới hạn" in " ".join(resp.context["form"].errors["document"])
    assert Exemption.objects.count() == 0


def test_overlapping_proposal_is_refused(people):
    proposed(people)
    with pytest.raises(Exception, match="Trùng thời gian"):
        proposed(people, code="hoc-tap", start=date(2023, 10, 1), end=date(2023, 12, 31))


def test_propose_access(client, people):
    url = reverse("fieldwork:exemption_propose")
    assert_access(
        client,
        url,
        allowed=[people["board"]],
        forbidden=[people["cadre"], people["head"], people["deputy"], people["inspector"]],
    )
    client.force_login(people["inspector"])
    assert client.post(url, propose_post(people)).status_code == 403
    # A person of another organization cannot be chosen.
    client.force_login(people["board"])
    resp = client.post(url, propose_post(people, person=people["stranger"].pk))
    assert "person" in resp.context["form"].errors and Exemption.objects.count() == 0


def test_standing_committee_approves_and_the_cadre_becomes_exempt(client, people):
    ex = proposed(people)
    client.force_login(people["deputy"])
    resp = client.post(reverse("fieldwork:exemption_approve", args=[ex.pk]), {"comment": "Đồng ý"})
    assert resp.status_code == 302
    ex.refresh_from_db()
    assert (ex.status, ex.decided_by) == ("approved", people["deputy"])
    s = standing_for(people["plan"], people["cadre"], date(2023, 6, 30))
    assert (s.status, s.required_days, s.exemption) == ("exempt", 0, "thai-san")
    assert Notification.objects.filter(user=people["cadre"], text__contains="đã phê duyệt").exists()
    assert list(
        HistoryEntry.objects.filter(object_type="exemption", object_id=ex.pk).values_list("action", flat=True)
    ) == ["proposed", "approved"]


def test_decision_access(client, people):
    ex = proposed(people)
    for name in ("exemption_approve", "exemption_reject"):
        url = reverse(f"fieldwork:{name}", args=[ex.pk])
        assert_access(
            client,
            url,
            method="post",
            forbidden=[people["board"], people["head"], people["inspector"]],
            not_found=[people["stranger"]],
        )
    ex.refresh_from_db()
    assert ex.status == "proposed"
    # The cadre may look at their own exemption but not decide on it.
    client.force_login(people["cadre"])
    assert client.get(reverse("fieldwork:exemption_detail", args=[ex.pk])).status_code == 200
    assert client.post(reverse("fieldwork:exemption_approve", args=[ex.pk])).status_code == 403


def test_nobody_decides_on_their_own_exemption(client, people):
    ex = proposed(people, person=people["deputy"])
    client.force_login(people["deputy"])
    assert client.post(reverse("fieldwork:exemption_approve", args=[ex.pk])).status_code == 403
    client.force_login(people["secretary"])
    assert client.post(reverse("fieldwork:exemption_approve", args=[ex.pk])).status_code == 302
    ex.refresh_from_db()
    assert ex.decided_by == people["secretary"]


def test_reject_needs_a_reason(client, people):
    ex = proposed(people)
    client.force_login(people["deputy"])
    resp = client.post(reverse("fieldwork:exemption_reject", args=[ex.pk]), {"comment": ""})
    assert "Hãy ghi lý do không phê duyệt." in resp.content.decode()
    resp = client.post(reverse("fieldwork:exemption_reject", args=[ex.pk]), {"comment": "Chưa có quyết định"})
    ex.refresh_from_db()
    assert ex.status == "rejected"
    # A decided proposal cannot be decided again.
    resp = client.post(reverse("fieldwork:exemption_approve", args=[ex.pk]))
    assert "đã được quyết định" in resp.content.decode()
    ex.refresh_from_db()
    assert ex.status == "rejected"


def test_revoke_brings_the_requirement_back(client, people):
    ex = proposed(people)
    service.approve(actor=people["deputy"], exemption=ex)
    url = reverse("fieldwork:exemption_revoke", args=[ex.pk])
    assert_access(
        client,
        url,
        method="post",
        data={"comment": "x"},
        forbidden=[people["cadre"], people["inspector"], people["head"]],
        not_found=[people["stranger"]],
    )
    client.force_login(people["board"])
    resp = client.post(url, {"comment": "Đã đi làm lại từ 01/6"})
    assert resp.status_code == 302
    ex.refresh_from_db()
    assert ex.status == "revoked"
    s = standing_for(people["plan"], people["cadre"], date(2023, 6, 30))
    assert (s.status, s.required_days) == ("at_risk", 60)
    assert Notification.objects.filter(user=people["cadre"], text__contains="thu hồi").exists()


def test_document_download_is_permission_checked(client, people):
    ex = service.propose(
        actor=people["board"],
        data=service.ExemptionInput(
            person=people["cadre"],
            # Not a sensitive reason: a sensitive one's document is the Inspection Committee's 403
            # (tests/privacy/test_sensitive_reasons.py).
            reason=reason(people["plan"], "hoc-tap"),
            start=date(2023, 5, 1),
            end=date(2023, 10, 31),
            document=SimpleUploadedFile("a.png", PNG),
        ),
    )
    url = reverse("fieldwork:exemption_document", args=[ex.pk])
    assert_access(
        client,
        url,
        allowed=[people["board"], people["deputy"], people["inspector"], people["cadre"]],
        forbidden=[people["cadre2"], people["head"]],
        not_found=[people["stranger"]],
    )
    client.force_login(people["cadre"])
    resp = client.get(url)
    assert resp["Content-Disposition"].startswith("attachment;") and resp["Content-Type"] == "image/png"
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert b"".join(resp.streaming_content) == PNG
    # No document: 404.
    ex2 = proposed(people, person=people["cadre2"])
    client.force_login(people["board"])
    assert client.get(reverse("fieldwork:exemption_document", args=[ex2.pk])).status_code == 404


def test_list_filters_pagination_and_positions(client, people):
    plan = people["plan"]
    UserFactory(department=people["d2"], full_name="Lý Thị Kế", email="ke@tn.vn", position="Kế toán")
    for i in range(30):
        u = UserFactory(department=people["d1"], full_name=f"Nguyễn Thị Số {i}", email=f"so{i}@tn.vn")
        Exemption.objects.create(
            person=u,
            reason=reason(plan, "hoc-tap" if i % 3 == 0 else "thai-san"),
            start=date(2023, 3, 1),
            end=date(2023, 9, 1),
            status="approved" if i % 2 else "proposed",
        )
    url = reverse("fieldwork:exemptions")
    assert_access(
        client,
        url,
        allowed=[people["board"], people["deputy"], people["inspector"]],
        forbidden=[people["cadre"], people["head"]],
    )
    client.force_login(people["board"])
    resp = client.get(url)
    assert len(resp.context["page"].object_list) == 25 and resp.context["page"].paginator.count == 30
    assert client.get(url, {"status": "approved"}).context["page"].paginator.count == 15
    assert client.get(url, {"reason": "hoc-tap"}).context["page"].paginator.count == 10
    assert client.get(url, {"reason": "hoc-tap", "status": "approved"}).context["page"].paginator.count == 5
    assert client.get(url, {"q": "Số 7"}).context["page"].paginator.count == 1
    body = resp.content.decode()
    assert "Lý Thị Kế" in body and "theo chức danh" in body
    client.force_login(people["deputy"])
    assert client.get(url).context["pending"] == 15
