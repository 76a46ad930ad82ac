"""A trend computes its periods together: the same figures as a report per period."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhet.contacts.models import Intervention
from helhet.followup.indicators import trend, unit_report
from helhet.followup.periods import Period
from tests import factories as f

from .conftest import local

D = datetime.date


def rich(w):
    """Something of every source in the first months of 2025 and around their edges."""
    laro = Intervention.objects.get(code="laro")
    group = Intervention.objects.get(code="group_treatment")
    people = [w.person(sex=sex) for sex in ["female", "male"] * 4]
    for n, p in enumerate(people):
        closed = D(2025, 2, 28) if n % 3 == 0 else None
        ep = w.episode(p, opened_on=D(2025, 1, 1 + n), closed_on=closed)
        if n == 3:
            w.episode(p, opened_on=D(2025, 3, 10), reactivation_of=ep)
        w.contact(ep, D(2025, 1, 31), 23, 59, interventions=[laro])  # last minute of January
        w.contact(ep, D(2025, 2, 1), 0, 0, interventions=[group], kind="group")
        w.contact(ep, D(2025, 2, 10 + n), attended=n % 2 == 0, booked=True)
        w.assessment(p, D(2025, 1, 10 + n), "intake", 10 + n, zone="II")
        w.assessment(p, D(2025, 1, 20), "intake", 12, zone="II")  # a second intake in January
        w.assessment(p, D(2025, 2, 20), "follow_up", 8 + n, zone="II")
        w.assessment(p, D(2025, 3, 20), "follow_up", 20 - n, zone="III")
        outcome = {"person": p, "unit": w.clinic, "recorded_by": w.nurse}
        f.OutcomeFactory(**outcome, assessed_on=D(2025, 1, 10 + n), gambling=n % 2 == 0)
        f.OutcomeFactory(**outcome, assessed_on=D(2025, 1, 20), housing="homeless")
        f.OutcomeFactory(
            **outcome, assessed_on=D(2025, 2, 20), occasion="follow_up", inpatient_episodes=n % 2
        )
        f.OutcomeFactory(
            **outcome, assessed_on=D(2025, 3, 20), occasion="follow_up", housing="homeless"
        )
        w.referral(
            D(2025, 1, 1),
            decided_on=D(2025, 1, 2 + 3 * n),
            first_contact_on=D(2025, 2, 1 + n),
            ep=ep,
        )
        f.MedicationDispensingFactory(
            person=p, unit=w.clinic, recorded_by=w.nurse, handed_out_at=local(D(2025, 3, 1 + n))
        )
        sip = w.sip_version(p, D(2025, 1, 15 + n))
        w.meeting(sip, D(2025, 1, 5), D(2025, 2, 5 + n))
        w.meeting(sip, D(2025, 2, 8), D(2025, 3, 8))


def test_a_trend_equals_a_report_per_period(world):
    w = world
    rich(w)
    periods = Period.month(2025, 4).preceding(4)  # January to April 2025
    with CaptureQueriesContext(connection) as queries:
        together = trend(w.clinic, periods, suppress=False)
    # the episodes' and the relatives' episodes' queries per period (2 x 4) and the other 16
    # queries once, not 18 per period (and on PostgreSQL the statement that raises work_mem for
    # the report's transaction)
    assert len(queries) == 8 + 16 + (1 if connection.vendor == "postgresql" else 0)
    one_by_one = [unit_report(w.clinic, period, suppress=False) for period in periods]
    assert [r.period for r in together] == periods
    for a, b in zip(together, one_by_one, strict=True):
        assert [(row.indicator, row.key, row.cells) for row in a.rows] == [
            (row.indicator, row.key, row.cells) for row in b.rows
        ]
    january, february, march, april = together

    def total(report, code, key=""):
        return report.row(code, key).cells["total"].value

    # contacts: 8 at 23:59 on 31 Jan in January; 8 group sessions at 00:00 on 1 Feb and 4
    # attended of 8 visits (n even) in February
    assert [total(r, "contacts") for r in together] == [8, 12, 0, 0]
    assert total(february, "no_shows") == 4
    assert total(january, "interventions", "intervention:laro") == 8
    # intakes: each person's first in January counts once: 8 persons
    assert total(january, "audit_intake") == 8
    # reactivation: one episode opened 10 March
    assert total(march, "reactivated") == 1
    # decisions on 2, 5, ..., 23 Jan (days 1, 4, ..., 22): median (10 + 13) / 2 = 11.5
    assert total(january, "decision_wait_median") == 11.5
    assert total(february, "referrals_decided") == 0
    # enrolled at the end of February: 8 - 3 closed on 28 Feb (n = 0, 3, 6) = 5
    assert total(february, "enrolled_at_end") == 5
    assert total(april, "enrolled") == 6  # 5 still open and the reactivated one


def test_overlapping_periods_get_a_report_each(world):
    w = world
    rich(w)
    periods = [Period.year(2025), Period.quarter(2025, 1), Period.month(2025, 2)]
    reports = trend(w.clinic, periods, suppress=False)
    assert [r.period for r in reports] == periods
    assert [r.row("contacts").cells["total"].value for r in reports] == [20, 20, 12]
    assert trend(w.clinic, []) == []


@pytest.mark.parametrize("breakdown", ["sex", "age"])
def test_a_trend_by_sex_or_age_equals_a_report_per_period(world, breakdown):
    w = world
    rich(w)
    # two who turn 30 in February: 18-29 at the start of January and February, 30-39 after
    for day, sex in ((15, "female"), (16, "male")):
        p = w.person(birth_date=D(1995, 2, day), sex=sex)
        ep = w.episode(p, opened_on=D(2025, 1, 5))
        w.contact(ep, D(2025, 3, 3))
        w.assessment(p, D(2025, 3, 4), "intake", 9, zone="II")
        w.referral(D(2025, 1, 3), decided_on=D(2025, 3, 5), ep=ep)
    periods = Period.month(2025, 4).preceding(4)
    with CaptureQueriesContext(connection) as queries:
        together = trend(w.clinic, periods, breakdown=breakdown, suppress=False)
    # as by total, and the two waits' grouped percentiles: not a report per period
    assert len(queries) == 8 + 18 + (1 if connection.vendor == "postgresql" else 0)
    one_by_one = [
        unit_report(w.clinic, period, breakdown=breakdown, suppress=False) for period in periods
    ]
    for a, b in zip(together, one_by_one, strict=True):
        assert (a.period, a.breakdown, a.groups) == (b.period, b.breakdown, b.groups)
        assert [(row.indicator, row.key, row.cells) for row in a.rows] == [
            (row.indicator, row.key, row.cells) for row in b.rows
        ]
    if breakdown == "age":
        january, february, march, _april = together
        assert february.row("enrolled").cells["age:18-29"].value == 2
        assert march.row("enrolled").cells["age:18-29"].value == 0
        assert march.row("enrolled").cells["age:30-39"].value == 2
        assert march.row("contacts").cells["age:30-39"].value == 2
        assert march.row("decision_wait_median").cells["age:30-39"].value == 61.0
    else:
        january = together[0]
        assert january.row("contacts").cells["sex:female"].value == 4


def test_a_trend_by_sex_is_suppressed_within_each_period(world):
    w = world
    rich(w)
    periods = Period.month(2025, 4).preceding(4)
    february = trend(w.clinic, periods, breakdown="sex")[1]
    # 4 no-shows in February, all men's (n odd are men, n even attended): 1 to 4, hidden
    cells = february.row("no_shows").cells
    assert february.suppressed and cells["sex:male"].small and cells["total"].suppressed
