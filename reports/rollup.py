"""The roll-up (docs/rules.md “Organizations in a tree and the roll-up”, docs/domain.md §10 `report rollup`): the figures each child organization
sends its parent every quarter, and the tree of an organization's descendants with those figures.

One function computes a child's figures, `organization_figures`: it reads them off the child's own
quarterly compliance report (reports/compliance.py, itself fieldwork.selectors.standings), so what
a child sends is exactly what its own report says. The roll-up answers from the stored (submitted)
figures; only a child that has sent nothing for the quarter is computed live, at the quarter's end
(or today while the quarter runs), and marked so.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.tree import descendants
from accounts.vietnamese import _syllable_key, format_date, nfc
from fieldwork.models import Plan
from fieldwork.quarters import quarter_bounds, quarter_name

from .compliance import compliance
from .models import RollupSubmission
from .params import Params

COUNT_KEYS = ("total", "subject", "went", "met", "on_track", "at_risk", "not_met", "exempt", "late_forms")
DAY_KEYS = ("quarter_days", "done_days")
# The columns of docs/domain.md §10 `report rollup`, in that order (key, header).
COLUMNS = [
    ("name", "Đơn vị"),
    ("subject", "Cán bộ thuộc diện"),
    ("went", "Đã đi cơ sở trong quý"),
    # docs/rules.md “The rules as the documents say them”: fieldwork.standing_terms.COMPLETED
    ("met", "Hoàn thành (đủ ngày và đủ đợt)"),
    ("at_risk", "Có nguy cơ không đạt"),
    ("not_met", "Không đạt"),
    ("exempt", "Miễn thực hiện"),
    ("submitted", "Báo cáo quý đã gửi"),
]
FIGURE_COLUMNS = [k for k, _title in COLUMNS if k not in ("name", "submitted")]

SUBMITTED, LIVE, NO_PLAN, NOT_COMPUTED = "submitted", "live", "no_plan", "not_computed"


# The figures of one organization ------------------------------------------------------------------
def figures_of(doc) -> dict:
    """The roll-up figures of a compliance report (reports/compliance.ComplianceReport)."""
    subject = [c for c in doc.cadres if c.status != "exempt"]
    counts = Counter(c.status for c in doc.cadres)
    return {
        "total": len(doc.cadres),
        "subject": len(subject),
        "went": sum(1 for c in subject if c.went),
        "met": counts["met"],
        "on_track": counts["on_track"],
        "at_risk": counts["at_risk"],
        "not_met": counts["not_met"],
        "exempt": counts["exempt"],
        "late_forms": sum(1 for d in doc.departments if d.late),
        # Days as text: JSON has no Decimal and halves must stay exact.
        "quarter_days": str(sum((c.quarter_days for c in subject), Decimal(0))),
        "done_days": str(sum((c.done_days for c in subject), Decimal(0))),
        "as_of": doc.as_of.isoformat(),
    }


def organization_figures(plan: Plan, quarter: int, today: date) -> dict:
    """What `plan.organization` reports for the quarter: its compliance report's figures, as of
    the quarter's last day or today while the quarter runs (refused before the quarter starts)."""
    doc = compliance(Params(organization=plan.organization, plan=plan, year=plan.year, quarter=quarter), today)
    return figures_of(doc)


def empty_totals() -> dict:
    return {**dict.fromkeys(COUNT_KEYS, 0), **dict.fromkeys(DAY_KEYS, Decimal(0))}


def add_into(totals: dict, figures: dict | None) -> None:
    if not figures:
        return
    for k in COUNT_KEYS:
        totals[k] += int(figures.get(k) or 0)
    for k in DAY_KEYS:
        totals[k] += Decimal(str(figures.get(k) or 0))


# The tree ---------------------------------------------------------------------------------------------
@dataclass
class RollupNode:
    org: Organization
    level: int  # 1 = directly attached to the roll-up's root
    figures: dict | None = None
    source: str = NOT_COMPUTED
    submission: RollupSubmission | None = None
    versions: int = 0
    children: list[RollupNode] = field(default_factory=list)
    subtree: dict = field(default_factory=empty_totals)  # own figures + every descendant's
    subtree_count: int = 0  # organizations below this one

    @property
    def submitted(self) -> bool:
        return self.source == SUBMITTED

    @property
    def late(self) -> bool:
        return bool(self.submission and self.submission.late)

    def value(self, key: str):
        return None if self.figures is None else self.figures.get(key)

    @property
    def cells(self) -> list:
        return [self.value(k) for k in FIGURE_COLUMNS]

    @property
    def subtree_cells(self) -> list:
        return [self.subtree[k] for k in FIGURE_COLUMNS]

    def submitted_text(self, as_of: date) -> str:
        """The last column: sent (when, late, which version), or not sent and what is shown instead."""
        if self.submission is not None:
            s = self.submission
            text = _("Đã gửi ngày %(d)s") % {"d": format_date(timezone.localtime(s.submitted_at).date())}
            if s.late:
                text += _(" (muộn, hạn %(d)s)") % {"d": format_date(s.deadline)}
            if s.version > 1:
                text += _(", lần %(n)s") % {"n": s.version}
            return text
        if self.source == LIVE:
            return _("Chưa gửi – số liệu trực tiếp đến ngày %(d)s") % {"d": format_date(as_of)}
        if self.source == NO_PLAN:
            return _("Chưa gửi – chưa có kế hoạch năm")
        return _("Chưa gửi")


