"""The pure quota engine (docs/domain.md §6–§7): no Django, no project import."""

from fieldwork.quota.days import parse_days
from fieldwork.quota.engine import (
    HALF,
    STATUSES,
    VIOLATION_CODES,
    Cadre,
    ExemptionSpan,
    GroupRules,
    Rules,
    Standing,
    TripFact,
    Violation,
    check_trip,
    compute_all,
    compute_standing,
    done_days_series,
    quarter_of,
)

__all__ = [
    "HALF",
    "STATUSES",
    "VIOLATION_CODES",
    "Cadre",
    "ExemptionSpan",
    "GroupRules",
    "Rules",
    "Standing",
    "TripFact",
    "Violation",
    "check_trip",
    "compute_all",
    "compute_standing",
    "done_days_series",
    "parse_days",
    "quarter_of",
]
