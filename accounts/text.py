"""Hostile text on input (docs/security.md “Files”): control characters that no document can hold.

XLSX (XML 1.0) cannot hold C0 control characters other than tab, line feed and carriage
return; a name or a result carrying one would break every workbook it reaches. They are
refused on input (every form's text field, every imported cell) and dropped on output
(reports/xlsx/common.put), so neither a form nor an old row can break a report.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The one message for a date range typed backwards: every such pair of fields is labelled
# "Từ ngày" / "Đến ngày" (trips, exemptions, delegations, the plan's period), so it names them.
END_BEFORE_START = _("“Đến ngày” phải bằng hoặc sau “Từ ngày”.")

# The Standing Committee's group, ONE name on every page and form (docs/rules.md “A year in the life”): the people of no
# department are listed under it; documents qualify it with the Union body ("Thường trực Tỉnh
# đoàn", reports.document_parts.standing_committee).
STANDING_GROUP = _("Thường trực")

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def has_control_characters(text) -> bool:
    return isinstance(text, str) and bool(CONTROL_CHARACTERS.search(text))


def refuse_control_characters(value) -> None:
    if has_control_characters(value):
        raise ValidationError(
            _("Nội dung có ký tự điều khiển không hiển thị được (thường do sao chép từ phần mềm khác): hãy gõ lại."),
            code="control_characters",
        )
