"""Unit tests of the pure quota engine: one per rule of docs/domain.md §6–§7 and per violation
code, on the seeds' plans (Tây Ninh 2023, Đà Nẵng 2023). No Django, no database.

Decisions pinned here are explained in docs/rules.md.
"""

import unicodedata
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from fieldwork.quota import (
    HALF,
    Cadre,
    ExemptionSpan,
    GroupRules,
    Rules,
    TripFact,
    check_trip,
    compute_all,
    compute_standing,
    parse_days,
    quarter_of,
)


@pytest.fixture(autouse=True)
def _media_root():
    """Shadow the project's autouse settings fixture: the engine needs no Django, and these
    tests also run with `-p no:django`."""


def d(text: str) -> date:
    return date.fromisoformat(text)


COUNTING = frozenset({"1.1", "1.2", "1.3", "1.4", "1.5"})  # "moi" (invited) does not count

# Tây Ninh 2023 (seed 002): period 01/01–25/10, 60 days; specialists 2.3 need 2 immersion
# trips of at least 30 days; no back-to-back rule; exemption policy full.
TN = Rules(
    period_start=d("2023-01-01"),
    period_end=d("2023-10-25"),
    min_days=60,
    groups={
        "2.1": GroupRules("2.1", focus=frozenset({"1.2", "1.5"})),
        "2.2": GroupRules("2.2", focus=frozenset({"1.2", "1.4", "1.5"})),
        "2.3": GroupRules("2.3", 2, Decimal(30), None, frozenset({"1.1", "1.5"})),
    },
    counting_categories=COUNTING,
    exemption_policy="full",
)
# Đà Nẵng 2023 (seed 000): whole year; every group 2 immersion trips of 5–7 days, not back to
# back (min gap 30 days); no focus.
DN = Rules(
    period_start=d("2023-01-01"),
    period_end=d("2023-12-31"),
    min_days=60,
    groups={code: GroupRules(code, 2, Decimal(5), Decimal(7)) for code in ("2.1", "2.2", "2.3")},
    counting_categories=COUNTING,
    exemption_policy="full",
    immersion_min_gap_days=30,
)
TN_PRORATE = replace(TN, exemption_policy="prorate")
DN_PRORATE = replace(DN, exemption_policy="prorate")

SPECIALIST = Cadre(key="dung@tn.vn", group_code="2.3")
LEADER = Cadre(key="bi-thu@tn.vn", group_code="2.1")
HEAD = Cadre(key="hai@tn.vn", group_code="2.2")
DN_CADRE = Cadre(key="an@dn.vn", group_code="2.3")

_keys = count(1)


def trip(start, end=None, days=None, cat="1.1", **kw) -> TripFact:
    end = end or start
    days = Decimal(str(days)) if days is not None else Decimal((d(end) - d(start)).days + 1)
    return TripFact(key=kw.pop("key", next(_keys)), category_code=cat, start=d(start), end=d(end), days=days, **kw)


def standing(trips, rules=TN, cadre=SPECIALIST, as_of="2023-10-25"):
    return compute_standing(rules, cadre, trips, d(as_of))


def codes_of(st, t):
    return sorted(v.code for v in st.violations if v.trip_key == t.key)


# ---------------------------------------------------------------- §7.1 days in half-day steps


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2,5", Decimal("2.5")),
        ("2.5", Decimal("2.5")),
        ("30 ngày", Decimal("30")),
        (unicodedata.normalize("NFD", "30 ngày"), Decimal("30")),  # decomposed diacritics (NFD), as some keyboards type
        ("0,5 NGÀY", HALF),
        (" 10 ", Decimal("10")),
        ("2,0", Decimal("2")),
        (3, Decimal("3")),
        (Decimal("1.50"), Decimal("1.5")),
        ("0", Decimal("0")),
    ],
)
def test_parse_days_accepts_half_day_steps(value, expected):
    assert parse_days(value) == expected


@pytest.mark.parametrize(
    "value", ["2,3", "-1", "abc", "", "2.", ",5", "1e3", "2,5,0", "NaN", -1, Decimal("2.25"), True, None]
)
def test_parse_days_rejects_unreadable_values(value):
    with pytest.raises(ValueError):
        parse_days(value)


def test_parse_days_error_message_names_the_value():
    with pytest.raises(ValueError, match=r"'2,3'"):
        parse_days("2,3")


def test_trip_with_unreadable_days_is_an_error_not_a_violation():
    with pytest.raises(ValueError, match="half a day"):
        standing([trip("2023-03-01", "2023-03-05", "2.3")])


