"""The Board's reports are signed by the head of its department in their own title, through one
signer function (reports.signers.board_signer), to one list of recipients (docs/domain.md §8)."""

import re

import pytest
from django.core.management import call_command

from tests.factories import DepartmentFactory, UserFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_every_board_report_is_signed_by_the_boards_head_in_their_own_title(tree, run_jobs, tmp_path):
    """The compliance report, the roll-up, the year-end report and the whole organization's mẫu 3: one
    signer function (reports.signers.board_signer), one list of recipients."""
    tn = tree["tn"]
    tckt = DepartmentFactory(organization=tn, name="Ban Tổ chức – Kiểm tra")
    UserFactory(
        department=tckt,
        full_name="Trương Thị Phụ",
        position="Phó Trưởng Ban phụ trách",
        roles=["cadre", "head", "board"],
    )
    tails = {}
    for kind, extra in (("compliance", ["--quarter", "1"]), ("rollup", ["--quarter", "1"]), ("yearend", [])):
        out = tmp_path / f"{kind}.pdf"
        call_command(
            "report", kind, "--org", "tay-ninh", "--year", "2023", *extra, "--format", "pdf",
            "--output", str(out), "--today", "2023-12-01",
        )  # fmt: skip
        text = pdf_text(out)
        tails[kind] = text[text.rindex("Nơi nhận:") :]
    for kind, tail in tails.items():
        assert "PHÓ TRƯỞNG BAN PHỤ TRÁCH Trương Thị Phụ" in tail, kind
        assert not re.search(r"(?<![A-ZĐ])(?:TM|KT)\.", tail), kind  # no "TM." nor "KT." ("TCKT." is the file copy)
        assert "- Ban Thường vụ Tỉnh đoàn; - Ủy ban kiểm tra Tỉnh đoàn;" in tail, kind
