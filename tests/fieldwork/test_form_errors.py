"""After a failed submit, the form says what is wrong at its top, each message linked to its field
(templates/_error_summary.html through crispy's errors.html and the hand-laid forms); the focus and
scrolling are static/js/forms.js's (tests/browser/test_life_cadre.py)."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.templatetags.form_errors import summary_items
from fieldwork.forms.registration import ReturnForm
from fieldwork.quarters import WHOLE_YEAR

from .registration_helpers import fast_passwords, line, line_post, submitted  # noqa: F401

pytestmark = pytest.mark.django_db


def test_summary_items_list_every_error_with_its_anchor():
    form = ReturnForm({"comment": ""})
    assert not form.is_valid()
    assert summary_items(form) == [
        {
            "anchor": "return_comment",
            "label": "Lý do trả lại, việc cần sửa",
            "message": "Hãy ghi lý do trả lại để người đăng ký biết cần sửa gì.",
        },
        {"anchor": "", "label": "", "message": "Trường này là bắt buộc."},  # the hidden version: no label
    ]


def test_returning_without_a_reason_comes_back_with_the_summary(client, people):
    reg = submitted(people["plan"], people["cadre"], lines=[line(people["plan"], start=date(2023, 2, 6))])
    client.force_login(people["head"])
    resp = client.post(reverse("fieldwork:registration_return", args=[reg.pk]), {"comment": "", "version": reg.version})
    html = resp.content.decode()
    assert resp.status_code == 400
    assert html.count("data-error-summary") == 1 and 'href="#return_comment" data-error-link' in html
    assert "Chưa lưu được: có 1 lỗi cần sửa." in html


def test_the_line_form_links_each_error_to_its_field(client, people):
    client.force_login(people["cadre"])
    url = reverse("fieldwork:registration_detail", args=[WHOLE_YEAR]) + "?year=2023"
    resp = client.post(url, line_post(people["plan"], start="2023-02-05", end="2023-02-01", content="x"))
    html = resp.content.decode()
    summary = html.split("data-error-summary")[1].split("</div>")[0]
    assert 'href="#id_end"' in summary and "“Đến ngày” phải bằng hoặc sau “Từ ngày”." in summary
    assert "js/forms.js" in html
