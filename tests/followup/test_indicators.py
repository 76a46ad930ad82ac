"""Enrolment, contacts and closures on hand-computed data (the issue's hard cases)."""

import datetime

import pytest
from django.test.utils import override_settings

from helhet.bookings.models import Booking
from helhet.followup.indicators import county_comparison, trend, unit_report
from helhet.followup.periods import Period
from tests import factories as f

from .conftest import local

D = datetime.date
YEAR = Period.year(2025)


def figure(report, indicator, key="", group="total"):
    return report.row(indicator, key).cells[group].value


@pytest.fixture
def edges(world):
    """Episodes at the clinic around the edges of 2025."""
    w = world
    w.spanning = w.episode(opened_on=D(2024, 11, 1), closed_on=D(2026, 1, 10))
    w.last_day = w.episode(opened_on=D(2025, 12, 31))
    w.first_day = w.episode(opened_on=D(2024, 6, 1), closed_on=D(2025, 1, 1))
    w.before = w.episode(opened_on=D(2023, 1, 1), closed_on=D(2024, 12, 31))
    w.after = w.episode(opened_on=D(2026, 1, 1))
    w.closed_last_day = w.episode(opened_on=D(2025, 2, 1), closed_on=D(2025, 12, 31))
    return w


def test_enrolment_at_the_edges_of_the_period(edges):
    report = unit_report(edges.clinic, YEAR, suppress=False)
    # enrolled: spanning, last_day, first_day (closed on 1 Jan), closed_last_day = 4;
    # not before (closed 31 Dec 2024) nor after (opened 1 Jan 2026)
    assert figure(report, "enrolled") == 4
    # opened in 2025: last_day (31 Dec), closed_last_day (1 Feb) = 2
    assert figure(report, "new_enrolments") == 2
    # open at the end of 31 Dec: spanning (closed 2026), last_day = 2; closed_last_day is not
    assert figure(report, "enrolled_at_end") == 2
    # closed in 2025: first_day (1 Jan), closed_last_day (31 Dec) = 2
    assert figure(report, "closed") == 2
    assert figure(report, "closed", "reason:goals_reached") == 2


def test_a_person_with_two_episodes_counts_once(world):
    w = world
    p = w.person()
    w.episode(p, opened_on=D(2025, 1, 10), closed_on=D(2025, 2, 10))
    w.episode(p, opened_on=D(2025, 5, 1))
    report = unit_report(w.clinic, YEAR, suppress=False)
    assert figure(report, "enrolled") == 1
    assert figure(report, "new_enrolments") == 1
    # but two episodes: one closed
    assert figure(report, "closed") == 1


def test_contacts_on_the_last_day_in_local_time(world):
    w = world
    ep = w.episode(opened_on=D(2025, 1, 1))
    w.contact(ep, D(2025, 12, 31), 23, 59, booked=True)  # counted: 22:59 UTC on the last day
    w.contact(ep, D(2026, 1, 1), 0, 0, booked=True)  # not counted: next day local
    w.contact(ep, D(2025, 1, 1), 0, 0, booked=True)  # counted: first minute of the first day
    w.contact(ep, D(2024, 12, 31), 23, 59, booked=True)  # not counted
    w.contact(ep, D(2025, 6, 1), kind="phone", booked=True)
    w.contact(ep, D(2025, 6, 2), attended=False, booked=True)
    w.contact(ep, D(2025, 6, 3), attended=False, kind="phone", booked=True)
    w.contact(ep, D(2025, 6, 4), attended=False)  # a no-show without a booking: not counted
    f.BookingFactory(  # cancelled: neither held nor missed
        episode=ep,
        starts_at=local(D(2025, 6, 5), 10),
        status=Booking.Status.CANCELLED,
        cancelled_by=Booking.CancelledBy.PERSON,
    )
    report = unit_report(w.clinic, YEAR, suppress=False)
    # attended in 2025: 31 Dec 23:59, 1 Jan 00:00, 1 Jun phone = 3
    assert figure(report, "contacts") == 3
    assert figure(report, "contacts", "kind:visit") == 2
    assert figure(report, "contacts", "kind:phone") == 1
    assert figure(report, "contact_persons") == 1
    # two no-shows of 5 bookings held or missed = 40.0 %
    assert figure(report, "booked_contacts") == 5
    assert figure(report, "no_shows") == 2
    assert figure(report, "no_show_rate") == 40.0


