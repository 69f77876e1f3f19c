"""Quota engine benchmark: compute_all over 10,000 cadres × 20 trips (200,000 TripFacts).

Prints the engine time (wall and CPU, best and median of a few runs, inputs built beforehand) and the peak memory
the engine allocates (tracemalloc, in a separate run since tracing slows Python down).
Inputs are random with a fixed seed. Two shapes: "realistic" (trips mostly one after the
other, a few overlaps, drafts, invited attendance, immersion trips, exemptions) and
"overlapping" (trips dropped anywhere in the year: most cadres have overlap groups, the
engine's slow path).

    .venv/bin/python bench/quota_engine.py [--cadres N] [--trips M]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fieldwork.quota.engine import Cadre, ExemptionSpan, GroupRules, Rules, TripFact, compute_all  # noqa: E402

CATEGORIES = ["1.1", "1.2", "1.3", "1.4", "1.5", "moi"]
RULES = Rules(
    period_start=date(2023, 1, 1),
    period_end=date(2023, 12, 31),
    min_days=60,
    groups={
        code: GroupRules(code, 2, Decimal(5), Decimal(7), frozenset({"1.1", "1.5"}) if code == "2.3" else frozenset())
        for code in ("2.1", "2.2", "2.3")
    },
    counting_categories=frozenset(CATEGORIES[:5]),
    exemption_policy="prorate",
    immersion_min_gap_days=30,
)
STATUSES = ["done"] * 12 + ["planned"] * 5 + ["draft", "cancelled", "rejected"]
HALVES = [Decimal(h) / 2 for h in range(0, 41)]


def build(n_cadres: int, n_trips: int, overlapping: bool, seed: int = 12):
    rnd = random.Random(seed)
    start = RULES.period_start
    out = []
    for k in range(n_cadres):
        exemptions = ()
        r = rnd.random()
        if r < 0.03:
            exemptions = (ExemptionSpan("ke-toan"),)
        elif r < 0.08:
            s = start + timedelta(days=rnd.randrange(300))
            exemptions = (ExemptionSpan("thai-san", s, s + timedelta(days=rnd.randrange(30, 180))),)
        cadre = Cadre(
            key=k,
            group_code=rnd.choice(("2.1", "2.2", "2.3")),
            active_from=start + timedelta(days=rnd.randrange(200)) if rnd.random() < 0.05 else None,
            exemptions=exemptions,
        )
        trips = []
        day = rnd.randrange(10)
        for j in range(n_trips):
            length = rnd.randint(1, 10)
            if overlapping:
                first = start + timedelta(days=rnd.randrange(-5, 360))
            else:
                if j and rnd.random() < 0.05:
                    day -= rnd.randint(1, 3)  # an overlap with the previous trip
                first = start + timedelta(days=day)
                day += length + rnd.randint(0, 12)
            immersion = j in (3, 12)
            span2 = 2 * length
            h = span2 if rnd.random() < 0.6 else rnd.randint(1, span2 + (1 if rnd.random() < 0.05 else 0))
            trips.append(
                TripFact(
                    key=k * 100 + j,
                    category_code=rnd.choice(CATEGORIES) if rnd.random() < 0.3 else "1.1",
                    start=first,
                    end=first + timedelta(days=length - 1),
                    days=HALVES[min(h, 40)] if not immersion else HALVES[min(span2, 40)],
                    immersion=immersion,
                    status=rnd.choice(STATUSES),
                    late=rnd.random() < 0.02,
                )
            )
        out.append((cadre, trips))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cadres", type=int, default=10_000)
    parser.add_argument("--trips", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    as_of = date(2023, 9, 30)
    for shape in ("realistic", "overlapping"):
        inputs = build(args.cadres, args.trips, overlapping=shape == "overlapping")
        times, cpu = [], []
        for _ in range(args.repeat):
            c0, t0 = time.process_time(), time.perf_counter()
            result = compute_all(RULES, inputs, as_of)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        tracemalloc.start()
        compute_all(RULES, inputs, as_of)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        statuses = {}
        for s in result:
            statuses[s.status] = statuses.get(s.status, 0) + 1
        n = args.cadres * args.trips
        print(
            f"{shape:12} {args.cadres} cadres x {args.trips} trips ({n} TripFacts): "
            f"best {min(times):.3f} s (cpu {min(cpu):.3f} s), median {sorted(times)[len(times) // 2]:.3f} s, "
            f"{min(times) / n * 1e6:.2f} us/trip, peak {peak / 2**20:.1f} MiB; "
            f"violations {sum(len(s.violations) for s in result)}; {dict(sorted(statuses.items()))}"
        )


if __name__ == "__main__":
    main()