@dataclass
class LevelTotal:
    level: int
    label: str
    count: int
    submitted: int
    totals: dict

    def cells(self) -> list:
        return [self.totals[k] for k in FIGURE_COLUMNS]


@dataclass
class Rollup:
    root: Organization
    year: int
    quarter: int
    as_of: date
    nodes: list[RollupNode]  # every descendant, depth first, children by name
    top: list[RollupNode]  # the root's direct children
    levels: list[LevelTotal]
    total: dict
    submitted: int
    live_omitted: int = 0  # non-submitters whose live figures were not computed (page limit)

    @property
    def count(self) -> int:
        return len(self.nodes)

    def total_cells(self) -> list:
        return [self.total[k] for k in FIGURE_COLUMNS]


def org_sort_key(name: str):
    """Organizations by name in Vietnamese order, word by word, numbers as numbers."""
    key = []
    for word in nfc(name).split():
        if re.fullmatch(r"\d+", word):
            key.append((0, int(word), ""))
        else:
            key.append((1, 0, _syllable_key(word)))
    return key


def level_label(level: int) -> str:
    if level == 1:
        return _("Các đơn vị trực thuộc trực tiếp (cấp 1)")
    return _("Các đơn vị cấp %(n)s") % {"n": level}


def latest_submissions(root: Organization, year: int, quarter: int) -> tuple[dict, Counter]:
    """The newest version of each descendant's submission for the quarter, and the number of
    versions, in one query (every version's row; the figures are small). A join on the
    organization's primary key and its path, not an IN over a subquery, which a planner with
    stale statistics turns into a nested loop over both tables."""
    latest: dict[int, RollupSubmission] = {}
    versions: Counter = Counter()
    rows = (
        RollupSubmission.objects.filter(organization__path__startswith=root.path, year=year, quarter=quarter)
        .exclude(organization_id=root.pk)
        .select_related("submitted_by")
        .order_by("organization_id", "-version")
    )
    for s in rows:
        versions[s.organization_id] += 1
        latest.setdefault(s.organization_id, s)
    return latest, versions


def rollup_tree(root: Organization, year: int, quarter: int, today: date, *, live_limit: int | None = None) -> Rollup:
    """Every descendant of `root` with its figures for the quarter: the latest submitted version,
    else live figures (when at most `live_limit` descendants need them; None = always).

    Queries: descendants (1) + submissions (1) + [plans of the non-submitters (1) + each one's
    compliance figures], whatever the depth of the tree."""
    q_start, q_end = quarter_bounds(year, quarter)
    as_of = min(q_end, today)
    desc_qs = descendants(root)
    orgs = list(desc_qs.only("pk", "name", "code", "parent_id", "path", "depth"))
    latest, versions = latest_submissions(root, year, quarter)
    nodes = {o.pk: RollupNode(org=o, level=o.depth - root.depth) for o in orgs}
    for pk, node in nodes.items():
        s = latest.get(pk)
        if s is not None:
            node.submission, node.figures, node.source, node.versions = s, s.figures, SUBMITTED, versions[pk]
    missing = [pk for pk, n in nodes.items() if n.submission is None]
    live_omitted = 0
    if missing and today >= q_start and (live_limit is None or len(missing) <= live_limit):
        plans = {
            p.organization_id: p
            for p in Plan.objects.filter(organization_id__in=missing, year=year).select_related("organization")
        }
        for pk in missing:
            plan = plans.get(pk)
            if plan is None:
                nodes[pk].source = NO_PLAN
                continue
            nodes[pk].figures, nodes[pk].source = organization_figures(plan, quarter, today), LIVE
    elif missing:
        live_omitted = len(missing)
    # Tree order: children by name under their parent, depth first.
    children = defaultdict(list)
    top = []
    for node in nodes.values():
        if node.org.parent_id == root.pk:
            top.append(node)
        elif node.org.parent_id in nodes:
            children[node.org.parent_id].append(node)
    for node in nodes.values():
        node.children = sorted(children.get(node.org.pk, ()), key=lambda n: org_sort_key(n.org.name))
    top.sort(key=lambda n: org_sort_key(n.org.name))
    ordered: list[RollupNode] = []

    def walk(node: RollupNode) -> None:
        ordered.append(node)
        add_into(node.subtree, node.figures)
        for child in node.children:
            walk(child)
            add_into(node.subtree, child.subtree)
            node.subtree_count += 1 + child.subtree_count

    for node in top:
        walk(node)
    by_level: dict[int, LevelTotal] = {}
    total = empty_totals()
    for node in ordered:
        lt = by_level.get(node.level)
        if lt is None:
            lt = by_level[node.level] = LevelTotal(node.level, level_label(node.level), 0, 0, empty_totals())
        lt.count += 1
        lt.submitted += node.submitted
        add_into(lt.totals, node.figures)
        add_into(total, node.figures)
    return Rollup(
        root=root,
        year=year,
        quarter=quarter,
        as_of=as_of,
        nodes=ordered,
        top=top,
        levels=[by_level[k] for k in sorted(by_level)],
        total=total,
        submitted=sum(1 for n in ordered if n.submitted),
        live_omitted=live_omitted,
    )


def quarter_label(year: int, quarter: int) -> str:
    return f"quý {quarter_name(quarter)} năm {year}"