def test_quarter_of_is_the_quarter_a_trip_starts_in():
    assert [quarter_of(d(x)) for x in ("2023-01-01", "2023-03-31", "2023-04-01", "2023-09-30", "2023-12-31")] == [
        1,
        1,
        2,
        3,
        4,
    ]


# ---------------------------------------------------------------- counting done days (§7.4)


def test_done_days_add_up_the_seed_examples():
    # mẫu 1 examples: 30 days 01/4–01/5 (1.1) and 10 days 01/6–15/6 (1.3), plus a half-day meeting.
    trips = [
        trip("2023-04-01", "2023-05-01", 30),
        trip("2023-06-01", "2023-06-15", 10, "1.5"),
        trip("2023-07-03", days="0.5", cat="1.5"),
    ]
    st = standing(trips, as_of="2023-07-31")
    assert st.done_days == Decimal("40.5")
    assert st.planned_days == Decimal("0")
    assert st.violations == ()


def test_trip_ending_after_as_of_counts_as_planned():
    done = trip("2023-03-01", "2023-03-10", 10)
    later = trip("2023-07-20", "2023-08-05", "12.5")  # reported early, but not over at as_of
    planned = trip("2023-09-01", "2023-09-03", 3, status="planned")
    st = standing([done, later, planned], as_of="2023-07-31")
    assert (st.done_days, st.planned_days) == (Decimal("10"), Decimal("15.5"))
    assert standing([done, later, planned], as_of="2023-08-05").done_days == Decimal("22.5")


def test_drafts_cancelled_and_rejected_count_nothing():
    trips = [
        trip("2023-03-01", "2023-03-05", 5, status="draft"),
        trip("2023-04-01", "2023-04-05", 5, status="cancelled"),
        trip("2023-05-01", "2023-05-05", 5, status="rejected"),
    ]
    st = standing(trips)
    assert (st.done_days, st.planned_days, st.violations) == (Decimal("0"), Decimal("0"), ())


def test_unknown_trip_status_is_an_error():
    with pytest.raises(ValueError, match="unknown status"):
        standing([trip("2023-03-01", status="reported")])


# ---------------------------------------------------------------- §7.2 days ≤ span


def test_days_exceeding_span_count_the_span():
    t = trip("2023-03-02", "2023-03-03", 3)
    st = standing([t])
    assert codes_of(st, t) == ["DAYS_EXCEED_SPAN"]
    assert st.done_days == Decimal("2")
    assert st.violations[0].detail == "3 days > span 2"


def test_days_equal_to_span_are_fine():
    assert standing([trip("2023-03-02", "2023-03-03", 2)]).violations == ()


# ---------------------------------------------------------------- §7.3 overlap


def test_two_half_day_meetings_on_one_day_are_fine():
    st = standing([trip("2023-03-01", days="0.5", cat="1.4"), trip("2023-03-01", days="0.5", cat="1.5")], cadre=HEAD)
    assert st.violations == ()
    assert st.done_days == Decimal("1")


def test_two_full_trips_on_one_day_overlap_and_count_one_day():
    a, b = trip("2023-03-01", days=1), trip("2023-03-01", days=1)
    st = standing([a, b])
    assert codes_of(st, a) == codes_of(st, b) == ["OVERLAP"]
    assert st.done_days == Decimal("1")


def test_overlap_group_is_capped_at_its_union():
    a = trip("2023-03-01", "2023-03-10", 10)
    b = trip("2023-03-05", "2023-03-12", 5)  # union 01/3–12/3 = 12 days < 15 declared
    c = trip("2023-03-20", "2023-03-21", 2)  # a separate group
    st = standing([a, b, c])
    assert [v.code for v in st.violations] == ["OVERLAP", "OVERLAP"]
    assert st.done_days == Decimal("14")
    assert st.violations[0].detail == "15 days in 12 calendar days"


def test_overlapping_ranges_within_the_union_are_fine():
    st = standing([trip("2023-03-01", "2023-03-10", 5), trip("2023-03-05", "2023-03-12", "5.5")])
    assert st.violations == ()
    assert st.done_days == Decimal("10.5")


def test_a_chain_of_overlaps_is_one_group():
    # a overlaps b, b overlaps c, a and c do not: one group of 3 over 01/3–05/3 (5 days).
    trips = [
        trip("2023-03-01", "2023-03-02", 2),
        trip("2023-03-02", "2023-03-04", 2),
        trip("2023-03-04", "2023-03-05", 2),
    ]
    st = standing(trips)
    assert [v.code for v in st.violations] == ["OVERLAP"] * 3
    assert st.done_days == Decimal("5")


