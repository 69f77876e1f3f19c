"""The report request page's cadre select (docs/rules.md “Stored standings”): the chosen cadre only, others found by
a search of the user's organization; any person of the organization is still accepted."""

from django.urls import reverse

from reports.forms import ReportRequestForm
from tests.factories import UserFactory


def test_the_select_renders_only_the_chosen_cadre(client, people):
    for i in range(30):
        UserFactory(department=people["d1"], full_name=f"Nguyễn Văn Số {i}", email=f"so{i}@tn.vn", group_code="2.3")
    client.force_login(people["board"])
    body = client.get(reverse("reports:request")).content.decode()
    select = body[body.index('name="cadre"') : body.index("</select>", body.index('name="cadre"'))]
    assert select.count("<option") == 2  # the empty choice and the user
    assert "Bùi Văn Khoa" in select and "Số 7" not in select
    assert 'hx-get="' + reverse("reports:cadre_options") in body


def test_any_person_of_the_organization_is_accepted_and_shown_selected(people):
    form = ReportRequestForm(
        {"kind": "mau1", "format": "pdf", "year": 2023, "cadre": people["cadre2"].pk}, user=people["board"]
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cadre"] == people["cadre2"]
    html = str(form["cadre"])
    assert html.count("<option") == 2 and "selected" in html and "Lê Văn Em" in html
    stranger = ReportRequestForm(
        {"kind": "mau1", "format": "pdf", "year": 2023, "cadre": people["stranger"].pk}, user=people["board"]
    )
    assert not stranger.is_valid() and "cadre" in stranger.errors


def test_the_search_lists_the_organization_only(client, people):
    url = reverse("reports:cadre_options")
    assert client.get(url, {"q": "Em"}).status_code == 302  # login first
    client.force_login(people["board"])
    body = client.get(url, {"q": "lê văn"}).content.decode()
    assert "Lê Văn Em" in body and "Trần Thị Dung" not in body
    assert "Cao Văn Lạ" not in client.get(url, {"q": "Cao"}).content.decode()  # another organization
    assert "Không tìm thấy" in client.get(url, {"q": "<script>"}).content.decode()
    assert "<script>" not in client.get(url, {"q": "<script>"}).content.decode()
    assert client.post(url, {"q": "Em"}).status_code == 405
