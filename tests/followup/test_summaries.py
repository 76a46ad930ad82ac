"""The follow-up's summaries (`followup.summaries`): a report read from them has the figures of
the same report over the raw rows, for every breakdown and in a trend, after any sequence of
writes, corrections and deletions; the check command tells a difference and mends it."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhet.bookings.models import Booking
from helhet.contacts.models import Contact, ContactIntervention, DrugTest, MedicationDispensing
from helhet.core.corrections import as_correction_of
from helhet.followup import summaries
from helhet.followup.indicators import county_comparison, trend, unit_report
from helhet.followup.models import Summary
from helhet.followup.periods import Period
from tests import factories as f

from .conftest import local

YEAR = 2025
PERIODS = [Period.year(YEAR), Period.quarter(YEAR, 2), Period.month(YEAR, 3)]


def figures(reports) -> list:
    """Every cell of REPORTS (unsuppressed), with its unit, period, row and group."""
    return [
        (r.unit_id, r.period, row.indicator, row.key, group, cell.value)
        for r in reports
        for row in r.rows
        for group, cell in row.cells.items()
    ]


def assert_same_reports(w) -> None:
    """The reports from the summaries equal those from the raw rows, summaries equal the raw."""
    assert summaries.check() == []
    for period in PERIODS:
        for breakdown in ("total", "sex", "age", "municipality"):
            for unit in (w.clinic, w.mini):
                got = unit_report(unit, period, breakdown=breakdown, suppress=False)
                want = unit_report(unit, period, breakdown=breakdown, suppress=False, raw=True)
                assert figures([got]) == figures([want]), (unit, period, breakdown)
        units = [w.clinic, w.mini]
        got = county_comparison(units, period, suppress=False)
        assert figures(got) == figures(county_comparison(units, period, suppress=False, raw=True))
    months = [Period.month(YEAR, month) for month in range(1, 13)]
    for breakdown in ("total", "sex"):
        got = trend(w.clinic, months, breakdown=breakdown, suppress=False)
        want = trend(w.clinic, months, breakdown=breakdown, suppress=False, raw=True)
        assert figures(got) == figures(want)


@pytest.fixture
def cast(world):
    """Three persons at the clinic (one of them a relative there, who is no client), one of
    them also at the Mini-Maria, in two municipalities and of both sexes; two interventions."""
    w = world
    aby, bby = f.MunicipalityFactory(name="Aby"), f.MunicipalityFactory(name="Bby")
    w.people = []
    for born, sex, place, relative in (
        (datetime.date(1980, 6, 1), "female", aby, False),
        (datetime.date(2008, 2, 10), "male", bby, False),
        (datetime.date(1960, 1, 5), "female", None, True),
    ):
        p = w.person(birth_date=born, sex=sex)
        p.municipality = place
        p.save(update_fields=["municipality"])
        w.people.append(w.episode(p, opened_on=datetime.date(2024, 1, 1), as_relative=relative))
    w.people.append(w.episode(w.people[1].person, unit=w.mini, opened_on=datetime.date(2024, 1, 1)))
    w.items = [
        f.InterventionFactory(code="health_talk"),
        f.InterventionFactory(code="summary_pill", category="medication", guideline_priority=2),
    ]
    return w


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["contact", "correct", "book", "dispense", "test", "delete"]),
        st.integers(0, 3),  # the episode (person and unit)
        st.integers(0, 364),  # the day of the year
        st.sampled_from([0, 10, 23]),  # the local hour: midnight's edges too
        st.booleans(),  # attended
        st.sampled_from(["visit", "phone", "group"]),
        st.integers(0, 3),  # the interventions given: none, one, the other, both
        st.integers(0, 50),  # which earlier record, for a correction or deletion
    ),
    max_size=14,
)


def _apply(w, operation) -> None:
    """One write of the raw rows, as an action makes it, and the person's summaries' refresh."""
    what, which, day, hour, attended, kind, items, pick = operation
    ep = w.people[which]
    when = local(datetime.date(YEAR, 1, 1) + datetime.timedelta(days=day), hour)
    chosen = [item for bit, item in enumerate(w.items) if items & (1 << bit)]
    in_force = list(Contact.objects.in_force().filter(person=ep.person).order_by("pk"))
    if what == "contact":
        w.contact(ep, when.date(), hour, kind=kind, attended=attended, interventions=chosen)
    elif what == "correct" and in_force:
        earlier = in_force[pick % len(in_force)]
        fields = {"kind": kind, "starts_at": when, "attended": attended}
        contact = Contact(
            person=earlier.person,
            unit=earlier.unit,
            episode=earlier.episode,
            organisation=earlier.organisation,
            recorded_by=w.nurse,
            **fields,
        )
        as_correction_of(contact, earlier, "wrong day")
        contact.save()
        contact.interventions.set(chosen, through_defaults=ContactIntervention.copied_from(contact))
        Booking.objects.filter(contact_id=contact.original_id).update(
            status=Booking.outcome_of(contact)
        )
    elif what == "book" and in_force:
        contact = in_force[pick % len(in_force)]
        if not Booking.objects.filter(contact_id=contact.original_id or contact.pk).exists():
            f.booking_of(contact)
    elif what == "dispense":
        f.MedicationDispensingFactory(
            person=ep.person, unit=ep.unit, recorded_by=w.nurse, handed_out_at=when
        )
    elif what == "test":
        f.DrugTestFactory(person=ep.person, unit=ep.unit, recorded_by=w.nurse, taken_at=when)
    elif what == "delete":
        _delete(ep.person, pick)
    summaries.refresh([ep.person_id])


def _delete(person, pick) -> None:
    """Delete one of PERSON's records no other row refers to (a booking, dispensing, drug test
    or an uncorrected contact without a booking)."""
    records = [
        *Booking.objects.filter(person=person),
        *MedicationDispensing.objects.filter(person=person, correction__isnull=True),
        *DrugTest.objects.filter(person=person, correction__isnull=True),
        *Contact.objects.filter(person=person, correction__isnull=True, booking__isnull=True),
    ]
    if records:
        records[pick % len(records)].delete()


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_summaries_and_the_raw_rows_agree_after_any_writes(cast, operations):
    with transaction.atomic():
        for operation in operations:
            _apply(cast, operation)
        assert summaries.check() == []
        year, quarters = Period.year(YEAR), [Period.quarter(YEAR, q) for q in (1, 2, 3, 4)]
        got = unit_report(cast.clinic, year, breakdown="age", suppress=False)
        want = unit_report(cast.clinic, year, breakdown="age", suppress=False, raw=True)
        assert figures([got]) == figures([want])
        got = trend(cast.clinic, quarters, breakdown="municipality", suppress=False)
        want = trend(cast.clinic, quarters, breakdown="municipality", suppress=False, raw=True)
        assert figures(got) == figures(want)
        transaction.set_rollback(True)


def test_a_report_from_summaries_equals_the_raw_one_for_every_breakdown_and_a_trend(cast):
    w = cast
    for number, operation in enumerate(
        [
            ("contact", 0, 40, 10, True, "visit", 1, 0),
            ("contact", 0, 100, 23, True, "phone", 3, 0),
            ("contact", 1, 100, 0, False, "visit", 0, 0),
            ("book", 1, 0, 0, True, "visit", 0, 0),
            ("contact", 2, 70, 10, True, "group", 2, 0),
            ("contact", 3, 75, 10, True, "visit", 2, 0),
            ("dispense", 1, 80, 10, True, "visit", 0, 0),
            ("test", 3, 81, 23, True, "visit", 0, 0),
            ("correct", 0, 200, 10, True, "visit", 2, 1),
        ]
    ):
        _apply(w, operation)
        assert Summary.objects.exists(), number
    assert_same_reports(w)
    # the figures are there: the first person's two contacts, one corrected to July
    cells = {
        (row.indicator, row.key): row.cells["total"].value
        for row in unit_report(w.clinic, Period.year(YEAR), suppress=False).rows
    }
    assert cells[("contacts", "")] == 2  # the first person's two; the relative is no client
    assert cells[("relative_contacts", "")] == 1
    assert cells[("no_shows", "")] == 1


def test_the_command_reports_a_difference_and_mends_it_with_fix(cast, capsys):
    w = cast
    _apply(w, ("contact", 0, 40, 10, True, "visit", 1, 0))
    Summary.objects.filter(kind="year").update(attended=7)
    with pytest.raises(SystemExit) as exit_:
        call_command("followup_summaries")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"unit {w.clinic.pk}, person {w.people[0].person_id}, year 2025-01-01:" in out
    assert "attended stored 7, raw 1" in out
    call_command("followup_summaries", "--fix")
    assert summaries.check() == []


def test_the_command_reports_no_difference_when_the_summaries_match(cast, capsys):
    _apply(cast, ("contact", 0, 40, 10, True, "visit", 1, 0))
    call_command("followup_summaries")
    assert "The summaries match the raw rows." in capsys.readouterr().out


def test_a_custom_period_reads_the_raw_rows_and_whole_periods_the_summaries(cast):
    assert summaries.readable([Period.year(YEAR)])
    assert summaries.readable([Period.month(YEAR, 1), Period.month(YEAR, 2)])
    assert not summaries.readable(
        [Period.custom(datetime.date(YEAR, 1, 5), datetime.date(YEAR, 2, 1))]
    )
    assert not summaries.readable([Period.month(YEAR, 1), Period.quarter(YEAR, 2)])