def test_adjacent_trips_do_not_overlap():
    st = standing([trip("2023-03-01", "2023-03-05", 5), trip("2023-03-06", "2023-03-10", 5)])
    assert st.violations == ()
    assert st.done_days == Decimal("10")


def test_overlap_includes_drafts_and_non_counting_categories():
    done = trip("2023-03-01", days=1)
    draft = trip("2023-03-01", days=1, status="draft")
    invited = trip("2023-03-02", days=1, cat="moi")
    both = trip("2023-03-02", days=1)
    st = standing([done, draft, invited, both])
    assert codes_of(st, done) == codes_of(st, draft) == ["OVERLAP"]
    assert codes_of(st, invited) == ["NOT_COUNTED_CATEGORY", "OVERLAP"]
    assert st.done_days == Decimal("2")  # the draft and the invited attendance count nothing


def test_cancelled_and_rejected_trips_do_not_overlap():
    st = standing([trip("2023-03-01"), trip("2023-03-01", status="cancelled"), trip("2023-03-01", status="rejected")])
    assert st.violations == ()


def test_cap_is_applied_to_done_and_to_done_plus_planned_separately():
    done = trip("2023-03-01", "2023-03-02", 2)
    planned = trip("2023-03-02", days=1, status="planned")  # 3 declared days in 2 calendar days
    st = standing([done, planned], as_of="2023-03-31")
    assert (st.done_days, st.planned_days) == (Decimal("2"), Decimal("0"))
    assert [v.code for v in st.violations] == ["OVERLAP", "OVERLAP"]


def test_cap_counts_only_counted_trips():
    # The invited attendance overlaps, but the cap of the counted trip alone is its span.
    st = standing([trip("2023-03-01", "2023-03-02", 2), trip("2023-03-01", "2023-03-02", 2, cat="moi")])
    assert st.done_days == Decimal("2")


# ---------------------------------------------------------------- §7.4 period, categories, focus


def test_trip_crossing_the_period_end_counts_nothing():
    t = trip("2023-10-20", "2023-10-30", 11)  # Tây Ninh period ends 25/10
    st = standing([t], as_of="2023-11-30")
    assert codes_of(st, t) == ["OUTSIDE_PERIOD"]
    assert st.done_days == Decimal("0")


def test_trip_starting_before_the_period_counts_nothing():
    t = trip("2022-12-30", "2023-01-02", 4)
    st = standing([t])
    assert codes_of(st, t) == ["OUTSIDE_PERIOD"]
    assert st.done_days == Decimal("0")


def test_trip_on_the_period_bounds_counts():
    assert standing([trip("2023-01-01", days=1), trip("2023-10-25", days=1)]).done_days == Decimal("2")


def test_invited_attendance_is_not_counted():
    t = trip("2023-03-01", "2023-03-02", 2, cat="moi")
    st = standing([t])
    assert codes_of(st, t) == ["NOT_COUNTED_CATEGORY"]
    assert st.done_days == Decimal("0")


def test_outside_focus_is_a_warning_and_still_counts():
    t = trip("2023-03-01", "2023-03-05", 5, cat="1.3")  # specialists' focus is 1.1, 1.5
    st = standing([t])
    assert codes_of(st, t) == ["OUTSIDE_FOCUS"]
    assert st.done_days == Decimal("5")
    assert standing([trip("2023-03-01", cat="1.2")], cadre=LEADER).violations == ()  # 2.1 focus 1.2, 1.5


def test_empty_focus_warns_about_nothing():
    assert standing([trip("2023-03-01", cat="1.3")], rules=DN, cadre=DN_CADRE).violations == ()


def test_unknown_group_has_no_focus_and_no_immersion_requirement():
    st = standing([trip("2023-03-01", cat="1.3")], cadre=Cadre(key=1, group_code="9.9"))
    assert (st.violations, st.immersion_required, st.required_days) == ((), 0, 60)


def test_late_report():
    t = trip("2023-04-03", "2023-04-04", 2, late=True)
    st = standing([t])
    assert codes_of(st, t) == ["LATE_REPORT"]
    assert st.violations[0].detail == "quarter 2"
    assert st.done_days == Decimal("2")


# ---------------------------------------------------------------- §7.5 immersion length


def test_tay_ninh_immersion_of_29_days_is_too_short_30_qualifies():
    short = trip("2023-03-01", "2023-03-31", 29, immersion=True)
    ok = trip("2023-05-01", "2023-05-30", 30, immersion=True)
    st = standing([short, ok])
    assert codes_of(st, short) == ["IMMERSION_TOO_SHORT"]
    assert codes_of(st, ok) == []
    assert (st.immersion_required, st.immersion_done) == (2, 1)
    assert st.immersion_keys == (ok.key,)
    assert st.done_days == Decimal("59")


