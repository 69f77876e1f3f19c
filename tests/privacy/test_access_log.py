"""Who looked (docs/privacy.md): opening another person's profile, standing, exemption (and its
document), trip attachments or year-end remark is recorded — who, whom, what, when; the person sees it
on “Dữ liệu của tôi” (by role); the Inspection Committee reads the whole log, paginated and filtered."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import DataAccess
from fieldwork.models import TripAttachment
from tests.access import assert_access
from tests.factories import make_trip
from tests.privacy.conftest import PNG

pytestmark = pytest.mark.django_db


def whats(person) -> list[tuple[str, str]]:
    return list(DataAccess.objects.filter(person=person).order_by("pk").values_list("viewer__email", "what"))


def test_each_kind_of_look_is_recorded_and_looking_at_oneself_is_not(client, people, maternity):
    dung = people["cadre"]
    trip = make_trip(people["plan"], dung, start=date(2023, 3, 1), status="reported")
    att = TripAttachment(trip=trip, original_name="anh.png", content_type="image/png", size=len(PNG))
    att.file.save("anh.png", SimpleUploadedFile("anh.png", PNG), save=True)
    client.force_login(people["board"])
    client.get(reverse("fieldwork:person_edit", args=[dung.pk]))
    client.get(reverse("fieldwork:exemption_detail", args=[maternity.pk]))
    client.get(reverse("fieldwork:exemption_document", args=[maternity.pk]))
    client.force_login(people["head"])
    client.get(reverse("fieldwork:cadre_dashboard") + f"?year=2023&person={dung.pk}")
    client.get(reverse("fieldwork:trip_detail", args=[trip.pk]))
    client.get(reverse("fieldwork:trip_attachment", args=[trip.pk, att.pk]))
    client.get(reverse("reports:remarks") + "?year=2023")
    assert whats(dung) == [
        ("khoa@tn.vn", "profile"),
        ("khoa@tn.vn", "exemption"),
        ("khoa@tn.vn", "exemption_document"),
        ("hai@tn.vn", "standing"),
        ("hai@tn.vn", "trip"),
        ("hai@tn.vn", "attachment"),
        ("hai@tn.vn", "remark"),
    ]
    # A refused look is not a look; one's own data is not recorded.
    client.force_login(people["cadre2"])
    assert client.get(reverse("fieldwork:exemption_detail", args=[maternity.pk])).status_code == 403
    client.force_login(dung)
    client.get(reverse("fieldwork:exemption_detail", args=[maternity.pk]))
    client.get(reverse("fieldwork:trip_attachment", args=[trip.pk, att.pk]))
    assert DataAccess.objects.filter(person=dung).count() == 7
    # She sees them by role, not by name.
    html = client.get(reverse("reports:my_data")).content.decode()
    assert html.count("Ban Tổ chức – Kiểm tra · ") >= 3 and "Bùi Văn Khoa" not in html


def test_the_inspection_committee_reads_the_whole_log(client, people, maternity):
    for viewer, person in ((people["board"], people["cadre"]), (people["head"], people["cadre2"])):
        DataAccess.objects.create(organization=people["org"], viewer=viewer, person=person, what="profile")
    DataAccess.objects.create(
        organization=people["other_plan"].organization,
        viewer=people["stranger"],
        person=people["stranger"],
        what="profile",
    )
    url = reverse("accounts:access_log")
    assert_access(
        client,
        url,
        allowed=[people["inspector"]],
        forbidden=[people["board"], people["secretary"], people["head"], people["cadre"], people["stranger"]],
    )
    client.force_login(people["inspector"])
    html = client.get(url).content.decode()
    assert html.count('data-testid="access-row"') == 2 and "Cao Văn Lạ" not in html  # own organization only
    html = client.get(url + "?viewer=khoa").content.decode()
    assert html.count('data-testid="access-row"') == 1 and "Trần Thị Dung" in html
    html = client.get(url + "?person=Lê Văn&what=profile").content.decode()
    assert html.count('data-testid="access-row"') == 1 and "Lê Văn Em" in html
    assert client.get(url + "?start=khong-phai-ngay").status_code == 200


def test_the_log_pages_in_constant_queries(client, people, django_assert_max_num_queries):
    for i in range(120):
        DataAccess.objects.create(
            organization=people["org"], viewer=people["board"], person=people["cadre"], what="profile"
        )
    client.force_login(people["inspector"])
    with django_assert_max_num_queries(12):
        html = client.get(reverse("accounts:access_log") + "?page=2").content.decode()
    assert html.count('data-testid="access-row"') == 50 and "Trang 2/3" in html
