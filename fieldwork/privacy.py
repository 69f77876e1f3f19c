"""Sensitive exemption reasons (docs/domain.md §6, docs/privacy.md): ONE function decides what a
reader sees of a reason — every page, export, report and XLSX calls `reason_label` (or a
`ReasonLabels` over a document) and never prints `ExemptionReason.name` itself.

A reader is a person (a page, a file requested by someone) or an `Audience`: the Board's and the
Standing Committee's scheduled files (`LEADERSHIP`), and anything that leaves the organization
(`OUTSIDE`: roll-up submissions), which never carries a sensitive reason.
"""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _

from accounts import rules

# docs/domain.md §6: what everyone else reads in place of a sensitive reason.
MASKED_REASON = _("Miễn theo quyết định")
# docs/domain.md §6, §8: what any personal reason (study, maternity, illness…) reads as in a report
# issued upward (the year-end report sent to the superior body).
SENT_UP_PERSONAL_REASON = _("miễn theo quyết định của Ban Thường vụ")


class Audience(enum.Enum):
    LEADERSHIP = "leadership"  # made for the Board and the Standing Committee (no requester)
    OUTSIDE = "outside"  # sent up the tree: figures only


def may_read_reason(viewer, person=None) -> bool:
    """May `viewer` read the sensitive reasons of `person` (None: a count over several people)?"""
    if viewer is Audience.LEADERSHIP:
        return True
    if viewer is Audience.OUTSIDE or viewer is None:
        return False
    return rules.can_see_sensitive_reason(viewer, person)


def reason_label(reason, *, viewer, person=None) -> str:
    """The reason's name, or "Miễn theo quyết định" when it is sensitive and `viewer` may not read
    it. `reason` is an ExemptionReason (None: ""); a bare code (a reason no longer in the plan)
    is shown as it is."""
    if reason is None:
        return ""
    if isinstance(reason, str):
        return reason
    if not reason.sensitive or may_read_reason(viewer, person):
        return reason.name
    return str(MASKED_REASON)


class ReasonLabels:
    """`reason_label` over one document: remembers whether a sensitive reason was printed in full,
    so that a file carrying one is handed only to those who may read it (reports.services.produce,
    accounts.rules.can_download_report_job)."""

    def __init__(self, plan, viewer):
        self.viewer = viewer
        self.by_code = {r.code: r for r in plan.exemption_reasons.all()}
        self.shows_sensitive = False

    def of(self, code: str | None, person=None) -> str:
        if not code:
            return ""
        reason = self.by_code.get(code, code)
        label = reason_label(reason, viewer=self.viewer, person=person)
        if not isinstance(reason, str) and reason.sensitive and label == reason.name:
            self.shows_sensitive = True
        return label

    def is_masked(self, code: str | None, person=None) -> bool:
        reason = self.by_code.get(code or "")
        return reason is not None and reason.sensitive and not may_read_reason(self.viewer, person)


def reason_label_sent_up(reason) -> str:
    """A reason in a document issued to the superior body: a position's reason by its name ("Kế
    toán"); a personal one, sensitive or not, as "miễn theo quyết định của Ban Thường vụ"."""
    if reason is None:
        return ""
    if isinstance(reason, str):
        return reason
    if reason.scope != reason.Scope.POSITION:
        return str(SENT_UP_PERSONAL_REASON)
    return reason.name