def test_immersion_length_uses_days_capped_at_span():
    t = trip("2023-03-01", "2023-03-29", 30, immersion=True)  # 29-day span
    st = standing([t])
    assert codes_of(st, t) == ["DAYS_EXCEED_SPAN", "IMMERSION_TOO_SHORT"]
    assert st.immersion_done == 0


def test_da_nang_immersion_must_last_5_to_7_days():
    trips = [
        trip("2023-02-01", "2023-02-04", 4, immersion=True),
        trip("2023-03-10", "2023-03-14", 5, immersion=True),
        trip("2023-05-01", "2023-05-07", 7, immersion=True),
        trip("2023-07-01", "2023-07-08", 8, immersion=True),
    ]
    st = standing(trips, rules=DN, cadre=DN_CADRE, as_of="2023-08-01")
    assert [v.code for v in st.violations] == ["IMMERSION_TOO_SHORT", "IMMERSION_TOO_LONG"]
    assert [v.trip_key for v in st.violations] == [trips[0].key, trips[3].key]
    assert st.immersion_done == 2


def test_group_without_immersion_rule_counts_flagged_trips_without_violation():
    st = standing([trip("2023-03-01", "2023-03-02", 2, cat="1.2", immersion=True)], cadre=LEADER)
    assert (st.immersion_required, st.immersion_done, st.violations) == (0, 1, ())


def test_immersion_outside_period_or_not_counting_does_not_qualify():
    outside = trip("2023-10-01", "2023-10-31", 31, immersion=True)
    invited = trip("2023-05-01", "2023-05-30", 30, cat="moi", immersion=True)
    st = standing([outside, invited], as_of="2023-12-31")
    assert codes_of(st, outside) == ["OUTSIDE_PERIOD"]
    assert codes_of(st, invited) == ["NOT_COUNTED_CATEGORY"]
    assert st.immersion_done == 0


def test_planned_immersion_counts_as_planned_draft_does_not():
    planned = trip("2023-09-01", "2023-09-30", 30, immersion=True, status="planned")
    draft = trip("2023-06-01", "2023-06-30", 30, immersion=True, status="draft")
    st = standing([planned, draft], as_of="2023-07-01")
    assert (st.immersion_done, st.immersion_planned, st.violations) == (0, 1, ())


# ---------------------------------------------------------------- §7.6 back to back


@pytest.mark.parametrize(("second_start", "gap_ok"), [("2023-04-05", False), ("2023-04-06", True)])
def test_da_nang_back_to_back_gap_29_vs_30(second_start, gap_ok):
    first = trip("2023-03-01", "2023-03-07", 7, immersion=True)
    second = trip(second_start, "2023-04-11", 5, immersion=True)
    st = standing([first, second], rules=DN, cadre=DN_CADRE, as_of="2023-05-01")
    assert st.immersion_done == (2 if gap_ok else 1)
    assert codes_of(st, second) == ([] if gap_ok else ["IMMERSION_BACK_TO_BACK"])
    assert st.done_days == Decimal("12")  # the failing trip still counts as days
    if not gap_ok:
        assert st.violations[0].detail == "29 days from another immersion trip, min 30"


def test_back_to_back_compares_with_the_last_qualifying_trip():
    a = trip("2023-03-01", "2023-03-07", 7, immersion=True)
    b = trip("2023-03-20", "2023-03-26", 7, immersion=True)  # 13 days after a: fails
    c = trip("2023-04-10", "2023-04-16", 7, immersion=True)  # 34 days after a (b did not qualify)
    st = standing([a, b, c], rules=DN, cadre=DN_CADRE, as_of="2023-05-01")
    assert [v.trip_key for v in st.violations] == [b.key]
    assert st.immersion_done == 2


def test_back_to_back_walks_done_trips_before_planned_ones():
    planned = trip("2023-03-01", "2023-03-07", 7, immersion=True, status="planned")  # approved, never reported
    done = trip("2023-03-20", "2023-03-26", 7, immersion=True)
    st = standing([planned, done], rules=DN, cadre=DN_CADRE, as_of="2023-05-01")
    assert codes_of(st, planned) == ["IMMERSION_BACK_TO_BACK"]
    assert (st.immersion_done, st.immersion_planned) == (1, 0)


