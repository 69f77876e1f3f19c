"""fieldwork/locations.py: provinces and wards of the two-tier units (since 1/7/2025)."""

import pytest

from fieldwork import locations

from .registration_helpers import fast_passwords  # noqa: F401


def test_there_are_34_provinces_sorted_with_readable_labels():
    items = locations.provinces()
    assert len(items) == 34
    labels = dict(items)
    assert labels["80"] == "Tỉnh Tây Ninh"
    assert labels["01"] == "Thành phố Hà Nội"  # central cities keep their own prefix
    assert labels["48"] == "Thành phố Đà Nẵng"
    # alphabetical ignoring diacritics: "Tỉnh An Giang" after "Thành phố …"? compare plain keys
    keys = [locations._collate(label) for _code, label in items]
    assert keys == sorted(keys)


def test_wards_of_a_province_and_search_ignores_diacritics():
    wards = locations.wards("80")
    assert len(wards) == 96
    assert all(len(code) == 5 for code, _name in wards)
    found = locations.wards("80", "tan dong")
    assert [name for _c, name in found] == ["Xã Tân Đông"]
    assert locations.wards("80", "TÂN ĐÔNG") == found
    assert locations.wards("", "tan") == []
    assert locations.wards("999") == []
    assert locations.wards("abc") == []


def test_labels_and_membership():
    code = locations.wards("80", "tan dong")[0][0]
    assert locations.ward_label(code) == "Xã Tân Đông"
    assert locations.ward_in_province(code, "80")
    assert not locations.ward_in_province(code, "01")
    assert not locations.ward_in_province("nonsense", "80")
    assert locations.province_label("80") == "Tỉnh Tây Ninh"
    assert locations.province_label("") == ""
    assert locations.structured_label("80", code) == "Xã Tân Đông, Tỉnh Tây Ninh"


@pytest.mark.parametrize(
    ("province", "ward_query", "detail", "expected"),
    [
        ("80", "tan dong", "", "Xã Tân Đông, Tỉnh Tây Ninh"),
        ("80", "tan dong", "Chi đoàn ấp 3", "Chi đoàn ấp 3, Xã Tân Đông, Tỉnh Tây Ninh"),
        ("", "", "Huyện đoàn  Châu Thành ", "Huyện đoàn Châu Thành"),
        ("80", "", "Đoàn trường THPT Tây Ninh", "Đoàn trường THPT Tây Ninh, Tỉnh Tây Ninh"),
    ],
)
def test_location_text_and_back(province, ward_query, detail, expected):
    ward = locations.wards(province, ward_query)[0][0] if ward_query else ""
    text = locations.location_text(province_code=province, ward_code=ward, detail=detail)
    assert text == expected
    assert locations.detail_of(text, province, ward) == " ".join(detail.split())


def test_wards_endpoint_returns_options(client, people):
    client.force_login(people["cadre"])
    resp = client.get("/dia-ban/xa-phuong/", {"province": "80", "ward_search": "tan dong"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert html.count("<option") == 2
    assert "Xã Tân Đông" in html
    resp = client.get("/dia-ban/xa-phuong/", {"province": ""})
    assert "Chọn tỉnh, thành phố trước" in resp.content.decode()


def test_wards_endpoint_requires_login(client):
    resp = client.get("/dia-ban/xa-phuong/", {"province": "80"})
    assert resp.status_code == 302
