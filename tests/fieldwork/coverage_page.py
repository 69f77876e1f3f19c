"""The coverage as its page reads it, for the tests that check what the page shows: the stored
figures built first when they never were or were built against another province (the view's
safety net, fieldwork.views.fresh), then read by the selector — which itself only reads
(docs/style.md “Layout”). The selector's other reads and the place helpers under the same name.
"""

from fieldwork.locations import province_named, province_of, ward_index
from fieldwork.selectors import coverage as selector
from fieldwork.selectors.coverage import VisitedPlaces, computed_coverage
from fieldwork.views.fresh import fresh_coverage

__all__ = ["VisitedPlaces", "computed_coverage", "coverage", "province_named", "province_of", "ward_index"]


def coverage(plan):
    fresh_coverage(plan)
    return selector.coverage(plan)