def test_back_to_back_date_order_is_by_end_date():
    # A long reported trip that encloses two short ones must not knock them both out
    # (docs/rules.md "Date order of the back-to-back walk").
    rules = replace(DN, groups={"2.3": GroupRules("2.3", 2)})
    long = trip("2023-03-01", "2023-06-30", 20, immersion=True)
    first = trip("2023-03-02", "2023-03-03", 2, immersion=True)
    second = trip("2023-06-01", "2023-06-02", 2, immersion=True)
    st = standing([long, first, second], rules=rules, cadre=DN_CADRE, as_of="2023-07-01")
    assert st.immersion_done == 2
    assert codes_of(st, long) == ["IMMERSION_BACK_TO_BACK"]


def test_no_back_to_back_rule_in_tay_ninh():
    a = trip("2023-03-01", "2023-03-30", 30, immersion=True)
    b = trip("2023-03-31", "2023-04-29", 30, immersion=True)
    st = standing([a, b])
    assert (st.immersion_done, st.violations) == (2, ())


# ---------------------------------------------------------------- §6 exemptions and prorating


def test_full_policy_position_exemption_exempts_for_the_year():
    cadre = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("ke-toan"),))
    st = standing([trip("2023-03-01", "2023-03-05", 5)], cadre=cadre, as_of="2023-06-30")
    assert (st.status, st.required_days, st.immersion_required, st.exemption) == ("exempt", 0, 0, "ke-toan")
    assert st.done_days == Decimal("5")  # figures are still shown


def test_full_policy_exemption_overlapping_one_day_exempts():
    inside = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("hoc-tap", d("2022-06-01"), d("2023-01-01")),))
    before = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("hoc-tap", d("2022-06-01"), d("2022-12-31")),))
    after = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("hoc-tap", d("2023-10-26"), None),))
    assert standing([], cadre=inside).status == "exempt"
    assert standing([], cadre=before).exemption is None
    assert standing([], cadre=after).required_days == 60


def test_prorate_policy_tay_ninh_study_exemption():
    # 01/01–28/02 exempt: available 298 − 59 = 239; days ceil(60×239/298) = ceil(48.12) = 49;
    # trips floor(2×239/298) = floor(1.60) = 1.
    cadre = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("hoc-tap", d("2023-01-01"), d("2023-02-28")),))
    st = standing([], rules=TN_PRORATE, cadre=cadre, as_of="2023-03-01")
    assert (st.required_days, st.immersion_required, st.exemption, st.available_days) == (49, 1, "hoc-tap", 239)
    assert st.status == "at_risk"


def test_prorate_policy_da_nang_maternity():
    # 01/01–31/03 exempt: available 365 − 90 = 275; ceil(60×275/365) = ceil(45.2) = 46;
    # floor(2×275/365) = floor(1.51) = 1.
    cadre = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("thai-san", d("2023-01-01"), d("2023-03-31")),))
    st = standing([], rules=DN_PRORATE, cadre=cadre, as_of="2023-04-01")
    assert (st.status, st.required_days, st.immersion_required, st.exemption) == ("at_risk", 46, 1, "thai-san")


def test_prorate_overlapping_exemptions_are_not_subtracted_twice():
    spans = (
        ExemptionSpan("thai-san", d("2023-01-01"), d("2023-03-31")),
        ExemptionSpan("benh-nang", d("2023-03-01"), d("2023-04-30")),
    )
    st = standing([], rules=DN_PRORATE, cadre=Cadre(key=1, group_code="2.3", exemptions=spans), as_of="2023-05-01")
    # exempt 01/01–30/04 = 120 days; available 245; ceil(60×245/365) = ceil(40.27) = 41
    assert (st.available_days, st.required_days, st.immersion_required, st.exemption) == (245, 41, 1, "thai-san")


def test_prorate_exempt_for_the_whole_period_is_exempt():
    cadre = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("ke-toan"),))
    st = standing([], rules=TN_PRORATE, cadre=cadre)
    assert (st.status, st.required_days, st.immersion_required, st.exemption) == ("exempt", 0, 0, "ke-toan")


def test_joining_mid_period_prorates_under_full_policy():
    # Joined 01/7: available 01/7–25/10 = 117 days; ceil(60×117/298) = ceil(23.56) = 24;
    # immersion floor(2×117/298) = 0.
    cadre = Cadre(key=1, group_code="2.3", active_from=d("2023-07-01"))
    st = standing([], cadre=cadre, as_of="2023-07-01")
    assert (st.required_days, st.immersion_required, st.exemption, st.available_days) == (24, 0, None, 117)


def test_leaving_mid_period_prorates():
    cadre = Cadre(key=1, group_code="2.3", active_to=d("2023-06-30"))  # 181 active days of 365
    st = standing([], rules=DN, cadre=cadre, as_of="2023-06-30")
    assert (st.required_days, st.immersion_required, st.exemption) == (30, 0, None)
    assert st.days_left == 184  # days left of the period, not of the cadre's active dates


