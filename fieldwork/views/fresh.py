"""Fresh stored figures before a page reads them (docs/rules.md “Stored standings”).

The stored standings and coverage are kept by the writes that change them (fieldwork/stored/:
in the change's transaction, by the background job, by the daily job); the selectors only read
them. What a read cannot rely on — the date moved on before the daily job ran, a change that
bypassed the hooks, figures never built — is healed here, by the view, before it calls the
selector: never inside a read.

    plan = pick_plan(request)
    fresh_standings(plan, as_of)        # today's rows are read: made fresh first
    data = dashboards.department_home(plan, department, as_of, ...)
"""

from __future__ import annotations

from datetime import date

from fieldwork.models import Plan
from fieldwork.selectors.stored import stored_as_of
from fieldwork.stored.coverage import ensure_built
from fieldwork.stored.standings import ensure_fresh


def fresh_standings(plan: Plan, as_of: date | None = None) -> None:
    """The plan's stored standings made fresh when the page reads them: always (`as_of` None), or
    when it shows today's (another date is computed by the engine, not read from the rows)."""
    if as_of is None or as_of == stored_as_of(plan):
        ensure_fresh(plan)


def fresh_coverage(plan: Plan) -> None:
    """The plan's coverage figures built when they never were, or were built against another
    province than the organization's."""
    ensure_built(plan)
