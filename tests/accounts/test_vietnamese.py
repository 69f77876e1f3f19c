from datetime import date
from decimal import Decimal

from accounts.vietnamese import format_days, format_period, header_key, name_sort_key, place_date_line, sort_people


def test_names_sort_by_given_name_then_middle_then_family():
    names = ["Nguyễn Văn Em", "Trần Đức", "Lê Thị Dung", "Phạm Văn An", "Lê Văn An", "Lê Anh An"]
    ordered = sorted(names, key=name_sort_key)
    assert ordered == ["Lê Anh An", "Lê Văn An", "Phạm Văn An", "Lê Thị Dung", "Trần Đức", "Nguyễn Văn Em"]


def test_vietnamese_letter_order_dung_before_duc_before_em():
    assert sorted(["Em", "Đức", "Dung"], key=name_sort_key) == ["Dung", "Đức", "Em"]
    assert sorted(["Ân", "Ăn", "An", "Bình"], key=name_sort_key) == ["An", "Ăn", "Ân", "Bình"]


def test_tones_after_letters_syllable_by_syllable():
    # A whole-string key would put "Hạ Long" first (L < N); syllable by syllable "Hà" < "Hạ".
    # Middle names "Hạ Long" vs "Hà Nam", same given and family name.
    assert sorted(["Trần Hạ Long An", "Trần Hà Nam An"], key=name_sort_key) == ["Trần Hà Nam An", "Trần Hạ Long An"]
    assert sorted(["Á", "A", "À", "Ạ", "Ả", "Ã"], key=name_sort_key) == ["A", "À", "Ả", "Ã", "Á", "Ạ"]


def test_nfc_and_nfd_spellings_sort_together():
    nfd = "Ho\u0300a"  # "Hòa" typed with a combining grave
    assert name_sort_key(nfd) == name_sort_key("Hòa")
    assert name_sort_key("Hoà") == name_sort_key("Hoà")


def test_shorter_syllable_first():
    assert sorted(["Anh", "An"], key=name_sort_key) == ["An", "Anh"]


def test_sort_people_uses_full_name():
    class P:
        def __init__(self, n):
            self.full_name = n

    assert [p.full_name for p in sort_people([P("Trần Văn Bình"), P("Lê An")])] == ["Lê An", "Trần Văn Bình"]


def test_format_days_uses_comma():
    assert format_days(Decimal("2.5")) == "2,5"
    assert format_days(Decimal("60.0")) == "60"
    assert format_days(Decimal("0.5")) == "0,5"


def test_period_and_place_date_lines():
    assert format_period(date(2023, 4, 1), date(2023, 5, 1)) == "Từ ngày 01/4/2023 đến ngày 01/5/2023"
    assert place_date_line("Tây Ninh", date(2023, 2, 5)) == "Tây Ninh, ngày 05 tháng 02 năm 2023"
    assert place_date_line("Tây Ninh", date(2023, 3, 27)) == "Tây Ninh, ngày 27 tháng 3 năm 2023"


def test_header_key_ignores_case_spaces_diacritics():
    assert header_key("Họ và tên") == header_key("HO VA TEN") == header_key("họvàtên")
    assert header_key("Đối tượng") == "doituong"