def test_joining_after_the_period_is_exempt_without_reason():
    st = standing([], cadre=Cadre(key=1, group_code="2.3", active_from=d("2023-11-01")))
    assert (st.status, st.required_days, st.exemption) == ("exempt", 0, None)


def test_which_reason_is_shown_when_several_overlap():
    spans = (ExemptionSpan("thai-san", d("2023-05-01"), d("2023-08-31")), ExemptionSpan("ke-toan"))
    assert standing([], cadre=Cadre(key=1, group_code="2.3", exemptions=spans)).exemption == "ke-toan"


# ---------------------------------------------------------------- §7.8 status


def _tn_met_trips():
    return [
        trip("2023-04-01", "2023-05-01", 30, immersion=True),
        trip("2023-06-01", "2023-06-30", 30, immersion=True, cat="1.5"),
    ]


def test_status_met():
    st = standing(_tn_met_trips(), as_of="2023-07-01")
    assert (st.status, st.done_days, st.immersion_done, st.days_left) == ("met", Decimal("60"), 2, 116)


def test_status_met_needs_the_immersion_trips_too():
    trips = [trip("2023-04-01", "2023-05-01", 30, immersion=True), trip("2023-06-01", "2023-06-30", 30)]
    assert standing(trips, as_of="2023-07-01").status == "at_risk"
    assert standing(trips, as_of="2023-10-25").status == "not_met"


def test_status_not_met_from_the_last_day_of_the_period():
    trips = [trip("2023-04-01", "2023-04-10", 10)]
    assert standing(trips, as_of="2023-10-24").status == "at_risk"
    st = standing(trips, as_of="2023-10-25")
    assert (st.status, st.days_left) == ("not_met", 0)


def test_status_on_track_with_approved_future_trips():
    trips = [
        trip("2023-04-01", "2023-05-01", 30, immersion=True),
        trip("2023-08-01", "2023-08-30", 30, immersion=True, status="planned"),
    ]
    st = standing(trips, as_of="2023-07-01")
    assert (st.status, st.done_days, st.planned_days, st.immersion_planned) == (
        "on_track",
        Decimal("30"),
        Decimal("30"),
        1,
    )


def test_status_at_risk_when_planned_days_fall_short():
    trips = [
        trip("2023-04-01", "2023-05-01", 30, immersion=True),
        trip("2023-08-01", "2023-08-29", 29, status="planned"),
    ]
    assert standing(trips, as_of="2023-07-01").status == "at_risk"


def test_status_at_risk_when_planned_immersion_would_not_qualify():
    trips = [
        trip("2023-04-01", "2023-05-01", 30, immersion=True),
        trip("2023-08-01", "2023-08-30", 30, status="planned"),  # days enough, not an immersion trip
    ]
    assert standing(trips, as_of="2023-07-01").status == "at_risk"


def test_past_planned_trips_count_as_planned_but_not_toward_on_track():
    # Approved for May, not reported by July: shown as planned, but not "future planned".
    trips = [
        trip("2023-04-01", "2023-05-01", 30, immersion=True),
        trip("2023-05-02", "2023-05-31", 30, immersion=True, status="planned"),
    ]
    st = standing(trips, as_of="2023-07-01")
    assert (st.planned_days, st.immersion_planned, st.status) == (Decimal("30"), 1, "at_risk")


def test_pending_trips_count_as_planned_and_toward_on_track():
    # docs/rules.md “The seeds' cycle and rules” (docs/domain.md §7.4): a trip reported and awaiting the head's confirmation is
    # "chờ xác nhận": not done, part of planned_days, and toward on_track like a future planned
    # trip, so a slow head does not put the cadre at risk.
    trips = [
        trip("2023-04-01", "2023-05-01", 30, immersion=True),
        trip("2023-05-02", "2023-05-31", 30, immersion=True, status="pending"),
    ]
    st = standing(trips, as_of="2023-07-01")
    assert (st.done_days, st.planned_days, st.pending_days) == (Decimal("30"), Decimal("30"), Decimal("30"))
    assert (st.immersion_done, st.immersion_planned, st.immersion_pending) == (1, 1, 1)
    assert st.status == "on_track"
    # the same trip approved but never reported (past planned) does not help on_track
    as_planned = [trips[0], replace(trips[1], status="planned")]
    st = standing(as_planned, as_of="2023-07-01")
    assert (st.status, st.pending_days, st.immersion_pending) == ("at_risk", Decimal(0), 0)


