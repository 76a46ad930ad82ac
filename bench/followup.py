"""Follow-up benchmark (issue 4): the indicators against hand-written SQL, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helhet_fu .venv/bin/python bench/followup.py \
        [--year 2025] [--unit socialmedicin-norrby] [--runs 7] [--breakdown total]

Works on whatever demo county the database holds (load one with `helhet migrate` and
`helhet demo --persons N --years Y`). For the last full year (or --year):

1. `unit_report(unit, year)` for one unit (default: the unit with the most contacts) and
   `county_comparison(all units, year)`, the way the pages call them (suppressed): a year is a
   whole period, so the history-growing sources read the summaries (`followup.summaries`);
2. the same reports over the raw rows (`raw=True`, the path of a custom period);
3. the same numbers by hand-written SQL over the raw rows (`cursor.execute`, PostgreSQL only:
   FILTER, DISTINCT ON, LATERAL, percentile_cont / percentile_disc, date + interval for the
   reactivation window), written independently of the ORM queries;
4. asserts that every figure of the unsuppressed reports equals the SQL's (the outcomes',
   which have no hand-written SQL, equal the raw path's) and the raw path's;
5. times each, median of --runs runs after a warm-up, and prints a table.

Targets (issue 18 item 5): the unit report and the county comparison each at most 0.2x their
hand-written SQL. Exit status 1 when a figure differs or a target fails. Load the summaries
of a county loaded before they existed with `helhet followup_summaries --fix`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(1, str(PROJECT_DIR / "src"))
os.environ.setdefault("HELHET_DEV", "1")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from helhet.contacts.models import Contact  # noqa: E402
from helhet.core.models import Unit  # noqa: E402
from helhet.followup.indicators import (  # noqa: E402
    EPISODE_FIGURES,
    county_comparison,
    report_settings,
    unit_report,
)
from helhet.followup.periods import Period  # noqa: E402
from helhet.followup.report import Measure  # noqa: E402

RATIO = 0.2
# the outcome indicators (`followup.outcomes`): compared with the raw path only
OUTCOMES = ("outcome_", "inpatient_", "homeless_")

SQL = {
    "episodes": """
        SELECT e.unit_id,
          COUNT(DISTINCT e.person_id),
          COUNT(DISTINCT e.person_id) FILTER (WHERE e.opened_on >= %(start)s),
          COUNT(DISTINCT e.person_id) FILTER (WHERE e.closed_on IS NULL OR e.closed_on > %(end)s),
          COUNT(*) FILTER (WHERE e.closed_on BETWEEN %(start)s AND %(end)s),
          COUNT(*) FILTER (WHERE e.opened_on >= %(start)s AND r.closed_on IS NOT NULL
            AND e.opened_on <= (r.closed_on + make_interval(months => %(months)s))::date),
          COUNT(DISTINCT e.person_id) FILTER (WHERE EXISTS (
              SELECT 1 FROM plans_sipversion v JOIN plans_sip s ON s.id = v.sip_id
              WHERE s.person_id = e.person_id AND s.unit_id = e.unit_id AND v.created_at < %(hi)s)),
          COUNT(DISTINCT e.person_id) FILTER (WHERE (e.closed_on IS NULL OR e.closed_on > %(end)s)
            AND EXISTS (SELECT 1 FROM access_consent c
              WHERE c.person_id = e.person_id AND c.unit_id = e.unit_id AND c.valid_from <= %(end)s
                AND (c.valid_until IS NULL OR c.valid_until >= %(end)s)
                AND (c.withdrawn_on IS NULL OR c.withdrawn_on > %(end)s)))
        FROM care_episode e LEFT JOIN care_episode r ON r.id = e.reactivation_of_id
        WHERE e.unit_id = ANY(%(units)s) AND e.opened_on <= %(end)s
          AND (e.closed_on IS NULL OR e.closed_on >= %(start)s)
        GROUP BY e.unit_id""",
    "closures": """
        SELECT e.unit_id, 'reason:' || cr.code, COUNT(*)
        FROM care_episode e JOIN care_closurereason cr ON cr.id = e.closure_reason_id
        WHERE e.unit_id = ANY(%(units)s) AND e.closed_on BETWEEN %(start)s AND %(end)s
        GROUP BY 1, 2""",
    "contacts": """
        SELECT unit_id, COUNT(*) FILTER (WHERE attended),
          COUNT(DISTINCT person_id) FILTER (WHERE attended)
        FROM contacts_contact
        WHERE unit_id = ANY(%(units)s) AND starts_at >= %(lo)s AND starts_at < %(hi)s
        GROUP BY unit_id""",
    "bookings": """
        SELECT unit_id, COUNT(*), COUNT(*) FILTER (WHERE status = 'no_show')
        FROM bookings_booking
        WHERE unit_id = ANY(%(units)s) AND starts_at >= %(lo)s AND starts_at < %(hi)s
          AND status IN ('attended', 'no_show')
        GROUP BY unit_id""",
    "drug_tests": """
        SELECT unit_id, COUNT(DISTINCT person_id), COUNT(*)
        FROM contacts_drugtest t
        WHERE unit_id = ANY(%(units)s) AND taken_at >= %(lo)s AND taken_at < %(hi)s
          AND NOT EXISTS (SELECT 1 FROM contacts_drugtest x WHERE x.corrects_id = t.id)
        GROUP BY unit_id""",
    "kinds": """
        SELECT unit_id, 'kind:' || kind, COUNT(*)
        FROM contacts_contact
        WHERE unit_id = ANY(%(units)s) AND starts_at >= %(lo)s AND starts_at < %(hi)s AND attended
        GROUP BY 1, 2""",
    "interventions": """
        SELECT ci.unit_id, COUNT(DISTINCT ci.person_id), COUNT(*),
          COUNT(*) FILTER (WHERE i.guideline_priority <= 3),
          COUNT(DISTINCT ci.person_id) FILTER (WHERE i.category = 'medication'
                                                 AND i.code <> 'drug_test'),
          COUNT(*) FILTER (WHERE i.category = 'medication' AND i.code <> 'drug_test')
        FROM contacts_contact_interventions ci
          JOIN contacts_intervention i ON i.id = ci.intervention_id
        WHERE ci.unit_id = ANY(%(units)s) AND ci.starts_at >= %(lo)s AND ci.starts_at < %(hi)s
          AND ci.attended
        GROUP BY ci.unit_id""",
    "items": """
        SELECT ci.unit_id, i.code, COUNT(DISTINCT ci.person_id), COUNT(*)
        FROM contacts_contact_interventions ci
          JOIN contacts_intervention i ON i.id = ci.intervention_id
        WHERE ci.unit_id = ANY(%(units)s) AND ci.starts_at >= %(lo)s AND ci.starts_at < %(hi)s
          AND ci.attended
        GROUP BY 1, 2""",
    "dispensings": """
        SELECT unit_id, COUNT(DISTINCT person_id), COUNT(*)
        FROM contacts_medicationdispensing
        WHERE unit_id = ANY(%(units)s) AND handed_out_at >= %(lo)s AND handed_out_at < %(hi)s
        GROUP BY unit_id""",
    "intake": """
        SELECT unit_id, instrument, zone, COUNT(*) FROM (
          SELECT DISTINCT ON (a.unit_id, a.person_id, a.instrument) a.unit_id, a.instrument, a.zone
          FROM assessments_assessment a
          WHERE a.unit_id = ANY(%(units)s) AND a.complete AND a.occasion = 'intake'
            AND a.assessed_on BETWEEN %(start)s AND %(end)s
            AND NOT EXISTS (SELECT 1 FROM assessments_assessment x WHERE x.corrects_id = a.id)
          ORDER BY a.unit_id, a.person_id, a.instrument, a.assessed_on, a.id) first_intake
        GROUP BY 1, 2, 3""",
    "change": """
        SELECT f.unit_id, f.instrument, COUNT(*),
          COUNT(*) FILTER (WHERE f.total < i.total), COUNT(*) FILTER (WHERE f.total = i.total),
          COUNT(*) FILTER (WHERE f.total > i.total), SUM(f.total - i.total)
        FROM (
          SELECT DISTINCT ON (a.unit_id, a.person_id, a.instrument) a.*
          FROM assessments_assessment a
          WHERE a.unit_id = ANY(%(units)s) AND a.complete AND a.occasion = 'follow_up'
            AND a.assessed_on BETWEEN %(start)s AND %(end)s
            AND NOT EXISTS (SELECT 1 FROM assessments_assessment x WHERE x.corrects_id = a.id)
          ORDER BY a.unit_id, a.person_id, a.instrument, a.assessed_on DESC, a.id DESC) f
        JOIN LATERAL (
          SELECT b.total FROM assessments_assessment b
          WHERE b.person_id = f.person_id AND b.unit_id = f.unit_id
            AND b.instrument = f.instrument AND b.complete AND b.occasion = 'intake'
            AND b.assessed_on <= f.assessed_on
            AND NOT EXISTS (SELECT 1 FROM assessments_assessment x WHERE x.corrects_id = b.id)
          ORDER BY b.assessed_on DESC, b.id DESC LIMIT 1) i ON TRUE
        GROUP BY 1, 2""",
    "decision": """
        SELECT unit_id, COUNT(*),
          percentile_cont(0.5) WITHIN GROUP (ORDER BY wait),
          percentile_disc(0.9) WITHIN GROUP (ORDER BY wait)
        FROM (SELECT unit_id,
                (decided_at AT TIME ZONE %(zone)s)::date - received_on AS wait
              FROM intake_referral
              WHERE unit_id = ANY(%(units)s) AND decided_at >= %(lo)s AND decided_at < %(hi)s) w
        GROUP BY unit_id""",
    "first_contact": """
        SELECT unit_id, COUNT(*),
          percentile_cont(0.5) WITHIN GROUP (ORDER BY first_contact_on - received_on),
          percentile_disc(0.9) WITHIN GROUP (ORDER BY first_contact_on - received_on)
        FROM intake_referral
        WHERE unit_id = ANY(%(units)s) AND first_contact_on BETWEEN %(start)s AND %(end)s
        GROUP BY unit_id""",
    "sip": """
        SELECT s.unit_id, COUNT(*), COUNT(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM plans_sipmeeting n WHERE n.sip_id = m.sip_id
              AND n.held_on > m.held_on AND n.held_on <= m.next_follow_up_on))
        FROM plans_sipmeeting m JOIN plans_sip s ON s.id = m.sip_id
        WHERE s.unit_id = ANY(%(units)s) AND m.next_follow_up_on BETWEEN %(start)s AND %(end)s
        GROUP BY s.unit_id""",
}


def hand_written(units: list[int], period: Period) -> dict:
    """{(unit id, indicator, row key): value} by the SQL above; counts absent are 0."""
    lo, hi = period.bounds()
    params = {
        "units": units,
        "start": period.start,
        "end": period.end,
        "lo": lo,
        "hi": hi,
        "months": settings.HELHET_REACTIVATION_MONTHS,
        "zone": settings.TIME_ZONE,
    }
    out: dict = defaultdict(int)
    sums: dict = defaultdict(int)
    # Under the settings the report's own transaction has (work_mem, parallel workers).
    with report_settings(), connection.cursor() as cursor:

        def rows(name):
            cursor.execute(SQL[name], params)
            return cursor.fetchall()

        for unit, *values in rows("episodes"):
            for name, value in zip(EPISODE_FIGURES, values, strict=True):
                out[(unit, name, "")] = value
        for unit, key, n in rows("closures"):
            out[(unit, "closed", key)] = n
        for unit, attended, persons in rows("contacts"):
            out[(unit, "contacts", "")] = attended
            out[(unit, "contact_persons", "")] = persons
        for unit, booked, no_shows in rows("bookings"):
            out[(unit, "booked_contacts", "")] = booked
            out[(unit, "no_shows", "")] = no_shows
        for unit, persons, n in rows("drug_tests"):
            out[(unit, "intervention_persons", "drug_tests")] = persons
            out[(unit, "interventions", "drug_tests")] = n
        for unit, key, n in rows("kinds"):
            out[(unit, "contacts", key)] = n
        for unit, persons, n, priority, med_persons, med_n in rows("interventions"):
            out[(unit, "intervention_persons", "")] = persons
            out[(unit, "interventions", "")] = n
            out[(unit, "priority_interventions", "")] = priority
            out[(unit, "intervention_persons", "medication")] = med_persons
            out[(unit, "interventions", "medication")] = med_n
        for unit, code, persons, n in rows("items"):
            keys = [f"intervention:{code}"]
            if code in ("group_treatment", "individual_treatment"):
                keys.append(code)
            for key in keys:
                out[(unit, "intervention_persons", key)] = persons
                out[(unit, "interventions", key)] = n
        for unit, persons, n in rows("dispensings"):
            out[(unit, "intervention_persons", "dispensing")] = persons
            out[(unit, "interventions", "dispensing")] = n
        for unit, instrument, zone, n in rows("intake"):
            out[(unit, f"{instrument}_intake", "")] += n
            out[(unit, f"{instrument}_intake", f"zone:{zone}")] = n
        for unit, instrument, n, better, same, worse, change in rows("change"):
            code = f"{instrument}_change"
            out[(unit, code, "")] = n
            out[(unit, code, "change:improved")] = better
            out[(unit, code, "change:unchanged")] = same
            out[(unit, code, "change:worse")] = worse
            sums[(unit, code)] = change
        for name, count_code in (
            ("decision", "referrals_decided"),
            ("first_contact", "referrals_first_contact"),
        ):
            wait = "decision_wait" if name == "decision" else "first_contact_wait"
            for unit, n, median, p90 in rows(name):
                out[(unit, count_code, "")] = n
                out[(unit, f"{wait}_median", "")] = float(median)
                out[(unit, f"{wait}_p90", "")] = float(p90)
        for unit, due, on_time in rows("sip"):
            out[(unit, "sip_follow_ups_due", "")] = due
            out[(unit, "sip_follow_ups_on_time", "")] = on_time
    # derived figures, from the counts, rounded as the report rounds them
    for unit in units:

        def share(top, bottom):
            return round(100 * top / bottom, 1) if bottom else None

        g = out.get
        out[(unit, "no_show_rate", "")] = share(
            g((unit, "no_shows", ""), 0), g((unit, "booked_contacts", ""), 0)
        )
        out[(unit, "priority_share", "")] = share(
            g((unit, "priority_interventions", ""), 0), g((unit, "interventions", ""), 0)
        )
        out[(unit, "sip_share", "")] = share(
            g((unit, "sip_persons", ""), 0), g((unit, "enrolled", ""), 0)
        )
        out[(unit, "sip_on_time_share", "")] = share(
            g((unit, "sip_follow_ups_on_time", ""), 0), g((unit, "sip_follow_ups_due", ""), 0)
        )
        out[(unit, "consent_share", "")] = share(
            g((unit, "consent_persons", ""), 0), g((unit, "enrolled_at_end", ""), 0)
        )
        for instrument in ("audit", "dudit"):
            n = g((unit, f"{instrument}_change", ""), 0)
            total = sums.get((unit, f"{instrument}_change"), 0)
            out[(unit, f"{instrument}_mean_change", "")] = round(total / n, 2) if n else None
    return out


def differences(reports, expected, skip=OUTCOMES) -> list[str]:
    """Every total of REPORTS that differs from EXPECTED's, but those of indicators SKIP."""
    wrong = []
    for report in reports:
        for row in report.rows:
            if row.indicator.startswith(skip):
                continue
            place = (report.unit_id, row.indicator, row.key)
            got = row.cells["total"].value
            if row.measure == Measure.COUNT:
                want = expected.get(place, 0)
            else:
                want = expected.get(place)
            if want != got and not (
                isinstance(want, float) and got is not None and abs(want - got) < 1e-9
            ):
                wrong.append(f"{report.unit_name}: {row.indicator} {row.key!r} {got} != {want}")
    return wrong


