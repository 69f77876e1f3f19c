from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from tests.factories import UserFactory


@pytest.fixture
def org_people(people):
    """The conftest `people` plus an archivist (văn thư: exempt by position) in Ban Phong trào."""
    p = dict(people)
    p["exempt"] = UserFactory(
        department=p["d1"], full_name="Đỗ Văn Thư", email="thu@tn.vn", position="Văn thư", group_code="2.3"
    )
    return p


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def run_days(org_id, start: date, end: date, actions=None):
    """Run the daily reminders on every day from start to end with the clock moved to that day;
    `actions` maps a day to a callable run first (what people do that day). Returns
    [(day, email, kind, deadline)] of what was sent."""
    from fieldwork.reminders import services

    actions = actions or {}
    sent = []
    day = start
    with time_machine.travel(at_noon(start), tick=False) as traveller:
        while day <= end:
            traveller.move_to(at_noon(day))
            if day in actions:
                actions[day]()
            for o in services.run(organization_id=org_id, as_of=day):
                assert o.sent
                sent.append((day, o.email, o.kind, o.deadline))
            day += timedelta(days=1)
    return sent


def days_of(sent, email, kind):
    return [d for d, e, k, _dl in sent if e == email and k == kind]