def test_pending_trip_is_not_done_and_not_met():
    trips = [
        trip("2023-02-01", "2023-03-02", 30, immersion=True),
        trip("2023-04-01", "2023-04-30", 30, immersion=True, status="pending"),
    ]
    st = standing(trips, as_of="2023-06-01")
    assert (st.status, st.done_days, st.pending_days) == ("on_track", Decimal("30"), Decimal("30"))
    confirmed = standing([trips[0], replace(trips[1], status="done")], as_of="2023-06-01")
    assert (confirmed.status, confirmed.done_days, confirmed.pending_days) == ("met", Decimal("60"), Decimal(0))
    # from the period's last day a pending trip does not save the cadre: not_met
    assert standing(trips, as_of="2023-10-25").status == "not_met"


def test_pending_trip_ending_after_as_of_is_future_planned_not_pending():
    pending = trip("2023-06-20", "2023-07-10", 21, status="pending")
    st = standing([pending], as_of="2023-07-01")
    assert (st.planned_days, st.pending_days) == (Decimal("21"), Decimal(0))
    assert standing([pending], as_of="2023-07-10").pending_days == Decimal("21")


def test_pending_days_are_capped_with_the_done_ones():
    # A pending trip overlapping a done one counts only the days the union leaves it.
    done = trip("2023-03-01", "2023-03-10", 10)
    pending = trip("2023-03-06", "2023-03-15", 10, status="pending")
    st = standing([done, pending], as_of="2023-06-01")
    assert (st.done_days, st.pending_days, st.planned_days) == (Decimal("10"), Decimal("5"), Decimal("5"))
    assert codes_of(st, pending) == ["OVERLAP"]


def test_pending_immersion_trip_that_would_not_qualify_is_not_counted():
    short = trip("2023-05-01", "2023-05-20", 20, immersion=True, status="pending")  # < 30 days (2.3)
    st = standing([short], as_of="2023-06-01")
    assert (st.pending_days, st.immersion_pending, st.immersion_planned) == (Decimal("20"), 0, 0)
    assert codes_of(st, short) == ["IMMERSION_TOO_SHORT"]


def test_check_trip_accepts_a_pending_trip():
    pending = trip("2023-05-01", "2023-05-10", 10, status="pending")
    other = trip("2023-05-05", "2023-05-14", 10)
    assert [v.code for v in check_trip(TN, SPECIALIST, pending, [other])] == ["OVERLAP"]


def test_immersion_categories_of_the_plan():
    # Đà Nẵng (seed 000): the immersion trips are topic trips (1.3); a flagged trip of another
    # counting category counts its days but never qualifies, with no violation (§7.5).
    rules = replace(DN, immersion_categories=frozenset({"1.3"}))
    topic = trip("2023-03-01", "2023-03-07", 7, cat="1.3", immersion=True)
    other = trip("2023-05-01", "2023-05-07", 7, cat="1.1", immersion=True)
    st = standing([topic, other], rules=rules, cadre=DN_CADRE, as_of="2023-06-01")
    assert (st.immersion_done, st.done_days, st.violations) == (1, Decimal("14"), ())
    assert st.immersion_keys == (topic.key,)
    # without the parameter both qualify
    assert standing([topic, other], rules=DN, cadre=DN_CADRE, as_of="2023-06-01").immersion_done == 2


def test_immersion_categories_apply_to_planned_trips_too():
    rules = replace(DN, immersion_categories=frozenset({"1.3"}))
    planned = trip("2023-08-01", "2023-08-07", 7, cat="1.2", immersion=True, status="planned")
    st = standing([planned], rules=rules, cadre=DN_CADRE, as_of="2023-06-01")
    assert (st.immersion_planned, st.planned_days) == (0, Decimal("7"))


def test_status_at_risk_when_needed_days_do_not_fit_in_the_days_left():
    # 40 days done; a 50-day trip still running at as_of: 20 days needed, 5 calendar days left
    # (docs/rules.md "A trip still running at as_of").
    trips = [
        trip("2023-01-10", "2023-01-19", 10),
        trip("2023-09-01", "2023-10-25", 50),
        trip("2023-02-01", "2023-03-02", 30, immersion=True),
    ]
    rules = replace(TN, groups={})  # no immersion requirement
    st = standing(trips, rules=rules, as_of="2023-10-20")
    assert (st.days_left, st.done_days, st.planned_days, st.status) == (5, Decimal("40"), Decimal("50"), "at_risk")
    assert standing(trips, rules=rules, as_of="2023-08-31").status == "on_track"


def test_status_exempt_wins_over_met():
    cadre = Cadre(key=1, group_code="2.3", exemptions=(ExemptionSpan("van-thu"),))
    assert standing(_tn_met_trips(), cadre=cadre).status == "exempt"


