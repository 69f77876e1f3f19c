"""Reads (docs/rules.md “Stored standings”): every page, export, report and command reads through these modules, by
subject; views and services do not query for what they show.

- standing: the quota engine's inputs from the database and its standings (the one source of
  every figure, docs/domain.md §7), re-exported here;
- dashboards: the cadre's, department's and organization's dashboards;
- departments: department totals shared by the dashboard and the reports;
- coverage: the places visited;
- plans: who each rule of a plan affects;
- inbox: what waits for a head's or the Standing Committee's decision;
- quarter_reports: mẫu 3 contents and the submission overview.

How a standing is named and shown, and as of which date: fieldwork.standing_terms.
"""

from .standing import (
    TRIP_STATUS_TO_ENGINE,
    StandingRow,
    cadre_facts,
    cadre_people,
    current_plan,
    late_quarters,
    position_reasons,
    rules_for,
    standing_for,
    standing_inputs,
    standings,
    standings_series,
)

__all__ = [
    "TRIP_STATUS_TO_ENGINE",
    "StandingRow",
    "cadre_facts",
    "cadre_people",
    "current_plan",
    "late_quarters",
    "position_reasons",
    "rules_for",
    "standing_for",
    "standing_inputs",
    "standings",
    "standings_series",
]