def as_expected(reports) -> dict:
    """The totals of REPORTS as `hand_written` gives them."""
    return {
        (report.unit_id, row.indicator, row.key): row.cells["total"].value
        for report in reports
        for row in report.rows
    }


def timed(function, runs: int) -> tuple[float, int]:
    function()  # warm-up
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            function()
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    parser.add_argument("--unit", help="slug of the unit of the unit report")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--breakdown", default="total", choices=["total", "sex", "age"])
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("The follow-up benchmark needs PostgreSQL (DATABASE_URL).")
        return 2
    period = Period.year(args.year)
    lo, hi = period.bounds()
    units = list(Unit.objects.order_by("name"))
    if not units:
        print("No units: load the demo county first (helhet migrate; helhet demo --persons N).")
        return 2
    if args.unit:
        unit = Unit.objects.get(slug=args.unit)
    else:
        busiest = (
            Contact.objects.filter(starts_at__gte=lo, starts_at__lt=hi)
            .values("unit_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        unit = Unit.objects.get(pk=busiest["unit_id"]) if busiest else units[0]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sizes = {}
        for table in (
            "people_person",
            "care_episode",
            "contacts_contact",
            "contacts_contact_interventions",
            "intake_referral",
            "assessments_assessment",
        ):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (fixed names)
            sizes[table] = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
        cursor.execute(
            "SELECT COUNT(*) FROM contacts_contact WHERE unit_id = %s "
            "AND starts_at >= %s AND starts_at < %s",
            [unit.pk, lo, hi],
        )
        unit_contacts = cursor.fetchone()[0]
        # The hand-written SQL reads the interventions from the links' copies of their
        # contacts, as the ORM does: check the copies against the contacts themselves.
        cursor.execute(
            "SELECT COUNT(*) FROM contacts_contact_interventions ci"
            " JOIN contacts_contact c ON c.id = ci.contact_id"
            " WHERE (ci.unit_id, ci.person_id, ci.starts_at, ci.attended)"
            " IS DISTINCT FROM (c.unit_id, c.person_id, c.starts_at, c.attended)"
        )
        stale_links = cursor.fetchone()[0]
    if stale_links:
        print(f"{stale_links:,} contact-intervention links differ from their contacts")
        return 1
    print(f"{version}; {', '.join(f'{t} {n:,}' for t, n in sizes.items())}")
    print(
        f"period {period.label}; unit report: {unit.name} ({unit_contacts:,} contacts in the year)"
    )

    wrong = []
    for label, reports, raw_reports, ids in (
        (
            "unit report",
            [unit_report(unit, period, suppress=False)],
            [unit_report(unit, period, suppress=False, raw=True)],
            [unit.pk],
        ),
        (
            "county comparison",
            county_comparison(units, period, suppress=False),
            county_comparison(units, period, suppress=False, raw=True),
            [u.pk for u in units],
        ),
    ):
        wrong += [
            f"{label} SQL: {line}" for line in differences(reports, hand_written(ids, period))
        ]
        expected = as_expected(raw_reports)
        wrong += [f"{label} raw: {line}" for line in differences(reports, expected, skip=())]
    for line in wrong:
        print("DIFFERS", line)

    ids = [u.pk for u in units]
    measured = {
        "unit_report": timed(
            lambda: unit_report(unit, period, breakdown=args.breakdown), args.runs
        ),
        "unit_report raw": timed(
            lambda: unit_report(unit, period, breakdown=args.breakdown, raw=True), args.runs
        ),
        "unit_report SQL": timed(lambda: hand_written([unit.pk], period), args.runs),
        "county_comparison": timed(lambda: county_comparison(units, period), args.runs),
        "county_comparison raw": timed(
            lambda: county_comparison(units, period, raw=True), args.runs
        ),
        "county_comparison SQL": timed(lambda: hand_written(ids, period), args.runs),
    }
    checks = {}
    for name in ("unit_report", "county_comparison"):
        ratio = measured[name][0] / measured[f"{name} SQL"][0]
        checks[name] = (ratio, ratio <= RATIO, f"<= {RATIO}x SQL")
        raw_ratio = measured[f"{name} raw"][0] / measured[f"{name} SQL"][0]
        checks[f"{name} raw"] = (raw_ratio, None, "")
    print(f"\nmedian of {args.runs} runs, {len(units)} units, breakdown {args.breakdown}\n")
    print("| what | median ms | queries | x SQL | target | met |")
    print("|---|---:|---:|---:|---|---|")
    for name, (ms, queries) in measured.items():
        ratio, met, target = checks.get(name, (None, None, ""))  # type: ignore[assignment]
        print(
            f"| `{name}` | {ms:.1f} | {queries} | "
            f"{'' if ratio is None else f'{ratio:.2f}'} | {target} | "
            f"{'' if met is None else ('yes' if met else 'NO')} |"
        )
    failed = bool(wrong) or not all(
        met for _ratio, met, _target in checks.values() if met is not None
    )
    print("\nfigures match the hand-written SQL" if not wrong else f"\n{len(wrong)} figures differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
