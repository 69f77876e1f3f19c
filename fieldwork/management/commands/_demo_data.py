"""The demo organization's people and their year (data of load_demo; see its docstring)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fieldwork.models import Trip

DEMO_PASSWORD = "DiCoSo@2026"
DEMO_YEAR = 2026
DEMO_TODAY = date(2026, 11, 24)
DOMAIN = "tayninh.test"  # RFC 2606: never a real mailbox

DEPARTMENTS = [
    ("Văn phòng", "VP"),
    ("Ban Tổ chức – Kiểm tra", "TCKT"),
    ("Ban Tuyên giáo", "TG"),
    ("Ban Phong trào", "PT"),
    ("Ban Thanh thiếu nhi trường học", "THTN"),
    ("Ban Đoàn kết tập hợp thanh niên", "ĐKTH"),
]

LOCATIONS = [
    "Xã Tân Đông",
    "Xã Tân Châu",
    "Phường Trảng Bàng",
    "Xã Dương Minh Châu",
    "Phường Gò Dầu",
    "Xã Bến Cầu",
    "Xã Châu Thành",
    "Phường Hòa Thành",
    "Xã Tân Biên",
    "Xã Thạnh Hóa",
    "Xã Đức Hòa",
    "Phường Long An",
]


@dataclass
class P:
    """One demo person and their year."""

    key: str
    name: str
    email: str
    dept: str | None
    position: str
    group: str
    roles: tuple[str, ...] = ("cadre",)
    filler_days: str = "0"  # done short trips, Jan–Oct
    immersions: list = field(default_factory=list)  # (start, end, days, status)
    extra: list = field(default_factory=list)  # (category, start, end, days, status, kwargs)
    active_from: date | None = None
    login_as: str = ""  # label in the table of demo logins


def d(m, day):
    return date(DEMO_YEAR, m, day)


CONFIRMED, APPROVED, REPORTED, RETURNED, DRAFT = (
    Trip.Status.CONFIRMED,
    Trip.Status.APPROVED,
    Trip.Status.REPORTED,
    Trip.Status.RETURNED,
    Trip.Status.DRAFT,
)

PEOPLE = [
    # Thường trực (2.1): no department
    P(
        "tung",
        "Nguyễn Thanh Tùng",
        "tung.nt",
        None,
        "Bí thư",
        "2.1",
        ("cadre", "standing", "secretary"),
        "51",
        immersions=[(d(3, 6), d(3, 12), "7", CONFIRMED), (d(8, 10), d(8, 16), "7", CONFIRMED)],
        extra=[("moi", d(9, 2), d(9, 2), "1", CONFIRMED, {})],
        login_as="Bí thư (Thường trực)",
    ),
    P(
        "nhung",
        "Lê Thị Hồng Nhung",
        "nhung.lth",
        None,
        "Phó Bí thư",
        "2.1",
        ("cadre", "standing"),
        "47",
        immersions=[(d(4, 6), d(4, 10), "5", CONFIRMED), (d(12, 14), d(12, 18), "5", APPROVED)],
        extra=[("1.2", d(12, 1), d(12, 12), "10", APPROVED, {})],
        login_as="Phó Bí thư (Thường trực)",
    ),
    P(
        "bao",
        "Trần Quốc Bảo",
        "bao.tq",
        None,
        "Phó Bí thư",
        "2.1",
        ("cadre", "standing"),
        "25",
        immersions=[(d(5, 4), d(5, 8), "5", CONFIRMED)],
        extra=[("1.2", d(11, 10), d(11, 14), "5", REPORTED, {})],
    ),
    # Lãnh đạo ban (2.2)
    P(
        "hai",
        "Phạm Minh Hải",
        "hai.pm",
        "Văn phòng",
        "Chánh Văn phòng",
        "2.2",
        ("cadre", "head"),
        "52",
        immersions=[(d(3, 16), d(3, 20), "5", CONFIRMED), (d(9, 14), d(9, 18), "5", CONFIRMED)],
    ),
    P(
        "ha",
        "Võ Thị Thu Hà",
        "ha.vtt",
        "Ban Tổ chức – Kiểm tra",
        "Trưởng Ban",
        "2.2",
        ("cadre", "head", "board"),
        "50",
        immersions=[(d(4, 20), d(4, 24), "5", CONFIRMED), (d(10, 5), d(10, 9), "5", CONFIRMED)],
    ),
    P(
        "phuc",
        "Huỳnh Văn Phúc",
        "phuc.hv",
        "Ban Tuyên giáo",
        "Trưởng Ban",
        "2.2",
        ("cadre", "head"),
        "43",
        immersions=[(d(5, 18), d(5, 22), "5", CONFIRMED), (d(12, 16), d(12, 20), "5", APPROVED)],
        extra=[("1.4", d(12, 2), d(12, 15), "12", APPROVED, {})],
    ),
    P(
        "anh",
        "Đặng Ngọc Anh",
        "anh.dn",
        "Ban Phong trào",
        "Trưởng Ban",
        "2.2",
        ("cadre", "head"),
        "40",
        immersions=[(d(4, 13), d(4, 17), "5", CONFIRMED)],
        extra=[
            (
                "1.2",
                d(11, 3),
                d(11, 6),
                "4",
                RETURNED,
                {"status_comment": "Bổ sung kết quả kiểm tra tại từng chi đoàn."},
            ),
            ("1.5", d(12, 7), d(12, 22), "15", APPROVED, {}),
        ],
        login_as="Lãnh đạo ban",
    ),
    P(
        "oanh",
        "Bùi Thị Kim Oanh",
        "oanh.btk",
        "Ban Thanh thiếu nhi trường học",
        "Trưởng Ban",
        "2.2",
        ("cadre", "head"),
        "40",
    ),
    P(
        "khanh",
        "Đỗ Văn Khánh",
        "khanh.dv",
        "Ban Đoàn kết tập hợp thanh niên",
        "Trưởng Ban",
        "2.2",
        ("cadre", "head"),
        "51",
        immersions=[(d(2, 16), d(2, 20), "5", CONFIRMED), (d(7, 20), d(7, 24), "5", CONFIRMED)],
        extra=[("moi", d(10, 28), d(10, 28), "1", CONFIRMED, {})],
    ),
    # Chuyên viên (2.3): two immersion trips of at least 30 days
    P(
        "duyen",
        "Ngô Thị Mỹ Duyên",
        "duyen.ntm",
        "Ban Tổ chức – Kiểm tra",
        "Chuyên viên",
        "2.3",
        ("cadre", "board"),
        "8",
        immersions=[(d(3, 2), d(4, 3), "30", CONFIRMED), (d(6, 1), d(7, 3), "30", CONFIRMED)],
        login_as="Ban Tổ chức – Kiểm tra",
    ),
    P(
        "long",
        "Lý Hoàng Long",
        "long.lh",
        "Ban Tổ chức – Kiểm tra",
        "Chuyên viên",
        "2.3",
        ("cadre", "board"),
        "25",
        immersions=[(d(4, 6), d(5, 8), "30", CONFIRMED), (d(11, 30), d(12, 31), "30", APPROVED)],
    ),
    P(
        "son",
        "Trương Văn Sơn",
        "son.tv",
        "Ban Tổ chức – Kiểm tra",
        "Ủy viên Ủy ban kiểm tra",
        "2.3",
        ("cadre", "inspection"),
        "6",
        immersions=[(d(2, 23), d(3, 27), "30", CONFIRMED), (d(8, 3), d(9, 4), "31", CONFIRMED)],
        login_as="Ủy ban kiểm tra",
    ),
    P("tam", "Phan Thị Thanh Tâm", "tam.ptt", "Văn phòng", "Kế toán", "2.3", ("cadre",), "4"),
    P("lan", "Dương Thị Lan", "lan.dt", "Văn phòng", "Văn thư", "2.3", ("cadre",), "0"),
    P(
        "tri",
        "Cao Minh Trí",
        "tri.cm",
        "Văn phòng",
        "Chuyên viên công nghệ thông tin",
        "2.3",
        ("cadre", "admin"),
        "20",
        login_as="Quản trị",
    ),
    P("tram", "Hồ Thị Ngọc Trâm", "tram.htn", "Ban Tuyên giáo", "Chuyên viên", "2.3", ("cadre",), "6"),
    P(
        "thang",
        "Lâm Văn Thắng",
        "thang.lv",
        "Ban Tuyên giáo",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "15",
        immersions=[(d(5, 4), d(6, 5), "30", CONFIRMED)],
        extra=[
            ("1.1", d(11, 2), d(11, 4), "3", Trip.Status.CANCELLED, {"status_comment": "Hoãn do mưa bão."}),
            (
                "1.3",
                d(11, 16),
                d(11, 18),
                "3",
                Trip.Status.REJECTED,
                {"status_comment": "Trùng lịch kiểm tra của Ban."},
            ),
        ],
    ),
    P(
        "xuan",
        "Mai Thị Xuân",
        "xuan.mt",
        "Ban Phong trào",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "14",
        immersions=[(d(5, 4), d(6, 5), "30", CONFIRMED), (d(11, 16), d(12, 18), "30", APPROVED)],
        extra=[("1.5", d(10, 20), d(10, 22), "3", REPORTED, {})],
        login_as="Cán bộ",
    ),
    P(
        "dinh",
        "Tô Văn Định",
        "dinh.tv",
        "Ban Phong trào",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "10",
        immersions=[(d(3, 9), d(4, 10), "30", CONFIRMED), (d(7, 6), d(8, 7), "30", CONFIRMED)],
    ),
    P(
        "quyen",
        "Châu Ngọc Quyên",
        "quyen.cn",
        "Ban Thanh thiếu nhi trường học",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "25",
        extra=[("1.1", d(12, 1), d(12, 4), "4", DRAFT, {}), ("1.5", d(12, 14), d(12, 16), "2,5", DRAFT, {})],
    ),
    P(
        "vinh",
        "Đinh Công Vinh",
        "vinh.dc",
        "Ban Thanh thiếu nhi trường học",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "5",
        immersions=[(d(2, 2), d(3, 5), "32", CONFIRMED), (d(9, 7), d(10, 9), "30", CONFIRMED)],
    ),
    P(
        "ngan",
        "La Thị Bích Ngân",
        "ngan.ltb",
        "Ban Đoàn kết tập hợp thanh niên",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "20",
        immersions=[(d(6, 8), d(6, 27), "20", CONFIRMED)],
    ),
    P(
        "hau",
        "Kiều Văn Hậu",
        "hau.kv",
        "Ban Đoàn kết tập hợp thanh niên",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "18",
        extra=[("1.1", d(12, 3), d(12, 9), "6", DRAFT, {})],
    ),
    P(
        "quan",
        "Tạ Minh Quân",
        "quan.tm",
        "Ban Phong trào",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "3",
        immersions=[(d(8, 3), d(9, 3), "30", CONFIRMED)],
        active_from=d(7, 1),
    ),
]

MATERNITY = ("tram", d(3, 1), d(8, 31))
CONTENTS = {
    "1.1": "Phối hợp tổ chức ngày hội thanh niên, hướng dẫn chi đoàn triển khai công trình thanh niên",
    "1.2": "Kiểm tra, giám sát việc thực hiện nghị quyết và sinh hoạt chi đoàn",
    "1.3": "Chuyên đề “3 chủ động”: củng cố chi đoàn yếu, kém",
    "1.4": "Dự họp Ban Chấp hành, Ban Thường vụ Đoàn xã",
    "1.5": "Tham dự sinh hoạt chi đoàn ấp",
    "moi": "Dự lễ ra quân chiến dịch Thanh niên tình nguyện hè (được mời)",
}
RESULTS = "Chi đoàn sinh hoạt đều, nội dung phong phú; đã hướng dẫn cập nhật sổ sách. Đề xuất tăng kinh phí cho hoạt động tại ấp."


# The second, small demo organization (docs/rules.md “The seeds' cycle and rules”): Thành đoàn Đà Nẵng on the da-nang-2023 template —
# quarterly registration, immersion trips of 5–7 days on topics (1.3), never back to back.
DN_DOMAIN = "danang.test"
# Đà Nẵng's own communes and wards (docs/rules.md “A year in the life”: its cadres went to Đà Nẵng, not to Tây Ninh).
DN_LOCATIONS = [
    "Phường Hải Châu",
    "Xã Hòa Tiến",
    "Phường Sơn Trà",
    "Xã Hòa Vang",
    "Phường Liên Chiểu",
    "Xã Thượng Đức",
    "Phường Hội An",
    "Xã Nam Phước",
    "Phường Tam Kỳ",
    "Xã Thăng An",
]
DN_DEPARTMENTS = [("Văn phòng", "VP"), ("Ban Tổ chức – Kiểm tra", "TCKT"), ("Ban Phong trào", "PT")]
DN_PEOPLE = [
    P(
        "dn_thanh",
        "Trần Văn Thành",
        "thanh.tv",
        None,
        "Bí thư",
        "2.1",
        ("cadre", "standing"),
        "48",
        immersions=[(d(3, 2), d(3, 7), "6", CONFIRMED), (d(6, 1), d(6, 7), "7", CONFIRMED)],
        login_as="Bí thư (Thường trực)",
    ),
    P(
        "dn_hoa",
        "Lê Thị Hoa",
        "hoa.lt",
        "Ban Tổ chức – Kiểm tra",
        "Trưởng Ban",
        "2.2",
        ("cadre", "head", "board"),
        "50",
        immersions=[(d(4, 6), d(4, 10), "5", CONFIRMED), (d(12, 1), d(12, 5), "5", APPROVED)],
        login_as="Ban Tổ chức – Kiểm tra",
    ),
    P(
        "dn_minh",
        "Phạm Quang Minh",
        "minh.pq",
        "Ban Phong trào",
        "Trưởng Ban",
        "2.2",
        ("cadre", "head"),
        "30",
        immersions=[(d(5, 4), d(5, 9), "6", CONFIRMED)],
        extra=[("1.2", d(12, 8), d(12, 12), "5", DRAFT, {})],
        login_as="Lãnh đạo ban",
    ),
    P(
        "dn_thu",
        "Võ Thị Thu",
        "thu.vt",
        "Ban Phong trào",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "45",
        # the second immersion trip starts the day after the first ends: IMMERSION_BACK_TO_BACK
        # (Đà Nẵng "không thực hiện 02 đợt liên tiếp": at least one clear day between them)
        immersions=[(d(2, 2), d(2, 8), "7", CONFIRMED), (d(2, 9), d(2, 13), "5", CONFIRMED)],
        extra=[("1.5", d(11, 9), d(11, 11), "3", REPORTED, {})],
        login_as="Cán bộ",
    ),
    P(
        "dn_nam",
        "Huỳnh Văn Nam",
        "nam.hv",
        "Ban Phong trào",
        "Chuyên viên",
        "2.3",
        ("cadre",),
        "50",
        immersions=[(d(4, 6), d(4, 12), "7", CONFIRMED), (d(9, 7), d(9, 12), "6", CONFIRMED)],
    ),
    P("dn_cuc", "Đoàn Thị Cúc", "cuc.dt", "Văn phòng", "Kế toán", "2.3", ("cadre",), "0"),
]