def test_days_left_before_during_and_after_the_period():
    assert standing([], as_of="2022-12-01").days_left == 298
    assert standing([], as_of="2023-10-24").days_left == 1
    assert standing([], as_of="2024-01-01").days_left == 0


# ---------------------------------------------------------------- violations, compute_all


def test_violations_are_sorted_by_trip_date_then_code():
    late_invited = trip("2023-05-01", cat="moi", late=True)
    early = trip("2023-02-01", "2023-02-01", 2, cat="1.3")
    st = standing([late_invited, early])
    assert [(v.code, v.trip_key) for v in st.violations] == [
        ("DAYS_EXCEED_SPAN", early.key),
        ("OUTSIDE_FOCUS", early.key),
        ("LATE_REPORT", late_invited.key),
        ("NOT_COUNTED_CATEGORY", late_invited.key),
    ]
    assert st.violation_codes == ("DAYS_EXCEED_SPAN", "LATE_REPORT", "NOT_COUNTED_CATEGORY", "OUTSIDE_FOCUS")


def test_compute_all_keeps_input_order():
    cadres = [
        (SPECIALIST, _tn_met_trips()),
        (LEADER, []),
        (Cadre(key=3, group_code="2.2", exemptions=(ExemptionSpan("ke-toan"),)), ()),
    ]
    out = compute_all(TN, cadres, d("2023-07-01"))
    assert [(s.key, s.status) for s in out] == [("dung@tn.vn", "met"), ("bi-thu@tn.vn", "at_risk"), (3, "exempt")]


def test_period_days_helper():
    assert (TN.period_days, DN.period_days) == (298, 365)


# ---------------------------------------------------------------- check_trip (registration)


def test_check_trip_refusals():
    others = [trip("2023-03-01", "2023-03-05", 5), trip("2023-03-10", days=1, status="draft")]
    assert [v.code for v in check_trip(TN, SPECIALIST, trip("2023-03-03", days=1, key="new"), others)] == ["OVERLAP"]
    assert [v.code for v in check_trip(TN, SPECIALIST, trip("2023-03-10", days=1, key="new"), others)] == ["OVERLAP"]
    assert [v.code for v in check_trip(TN, SPECIALIST, trip("2023-10-20", "2023-10-30", 5, key="new"), others)] == [
        "OUTSIDE_PERIOD"
    ]
    out = check_trip(TN, SPECIALIST, trip("2023-04-01", days=2, key="new"), others)
    assert [(v.code, v.trip_key) for v in out] == [("DAYS_EXCEED_SPAN", "new")]


def test_check_trip_warnings():
    out = check_trip(TN, SPECIALIST, trip("2023-04-01", cat="1.3", key="new", immersion=True, status="draft"), [])
    assert [v.code for v in out] == ["IMMERSION_TOO_SHORT", "OUTSIDE_FOCUS"]
    assert [v.code for v in check_trip(TN, SPECIALIST, trip("2023-04-01", cat="moi"), [])] == ["NOT_COUNTED_CATEGORY"]


def test_check_trip_ignores_the_stored_version_of_an_edited_trip():
    stored = trip("2023-03-01", "2023-03-05", 5, key=7)
    edited = trip("2023-03-02", "2023-03-06", 5, key=7)
    assert check_trip(TN, SPECIALIST, edited, [stored]) == ()


def test_check_trip_cancelled_trip_has_no_violations():
    assert check_trip(TN, SPECIALIST, trip("2023-12-01", days=9, status="cancelled"), []) == ()


def test_check_trip_back_to_back_either_side():
    done = trip("2023-03-01", "2023-03-07", 7, immersion=True)
    planned = trip("2023-06-01", "2023-06-07", 7, immersion=True, status="planned")
    after = trip("2023-03-20", "2023-03-26", 7, immersion=True, key="new", status="planned")
    out = check_trip(DN, DN_CADRE, after, [done, planned])
    assert [v.code for v in out] == ["IMMERSION_BACK_TO_BACK"]
    # 01/5: 55 days after the done trip, but it would push the June trip out.
    before = trip("2023-05-01", "2023-05-07", 7, immersion=True, key="new", status="planned")
    out = check_trip(DN, DN_CADRE, before, [done, planned])
    assert [(v.code, v.trip_key) for v in out] == [("IMMERSION_BACK_TO_BACK", "new")]
    fine = trip("2023-04-10", "2023-04-16", 7, immersion=True, key="new", status="planned")
    assert check_trip(DN, DN_CADRE, fine, [done]) == ()
