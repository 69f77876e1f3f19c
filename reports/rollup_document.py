"""The roll-up report as a document (docs/domain.md §10 `report rollup`): gathered once from
reports.rollup.rollup_tree, then written by reports/xlsx/rollup.py and the PDF template
reports/pdf/rollup.html, so both formats and the roll-up page show the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.vietnamese import format_short_date
from fieldwork.standing_terms import quarter_as_of as report_as_of

from .document_parts import header, stem
from .documents import Header, Signer
from .params import Params
from .rollup import COLUMNS, LIVE, Rollup, quarter_label, rollup_tree
from .signers import board_issuer, board_recipients, board_signer


@dataclass
class RollupRow:
    name: str
    level: int
    cells: list  # the figure columns (ints, or None when nothing is known)
    submitted: str
    source: str
    late: bool

    @property
    def indent(self) -> int:
        """Points of left padding in the PDF: the level in the tree."""
        return 3 + 10 * (self.level - 1)


@dataclass
class RollupReport:
    kind = "rollup"
    header: Header
    title: str
    subtitle: str
    reference: str
    columns: list[str]
    rows: list[RollupRow]
    level_rows: list[tuple[str, list]]  # (label, cells): totals per level, then the grand total
    total_row: tuple[str, list]
    summary: list[str]
    signer: Signer
    recipients: list[str]
    file_stem: str
    as_of: date
    landscape: bool = True


def rollup_document(p: Params, today: date) -> RollupReport:
    org = p.organization
    if not org.children.exists():
        raise ValidationError(_("%(org)s không có đơn vị trực thuộc.") % {"org": org.name})
    if p.quarter is None:
        raise ValidationError(_("Cần chọn quý cho báo cáo này."))
    report_as_of(p.year, p.quarter, today)  # a quarter not yet started is refused, as for compliance
    r: Rollup = rollup_tree(org, p.year, p.quarter, today)
    rows = [
        RollupRow(
            name=n.org.name,
            level=n.level,
            cells=n.cells,
            submitted=n.submitted_text(r.as_of),
            source=n.source,
            late=n.late,
        )
        for n in r.nodes
    ]
    live = sum(1 for n in r.nodes if n.source == LIVE)
    return RollupReport(
        header=header(org, board_issuer(org), "TCKT", today),
        title="BÁO CÁO TỔNG HỢP",
        subtitle=f"Tình hình thực hiện chủ trương “1+2” của các đơn vị trực thuộc {quarter_label(p.year, p.quarter)}",
        reference=(
            f"(Số liệu theo báo cáo quý các đơn vị đã gửi; đơn vị chưa gửi: số liệu trực tiếp đến ngày "
            f"{format_short_date(r.as_of)})"
        ),
        columns=[title for _key, title in COLUMNS],
        rows=rows,
        level_rows=[(f"Tổng: {lt.label} – {lt.count} đơn vị, {lt.submitted} đã gửi", lt.cells()) for lt in r.levels],
        total_row=(f"Tổng cộng – {r.count} đơn vị", r.total_cells()),
        summary=[
            f"Số đơn vị: {r.count}; đã gửi báo cáo quý: {r.submitted}; chưa gửi: {r.count - r.submitted}"
            + (f" (trong đó {live} đơn vị lấy số liệu trực tiếp)" if live else ""),
            f"Cán bộ thuộc diện: {r.total['subject']}; đã đi cơ sở trong quý: {r.total['went']}; "
            f"đã đạt: {r.total['met']}; có nguy cơ không đạt: {r.total['at_risk']}; không đạt: {r.total['not_met']}; "
            f"miễn thực hiện: {r.total['exempt']}",
        ],
        # The Board's head in their own title, as on the compliance report, to the same recipients.
        signer=board_signer(org),
        recipients=board_recipients(org),
        file_stem=stem("tong-hop-1-2", org.code, p.year, f"q{p.quarter}"),
        as_of=r.as_of,
    )