@pytest.mark.parametrize(
    "months_after, window, reactivated",
    [(11, 12, 1), (13, 12, 0), (12, 12, 1), (13, 14, 1), (11, 10, 0)],
)
def test_reactivation_window(world, months_after, window, reactivated):
    w = world
    p = w.person()
    closed_on = D(2024, 3, 15)
    first = w.episode(p, opened_on=D(2023, 1, 1), closed_on=closed_on)
    year, month = divmod(closed_on.month - 1 + months_after, 12)
    opened_on = D(closed_on.year + year, month + 1, 15)  # the same day of the month
    w.episode(p, opened_on=opened_on, reactivation_of=first)
    period = Period.year(opened_on.year)
    with override_settings(HELHET_REACTIVATION_MONTHS=window):
        report = unit_report(w.clinic, period, suppress=False)
    assert figure(report, "reactivated") == reactivated
    assert figure(report, "new_enrolments") == 1


def test_turning_18_in_the_period_counts_in_the_age_at_its_start(world):
    w = world
    w.episode(w.person(birth_date=D(2007, 6, 1)), unit=w.mini, opened_on=D(2025, 2, 1))
    w.episode(w.person(birth_date=D(2007, 1, 1)), unit=w.mini, opened_on=D(2025, 2, 1))
    w.episode(w.person(birth_date=D(2012, 1, 2)), unit=w.mini, opened_on=D(2025, 2, 1))
    report = unit_report(w.mini, YEAR, breakdown="age", suppress=False)
    # born 2007-06-01: 17 on 1 Jan 2025 (18 in June) -> 16-17
    # born 2007-01-01: 18 on 1 Jan 2025 -> 18-21
    # born 2012-01-02: 12 on 1 Jan 2025 (13 the day after) -> other
    assert figure(report, "enrolled", group="age:16-17") == 1
    assert figure(report, "enrolled", group="age:18-21") == 1
    assert figure(report, "enrolled", group="age:13-15") == 0
    assert figure(report, "enrolled", group="age:other") == 1
    assert figure(report, "enrolled") == 3


def test_breakdown_by_sex(world):
    w = world
    for sex in ["female", "female", "male", "unknown"]:
        w.episode(w.person(sex=sex), opened_on=D(2025, 4, 1))
    report = unit_report(w.clinic, YEAR, breakdown="sex", suppress=False)
    assert [g.key for g in report.groups] == ["total", "sex:female", "sex:male", "sex:unknown"]
    assert figure(report, "enrolled", group="sex:female") == 2
    assert figure(report, "enrolled", group="sex:male") == 1
    assert figure(report, "enrolled", group="sex:unknown") == 1
    assert figure(report, "enrolled") == 4


def test_county_comparison_and_trend(world, django_assert_max_num_queries):
    w = world
    w.episode(opened_on=D(2025, 4, 1))
    w.episode(unit=w.mini, opened_on=D(2025, 4, 1), p=w.person(birth_date=D(2010, 1, 1)))
    w.episode(unit=w.mini, opened_on=D(2025, 4, 1), p=w.person(birth_date=D(2010, 1, 1)))
    with django_assert_max_num_queries(19):  # 18 when measured
        clinic, mini = county_comparison([w.clinic, w.mini], YEAR, suppress=False)
    assert (clinic.unit_id, figure(clinic, "enrolled")) == (w.clinic.pk, 1)
    assert (mini.unit_id, figure(mini, "enrolled")) == (w.mini.pk, 2)
    months = trend(w.clinic, Period.month(2025, 5).preceding(3), suppress=False)
    # March: not yet; April and May: enrolled
    assert [figure(r, "enrolled") for r in months] == [0, 1, 1]


def test_the_report_names_its_unit_period_and_breakdown(world):
    report = unit_report(world.mini, Period.quarter(2025, 2), breakdown="age")
    assert (report.unit_id, report.unit_name, report.unit_type) == (
        world.mini.pk,
        "Mini-Maria Uppföljning",
        "mini_maria",
    )
    assert report.period == Period.quarter(2025, 2) and report.period.kind == "quarter"
    assert report.breakdown == "age" and report.suppressed
    assert [g.key for g in report.groups] == [
        "total",
        "age:13-15",
        "age:16-17",
        "age:18-21",
        "age:other",
    ]
    assert report.computed_at is not None
