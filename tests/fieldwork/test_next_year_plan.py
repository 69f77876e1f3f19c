"""December: a cadre plans January of next year (docs/rules.md "A year in the life"). A line of
next year says what to do; the Board opens next year's plan early, as a copy of this year's; cadres
are told on their home page once it is open."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import HistoryEntry, Plan
from fieldwork.quarters import WHOLE_YEAR
from fieldwork.selectors.plans import next_year
from fieldwork.services import registrations as service
from fieldwork.services.plans import create_plan
from tests.access import assert_access

from .registration_helpers import fast_passwords, line, line_post, submitted  # noqa: F401

pytestmark = pytest.mark.django_db
OPEN = "/ke-hoach/mo-nam-sau/"
DECEMBER = timezone.make_aware(datetime(2023, 12, 10, 9, 0))
SEPTEMBER = timezone.make_aware(datetime(2023, 9, 29, 9, 0))


def test_url():
    assert reverse("fieldwork:plan_open_next") == OPEN


def test_a_line_of_next_year_says_the_plan_is_not_issued_and_who_opens_it(people):
    plan, cadre = people["plan"], people["cadre"]
    reg = service.registration_for(person=cadre, plan=plan, quarter=WHOLE_YEAR)
    with pytest.raises(ValidationError) as exc:
        service.add_line(actor=cadre, registration=reg, data=line(plan, start=date(2024, 1, 12)))
    msg = exc.value.message_dict["start"][0]
    assert msg.startswith("Kế hoạch năm 2024 chưa được ban hành nên chưa đăng ký được đợt bắt đầu ngày 12/01/2024.")
    assert "Ban Tổ chức – Kiểm tra sẽ mở kế hoạch năm 2024" in msg and "trang chủ" in msg
    # Once the plan of 2024 exists, the message sends the cadre to that year's registration.
    create_plan(actor=people["board"], organization=people["org"], year=2024, source_plan=plan)
    with pytest.raises(ValidationError) as exc:
        service.add_line(actor=cadre, registration=reg, data=line(plan, start=date(2024, 1, 12)))
    assert exc.value.message_dict["start"] == [
        "Đợt bắt đầu ngày 12/01/2024 thuộc kế hoạch năm 2024, không thuộc bản đăng ký năm 2023 này: "
        "hãy đăng ký đợt này trong bản đăng ký năm 2024."
    ]
    # A past year without a plan: the plain sentence.
    with pytest.raises(ValidationError, match="“Từ ngày” 03/12/2022 không thuộc năm 2023 của kế hoạch."):
        service.add_line(actor=cadre, registration=reg, data=line(plan, start=date(2022, 12, 3)))


def test_the_registration_page_links_to_next_years_registration_once_open(client, people):
    plan, cadre = people["plan"], people["cadre"]
    client.force_login(cadre)
    url = reverse("fieldwork:registration_detail", args=[WHOLE_YEAR]) + "?year=2023"
    post = line_post(plan, start="2024-01-12", end="2024-01-13", days="2")
    html = client.post(url, post).content.decode()
    assert "Kế hoạch năm 2024 chưa được ban hành" in html and 'data-testid="other-year"' not in html
    create_plan(actor=people["board"], organization=people["org"], year=2024, source_plan=plan)
    html = client.post(url, post).content.decode()
    assert 'data-testid="other-year"' in html and 'href="/dang-ky/?year=2024"' in html


def test_the_board_opens_next_years_plan_as_a_copy_of_this_years(client, people):
    plan = people["plan"]
    plan.document_number = "12-KH/TĐTN-TCKT"
    plan.save(update_fields=["document_number"])
    with time_machine.travel(DECEMBER, tick=False):
        assert_access(
            client,
            OPEN,
            method="post",
            forbidden=[people["cadre"], people["head"], people["inspector"], people["deputy"]],
            ok_codes=(302,),
            allowed=[people["board"]],
        )
    new = Plan.objects.get(organization=people["org"], year=2024)
    assert (new.period_start, new.period_end) == (date(2024, 1, 1), date(2024, 10, 25))
    assert new.registration_deadline == date(2024, 2, 15) and new.document_number == ""
    assert new.registration_cycle == plan.registration_cycle and new.min_days == plan.min_days
    assert list(new.categories.values_list("code", flat=True)) == list(plan.categories.values_list("code", flat=True))
    assert HistoryEntry.objects.filter(object_type="plan", object_id=new.pk, action="created").exists()
    # Opening twice changes nothing.
    with time_machine.travel(DECEMBER, tick=False):
        client.force_login(people["board"])
        resp = client.post(OPEN, follow=True)
    assert "Kế hoạch năm 2024 đã được mở." in resp.content.decode()
    assert Plan.objects.filter(organization=people["org"]).count() == 2


def test_the_board_is_reminded_from_the_last_quarter(client, people):
    client.force_login(people["board"])
    dashboard = reverse("fieldwork:organization_dashboard") + "?year=2023"
    with time_machine.travel(SEPTEMBER, tick=False):
        assert 'data-testid="open-next-year"' not in client.get(dashboard).content.decode()
        # The plans page always offers it.
        assert 'data-testid="open-next-year"' in client.get(reverse("fieldwork:plans")).content.decode()
    with time_machine.travel(DECEMBER, tick=False):
        client.force_login(people["board"])  # the session's idle limit counts the months travelled
        html = client.get(dashboard).content.decode()
        assert 'data-testid="open-next-year"' in html and "Kế hoạch năm 2024 chưa được mở" in html
        info = next_year(people["org"].pk, date(2023, 12, 10))
        assert (info.year, info.source, info.can_open) == (2024, people["plan"], True)
    # Read-only and non-Board users never see the button.
    with time_machine.travel(DECEMBER, tick=False):
        client.force_login(people["inspector"])
        assert 'data-testid="open-next-year"' not in client.get(dashboard).content.decode()


def test_cadres_are_told_on_their_home_once_next_year_is_open(client, people):
    plan, cadre, head = people["plan"], people["cadre"], people["head"]
    with time_machine.travel(DECEMBER, tick=False):
        client.force_login(cadre)
        assert 'data-testid="next-year-open"' not in client.get("/tinh-hinh/cua-toi/").content.decode()
        new = create_plan(actor=people["board"], organization=people["org"], year=2024, source_plan=plan)
        html = client.get("/tinh-hinh/cua-toi/?year=2023").content.decode()
        assert 'data-testid="next-year-open"' in html and "Kế hoạch năm 2024 đã được ban hành" in html
        assert 'href="/dang-ky/?year=2024"' in html and "15/02/2024" in html
        assert 'data-testid="next-year-open"' in client.get("/dang-ky/?year=2023").content.decode()
        assert 'data-testid="next-year-open"' not in client.get("/dang-ky/?year=2024").content.decode()
        client.force_login(head)  # a head's home page
        assert 'data-testid="next-year-open"' in client.get(reverse("fieldwork:department_home")).content.decode()
        # Once the cadre has sent next year's registration, the notice is gone.
        submitted(new, cadre, lines=[line(new, start=date(2024, 1, 12))])
        client.force_login(cadre)
        assert 'data-testid="next-year-open"' not in client.get("/tinh-hinh/cua-toi/?year=2023").content.decode()
        # Someone who owes nothing (no group) is not told.
        people["inspector"].group_code = ""
        people["inspector"].save(update_fields=["group_code"])
        client.force_login(people["inspector"])
        assert 'data-testid="next-year-open"' not in client.get("/tinh-hinh/cua-toi/").content.decode()
